"""What a CX analyst checks on the real packaged classifier (loaded once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from classifiers import Classifier, Taxonomy, load_classifier
from classifiers.settings import ClassifiersConfig, TopicConfig
from classifiers.taxonomy import default_taxonomy
from cxpulse.app.classify import taxonomy_for
from cxpulse.config import load_config
from foundation.errors import ClassifierError
from foundation.labels import EMOTIONS, GAPS, SENTIMENTS

KNOWN_MISS = "a known miss of cx-minilm-l6 2.3.0 (classifiers/MODEL_CARD.md, Known misses); strict: fails once fixed"


def test_clear_complaints_are_negative_and_flagged(classifier: Classifier) -> None:
    texts = [
        "@skyways worst airline ever. lost my bag, 3 hours on hold and nobody cares",
        "My card was charged twice and support keeps ignoring my emails. Unacceptable.",
        "the app crashes every single time I try to pay. fix it!!!",
    ]
    for result in classifier.classify(texts):
        assert result.sentiment == "negative", result
        assert result.flagged


def test_clear_praise_is_positive_and_not_flagged(classifier: Classifier) -> None:
    texts = [
        "Huge thanks to the crew on my flight today, so kind and helpful!",
        "Love this app, checkout takes two taps. Brilliant work.",
        "The staff at the Main Street store were amazing, best service I've had in years",
    ]
    for result in classifier.classify(texts):
        assert result.sentiment == "positive", result
        assert not result.flagged
        assert result.expectation_gap != "shortfall"


def test_a_gap_stated_calmly_is_a_shortfall_with_evidence_from_the_text(classifier: Classifier) -> None:
    text = "The website said delivery within 2 days. It has now been three weeks and the parcel is still not here."
    [result] = classifier.classify([text])
    assert result.expectation_gap == "shortfall"
    assert result.flagged
    assert result.gap_evidence
    for piece in result.gap_evidence:
        assert piece in text
    covered = " ".join(result.gap_evidence)
    assert "2 days" in covered or "three weeks" in covered


def test_a_problem_without_a_contrast_is_negative_without_a_gap(classifier: Classifier) -> None:
    [result] = classifier.classify(["my flight is delayed"])
    assert result.sentiment == "negative"
    assert result.expectation_gap == "none"
    assert result.gap_evidence == ()


def test_exceeded_expectations_are_recognised(classifier: Classifier) -> None:
    [result] = classifier.classify(
        ["Honestly didn't expect them to refund me without even asking. Pleasantly surprised!"]
    )
    assert result.expectation_gap == "exceeded"
    assert result.sentiment == "positive"


def test_default_taxonomy_topics(classifier: Classifier) -> None:
    results = classifier.classify(
        [
            "still waiting for my parcel, tracking hasn't moved in a week",
            "I was billed twice this month and still no refund",
            "can't log in, the password reset email never arrives",
        ]
    )
    assert "delivery_shipping" in results[0].topics
    assert "billing_refunds" in results[1].topics
    assert "account_login" in results[2].topics


def test_a_custom_taxonomy_from_config_works_without_training(classifier: Classifier, tmp_path: Path) -> None:
    path = tmp_path / "topics.toml"
    path.write_text(
        """
[[topics]]
name = "baggage"
description = "checked bags lost, delayed or damaged"
examples = ["lost my suitcase", "my bag never arrived"]

[[topics]]
name = "inflight_food"
description = "meals, snacks and drinks served on board"
examples = ["the sandwich was stale", "no vegetarian meal"]

