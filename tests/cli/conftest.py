"""Run the real `cxpulse` command in-process, the way a user's shell would."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from cxpulse.cli.main import run


@dataclass
class Outcome:
    code: int
    out: str
    err: str


Cli = Callable[..., Outcome]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Cli]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CXPULSE_CONFIG", raising=False)
    monkeypatch.delenv("CXPULSE_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")

    def invoke(*args: str) -> Outcome:
        capsys.readouterr()
        code = run(list(args))
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    # The CLI configures logging as a program does (handlers, levels, -vv's DEBUG everywhere):
    # put it back, so later tests in this process see the logging they expect.
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    named = {name: logging.getLogger(name).level for name in logging.root.manager.loggerDict}
    yield invoke
    root.handlers[:], root.level = handlers, level
    for name, old in named.items():
        logging.getLogger(name).setLevel(old)
    for name in set(logging.root.manager.loggerDict) - set(named):
        logging.getLogger(name).setLevel(logging.NOTSET)
