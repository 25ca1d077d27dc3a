"""The classifier 2.0 heads in the store (about_brand, complaint, switching, lifecycle, windows), on
SQLite and PostgreSQL: migration 0004 on an existing store, what is saved and read back, and the
search filters an analyst uses on them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alembic import command
from sqlalchemy import insert, select
from testkit.clock import NOW

from foundation.labels import Classification
from foundation.mentions import Cursor, StoredMention
from storage import SearchFilters, Store
from storage.engine import WRITE_OPTION
from storage.migrate import alembic_config, head_revision
from storage.models import ClassificationModel

MentionFactory = Callable[..., StoredMention]
V2 = "cx-test-2.0"
HEADS = (
    "about_brand",
    "about_brand_score",
    "complaint_score",
    "switching",
    "switching_score",
    "lifecycle",
    "lifecycle_scores",
    "windows",
)


def heads(
    *,
    about_brand: bool = True,
    switching: bool = False,
    lifecycle: str | None = "use",
    flagged: bool = False,
    windows: int = 1,
    version: str = V2,
) -> Classification:
    """A classification from a model with the new heads, as the engine returns it."""
    return Classification(
        sentiment="negative" if flagged or switching else "neutral",
        sentiment_scores={"negative": 0.7, "neutral": 0.2, "positive": 0.1},
        topics=(),
        topic_scores={},
        expectation_gap="none",
        gap_score=0.1,
        gap_evidence=(),
        emotion="neutral",
        emotion_scores={"neutral": 0.9},
        flagged=flagged,
        model_version=version,
        about_brand=about_brand,
        about_brand_score=0.93 if about_brand else 0.12,
        complaint_score=0.81 if flagged else 0.05,
        switching=switching,
        switching_score=0.88 if switching else 0.02,
        lifecycle=lifecycle if about_brand else None,
        lifecycle_scores={"leaving": 0.7, "support": 0.3} if lifecycle == "leaving" else {},
        windows=windows,
    )


def saved(store: Store, mention: MentionFactory, *texts: str) -> list[int]:
    batch = [mention(f"m{i}", text, content_hash=f"h-{text}") for i, text in enumerate(texts)]
    store.save_batch(batch, source="twitter", brand="acme", cursor=Cursor("c"))
    by_text = {row.text: row.id for row in store.mentions_to_classify(V2, limit=1000)}
    return [by_text[text] for text in texts]


def classify_as_1x(store: Store, mention_id: int) -> None:
    """What a 1.x `cxpulse classify` wrote: only the columns it knew (works before and after 0004)."""
    with store.engine.begin() as connection:
        connection.execute(
            insert(ClassificationModel).values(
                mention_id=mention_id,
                model_version="cx-1.0",
                sentiment="negative",
                sentiment_scores={"negative": 0.9},
                topics=["baggage"],
                topic_scores={"baggage": 0.8},
                expectation_gap="none",
                gap_score=0.1,
                emotion="anger",
                emotion_scores={"anger": 0.7},
                flagged=True,
                classified_at=NOW,
            )
        )


def stored_row(store: Store, mention_id: int) -> Any:
    with store.engine.connect() as connection:
        return connection.execute(select(ClassificationModel).where(ClassificationModel.mention_id == mention_id)).one()


def test_migration_0004_adds_the_heads_to_an_existing_store_and_old_rows_keep_null(
    empty_url: str, mention: MentionFactory
) -> None:
    store = Store.open(empty_url)
    try:
        store.upgrade()
        store.save_batch([mention("old", "acme lost my bag")], source="twitter", brand="acme", cursor=Cursor("c"))
        [pending] = store.mentions_to_classify("cx-1.0")
        classify_as_1x(store, pending.id)
        # Back to the store as it was before 0004 (with its rows), then forward again.
        with store.engine.connect() as connection:
            connection.execution_options(**{WRITE_OPTION: True})
            with connection.begin():
                command.downgrade(alembic_config(connection), "0003")
        assert store.current_revision() == "0003"

        store.upgrade()

        assert store.current_revision() == head_revision()
        row = stored_row(store, pending.id)
        assert (row.sentiment, row.topics, row.flagged) == ("negative", ["baggage"], True)  # nothing existing changes
        assert {name: getattr(row, name) for name in HEADS} == dict.fromkeys(HEADS)
        [hit] = store.search(None, SearchFilters(model_version="cx-1.0"))
        assert hit.classification is not None and hit.classification.flagged
        assert (hit.classification.about_brand, hit.classification.switching, hit.classification.lifecycle) == (
            None,
            None,
            None,
        )
        # An old row is neither about a brand nor general chatter: the model could not tell.
        assert store.count(None, SearchFilters(about_brand=True)) == 0
        assert store.count(None, SearchFilters(about_brand=False)) == 0
        assert store.count(None, SearchFilters(switching=True)) == 0
        assert store.count(None, SearchFilters(lifecycles=("use",))) == 0
        # and the new heads can be saved next to it
        store.save_classifications([(pending.id, heads(switching=True, lifecycle="leaving"))])
        assert store.count(None, SearchFilters(switching=True)) == 1
    finally:
        store.dispose()


def test_the_new_heads_are_saved_and_read_back(store: Store, mention: MentionFactory) -> None:
    [mention_id] = saved(store, mention, "cancelling my acme plan, moving to globex")
    store.save_classifications([(mention_id, heads(switching=True, lifecycle="leaving", flagged=True, windows=3))])

    row = stored_row(store, mention_id)
    assert (row.about_brand, row.switching, row.lifecycle, row.windows) == (True, True, "leaving", 3)
    assert (row.about_brand_score, row.complaint_score, row.switching_score) == (0.93, 0.81, 0.88)
    assert row.lifecycle_scores == {"leaving": 0.7, "support": 0.3}
    [hit] = store.search(None, SearchFilters(model_version=V2))
    assert hit.classification is not None
    assert (hit.classification.about_brand, hit.classification.switching, hit.classification.lifecycle) == (
        True,
        True,
        "leaving",
    )

    # Classifying again with the same version replaces every head, not just the old ones.
    store.save_classifications([(mention_id, heads(about_brand=False, windows=1))])
    row = stored_row(store, mention_id)
    assert (row.about_brand, row.switching, row.lifecycle, row.windows, row.lifecycle_scores) == (
        False,
        False,
        None,
        1,
        {},
    )


def test_a_copy_gets_its_originals_heads(store: Store, mention: MentionFactory) -> None:
    store.save_batch(
        [mention("o1", "I'm done with acme, switching to globex", content_hash="same")],
        source="twitter",
        brand="acme",
        cursor=Cursor("c"),
    )
    store.save_batch(
        [mention("o2", "RT @x: I'm done with acme, switching to globex", content_hash="same")],
        source="twitter",
        brand="acme",
        cursor=Cursor("c"),
    )
    [original] = store.mentions_to_classify(V2)
    assert store.save_classifications([(original.id, heads(switching=True, lifecycle="leaving"))]).copied == 1
    copy = store.get_mention("twitter", "o2")
    assert copy is not None
    row = stored_row(store, copy.id)
    assert (row.about_brand, row.switching, row.lifecycle, row.switching_score) == (True, True, "leaving", 0.88)
    assert store.count(None, SearchFilters(switching=True)) == 2


def test_search_filters_on_about_brand_switching_and_lifecycle(store: Store, mention: MentionFactory) -> None:
    leaving, support, chatter, happy = saved(
        store,
        mention,
        "cancelling acme tomorrow, globex is cheaper",
        "acme support never called me back",
        "what a terrible monday, rain again",
        "acme app works great",
    )
    store.save_classifications(
        [
            (leaving, heads(switching=True, lifecycle="leaving", flagged=True)),
            (support, heads(lifecycle="support", flagged=True)),
            (chatter, heads(about_brand=False)),
            (happy, heads(lifecycle="use")),
            (chatter, heads(switching=True, lifecycle="leaving", version="cx-other")),  # another version
        ]
    )

    def found(**filters: Any) -> list[int]:
        chosen = SearchFilters(model_version=V2, **filters)
        hits = store.search(None, chosen, limit=10)
        assert store.count(None, chosen) == len(hits)
        return sorted(h.id for h in hits)

    assert found(about_brand=True) == sorted([leaving, support, happy])
    assert found(about_brand=False) == [chatter]
    assert found(switching=True) == [leaving]
    assert found(switching=False) == sorted([support, chatter, happy])
    assert found(lifecycles=("leaving",)) == [leaving]
    assert found(lifecycles=("support", "use")) == sorted([support, happy])
    assert found(lifecycles=("before_purchase",)) == []
    assert found(about_brand=True, flagged=True, switching=False) == [support]
    assert found(switching=True, lifecycles=("support",)) == []
    assert SearchFilters(switching=False).classified and SearchFilters(lifecycles=("use",)).classified
    assert not SearchFilters().classified
    # The version that said "switching" about the chatter is another model's opinion.
    assert store.count(None, SearchFilters(model_version="cx-other", switching=True)) == 1
    hits = {h.id: h.classification for h in store.search(None, SearchFilters(model_version=V2), limit=10)}
    assert hits[chatter] is not None and hits[chatter].about_brand is False and hits[chatter].lifecycle is None


def test_the_summary_counts_switching_threats_chatter_and_stages(store: Store, mention: MentionFactory) -> None:
    ids = saved(store, mention, "leaving acme", "acme support is slow", "acme app fine", "rainy monday", "so tired")
    store.save_classifications(
        [
            (ids[0], heads(switching=True, lifecycle="leaving", flagged=True)),
            (ids[1], heads(lifecycle="support", flagged=True)),
            (ids[2], heads(lifecycle="support")),
            (ids[3], heads(about_brand=False)),
            (ids[4], heads(about_brand=False)),
        ]
    )
    summary = store.classification_summary(V2)
    assert (summary.classified, summary.flagged, summary.switching, summary.not_about_brand) == (5, 2, 1, 2)
    assert list(summary.by_lifecycle.items()) == [("support", 2), ("leaving", 1)]


def test_the_summary_of_an_older_model_has_no_head_counts(store: Store, mention: MentionFactory) -> None:
    [mention_id] = saved(store, mention, "acme lost my bag")
    classify_as_1x(store, mention_id)
    summary = store.classification_summary("cx-1.0")
    assert (summary.classified, summary.flagged) == (1, 1)
    assert (summary.switching, summary.not_about_brand, dict(summary.by_lifecycle)) == (None, None, {})
