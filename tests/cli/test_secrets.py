"""No secret in any output: every command, with -vv, against failing and working servers.

The servers are real and on loopback: a Bluesky PDS (stdlib HTTP server), an SMTP
server with login (aiosmtpd) and a Slack-compatible webhook. The failing ones do
what real servers do that made secrets leak: the PDS answers the login with a
401 whose message quotes the password, the SMTP server answers 535 quoting the
credentials (also base64-encoded, as AUTH PLAIN sends them), the webhook answers
500. Every secret is a known value; none may appear in stdout, stderr (where the
logs go, httpx's request lines included), any table of the store or any file
the commands wrote.
"""

from __future__ import annotations

import base64
import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from testkit.digests import Seeder
from testkit.http_server import Answer, Request, WebServer, serve_web
from testkit.smtp import Recorder, free_port

from foundation.clock import utc_now
from foundation.secrets import forget_secrets
from storage import Store

BSKY_PASSWORD = "bsky-app-Secret-4f9Q"  # noqa: S105 (made up: the test looks for it everywhere)
SMTP_PASSWORD = "smtp-Secret-7kLp2w"  # noqa: S105
X_TOKEN = "AAAAxTokenSecret9c1"  # noqa: S105
DB_PASSWORD = "db-Secret-3Jm8"  # noqa: S105
HOOK_PATH = "/services/T0SECRET/B0SECRET/hookSecretZ9x"
FIXTURES = Path(__file__).parents[1] / "listener" / "sources" / "fixtures" / "bluesky"


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def pds(working: bool) -> dict[tuple[str, str], Any]:
    """A Bluesky PDS; the failing one quotes the password it was sent, as a careless server does."""

    def login(request: Request) -> Answer:
        if working:
            return Answer(200, fixture("create_session.json"))
        sent = json.loads(request.body)
        return Answer(401, {"error": "AuthenticationRequired", "message": f"Invalid password {sent['password']!r}"})

    def search(request: Request) -> Answer:
        if "q=northwind&" not in f"{request.query}&":
            return Answer(200, fixture("search_empty.json"))
        return Answer(200, fixture("search_page2.json" if "cursor=25" in request.query else "search_page1.json"))

    return {
        ("POST", "/xrpc/com.atproto.server.createSession"): login,
        ("GET", "/xrpc/app.bsky.feed.searchPosts"): search,
    }


def webhook(working: bool) -> dict[tuple[str, str], Any]:
    def post(request: Request) -> Answer:
        return Answer(200, b"ok") if working else Answer(500, {"error": f"no such hook {request.path}"})

    return {("POST", HOOK_PATH): post}


class Authenticator:
    """Accepts SMTP_PASSWORD, or refuses every login with a reply that quotes what it got."""

    def __init__(self, working: bool) -> None:
        self.working = working

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        password = auth_data.password.decode()
        if self.working and password == SMTP_PASSWORD:
            return AuthResult(success=True)
        plain = base64.b64encode(f"\0{auth_data.login.decode()}\0{password}".encode()).decode()
        return AuthResult(success=False, handled=False, message=f"535 5.7.8 bad credentials {password} ({plain})")


@pytest.fixture(params=["failing", "working"])
def servers(request: pytest.FixtureRequest) -> Iterator[tuple[bool, WebServer, WebServer, int]]:
    working = request.param == "working"
    controller = Controller(
        Recorder(),
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=Authenticator(working),
        auth_require_tls=False,
    )
    controller.start()
    web = serve_web(pds(working))
    hook = serve_web(webhook(working))
    try:
        yield working, next(web), next(hook), controller.port
    finally:
        controller.stop()
        web.close()
        hook.close()


CONFIG = """\
[[brands]]
name = "Northwind Air"
query = "northwind OR acme"

[[sources]]
type = "bluesky"
options = {{ handle = "northwind-cx.bsky.social", app_password = {{ env = "BSKY_APP_PASSWORD" }}, service = "{pds}", max_attempts = 1, timeout_seconds = 5 }}

[[sources]]
type = "twitter"
enabled = false
options = {{ bearer_token = {{ env = "X_BEARER_TOKEN" }} }}

[smtp]
host = "127.0.0.1"
port = {smtp}
security = "none"
username = "cx"
password = {{ env = "SMTP_PASSWORD" }}
sender = "CX Pulse <cxpulse@example.com>"
timeout = 5

[[digests]]
name = "weekly"
brands = ["Northwind Air"]
recipients = ["cx@example.com"]

[alerts]
enabled = true
window = "1d"
baseline_days = 14
recipients = ["cx-team@example.com"]
webhook = {{ env = "SLACK_WEBHOOK_URL" }}
"""


def seed_spike(url: str) -> None:
    """Two quiet weeks, then a burst in the last hours: `alerts check` has something to send."""
    store = Store.open(url)
    seeder, now = Seeder(store), utc_now()
    for day in range(1, 15):
        for hour in (3, 11, 19):
            seeder.add("Northwind Air", "northwind flight ok", now - timedelta(days=day, hours=hour))
    for minute in range(60):
        seeder.add(
            "Northwind Air", "northwind lost my bag", now - timedelta(minutes=10 + minute * 5), sentiment="negative"
        )
    store.dispose()


