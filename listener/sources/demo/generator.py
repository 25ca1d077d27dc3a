"""The seeded mention generator behind :class:`~listener.sources.demo.DemoSource`.

Mention ``i`` of a brand is a pure function of (seed, brand name, anchor,
days, i): the random generator is re-seeded for every index, so a stream can
resume at any index and reproduce exactly what a first run would have
yielded. The ground truth the text was written from (sentiment, topic,
expectation gap, emotion, complaint, lifecycle stage, story, noise, copies)
rides in ``Mention.raw["demo_truth"]`` for evaluation only.
"""

from __future__ import annotations

import _random
import hashlib
import re
import unicodedata
from bisect import bisect
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from itertools import accumulate
from random import Random
from typing import Any, TypeVar

from foundation.mentions import Mention
from listener.sources.demo.model import TopicText
from listener.sources.demo.style import Author, author, dress, pick
from listener.sources.demo.world import OFFTOPIC, Profile

__all__ = ["Generator"]

_T = TypeVar("_T")
_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15
_DAY = 86400
_P_EXACT = 0.015
"""Share of indexes that re-yield an earlier mention unchanged (same external_id)."""
_P_COPY = 0.04
"""Share of indexes that retweet or copy-paste an earlier mention's text."""
_AUTHORS = 6000

_KINDS: dict[str, float] = {
    "praise": 0.17,
    "complaint": 0.22,
    "shortfall": 0.16,
    "exceeded": 0.06,
    "question": 0.10,
    "news": 0.04,
    "sarcasm": 0.04,
    "switching": 0.04,
    "mood": 0.02,
    "homonym": 0.03,
    "spam": 0.02,
    "offtopic": 0.01,
}
# kind -> (sentiment, gap, complaint, stage, emotions)
_TRUTH: dict[str, tuple[str | None, str, bool, str | None, tuple[str, ...]]] = {
    "praise": ("positive", "none", False, "use", ("delight",)),
    "complaint": (
        "negative",
        "none",
        True,
        "use",
        ("frustration", "frustration", "anger", "anxiety"),
    ),
    "shortfall": (
        "negative",
        "shortfall",
        True,
        "use",
        ("disappointment", "disappointment", "anger", "frustration"),
    ),
    "exceeded": ("positive", "exceeded", False, "use", ("delight",)),
    "question": ("neutral", "none", False, "research", ("none",)),
    "news": ("neutral", "none", False, None, ("none",)),
    "sarcasm": ("negative", "none", True, "use", ("anger", "frustration")),
    "switching": ("negative", "none", True, "leaving", ("disappointment", "anger")),
    "mood": ("negative", "none", False, None, ("frustration",)),
    "homonym": (None, "none", False, None, ("none",)),
    "spam": (None, "none", False, None, ("none",)),
    "offtopic": (None, "none", False, None, ("none",)),
}
_FIELD = {
    "praise": "praise",
    "complaint": "problems",
    "shortfall": "shortfalls",
    "exceeded": "exceeded",
    "question": "questions",
}
_CH = ("twitter", "reddit", "app_review", "product_review", "support_email", "forum")
_CHANNEL_WEIGHTS: dict[str, tuple[float, ...]] = {
    "praise": (0.40, 0.10, 0.15, 0.20, 0.05, 0.10),
    "complaint": (0.35, 0.12, 0.12, 0.10, 0.20, 0.11),
    "shortfall": (0.33, 0.12, 0.13, 0.12, 0.19, 0.11),
    "exceeded": (0.35, 0.12, 0.10, 0.25, 0.08, 0.10),
    "question": (0.45, 0.20, 0.0, 0.0, 0.15, 0.20),
    "news": (0.60, 0.30, 0.0, 0.0, 0.0, 0.10),
    "sarcasm": (0.75, 0.15, 0.05, 0.05, 0.0, 0.0),
    "switching": (0.50, 0.20, 0.10, 0.10, 0.0, 0.10),
    "mood": (1.0, 0.0, 0.0, 0.0, 0.0, 0.0),
    "noise": (0.6, 0.2, 0.0, 0.0, 0.0, 0.2),
}
_RATINGS: dict[str, tuple[float, ...]] = {
    "praise": (4.0, 5.0, 5.0, 5.0),
    "exceeded": (5.0, 5.0, 4.0),
    "complaint": (1.0, 1.0, 1.0, 2.0, 2.0, 2.0, 3.0),
    "shortfall": (1.0, 1.0, 1.0, 2.0, 2.0),
    "sarcasm": (1.0,),
    "switching": (1.0, 1.0, 2.0),
}
_HOURS = (
    0,
    1,
    6,
    7,
    7,
    8,
    8,
    8,
    9,
    9,
    9,
    10,
    10,
    11,
    11,
    12,
    12,
    13,
    13,
    14,
    15,
    16,
    17,
    17,
    18,
    18,
    19,
    19,
    19,
    20,
    20,
    20,
    21,
    21,
    21,
    22,
    22,
    23,
)
_COMPETITOR = {"en": "a competitor", "es": "la competencia"}
_VERSIONS = ("5.2", "5.2", "5.2.1")
_CONTEXT_KINDS = frozenset(("praise", "complaint", "shortfall", "exceeded", "question", "switching"))
_SMALL = ("2", "3", "4", "5", "6", "7", "8")


