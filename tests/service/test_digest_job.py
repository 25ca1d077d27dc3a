"""The `digest:NAME` job says truthfully what became of a digest it could not confirm."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from testkit.clock import FixedClock
from testkit.digests import NOW, Seeder, write_config
from testkit.smtp import SmtpServer

from cxpulse.service.jobs import digest_job
from cxpulse.service.runtime import ServiceRuntime, install, uninstall
from storage import Store


@pytest.fixture
def installed() -> Iterator[None]:
    yield
    uninstall()


def test_an_unconfirmed_digest_fails_the_job_and_says_it_may_have_arrived(
    store: Store, dropping_smtp_server: SmtpServer, tmp_path: Path, installed: None
) -> None:
    Seeder(store).add("Acme", "acme is late again", NOW.replace(day=18), sentiment="negative")
    install(ServiceRuntime(write_config(tmp_path, port=dropping_smtp_server.port), store, {}, clock=FixedClock(NOW)))

    outcome = digest_job("weekly")

    assert not outcome.ok
    assert outcome.summary.startswith("may or may not have been delivered for 16\u201322 Nov 2026")
    assert "`cxpulse digest send` of that period resends it once" in outcome.summary
    assert len(dropping_smtp_server.handler.envelopes) == 1
