"""The annotated fields, their label sets, and the guideline's rules for one item's labels.

The sentiment, gap, emotion and lifecycle label sets are ``foundation.labels``'s (one home for
what the classifiers predict); topics come from a taxonomy file. ``validate_labels`` checks one
row of labels against the text it labels: label sets, that every ``gap_evidence`` quote is an
exact substring of the text (``locate_evidence`` records its offsets), and the cross-field rules
of ``consistency`` (GUIDELINE.md, "Consistency rules").
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from foundation.labels import EMOTIONS, GAPS, LIFECYCLE_STAGES, SENTIMENTS

__all__ = [
    "FIELDS",
    "KAPPA_FIELDS",
    "TAXONOMY_FILE",
    "consistency",
    "load_topics",
    "locate_evidence",
    "validate_labels",
]

TAXONOMY_FILE = Path(__file__).resolve().parents[2] / "taxonomy_default.toml"
"""The shipped default taxonomy, whose topic names the annotators choose from."""

FIELDS: tuple[str, ...] = (
    "about_brand",
    "sentiment",
    "complaint",
    "gap",
    "gap_evidence",
    "topics",
    "emotion",
    "switching",
    "lifecycle",
)
"""Every annotated field, in the order of the guideline and of an exported row's ``labels``."""

KAPPA_FIELDS: tuple[str, ...] = ("about_brand", "sentiment", "complaint", "gap", "emotion", "switching", "lifecycle")
"""The single-valued fields whose agreement is Cohen's kappa (topics and evidence are measured apart)."""

_BOOLEAN_FIELDS: tuple[str, ...] = ("about_brand", "complaint", "switching")
_CHOICE_FIELDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sentiment", SENTIMENTS),
    ("gap", GAPS),
    ("emotion", EMOTIONS),
)


def load_topics(path: Path = TAXONOMY_FILE) -> tuple[str, ...]:
    """The topic names of a taxonomy TOML file (``[[topics]]`` with a ``name``), in file order.

    Only the names are read, so a file that lists names alone will do (as the tests' does)."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return tuple(t["name"] for t in data["topics"])


def locate_evidence(text: str, quotes: Sequence[Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Find each quote in text; returns ([{text, start, end}], [errors]).

    A quote is a string or {"text": ...}. It must be an exact substring; of several occurrences the first
    one at or after the previous quote's end is taken (else the first one)."""
    spans: list[dict[str, Any]] = []
    errors: list[str] = []
    cursor = 0
    for q in quotes:
        qt = q.get("text") if isinstance(q, dict) else q
        if not isinstance(qt, str) or not qt.strip():
            errors.append(f"evidence quote is not a non-empty string: {q!r}")
            continue
        start = text.find(qt, cursor)
        if start < 0:
            start = text.find(qt)
        if start < 0:
            hint = ""
            loose = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", qt)).strip().lower()
            if loose and loose in re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).lower():
                hint = " (it matches if case, spacing or quote characters are ignored: copy it exactly)"
            errors.append(f"evidence quote not found in the text: {qt!r}{hint}")
            continue
        spans.append({"text": qt, "start": start, "end": start + len(qt)})
        cursor = start + len(qt)
    return spans, errors


def validate_labels(
    labels: dict[str, Any], text: str, topics: Sequence[str], fields: Sequence[str] = FIELDS
) -> tuple[dict[str, Any], list[str]]:
    """Check the given label fields; returns (clean labels with evidence spans, errors).

    Consistency rules are checked only when all fields they involve are present."""
    errs: list[str] = []
    out: dict[str, Any] = {}
    for f in fields:
        if f not in labels:
            errs.append(f"missing field {f!r}")
    for f in _BOOLEAN_FIELDS:
        if f in fields and f in labels:
            if not isinstance(labels[f], bool):
                errs.append(f"{f} must be true or false, got {labels[f]!r}")
            out[f] = labels[f]
    for f, allowed in _CHOICE_FIELDS:
        if f in fields and f in labels:
            if labels[f] not in allowed:
                errs.append(f"{f} must be one of {', '.join(allowed)}; got {labels[f]!r}")
            out[f] = labels[f]
    if "lifecycle" in fields and "lifecycle" in labels:
        if labels["lifecycle"] is not None and labels["lifecycle"] not in LIFECYCLE_STAGES:
            errs.append(f"lifecycle must be one of {', '.join(LIFECYCLE_STAGES)} or null; got {labels['lifecycle']!r}")
        out["lifecycle"] = labels["lifecycle"]
    if "topics" in fields and "topics" in labels:
        t = labels["topics"]
        if not isinstance(t, list) or any(x not in topics for x in t):
            errs.append(f"topics must be a list of {', '.join(topics)}; got {t!r}")
            t = [x for x in t if x in topics] if isinstance(t, list) else []
        out["topics"] = sorted(set(t), key=list(topics).index)
    if "gap_evidence" in fields and "gap_evidence" in labels:
        ev = labels["gap_evidence"]
        if not isinstance(ev, list):
            errs.append("gap_evidence must be a list of quotes")
            ev = []
        spans, ev_errs = locate_evidence(text, ev)
        errs += ev_errs
        out["gap_evidence"] = spans
    if "note" in labels and labels["note"] is not None:
        out["note"] = str(labels["note"])
    errs += consistency(out)
    return out, errs


def consistency(lab: dict[str, Any]) -> list[str]:
    """The guideline's cross-field rules, for the fields present."""
    errs: list[str] = []
    about = lab.get("about_brand")
    if about is False and lab.get("complaint") is True:
        errs.append("complaint needs about_brand true")
    if about is False and lab.get("gap", "none") != "none":
        errs.append("a gap needs about_brand true")
    if about is False and lab.get("switching") is True:
        errs.append("switching needs about_brand true")
    if about is False and "lifecycle" in lab and lab["lifecycle"] is not None:
        errs.append("lifecycle must be null when about_brand is false")
    if about is True and "lifecycle" in lab and lab["lifecycle"] is None:
        errs.append("lifecycle must be set when about_brand is true")
    if lab.get("gap") == "shortfall" and lab.get("complaint") is False:
        errs.append("a shortfall is a complaint: complaint must be true")
    if "gap" in lab and "gap_evidence" in lab:
        if lab["gap"] == "none" and lab["gap_evidence"]:
            errs.append("gap_evidence must be empty when gap is none")
        if lab["gap"] != "none" and not lab["gap_evidence"]:
            errs.append("a gap needs at least one gap_evidence quote")
    return errs
