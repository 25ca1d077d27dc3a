"""scripts/annotate.py is a thin CLI over classifiers.training.annotation: its commands, exit codes and output."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "annotate.py"
COMMANDS = ("prepare", "merge", "check", "agreement", "disagreements", "export")


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("annotate_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["annotate_script"] = module
    spec.loader.exec_module(module)
    return module


ann = _load()


def _write(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")


def test_every_command_has_help_and_the_docstring_shows_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        ann.main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert ".venv/bin/python scripts/annotate.py" in out
    for command in COMMANDS:
        assert command in out
        with pytest.raises(SystemExit):
            ann.main([command, "--help"])
        assert "show this help message" in capsys.readouterr().out


def test_the_commands_run_on_a_data_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "Advertised as waterproof, died in the rain."
    item: dict[str, Any] = {"item_id": "cx-1", "text": text, "source": "fixture", "channel": "review"}
    item |= {"industry": "retail"}
    item |= {"brand": None, "brand_display": "a phone", "group": "g1", "unit": "g1", "split": "dev"}
    item |= {"batch": "batch-001", "pool_file": "x.jsonl", "pool_id": "x-1", "orig_id": "1"}
    _write(tmp_path / "items.jsonl", [item])
    _write(tmp_path / "batches" / "batch-001.jsonl", [{"item_id": "cx-1", "text": text, "channel": "review"}])
    base = {"about_brand": True, "sentiment": "negative", "complaint": True, "gap": "none", "gap_evidence": []}
    base |= {"topics": [], "switching": False, "lifecycle": "use"}
    for p, emotion in (("A", "anger"), ("B", "disappointment")):
        _write(tmp_path / "passes" / f"batch-001.{p}.jsonl", [{"item_id": "cx-1", **base, "emotion": emotion}])
    taxonomy = tmp_path / "tax.toml"
    taxonomy.write_text('[[topics]]\nname = "product_quality"\n', encoding="utf-8")
    opts = ["--data", str(tmp_path), "--taxonomy", str(taxonomy)]

    assert ann.main([*opts, "merge"]) == 0
    assert "1 items; valid rows A=1 B=1; 0 problems; 1 rows ->" in capsys.readouterr().out
    batch, labels = tmp_path / "batches" / "batch-001.jsonl", tmp_path / "passes" / "batch-001.A.jsonl"
    assert ann.main([*opts, "check", str(batch), str(labels)]) == 0
    assert capsys.readouterr().out == "1 of 1 items labelled; 0 problem(s)\n"
    assert ann.main([*opts, "disagreements"]) == 0
    assert capsys.readouterr().out.startswith("1 items with a disagreement -> 1 files in")
    adj, decisions = tmp_path / "adjudication" / "adj-001.jsonl", tmp_path / "adjudication" / "adj-001.labels.jsonl"
    _write(decisions, [])
    assert ann.main([*opts, "check", str(adj), str(decisions)]) == 1
    assert capsys.readouterr().out.endswith("0 of 1 items decided; 1 problem(s)\n")
    assert ann.main([*opts, "export"]) == 1
    assert ann.main([*opts, "export", "--allow-missing"]) == 0
    capsys.readouterr()
    _write(decisions, [{"item_id": "cx-1", "emotion": "anger"}])
    assert ann.main([*opts, "export"]) == 0
    assert "exported {'train': 0, 'dev': 1, 'test': 0} (0 items left out)" in capsys.readouterr().out
    assert ann.main([*opts, "agreement"]) == 0
    assert "| emotion | 0.000 | 0.0 | 1 |" in capsys.readouterr().out
    assert json.loads((tmp_path / "agreement.json").read_text())["items_double_annotated"] == 1
