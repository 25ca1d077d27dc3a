"""Killing `cxpulse collect` with SIGKILL mid-run loses nothing and duplicates nothing."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

CONFIG = """\
[database]
url = "sqlite:///{db}"

[[brands]]
name = "Northwind Air"
query = '(northwind OR @northwindair OR #northwindair) -"northwind traders" -airdrop'
competitors = ["Skyhop"]

[[brands]]
name = "Skyhop"
query = '(skyhop OR @skyhop OR #skyhop) -"skyhop trampoline" -airdrop'

[[sources]]
type = "demo"
options = {{ count = 4000, batch_size = 40, anchor = "2026-11-23T12:00:00Z" }}
"""

SNAPSHOT = """
SELECT m.source, m.external_id, m.text, m.created_at, m.content_hash, m.language, m.channel,
       (SELECT d.external_id FROM mentions d WHERE d.id = m.duplicate_of_id),
       (SELECT group_concat(brand, '|') FROM (SELECT brand FROM mention_brands b
            WHERE b.mention_id = m.id ORDER BY brand))
FROM mentions m ORDER BY m.source, m.external_id
"""


def cxpulse(config: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from cxpulse.cli.main import main; main()", "--config", str(config), "-q", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def make_store(tmp_path: Path, name: str) -> tuple[Path, Path]:
    folder = tmp_path / name
    folder.mkdir()
    db = folder / "cx.db"
    config = folder / "config.toml"
    config.write_text(CONFIG.format(db=db), encoding="utf-8")
    assert cxpulse(config, "init").wait(timeout=60) == 0
    return config, db


def count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM mentions").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def snapshot(db: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(SNAPSHOT).fetchall()
        cursors = conn.execute(
            "SELECT source, brand, value, mentions_collected FROM source_cursors ORDER BY source, brand"
        ).fetchall()
    return rows, cursors


def test_sigkill_mid_collect_then_rerun_equals_one_clean_run(tmp_path: Path) -> None:
    clean_config, clean_db = make_store(tmp_path, "clean")
    assert cxpulse(clean_config, "collect").wait(timeout=300) == 0

    config, db = make_store(tmp_path, "killed")
    process = cxpulse(config, "collect")
    deadline = time.monotonic() + 120
    while count(db) < 300 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, "collect finished before it could be killed"
    at_kill = count(db)
    assert 0 < at_kill < count(clean_db)

    assert cxpulse(config, "collect").wait(timeout=300) == 0
    assert snapshot(db) == snapshot(clean_db)
    assert cxpulse(config, "collect").wait(timeout=300) == 0  # and again: nothing new
    assert snapshot(db) == snapshot(clean_db)
