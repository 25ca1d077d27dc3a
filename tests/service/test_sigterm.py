"""`cxpulse run` as a process: SIGTERM finishes the current batch, commits, and exits 0."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage import Store
from storage.models import MentionModel, SourceCursorModel

CONFIG = """
[database]
url = "sqlite:///cx.db"

[[brands]]
name = "Northwind Air"
query = "northwind"

[[sources]]
type = "demo"
options = { count = 200000, batch_size = 200, anchor = "2026-11-23T12:00:00Z" }

[service]
classify = false
"""


@pytest.mark.slow
def test_sigterm_stops_after_the_current_batch_and_exits_0(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    env = {**os.environ, "CXPULSE_CONFIG": str(tmp_path / "config.toml"), "COLUMNS": "200"}
    env.pop("CXPULSE_DATABASE_URL", None)
    command = [sys.executable, "-c", "from cxpulse.cli.main import main; main()"]
    assert subprocess.run([*command, "init"], env=env, cwd=tmp_path, capture_output=True).returncode == 0
    process = subprocess.Popen([*command, "run"], env=env, cwd=tmp_path, stderr=subprocess.PIPE, text=True)
    store = Store.open(f"sqlite:///{tmp_path / 'cx.db'}")
    try:
        deadline = time.monotonic() + 30
        while _count(store, MentionModel) < 400 and time.monotonic() < deadline:
            time.sleep(0.05)  # the collect job is storing batches
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        assert process.returncode == 0, err
        assert "received SIGTERM" in err and "service stopped" in err
        assert "stopped early" in err
        with store.engine.connect() as connection:
            cursor, collected = connection.execute(
                select(SourceCursorModel.value, SourceCursorModel.mentions_collected)
            ).one()
        stored = _count(store, MentionModel)
        assert 0 < stored == collected  # every committed batch moved the cursor with it
        assert cursor is not None and not cursor.endswith("next=200000")  # it stopped early
    finally:
        if process.poll() is None:
            process.kill()
        store.dispose()


def _count(store: Store, table: object) -> int:
    try:
        with store.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]
    except Exception:  # the process has not created its first row or table yet
        return 0
