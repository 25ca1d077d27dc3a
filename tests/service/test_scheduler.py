"""The scheduler with a controlled clock: due jobs fire, a restart repeats nothing, a failure stops nothing."""

from __future__ import annotations

import email
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from testkit.clock import FixedClock

from cxpulse.config import LoadedConfig, load_config
from cxpulse.service import ServiceRuntime, plan_jobs, run_due
from storage import Store
from storage.models import ClassificationModel, DigestRunModel, MentionModel

MONDAY_0630 = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)  # 07:30 in Berlin; the digest is due at 08:00 there

CONFIG = """
[[brands]]
name = "Northwind Air"
query = '(northwind OR @northwindair) -"northwind traders" -airdrop'

[[sources]]
type = "demo"
schedule = {{ every = "1h" }}
options = {{ count = 120, batch_size = 40, anchor = "2026-11-23T06:00:00Z", days = 14 }}

[[sources]]
type = "file"
name = "broken"
schedule = {{ every = "15m" }}
options = {{ path = "missing.csv" }}

[service]
classify = {classify}
classify_every = "10m"

[smtp]
host = "127.0.0.1"
port = {port}
security = "none"
sender = "CX Pulse <cxpulse@example.com>"
timeout = 5

[[digests]]
name = "weekly"
brands = ["Northwind Air"]
period = "weekly"
schedule = "0 8 * * mon"
timezone = "Europe/Berlin"
recipients = ["marketing@example.com"]
"""


def setup(tmp_path: Path, store: Store, port: int, *, classify: bool) -> LoadedConfig:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(port=port, classify=str(classify).lower()), encoding="utf-8")
    return load_config(path, env={}, database_url=store.engine.url.render_as_string(hide_password=False))


def ran(outcomes: list[Any]) -> dict[str, bool]:
    return {o.job_id: o.ok for o in outcomes}


def count(store: Store, table: Any) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_job_ids_are_stable_and_named_after_what_they_do(tmp_path: Path, store: Store) -> None:
    loaded = setup(tmp_path, store, 2525, classify=True)
    specs = plan_jobs(loaded.settings)
    assert [s.id for s in specs] == [
        "collect:demo:Northwind Air",
        "collect:broken:Northwind Air",
        "classify",
        "digest:weekly",
    ]
    digest = specs[-1]
    assert digest.misfire_grace_time is None  # a digest runs however late
    assert digest.trigger.get_next_fire_time(None, MONDAY_0630) == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def test_jobs_fire_when_due_a_restart_repeats_no_digest_and_a_broken_source_stops_nothing(
    tmp_path: Path, store: Store, smtp_server: Any
) -> None:
    loaded = setup(tmp_path, store, smtp_server.port, classify=False)
    clock = FixedClock(MONDAY_0630)
    runtime = ServiceRuntime(loaded, store, {}, clock=clock)

    assert ran(run_due(runtime)) == {"collect:demo:Northwind Air": True, "collect:broken:Northwind Air": False}
    collected = count(store, MentionModel)
    assert collected > 50

    clock.now = MONDAY_0630 + timedelta(minutes=20)  # 06:50: only the 15-minute job is due
    assert ran(run_due(runtime)) == {"collect:broken:Northwind Air": False}

    clock.now = datetime(2026, 11, 23, 7, 5, tzinfo=UTC)  # 08:05 in Berlin: the digest is due
    assert ran(run_due(runtime)) == {"collect:broken:Northwind Air": False, "digest:weekly": True}
    [envelope] = smtp_server.handler.envelopes
    assert envelope.rcpt_tos == ["marketing@example.com"]
    assert "Northwind Air" in str(email.message_from_bytes(envelope.content)["Subject"])

    # Restart: a new process (new runtime, new store object) on the same database.
    restarted_store = Store.open(loaded.database_url)
    try:
        restarted = ServiceRuntime(loaded, restarted_store, {}, clock=clock)
        clock.now = datetime(2026, 11, 23, 7, 10, tzinfo=UTC)
        assert ran(run_due(restarted)) == {}
        clock.now = datetime(2026, 11, 23, 7, 31, tzinfo=UTC)
        assert ran(run_due(restarted)) == {
            "collect:demo:Northwind Air": True,
            "collect:broken:Northwind Air": False,
        }
    finally:
        restarted_store.dispose()
    assert len(smtp_server.handler.envelopes) == 1
    assert count(store, MentionModel) == collected  # the demo stream was complete: nothing new, nothing twice
    with store.engine.connect() as connection:
        assert connection.execute(select(DigestRunModel.status)).scalars().all() == ["sent"]


def test_a_digest_missed_while_the_service_was_down_runs_once_at_start(
    tmp_path: Path, store: Store, smtp_server: Any
) -> None:
    loaded = setup(tmp_path, store, smtp_server.port, classify=False)
    clock = FixedClock(MONDAY_0630)
    run_due(ServiceRuntime(loaded, store, {}, clock=clock))
    clock.now = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # down from Monday 06:30 to Tuesday 09:00
    outcomes = ran(run_due(ServiceRuntime(loaded, store, {}, clock=clock)))
    assert outcomes["digest:weekly"] is True
    assert len(smtp_server.handler.envelopes) == 1
    clock.now += timedelta(minutes=1)
    assert "digest:weekly" not in ran(run_due(ServiceRuntime(loaded, store, {}, clock=clock)))


def test_smtp_down_fails_the_digest_job_only(tmp_path: Path, store: Store, down_smtp_port: int) -> None:
    loaded = setup(tmp_path, store, down_smtp_port, classify=False)
    clock = FixedClock(datetime(2026, 11, 23, 6, 59, tzinfo=UTC))
    run_due(ServiceRuntime(loaded, store, {}, clock=clock))
    clock.now = datetime(2026, 11, 23, 7, 1, tzinfo=UTC)
    outcomes = ran(run_due(ServiceRuntime(loaded, store, {}, clock=clock)))
    assert outcomes == {"digest:weekly": False}
    with store.engine.connect() as connection:
        assert connection.execute(select(DigestRunModel.status)).scalars().all() == ["failed"]


def test_classify_job_classifies_what_collect_stored(tmp_path: Path, store: Store, classifier: Any) -> None:
    loaded = setup(tmp_path, store, 2525, classify=True)
    clock = FixedClock(MONDAY_0630)
    runtime = ServiceRuntime(loaded, store, {}, clock=clock, classifier=classifier)
    outcomes = run_due(runtime)
    assert [o.job_id for o in outcomes][-1] == "classify"  # after the collect jobs
    assert ran(outcomes)["classify"] is True
    assert count(store, ClassificationModel) == count(store, MentionModel) > 50
    clock.now += timedelta(minutes=10)
    assert ran(run_due(runtime)) == {"classify": True}