[[topics]]
name = "seats"
description = "seat comfort, legroom, seat selection"
""",
        encoding="utf-8",
    )
    taxonomy = taxonomy_for(load_config(path, env={}).settings)
    assert taxonomy.names == ("baggage", "inflight_food", "seats")
    texts = [
        "my luggage didn't show up at the carousel in Lisbon",
        "the chicken pasta on board was cold and tasteless",
        "zero legroom in row 30, my knees are bruised",
    ]
    results = classifier.classify(texts, taxonomy)
    assert [max(r.topic_scores, key=r.topic_scores.__getitem__) for r in results] == list(taxonomy.names)
    assert "baggage" in results[0].topics
    assert set(results[0].topic_scores) == set(taxonomy.names)


def test_each_text_can_have_its_own_taxonomy(classifier: Classifier) -> None:
    first = Taxonomy((TopicConfig(name="battery", description="battery life and charging"),))
    second = Taxonomy((TopicConfig(name="coffee", description="coffee taste and temperature"),))
    results = classifier.classify(["my phone battery dies by noon", "my phone battery dies by noon"], [first, second])
    assert set(results[0].topic_scores) == {"battery"}
    assert set(results[1].topic_scores) == {"coffee"}
    assert results[0].topic_scores["battery"] > results[1].topic_scores["coffee"]


HOTEL = Taxonomy(
    (
        TopicConfig(name="noise", description="noise at night and thin walls"),
        TopicConfig(name="cleanliness", description="how clean the room and bathroom were"),
        TopicConfig(
            name="breakfast",
            description="the breakfast buffet and morning meal",
            examples=["the eggs were cold", "coffee ran out early"],
        ),
    )
)


def test_description_only_topics_blend_the_untrained_encoder_and_topics_with_examples_do_not(
    classifier: Classifier,
) -> None:
    background = "We stayed four nights for a family wedding and spent the days in the old town. " * 20
    texts = [
        "could hear the neighbours' TV until 2am",
        "hair in the sink and dust under the bed",
        "scrambled eggs were cold and the coffee ran out at 8",
        background + "The one real problem: thin walls, and the bar downstairs was loud until 3am every night.",
    ]
    results = classifier.classify(texts, HOTEL)
    assert [max(r.topic_scores, key=r.topic_scores.__getitem__) for r in results] == [
        "noise",
        "cleanliness",
        "breakfast",
        "noise",
    ]
    assert results[3].windows > 1
    blend = classifier.description_blend
    assert blend is not None
    with torch.inference_mode():
        for result, (trained, untrained) in zip(results, classifier.topic_cosines(texts, HOTEL), strict=True):
            # the description-only topics: the blend over every window, the highest window kept
            for column, name in ((0, "noise"), (1, "cleanliness")):
                expected = blend.probabilities(trained[:, column], untrained[:, column]).max()
                assert result.topic_scores[name] == pytest.approx(float(expected), abs=1e-3)
            # the topic with examples: the trained topic space alone
            expected = torch.sigmoid(classifier.network.topics.logits_of_cosine(trained[:, 2])).max()
            assert result.topic_scores["breakfast"] == pytest.approx(float(expected), abs=1e-3)


def test_only_a_taxonomy_with_a_description_only_topic_costs_a_second_pass(
    classifier: Classifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    untrained = classifier.untrained
    assert untrained is not None
    classifier.untrained_prototypes(HOTEL)  # encoded once per taxonomy, then cached
    batches: list[int] = []
    vectors = untrained.vectors

    def counted(input_ids: torch.Tensor, attention: torch.Tensor) -> torch.Tensor:
        batches.append(len(input_ids))
        return vectors(input_ids, attention)

    monkeypatch.setattr(untrained, "vectors", counted)
    text = "the courier left my parcel in the rain"
    classifier.classify([text])  # the default taxonomy: every topic has examples
    assert batches == []
    classifier.classify([text, "a second text of another brand"], [HOTEL, default_taxonomy()])
    assert sum(batches) == 1  # the hotel mention's one window, not the other brand's


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😡😡😡", "🙂", "x" * 50_000, "Le vol a été annulé et personne ne répond", "手荷物が届きません"],
)
def test_odd_texts_get_a_complete_valid_answer(classifier: Classifier, text: str) -> None:
    [result] = classifier.classify([text])
    assert result.sentiment in SENTIMENTS
    assert result.expectation_gap in GAPS
    assert result.emotion in EMOTIONS
    assert abs(sum(result.sentiment_scores.values()) - 1) < 0.01
    assert abs(sum(result.emotion_scores.values()) - 1) < 0.01
    assert 0 <= result.gap_score <= 1
    assert all(piece in text for piece in result.gap_evidence)
    assert all(len(piece) <= 1000 for piece in result.gap_evidence)
    assert result.model_version == classifier.model_version


@pytest.mark.xfail(strict=True, reason=KNOWN_MISS)
def test_non_english_complaint_is_negative(classifier: Classifier) -> None:
    [result] = classifier.classify(["Mi pedido nunca llegó y nadie responde. Pésimo servicio."])
    assert result.sentiment == "negative"


def test_identical_texts_get_identical_answers_in_any_order(classifier: Classifier) -> None:
    texts = ["RT great service today", "parcel lost again", "RT great service today", "ok"]
    forward = classifier.classify(texts)
    backward = classifier.classify(list(reversed(texts)))
    assert forward[0] == forward[2]
    assert forward == list(reversed(backward))


def test_progress_reaches_the_number_of_texts(classifier: Classifier) -> None:
    seen: list[int] = []
    classifier.classify([f"mention number {i}" for i in range(150)], progress=seen.append)
    assert seen and seen[-1] == 150 and seen == sorted(seen)


def test_heads_refuse_an_encoder_they_were_not_trained_for(tmp_path: Path) -> None:
    other = tmp_path / "other-encoder"
    other.mkdir()
    (other / "config.json").write_text(
        '{"model_type": "bert", "hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, '
        '"intermediate_size": 3072, "vocab_size": 30522}',
        encoding="utf-8",
    )
    with pytest.raises(ClassifierError, match=r"trained for the encoder .*all-MiniLM-L6-v2.*train_classifiers.py"):
        load_classifier(ClassifiersConfig(model=str(other)))


def test_missing_artifacts_are_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ClassifierError, match=r"lack manifest\.json"):
        load_classifier(ClassifiersConfig(artifacts=str(tmp_path)))
