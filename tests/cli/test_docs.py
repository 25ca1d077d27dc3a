"""The docs cannot drift: the CLI and config references are generated and compared."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from cxpulse.cli.main import cli

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


def test_every_config_key_is_documented() -> None:
    from cxpulse.config import schema

    reference = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for model in (
        schema.DatabaseConfig,
        schema.PipelineConfig,
        schema.BrandConfig,
        schema.SourceConfig,
        schema.Schedule,
    ):
        for name, field in model.model_fields.items():
            assert field.description, f"{model.__name__}.{name} has no description"
            assert f"| `{name}` |" in reference
