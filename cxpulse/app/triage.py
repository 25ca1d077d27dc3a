"""Triage: the handling state of flagged mentions, changed by people and recorded.

Statuses: open, in progress, waiting on customer, resolved, not actionable.
Priorities: urgent, high, normal, low. A new item's priority comes from its
labels (:data:`DEFAULT_PRIORITY_RULES`, first match wins, else ``normal``) and
a person may change it. Every change is a ``triage_events`` row with who and when.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from cxpulse.app.users import User, find_user, require_role
from foundation.errors import InputError, NotFound
from storage import PRIORITIES, TRIAGE_STATUSES, Store
from storage import triage as stored
from storage.triage import PriorityRule, TriageChange, TriageEvent, TriageRecord

__all__ = [
    "DEFAULT_PRIORITY",
    "DEFAULT_PRIORITY_RULES",
    "MAX_BULK",
    "PRIORITIES",
    "STATUSES",
    "PriorityRule",
    "TriageChange",
    "TriageEvent",
    "TriageRecord",
    "apply_default_priorities",
    "history",
    "status_label",
    "triage_item",
    "update_triage",
]

log = logging.getLogger(__name__)

STATUSES = TRIAGE_STATUSES
DEFAULT_PRIORITY = "normal"
MAX_BULK = 500
TAG = re.compile(r"^[\w][\w .:/-]{0,49}$")

DEFAULT_PRIORITY_RULES: tuple[PriorityRule, ...] = (
    PriorityRule("switching", (True,), "high"),
    PriorityRule("emotion", ("anger",), "high"),
    PriorityRule("emotion", ("anxiety",), "high"),
    PriorityRule("sentiment", ("positive",), "low"),
)
"""How a new item's priority follows from its labels: a switching threat (classifier
2.0) or anger or anxiety is high, a positive mention low. A rule may read any column of
``storage.triage.LABEL_COLUMNS`` (a new head adds its column there and a rule here)."""


def status_label(status: str) -> str:
    """``waiting_on_customer`` -> ``waiting on customer``."""
    return status.replace("_", " ")


def _check(change: TriageChange, store: Store) -> TriageChange:
    texts = [change.assignee or "", change.note or "", *(change.tags or ())]
    if any("\x00" in text for text in texts):
        raise InputError("the change holds a NUL character; remove it")
    if change.status is not None and change.status not in STATUSES:
        raise InputError(f"unknown status {change.status!r}; use one of {', '.join(STATUSES)}")
    if change.priority is not None and change.priority not in PRIORITIES:
        raise InputError(f"unknown priority {change.priority!r}; use one of {', '.join(PRIORITIES)}")
    if change.assignee:
        assignee = find_user(store, change.assignee)
        if assignee.disabled or not assignee.can("agent"):
            raise InputError(f"{change.assignee!r} cannot be assigned: only enabled agents and admins can")
    if change.tags is not None:
        for tag in change.tags:
            if not TAG.match(tag):
                raise InputError(f"{tag!r} is not a tag: up to 50 letters, digits, spaces and . : / - _")
    if change.note is not None and len(change.note) > 10_000:
        raise InputError("the note is too long: at most 10,000 characters")
    return change


def update_triage(store: Store, user: User, mention_ids: Sequence[int], change: TriageChange) -> int:
    """Apply ``change`` to the triage items of ``mention_ids`` as ``user`` (an agent or
    admin); the number of changes recorded. Raises NotFound when a mention is unknown."""
    require_role(user, "agent", "triage mentions")
    if not mention_ids:
        raise InputError("select at least one mention")
    if len(mention_ids) > MAX_BULK:
        raise InputError(f"at most {MAX_BULK} mentions at once")
    _check(change, store)
    missing = set(mention_ids) - stored.existing_mentions(store, mention_ids)
    if missing:
        raise NotFound(f"no mention with id {', '.join(str(i) for i in sorted(missing))}")
    if change.is_empty():
        return 0
    recorded = stored.apply_triage(store, mention_ids, change, actor=user.username)
    log.info("%s changed the triage of %d mentions (%d changes)", user.username, len(mention_ids), recorded)
    return recorded


def history(store: Store, mention_id: int) -> list[TriageEvent]:
    """Every recorded triage change of a mention, oldest first."""
    return stored.triage_history(store, mention_id)


def triage_item(store: Store, mention_id: int) -> TriageRecord | None:
    return stored.get_triage(store, mention_id)


def apply_default_priorities(store: Store, rules: Sequence[PriorityRule] = DEFAULT_PRIORITY_RULES) -> int:
    """Give every triage item that has no priority yet the one its labels call for."""
    if missing := [r.column for r in rules if r.column not in stored.LABEL_COLUMNS]:
        raise InputError(f"priority rules read unknown labels {missing}; known: {', '.join(stored.LABEL_COLUMNS)}")
    return stored.apply_default_priorities(store, rules, default=DEFAULT_PRIORITY)
