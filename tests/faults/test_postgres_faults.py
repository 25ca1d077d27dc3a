"""PostgreSQL SIGKILLed (postmaster and every backend) and restarted, mid-ingest and mid-classification.

On a server of the suite's own (``own_postgres``), never the shared one. After the
server comes back, the interrupted work is run again; the store must then hold what a
fault-free run of the same inputs holds: the same mentions, classifications and triage
items, none twice, and the cursors where the clean run left them.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from testkit.clock import NOW
from testkit.faults import FaultReport, compare_snapshots, long_run, snapshot
from testkit.postgres_server import OwnPostgres
from testkit.processes import cxpulse, wait_for

from classifiers import Classifier
from cxpulse.app.classify import classify_pending
from cxpulse.app.collect import collect
from cxpulse.config import load_config
from foundation.errors import StorageError
from storage import Store
from storage.models import ClassificationModel, MentionModel

pytestmark = pytest.mark.postgres

COUNT = 6000 if long_run() else 1600
CONFIG = """\
[database]
url = "{url}"

[[brands]]
name = "Northwind Air"
query = '(northwind OR @northwindair OR #northwindair) -"northwind traders" -airdrop'
competitors = ["Skyhop"]

[[brands]]
name = "Skyhop"
query = '(skyhop OR @skyhop OR #skyhop) -"skyhop trampoline" -airdrop'

[[sources]]
type = "demo"
options = {{ count = {count}, batch_size = 40, anchor = "2026-11-23T12:00:00Z" }}
"""


def _config(folder: Path, url: str, count: int = COUNT) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "config.toml"
    path.write_text(CONFIG.format(url=url, count=count), encoding="utf-8")
    return path


def _count(store: Store, table: type[MentionModel] | type[ClassificationModel]) -> int:
    try:
        with store.engine.connect() as connection:
            return int(connection.execute(select(func.count()).select_from(table)).scalar_one())
    except Exception:  # the server is down or the table not there yet
        return 0


def test_postgres_killed_mid_collect_then_restarted_and_collected_again_equals_a_clean_run(
    own_postgres: OwnPostgres, own_pg_url: str, tmp_path: Path, fault_report: FaultReport
) -> None:
    clean = _config(tmp_path / "clean", f"sqlite:///{tmp_path / 'clean' / 'cx.db'}")
    assert cxpulse(clean, "init").wait() == 0
    assert cxpulse(clean, "collect").wait() == 0
    clean_store = Store.open(f"sqlite:///{tmp_path / 'clean' / 'cx.db'}")
    reference = snapshot(clean_store)
    clean_store.dispose()

    config = _config(tmp_path / "faulty", own_pg_url)
    assert cxpulse(config, "init").wait() == 0
    store = Store.open(own_pg_url)
    kills = 2 if long_run() else 1
    try:
        for round_ in range(kills):
            child = cxpulse(config, "collect")
            at_least = _count(store, MentionModel) + 300
            wait_for(lambda n=at_least: _count(store, MentionModel) >= n, "300 more mentions stored", child=child)
            own_postgres.kill()
            code = child.wait()
            log = child.log()
            assert code == 1, log
            assert "Traceback" not in log
            assert "source demo failed for brand Northwind Air: cannot save mentions: the results store at" in log
            assert "source runs failed" in log
            own_postgres.start()
            assert 0 < _count(store, MentionModel) < len(reference["mentions"]), f"round {round_}"

        done = cxpulse(config, "collect")
        assert done.wait() == 0, done.log()
        assert cxpulse(config, "collect").wait() == 0  # and once more: nothing new, nothing twice
        comparisons = compare_snapshots(reference, snapshot(store))
    finally:
        store.dispose()
    for kind, comparison in comparisons.items():
        assert comparison.equal, (kind, comparison)
    fault_report.record(
        "postgres_mid_collect",
        "PostgreSQL SIGKILL mid `cxpulse collect`, restart",
        injected=kills,
        comparisons=comparisons.values(),
    )


def test_postgres_killed_mid_classification_then_restarted_classifies_each_mention_once(
    own_postgres: OwnPostgres,
    own_pg_url: str,
    tmp_path: Path,
    classifier: Classifier,
    fault_report: FaultReport,
    caplog: pytest.LogCaptureFixture,
) -> None:
    count = 600 if long_run() else 160
    stores = {}
    for name, url in (("clean", f"sqlite:///{tmp_path / 'clean.db'}"), ("faulty", own_pg_url)):
        loaded = load_config(_config(tmp_path / name, url, count), env={})
        store = stores[name] = Store.open(url, clock=lambda: NOW)
        store.upgrade()
        assert all(r.ok for r in collect(loaded, store, {}, clock=lambda: NOW))
    classify_pending(stores["clean"], classifier, loaded, batch_size=16)
    reference = snapshot(stores["clean"])

    faulty = stores["faulty"]
    kills = 3 if long_run() else 2
    inserts = killed = 0

    @event.listens_for(faulty.engine, "before_cursor_execute")
    def kill_mid_batch(conn: object, cursor: object, statement: str, *args: object) -> None:
        nonlocal inserts, killed
        if statement.lstrip().upper().startswith("INSERT INTO CLASSIFICATIONS"):
            inserts += 1
            if inserts % 3 == 0 and killed < kills:
                killed += 1
                own_postgres.kill()  # the server dies while this batch's transaction is open

    attempts = 0
    with caplog.at_level(logging.INFO):
        while True:
            attempts += 1
            assert attempts <= kills + 1
            try:
                classify_pending(faulty, classifier, loaded, batch_size=16)
                break
            except StorageError as exc:
                assert "cannot save classifications: the results store at postgresql" in str(exc), exc
                assert "that the server runs" in str(exc)
                own_postgres.start()
    assert killed == kills
    comparisons = compare_snapshots(reference, snapshot(faulty))
    with faulty.engine.connect() as connection:
        c = ClassificationModel
        per_mention = connection.execute(
            select(func.count()).select_from(c).group_by(c.mention_id, c.model_version)
        ).scalars()
        repeated = sum(n - 1 for n in per_mention)
    for store in stores.values():
        store.dispose()
    for kind, comparison in comparisons.items():
        assert comparison.equal, (kind, comparison)
    assert repeated == 0
    assert any("classified" in r.getMessage() for r in caplog.records)
    fault_report.record(
        "postgres_mid_classify",
        "PostgreSQL SIGKILL mid classification batch, restart",
        injected=kills,
        comparisons=comparisons.values(),
        repeated=repeated,
    )
