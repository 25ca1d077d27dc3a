"""`cxpulse run` SIGKILLed mid-batch (collecting, then classifying) and restarted; `cxpulse run`
and a manual `cxpulse collect` of the same source and brand at the same time.

The real service and the real command, as child processes, on the demo source. The
kill points are drawn from a seeded random generator and reached by watching the store.
The end state is compared with a fault-free `cxpulse collect` + `cxpulse classify` of
the same inputs: the same mentions (by source and id), each classified exactly once,
the same triage items, the cursor where the clean run left it and never moved backwards.
"""

from __future__ import annotations

import random
import re
import signal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from testkit.faults import FaultReport, compare_snapshots, long_run, snapshot
from testkit.postgres_server import OwnPostgres
from testkit.processes import Child, cxpulse, wait_for

from storage import Store
from storage.models import ClassificationModel, MentionModel, SourceCursorModel

COUNT = 24000 if long_run() else 6000
CONFIG = """\
[database]
url = "{url}"

[[brands]]
name = "Northwind Air"
query = '(northwind OR @northwindair OR #northwindair) AND (refund OR refunds OR lost OR delayed OR cancelled)'

[[sources]]
type = "demo"
options = {{ count = {count}, batch_size = 20, anchor = "2026-11-23T12:00:00Z" }}
schedule = {{ every = "2s" }}

[service]
classify = {classify}
classify_every = "2s"
"""


def _config(folder: Path, url: str, *, classify: bool = True) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "config.toml"
    path.write_text(CONFIG.format(url=url, count=COUNT, classify=str(classify).lower()), encoding="utf-8")
    return path


def _reference(tmp_path: Path, *, classify: bool) -> dict[str, list[tuple[object, ...]]]:
    config = _config(tmp_path / "clean", f"sqlite:///{tmp_path / 'clean' / 'cx.db'}")
    for command in ("init", "collect", *(("classify",) if classify else ())):
        child = cxpulse(config, command)
        assert child.wait() == 0, child.log()
    store = Store.open(f"sqlite:///{tmp_path / 'clean' / 'cx.db'}")
    try:
        return snapshot(store)
    finally:
        store.dispose()


