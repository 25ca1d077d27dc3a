"""The fault suite's report and its comparison against a fault-free reference run.

Each fault test runs the same inputs twice, once without faults (the reference)
and once with them, and compares what a user would count: mentions,
classifications, triage items, digest runs, sent messages. :func:`compare`
turns the two into the report's numbers, and :class:`FaultReport` (one per
session) collects them for the summary ``tests/faults/conftest.py`` prints.

- ``lost``: in the reference, missing after the fault;
- ``duplicated``: stored (or sent) more often than in the reference;
- ``repeated``: work done again that a user sees twice, allowed by design only
  where the suite says so (a digest whose delivery was uncertain is resent once,
  with the same Message-ID);
- ``unexpected``: present after the fault, absent from the reference.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from storage import Store
from storage.models import ClassificationModel, DigestRunModel, MentionModel, SourceCursorModel, TriageItemModel

__all__ = ["Comparison", "FaultRecord", "FaultReport", "compare", "compare_snapshots", "long_run", "snapshot"]


def long_run() -> bool:
    """True for the long run (``make faults``: ``FAULTS_LONG=1``): more rounds, larger inputs."""
    return os.environ.get("FAULTS_LONG", "") not in ("", "0")


@dataclass(frozen=True)
class Comparison:
    checked: int
    lost: int
    duplicated: int
    unexpected: int

    @property
    def equal(self) -> bool:
        return self.lost == self.duplicated == self.unexpected == 0


def compare(reference: Iterable[Hashable], actual: Iterable[Hashable]) -> Comparison:
    """Items of a fault-free run against those after a fault, as multisets."""
    want, got = Counter(reference), Counter(actual)
    lost = sum((want - got).values())
    extra = got - want
    duplicated = sum(n for item, n in extra.items() if item in want)
    unexpected = sum(n for item, n in extra.items() if item not in want)
    return Comparison(sum(want.values()), lost, duplicated, unexpected)


@dataclass(frozen=True)
class FaultRecord:
    test: str
    fault: str
    faults_injected: int
    items_checked: int
    lost: int
    duplicated: int
    repeated: int


@dataclass
class FaultReport:
    """Every fault test's numbers, printed at the end of the session."""

    records: list[FaultRecord] = field(default_factory=list)

    def record(
        self,
        test: str,
        fault: str,
        *,
        injected: int,
        comparisons: Iterable[Comparison] = (),
        repeated: int = 0,
    ) -> None:
        parts = list(comparisons)
        self.records.append(
            FaultRecord(
                test,
                fault,
                injected,
                sum(c.checked for c in parts),
                sum(c.lost for c in parts),
                sum(c.duplicated + c.unexpected for c in parts),
                repeated,
            )
        )

    def lines(self) -> list[str]:
        header = f"{'fault':<66} {'injected':>8} {'checked':>8} {'lost':>5} {'dup':>5} {'repeated':>8}"
        rows = [
            f"{_label(r)[:66]:<66} {r.faults_injected:>8} {r.items_checked:>8} {r.lost:>5} {r.duplicated:>5} "
            f"{r.repeated:>8}"
            for r in self.records
        ]
        total = FaultRecord(
            "",
            f"total ({len(self.records)} fault tests{', long run' if long_run() else ''})",
            sum(r.faults_injected for r in self.records),
            sum(r.items_checked for r in self.records),
            sum(r.lost for r in self.records),
            sum(r.duplicated for r in self.records),
            sum(r.repeated for r in self.records),
        )
        footer = (
            f"{total.fault:<66} {total.faults_injected:>8} {total.items_checked:>8} {total.lost:>5} "
            f"{total.duplicated:>5} {total.repeated:>8}"
        )
        return [header, *rows, "-" * len(header), footer]


def _label(record: FaultRecord) -> str:
    """The fault, and the test's parameters (the backend) when it has some."""
    _, bracket, params = record.test.partition("[")
    return f"{record.fault} [{params}" if bracket else record.fault


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """What a user would count in ``store``, as comparable rows: mentions (by source and id),
    classifications and triage items (by their mention), cursors, digest runs."""
    m, c, t, s, d = MentionModel, ClassificationModel, TriageItemModel, SourceCursorModel, DigestRunModel
    with store.engine.connect() as connection:
        mentions = connection.execute(select(m.source, m.external_id, m.content_hash, m.duplicate_of_id)).all()
        ids = {row.duplicate_of_id for row in mentions if row.duplicate_of_id is not None}
        keys = {row.id: row.external_id for row in connection.execute(select(m.id, m.external_id).where(m.id.in_(ids)))}
        labels = connection.execute(
            select(
                m.source,
                m.external_id,
                c.model_version,
                c.sentiment,
                c.topics,
                c.expectation_gap,
                c.emotion,
                c.flagged,
                c.about_brand,
                c.switching,
                c.lifecycle,
            ).join(m, m.id == c.mention_id)
        ).all()
        triage = connection.execute(select(m.source, m.external_id, t.status).join(m, m.id == t.mention_id)).all()
        cursors = connection.execute(select(s.source, s.brand, s.value)).all()
        digests = connection.execute(select(d.name, d.period_start, d.status)).all()
    return {
        "mentions": [(r.source, r.external_id, r.content_hash, keys.get(r.duplicate_of_id)) for r in mentions],
        "classifications": [(*r[:4], tuple(r[4] or ()), *r[5:]) for r in labels],
        "triage items": [tuple(r) for r in triage],
        "cursors": [tuple(r) for r in cursors],
        "digest runs": [(r.name, r.period_start.replace(tzinfo=None), r.status) for r in digests],
    }


def compare_snapshots(
    reference: dict[str, list[tuple[Any, ...]]], actual: dict[str, list[tuple[Any, ...]]]
) -> dict[str, Comparison]:
    """:func:`compare` for each kind of row of two :func:`snapshot` results."""
    return {kind: compare(reference[kind], actual[kind]) for kind in reference}
