"""Classifying what is stored, as `cxpulse classify` and `cxpulse reclassify` do it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from testkit.clock import NOW

from classifiers import Classifier
from cxpulse.app.classify import classify_pending, reclassify
from cxpulse.config import LoadedConfig, settings_from_data
from foundation.mentions import Cursor, StoredMention
from storage import SearchFilters, Store
from storage.models import ClassificationModel, TriageItemModel

CLOCK = NOW
COMPLAINT = "You promised 2-day shipping and my order still hasn't arrived after three weeks. Useless."
PRAISE = "Thank you @acme, the support agent sorted everything in five minutes, brilliant service!"
TEXTS = [
    COMPLAINT,
    PRAISE,
    "Does the premium plan include international roaming?",
    "the new update moved every menu I relied on",
    "",
    "🙂🙂🙂",
    "El pedido llegó roto y nadie responde.",
    "my flight is delayed " * 300,
]


def config(data: dict[str, object] | None = None) -> LoadedConfig:
    settings = settings_from_data(data or {}, Path("config.toml"))
    return LoadedConfig(settings, Path("config.toml"), exists=True)


def mention(external_id: str, text: str, content_hash: str | None = None) -> StoredMention:
    return StoredMention(
        source="twitter",
        external_id=external_id,
        text=text,
        created_at=CLOCK,
        collected_at=CLOCK,
        content_hash=content_hash or f"h-{external_id}",
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(f"sqlite:///{tmp_path / 'cx.db'}", clock=lambda: CLOCK)
    store.upgrade()
    batch = [mention(f"m{i}", text) for i, text in enumerate(TEXTS)]
    batch.append(mention("copy", "RT @someone: " + COMPLAINT, content_hash="h-m0"))
    store.save_batch(batch, source="twitter", brand="acme", cursor=Cursor("1"))
    return store


def rows(store: Store) -> int:
    with store.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(ClassificationModel)).scalar_one())


def test_classify_is_incremental_and_copies_duplicates(store: Store, classifier: Classifier) -> None:
    seen: list[int] = []
    done = classify_pending(store, classifier, config(), batch_size=3, progress=seen.append)
    assert done == len(TEXTS) + 1  # every mention, the retweet by copy
    assert seen[-1] == len(TEXTS)  # the model read each original once
    assert rows(store) == len(TEXTS) + 1
    assert classify_pending(store, classifier, config()) == 0
    assert store.count_to_classify(classifier.model_version) == 0

    copy = store.get_mention("twitter", "copy")
    assert copy is not None and copy.duplicate_of_id is not None
    version = SearchFilters(model_version=classifier.model_version)
    hits = {h.external_id: h.classification for h in store.search(None, version, limit=50)}
    original, retweet = hits["m0"], hits["copy"]
    assert original is not None and retweet is not None
    assert (retweet.sentiment, retweet.expectation_gap, retweet.flagged) == (
        original.sentiment,
        original.expectation_gap,
        original.flagged,
    )


def test_a_clear_complaint_is_flagged_and_opens_triage_praise_does_not(store: Store, classifier: Classifier) -> None:
    classify_pending(store, classifier, config())
    version = classifier.model_version
    hits = {h.external_id: h.classification for h in store.search(None, SearchFilters(model_version=version), limit=50)}
    complaint, praise = hits["m0"], hits["m1"]
    assert complaint is not None and praise is not None
    assert complaint.sentiment == "negative" and complaint.flagged
    assert praise.sentiment == "positive" and not praise.flagged
    with store.engine.connect() as connection:
        triage = dict(connection.execute(select(TriageItemModel.mention_id, TriageItemModel.status)).all())
    complaint_row = store.get_mention("twitter", "m0")
    assert complaint_row is not None and triage[complaint_row.id] == "open"
    praise_row = store.get_mention("twitter", "m1")
    assert praise_row is not None and praise_row.id not in triage


def test_each_brand_gets_its_own_taxonomy(tmp_path: Path, classifier: Classifier) -> None:
    store = Store.open(f"sqlite:///{tmp_path / 'brands.db'}", clock=lambda: CLOCK)
    store.upgrade()
    store.save_batch(
        [mention("a", "my checked bag never arrived in Lisbon")], source="twitter", brand="Air", cursor=Cursor("1")
    )
    store.save_batch([mention("b", "my parcel never arrived")], source="twitter", brand="Shop", cursor=Cursor("1"))
    loaded = config(
        {
            "brands": [
                {
                    "name": "Air",
                    "query": "air",
                    "topics": [
                        {"name": "baggage", "description": "checked bags lost, delayed or damaged"},
                        {"name": "seats", "description": "seat comfort, legroom and seat selection"},
                    ],
                },
                {"name": "Shop", "query": "shop"},
            ]
        }
    )
    assert classify_pending(store, classifier, loaded) == 2
    hits = {
        h.external_id: h.classification
        for h in store.search(None, SearchFilters(model_version=classifier.model_version))
    }
    air, shop = hits["a"], hits["b"]
    assert air is not None and shop is not None
    assert set(air.topics) <= {"baggage", "seats"} and "baggage" in air.topics
    assert not set(shop.topics) & {"baggage", "seats"}


def test_reclassify_replaces_the_rows_it_selects(store: Store, classifier: Classifier) -> None:
    classify_pending(store, classifier, config())
    assert reclassify(store, classifier, config(), model_version="some-older-model") == 0
    assert reclassify(store, classifier, config(), model_version=classifier.model_version) == len(TEXTS) + 1
    assert reclassify(store, classifier, config()) == len(TEXTS) + 1
    assert rows(store) == len(TEXTS) + 1  # replaced, not added


def test_a_stopped_run_resumes_where_it_stopped(store: Store, classifier: Classifier) -> None:
    calls = iter([False, True])
    first = classify_pending(store, classifier, config(), batch_size=3, should_stop=lambda: next(calls, True))
    assert first == 3 + 1  # one batch committed, with the retweet of its first mention
    assert store.count_to_classify(classifier.model_version) == len(TEXTS) - 3
    assert classify_pending(store, classifier, config(), batch_size=3) == len(TEXTS) - 3
    assert store.count_to_classify(classifier.model_version) == 0


def test_a_bad_batch_size_is_refused(store: Store, classifier: Classifier) -> None:
    with pytest.raises(ValueError, match="batch_size"):
        classify_pending(store, classifier, config(), batch_size=0)
