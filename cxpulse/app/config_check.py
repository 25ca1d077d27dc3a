"""``cxpulse config check``: every problem of the configuration at once.

The config layer (:func:`cxpulse.config.check_config`) reports what the file
itself gets wrong (syntax, keys, values, literal secrets, unset environment
variables, the database URL); here each ``[[sources]]`` entry is also built the
way ``cxpulse collect`` builds it, so a bad option of any source is reported too.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from cxpulse.app.sources import source_problems
from cxpulse.config import ConfigCheck, check_config

__all__ = ["check_configuration"]


def check_configuration(
    path: Path | str | None, env: Mapping[str, str], *, database_url: str | None = None
) -> ConfigCheck:
    """All problems of the config file ``path`` (None: ``$CXPULSE_CONFIG`` or ./config.toml)."""
    check = check_config(path, env=env, database_url=database_url)
    if check.loaded is None:
        return check
    return check.adding(
        [
            problem
            for index in range(len(check.loaded.settings.sources))
            for problem in source_problems(check.loaded, index, env)
        ]
    )
