"""Build the corpus: split every lexicon list into train and test families, generate,
de-duplicate across splits, and write JSONL.

Test measures generalisation: it uses only test-family frames, cue phrases, channel
decorations and (for training industries) test-family lexicon items, and it alone sees
the held-out industries. Test texts that are exact or near copies of a training text
are dropped.
"""

from __future__ import annotations

import json
import random
import re
import zlib
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

from . import foreign
from .channels import CHANNEL_WEIGHTS, DECOR, brand_for, fill_ref, handle, wrap
from .frames import EMOTION_CUES, FRAMES, PAID_CUES, PROMISE_CUES
from .industry import Industry
from .labels import Example, topics_from_codes
from .lex_retail import ECOMMERCE, ELECTRONICS, FITNESS, FOOD_DELIVERY, GROCERY
from .lex_services import BANK, INSURANCE, SAAS, STREAMING, TELECOM, UTILITIES
from .lex_travel import AIRLINE, HOTEL, PUBLIC_TRANSPORT, RIDE_HAILING
from .scenarios import SCENARIOS, make_core
from .text import Doc, fill

__all__ = ["DEFAULT_SEED", "HELD_OUT_INDUSTRIES", "INDUSTRIES", "build", "counts", "write"]

DEFAULT_SEED = 20240611
INDUSTRIES: tuple[Industry, ...] = (
    AIRLINE,
    TELECOM,
    BANK,
    ECOMMERCE,
    FOOD_DELIVERY,
    STREAMING,
    HOTEL,
    RIDE_HAILING,
    UTILITIES,
    INSURANCE,
    SAAS,
    ELECTRONICS,
    GROCERY,
    FITNESS,
    PUBLIC_TRANSPORT,
)
HELD_OUT_INDUSTRIES = ("insurance", "fitness_gym", "public_transport")
TEST_FRACTION = 0.3  # share of each list held out for test
TRAIN_SIZE = 4400
TEST_SIZE = 1150  # before near-copy removal
NON_ENGLISH_SHARE = 0.11
HELD_OUT_SHARE_OF_TEST = 0.55

T = TypeVar("T")
_LEX_FIELDS = tuple(f.name for f in fields(Industry) if f.name not in ("name", "thing", "ref", "sub"))


def _split(items: Sequence[T], salt: str) -> tuple[list[T], list[T]]:
    """Deterministic train/test families: the test share by hash order, at least one each."""
    if len(items) < 2:
        return list(items), list(items)
    ranked = sorted(items, key=lambda it: zlib.crc32((salt + repr(it)).encode()))
    n_test = max(1, min(len(items) - 1, round(len(items) * TEST_FRACTION)))
    test = set(map(repr, ranked[:n_test]))
    return [i for i in items if repr(i) not in test], [i for i in items if repr(i) in test]


def _side(items: Sequence[T], salt: str, split: str) -> list[T]:
    train, test = _split(items, salt)
    return train if split == "train" else test


def _norm(text: str) -> str:
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


def _shingles(text: str) -> set[str]:
    words = _norm(text).split()
    if len(words) < 4:
        return {" ".join(words)}
    return {" ".join(words[i : i + 4]) for i in range(len(words) - 3)}


