"""English scenarios: a frame filled from an industry's lexicon, with its labels.

A scenario fixes the labels (sentiment, gap, complaint, hard case); the words that carry
them come from the frame and the lexicon items, and the emotion from an optional cue
phrase (else the scenario's default), so every label is stated by the text itself.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .industry import Industry, Item
from .labels import topics_from_codes
from .text import Doc, fill

__all__ = ["SCENARIOS", "Core", "Scenario", "make_core"]


@dataclass(frozen=True)
class Scenario:
    name: str
    sentiment: str
    gap: str
    complaint: bool
    hard_case: str | None
    emotion: str  # default when no cue phrase is added
    cue_emotions: tuple[str, ...] = ()
    cue_prob: float = 0.0
    weight: float = 0.0
    channels: tuple[str, ...] = ("tweet", "reddit", "app_review", "product_review", "support_email")


_NEG = ("anger", "frustration", "disappointment", "anxiety", "sadness")
_SOCIAL = ("tweet", "reddit")
SCENARIOS: tuple[Scenario, ...] = (
    Scenario("shortfall_promise", "negative", "shortfall", True, None, "disappointment", _NEG, 0.6, 0.125),
    Scenario("shortfall_habit", "negative", "shortfall", True, None, "disappointment", _NEG, 0.55, 0.05),
    Scenario("calm_gap", "negative", "shortfall", True, "calm_gap", "disappointment", (), 0.0, 0.05),
    Scenario("shortfall_price", "negative", "shortfall", True, None, "disappointment", _NEG[:3], 0.5, 0.03),
    Scenario(
        "sarcasm_gap", "negative", "shortfall", True, "sarcasm", "frustration", ("anger", "frustration"), 0.3, 0.015
    ),
    Scenario(
        "question_gap",
        "negative",
        "shortfall",
        True,
        "question_with_problem",
        "anxiety",
        ("anxiety", "frustration"),
        0.4,
        0.015,
    ),
    Scenario(
        "praise_complaint_gap",
        "negative",
        "shortfall",
        True,
        "praise_with_complaint",
        "disappointment",
        ("disappointment",),
        0.3,
        0.012,
    ),
    Scenario(
        "competitor_gap",
        "negative",
        "shortfall",
        True,
        "competitor_switch",
        "frustration",
        ("anger", "frustration", "disappointment"),
        0.4,
        0.01,
        ("tweet", "reddit", "app_review", "product_review"),
    ),
    Scenario("exceeded_surprise", "positive", "exceeded", False, "exceeded", "delight", ("joy", "delight"), 0.5, 0.055),
    Scenario("exceeded_beat", "positive", "exceeded", False, "exceeded", "delight", ("joy", "delight"), 0.5, 0.035),
    Scenario("negative_no_gap", "negative", "none", True, "negative_no_gap", "frustration", _NEG, 0.6, 0.07),
    Scenario(
        "sarcasm_plain", "negative", "none", True, "sarcasm", "frustration", ("anger", "frustration"), 0.25, 0.025
    ),
    Scenario(
        "praise_with_complaint",
        "negative",
        "none",
        True,
        "praise_with_complaint",
        "disappointment",
        ("disappointment", "frustration"),
        0.3,
        0.03,
    ),
    Scenario(
        "question_with_problem",
        "negative",
        "none",
        True,
        "question_with_problem",
        "anxiety",
        ("anxiety", "frustration"),
        0.4,
        0.03,
    ),
    Scenario(
        "quiet_complaint",
        "negative",
        "none",
        True,
        "quiet_complaint",
        "neutral",
        (),
        0.0,
        0.045,
        ("tweet", "support_email", "app_review"),
    ),
    Scenario("bad_mood", "negative", "none", False, "bad_mood_not_brand", "sadness", (), 0.0, 0.025, _SOCIAL),
    Scenario(
        "competitor_switch",
        "negative",
        "none",
        True,
        "competitor_switch",
        "frustration",
        ("anger", "frustration", "disappointment"),
        0.4,
        0.02,
        ("tweet", "reddit", "app_review", "product_review"),
    ),
    Scenario(
        "question_no_problem",
        "neutral",
        "none",
        False,
        "question_no_problem",
        "neutral",
        (),
        0.0,
        0.10,
        ("tweet", "reddit", "support_email"),
    ),
    Scenario("news", "neutral", "none", False, "news_neutral", "neutral", (), 0.0, 0.07, _SOCIAL),
    Scenario("neutral_statement", "neutral", "none", False, None, "neutral", (), 0.0, 0.03, _SOCIAL),
    Scenario("praise", "positive", "none", False, None, "joy", ("joy", "delight", "optimism"), 0.55, 0.15),
    Scenario(
        "praise_with_suggestion",
        "positive",
        "none",
        False,
        "praise_with_suggestion",
        "optimism",
        ("optimism", "joy"),
        0.3,
        0.03,
    ),
    Scenario(
        "competitor_positive",
        "positive",
        "none",
        False,
        "competitor_switch",
        "joy",
        ("joy", "delight"),
        0.4,
        0.01,
        ("tweet", "reddit", "app_review", "product_review"),
    ),
)

_SLOT = re.compile(r"\{\^?(\w+)\}")
_FRAME_KEY = {"exceeded_surprise": "exceeded_surprise", "exceeded_beat": "exceeded_beat"}


@dataclass
class Core:
    doc: Doc
    topics: list[str]
    emotion: str


def _pick(rng: random.Random, items: Sequence[Item]) -> Item:
    return items[rng.randrange(len(items))]


def _mood_emotion(text: str) -> str:
    return "frustration" if re.search(r"\bhate\b|\bugh\b", text, re.I) else "sadness"


def make_core(
    sc: Scenario,
    ind: Industry,
    lex: Mapping[str, Sequence[Item]],
    frames: Mapping[str, Sequence[str]],
    cues: Mapping[str, Sequence[str]],
    brand: str,
    comp: str,
    rng: random.Random,
) -> Core:
    """Fill one frame of scenario ``sc`` from the industry's items for this split."""
    frame = rng.choice(list(frames[_FRAME_KEY.get(sc.name, sc.name)]))
    needed = set(_SLOT.findall(frame))
    slots: dict[str, str] = {"b": brand, "comp": comp, "thing": ind.thing, "price": rng.choice(ind.prices)}
    codes: list[str] = []

    def use(item: Item, *names: str) -> None:
        for name, value in zip(names, item[:-1], strict=True):
            slots[name] = value
        codes.extend(item[-1].split())

    if needed & {"np", "real", "cue"}:
        source = {"shortfall_price": "standards", "exceeded_beat": "beats"}.get(sc.name, "promises")
        np_, real, tcodes = _pick(rng, lex[source])
        paid = np_.startswith("*")
        np_ = np_.lstrip("*")
        use((np_, real, tcodes), "np", "real")
        pool = list(cues["promise"]) + (list(cues["paid"]) if paid else [])
        slots["cue"] = rng.choice(pool).format(b=brand, np=np_)
    if needed & {"before", "now"}:
        use(_pick(rng, lex["habits"]), "before", "now")
    if "calm" in needed:
        use(_pick(rng, lex["calm"]), "calm")
    if "p" in needed:
        first = _pick(rng, lex["problems"])
        use(first, "p")
        if "p2" in needed:
            rest = [i for i in lex["problems"] if i != first] or [first]
            use(_pick(rng, rest), "p2")
    if "pr" in needed:
        first = _pick(rng, lex["praise"])
        use(first, "pr")
        if "pr2" in needed:
            rest = [i for i in lex["praise"] if i != first] or [first]
            use(_pick(rng, rest), "pr2")
    if needed & {"inf", "past"}:
        use(_pick(rng, lex["surprises"]), "inf", "past")
    for name, field in (("q", "questions"), ("wish", "wishes"), ("news", "news"), ("mood", "moods")):
        if name in needed:
            use(_pick(rng, lex[field]), name)
    for key in ("news", "mood"):
        if key in slots:
            slots[key] = slots[key].format(b=brand)
    if re.search(r"refund|money back", frame, re.I):
        codes.append("bill")

    doc = fill(frame, slots)
    emotion = sc.emotion
    if sc.name == "bad_mood":
        emotion = _mood_emotion(slots["mood"])
    if sc.cue_emotions and rng.random() < sc.cue_prob:
        emotion = rng.choice(sc.cue_emotions)
        cue = rng.choice(list(cues[emotion]))
        if rng.random() < 0.2:
            doc.pieces.insert(0, Doc().add(cue + " ").pieces[0])
        else:
            doc.add(" " + cue)
    topics: list[str] = []
    for t in topics_from_codes(" ".join(codes)):
        if t not in topics:
            topics.append(t)
    return Core(doc, topics[:3], emotion)
