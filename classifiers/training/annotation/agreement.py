"""Agreement between the two passes, before adjudication: Cohen's kappa, % agreement, evidence F1.

Per single-valued field (``KAPPA_FIELDS``), per topic (as a yes/no decision), topics micro-averaged
over all (item, topic) decisions and as exact sets, and for ``gap_evidence`` the mean token-overlap
F1 on items both passes called a gap. ``agreement_table`` renders the result as the Markdown the
data card shows between its agreement markers (``update_readme``).

Kappa is written here rather than taken from scikit-learn, which is no dependency of the project:
it is a few lines, works on any hashable labels (booleans, strings, None) and says ``None`` where
kappa is undefined (both passes used one and the same label) instead of a NaN and a warning.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from classifiers.training.annotation.labels import KAPPA_FIELDS
from classifiers.training.annotation.passes import Loaded

__all__ = [
    "README_END",
    "README_START",
    "agreement",
    "agreement_table",
    "audit_table",
    "cohen_kappa",
    "evidence_f1",
    "percent_agreement",
    "update_readme",
    "write_agreement",
]

README_START, README_END = "<!-- agreement:start -->", "<!-- agreement:end -->"
"""The markers around the agreement table in the data card."""


def cohen_kappa(a: Sequence[Any], b: Sequence[Any]) -> float | None:
    """Cohen's kappa of two label sequences; None when undefined (both raters used one same label)."""
    if len(a) != len(b):
        raise ValueError("sequences differ in length")
    n = len(a)
    if n == 0:
        return None
    po = _matches(a, b) / n
    ca, cb = Counter(map(repr, a)), Counter(map(repr, b))
    pe = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if pe >= 1.0:
        return None
    return (po - pe) / (1 - pe)


def percent_agreement(a: Sequence[Any], b: Sequence[Any]) -> float | None:
    """Share of positions where the two sequences agree (0-100)."""
    if not a:
        return None
    return 100.0 * _matches(a, b) / len(a)


def _matches(a: Sequence[Any], b: Sequence[Any]) -> int:
    """How many positions of two equally long sequences hold equal labels."""
    return sum(1 for x, y in zip(a, b, strict=True) if x == y)


