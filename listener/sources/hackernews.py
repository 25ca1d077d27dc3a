"""The ``hackernews`` source: stories and comments from Hacker News, via the public Algolia search API.

For each brand it searches ``/api/v1/search_by_date`` once per anchor term
of the brand query (see :func:`listener.sources.querytext.anchor_terms`), newest first,
with ``numericFilters=created_at_i>N``, page by page (``page`` / ``nbPages``).
The pipeline then keeps only what matches the full brand query. Algolia stops
paging after 1,000 hits; when a window has more, the search continues below
the oldest hit seen, so a long backfill has no gap.

Cursor format (version 1), JSON::

    {"after":1763900000,"v":1}

``after`` is the newest ``created_at_i`` (Unix seconds) collected; the next
run asks only for later items. Every batch before the last one of a run keeps
the previous cursor, so an interrupted run fetches again (and the store drops
what it already has) rather than leaving a gap.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

from pydantic import Field

from foundation.errors import SourceUnavailable
from foundation.mentions import Batch, BrandQuery, Cursor, Mention
from listener.http import HttpClient
from listener.sources.base import SourceOptions
from listener.sources.html_text import html_to_text
from listener.sources.network import NetworkOptions, NetworkSource, decode_state, encode_state
from listener.sources.querytext import anchor_terms

__all__ = ["HackerNewsOptions", "HackerNewsSource"]

log = logging.getLogger(__name__)

_Kind = Literal["story", "comment"]
_KEEP_RAW = ("points", "num_comments", "story_id", "parent_id", "story_title")


class HackerNewsOptions(NetworkOptions):
    """Options of the ``hackernews`` source."""

    api_url: str = Field(
        default="https://hn.algolia.com/api/v1",
        description="Base URL of the Algolia Hacker News API.",
    )
    kinds: list[_Kind] = Field(
        default_factory=lambda: list[_Kind](("story", "comment")),
        min_length=1,
        description="Item kinds to collect: story, comment (or both).",
    )
    hits_per_page: int = Field(default=100, ge=1, le=1000, description="Items asked for per request.")
    max_pages: int = Field(
        default=50, ge=1, le=10_000, description="Most pages fetched per search term and run (a safety stop)."
    )


class HackerNewsSource(NetworkSource[HackerNewsOptions]):
    """Collects Hacker News stories and comments that mention each brand."""

    summary: ClassVar[str] = "Hacker News stories and comments (public Algolia search API)"
    needs: ClassVar[str] = "nothing: no credentials; optional kinds, backfill_days"
    options_model: ClassVar[type[SourceOptions]] = HackerNewsOptions
    matches_query: ClassVar[bool] = True

    def fetch(self, brand: BrandQuery, cursor: Cursor) -> Iterator[Batch]:
        """Yield one batch per page of new items for ``brand``; the last carries the new cursor."""
        state = decode_state(cursor, self.name)
        after = state.get("after")
        if not isinstance(after, int):
            after = int(self.hooks.backfill_start(self.options).timestamp())
        newest = after
        terms = anchor_terms(brand.expression, brand.name)
        log.info("%s: searching %d term(s) for %s, items after %d", self.name, len(terms), brand.name, after)
        with self.hooks.client(self.name, self.options, auth_hint="the api_url option") as client:
            for term in terms:
                for mentions, page_newest in self._search(client, term, after):
                    newest = max(newest, page_newest)
                    yield Batch(mentions, cursor)
        yield Batch((), encode_state({"after": newest}))

    def _search(self, client: HttpClient, term: str, after: int) -> Iterator[tuple[tuple[Mention, ...], int]]:
        """Pages of ``term`` after ``after``: (mentions, newest created_at_i on the page)."""
        opts = self.options
        tags = ",".join(opts.kinds)
        below: int | None = None
        fetched = 0
        while fetched < opts.max_pages:
            filters = f"created_at_i>{after}" + (f",created_at_i<={below}" if below is not None else "")
            page, pages, oldest = 0, 1, None
            while page < pages and fetched < opts.max_pages:
                params = {
                    "query": term,
                    "tags": f"({tags})",
                    "numericFilters": filters,
                    "hitsPerPage": opts.hits_per_page,
                    "page": page,
                }
                body, _ = client.get_json(f"{opts.api_url.rstrip('/')}/search_by_date", params=params)
                fetched += 1
                hits, pages = _page(body, self.name)
                unreadable = len(body["hits"]) - sum(1 for h in hits if h.get("objectID") and _stamp(h) is not None)
                if unreadable:
                    log.warning(
                        "%s: skipped %d search hit(s) without an objectID or a plausible created_at_i "
                        "(the API answered something unexpected)",
                        self.name,
                        unreadable,
                    )
                mentions = tuple(m for m in (self._mention(h) for h in hits) if m is not None)
                stamps = [stamp for stamp in map(_stamp, hits) if stamp is not None]
                if stamps:
                    oldest = min(stamps) if oldest is None else min(oldest, *stamps)
                yield mentions, max(stamps, default=after)
                if not hits:
                    break
                page += 1
            total = body.get("nbHits") if isinstance(body, dict) else None
            capped = isinstance(total, int) and total > pages * opts.hits_per_page
            if not capped or oldest is None or (below is not None and oldest >= below):
                return
            below = oldest  # Algolia pages stop at 1,000 hits: continue below the oldest seen

    def _mention(self, hit: Mapping[str, Any]) -> Mention | None:
        """The mention for one hit; None for deleted, dead or empty items."""
        object_id = hit.get("objectID")
        stamp = _stamp(hit)
        if not object_id or stamp is None:
            return None
        tags = hit.get("_tags")
        tags = tags if isinstance(tags, list) else []
        kind = "comment" if "comment" in tags or hit.get("comment_text") else "story"
        if kind == "comment":
            text = html_to_text(_string(hit.get("comment_text")))
        else:
            title = _string(hit.get("title")).strip()
            body = html_to_text(_string(hit.get("story_text")))
            text = f"{title}\n\n{body}" if title and body else title or body
        author = hit.get("author")
        if not text or not author or not isinstance(author, str) or text in ("[deleted]", "[dead]"):
            return None
        return Mention(
            source=self.name,
            external_id=str(object_id),
            text=text,
            created_at=datetime.fromtimestamp(stamp, UTC),
            url=f"https://news.ycombinator.com/item?id={object_id}",
            author_handle=str(author),
            channel="hackernews",
            raw={"kind": kind, **{k: hit[k] for k in _KEEP_RAW if hit.get(k) is not None}},
        )


_LAST_STAMP = 4_102_444_800
"""2100-01-01 in Unix seconds: a later ``created_at_i`` is garbage (it would move the cursor past every real item)."""


def _stamp(hit: Mapping[str, Any]) -> int | None:
    """A hit's ``created_at_i``; None when it is not a plausible Unix time."""
    value = hit.get("created_at_i")
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < _LAST_STAMP:
        return None
    return value


def _string(value: Any) -> str:
    """A hit's text field; '' when the API sent something else (an item is skipped, not a crash)."""
    return value if isinstance(value, str) else ""


def _page(body: Any, source: str) -> tuple[list[Mapping[str, Any]], int]:
    """(hits, nbPages) of one search answer; SourceUnavailable when it is not one."""
    if not isinstance(body, dict) or not isinstance(body.get("hits"), list):
        raise SourceUnavailable(
            f"{source}: the Hacker News search answered without a 'hits' list; the API may have changed"
        )
    pages = body.get("nbPages")
    hits: list[Mapping[str, Any]] = [h for h in body["hits"] if isinstance(h, dict)]
    return hits, pages if isinstance(pages, int) else 0