class _Generator:
    def __init__(self, split: str, rng: random.Random) -> None:
        self.split, self.rng = split, rng
        self.frames = {k: _side(v, "frame:" + k, split) for k, v in FRAMES.items()}
        self.cues: dict[str, Sequence[str]] = {
            "promise": _side(PROMISE_CUES, "cue:promise", split),
            "paid": _side(PAID_CUES, "cue:paid", split),
        }
        self.cues.update({k: _side(v, "emo:" + k, split) for k, v in EMOTION_CUES.items()})
        self.decor = {k: _side(v, "decor:" + k, split) for k, v in DECOR.items()}
        self.industries = [i for i in INDUSTRIES if (i.name in HELD_OUT_INDUSTRIES) == (split == "test")]
        self.train_industries = [i for i in INDUSTRIES if i.name not in HELD_OUT_INDUSTRIES]

    def lexicon(self, ind: Industry) -> dict[str, Sequence[Any]]:
        lex: dict[str, Sequence[Any]] = {}
        for name in _LEX_FIELDS:
            items = getattr(ind, name)
            held_out = ind.name in HELD_OUT_INDUSTRIES
            lex[name] = list(items) if held_out else _side(items, f"{ind.name}:{name}", self.split)
        return lex

    def pick_industry(self) -> Industry:
        if self.split == "train":
            return self.rng.choice(self.train_industries)
        if self.rng.random() < HELD_OUT_SHARE_OF_TEST:
            return self.rng.choice(self.industries)
        return self.rng.choice(self.train_industries)

    def english(self) -> Example:
        rng = self.rng
        sc = rng.choices(SCENARIOS, weights=[s.weight for s in SCENARIOS])[0]
        ind = self.pick_industry()
        channel = rng.choices(sc.channels, weights=[CHANNEL_WEIGHTS[c] for c in sc.channels])[0]
        brand_name = rng.choice(ind.brands)
        comp_name = rng.choice([b for b in ind.brands if b != brand_name])
        brand = brand_for(channel, brand_name, rng)
        comp = handle(comp_name) if brand.startswith("@") and rng.random() < 0.5 else comp_name
        core = make_core(sc, ind, self.lexicon(ind), self.frames, self.cues, brand, comp, rng)
        doc = wrap(channel, core.doc, sc.sentiment, core.emotion, sc.hard_case, brand_name, ind, self.decor, rng)
        text, spans = doc.render()
        return Example(
            text,
            ind.name,
            channel,
            "en",
            sc.sentiment,
            core.topics,
            sc.gap,
            spans,
            core.emotion,
            sc.complaint,
            sc.hard_case,
        )

    def non_english(self) -> Example:
        rng = self.rng
        lang = rng.choice(sorted(foreign.LANGS))
        kind = rng.choices(list(foreign.KIND_WEIGHTS), weights=list(foreign.KIND_WEIGHTS.values()))[0]
        sentiment, gap, complaint, field = foreign.KINDS[kind]
        held = set(HELD_OUT_INDUSTRIES)
        items = foreign.LANGS[lang][field]
        pool = _side([it for it in items if it[-2] not in held], f"{lang}:{field}", self.split)
        if self.split == "test":
            pool += [it for it in items if it[-2] in held]
        if not pool:
            pool = list(foreign.LANGS[lang][field])
        item = rng.choice(pool)
        ind = next(i for i in INDUSTRIES if i.name == item[-2])
        frame, emotion = rng.choice(_side(foreign.FFRAMES[lang][kind], f"{lang}:frame:{kind}", self.split))
        channel = rng.choices(list(CHANNEL_WEIGHTS), weights=list(CHANNEL_WEIGHTS.values()))[0]
        brand_name = rng.choice(ind.brands)
        brand = brand_for(channel, brand_name, rng)
        names = {
            "promises": ("np", "real"),
            "problems": ("p",),
            "praise": ("pr",),
            "surprises": ("past",),
            "questions": ("q",),
        }[field]
        slots = dict(zip(names, item[: len(names)], strict=True))
        slots["b"] = brand
        doc = fill(frame, slots)
        if channel == "tweet":
            if "@" not in "".join(p.text for p in doc.pieces) and rng.random() < 0.5:
                doc.pieces.insert(0, Doc().add(handle(brand_name) + " ", protected=True).pieces[0])
            if rng.random() < 0.3:
                doc.map(lambda p: p.text.lower())
        elif channel == "support_email":
            doc.pieces.insert(0, Doc().add(rng.choice(foreign.GREET[lang]) + "\n\n").pieces[0])
            if sentiment == "negative":
                doc.add(f" ({fill_ref(ind.ref.split(' ')[-1], rng)})", protected=True)
            doc.add("\n\n" + rng.choice(foreign.SIGN[lang]) + "\n" + rng.choice(list(DECOR["names"])))
        elif channel in ("app_review", "product_review") and sentiment != "neutral" and rng.random() < 0.5:
            stars = "★☆☆☆☆ " if sentiment == "negative" else "★★★★★ "
            doc.pieces.insert(0, Doc().add(stars).pieces[0])
        text, spans = doc.render()
        topics = list(dict.fromkeys(topics_from_codes(item[-1])))
        return Example(text, ind.name, channel, lang, sentiment, topics, gap, spans, emotion, complaint, "non_english")

    def one(self) -> Example:
        if self.rng.random() < NON_ENGLISH_SHARE:
            return self.non_english()
        return self.english()


def _generate(split: str, size: int, rng: random.Random, banned: set[str]) -> list[Example]:
    gen = _Generator(split, rng)
    out: list[Example] = []
    seen: set[str] = set()
    attempts = 0
    while len(out) < size and attempts < size * 30:
        attempts += 1
        ex = gen.one()
        key = _norm(ex.text)
        if key in seen or key in banned:
            continue
        seen.add(key)
        out.append(ex)
    return out


def build(seed: int = DEFAULT_SEED) -> tuple[list[Example], list[Example]]:
    """The train and test splits, identical for the same seed."""
    train = _generate("train", TRAIN_SIZE, random.Random(f"{seed}:train"), set())
    train_keys = {_norm(e.text) for e in train}
    test = _generate("test", TEST_SIZE, random.Random(f"{seed}:test"), train_keys)
    # Drop test texts that nearly copy a training text (4-word shingle overlap).
    index: dict[str, list[int]] = {}
    train_sh = [_shingles(e.text) for e in train]
    for i, sh in enumerate(train_sh):
        for s in sh:
            index.setdefault(s, []).append(i)
    kept = []
    for ex in test:
        sh = _shingles(ex.text)
        hits = Counter(j for s in sh for j in index.get(s, ()))
        near = any(n / len(sh | train_sh[j]) >= 0.5 for j, n in hits.items())
        if not near:
            kept.append(ex)
    for split, rows in (("train", train), ("test", kept)):
        for i, ex in enumerate(rows):
            ex.id = f"cx-{split}-{i:05d}"
    return train, kept


def write(rows: Sequence[Example], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for ex in rows:
            fh.write(json.dumps(ex.to_json(), ensure_ascii=False) + "\n")


def counts(rows: Sequence[Example]) -> dict[str, Mapping[str, int]]:
    """Per-label counts, for the CLI and the data card."""
    out: dict[str, Mapping[str, int]] = {}
    for key in ("sentiment", "expectation_gap", "emotion", "industry", "channel", "language", "hard_case"):
        out[key] = dict(sorted(Counter(str(getattr(e, key)) for e in rows).items()))
    out["complaint"] = dict(Counter(str(e.complaint).lower() for e in rows))
    out["topics"] = dict(sorted(Counter(t for e in rows for t in e.topics).items()))
    return out