_seed = _random.Random.seed
"""The C seeding routine without ``random.Random.seed``'s Python wrapper (same result for ints)."""


def _cumulative(weights: Sequence[float]) -> tuple[float, ...]:
    """Cumulative weights scaled to end at 1.0, for ``bisect(cum, random())``."""
    total = sum(weights)
    cum = [w / total for w in accumulate(weights)]
    cum[-1] = 1.0
    return tuple(cum)


def _pick(rnd: Callable[[], float], items: Sequence[_T]) -> _T:
    return items[int(rnd() * len(items))]


def _money(lang: str, value: int) -> str:
    return f"€{value}" if lang == "en" else f"{value} €"


class Generator:
    """Writes mention ``i`` of one brand's demo stream, deterministically."""

    def __init__(
        self,
        *,
        profile: Profile,
        seed: int,
        anchor: datetime,
        days: int,
        source: str,
        languages: Sequence[str] = (),
    ) -> None:
        digest = hashlib.blake2b(f"{seed}\0{profile.name}".encode(), digest_size=8).digest()
        self._base = int.from_bytes(digest, "big")
        self._rng = Random()
        self._p = profile
        self._source = source
        self._anchor = int(anchor.timestamp())
        self._midnight = self._anchor - self._anchor % _DAY
        self._days = days
        folded = unicodedata.normalize("NFKD", profile.name).encode("ascii", "ignore").decode()
        self._slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-") or "brand"
        allowed = set(languages)
        langs = {k: w for k, w in profile.language_weights.items() if not allowed or k in allowed}
        self._langs = tuple(langs) or ("en",)
        self._lang_cum = _cumulative(tuple(langs.values()) or (1.0,))
        self._kinds = tuple(_KINDS)
        self._kind_cum = _cumulative(tuple(_KINDS.values()))
        self._ch_cum = {k: _cumulative(w) for k, w in _CHANNEL_WEIGHTS.items()}
        self._cities = profile.industry.cities
        self._story_langs = tuple(k for k in profile.story.texts if not allowed or k in allowed)
        topics = profile.industry.topics
        self._tables: dict[tuple[str, str], tuple[tuple[str, TopicText], ...]] = {}
        for lang, by_topic in topics.items():
            for field in _FIELD.values():
                rows = tuple((t, tt) for t, tt in by_topic.items() if getattr(tt, field))
                if rows:
                    self._tables[lang, field] = rows

    def mention(self, i: int) -> Mention:
        """Mention number ``i`` (0-based) of the stream."""
        rng = self._rng
        _seed(rng, (self._base + i * _GOLDEN) & _MASK)
        r = rng.random()
        if r < _P_EXACT and i >= 200:
            # An API re-delivering an earlier item: same external_id, same everything.
            return self.mention(max(0, i - 150 - int(rng.random() * 900)))
        if r < _P_EXACT + _P_COPY and i >= 10:
            j = i - 1 - int(rng.random() * min(i, 400))
            delay = 60 + int(rng.random() * 6 * 3600)
            number = int(rng.random() * _AUTHORS)
            where = pick(rng, ("reddit", "forum", "twitter"))
            original = self.mention(j)
            if original.channel != "support_email":
                return self._copy(i, original, delay, number, where)
            _seed(rng, (self._base + i * _GOLDEN + 1) & _MASK)
        return self._fresh(i, rng)

    def _copy(self, i: int, original: Mention, delay: int, number: int, where: str) -> Mention:
        lang = original.language or "en"
        who = author(lang, number)
        if original.channel == "twitter":
            text, channel = f"RT @{original.author_handle}: {original.text}", "twitter"
        else:
            text, channel = original.text, where
        when = min(int(original.created_at.timestamp()) + delay, self._anchor - 1)
        raw = original.raw or {}
        truth = dict(raw.get("demo_truth", {}), copy_of=original.external_id)
        return self._build(i, text, when, channel, lang, who, None, truth)

    def _fresh(self, i: int, rng: Random) -> Mention:
        p = self._p
        story = p.story
        rnd = rng.random
        slots = self._slots(rnd)
        topic = "general"
        is_story = rnd() < story.share and bool(self._story_langs)
        if is_story:
            langs = self._story_langs
            lang = "en" if "en" in langs and rnd() < 0.8 else langs[int(rnd() * len(langs))]
            pairs = story.texts[lang]
            kind, template = pairs[int(rnd() * len(pairs))]
            topic = story.topic
        else:
            kind = self._kinds[bisect(self._kind_cum, rnd())]
            lang = self._langs[bisect(self._lang_cum, rnd())]
            template, lang, topic, kind = self._template(rnd, kind, lang)
        sentiment, gap, complaint, stage, emotions = _TRUTH[kind]
        emotion = _pick(rnd, emotions)
        noise = kind in ("homonym", "spam", "offtopic")
        channel = _CH[bisect(self._ch_cum["noise" if noise else kind], rnd())]
        who = author(lang, int(_AUTHORS * rnd() ** 2))
        slots["competitor"] = _pick(rnd, p.competitors) if p.competitors else _COMPETITOR.get(lang, "another brand")
        slots["amount"] = _money(lang, 5 + 5 * int(rng.random() * 40))
        body = template.format_map(slots)
        circumstance: str | None = None
        if noise:
            text = body
        else:
            detail = context = ""
            if kind in ("complaint", "shortfall") and channel != "twitter" and rnd() < 0.4:
                details = p.industry.topics.get(lang, {}).get(topic)
                if details is not None and details.details:
                    detail = _pick(rnd, details.details).format_map(slots)
            contexts = p.industry.contexts.get(lang)
            if contexts and kind in _CONTEXT_KINDS and rnd() < (0.2 if channel == "twitter" else 0.55):
                circumstance, context_template = _pick(rnd, contexts)
                context = context_template.format_map(slots)
                template += context_template  # only read for its {brand} below
            text = dress(
                rng,
                channel=channel,
                lang=lang,
                body=body,
                mood="sarcasm" if kind == "sarcasm" else emotion,
                has_brand="{brand}" in template,
                brand=p.name,
                handle=p.handle,
                hashtag=p.hashtag,
                detail=detail,
                context=context,
                code=slots["code"],
                who=who,
                name_only=p.industry.key == "generic",
            )
        rating = _pick(rnd, _RATINGS[kind]) if channel in ("app_review", "product_review") else None
        day = (
            int(min(story.days, self._days) * rng.random() ** 1.6)
            if is_story
            else int(self._days * rng.random() ** 1.1)
        )
        when = self._midnight - day * _DAY + _pick(rnd, _HOURS) * 3600 + int(rnd() * 3600)
        if when >= self._anchor:
            when -= _DAY
        truth: dict[str, Any] = {
            "kind": kind,
            "sentiment": sentiment,
            "topic": None if noise else topic,
            "gap": gap,
            "emotion": emotion,
            "complaint": complaint,
            "stage": "support" if channel == "support_email" and stage else stage,
            "circumstance": circumstance,
            "story": is_story,
            "noise": noise,
        }
        return self._build(i, text, when, channel, lang, who, rating, truth)

    def _template(self, rnd: Callable[[], float], kind: str, lang: str) -> tuple[str, str, str, str]:
        """Pick (template, language, topic, kind), falling back to English content."""
        industry = self._p.industry
        field = _FIELD.get(kind)
        if field is not None:
            rows = self._tables.get((lang, field))
            if rows is None:
                lang, rows = "en", self._tables["en", field]
            topic, tt = _pick(rnd, rows)
            return _pick(rnd, getattr(tt, field)), lang, topic, kind
        if kind == "homonym" and not self._p.homonyms:
            kind = "spam"
        pools: Mapping[str, Mapping[str, tuple[str, ...]]] = {
            "sarcasm": industry.sarcasm,
            "news": industry.news,
            "switching": industry.switching,
            "mood": industry.mood,
        }
        if kind in pools:
            by_lang = pools[kind]
            if lang not in by_lang:
                lang = "en"
            return _pick(rnd, by_lang[lang]), lang, "general", kind
        noise = {"homonym": self._p.homonyms, "spam": self._p.spam, "offtopic": OFFTOPIC}[kind]
        return _pick(rnd, noise), "en", "none", kind

    def _slots(self, rnd: Callable[[], float]) -> dict[str, str]:
        cities = self._cities
        k = int(rnd() * len(cities))
        return {
            "brand": self._p.name,
            "city": cities[k],
            "city2": cities[(k + 1 + int(rnd() * (len(cities) - 1))) % len(cities)],
            "n": _SMALL[int(rnd() * 5)],
            "hours": _SMALL[int(rnd() * 7)],
            "mins": str(20 + 5 * int(rnd() * 30)),
            "code": f"{self._p.code_prefix}{100000 + int(rnd() * 900000)}",
            "version": _VERSIONS[int(rnd() * 3)],
        }

    def _build(
        self,
        i: int,
        text: str,
        when: int,
        channel: str,
        lang: str,
        who: Author,
        rating: float | None,
        truth: dict[str, Any],
    ) -> Mention:
        external_id = f"{self._slug}-{i:06d}"
        social = channel in ("twitter", "reddit", "forum")
        if channel == "support_email":
            handle, name = who.email, who.name
        elif social:
            handle, name = who.handle, who.name
        else:
            handle, name = who.handle, who.short_name
        return Mention(
            source=self._source,
            external_id=external_id,
            text=text,
            created_at=datetime.fromtimestamp(when, UTC),
            url=f"https://demo.cxpulse.invalid/{channel}/{external_id}",
            author_handle=handle,
            author_name=name,
            author_followers=who.followers if channel in ("twitter", "reddit") else None,
            language=lang,
            channel=channel,
            rating=rating,
            raw={"demo_truth": truth},
        )
