"""The collect use case: a failing source is recorded and reported, never raised,
and a rate limit carries its reset time to the caller (the scheduler waits for it)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from cxpulse.app.collect import collect_one
from foundation.errors import RateLimited
from foundation.mentions import Batch, BrandQuery, Cursor, Mention
from foundation.query import parse
from listener.sources.base import SourceOptions
from storage import Store

RESET = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)
BRAND = BrandQuery(name="Acme", query="acme", expression=parse("acme"))


class _Options(SourceOptions):
    fail_with: str = ""


class ScriptedSource:
    """A real Source: one good batch, then the failure its options name (or none)."""

    summary: ClassVar[str] = "a source that fails as told"
    needs: ClassVar[str] = "nothing"
    options_model: ClassVar[type[SourceOptions]] = _Options
    matches_query: ClassVar[bool] = True

    def __init__(self, name: str, options: SourceOptions) -> None:
        self.name = name
        assert isinstance(options, _Options)
        self.options = options

    def fetch(self, brand: BrandQuery, cursor: Cursor) -> Iterator[Batch]:
        created = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)
        mention = Mention(source=self.name, external_id="1", text="acme lost my parcel", created_at=created)
        yield Batch((mention,), Cursor("after-1"))
        if self.options.fail_with == "rate":
            raise RateLimited("429 Too Many Requests", reset_at=RESET)
        if self.options.fail_with == "bug":
            raise RuntimeError("boom")


def _status(store: Store, source: str) -> tuple[str | None, Cursor]:
    (status,) = [s for s in store.source_status() if s.source == source]
    return status.last_error, status.cursor


def test_a_rate_limit_is_recorded_with_its_reset_and_keeps_the_stored_batch(store: Store) -> None:
    result = collect_one(ScriptedSource("scripted", _Options(fail_with="rate")), BRAND, store)
    assert result.error == (
        f"rate limited until {RESET.isoformat()}: 429 Too Many Requests (before that, 1 batch(es) were stored: "
        "1 new mention(s), 0 already stored; they are kept and the next run resumes after them)"
    )
    assert result.stored == 1  # the result counts what was committed before the failure
    assert result.retry_at == RESET
    assert not result.ok
    error, cursor = _status(store, "scripted")
    assert error == result.error
    assert cursor == Cursor("after-1")  # the batch before the failure is stored, its cursor too
    assert store.summary().mentions == 1


def test_an_unexpected_error_is_reported_as_such_and_not_raised(store: Store) -> None:
    result = collect_one(ScriptedSource("scripted", _Options(fail_with="bug")), BRAND, store)
    assert result.error == "unexpected RuntimeError: boom (a bug: please report it)"
    assert result.retry_at is None and result.stored == 1
    assert _status(store, "scripted")[0] == result.error


def test_a_source_that_works_reports_its_counts(store: Store) -> None:
    result = collect_one(ScriptedSource("scripted", _Options()), BRAND, store, clock=lambda: RESET - timedelta(hours=1))
    assert (result.ok, result.fetched, result.stored) == (True, 1, 1)
    assert _status(store, "scripted") == (None, Cursor("after-1"))