def _tokens(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return re.findall(r"\w+", text.lower())


def evidence_f1(a: Sequence[dict[str, Any]], b: Sequence[dict[str, Any]]) -> float:
    """Token-overlap F1 (bag of tokens) between two evidence lists."""
    ta = Counter(t for s in a for t in _tokens(s["text"]))
    tb = Counter(t for s in b for t in _tokens(s["text"]))
    if not ta and not tb:
        return 1.0
    common = sum((ta & tb).values())
    if common == 0:
        return 0.0
    prec, rec = common / sum(tb.values()), common / sum(ta.values())
    return 2 * prec * rec / (prec + rec)


def agreement(loaded: Loaded, topics: Sequence[str]) -> dict[str, Any]:
    """Kappa and % agreement per field, per topic, micro-averaged topics, and evidence F1."""
    both = sorted(set(loaded.passes["A"]) & set(loaded.passes["B"]))
    A, B = loaded.passes["A"], loaded.passes["B"]
    result: dict[str, Any] = {"items_double_annotated": len(both), "fields": {}, "topics": {}}
    for f in KAPPA_FIELDS:
        a = [A[i][f] for i in both]
        b = [B[i][f] for i in both]
        result["fields"][f] = {"kappa": cohen_kappa(a, b), "percent": percent_agreement(a, b), "n": len(both)}
    pooled_a: list[bool] = []
    pooled_b: list[bool] = []
    for t in topics:
        a_t = [t in A[i]["topics"] for i in both]
        b_t = [t in B[i]["topics"] for i in both]
        pooled_a += a_t
        pooled_b += b_t
        result["topics"][t] = {
            "kappa": cohen_kappa(a_t, b_t),
            "percent": percent_agreement(a_t, b_t),
            "positives_A": sum(a_t),
            "positives_B": sum(b_t),
        }
    result["fields"]["topics (micro)"] = {
        "kappa": cohen_kappa(pooled_a, pooled_b),
        "percent": percent_agreement(pooled_a, pooled_b),
        "n": len(pooled_a),
    }
    exact_sets = [A[i]["topics"] == B[i]["topics"] for i in both]
    result["fields"]["topics (exact set)"] = {
        "kappa": None,
        "percent": 100.0 * sum(exact_sets) / len(exact_sets) if exact_sets else None,
        "n": len(both),
    }
    gap_both = [i for i in both if A[i]["gap"] != "none" and B[i]["gap"] != "none"]
    f1s = [evidence_f1(A[i]["gap_evidence"], B[i]["gap_evidence"]) for i in gap_both]
    result["evidence"] = {"items_both_gap": len(gap_both), "mean_token_f1": sum(f1s) / len(f1s) if f1s else None}
    return result


def _fmt(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def agreement_table(res: dict[str, Any]) -> str:
    """The agreement result as a Markdown table."""
    lines = [
        f"Items annotated by both passes: {res['items_double_annotated']}",
        "",
        "| field | Cohen's kappa | % agreement | n |",
        "|---|---:|---:|---:|",
    ]
    for f, r in res["fields"].items():
        lines.append(f"| {f} | {_fmt(r['kappa'])} | {_fmt(r['percent'], 1)} | {r['n']} |")
    lines += ["", "| topic | kappa | % agreement | positives A | positives B |", "|---|---:|---:|---:|---:|"]
    for t, r in res["topics"].items():
        lines.append(
            f"| {t} | {_fmt(r['kappa'])} | {_fmt(r['percent'], 1)} | {r['positives_A']} | {r['positives_B']} |"
        )
    ev = res["evidence"]
    lines += [
        "",
        f"Gap evidence: mean token-overlap F1 {_fmt(ev['mean_token_f1'])} on {ev['items_both_gap']} items "
        "that both passes called a gap (shortfall or exceeded).",
    ]
    return "\n".join(lines)


def write_agreement(res: dict[str, Any], path: Path) -> None:
    """Save the agreement result as indented JSON (``agreement.json`` in the data folder)."""
    path.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")


def update_readme(readme: Path, table: str) -> bool:
    """Replace the text between the agreement markers in the data card; False when the markers are missing."""
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return False
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{table}\n{README_END}{tail}", encoding="utf-8")
    return True


def audit_table(final_rows: Sequence[dict[str, Any]], audit_rows: Sequence[dict[str, Any]]) -> str:
    """A blind audit against the final labels: Cohen's kappa and % agreement per field, and the
    gap confusion (final label down, audit across), as Markdown. Audit rows are keyed by ``item_id``."""
    final = {row["id"]: row["labels"] for row in final_rows}
    audited = [row for row in audit_rows if row["item_id"] in final]
    lines = [
        f"Blind audit: {len(audited)} items re-annotated without seeing any earlier label.",
        "",
        "| field | Cohen's kappa (audit vs final) | % agreement |",
        "|---|---:|---:|",
    ]
    for name in KAPPA_FIELDS:
        a = [row[name] for row in audited]
        b = [final[row["item_id"]][name] for row in audited]
        lines.append(f"| {name} | {_fmt(cohen_kappa(a, b))} | {_fmt(percent_agreement(a, b), 1)} |")
    gaps = ("none", "shortfall", "exceeded")
    confusion = Counter((final[row["item_id"]]["gap"], row["gap"]) for row in audited)
    lines += ["", "| final gap \\ audit | " + " | ".join(gaps) + " |", "|---|" + "---:|" * len(gaps)]
    lines += [f"| {f} | " + " | ".join(str(confusion[(f, a)]) for a in gaps) + " |" for f in gaps]
    return "\n".join(lines)