class Watch:
    """Counts in the store while the children work, and every cursor value seen (to check it only moves on)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.positions: list[int] = []

    def _scalar(self, query: object) -> int:
        try:
            with self.store.engine.connect() as connection:
                return int(connection.execute(query).scalar_one())  # type: ignore[call-overload]
        except Exception:  # no table or row yet, or the database is locked for a moment
            return 0

    def mentions(self) -> int:
        self.cursor()
        return self._scalar(select(func.count()).select_from(MentionModel))

    def classified(self) -> int:
        self.cursor()
        return self._scalar(select(func.count(func.distinct(ClassificationModel.mention_id))))

    def cursor(self) -> None:
        try:
            with self.store.engine.connect() as connection:
                value = connection.execute(select(SourceCursorModel.value)).scalar_one_or_none()
        except Exception:
            return
        found = re.search(r"next=(\d+)", value or "")
        if found:
            self.positions.append(int(found.group(1)))

    @property
    def went_back(self) -> list[tuple[int, int]]:
        return [(a, b) for a, b in zip(self.positions, self.positions[1:], strict=False) if b < a]


def _stop(child: Child) -> str:
    child.process.send_signal(signal.SIGTERM)
    assert child.wait(timeout=120) == 0, child.log()
    log = child.log()
    assert "service stopped" in log and "Traceback" not in log, log
    return log


def test_run_sigkilled_mid_collect_and_mid_classify_then_restarted_equals_a_clean_run(
    tmp_path: Path, fault_report: FaultReport
) -> None:
    reference = _reference(tmp_path, classify=True)
    total, classified = len(reference["mentions"]), len({r[:2] for r in reference["classifications"]})
    url = f"sqlite:///{tmp_path / 'faulty' / 'cx.db'}"
    config = _config(tmp_path / "faulty", url)
    assert cxpulse(config, "init").wait() == 0
    store = Store.open(url)
    watch = Watch(store)
    draw = random.Random(16)  # where the collect is killed
    kills = []
    logs = []
    rounds = 2 if long_run() else 1
    try:
        for at in sorted(draw.sample(range(20, total * 3 // 4), rounds)):
            service = cxpulse(config, "run")
            wait_for(lambda at=at: watch.mentions() >= at, f"{at} mentions stored", child=service)
            service.kill()
            logs.append(service.log())
            kills.append(f"collecting, at {watch.mentions()} of {total} mentions")
        assert watch.mentions() < total, "the service finished collecting before it could be killed"
        for _ in range(rounds):
            # the classify job reads, classifies and stores up to 512 mentions in one transaction:
            # killed once the model is loaded, the service dies in the middle of that batch
            service = cxpulse(config, "run")
            wait_for(lambda s=service: " loaded (encoder " in s.log(), "the model", child=service)
            service.kill()
            logs.append(service.log())
            kills.append(f"classifying, at {watch.classified()} of {classified} mentions")
            assert watch.classified() < classified, "the service finished classifying before it could be killed"

        service = cxpulse(config, "run")
        wait_for(
            lambda: (
                watch.mentions() == total and watch.classified() == classified and _cursor(store) == _final(reference)
            ),
            "every mention collected and classified",
            child=service,
        )
        logs.append(_stop(service))
        after = snapshot(store)
        with store.engine.connect() as connection:
            c = ClassificationModel
            counts = (
                connection.execute(select(func.count()).select_from(c).group_by(c.mention_id, c.model_version))
                .scalars()
                .all()
            )
    finally:
        store.dispose()
    comparisons = compare_snapshots(reference, after)
    for kind, comparison in comparisons.items():
        assert comparison.equal, (kind, comparison, kills)
    repeated = sum(n - 1 for n in counts)
    assert repeated == 0  # each mention classified exactly once
    assert watch.went_back == [], "the cursor moved backwards"
    # a restart says that it takes over the work of the killed run (its cursor lease)
    assert "that process no longer runs (killed or crashed mid-work)" in "".join(logs[1:]), logs
    fault_report.record(
        "run_sigkill",
        "`cxpulse run` SIGKILL mid-collect and mid-classify, restart",
        injected=len(kills),
        comparisons=comparisons.values(),
        repeated=repeated,
    )


def _cursor(store: Store) -> str | None:
    with store.engine.connect() as connection:
        return connection.execute(select(SourceCursorModel.value)).scalar_one_or_none()


def _final(reference: dict[str, list[tuple[object, ...]]]) -> object:
    ((_, _, value),) = reference["cursors"]
    return value


@pytest.mark.postgres
def test_run_and_a_manual_collect_at_the_same_time_store_each_mention_once_and_never_move_the_cursor_back(
    tmp_path: Path, own_postgres: OwnPostgres, own_pg_url: str, fault_report: FaultReport
) -> None:
    reference = _reference(tmp_path, classify=False)
    rounds = 3 if long_run() else 1
    comparisons = []
    for round_ in range(rounds):
        url = own_pg_url if round_ == 0 else own_postgres.create_database(f"{own_pg_url.rsplit('/', 1)[1]}_{round_}")
        config = _config(tmp_path / f"faulty{round_}", url, classify=False)
        assert cxpulse(config, "init").wait() == 0
        store = Store.open(url)
        watch = Watch(store)
        try:
            service = cxpulse(config, "run")
            wait_for(lambda w=watch: w.mentions() >= 40, "the service collecting", child=service)
            manual = cxpulse(config, "collect")
            wait_for(lambda m=manual, w=watch: w.mentions() >= 0 and not m.running, "the manual collect", child=service)
            manual_log = manual.log()
            assert manual.wait() == 0, manual_log
            assert "Traceback" not in manual_log, manual_log
            wait_for(
                lambda s=store, w=watch: w.mentions() >= 0 and _cursor(s) == _final(reference), "the end", child=service
            )
            log = _stop(service)
            assert "job collect:demo:Northwind Air:" in log, log
            conflicts = (log + manual_log).count("another run moved the cursor of demo for Northwind Air")
            assert conflicts >= 1, (log, manual_log)  # the run that gave way said so
            after = snapshot(store)
        finally:
            store.dispose()
        found = compare_snapshots(reference, after)
        for kind, comparison in found.items():
            assert comparison.equal, (kind, comparison)
        assert watch.went_back == [], f"the cursor moved backwards: {watch.went_back[:5]}"
        comparisons.extend(found.values())
    fault_report.record(
        "run_and_collect",
        "`cxpulse run` and `cxpulse collect` at the same time",
        injected=rounds,
        comparisons=comparisons,
    )
