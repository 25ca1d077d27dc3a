"""Search finds exactly what the brand-query matcher matches: generated stores and queries, both backends.

Each example stores a few generated mentions under a source of its own (so examples
share one store and one migration), then runs generated queries from the whole
language (words, prefixes, phrases, handles, hashtags, emoji, symbols, scripts without
spaces, full-width and ligature text, letters with strokes, URLs, exclusions, OR,
groups) and checks that ``search`` and ``count`` give exactly the mentions
:func:`foundation.query.matches` accepts, that a page is a slice of the whole, and
that a brand filter only narrows, and that a date window keeps exactly the matches dated in it.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foundation.errors import QueryError
from foundation.mentions import Cursor, StoredMention
from foundation.query import MatchDocument, matches, parse, require_positive
from storage import SearchFilters, Store

CREATED = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
EXAMPLES = 60
"""Generated stores per backend, each searched with up to four queries (a few seconds)."""

# Pieces of text that meet the edge cases of the language: words that share prefixes,
# words inside handles, hashtags, e-mail addresses and URLs, underscores, emoji with
# modifiers, symbols, CJK, Thai and Hangul, full-width letters, ligatures, accents and strokes.
WORDS = ["acme", "air", "acmeair", "refund", "refunds", "ba", "bar", "b", "late", "cafe", "or", "AND"]
PIECES = [
    *WORDS,
    "Acme",
    "ACME",
    "Café",
    "\uff21\uff23\uff2d\uff25",
    "ﬁnally",
    "finally",
    "Łódź",
    "lodz",
    "øre",
    "đuro",
    "ħal",
    "straße",
    "@acme",
    "@acme_help",
    "@AcmeAir",
    "#acme",
    "#acmefail",
    "#AcmeAir",
    "bob@acme.com",
    "https://acme.example/refund/late?x=1",
    "acme_help",
    "😡",
    "😡😡",
    "🔥",
    "👍🏽",
    "👍",
    "€",
    "30€",
    "$$$",
    "$",
    "東京",
    "東京駅で遅延",
    "駅",
    "บริการ",
    "ร้านนี้บริการแย่มาก",
    "삼성이",
    "삼성",
    "acme-air",
    "acme's",
]
SEPARATORS = [" ", " ", " ", ", ", "-", ".", "/", "!", "\n", "", "_", "'"]

texts = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), min_size=0, max_size=10).map(
    lambda parts: "".join(piece + sep for piece, sep in parts).strip() or "nothing"
)
long_texts = st.sampled_from(["acme " * 300 + "refund late", "late " * 260 + "东京 😡 @acme"])
"""Mentions the index holds as overflow (a word repeated more than 250 times): the matcher decides."""
stores = st.lists(st.one_of(texts, texts, texts, texts, long_texts), min_size=1, max_size=12)

ATOMS = [
    *WORDS,
    "ACME",
    "Café",
    "\uff21\uff23\uff2d\uff25",
    "ﬁnally",
    "łódź",
    "ore",
    "duro",
    "hal",
    "strasse",
    "acme*",
    "ref*",
    "ba*",
    "b*",
    "a*",
    "@acme",
    "@acme*",
    "@acmeair",
    "#acme",
    "#acme*",
    "#acmeair",
    "acme_help",
    "help",
    "com",
    "example",
    '"acme air"',
    '"refund late"',
    '"late refund"',
    '"東京 駅"',
    "acme-air",
    "😡",
    "😡😡",
    "🔥",
    "👍🏽",
    "👍",
    "€",
    "$$$",
    "$",
    "東京",
    "東京駅",
    "駅で",
    "บริการ",
    "삼성",
    "30",
]


@st.composite
def queries(draw: st.DrawFn, depth: int = 0) -> str:
    """A query string from the whole language (it may not parse; the test skips those)."""
    parts = []
    for _ in range(draw(st.integers(1, 3))):
        if depth < 2 and draw(st.integers(0, 5)) == 0:
            atom = "(" + draw(queries(depth + 1)) + ")"
        else:
            atom = draw(st.sampled_from(ATOMS))
        parts.append(("-" if draw(st.integers(0, 4)) == 0 else "") + atom)
    query = parts[0]
    for part in parts[1:]:
        query += draw(st.sampled_from([" ", " ", " OR ", " AND "])) + part
    return query


_sources = itertools.count()

DATED_WORDS = ["late", "refund", "acme", "air"]
DATED_QUERIES = ["late", "refund", "acme air", "late OR refund", "air -late", "acme*"]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=stores, query_texts=st.lists(queries(), min_size=1, max_size=4), brand_filter=st.booleans())
def test_search_returns_exactly_what_the_matcher_matches(
    store: Store, data: list[str], query_texts: list[str], brand_filter: bool
) -> None:
    source = f"gen{next(_sources)}"
    batch = [
        StoredMention(
            source=source,
            external_id=str(i),
            text=text,
            created_at=CREATED,
            collected_at=CREATED,
            content_hash=f"{source}-{i}",
        )
        for i, text in enumerate(data)
    ]
    half = len(batch) // 2
    store.save_batch(batch[:half], source=source, brand="Acme Air", cursor=Cursor())
    store.save_batch(batch[half:], source=source, brand="Bar Brand", cursor=Cursor())
    docs = {str(i): MatchDocument.from_text(text) for i, text in enumerate(data)}
    filters = SearchFilters(sources=(source,), brands=("Acme Air",) if brand_filter else ())
    in_filter = set(docs) if not brand_filter else {str(i) for i in range(half)}
    for query_text in query_texts:
        try:
            tree = parse(query_text)
        except QueryError:
            continue
        try:
            require_positive(tree, query_text)
        except QueryError:
            with pytest.raises(QueryError):
                store.search(tree, filters)
            continue
        expected = {i for i in in_filter if matches(tree, docs[i])}
        hits = store.search(tree, filters, limit=100)
        found = [hit.external_id for hit in hits]
        assert set(found) == expected, (query_text, data)
        assert len(found) == len(expected)
        assert store.count(tree, filters) == len(expected), query_text
        assert [h.external_id for h in store.search(tree, filters, limit=2, offset=1)] == found[1:3]
        for order in ("relevance", "newest"):
            for limit, offset in ((2, 0), (2, 1), (100, 0), (2, len(expected)), (1, len(expected) + 1)):
                page, total = store.search_counted(tree, filters, limit=limit, offset=offset, order=order)
                assert total == len(expected), (query_text, order, limit, offset)
                plain = store.search(tree, filters, limit=limit, offset=offset, order=order)
                assert [h.external_id for h in page] == [h.external_id for h in plain]


@settings(
    max_examples=EXAMPLES // 2,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.lists(
        st.lists(st.sampled_from(DATED_WORDS), min_size=1, max_size=3).map(" ".join), min_size=1, max_size=12
    ),
    days=st.lists(st.integers(0, 4), min_size=12, max_size=12),
    hours=st.lists(st.integers(0, 23), min_size=12, max_size=12),
    since_day=st.none() | st.integers(0, 4),
    until_day=st.none() | st.integers(1, 5),
    brand_filter=st.booleans(),
    in_date_order=st.booleans(),
)
def test_a_date_window_keeps_exactly_the_matches_dated_in_it(
    store: Store,
    data: list[str],
    days: list[int],
    hours: list[int],
    since_day: int | None,
    until_day: int | None,
    brand_filter: bool,
    in_date_order: bool,
) -> None:
    # Stored in date order (as collection writes) or not (a backfill): a window, whole days or cut
    # through them, open on either side, keeps exactly the matches dated in it.
    number = next(_sources)
    source = f"gen{number}"
    start = datetime(2024, 5, 1, tzinfo=UTC) + timedelta(days=10 * number)  # its own days: examples share the store
    dated = {str(i): start + timedelta(days=days[i], hours=hours[i], minutes=i) for i in range(len(data))}
    batch = [
        StoredMention(
            source=source,
            external_id=str(i),
            text=text,
            created_at=dated[str(i)],
            collected_at=CREATED,
            content_hash=f"{source}-{i}",
        )
        for i, text in enumerate(data)
    ]
    if in_date_order:  # ids follow dates
        batch.sort(key=lambda mention: mention.created_at)
    half = len(batch) // 2
    acme = {mention.external_id for mention in batch[:half]}
    store.save_batch(batch[:half], source=source, brand="Acme Air", cursor=Cursor())
    store.save_batch(batch[half:], source=source, brand="Bar Brand", cursor=Cursor())
    # Half a day in, so a window also cuts through days.
    since = start + timedelta(days=since_day, hours=6) if since_day is not None else None
    until = start + timedelta(days=until_day, hours=6) if until_day is not None else None
    filters = SearchFilters(sources=(source,), brands=("Acme Air",) if brand_filter else (), since=since, until=until)
    in_filter = {
        key
        for key, moment in dated.items()
        if (not brand_filter or key in acme)
        and (since is None or moment >= since)
        and (until is None or moment < until)
    }
    docs = {str(i): MatchDocument.from_text(text) for i, text in enumerate(data)}
    for query_text in DATED_QUERIES:
        tree = parse(query_text)
        expected = {i for i in in_filter if matches(tree, docs[i])}
        found = [hit.external_id for hit in store.search(tree, filters, limit=100)]
        assert sorted(found) == sorted(expected), (query_text, data, since, until)
        assert store.count(tree, filters) == len(expected), query_text
        page, total = store.search_counted(tree, filters, limit=2)
        assert total == len(expected), query_text
        assert [h.external_id for h in page] == found[:2]
