"""How the real packaged classifier behaves on the cases real customers write (issue 13).

Each case is one a CX analyst would check by hand: a contrast stated calmly in
real words, a plain problem with no contrast, negativity that is not about any
brand, a threat to leave, and a long e-mail whose complaint is in its last
paragraph. The model is loaded once per test session.
"""

from __future__ import annotations

import pytest

from classifiers import Classifier
from foundation.labels import LIFECYCLE_STAGES

KNOWN_MISS = "a known miss of cx-minilm-l6 2.3.0 (classifiers/MODEL_CARD.md, Known misses); strict: fails once fixed"

BACKGROUND = (
    "Hello, I hope this finds you well. A bit of context first, since my partner and I have spent most of the "
    "autumn sorting out the move to the new flat. We packed the kitchen over two weekends, gave the old sofa to "
    "a neighbour, and the children have settled into their new school better than we hoped. The garden needs "
    "work, the boiler was serviced last week, and the street is quieter than where we lived before. My mother "
    "visited on Sunday and we walked along the river to the market, where we bought apples and a loaf of bread. "
    "Most evenings we unpack another box of books and argue about where the shelves should go. "
)


def long_email(ending: str) -> str:
    """About 400 words of ordinary background, then ``ending`` as the last paragraph."""
    return BACKGROUND * 4 + "\n\n" + ending


def test_a_contrast_stated_calmly_in_real_words_is_flagged(classifier: Classifier) -> None:
    texts = [
        "Paid extra for priority boarding and got nothing for it, we boarded with everyone else.",
        "I always recommend you to friends, but this time the order came late and broken.",
    ]
    for text, result in zip(texts, classifier.classify(texts), strict=True):
        assert result.flagged, text
        assert result.sentiment == "negative", text


@pytest.mark.xfail(strict=True, reason=KNOWN_MISS)
def test_a_contrast_stated_calmly_in_real_words_is_a_shortfall(classifier: Classifier) -> None:
    texts = [
        "Paid extra for priority boarding and got nothing for it, we boarded with everyone else.",
        "The website said delivery within 2 days. It has now been three weeks and the parcel is still not here.",
    ]
    for text, result in zip(texts, classifier.classify(texts), strict=True):
        assert result.expectation_gap == "shortfall", (text, result)
        assert result.flagged, text
        assert result.gap_evidence and all(piece in text for piece in result.gap_evidence)


def test_a_plain_problem_with_no_contrast_is_a_complaint_without_a_gap(classifier: Classifier) -> None:
    [result] = classifier.classify(["my flight is delayed"])
    assert result.expectation_gap == "none"
    assert result.gap_evidence == ()
    assert result.sentiment == "negative"


def test_negativity_that_is_not_about_a_brand_is_not_flagged(classifier: Classifier) -> None:
    texts = [
        "What a miserable rainy Monday, I hate everything about today",
        "The debate last night was a disgrace, both of them should be ashamed",
    ]
    for text, result in zip(texts, classifier.classify(texts), strict=True):
        assert not result.about_brand, (text, result)
        assert not result.flagged, text
        assert result.lifecycle is None


def test_a_threat_to_leave_is_switching_intent(classifier: Classifier) -> None:
    [result] = classifier.classify(["Cancelled my subscription today, switching to Spotify. Done with you."])
    assert result.switching
    assert result.flagged
    assert result.about_brand


@pytest.mark.xfail(strict=True, reason=KNOWN_MISS)
def test_a_calm_threat_to_leave_is_switching_intent(classifier: Classifier) -> None:
    [result] = classifier.classify(
        ["Third outage this week. I'm cancelling my contract and moving to another provider tomorrow."]
    )
    assert result.switching
    assert result.flagged
    assert result.about_brand
    assert result.lifecycle in LIFECYCLE_STAGES


def test_a_long_email_with_its_complaint_in_the_last_paragraph_is_flagged(classifier: Classifier) -> None:
    complaint = (
        "Anyway, the reason I am writing: I ordered the oak wardrobe from you on 3 October and paid for "
        "delivery within five working days. It is now five weeks later, nobody has delivered anything, your "
        "support line hangs up on me, and I still have been charged in full. I want a refund this week."
    )
    calm = "Anyway, thank you for the lovely wardrobe, it arrived on time and it fits the room perfectly."
    email, thanks = classifier.classify([long_email(complaint), long_email(calm)])
    assert len(long_email(complaint).split()) > 400
    assert email.windows >= 3 and thanks.windows >= 3
    assert email.flagged
    assert not thanks.flagged
    for piece in email.gap_evidence:
        assert piece in long_email(complaint)


def test_every_answer_carries_the_new_heads(classifier: Classifier) -> None:
    [result] = classifier.classify(["My card was charged twice and support keeps ignoring my emails."])
    data = result.as_dict()
    for key in ("about_brand", "about_brand_score", "complaint_score", "switching", "lifecycle", "windows"):
        assert key in data
    assert 0 <= result.about_brand_score <= 1 and 0 <= result.complaint_score <= 1
    assert result.windows == 1
