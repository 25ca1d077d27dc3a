"""A number in a digest email equals the number in a trends export of the same period."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from testkit.digests import Seeder, write_config
from testkit.trends import seed

from cxpulse import trends
from cxpulse.app.digest import build_digest
from storage import Store

METRICS = ["mentions", "net_sentiment", "shortfall_rate", "avg_rating", "switching_count", "classified", "rated"]


@pytest.mark.parametrize("timezone", ["UTC", "Europe/Berlin"])
def test_the_digest_week_equals_the_engine_week(store: Store, tmp_path: Path, timezone: str) -> None:
    seed(store)  # October 2026, across the end of summer time
    Seeder(store).add("Globex", "globex ok", datetime(2026, 10, 27, 8, tzinfo=UTC), sentiment="positive")
    config = write_config(tmp_path, timezone=timezone)
    digest = build_digest(store, config, "weekly", "2026-10-26..2026-11-01")
    acme = digest.brands[0]
    frame = trends(
        store, by="week", dims=["brand"], metrics=[*METRICS, "share_of_voice"], since="2026-10-26",
        until="2026-11-01", timezone=timezone, competitors={"Acme": ["Globex"]},
    )  # fmt: skip
    engine = {row["brand"]: row for row in frame.to_dict(orient="records")}
    now = engine["Acme"]
    assert acme.volume.current == now["mentions"]
    assert acme.net_sentiment.current is not None and acme.net_sentiment.current * 100 == now["net_sentiment"]
    assert acme.shortfall_share.current == now["shortfall_rate"]
    assert acme.average_rating.current == now["avg_rating"]
    assert acme.switching.current == now["switching_count"]
    assert (acme.classified, acme.ratings) == (now["classified"], now["rated"])
    share = {v.brand: v.share.current for v in acme.share_of_voice}
    assert share["Acme"] == now["share_of_voice"]
    previous = trends(
        store, by="week", dims=["brand"], metrics=["mentions"], since="2026-10-19", until="2026-10-25",
        timezone=timezone,
    )  # fmt: skip
    assert acme.volume.previous == previous[previous["brand"] == "Acme"]["mentions"].iloc[0]
    assert acme.volume.current == (3 if timezone == "Europe/Berlin" else 2)  # B is Monday in Berlin
