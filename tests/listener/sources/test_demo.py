"""The demo source: deterministic, resumable, varied enough to find stories in."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from foundation.mentions import Batch, BrandQuery, Cursor, Mention
from foundation.query import MatchDocument, matches, parse
from listener.sources.demo import DEMO_BRANDS, DemoOptions, DemoSource

NOW = datetime(2026, 11, 23, 12, 34, 56, tzinfo=UTC)
ANCHOR = datetime(2026, 11, 23, 12, tzinfo=UTC)


def _brand(name: str = "Northwind Air") -> BrandQuery:
    demo = {b.name: b for b in DEMO_BRANDS}.get(name)
    query = demo.query if demo else name.lower()
    return BrandQuery(
        name=name,
        query=query,
        expression=parse(query),
        competitors=demo.competitors if demo else (),
        languages=demo.languages if demo else (),
    )


def _source(**options: int) -> DemoSource:
    return DemoSource("demo", DemoOptions(**options), clock=lambda: NOW)


START = Cursor()


def _run(cursor: Cursor = START, brand: str = "Northwind Air", **options: int) -> list[Batch]:
    return list(_source(**options).fetch(_brand(brand), cursor))


def _mentions(batches: list[Batch]) -> list[Mention]:
    return [m for b in batches for m in b.mentions]


@pytest.fixture(scope="module")
def stream() -> list[Mention]:
    return _mentions(_run(count=3000, batch_size=1000))


def test_demo_brands_have_parseable_queries_and_known_competitors() -> None:
    names = {b.name for b in DEMO_BRANDS}
    assert len(DEMO_BRANDS) >= 3
    for brand in DEMO_BRANDS:
        parse(brand.query)
        assert set(brand.competitors) <= names - {brand.name}


def test_same_seed_same_mentions_other_seed_other_text() -> None:
    assert _mentions(_run(count=300)) == _mentions(_run(count=300))
    other = _mentions(_run(count=300, seed=8))
    assert [m.text for m in other] != [m.text for m in _mentions(_run(count=300))]


def test_batches_and_cursors() -> None:
    batches = _run(count=1200, batch_size=500)
    assert [len(b.mentions) for b in batches] == [500, 500, 200]
    assert batches[0].cursor.value == f"v1;anchor={ANCHOR.isoformat()};next=500"
    assert batches[-1].cursor.value == f"v1;anchor={ANCHOR.isoformat()};next=1200"


def test_resume_from_a_middle_cursor_yields_exactly_the_tail() -> None:
    full = _run(count=1200, batch_size=500)
    # A later run (another hour) resumes with the stored anchor, not the new clock.
    later = DemoSource("demo", DemoOptions(count=1200, batch_size=500), clock=lambda: NOW + timedelta(days=3))
    tail = list(later.fetch(_brand(), full[0].cursor))
    assert _mentions(tail) == _mentions(full)[500:]
    assert list(later.fetch(_brand(), full[-1].cursor)) == []


def test_every_mention_is_utc_inside_the_window_and_named_after_the_source(
    stream: list[Mention],
) -> None:
    start = ANCHOR - timedelta(days=60)
    for m in stream:
        assert m.created_at.tzinfo is not None and m.created_at.utcoffset() == timedelta(0)
        assert start <= m.created_at < ANCHOR
        assert m.source == "demo"
        assert m.url == f"https://demo.cxpulse.invalid/{m.channel}/{m.external_id}"
        assert m.external_id.startswith("northwind-air-")


def test_languages_channels_and_ratings(stream: list[Mention]) -> None:
    languages = Counter(m.language for m in stream)
    assert set(languages) == {"en", "es", "fr", "de", "pt"}
    assert languages["en"] > len(stream) / 2
    channels = {m.channel for m in stream}
    assert channels == {
        "twitter",
        "reddit",
        "app_review",
        "product_review",
        "support_email",
        "forum",
    }
    for m in stream:
        if m.channel in ("app_review", "product_review"):
            assert m.rating is not None and 1 <= m.rating <= 5
            truth = m.raw["demo_truth"] if m.raw else {}
            if truth["sentiment"] == "positive":
                assert m.rating >= 4
            if truth["kind"] in ("complaint", "shortfall", "sarcasm"):
                assert m.rating <= 3
        else:
            assert m.rating is None


def test_truth_covers_sentiments_gaps_and_the_story(stream: list[Mention]) -> None:
    truths = [m.raw["demo_truth"] for m in stream if m.raw]
    assert {t["sentiment"] for t in truths} >= {"positive", "negative", "neutral"}
    assert {t["gap"] for t in truths} == {"shortfall", "exceeded", "none"}
    assert {t["emotion"] for t in truths} >= {"anger", "frustration", "disappointment", "delight"}
    assert len({t["topic"] for t in truths}) >= 10
    story = [m for m in stream if m.raw and m.raw["demo_truth"]["story"]]
    recent = ANCHOR - timedelta(days=7)
    assert len(story) > 100
    assert all(m.created_at >= recent for m in story)
    competitor = [m for m in stream if "Skyhop" in m.text]
    assert competitor


def test_duplicates_and_noise_are_present_and_the_query_drops_the_noise(
    stream: list[Mention],
) -> None:
    ids = Counter(m.external_id for m in stream)
    assert any(n > 1 for n in ids.values())  # an API re-delivering an item
    assert any(m.text.startswith("RT @") for m in stream)
    assert any(m.raw and "copy_of" in m.raw["demo_truth"] for m in stream)
    query = _brand().expression
    for m in stream:
        noise = bool(m.raw and m.raw["demo_truth"]["noise"])
        assert matches(query, MatchDocument.from_text(m.text)) is not noise, m.text
    assert any("Northwind Traders" in m.text for m in stream)


def test_any_brand_name_gets_generic_mentions() -> None:
    mentions = _mentions(_run(brand="Acme Coffee", count=400))
    assert len(mentions) == 400
    generic = [m for m in mentions if m.raw and not m.raw["demo_truth"]["noise"]]
    assert all("acme coffee" in m.text.lower() for m in generic)
    assert mentions[0].external_id.startswith("acme-coffee-")


def test_twenty_thousand_mentions_per_brand_stay_varied() -> None:
    mentions = _mentions(_run(count=20_000, batch_size=5000, brand="Skyhop"))
    assert len(mentions) == 20_000
    assert len({m.text for m in mentions}) > 12_000
    assert len({m.author_handle for m in mentions}) > 2_000


def test_options_are_validated() -> None:
    with pytest.raises(ValidationError):
        DemoOptions(count=-1)
    with pytest.raises(ValidationError):
        DemoOptions(days=0)
    with pytest.raises(ValidationError):
        DemoOptions(batch_size=0)
    with pytest.raises(ValidationError):
        DemoOptions(colour="blue")  # type: ignore[call-arg]
