"""The ``rss`` source: entries of any RSS or Atom feed (review sites, blogs, news, forums).

Each feed in ``feeds`` is fetched with httpx (conditional on the ``ETag`` and
``Last-Modified`` of the previous run, so an unchanged feed costs a 304 and
nothing else) and parsed by feedparser. Entries published (or updated) after
the newest one collected before are kept; on the first run, those of the
last ``backfill_days``. Entries without a date are always offered: the store
knows their ids and keeps each one once. The pipeline keeps only entries that
match the brand query.

A feed that fails (unreachable, not a feed, refused) is reported as a
rejected line and the other feeds are still read; the source fails only when
every feed does.

Cursor format (version 1), JSON::

    {"feeds":{"https://example.com/feed.xml":{"etag":"\\"abc\\"","latest":"2026-11-22T09:00:00+00:00",
        "modified":"Sun, 22 Nov 2026 09:00:00 GMT"}},"v":1}
"""

from __future__ import annotations

import calendar
import hashlib
import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

import feedparser
import httpx
from pydantic import Field, field_validator

from foundation.errors import SourceError, SourceUnavailable
from foundation.mentions import Batch, BrandQuery, Cursor, Mention
from listener.http import HttpClient
from listener.sources.base import SourceOptions
from listener.sources.html_text import html_to_text
from listener.sources.network import NetworkOptions, NetworkSource, decode_state, encode_state

__all__ = ["RssOptions", "RssSource"]

log = logging.getLogger(__name__)

_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
_MAX_ID = 500


class RssOptions(NetworkOptions):
    """Options of the ``rss`` source."""

    feeds: list[str] = Field(
        min_length=1, description="URLs of the RSS or Atom feeds to read, e.g. ['https://example.com/feed.xml']."
    )

    @field_validator("feeds")
    @classmethod
    def _urls(cls, values: list[str]) -> list[str]:
        urls = [v.strip() for v in values]
        bad = [u for u in urls if not u.startswith(("https://", "http://")) or not httpx.URL(u).host]
        if bad:
            raise ValueError(f"feeds must be http(s) URLs: {bad}")
        return urls


def _when(entry: Mapping[str, Any]) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
    return None


def _language(code: Any) -> str | None:
    if not isinstance(code, str) or not code.strip():
        return None
    return code.strip().split("-")[0].split("_")[0].lower()[:35] or None


class RssSource(NetworkSource[RssOptions]):
    """Collects new entries of RSS and Atom feeds."""

    summary: ClassVar[str] = "Entries of any RSS or Atom feed: review sites, blogs, news, forums"
    needs: ClassVar[str] = "feeds (a list of feed URLs); no credentials"
    options_model: ClassVar[type[SourceOptions]] = RssOptions
    matches_query: ClassVar[bool] = True

    def fetch(self, brand: BrandQuery, cursor: Cursor) -> Iterator[Batch]:
        """Yield one batch per feed, carrying that feed's new ETag, Last-Modified and newest date."""
        found = decode_state(cursor, self.name).get("feeds")
        state = {k: v for k, v in found.items() if isinstance(v, dict)} if isinstance(found, dict) else {}
        backfill = self.hooks.backfill_start(self.options)
        failures: list[SourceError] = []
        headers = {"Accept": _ACCEPT}
        with self.hooks.client(self.name, self.options, auth_hint="the feed URL", headers=headers) as client:
            for url in self.options.feeds:
                try:
                    mentions, feed_state = self._read(client, url, state.get(url, {}), backfill)
                except SourceError as exc:
                    failures.append(exc)
                    yield Batch((), encode_state({"feeds": state}), rejected=(str(exc),))
                    continue
                state[url] = feed_state
                yield Batch(mentions, encode_state({"feeds": state}))
        log.info("%s: read %d feed(s) for %s", self.name, len(self.options.feeds) - len(failures), brand.name)
        if failures and len(failures) == len(self.options.feeds):
            raise failures[0]

    def _read(
        self, client: HttpClient, url: str, previous: Mapping[str, Any], backfill: datetime
    ) -> tuple[tuple[Mention, ...], dict[str, Any]]:
        headers = {}
        if isinstance(previous.get("etag"), str):
            headers["If-None-Match"] = previous["etag"]
        if isinstance(previous.get("modified"), str):
            headers["If-Modified-Since"] = previous["modified"]
        response = client.get(url, headers=headers, accept=(304,))
        if response.status_code == 304:
            log.debug("%s: %s has not changed", self.name, url)
            return (), dict(previous)
        received = {k.lower(): v for k, v in response.headers.items()}
        # our text is plain (html_to_text), so feedparser need not sanitize or resolve links: 2x faster
        parsed = feedparser.parse(
            response.content, response_headers=received, sanitize_html=False, resolve_relative_uris=False
        )
        if not parsed.version and not parsed.entries:
            problem = str(parsed.get("bozo_exception") or "") or "unknown format"
            raise SourceUnavailable(
                f"{self.name}: {url} is not an RSS or Atom feed ({problem}); check the URL in feeds"
            )
        latest_text = previous.get("latest")
        after = datetime.fromisoformat(latest_text) if isinstance(latest_text, str) else backfill
        newest = after
        language = _language(parsed.feed.get("language"))
        mentions: list[Mention] = []
        for entry in parsed.entries:
            found = self._mention(entry, url, language)
            if found is None:
                continue
            mention, dated = found
            if dated and mention.created_at < after:
                continue
            if dated:
                newest = max(newest, mention.created_at)
            mentions.append(mention)
        feed_state: dict[str, Any] = {"latest": newest.isoformat()}
        for header, key in (("etag", "etag"), ("last-modified", "modified")):
            if response.headers.get(header):
                feed_state[key] = response.headers[header]
        return tuple(mentions), feed_state

    def _mention(self, entry: Mapping[str, Any], feed_url: str, language: str | None) -> tuple[Mention, bool] | None:
        """The mention for one entry and whether the entry is dated; None when it has no text."""
        title = html_to_text(entry.get("title"))
        contents = entry.get("content") or []
        body_html = contents[0].get("value") if contents else entry.get("summary")
        body = html_to_text(body_html)
        if body == title:
            body = ""
        text = f"{title}\n\n{body}" if title and body else title or body
        if not text:
            return None
        link = entry.get("link")
        external_id = str(entry.get("id") or link or "")
        if not external_id or len(external_id) > _MAX_ID:
            digest = hashlib.sha256(f"{external_id}\n{text}".encode()).hexdigest()[:32]
            external_id = f"{feed_url[:400]}#sha256-{digest}"
        created = _when(entry)
        undated = created is None
        if created is None:
            created = self.hooks.now().astimezone(UTC)
        mention = Mention(
            source=self.name,
            external_id=external_id,
            text=text,
            created_at=created,
            url=link if isinstance(link, str) else None,
            author_name=(entry.get("author") or None),
            language=language,
            channel="rss",
            raw={"feed": feed_url, "title": title or None, **({"undated": True} if undated else {})},
        )
        return mention, not undated
