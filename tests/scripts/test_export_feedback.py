"""scripts/export_feedback.py writes the workspace's label corrections as annotation-format JSONL."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

from testkit.workspace import seed

from cxpulse.app import feedback, users
from storage import Store

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "export_feedback.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("export_feedback_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["export_feedback_script"] = module
    spec.loader.exec_module(module)
    return module


def test_corrections_are_exported_in_the_annotation_format(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cx.db'}"
    store = Store.open(url)
    try:
        store.upgrade()
        seeded = seed(store)
        alex = users.find_user(store, "alex")
        feedback.correct_label(store, alex, seeded.ids["delay"], "sentiment", "neutral")
        feedback.correct_label(store, alex, seeded.ids["delay"], "topics", "delays, airport")
        feedback.correct_label(store, alex, seeded.ids["praise"], "flagged", "true")
    finally:
        store.dispose()
    out = tmp_path / "feedback.jsonl"
    assert _load().main(["--db", url, "--out", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["labels"] for r in rows] == [
        {"sentiment": "neutral", "topics": ["delays", "airport"]},
        {"complaint": True},
    ]
    assert rows[0]["text"].startswith("Flight delayed") and rows[0]["provenance"]["corrections"][0]["by"] == "alex"
