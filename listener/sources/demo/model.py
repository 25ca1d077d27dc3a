"""The shapes of the demo's text fragments: one industry, its topics, its languages.

Fragments are ``str.format`` templates. The slots a fragment may use are
``{brand}``, ``{competitor}``, ``{city}``, ``{city2}``, ``{n}`` (a small
number), ``{hours}``, ``{mins}``, ``{amount}`` (money in the language's
currency), ``{code}`` (a booking, order or ticket number) and ``{version}``
(an app version). A fragment without ``{brand}`` gets a brand reference added
by the channel style, so every on-topic mention matches the brand query.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Industry", "TopicText"]


@dataclass(frozen=True, slots=True)
class TopicText:
    """What customers say about one topic, in one language, by kind of mention.

    ``problems`` report a problem with no stated contrast (negative, no gap);
    ``shortfalls`` state a contrast with what was expected, promised, paid for
    or usual; ``exceeded`` state the contrast the other way; ``questions`` are
    neutral questions with no problem in them.
    """

    problems: tuple[str, ...] = ()
    shortfalls: tuple[str, ...] = ()
    praise: tuple[str, ...] = ()
    exceeded: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    details: tuple[str, ...] = ()
    """Optional extra sentences that add colour to a complaint (still no contrast)."""


@dataclass(frozen=True, slots=True)
class Industry:
    """Everything the generator needs to write mentions about one kind of business."""

    key: str
    topics: Mapping[str, Mapping[str, TopicText]]
    """``topics[language][topic]``; English has every topic, others a subset."""
    sarcasm: Mapping[str, tuple[str, ...]]
    """Negative, ironic praise: ``sarcasm[language]``; topic ``general``."""
    news: Mapping[str, tuple[str, ...]]
    """Neutral news items about the brand."""
    switching: Mapping[str, tuple[str, ...]]
    """Customers leaving for ``{competitor}``: early churn warnings."""
    mood: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """A bad mood not caused by the brand: negative, but not a complaint."""
    contexts: Mapping[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    """Opening sentences that set the customer's circumstance: ``(circumstance, template)``."""
    cities: tuple[str, ...] = ("Lisbon", "Madrid", "Paris", "Berlin", "Porto", "Lyon")
