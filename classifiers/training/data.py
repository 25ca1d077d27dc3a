"""Readers for the labelled data the heads are trained and evaluated on.

* TweetEval sentiment and emotion (real tweets; ``../shared/data/tweeteval``):
  train for training, val for model selection, test for evaluation only.
* BANKING77 (real support messages): intent names teach the topic space.
* Amazon/Yelp review sentences: a check that sentiment transfers to reviews.
* Our annotated real texts (``classifiers/training/data/real/{train,dev,test}.jsonl``, the
  main signal; ``real/README.md`` is their data card): every head's labels.
* MAMS restaurant sentences' aspect categories (another label set for the topic space).
* The test split of the synthetic CX corpus of 1.0.0 (``classifiers/training/data/cx_test.jsonl``):
  a secondary evaluation figure only; the corpus made every head worse on the real dev split
  when trained on (model card), so its train split and generator were removed.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from foundation.labels import EMOTIONS, GAPS, LIFECYCLE_STAGES, SENTIMENTS, TWEETEVAL_EMOTIONS

__all__ = [
    "CORPUS_DIR",
    "REAL_DIR",
    "CxExample",
    "LabelledText",
    "MultiLabelText",
    "RealExample",
    "default_data_dir",
    "read_banking77",
    "read_cx_corpus",
    "read_mams_aspects",
    "read_real",
    "read_reviews",
    "read_tweeteval",
]

CORPUS_DIR = Path(__file__).resolve().parent / "data"
REAL_DIR = CORPUS_DIR / "real"


def default_data_dir() -> Path:
    """``../shared/data`` beside the project checkout."""
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


@dataclass(frozen=True)
class LabelledText:
    text: str
    label: int


@dataclass(frozen=True)
class CxExample:
    """One mention of our corpus with every label (indices into the label tuples)."""

    id: str
    text: str
    sentiment: int
    emotion: int
    gap: int
    topics: tuple[str, ...]
    evidence: tuple[tuple[int, int], ...]
    industry: str = ""
    channel: str = ""
    language: str = "en"
    hard_case: str | None = None
    complaint: bool | None = None
    """Gold answer to "should CX staff look at it?" (../shared/DOMAIN.md), when labelled."""


def read_tweeteval(data_dir: Path, task: str, split: str) -> list[LabelledText]:
    """TweetEval ``task`` (sentiment or emotion) ``split``; emotion labels become EMOTIONS indices."""
    folder = data_dir / "tweeteval" / task
    texts = (folder / f"{split}_text.txt").read_text(encoding="utf-8").splitlines()
    labels = [int(x) for x in (folder / f"{split}_labels.txt").read_text(encoding="utf-8").split()]
    if len(texts) != len(labels):
        raise ValueError(f"{folder}: {len(texts)} texts but {len(labels)} labels in {split}")
    if task == "emotion":
        labels = [EMOTIONS.index(TWEETEVAL_EMOTIONS[label]) for label in labels]
    return [LabelledText(text.strip(), label) for text, label in zip(texts, labels, strict=True)]


def read_banking77(data_dir: Path, split: str) -> tuple[list[str], list[LabelledText]]:
    """``(intent names, examples)``; names are turned into words ("card_arrival" → "card arrival")."""
    folder = data_dir / "banking77"
    categories: list[str] = json.loads((folder / "categories.json").read_text(encoding="utf-8"))
    index = {name: i for i, name in enumerate(categories)}
    examples = []
    for line in (folder / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            examples.append(LabelledText(row["text"], index[row["label"]]))
    return [name.replace("_", " ") for name in categories], examples


def read_reviews(data_dir: Path) -> list[LabelledText]:
    """Amazon and Yelp review sentences: label 0 negative, 2 positive (SENTIMENTS indices)."""
    rows = []
    for line in (data_dir / "reviews" / "amazon_yelp_reviews.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            rows.append(LabelledText(row["text"], 2 if int(row["label"]) == 1 else 0))
    return rows


def read_cx_corpus(corpus_dir: Path = CORPUS_DIR) -> list[CxExample]:
    """The synthetic corpus's test split, ``cx_test.jsonl`` (evaluation only; nothing trains on it)."""
    examples = []
    path = corpus_dir / "cx_test.jsonl"
    for line_number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        try:
            examples.append(
                CxExample(
                    id=str(row["id"]),
                    text=row["text"],
                    sentiment=SENTIMENTS.index(row["sentiment"]),
                    emotion=EMOTIONS.index(row["emotion"]),
                    gap=GAPS.index(row["expectation_gap"]),
                    topics=tuple(row.get("topics") or ()),
                    evidence=tuple((int(s), int(e)) for s, e in row.get("evidence") or ()),
                    industry=row.get("industry", ""),
                    channel=row.get("channel", ""),
                    language=row.get("language", "en"),
                    hard_case=row.get("hard_case"),
                    complaint=row.get("complaint"),
                )
            )
        except (KeyError, ValueError) as exc:
            raise ValueError(f"{path} line {line_number}: {exc}") from exc
    return examples


