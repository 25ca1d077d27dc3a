"""The demo cycle's settings: the fictional demo brands and the seeded demo source.

``cxpulse demo`` runs one full cycle on these (collect, classify and a summary of the
labels, switching threats and mentions not about a brand among them, a sample search, the
weekly digest with its switching threats) through the same use cases as a configured
installation; no config file, no network.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from cxpulse.app import users
from cxpulse.config import BrandConfig, LoadedConfig, Settings, SourceConfig
from foundation.errors import NotFound
from listener.sources.demo import DEMO_BRANDS
from storage import Store

__all__ = [
    "DEMO_DIGEST_FILE",
    "DEMO_STORE_FILE",
    "DEMO_USER",
    "SAMPLE_QUERY",
    "demo_config",
    "demo_fallback",
    "demo_login",
    "demo_settings",
]

DEMO_USER = "demo"
"""The admin ``cxpulse serve --demo`` creates in the demo store."""

SAMPLE_QUERY = 'refund OR "money back"'
"""The query of the demo's sample search."""

DEMO_STORE_FILE = "cxpulse-demo.db"
DEMO_DIGEST_FILE = "cxpulse-demo-digest.html"


def demo_settings(*, seed: int = 7, count: int = 1500) -> Settings:
    """The embedded demo configuration: the fictional demo brands and the demo source."""
    return Settings(
        brands=[
            BrandConfig(name=b.name, query=b.query, competitors=list(b.competitors), languages=list(b.languages))
            for b in DEMO_BRANDS
        ],
        sources=[SourceConfig(type="demo", name="demo", options={"seed": seed, "count": count})],
    )


def demo_config(folder: Path, database_url: str | None, *, seed: int = 7, count: int = 1500) -> LoadedConfig:
    """The demo's loaded config: :func:`demo_settings`, stored in ``database_url`` or else
    a SQLite file ``cxpulse-demo.db`` in ``folder``."""
    url = database_url or f"sqlite:///{folder / DEMO_STORE_FILE}"
    settings = demo_settings(seed=seed, count=count)
    return LoadedConfig(settings, folder / "(built-in demo config)", exists=False, database_url=url)


def demo_login(store: Store) -> tuple[str, str]:
    """A login for the demo store's workspace: the ``demo`` admin with a new random password
    (created the first time, given a fresh password on every later call)."""
    password = secrets.token_urlsafe(12)
    try:
        users.find_user(store, DEMO_USER)
    except NotFound:
        users.add_user(store, DEMO_USER, password, role="admin", display_name="Demo admin")
    else:
        users.set_password(store, DEMO_USER, password)
        users.disable_user(store, DEMO_USER, disabled=False)
    return DEMO_USER, password


def demo_fallback(loaded: LoadedConfig) -> str | None:
    """The demo store's URL when the configured store is a SQLite file that does not exist yet
    and ``cxpulse demo`` made its store next to the config: so after ``make demo`` the
    README's next commands (``cxpulse search``, ``cxpulse serve``) find it without ``--db``.
    None otherwise (a configured store that exists always wins)."""
    prefix = "sqlite:///"
    url = loaded.database_url
    if not url.startswith(prefix) or url in (prefix, "sqlite://") or ":memory:" in url:
        return None
    if Path(url[len(prefix) :].split("?", 1)[0]).exists():
        return None
    demo = loaded.directory / DEMO_STORE_FILE
    return f"sqlite:///{demo}" if demo.exists() else None
