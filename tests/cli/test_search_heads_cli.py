"""`cxpulse search` on the classifier 2.0 heads, as an analyst runs it: --about-brand, --switching,
--lifecycle, and the heads in the JSON output. The store is seeded with classifications directly (no
model is loaded), on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from classifiers.settings import ClassifiersConfig
from cxpulse.app.classify import current_model_version
from foundation.labels import Classification
from foundation.mentions import Cursor
from storage import Store

TEXTS = {
    "leaving": "Cancelling my Northwind Air miles card today, moving to Globex",
    "support": "northwind support hung up on me twice",
    "chatter": "northwind of change in politics again, what a week",
}


def _classification(version: str, *, about_brand: bool, switching: bool, lifecycle: str | None) -> Classification:
    return Classification(
        sentiment="negative",
        sentiment_scores={"negative": 0.8, "neutral": 0.1, "positive": 0.1},
        topics=(),
        topic_scores={},
        expectation_gap="none",
        gap_score=0.1,
        gap_evidence=(),
        emotion="anger",
        emotion_scores={"anger": 0.6},
        flagged=about_brand,
        model_version=version,
        about_brand=about_brand,
        about_brand_score=0.9 if about_brand else 0.1,
        complaint_score=0.8 if about_brand else 0.2,
        switching=switching,
        switching_score=0.9 if switching else 0.05,
        lifecycle=lifecycle,
        lifecycle_scores={lifecycle: 0.9} if lifecycle else {},
    )


@pytest.fixture
def seeded(store: Store, mention: Any) -> str:
    """The store's URL, holding three mentions classified by the version `cxpulse search` reads."""
    version = current_model_version(ClassifiersConfig()) or "cx-test"
    store.save_batch(
        [mention(key, text) for key, text in TEXTS.items()], source="twitter", brand="Northwind Air", cursor=Cursor()
    )
    ids = {row.text: row.id for row in store.mentions_to_classify(version)}
    labels = {
        "leaving": _classification(version, about_brand=True, switching=True, lifecycle="leaving"),
        "support": _classification(version, about_brand=True, switching=False, lifecycle="support"),
        "chatter": _classification(version, about_brand=False, switching=False, lifecycle=None),
    }
    store.save_classifications([(ids[TEXTS[key]], labels[key]) for key in TEXTS])
    return store.engine.url.render_as_string(hide_password=False)


def _search(cli: Any, url: str, *args: str) -> list[dict[str, Any]]:
    result = cli("--db", url, "search", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)  # type: ignore[no-any-return]


def test_switching_json_shows_the_new_heads(cli: Any, seeded: str) -> None:
    [hit] = _search(cli, seeded, "--switching")
    assert hit["text"] == TEXTS["leaving"]
    labels = hit["classification"]
    assert (labels["about_brand"], labels["switching"], labels["lifecycle"]) == (True, True, "leaving")
    assert labels["flagged"] is True


def test_the_filters_on_the_new_heads(cli: Any, seeded: str) -> None:
    def texts(*args: str) -> set[str]:
        return {hit["text"] for hit in _search(cli, seeded, *args)}

    assert texts("--no-switching") == {TEXTS["support"], TEXTS["chatter"]}
    assert texts("--about-brand") == {TEXTS["leaving"], TEXTS["support"]}
    chatter = _search(cli, seeded, "--not-about-brand")
    assert [h["text"] for h in chatter] == [TEXTS["chatter"]]
    assert chatter[0]["classification"]["about_brand"] is False and chatter[0]["classification"]["lifecycle"] is None
    assert texts("--lifecycle", "support", "--lifecycle", "leaving") == {TEXTS["leaving"], TEXTS["support"]}
    assert texts("--about-brand", "--no-switching", "--lifecycle", "support") == {TEXTS["support"]}
    assert texts("politics", "--about-brand") == set()
    table = cli("--db", seeded, "search", "--switching")
    assert table.code == 0 and "Cancelling my Northwind Air" in table.out


def test_an_unknown_lifecycle_stage_is_a_usage_error_listing_the_stages(cli: Any) -> None:
    result = cli("search", "--lifecycle", "churned")
    assert result.code == 2 and "before_purchase" in result.err and "leaving" in result.err
