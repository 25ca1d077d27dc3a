"""Collecting: fetch, prepare, store, advance the cursor (the use case behind
``cxpulse collect``, ``cxpulse import``, ``cxpulse demo`` and the scheduler's collect jobs).

For every enabled source and every brand it serves, the pipeline asks the
source for batches after the stored cursor, prepares each mention (see
:mod:`listener.prepare`) and hands the batch to the store, which saves the
mentions and the new cursor in one transaction. A crash between batches
therefore loses nothing and stores nothing twice on the next run.

Two runs of one source and brand at once (`cxpulse run` and a manual `cxpulse
collect`) never move its cursor backwards: each batch is stored only while the
cursor is where this run last left it; when another run has moved it, this run
stops (``stopped`` says why) and the other one collects the rest.

:func:`collect_named` (a scheduled job, a worker's task) holds a lease on the
cursor while it collects (:func:`storage.claims.hold_cursor`): one collector
at a time advances a source's cursor for a brand, on any number of machines,
and each stored batch renews the lease in its own transaction, so a cursor
never goes backwards. A second collector finds the cursor held and skips.

One failing source (or brand) never stops the others: its error is logged,
recorded in the store for ``cxpulse sources status``, and the run goes on.

A source whose ids are the user's own (a file: ``checks_reused_ids = True``)
gets one more check: a row whose id is already stored for the source with
another text (an id reused by a second export) is not stored and is reported
as rejected, with where it is; and the cursor stored from then on in the run
is the one from before that batch, so the next run reads the row again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from cxpulse.app.sources import build_source
from cxpulse.config import LoadedConfig
from foundation.clock import Clock, utc_now
from foundation.errors import CursorMoved, CxPulseError, RateLimited
from foundation.mentions import Batch, BrandQuery, Cursor, StoredMention
from listener.prepare import Dropped, MentionPreparer
from listener.settings import PipelineConfig
from listener.sources.base import Source
from storage import Store, claims
from storage.leases import Lease

__all__ = ["BatchProgress", "RunResult", "collect", "collect_named", "collect_one", "collect_source"]

logger = logging.getLogger(__name__)


@dataclass
class RunResult:
    """What happened for one source and one brand in one run."""

    source: str
    brand: str
    fetched: int = 0
    stored: int = 0
    already_stored: int = 0
    reused_ids: int = 0
    """Rows not stored because their id is stored for the source with another text
    (each is also in ``rejected``); only for sources that check reused ids (files)."""
    duplicates_linked: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    rejected: list[str] = field(default_factory=list)
    error: str | None = None
    retry_at: datetime | None = None
    """When a rate-limited source may be asked again (None: at its next scheduled run)."""
    seconds: float = 0.0
    stopped: str | None = None
    """Why the run ended before the source was done although nothing failed (another run moved the cursor)."""
    skipped: str | None = None
    """Why nothing was collected although nothing failed (another collector holds the cursor)."""

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class BatchProgress:
    """Sent to the progress callback after each stored batch."""

    source: str
    brand: str
    fetched: int
    stored: int


ProgressCallback = Callable[[BatchProgress], None]


def collect_source(
    source: Source,
    brand: BrandQuery,
    store: Store,
    *,
    settings: PipelineConfig | None = None,
    clock: Clock = utc_now,
    on_batch: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> RunResult:
    """Collect everything new for one brand from one source. Raises SourceError.

    ``should_stop`` is asked after each stored batch; when it returns True the
    run ends there (the cursor of that batch is stored, so the next run resumes).
    An error after some batches were stored (a full disk, a source failing on a
    later page) says how many mentions those batches stored: they are kept.
    """
    result = RunResult(source.name, brand.name)
    _collect_into(result, source, brand, store, settings, clock, on_batch, should_stop)
    return result


def _collect_into(
    result: RunResult,
    source: Source,
    brand: BrandQuery,
    store: Store,
    settings: PipelineConfig | None,
    clock: Clock,
    on_batch: ProgressCallback | None,
    should_stop: Callable[[], bool] | None,
    lease: Lease | None = None,
) -> None:
    """:func:`collect_source`, counting into ``result`` so a caller still has the counts after an error."""
    preparer = MentionPreparer(brand, apply_query=source.matches_query, settings=settings or PipelineConfig())
    started = time.perf_counter()
    batches = 0
    checks_ids = bool(getattr(source, "checks_reused_ids", False))
    try:
        previous = store.load_cursor(source.name, brand.name)
        written = previous  # where this run last left the stored cursor
        held: Cursor | None = None  # once a row is refused here, the cursor stays before it
        for batch in source.fetch(brand, previous):
            prepared = _prepare_batch(batch, preparer, clock(), result)
            rejected = list(batch.rejected)
            if checks_ids:
                prepared, reused = _refuse_reused_ids(store, source.name, batch, prepared)
                result.reused_ids += len(reused)
                rejected.extend(reused)
                if reused and held is None:
                    held = previous
            try:
                saved = store.save_batch(
                    prepared,
                    source=source.name,
                    brand=brand.name,
                    cursor=held or batch.cursor,
                    expected=written,
                    lease=lease,
                )
            except CursorMoved as exc:
                result.stopped = str(exc)
                logger.warning("%s", exc)
                break
            written = held or batch.cursor
            batches += 1
            previous = batch.cursor
            result.stored += saved.inserted
            result.already_stored += saved.already_stored
            result.duplicates_linked += saved.duplicates_linked
            for line in rejected:
                logger.warning("%s: %s", source.name, line)
            result.rejected.extend(rejected)
            if on_batch is not None:
                on_batch(BatchProgress(source.name, brand.name, result.fetched, result.stored))
            if should_stop is not None and should_stop():
                logger.info("stopping %s for %s after a stored batch, as asked", source.name, brand.name)
                break
    except CxPulseError as exc:
        if batches:  # the same error, with what was committed before it
            exc.args = (
                f"{exc} (before that, {batches} batch(es) were stored: {result.stored} new mention(s), "
                f"{result.already_stored} already stored; they are kept and the next run resumes after them)",
            )
        raise
    finally:
        result.seconds = time.perf_counter() - started


def _refuse_reused_ids(
    store: Store, source: str, batch: Batch, prepared: list[StoredMention]
) -> tuple[list[StoredMention], list[str]]:
    """Split off the mentions whose id is stored for ``source`` with another content;
    returns the others and one rejected line per refused mention."""
    stored = store.content_hashes(source, [x.external_id for x in prepared])
    if not stored:
        return prepared, []
    where = dict(zip((m.external_id for m in batch.mentions), batch.origins, strict=False))
    kept: list[StoredMention] = []
    refused: list[str] = []
    for mention in prepared:
        if stored.get(mention.external_id, mention.content_hash) == mention.content_hash:
            kept.append(mention)
            continue
        refused.append(
            f"{where.get(mention.external_id, f'id {mention.external_id!r}')}: id {mention.external_id!r} is "
            f"already stored under source {source!r} with another text, so this row was not stored; "
            "if this file is another export whose ids overlap the first one's, import it under its own "
            "source name (--source-name NAME); to keep the stored text, remove the row"
        )
    return kept, refused


def _prepare_batch(
    batch: Batch, preparer: MentionPreparer, collected_at: datetime, result: RunResult
) -> list[StoredMention]:
    kept: dict[str, StoredMention] = {}
    for mention in batch.mentions:
        result.fetched += 1
        if mention.external_id in kept:  # an API repeating an item within a page
            continue
        outcome = preparer.prepare(mention, collected_at)
        if isinstance(outcome, Dropped):
            result.dropped[outcome.value] = result.dropped.get(outcome.value, 0) + 1
        else:
            kept[mention.external_id] = outcome
    return list(kept.values())


def collect(
    config: LoadedConfig,
    store: Store,
    env: Mapping[str, str],
    *,
    only: Iterable[str] | None = None,
    clock: Clock = utc_now,
    on_batch: ProgressCallback | None = None,
) -> list[RunResult]:
    """Run every enabled source (or those named in ``only``) for each of its brands."""
    settings = config.settings
    wanted = set(only) if only is not None else None
    if wanted is not None:
        for name in wanted:
            settings.source(name)  # raises ConfigError listing the configured sources
    results: list[RunResult] = []
    for index, entry in enumerate(settings.sources):
        name = entry.instance_name
        if wanted is not None and name not in wanted:
            continue
        if wanted is None and not entry.enabled:
            logger.info("source %s is disabled in config; skipped", name)
            continue
        brands = [b.as_query() for b in settings.brands_for(entry)]
        try:
            source = build_source(config, index, env)
        except CxPulseError as exc:
            results.extend(_fail_all(store, name, brands, exc))
            continue
        for brand in brands:
            results.append(
                collect_one(source, brand, store, settings=settings.pipeline, clock=clock, on_batch=on_batch)
            )
    return results


def collect_named(
    config: LoadedConfig,
    store: Store,
    env: Mapping[str, str],
    source_name: str,
    brand_name: str,
    *,
    clock: Clock = utc_now,
    should_stop: Callable[[], bool] | None = None,
    lease_for: timedelta | None = None,
) -> RunResult:
    """Collect one configured source for one configured brand, as a scheduled job or a
    worker does, holding the cursor's lease (``lease_for``, default ``[execution]
    lease_seconds``) so no other collector advances it meanwhile.

    Raises ConfigError when the source or the brand is no longer in the config; any
    other failure is recorded for ``cxpulse sources status`` and returned in the result.
    A cursor another collector holds is skipped (``skipped`` says so).
    """
    settings = config.settings
    settings.source(source_name)  # ConfigError listing the configured sources
    brand = settings.brand(brand_name).as_query()
    index = next(i for i, s in enumerate(settings.sources) if s.instance_name == source_name)
    try:
        source = build_source(config, index, env)
    except CxPulseError as exc:
        return _failed(store, RunResult(source_name, brand.name), str(exc))
    lease = claims.hold_cursor(store, source_name, brand.name, lease_for=lease_for or settings.execution.lease_length)
    if lease is None:
        result = RunResult(source_name, brand.name, skipped="another collector holds this cursor now")
        logger.info("collect %s for %s skipped: %s", source_name, brand.name, result.skipped)
        return result
    try:
        return collect_one(
            source, brand, store, settings=settings.pipeline, clock=clock, should_stop=should_stop, lease=lease
        )
    finally:
        claims.release_cursor(store, lease)


def collect_one(
    source: Source,
    brand: BrandQuery,
    store: Store,
    *,
    settings: PipelineConfig | None = None,
    clock: Clock = utc_now,
    on_batch: ProgressCallback | None = None,
    should_stop: Callable[[], bool] | None = None,
    lease: Lease | None = None,
) -> RunResult:
    """:func:`collect_source`, but a failure is logged, recorded in the store for
    ``cxpulse sources status`` and returned in the result instead of raised: one
    failing source or brand never stops the others."""
    result = RunResult(source.name, brand.name)
    try:
        _collect_into(result, source, brand, store, settings, clock, on_batch, should_stop, lease)
    except RateLimited as exc:
        reset = f" until {exc.reset_at.isoformat()}" if exc.reset_at else ""
        return _failed(store, result, f"rate limited{reset}: {exc}", retry_at=exc.reset_at)
    except CxPulseError as exc:
        return _failed(store, result, str(exc))
    except Exception as exc:  # one broken source must not stop the others
        logger.debug("the traceback of the unexpected error of %s:", source.name, exc_info=True)
        return _failed(store, result, f"unexpected {type(exc).__name__}: {exc} (a bug: please report it)")
    logger.info(
        "collected %s for %s: %d fetched, %d stored, %d already stored, %d duplicates linked, "
        "%d dropped, %d rejected in %.1fs",
        source.name,
        brand.name,
        result.fetched,
        result.stored,
        result.already_stored,
        result.duplicates_linked,
        sum(result.dropped.values()),
        len(result.rejected),
        result.seconds,
    )
    return result


def _failed(store: Store, result: RunResult, message: str, *, retry_at: datetime | None = None) -> RunResult:
    """``result`` (what was stored before the failure) marked failed, the failure logged and recorded."""
    logger.error("source %s failed for brand %s: %s", result.source, result.brand, message)
    try:
        store.record_source_error(result.source, result.brand, message)
    except CxPulseError as exc:  # the store that just failed may fail again (a full disk): say so, once
        logger.error("the failure of %s was not recorded for `cxpulse sources status` either: %s", result.source, exc)
    result.error = message
    result.retry_at = retry_at
    return result


def _fail_all(store: Store, source: str, brands: list[BrandQuery], exc: CxPulseError) -> list[RunResult]:
    return [_failed(store, RunResult(source, brand.name), str(exc)) for brand in brands]
