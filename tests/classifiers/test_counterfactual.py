"""The counterfactual gap texts: the contrast's words cut out, the rest of the text kept."""

from __future__ import annotations

from classifiers.training.data import RealExample
from classifiers.training.train import _without_evidence
from foundation.labels import GAPS


def example(text: str, *quotes: str, gap: str = "shortfall") -> RealExample:
    spans = tuple((text.index(q), text.index(q) + len(q)) for q in quotes)
    return RealExample(
        id="cx-1",
        text=text,
        source="steam",
        channel="review",
        industry="games",
        about_brand=True,
        sentiment=0,
        complaint=True,
        gap=GAPS.index(gap),
        evidence=spans,
        topics=("product_quality",),
        emotion=0,
        switching=False,
        lifecycle=2,
    )


def test_cutting_the_evidence_leaves_the_plain_problem_as_gap_none() -> None:
    text = "The parcel came today. It should have been at my door by noon on Monday. The box was crushed."
    cut = _without_evidence(example(text, "It should have been at my door by noon on Monday."))
    assert cut is not None
    assert cut.text == "The parcel came today. The box was crushed."
    assert GAPS[cut.gap] == "none" and cut.evidence == ()
    assert cut.id == "cx-1~cut" and cut.sentiment == 0 and cut.topics == ("product_quality",)


def test_several_spans_go_and_no_stray_punctuation_or_spaces_stay() -> None:
    text = "Great game overall , I expected a short story , but it kept me busy for weeks , really good fun!"
    cut = _without_evidence(example(text, "I expected a short story", "but it kept me busy for weeks", gap="exceeded"))
    assert cut is not None
    assert cut.text == "Great game overall, really good fun!"


def test_a_text_that_is_mostly_evidence_gives_nothing() -> None:
    text = "Paid extra for priority boarding and got nothing for it. Sad."
    assert _without_evidence(example(text, "Paid extra for priority boarding and got nothing for it")) is None
    assert _without_evidence(example("No evidence here at all, just a plain problem.", gap="none")) is None
