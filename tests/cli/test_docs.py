"""The docs cannot drift: the CLI and config references are generated and compared, and every command,
config key (at any depth of Settings) and built-in source option has help and a row in the reference."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any, get_args

import click
from pydantic import BaseModel

from cxpulse.cli.main import cli
from cxpulse.config.schema import Settings
from listener.registry import describe, source_class, source_types

ROOT = Path(__file__).resolve().parents[2]


def _commands(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found += _commands(sub, (*path, name))
    return found


def test_every_command_has_help_and_is_in_the_reference() -> None:
    reference = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    for path, command in _commands(cli):
        assert (command.help or "").strip(), f"cxpulse {' '.join(path)} has no help text"
        assert f"## `{' '.join(('cxpulse', *path))}`" in reference
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"option {param.opts} of cxpulse {' '.join(path)} has no help"


def test_generated_docs_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = readme[:1500]
    assert "make demo" in head and "make test" in head


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models_in(arg)]


def _settings_models() -> list[type[BaseModel]]:
    """Settings and every model it holds, at any depth: nested tables, list items, optional tables."""
    found: list[type[BaseModel]] = []
    pending: list[type[BaseModel]] = [Settings]
    while pending:
        model = pending.pop()
        if model not in found:
            found.append(model)
            pending += [nested for field in model.model_fields.values() for nested in _models_in(field.annotation)]
    return found


def _sections(reference: str) -> list[str]:
    return re.split(r"^#{2,3} ", reference, flags=re.MULTILINE)


def _assert_documented(model: type[BaseModel], sections: list[str], what: str) -> None:
    for name, field in model.model_fields.items():
        assert (field.description or "").strip(), f"{what}: {model.__name__}.{name} has no description"
    rows = [f"| `{name}` |" for name in model.model_fields]
    assert any(all(row in section for row in rows) for section in sections), (
        f"{what}: the keys of {model.__name__} ({', '.join(model.model_fields)}) are not one table of "
        "docs/configuration.md; run scripts/gen_docs.py"
    )


def test_every_config_key_is_documented() -> None:
    sections = _sections((ROOT / "docs" / "configuration.md").read_text(encoding="utf-8"))
    models = _settings_models()
    assert {m.__name__ for m in models} >= {"DatabaseConfig", "PipelineConfig", "Schedule", "FlagRule", "SecretRef"}
    for model in models:
        _assert_documented(model, sections, "config.toml")


def test_every_source_option_is_documented() -> None:
    sections = _sections((ROOT / "docs" / "configuration.md").read_text(encoding="utf-8"))
    builtin = [name for name in source_types() if describe(name).provider == "cxpulse"]
    assert {"file", "demo", "twitter", "rss"} <= set(builtin)
    for name in builtin:
        own = [section for section in sections if section.startswith(f"`{name}`\n")]
        assert own, f"docs/configuration.md has no section for source {name}; run scripts/gen_docs.py"
        _assert_documented(source_class(name).options_model, own, f"source {name}")