@dataclass(frozen=True)
class RealExample:
    """One annotated real text (label indices into the label tuples; see real/GUIDELINE.md)."""

    id: str
    text: str
    source: str
    channel: str
    industry: str
    about_brand: bool
    sentiment: int
    complaint: bool
    gap: int
    evidence: tuple[tuple[int, int], ...]
    topics: tuple[str, ...]
    emotion: int
    switching: bool
    lifecycle: int | None
    """Index into LIFECYCLE_STAGES; None when the text is not about a brand."""


def read_real(split: str, real_dir: Path = REAL_DIR, leave_out: Collection[str] = ()) -> list[RealExample]:
    """The annotated real split ``train``, ``dev`` or ``test`` (test is read only by evaluation),
    without the rows of the train-only supplements named in ``leave_out``."""
    path = real_dir / f"{split}.jsonl"
    examples = []
    # split("\n"), not splitlines(): real texts hold U+2028 and other characters splitlines() breaks on.
    for line_number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if not line.strip():
            continue
        row = json.loads(line)
        if leave_out and (row.get("provenance") or {}).get("supplement") in leave_out:
            continue
        try:
            labels = row["labels"]
            lifecycle = labels.get("lifecycle")
            examples.append(
                RealExample(
                    id=str(row["id"]),
                    text=row["text"],
                    source=row.get("source", ""),
                    channel=row.get("channel", ""),
                    industry=row.get("industry", ""),
                    about_brand=bool(labels["about_brand"]),
                    sentiment=SENTIMENTS.index(labels["sentiment"]),
                    complaint=bool(labels["complaint"]),
                    gap=GAPS.index(labels["gap"]),
                    evidence=tuple((int(e["start"]), int(e["end"])) for e in labels.get("gap_evidence") or ()),
                    topics=tuple(labels.get("topics") or ()),
                    emotion=EMOTIONS.index(labels["emotion"]),
                    switching=bool(labels["switching"]),
                    lifecycle=LIFECYCLE_STAGES.index(lifecycle) if lifecycle else None,
                )
            )
        except (KeyError, ValueError) as exc:
            raise ValueError(f"{path} line {line_number}: {exc}") from exc
    return examples


@dataclass(frozen=True)
class MultiLabelText:
    text: str
    labels: tuple[int, ...]


def read_mams_aspects(data_dir: Path) -> tuple[list[str], list[MultiLabelText]]:
    """``(category descriptions, sentences)`` of MAMS's aspect categories (food, service, price …)."""
    names = {
        "food": "the food and how it tastes",
        "service": "the service",
        "staff": "the staff and how they behave",
        "price": "prices and value for money",
        "ambience": "the ambience, noise and decor",
        "menu": "the menu and its choices",
        "place": "the place, its location and seating",
        "miscellaneous": "something else about the visit",
    }
    order = list(names)
    rows = []
    for line in (data_dir / "real" / "mams_restaurants.jsonl").read_text(encoding="utf-8").split("\n"):
        if not line.strip():
            continue
        row = json.loads(line)
        categories = (row.get("orig_labels") or {}).get("aspectCategories") or []
        wanted = tuple(sorted({order.index(c["category"]) for c in categories if c.get("category") in names}))
        if wanted:
            rows.append(MultiLabelText(row["text"], wanted))
    return list(names.values()), rows
