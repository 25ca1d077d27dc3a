"""The SLA of a triage item: when its first action and its resolution are due, and whether it is late.

The targets per priority come from ``[workspace.sla]``; the clock starts when the item is
opened. An item is overdue while it still waits for what is due (no first action yet, or
not resolved) after the due time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cxpulse.config.workspace import SlaConfig
from storage import HitTriage
from storage.triage import TriageRecord

__all__ = ["SlaState", "sla_state"]


@dataclass(frozen=True, slots=True)
class SlaState:
    first_action_due: datetime
    resolution_due: datetime
    first_action_late: bool
    resolution_late: bool

    @property
    def overdue(self) -> bool:
        return self.first_action_late or self.resolution_late

    @property
    def next_due(self) -> datetime | None:
        """The due time still ahead of the item (None when it is resolved)."""
        return self.first_action_due if not self.first_action_late else self.resolution_due


def sla_state(item: HitTriage | TriageRecord | None, config: SlaConfig, now: datetime) -> SlaState | None:
    """The SLA state of ``item`` (None without an item or an opening time, or once it is closed)."""
    if item is None or item.opened_at is None or item.resolved_at is not None:
        return None
    target = config.target(item.priority)
    first_due = item.opened_at + target.first_action_within
    resolution_due = item.opened_at + target.resolution_within
    return SlaState(
        first_action_due=first_due,
        resolution_due=resolution_due,
        first_action_late=item.first_action_at is None and now > first_due,
        resolution_late=now > resolution_due,
    )
