"""Storing classifications as the classify command does, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from foundation.labels import Classification
from foundation.mentions import Cursor, StoredMention
from storage import SearchFilters, Store
from storage.classifications import _COPIED
from storage.models import ClassificationModel, TriageEventModel, TriageItemModel

MentionFactory = Callable[..., StoredMention]
V1 = "cx-test-1"
V2 = "cx-test-2"


def label(
    sentiment: str = "negative",
    *,
    gap: str = "none",
    topics: tuple[str, ...] = (),
    flagged: bool = False,
    version: str = V1,
) -> Classification:
    return Classification(
        sentiment=sentiment,
        sentiment_scores={"negative": 0.8, "neutral": 0.1, "positive": 0.1},
        topics=topics,
        topic_scores={t: 0.9 for t in topics},
        expectation_gap=gap,
        gap_score=0.7,
        gap_evidence=("promised 2-day shipping",) if gap != "none" else (),
        emotion="anger" if sentiment == "negative" else "joy",
        emotion_scores={"anger": 0.6, "joy": 0.1},
        flagged=flagged,
        model_version=version,
    )


def stored(store: Store, mention: MentionFactory, *texts: str, brand: str = "acme") -> list[int]:
    batch = [mention(f"{brand}-{i}", text, content_hash=f"h-{text}") for i, text in enumerate(texts)]
    store.save_batch(batch, source="twitter", brand=brand, cursor=Cursor("c"))
    return [row.id for row in store.mentions_to_classify(V1, limit=1000) if row.text in texts]


def test_pending_lists_each_unclassified_mention_once_with_brands(store: Store, mention: MentionFactory) -> None:
    ids = stored(store, mention, "late parcel", "great staff", "where is my refund")
    assert store.count_to_classify(V1) == 3
    first = store.mentions_to_classify(V1, limit=2)
    rest = store.mentions_to_classify(V1, after_id=first[-1].id, limit=2)
    assert [m.id for m in first + rest] == sorted(ids)
    assert all(m.brands == ("acme",) for m in first + rest)

    store.save_classifications([(ids[0], label())])
    assert store.count_to_classify(V1) == 2
    assert [m.id for m in store.mentions_to_classify(V1)] == ids[1:]
    assert store.count_to_classify(V2) == 3  # another model version still has everything to do


def test_reclassify_replaces_the_row_for_the_same_version(store: Store, mention: MentionFactory) -> None:
    [mention_id] = stored(store, mention, "my order never arrived")
    store.save_classifications([(mention_id, label("neutral"))])
    result = store.save_classifications([(mention_id, label("negative", gap="shortfall", topics=("delivery",)))])
    assert result.saved == 1
    with store.engine.connect() as connection:
        rows = connection.execute(select(ClassificationModel)).all()
    assert len(rows) == 1
    row = rows[0]
    assert (row.sentiment, row.expectation_gap, row.topics) == ("negative", "shortfall", ["delivery"])
    assert row.gap_evidence == ["promised 2-day shipping"] and row.sentiment_scores["negative"] == 0.8


def test_redo_selects_by_model_version(store: Store, mention: MentionFactory) -> None:
    ids = stored(store, mention, "a", "b", "c")
    store.save_classifications([(ids[0], label(version=V1)), (ids[1], label(version=V2))])
    assert [m.id for m in store.mentions_to_classify(V2, redo=V1)] == [ids[0]]
    assert store.count_to_classify(V2, redo=True) == 3
    assert store.count_to_classify(V2, redo="never-used") == 0


def test_duplicates_take_their_originals_classification(store: Store, mention: MentionFactory) -> None:
    original = mention("o1", "advertised 2-day shipping, took 3 weeks", content_hash="same")
    store.save_batch([original], source="twitter", brand="acme", cursor=Cursor("c"))
    copy = mention("o2", "RT @x: advertised 2-day shipping, took 3 weeks", content_hash="same")
    store.save_batch([copy], source="twitter", brand="acme", cursor=Cursor("c"))
    pending = store.mentions_to_classify(V1)
    assert [m.text for m in pending] == [original.text]  # the copy is never sent to the model

    result = store.save_classifications([(pending[0].id, label(gap="shortfall", flagged=True))])
    assert (result.saved, result.copied, result.flagged, result.triage_opened) == (1, 1, 1, 1)
    assert store.count_to_classify(V1) == 0
    copy_row = store.get_mention("twitter", "o2")
    assert copy_row is not None
    assert store.search(None, SearchFilters(gaps=("shortfall",)), limit=10)[0].id in (pending[0].id, copy_row.id)
    assert store.count(None, SearchFilters(gaps=("shortfall",))) == 2
    with store.engine.connect() as connection:
        triage = connection.execute(select(TriageItemModel.mention_id, TriageItemModel.status)).all()
        events = connection.execute(
            select(TriageEventModel.field, TriageEventModel.new_value, TriageEventModel.actor)
        ).all()
    assert [tuple(r) for r in triage] == [(pending[0].id, "open")]  # one work item, on the original
    assert [tuple(e) for e in events] == [("status", "open", "cxpulse classify")]

    def values(mention_id: int) -> tuple[object, ...]:
        c = ClassificationModel
        columns = [getattr(c, name) for name in _COPIED]
        with store.engine.connect() as connection:
            return tuple(connection.execute(select(*columns).where(c.mention_id == mention_id)).one())

    assert values(copy_row.id) == values(pending[0].id)  # every label and score, not only the gap
    again = store.save_classifications([(pending[0].id, label(gap="none", flagged=False))])
    assert again.copied == 1 and values(copy_row.id) == values(pending[0].id)  # a new run replaces the copy's
    assert store.count(None, SearchFilters(gaps=("shortfall",))) == 0


def test_a_later_copy_catches_up_from_its_classified_original(store: Store, mention: MentionFactory) -> None:
    [original_id] = stored(store, mention, "rude agent at the desk")
    store.save_classifications([(original_id, label(flagged=True))])
    store.save_batch(
        [mention("late", "RUDE agent at the desk!", content_hash="h-rude agent at the desk")],
        source="twitter",
        brand="acme",
        cursor=Cursor("c"),
    )
    assert store.count_to_classify(V1) == 0
    assert store.copy_to_duplicates(V1) == 1
    assert store.copy_to_duplicates(V1) == 0
    assert store.count(None, SearchFilters(flagged=True)) == 2


def test_a_copy_for_another_brand_is_classified_on_its_own(store: Store, mention: MentionFactory) -> None:
    stored(store, mention, "the app keeps crashing", brand="acme")
    store.save_batch(
        [mention("g", "the app keeps crashing", content_hash="h-the app keeps crashing")],
        source="twitter",
        brand="globex",
        cursor=Cursor("c"),
    )
    pending = store.mentions_to_classify(V1)
    assert sorted(m.brands for m in pending) == [("acme",), ("globex",)]  # taxonomies may differ


def test_triage_is_opened_once_and_never_reset(store: Store, mention: MentionFactory) -> None:
    [mention_id] = stored(store, mention, "still no refund you promised")
    assert store.save_classifications([(mention_id, label(flagged=True))]).triage_opened == 1
    with store.engine.begin() as connection:
        connection.execute(TriageItemModel.__table__.update().values(status="resolved"))
    again = store.save_classifications([(mention_id, label(flagged=True, version=V2))])
    assert again.triage_opened == 0
    store.save_classifications([(mention_id, label(flagged=False))])
    with store.engine.connect() as connection:
        assert connection.execute(select(TriageItemModel.status)).scalars().all() == ["resolved"]


def test_summary_counts_per_version_and_since(store: Store, mention: MentionFactory, fixed_now) -> None:
    ids = stored(store, mention, "a", "b", "c")
    store.save_classifications(
        [
            (ids[0], label("negative", gap="shortfall", flagged=True)),
            (ids[1], label("negative")),
            (ids[2], label("positive", gap="exceeded")),
        ]
    )
    summary = store.classification_summary(V1)
    assert summary.classified == 3 and summary.flagged == 1
    assert dict(summary.by_sentiment) == {"negative": 2, "positive": 1}
    assert list(summary.by_sentiment) == ["negative", "positive"]
    assert dict(summary.by_gap) == {"exceeded": 1, "none": 1, "shortfall": 1}
    assert store.classification_summary(V2).classified == 0
    assert store.classification_summary(V1, since=fixed_now.replace(year=2030)).classified == 0


def test_search_filters_on_the_current_versions_classifications(store: Store, mention: MentionFactory) -> None:
    ids = stored(store, mention, "late parcel again", "lovely staff", "price went up, not worth it")
    store.save_classifications(
        [
            (ids[0], label("negative", gap="shortfall", topics=("delivery_shipping",), flagged=True)),
            (ids[1], label("positive", topics=("store_staff",))),
            (ids[2], label("negative", topics=("price_value", "delivery_shipping"))),
            (ids[1], label("negative", topics=("delivery_shipping",), flagged=True, version=V2)),
        ]
    )

    def found(**filters: object) -> list[int]:
        hits = store.search(None, SearchFilters(model_version=V1, **filters), limit=10)  # type: ignore[arg-type]
        return sorted(h.id for h in hits)

    assert found(sentiments=("negative",)) == [ids[0], ids[2]]
    assert found(topics=("delivery_shipping",)) == [ids[0], ids[2]]
    assert found(topics=("store_staff", "price_value")) == [ids[1], ids[2]]
    assert found(topics=("delivery",)) == []  # whole topic names, not substrings
    assert found(gaps=("shortfall",)) == [ids[0]]
    assert found(flagged=True) == [ids[0]]
    assert found(flagged=False) == [ids[1], ids[2]]
    assert found(sentiments=("negative",), topics=("price_value",)) == [ids[2]]
    assert store.count(None, SearchFilters(model_version=V2, flagged=True)) == 1
    hits = store.search(None, SearchFilters(model_version=V1), limit=10)
    shown = {h.id: h.classification for h in hits}
    assert shown[ids[0]] is not None and shown[ids[0]].expectation_gap == "shortfall" and shown[ids[0]].flagged
