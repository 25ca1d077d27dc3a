"""Searching stored mentions as an analyst would: ranked, filtered, highlighted, never crashing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from foundation.errors import QueryError
from foundation.mentions import Cursor, StoredMention
from foundation.query.ast import And, Node, Not, Or, Phrase, Term, TermKind
from storage import SNIPPET_END, SNIPPET_START, SearchFilters, Store

MentionFactory = Callable[..., StoredMention]
ALL = SearchFilters()
MAY = datetime(2024, 5, 1, tzinfo=UTC)


def at(day: int, month: int = 5) -> datetime:
    return datetime(2024, month, day, 12, 0, tzinfo=UTC)


def words(*terms: str) -> And:
    return And(tuple(Term(t) for t in terms))


@pytest.fixture
def corpus(store: Store, mention: MentionFactory) -> Store:
    """A small store: two brands, two sources, a month of mentions."""
    acme = [
        mention(
            "a1",
            "Still waiting for my refund, three weeks now",
            created_at=at(2),
            language="en",
            channel="social",
        ),
        mention(
            "a2",
            "Refund refund refund! Where is my refund for the broken charger?",
            created_at=at(3),
            language="en",
        ),
        mention("a3", "The delivery was late but support was kind", created_at=at(10), language="en"),
        mention("a4", "Le café était froid et la livraison en retard", created_at=at(12), language="fr"),
        mention(
            "a5",
            "Customer service refunded me without asking, amazing",
            created_at=at(20),
            language="en",
            channel="review",
            rating=5.0,
        ),
        mention("a6", "service customer portal is down", created_at=at(21), language="en"),
    ]
    store.save_batch(acme, source="twitter", brand="acme", cursor=Cursor("t1"))
    globex = [
        mention("g1", "Globex lost my refund request", source="reddit", created_at=at(5), language="en"),
        mention(
            "g2",
            "Globex delivery on time, great",
            source="reddit",
            created_at=at(25),
            language="en",
        ),
    ]
    store.save_batch(globex, source="reddit", brand="globex", cursor=Cursor("r1"))
    return store


def ids(hits: list) -> list[str]:  # type: ignore[type-arg]
    return [hit.external_id for hit in hits]


def found(store: Store, query: Node | None, filters: SearchFilters = ALL) -> set[str]:
    hits = store.search(query, filters, limit=100)
    assert store.count(query, filters) == len(hits)
    return set(ids(hits))


def test_the_most_relevant_mention_comes_first(corpus: Store) -> None:
    hits = corpus.search(Term("refund"), ALL)
    assert ids(hits)[0] == "a2"  # says refund four times in a short text
    assert set(ids(hits)) == {"a1", "a2", "g1"}
    assert hits[0].rank >= hits[-1].rank


def test_a_phrase_needs_the_words_together_in_order(corpus: Store) -> None:
    assert found(corpus, Phrase(("customer", "service"))) == {"a5"}
    assert found(corpus, words("customer", "service")) == {"a5", "a6"}


def test_or_finds_either(corpus: Store) -> None:
    assert found(corpus, Or((Term("charger"), Term("portal")))) == {"a2", "a6"}


def test_an_exclusion_removes_mentions(corpus: Store) -> None:
    assert found(corpus, And((Term("refund"), Not(Term("globex"))))) == {"a1", "a2"}
    query = And((Term("delivery"), Not(Or((Term("late"), Term("kind"))))))
    assert found(corpus, query) == {"g2"}


def test_a_prefix_term_matches_word_starts(corpus: Store) -> None:
    assert found(corpus, Term("refund", prefix=True)) == {"a1", "a2", "a5", "g1"}


def test_handles_and_hashtags_search_the_word(store: Store, mention: MentionFactory) -> None:
    store.save_batch(
        [mention("1", "hey @acme where is my order #acmefail")],
        source="twitter",
        brand="acme",
        cursor=Cursor(),
    )
    assert found(store, Term("acme", TermKind.HANDLE)) == {"1"}
    assert found(store, Term("acmefail", TermKind.HASHTAG)) == {"1"}


def test_filters_combine_with_the_query(corpus: Store) -> None:
    refund = Term("refund")
    assert found(corpus, refund, SearchFilters(brands=("acme",))) == {"a1", "a2"}
    assert found(corpus, refund, SearchFilters(sources=("reddit",))) == {"g1"}
    assert found(corpus, refund, SearchFilters(since=at(3), until=at(6))) == {"a2", "g1"}
    assert found(corpus, refund, SearchFilters(brands=("acme", "globex"), until=at(3))) == {"a1"}
    assert found(corpus, Term("service"), SearchFilters(channels=("review",))) == {"a5"}
    assert found(corpus, Term("retard"), SearchFilters(languages=("fr",))) == {"a4"}
    assert found(corpus, Term("retard"), SearchFilters(languages=("en",))) == set()


def test_since_is_inclusive_and_until_exclusive(corpus: Store) -> None:
    assert found(corpus, None, SearchFilters(since=at(10), until=at(12))) == {"a3"}


def test_a_listing_without_query_is_newest_first(corpus: Store) -> None:
    hits = corpus.search(None, SearchFilters(brands=("acme",)), limit=3)
    assert ids(hits) == ["a6", "a5", "a4"]
    assert all(hit.rank == 0.0 for hit in hits)
    assert ids(corpus.search(None, SearchFilters(brands=("acme",)), limit=3, offset=3)) == [
        "a3",
        "a2",
        "a1",
    ]
    assert corpus.count(None, ALL) == 8


def test_pages_do_not_overlap(corpus: Store) -> None:
    query = Term("refund", prefix=True)
    first = ids(corpus.search(query, ALL, limit=2))
    second = ids(corpus.search(query, ALL, limit=2, offset=2))
    assert len(first) == len(second) == 2 and not set(first) & set(second)


def test_hits_carry_their_brands_and_details(store: Store, mention: MentionFactory) -> None:
    m = mention(
        "1",
        "acme vs globex refund",
        url="https://t.example/1",
        author_handle="jo",
        language="en",
        channel="social",
        rating=None,
    )
    store.save_batch([m], source="twitter", brand="acme", cursor=Cursor())
    store.save_batch([m], source="twitter", brand="globex", cursor=Cursor())
    [hit] = store.search(Term("refund"), SearchFilters(brands=("globex",)))
    assert hit.brands == ("acme", "globex")
    assert (hit.source, hit.url, hit.author_handle, hit.language, hit.channel) == (
        "twitter",
        "https://t.example/1",
        "jo",
        "en",
        "social",
    )
    assert hit.created_at == MAY.replace(hour=12) and hit.text == m.text


def test_duplicates_can_be_left_out(store: Store, mention: MentionFactory) -> None:
    batch = [
        mention("1", "great refund", content_hash="h"),
        mention("2", "great refund", content_hash="h"),
    ]
    store.save_batch(batch, source="twitter", brand="acme", cursor=Cursor())
    assert found(store, Term("refund")) == {"1", "2"}
    assert found(store, Term("refund"), SearchFilters(include_duplicates=False)) == {"1"}


def test_the_snippet_marks_the_matched_word(corpus: Store) -> None:
    [hit] = corpus.search(Term("charger"), ALL)
    assert f"{SNIPPET_START}charger{SNIPPET_END}" in hit.snippet
    [listed] = corpus.search(None, SearchFilters(sources=("reddit",), until=at(6)))
    assert SNIPPET_START not in listed.snippet and listed.snippet == listed.text


def test_accents_are_folded_on_both_backends(corpus: Store) -> None:
    assert found(corpus, Term("cafe")) == {"a4"}


def test_an_accented_word_is_found_as_written(corpus: Store) -> None:
    # Query text is folded by the parser; what both backends agree on is unaccented words.
    assert found(corpus, Term("froid")) == {"a4"}


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '""',
        "*",
        "refund*",
        "(",
        ")",
        "NEAR",
        "NEAR(refund",
        "'",
        "''",
        ":",
        "text:refund",
        "AND",
        "OR",
        "NOT",
        "^refund",
        'refund"',
        "-",
        "&",
        "|",
        "!",
        "!!",
        "a:*",
        "\\",
        "{x}",
        "+",
        "'refund'",
        "refund'; DROP TABLE mentions; --",
    ],
)
def test_syntax_characters_in_a_query_never_break_the_search(corpus: Store, text: str) -> None:
    for query in (
        Term(text),
        Term(text, prefix=True),
        Phrase((text, "refund")),
        And((Term("refund"), Not(Term(text)))),
        Or((Term(text), Term("refund"))),
    ):
        corpus.search(query, ALL)
        corpus.count(query, ALL)
    assert corpus.count(None, ALL) == 8


@pytest.mark.parametrize(
    "query",
    [
        Not(Term("spam")),
        And((Not(Term("spam")), Not(Term("ads")))),
        Or((Term("refund"), Not(Term("spam")))),
        And(()),
    ],
)
def test_a_query_that_only_excludes_asks_for_a_term(corpus: Store, query: Node) -> None:
    with pytest.raises(QueryError, match="add a term to search for"):
        corpus.search(query, ALL)
    with pytest.raises(QueryError, match="add a term to search for"):
        corpus.count(query, ALL)


def test_html_is_searchable_and_returned_verbatim(store: Store, mention: MentionFactory) -> None:
    text = '<script>alert("refund")</script><b>bold</b> &amp; more'
    store.save_batch([mention("1", text)], source="twitter", brand="acme", cursor=Cursor())
    [hit] = store.search(Term("alert"), ALL)
    assert hit.text == text
    assert found(store, Term("script")) == {"1"}


def test_a_one_megabyte_mention_is_stored_and_found(store: Store, mention: MentionFactory) -> None:
    filler = " ".join(f"word{i % 5000}" for i in range(120_000))
    text = ("needle at the start " + filler)[:1_000_000]
    assert len(text) == 1_000_000
    store.save_batch(
        [mention("big", text), mention("small", "no match here")],
        source="twitter",
        brand="acme",
        cursor=Cursor(),
    )
    [hit] = store.search(Term("needle"), ALL)
    assert hit.external_id == "big" and len(hit.text) == 1_000_000
    assert SNIPPET_START in hit.snippet and len(hit.snippet) < 1_000


def test_summary_counts_everything(corpus: Store, mention: MentionFactory) -> None:
    corpus.save_batch(
        [mention("a1", "Still waiting for my refund, three weeks now")],
        source="twitter",
        brand="globex",
        cursor=Cursor(),
    )
    corpus.save_batch(
        [mention("copy", "copied", content_hash="hash-twitter-a1")],
        source="twitter",
        brand="acme",
        cursor=Cursor(),
    )
    summary = corpus.summary()
    assert summary.mentions == 9
    assert summary.duplicates == 1
    assert dict(summary.by_brand) == {"acme": 7, "globex": 3}
    assert dict(summary.by_source) == {"twitter": 7, "reddit": 2}
    assert dict(summary.by_language) == {"en": 7, "fr": 1, None: 1}
    assert summary.by_channel["review"] == 1 and summary.by_channel[None] == 7
    assert summary.first_created_at == at(1)  # the copy, created at the default time
    assert summary.last_created_at == at(25)
    assert list(summary.by_source) == ["twitter", "reddit"]  # largest first


def test_an_empty_store_summarizes_to_zero(store: Store) -> None:
    summary = store.summary()
    assert (summary.mentions, summary.duplicates, summary.first_created_at) == (0, 0, None)
    assert store.search(Term("anything"), ALL) == []


def test_queries_typed_by_a_user_search_as_expected(corpus: Store) -> None:
    parser = pytest.importorskip("foundation.query.parser")
    assert found(corpus, parser.parse('"customer service" -portal')) == {"a5"}
    assert found(corpus, parser.parse("refund* -globex")) == {"a1", "a2", "a5"}
    with pytest.raises(QueryError, match="add a term to search for"):
        corpus.search(parser.parse("-spam"), ALL)