OFFLINE = (["classify"], ["classify-file", "texts.jsonl", "-o", "classified.jsonl"], ["digest", "preview", "weekly"])
"""Commands that talk to no server: run once, with the working servers (they are the slow ones)."""


def commands(tmp_path: Path, working: bool) -> list[list[str]]:
    (tmp_path / "tickets.csv").write_text("id,text\n1,northwind refund please\n2,\n", encoding="utf-8")
    (tmp_path / "texts.jsonl").write_text('{"text": "the northwind app keeps crashing"}\n', encoding="utf-8")
    bad_db = [
        f"postgresql://postgres:{DB_PASSWORD}@127.0.0.1:1/cx",
        f"postgresql://postgres@127.0.0.1:1/cx?password={DB_PASSWORD}",
        f"sqlite:///{tmp_path / 'other.db'}?password={DB_PASSWORD}",
        f"sqlite=:///{DB_PASSWORD}@x.db",
    ]
    every = [
        ["config", "check"],
        ["config", "check", "--json"],
        ["init"],
        ["db", "current"],
        ["db", "upgrade"],
        ["sources", "list"],
        ["sources", "list", "--json"],
        ["collect"],
        ["collect", "--json", "--source", "bluesky"],
        ["sources", "status"],
        ["sources", "status", "--json"],
        ["import", "tickets.csv", "--brand", "Northwind Air"],
        ["search", "northwind"],
        ["search", "--json"],
        ["classify"],
        ["reclassify", "--help"],
        ["classify-file", "texts.jsonl", "-o", "classified.jsonl"],
        ["digest", "preview", "weekly", "--out", "digest.html"],
        ["digest", "send", "weekly"],
        ["digest", "send", "weekly", "--period", "this-week"],
        ["alerts", "check"],
        ["alerts", "check", "--json"],
        ["run", "--once"],
        *(["--db", url, "config", "check"] for url in bad_db),
        *(["--db", url, "search", "x"] for url in bad_db),
        *(["--db", url, "init"] for url in bad_db),
    ]
    return [args for args in every if working or not any(args[: len(o)] == list(o) for o in OFFLINE)]


def store_text(path: Path) -> str:
    """Every value of every table, as text."""
    with sqlite3.connect(path) as connection:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        rows = [repr(row) for table in tables for row in connection.execute(f'SELECT * FROM "{table}"')]
    return "\n".join(rows)


def leaks(text: str, secrets: list[str]) -> list[str]:
    """The secrets found in ``text``, also when the terminal wrapped one over two lines."""
    squeezed = re.sub(r"\s+", "", text)
    variants = [base64.b64encode(s.encode()).decode().rstrip("=") for s in secrets]
    return [s for s in [*secrets, *variants] if s in text or s in squeezed]


@pytest.mark.usefixtures("classifier")
def test_no_secret_in_any_output_of_any_command(
    cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, servers: tuple[bool, WebServer, WebServer, int]
) -> None:
    working, web, hook, smtp_port = servers
    forget_secrets()  # what earlier tests remembered must not hide a leak here
    hook_url = f"{hook.url}{HOOK_PATH}"
    secrets = [BSKY_PASSWORD, SMTP_PASSWORD, X_TOKEN, DB_PASSWORD, hook_url, HOOK_PATH]
    for name, value in {
        "BSKY_APP_PASSWORD": BSKY_PASSWORD,
        "SMTP_PASSWORD": SMTP_PASSWORD,
        "X_BEARER_TOKEN": X_TOKEN,
        "SLACK_WEBHOOK_URL": hook_url,
    }.items():
        monkeypatch.setenv(name, value)
    (tmp_path / "config.toml").write_text(CONFIG.format(pds=web.url, smtp=smtp_port), encoding="utf-8")

    seen: list[str] = []
    for args in commands(tmp_path, working):
        if args == ["import", "tickets.csv", "--brand", "Northwind Air"]:
            seed_spike(f"sqlite:///{tmp_path / 'cxpulse.db'}")
        result = cli("-vv", *args)
        assert "Traceback" not in result.err, (args, result.err[-3000:])
        seen += [f"{args}: {s}" for s in leaks(result.out + result.err, secrets)]
    written = [p for p in tmp_path.iterdir() if p.suffix in {".html", ".jsonl", ".csv"}]
    for path in written:
        seen += [f"{path.name}: {s}" for s in leaks(path.read_text(encoding="utf-8"), secrets)]
    seen += [f"store: {s}" for s in leaks(store_text(tmp_path / "cxpulse.db"), secrets)]
    assert seen == []

    # The servers were really used: the secrets had their chance to leak.
    assert any(r.path.endswith("createSession") for r in web.requests)
    assert any(r.path == HOOK_PATH for r in hook.requests)
    errors = store_text(tmp_path / "cxpulse.db")
    if not working:
        assert "Invalid password" in errors and "535" in errors  # the replies are kept, scrubbed
