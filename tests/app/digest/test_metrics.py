"""The numbers of a digest, checked the way a marketing lead would check them against the raw mentions."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from testkit.digests import NOW, Seeder, write_config

from cxpulse.app.digest import build_digest
from storage import Store

CURRENT = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # Wednesday of last week
PREVIOUS = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)  # the week before


def _seed_week(seeder: Seeder) -> None:
    # Acme, last week: 4 mentions (2 positive, 1 neutral, 1 negative shortfall), 2 reviews rated 4 and 2.
    seeder.add(
        "Acme", "Love the new acme app", CURRENT, sentiment="positive", topics=("app",), rating=4.0, source="appstore"
    )
    seeder.add("Acme", "acme support was quick", CURRENT, sentiment="positive", topics=("support",))
    seeder.add("Acme", "acme opening hours?", CURRENT, sentiment="neutral")
    seeder.add(
        "Acme",
        "The acme ad promised 2-day shipping, my parcel took 3 weeks. Still no refund you promised.",
        datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        sentiment="negative",
        gap="shortfall",
        gap_score=0.93,
        evidence=("promised 2-day shipping", "still no refund you promised"),
        topics=("delivery", "refund"),
        flagged=True,
        rating=2.0,
        source="appstore",
        url="https://example.com/review/1",
    )
    # A copy of the first mention from another source: counted once.
    seeder.add("Acme", "Love the new acme app", CURRENT, sentiment="positive", source="reddit", content_hash="hash-1")
    # Acme, the week before: 2 mentions (1 positive, 1 negative flagged but resolved), 1 review rated 5.
    seeder.add("Acme", "acme is great", PREVIOUS, sentiment="positive", rating=5.0, topics=("app",), source="appstore")
    seeder.add(
        "Acme",
        "acme delivery late",
        PREVIOUS,
        sentiment="negative",
        topics=("delivery",),
        flagged=True,
        triage="resolved",
    )
    # An older flagged complaint nobody closed yet.
    seeder.add(
        "Acme",
        "acme charged me twice",
        datetime(2026, 10, 2, tzinfo=UTC),
        sentiment="negative",
        flagged=True,
        triage="open",
    )
    # This week (after the period) and an older model version: both ignored.
    seeder.add("Acme", "acme today", NOW, sentiment="negative", flagged=True)
    seeder.add(
        "Acme",
        "acme old model",
        CURRENT,
        sentiment="negative",
        model_version="v0",
        classified_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    # Competitor Globex: 1 mention last week, 2 the week before.
    seeder.add("Globex", "globex ok", CURRENT)
    seeder.add("Globex", "globex fine", PREVIOUS)
    seeder.add("Globex", "globex meh", PREVIOUS)


def test_weekly_numbers_against_the_week_before(store: Store, seeder: Seeder, tmp_path: Path) -> None:
    _seed_week(seeder)
    digest = build_digest(store, write_config(tmp_path), "weekly", now=NOW)

    assert (digest.period.start, digest.period.end) == (date(2026, 11, 16), date(2026, 11, 23))
    assert (digest.previous.start, digest.previous.end) == (date(2026, 11, 9), date(2026, 11, 16))
    assert digest.model_version == "v1"
    [acme] = digest.brands
    # "v0" was only used for one mention: it counts as unclassified for v1, but still as a mention.
    assert (acme.volume.current, acme.volume.previous) == (5, 2)
    assert acme.volume.relative_change == pytest.approx(1.5)
    assert acme.classified == 4
    assert acme.net_sentiment.current == pytest.approx((2 - 1) / 4)
    assert acme.net_sentiment.previous == pytest.approx(0.0)
    assert acme.shortfall_share.current == pytest.approx(0.25)
    assert acme.shortfall_share.previous == pytest.approx(0.0)
    assert acme.average_rating.current == pytest.approx(3.0)
    assert acme.average_rating.previous == pytest.approx(5.0)
    assert acme.ratings == 2
    shares = {v.brand: v.share for v in acme.share_of_voice}
    assert shares["Acme"].current == pytest.approx(5 / 6)
    assert shares["Acme"].previous == pytest.approx(2 / 4)
    assert shares["Globex"].current == pytest.approx(1 / 6)
    # Still open now: last week's shortfall (no triage row), the October one (triage open) and today's;
    # the week before's was resolved. Of last week's flagged mentions, one is open.
    assert (acme.open_flagged, acme.open_flagged_in_period) == (3, 1)


def test_topics_shortfalls_and_days(store: Store, seeder: Seeder, tmp_path: Path) -> None:
    _seed_week(seeder)
    [acme] = build_digest(store, write_config(tmp_path), "weekly", now=NOW).brands

    topics = {t.topic: (t.current, t.previous) for t in acme.topics}
    assert topics == {"app": (1, 1), "support": (1, 0), "delivery": (1, 1), "refund": (1, 0)}
    assert {t.topic for t in acme.risers} == {"support", "refund"}
    [quote] = acme.shortfalls
    assert quote.source == "appstore" and quote.url == "https://example.com/review/1"
    assert [s.text for s in quote.segments if s.evidence] == ["promised 2-day shipping", "Still no refund you promised"]
    assert quote.text.startswith("The acme ad promised")
    assert len(acme.days) == 14
    wednesday = next(d for d in acme.days if d.day == date(2026, 11, 18))
    assert (wednesday.total, wednesday.positive, wednesday.neutral, wednesday.negative) == (4, 2, 1, 0)


def test_a_store_with_no_mentions_gives_an_empty_but_valid_digest(store: Store, tmp_path: Path) -> None:
    digest = build_digest(store, write_config(tmp_path), "weekly", now=NOW)
    [acme] = digest.brands
    assert digest.model_version is None
    assert acme.volume.current == 0 and acme.net_sentiment.current is None and acme.average_rating.current is None
    assert acme.shortfalls == () and acme.open_flagged == 0


def test_emerging_complaints(store: Store, seeder: Seeder, tmp_path: Path) -> None:
    for i in range(4):
        seeder.add("Acme", f"acme app login broken again {i}", CURRENT, sentiment="negative", topics=("app",))
    seeder.add("Acme", "acme app login broken", PREVIOUS, sentiment="negative", topics=("billing",))
    [acme] = build_digest(store, write_config(tmp_path), "weekly", now=NOW).brands
    found = {(e.kind, e.label): (e.current, e.previous) for e in acme.emerging}
    assert found[("topic", "app")] == (4, 0)
    assert ("phrase", "login broken") in found or ("phrase", "app login") in found


def test_period_boundaries_follow_the_digest_time_zone(store: Store, seeder: Seeder, tmp_path: Path) -> None:
    # 23:30 UTC on Sunday 22 November is already Monday 23 November in Berlin: not last week there.
    seeder.add("Acme", "acme late sunday", datetime(2026, 11, 22, 23, 30, tzinfo=UTC))
    # 23:30 UTC on Sunday 15 November is Monday 16 in Berlin: last week there.
    seeder.add("Acme", "acme early monday", datetime(2026, 11, 15, 23, 30, tzinfo=UTC))
    berlin = build_digest(store, write_config(tmp_path, timezone="Europe/Berlin"), "weekly", now=NOW)
    utc = build_digest(store, write_config(tmp_path), "weekly", now=NOW)
    assert berlin.brands[0].volume.current == 1 and berlin.brands[0].days[7].total == 1
    assert utc.brands[0].volume.current == 1 and utc.brands[0].volume.previous == 1
