"""``cxpulse config check``: every problem of the configuration at once.

The config layer (:func:`cxpulse.config.check_config`) reports what the file
itself gets wrong (syntax, keys, values, literal secrets, unset environment
variables, the database URL); here each ``[[sources]]`` entry is also built the
way ``cxpulse collect`` builds it, so a bad option of any source is reported too.
"""

from __future__ import annotations

import re
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
    problems = list(check.problems)
    if check.loaded is not None:
        for index in range(len(check.loaded.settings.sources)):
            problems += source_problems(check.loaded, index, env)
    return ConfigCheck(check.path, check.loaded, sorted(problems, key=_line))


def _line(problem: str) -> int:
    """Problems in file order (a problem without a line, like unreadable TOML, first)."""
    found = _LINE.search(problem)
    return int(found.group(1)) if found else 0


_LINE = re.compile(r"^\S.*? line (\d+)[,:]")
