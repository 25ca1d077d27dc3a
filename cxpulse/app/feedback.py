"""Label feedback: a person corrects what the classifier said, and training can read it.

Each correction is one ``label_feedback`` row: the mention, the model version
whose label was wrong, the field, the predicted and the corrected value, who and
when. :func:`annotation_rows` turns them into rows in the annotation format of
the classifier data (``classifiers/training/annotation``: ``text`` plus the
corrected ``labels`` under their annotation names), which
``scripts/export_feedback.py`` writes as JSONL.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from cxpulse.app.users import User, require_role
from foundation.errors import InputError, NotFound
from foundation.labels import EMOTIONS, GAPS, SENTIMENTS
from storage import Store, details, triage
from storage.triage import FeedbackRecord

__all__ = [
    "ANNOTATION_NAMES",
    "FEEDBACK_FIELDS",
    "FeedbackRecord",
    "annotation_rows",
    "correct_label",
    "feedback_for",
    "list_feedback",
]

log = logging.getLogger(__name__)

FEEDBACK_FIELDS: Mapping[str, tuple[str, ...] | None] = {
    "sentiment": SENTIMENTS,
    "expectation_gap": GAPS,
    "emotion": EMOTIONS,
    "flagged": ("true", "false"),
    "topics": None,  # comma-separated topic names of the brand's taxonomy
}
"""The labels a person can correct and their allowed values; a new head adds a line."""

ANNOTATION_NAMES: Mapping[str, str] = {
    "sentiment": "sentiment",
    "expectation_gap": "gap",
    "emotion": "emotion",
    "flagged": "complaint",
    "topics": "topics",
}
"""Feedback field -> the field of the annotation format (a flag is the complaint label)."""


def _predicted(labels: details.MentionLabels | None, field: str) -> str | None:
    if labels is None:
        return None
    value = getattr(labels, field)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ",".join(value)
    return str(value)


def _clean(field: str, value: str) -> str:
    allowed = FEEDBACK_FIELDS.get(field, ())
    if field not in FEEDBACK_FIELDS:
        raise InputError(f"cannot correct {field!r}; correctable labels: {', '.join(FEEDBACK_FIELDS)}")
    value = value.strip()
    if allowed is None:
        names = [name.strip() for name in value.split(",") if name.strip()]
        if any(len(name) > 100 for name in names):
            raise InputError("a topic name is at most 100 characters")
        return ",".join(dict.fromkeys(names))
    if value not in allowed:
        raise InputError(f"{value!r} is not a {field} label; use one of {', '.join(allowed)}")
    return value


def correct_label(
    store: Store,
    user: User,
    mention_id: int,
    field: str,
    value: str,
    *,
    model_version: str | None = None,
    note: str | None = None,
) -> int:
    """Record that ``field`` of ``mention_id`` should be ``value`` (an agent's or admin's
    correction of ``model_version``'s label); the feedback row's id."""
    require_role(user, "agent", "correct labels")
    if "\x00" in value or "\x00" in (note or ""):
        raise InputError("the correction holds a NUL character; remove it")
    corrected = _clean(field, value)
    if details.mention_by_id(store, mention_id) is None:
        raise NotFound(f"no mention with id {mention_id}")
    labels = details.mention_labels(store, mention_id, model_version)
    row_id = triage.add_feedback(
        store,
        mention_id,
        field=field,
        predicted=_predicted(labels, field),
        corrected=corrected,
        actor=user.username,
        model_version=labels.model_version if labels else model_version,
        note=(note or "").strip()[:2000] or None,
    )
    log.info("%s corrected %s of mention %d", user.username, field, mention_id)
    return row_id


def feedback_for(store: Store, mention_id: int) -> list[FeedbackRecord]:
    return triage.list_feedback(store, mention_id=mention_id)


def list_feedback(store: Store, *, since: datetime | None = None) -> list[FeedbackRecord]:
    return triage.list_feedback(store, since=since)


def annotation_rows(records: list[FeedbackRecord]) -> list[dict[str, Any]]:
    """One row per mention in the annotation format: ``text`` and the corrected ``labels``
    (the latest correction of each field wins), with where they came from."""
    rows: dict[int, dict[str, Any]] = {}
    for record in records:
        row = rows.setdefault(
            record.mention_id,
            {
                "item_id": f"feedback-{record.mention_id}",
                "text": record.text,
                "source": "cxpulse-feedback",
                "labels": {},
                "provenance": {"mention_id": record.mention_id, "corrections": []},
            },
        )
        name = ANNOTATION_NAMES[record.field]
        value: Any = record.corrected
        if record.field == "flagged":
            value = record.corrected == "true"
        elif record.field == "topics":
            value = [t for t in record.corrected.split(",") if t]
        row["labels"][name] = value
        row["provenance"]["corrections"].append(
            {
                "field": name,
                "predicted": record.predicted,
                "model_version": record.model_version,
                "by": record.actor,
                "at": record.at.isoformat(),
            }
        )
    return list(rows.values())
