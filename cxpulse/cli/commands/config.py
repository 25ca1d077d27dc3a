"""``cxpulse config check``: validate the config and show what will be used."""

from __future__ import annotations

import json
import os
from typing import Any

import click

from cxpulse.app.config_check import check_configuration
from cxpulse.cli.context import AppContext, pass_app
from cxpulse.cli.output import print_json
from cxpulse.config import LoadedConfig
from foundation.errors import ConfigError
from storage import display_url

__all__ = ["config", "effective_config"]

MASK = "********"


@click.group()
def config() -> None:
    """Check the configuration."""


@config.command()
@click.option("--json", "as_json", is_flag=True, help="Print the effective config as JSON.")
@pass_app
def check(app: AppContext, as_json: bool) -> None:
    """Validate config.toml and print the effective settings, secrets masked.

    Checks every key, every brand query, every source's options, the database
    URL and that every { env = "NAME" } secret is set (also those used only when
    sending, like the SMTP password and the webhook), and reports every problem
    at once: one line each, with file, line and key, then exit code 1.
    """
    result = check_configuration(app.config_path, os.environ, database_url=app.database_url)
    loaded, problems = result.loaded, result.problems
    effective = effective_config(loaded) if loaded is not None else None
    if as_json:
        print_json(
            app.out, {"file": str(result.path), "valid": not problems, "problems": problems, "config": effective}
        )
    elif effective is not None:
        app.out.print(f"# effective configuration from {result.path}", markup=False)
        app.out.print(_to_toml(effective), markup=False, highlight=False)
    if problems:
        for problem in problems:
            app.err.print(f"error: {problem}", markup=False, highlight=False, soft_wrap=True)
        raise ConfigError(f"{len(problems)} problem(s) in {result.path}; fix each line above and check again")
    app.err.print(f"{result.path}: configuration is valid", markup=False)


def effective_config(loaded: LoadedConfig) -> dict[str, Any]:
    """The settings with defaults filled in and every secret masked."""
    data: dict[str, Any] = loaded.settings.model_dump(mode="json", exclude_none=True)
    data["database"]["url"] = display_url(loaded.database_url)
    masked: dict[str, Any] = _mask(data)
    return masked


def _mask(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"env"}:
            state = "set" if os.environ.get(value["env"]) else "NOT SET"
            return {"env": value["env"], "value": MASK if state == "set" else state}
        return {k: _mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask(v) for v in value]
    return value


def _to_toml(data: dict[str, Any], prefix: str = "") -> str:
    """A readable TOML rendering of plain data (strings, numbers, lists, tables)."""
    scalars, tables, arrays = [], [], []
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and (not prefix or not _inline(value)):
            tables.append((name, value))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            arrays.append((name, value))
        else:
            scalars.append(f"{key} = {_value(value)}")
    out = "\n".join(scalars)
    for name, table in tables:
        out += f"\n\n[{name}]\n" + _to_toml(table, name)
    for name, items in arrays:
        for item in items:
            out += f"\n\n[[{name}]]\n" + _to_toml(item, name)
    return out.strip("\n")


def _inline(value: dict[str, Any]) -> bool:
    return len(value) <= 3 and all(not isinstance(v, dict | list) for v in value.values())


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)
