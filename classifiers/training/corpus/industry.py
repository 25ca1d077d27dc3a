"""The shape of one industry's hand-written lexicon."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Industry", "Item"]

# Every lexicon entry is a tuple of strings whose last element is the topic codes.
Item = tuple[str, ...]


@dataclass(frozen=True)
class Industry:
    """Products, staff, promises, failures and praise of one industry.

    Clauses start in lower case and carry no final punctuation; frames add both.
    ``{b}`` in a clause is the brand. A promise noun phrase that starts with ``*``
    is something one pays for ("I paid for ...").
    """

    name: str
    brands: tuple[str, ...]
    thing: str  # what a review is about: "flight", "order", "plan"
    ref: str  # support-email reference, "#" becomes digits, "A" a capital letter
    prices: tuple[str, ...]
    sub: str  # a subreddit where such stories are told
    background: tuple[str, ...]  # first-person context for long posts
    promises: tuple[Item, ...]  # (expected noun phrase, what happened, topics)
    habits: tuple[Item, ...]  # (how it used to be, how it is now, topics)
    calm: tuple[Item, ...]  # (a gap stated in one calm clause, topics)
    standards: tuple[Item, ...]  # (what the price should buy, what happened, topics)
    problems: tuple[Item, ...]  # (a plain problem with no stated expectation, topics)
    praise: tuple[Item, ...]  # (plain praise, topics)
    surprises: tuple[Item, ...]  # (infinitive, past clause, topics): beyond expectations
    beats: tuple[Item, ...]  # (what was quoted or expected, the better reality, topics)
    questions: tuple[Item, ...]  # (a question with no problem in it, topics)
    wishes: tuple[Item, ...]  # (a feature or change wished for, topics)
    news: tuple[Item, ...]  # (a news-style neutral mention, topics)
    moods: tuple[Item, ...]  # (a bad mood not caused by the brand, mentioning it; topics)
