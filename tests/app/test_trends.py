"""The trends engine's numbers, checked on a small hand-built store (testkit.trends) on
SQLite and PostgreSQL, the way an analyst would check an export against the mentions."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from testkit.trends import COMPETITORS, seed

from cxpulse import trends
from cxpulse.app.trends import METRICS
from foundation.errors import CxPulseError, InputError
from storage import Store

BERLIN = "Europe/Berlin"
WEEKS = {"since": "2026-10-19", "until": "2026-11-08", "timezone": BERLIN}
"""Three Berlin weeks: 19 Oct (summer time ends on its Sunday), 26 Oct, 2 Nov (empty)."""
OCTOBER = {"by": "month", "since": "2026-10-01", "until": "2026-10-31", "timezone": BERLIN}


@pytest.fixture
def seeded(store: Store) -> Store:
    seed(store)
    return store


def _rows(frame: pd.DataFrame, *dims: str) -> dict[Any, dict[str, Any]]:
    """``{(period_start date, dim values...): row}`` with NaN as None."""
    out: dict[Any, dict[str, Any]] = {}
    for row in frame.to_dict(orient="records"):
        clean = {k: (None if (isinstance(v, float) and math.isnan(v)) or v is pd.NA else v) for k, v in row.items()}
        key = (row["period_start"].date().isoformat(), *(clean[d] for d in dims))
        out[key if dims else key[0]] = clean
    return out


def test_weekly_metrics_by_brand_in_berlin(seeded: Store) -> None:
    frame = trends(seeded, by="week", dims=["brand"], metrics=list(METRICS), competitors=COMPETITORS, **WEEKS)
    assert list(frame.columns[:3]) == ["period_start", "period_end", "brand"]
    assert len(frame) == 6  # 3 weeks x 2 brands, the empty week zero-filled
    rows = _rows(frame, "brand")
    acme1, acme2, acme3 = (rows[(day, "Acme")] for day in ("2026-10-19", "2026-10-26", "2026-11-02"))
    # week 1: A only (B is Monday 26 Oct 00:30 in Berlin)
    assert acme1["mentions"] == 1 and acme1["unique_authors"] == 1 and acme1["classified"] == 1
    assert acme1["net_sentiment"] == 100.0 and acme1["positive_share"] == 1.0 and acme1["negative_share"] == 0.0
    assert acme1["shortfall_rate"] == 1.0 and acme1["exceeded_rate"] == 0.0
    assert acme1["flagged_count"] == 1 and acme1["flagged_rate"] == 1.0
    assert acme1["switching_count"] == 0 and acme1["switching_rate"] == 0.0
    assert acme1["rated"] == 0 and acme1["avg_rating"] is None
    assert acme1["median_resolution_hours"] == pytest.approx(4.0)
    assert acme1["share_of_voice"] == 0.5  # Acme 1 of Acme + Globex 2
    assert acme1["mentions_change"] is None  # the week before had none
    # week 2: B, C and the unclassified G; D is a copy of C and counts once
    assert acme2["mentions"] == 3 and acme2["unique_authors"] == 2 and acme2["classified"] == 2
    assert acme2["net_sentiment"] == 0.0 and acme2["positive_share"] == 0.5 and acme2["negative_share"] == 0.5
    assert acme2["shortfall_rate"] == 0.5 and acme2["exceeded_rate"] == 0.5
    assert acme2["flagged_count"] == 1 and acme2["flagged_rate"] == 0.5
    assert acme2["switching_count"] == 1 and acme2["switching_rate"] == 0.5
    assert acme2["rated"] == 2 and acme2["avg_rating"] == 3.5
    assert [acme2[f"rating_{k}"] for k in range(1, 6)] == [0, 1, 0, 0, 1]
    assert acme2["median_resolution_hours"] == pytest.approx(10.0)
    assert acme2["share_of_voice"] == 0.75
    assert acme2["mentions_change"] == 2.0  # relative: 3 against 1
    assert acme2["net_sentiment_change"] == -100.0  # absolute: 0 against 100
    assert acme2["share_of_voice_change"] == 0.25
    assert acme2["avg_rating_change"] is None
    # week 3: nothing, but a row
    assert acme3["mentions"] == 0 and acme3["net_sentiment"] is None and acme3["share_of_voice"] is None
    assert acme3["mentions_change"] == -1.0
    globex2 = rows[("2026-10-26", "Globex")]
    assert globex2["mentions"] == 1 and globex2["net_sentiment"] == -100.0 and globex2["switching_rate"] == 1.0
    assert globex2["median_resolution_hours"] is None  # its item is still open
    assert globex2["share_of_voice"] == 1.0  # Globex lists no competitors
    assert rows[("2026-10-19", "Globex")]["switching_rate"] is None  # E was read by no switching head


def test_periods_are_local_weeks_across_the_dst_change(seeded: Store) -> None:
    frame = trends(seeded, by="week", **WEEKS)
    starts = [ts.isoformat() for ts in frame["period_start"]]
    ends = [ts.isoformat() for ts in frame["period_end"]]
    assert starts == ["2026-10-19T00:00:00+02:00", "2026-10-26T00:00:00+01:00", "2026-11-02T00:00:00+01:00"]
    assert ends[0] == "2026-10-26T00:00:00+01:00"  # a week of 7 days and one hour
    assert str(frame["period_start"].dt.tz) == BERLIN
    assert list(frame["mentions"]) == [2, 4, 0]
    utc = trends(seeded, by="week", since="2026-10-19", until="2026-11-08", timezone="UTC")
    assert list(utc["mentions"]) == [3, 3, 0]  # B falls in the first week in UTC


def test_days_and_hours_around_the_change(seeded: Store) -> None:
    days = trends(seeded, by="day", since="2026-10-25", until="2026-10-26", timezone=BERLIN)
    assert [(ts.isoformat(), n) for ts, n in zip(days["period_start"], days["mentions"], strict=True)] == [
        ("2026-10-25T00:00:00+02:00", 0),
        ("2026-10-26T00:00:00+01:00", 1),
    ]
    assert (days["period_end"][0] - days["period_start"][0]).total_seconds() == 25 * 3600
    hours = trends(
        seeded,
        by="hour",
        since=datetime(2026, 10, 25, 1, 0, tzinfo=ZoneInfo(BERLIN)),
        until=datetime(2026, 10, 26, 1, 0, tzinfo=ZoneInfo(BERLIN)),
        timezone=BERLIN,
    )
    assert len(hours) == 25  # real hours from 01:00 summer time to 01:00 winter time the next day
    assert list(hours["mentions"]).index(1) == 24  # B, at 00:30 on the 26th
    assert [ts.isoformat() for ts in hours["period_start"][:4]] == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:00:00+01:00",  # the hour that happens twice
        "2026-10-25T03:00:00+01:00",
    ]


def test_months_and_quarters(seeded: Store) -> None:
    month = trends(seeded, **OCTOBER)
    assert len(month) == 1 and month["mentions"][0] == 6
    assert month["period_end"][0].isoformat() == "2026-11-01T00:00:00+01:00"
    quarter = trends(seeded, by="quarter", since="2026-10-01", until="2026-12-31", timezone=BERLIN)
    assert quarter["period_start"][0].isoformat() == "2026-10-01T00:00:00+02:00" and quarter["mentions"][0] == 6


def test_every_metric_over_a_month(seeded: Store) -> None:
    every = [name for name in METRICS if name != "share_of_voice"]
    row = _rows(trends(seeded, metrics=every, **OCTOBER))["2026-10-01"]
    assert row["mentions"] == 6 and row["unique_authors"] == 4 and row["classified"] == 5
    assert row["net_sentiment"] == 0.0
    assert row["positive_share"] == 0.4 and row["negative_share"] == 0.4
    assert row["shortfall_rate"] == 0.4 and row["exceeded_rate"] == 0.2
    assert row["flagged_count"] == 3 and row["flagged_rate"] == 0.6
    assert row["switching_count"] == 2 and row["switching_rate"] == 0.5
    assert row["rated"] == 2 and row["avg_rating"] == 3.5
    assert row["median_resolution_hours"] == pytest.approx(7.0)  # 4 h and 10 h


@pytest.mark.parametrize(
    ("dim", "expected"),
    [
        ("brand", {"Acme": 4, "Globex": 2}),
        ("source", {"twitter": 3, "appstore": 2, "rss": 1}),
        ("channel", {"twitter": 2, "app_review": 2, "news": 1, None: 1}),
        ("language", {"en": 4, "de": 1, "es": 1}),
        ("sentiment", {"positive": 2, "negative": 2, "neutral": 1, None: 1}),
        ("gap", {"shortfall": 2, "exceeded": 1, "none": 2, None: 1}),
        ("emotion", {"anger": 2, "frustration": 1, "joy": 1, "neutral": 1, None: 1}),
        ("flagged", {True: 3, False: 2, None: 1}),
        ("triage_status", {"resolved": 2, "open": 1, None: 3}),
        ("about_brand", {True: 4, False: 1, None: 1}),
        ("switching", {True: 2, False: 2, None: 2}),
        ("lifecycle", {"support": 2, "leaving": 1, "use": 1, None: 2}),
        ("topic", {"delivery": 2, "refund": 2, None: 3}),  # A counts under both of its topics
    ],
)
def test_every_dimension(seeded: Store, dim: str, expected: dict[Any, int]) -> None:
    frame = trends(seeded, dims=[dim], **OCTOBER)
    found = {key[1]: row["mentions"] for key, row in _rows(frame, dim).items()}
    assert found == expected


def test_topics_by_brand_zero_filled_in_long_and_wide(seeded: Store) -> None:
    frame = trends(seeded, by="week", dims=["brand", "topic"], metrics=["mentions"], **WEEKS)
    assert len(frame) == 15  # 5 brand x topic combinations x 3 weeks
    rows = _rows(frame, "brand", "topic")
    assert rows[("2026-10-19", "Acme", "delivery")]["mentions"] == 1
    assert rows[("2026-10-26", "Acme", "refund")]["mentions"] == 1
    assert rows[("2026-10-26", "Acme", None)]["mentions"] == 2  # C (no topics) and G (unclassified)
    assert rows[("2026-11-02", "Globex", "delivery")]["mentions"] == 0
    wide = trends(seeded, by="week", dims=["brand", "topic"], metrics=["mentions"], wide=True, **WEEKS)
    assert len(wide) == 3
    assert list(wide["mentions|Acme|refund"]) == [1, 1, 0]
    assert list(wide["mentions|Acme|(none)"]) == [0, 2, 0]
    assert wide["mentions|Acme|refund"].dtype == "int64"


def test_duplicates_count_once_unless_asked(seeded: Store) -> None:
    once = trends(seeded, dims=["brand"], metrics=["mentions", "unique_authors"], brands=["Acme"], **OCTOBER)
    both = trends(
        seeded, dims=["brand"], metrics=["mentions", "unique_authors"], brands=["Acme"], include_duplicates=True,
        **OCTOBER,
    )  # fmt: skip
    assert (once["mentions"][0], once["unique_authors"][0]) == (4, 2)
    assert (both["mentions"][0], both["unique_authors"][0]) == (5, 3)


def test_brand_filter_keeps_competitors_for_share_of_voice_only(seeded: Store) -> None:
    frame = trends(
        seeded, by="week", dims=["brand"], metrics=["mentions", "share_of_voice"], brands=["Acme"],
        competitors=COMPETITORS, **WEEKS,
    )  # fmt: skip
    assert set(frame["brand"]) == {"Acme"}
    assert list(frame["share_of_voice"][:2]) == [0.5, 0.75]
    everyone = trends(seeded, by="week", dims=["brand"], metrics=["share_of_voice"], **WEEKS)
    assert _rows(everyone, "brand")[("2026-10-26", "Globex")]["share_of_voice"] == 0.25  # no config: all brands


def test_a_url_works_like_a_store(seeded: Store, tmp_path: Any) -> None:
    assert trends(seeded.url, **OCTOBER)["mentions"][0] == 6


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"dims": ["brnd"]}, "unknown dimension 'brnd'; valid dimensions: brand, source, channel"),
        ({"metrics": ["nps"]}, "unknown metric 'nps'; valid metrics: mentions, unique_authors"),
        ({"by": "fortnight"}, "unknown period 'fortnight'; use one of hour, day, week, month, quarter"),
        ({"since": "2026-11-01", "until": "2026-10-01"}, "is not before --until"),
        ({"timezone": "Mars/Olympus"}, "'Mars/Olympus' is not an IANA time zone"),
        ({"since": "last tuesday"}, "--since 'last tuesday' is not a time"),
        ({"since": "2020-01-01", "until": "2020-02-01"}, "no mentions from 2019-12-30"),
        ({"metrics": ["share_of_voice"]}, "add brand to the dimensions"),
        ({"dims": ["brand", "brand"]}, "listed twice"),
        ({"brands": ["Acme", "Ac\x00me"]}, "a --brand holds a NUL character"),  # PostgreSQL refused it: a 500
    ],
)
def test_bad_input_raises_one_clear_error(seeded: Store, kwargs: dict[str, Any], says: str) -> None:
    with pytest.raises(InputError, match=None) as raised:
        trends(seeded, **kwargs)
    assert says in str(raised.value)


def test_a_store_without_classifications(store: Store) -> None:
    seed(store)
    with store.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM classifications")
    assert trends(store, **OCTOBER)["mentions"][0] == 6  # volumes need no classifier
    with pytest.raises(CxPulseError, match="no classifications yet; run `cxpulse classify` first"):
        trends(store, metrics=["net_sentiment"], **OCTOBER)
