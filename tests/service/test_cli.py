"""`cxpulse run --once` and `cxpulse alerts check` as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cxpulse.cli.main import run

CONFIG = """
[[brands]]
name = "Northwind Air"
query = "northwind"

[[sources]]
type = "demo"
options = {{ count = 100, batch_size = 50, anchor = "2026-11-23T12:00:00Z" }}
{extra}
[service]
classify = false

[alerts]
enabled = true
recipients = ["cx@example.com"]
"""


def invoke(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CXPULSE_CONFIG", raising=False)
    monkeypatch.delenv("CXPULSE_DATABASE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return tmp_path


def test_run_once_runs_due_jobs_then_nothing_until_their_time(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "config.toml").write_text(CONFIG.format(extra=""), encoding="utf-8")
    assert invoke(capsys, "init")[0] == 0
    code, _, err = invoke(capsys, "--config", "config.toml", "run", "--once")
    assert code == 1  # alerts have no [smtp] to send through
    assert "job collect:demo:Northwind Air: 100 fetched" in " ".join(err.split())
    assert "no [smtp] section" in " ".join(err.split())
    code, _, err = invoke(capsys, "run", "--once")
    assert code == 0 and "0 job(s) ran" in err


def test_run_once_exits_1_when_a_source_fails_and_still_runs_the_others(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = '[[sources]]\ntype = "file"\nname = "broken"\noptions = { path = "missing.csv" }\n'
    (workdir / "config.toml").write_text(CONFIG.format(extra=extra).replace("enabled = true", "enabled = false"))
    invoke(capsys, "init")
    code, _, err = invoke(capsys, "run", "--once")
    flat = " ".join(err.split())
    assert code == 1
    assert "job collect:broken:Northwind Air failed: missing.csv" in flat
    assert "job collect:demo:Northwind Air: 100 fetched" in flat
    assert "failed: collect:broken:Northwind Air" in flat


def test_alerts_check_dry_run_lists_spikes_as_json(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / "config.toml").write_text(CONFIG.format(extra=""), encoding="utf-8")
    invoke(capsys, "init")
    code, out, err = invoke(capsys, "alerts", "check", "--dry-run", "--json")
    assert code == 0, err
    assert json.loads(out) == []
