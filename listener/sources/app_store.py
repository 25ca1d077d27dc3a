"""The ``app_store`` source: customer reviews of iOS apps from Apple's public reviews feed.

For each configured app id and country it reads
``https://itunes.apple.com/{country}/rss/customerreviews/page={n}/id={app_id}/sortby=mostrecent/json``,
newest first, page 1 up to the feed's ``rel="last"`` page (Apple serves at
most 10 pages of 50 reviews), and stops at the first review older than what
the previous run collected (or than ``backfill_days`` on the first run).

Each review keeps its star rating (``Mention.rating``, 1-5) and the app
version it was written for (``raw["app_version"]``). Reviews are about the
configured app, so they are not filtered by the brand query
(``matches_query = False``): give the source ``brands = ["<the app's brand>"]``.

Cursor format (version 1), JSON::

    {"feeds":{"us/284882215":"2026-11-22T09:15:00+00:00"},"v":1}

the ``updated`` time of the newest review collected per country and app;
each entry moves with the last page of its feed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar

from pydantic import Field, field_validator

from foundation.errors import SourceUnavailable
from foundation.mentions import Batch, BrandQuery, Cursor, Mention
from listener.http import HttpClient
from listener.sources.base import SourceOptions
from listener.sources.network import NetworkOptions, NetworkSource, decode_state, encode_state

__all__ = ["AppStoreOptions", "AppStoreSource"]

log = logging.getLogger(__name__)

_MAX_PAGES = 10
_LAST_PAGE = re.compile(r"/page=(\d+)/")


class AppStoreOptions(NetworkOptions):
    """Options of the ``app_store`` source."""

    app_ids: list[str] = Field(
        min_length=1,
        description="Numeric App Store ids of the apps, e.g. ['284882215'] (the digits after 'id' in the app's URL).",
    )
    countries: list[str] = Field(
        default_factory=lambda: ["us"],
        description="Two-letter storefront codes to read reviews from, e.g. ['us', 'gb', 'de'].",
    )
    feed_url: str = Field(
        default="https://itunes.apple.com",
        description="Base URL of the reviews feed (change only for a mirror or a test server).",
    )

    @field_validator("app_ids")
    @classmethod
    def _numeric(cls, values: list[str]) -> list[str]:
        ids = [str(v).strip().removeprefix("id") for v in values]
        bad = [v for v in ids if not v.isdigit()]
        if bad:
            raise ValueError(f"app ids are digits, as in apps.apple.com/us/app/name/id284882215: {bad}")
        return ids

    @field_validator("countries")
    @classmethod
    def _two_letters(cls, values: list[str]) -> list[str]:
        codes = [v.strip().lower() for v in values]
        bad = [c for c in codes if not re.fullmatch(r"[a-z]{2}", c)]
        if bad or not codes:
            raise ValueError(f"countries are two-letter storefront codes like 'us' or 'gb'; got {bad or values}")
        return codes


def _label(entry: Mapping[str, Any], key: str) -> str | None:
    node = entry.get(key)
    if isinstance(node, dict):
        value = node.get("label")
        return value.strip() if isinstance(value, str) else None
    return None


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when.astimezone(UTC) if when.tzinfo is not None else when.replace(tzinfo=UTC)


class AppStoreSource(NetworkSource[AppStoreOptions]):
    """Collects the newest App Store reviews of configured apps, per storefront."""

    summary: ClassVar[str] = "Apple App Store customer reviews of your apps (public reviews feed), with star ratings"
    needs: ClassVar[str] = "app_ids; optional countries (default us); no credentials"
    options_model: ClassVar[type[SourceOptions]] = AppStoreOptions
    matches_query: ClassVar[bool] = False

    def fetch(self, brand: BrandQuery, cursor: Cursor) -> Iterator[Batch]:
        """Yield one batch per feed page; the last page of each feed moves its cursor entry."""
        found = decode_state(cursor, self.name).get("feeds")
        state = {k: v for k, v in found.items() if isinstance(v, str)} if isinstance(found, dict) else {}
        backfill = self.hooks.backfill_start(self.options)
        with self.hooks.client(self.name, self.options, auth_hint="the app_ids and countries options") as client:
            for country in self.options.countries:
                for app_id in self.options.app_ids:
                    key = f"{country}/{app_id}"
                    after = _parse_time(state.get(key)) or backfill
                    newest = after
                    for mentions in self._feed(client, country, app_id, after):
                        newest = max([newest, *(m.created_at for m in mentions)])
                        yield Batch(mentions, encode_state({"feeds": state}))
                    if newest > after or key not in state:
                        state[key] = newest.isoformat()
                    yield Batch((), encode_state({"feeds": state}))
                    log.info("%s: read reviews of app %s in %s for %s", self.name, app_id, country, brand.name)

    def _feed(self, client: HttpClient, country: str, app_id: str, after: datetime) -> Iterator[tuple[Mention, ...]]:
        base = self.options.feed_url.rstrip("/")
        last = _MAX_PAGES
        page = 1
        while page <= last:
            url = f"{base}/{country}/rss/customerreviews/page={page}/id={app_id}/sortby=mostrecent/json"
            body, _ = client.get_json(url)
            feed = body.get("feed") if isinstance(body, dict) else None
            if not isinstance(feed, dict):
                raise SourceUnavailable(f"{self.name}: the reviews feed of app {app_id} ({country}) has no 'feed'")
            entries = feed.get("entry") or []
            if isinstance(entries, dict):  # a feed with one entry sends it bare
                entries = [entries]
            reviews = [e for e in entries if isinstance(e, dict) and "im:rating" in e]  # the app itself has none
            if not reviews:
                return
            mentions = []
            older = False
            for entry in reviews:
                mention = self._mention(entry, country, app_id)
                if mention is None:
                    continue
                if mention.created_at < after:
                    older = True
                    continue
                mentions.append(mention)
            yield tuple(mentions)
            if older:
                return
            if page == 1:
                last = min(_MAX_PAGES, _last_page(feed))
            page += 1

    def _mention(self, entry: Mapping[str, Any], country: str, app_id: str) -> Mention | None:
        """The mention for one review; None when it has no id, date or text."""
        review_id = _label(entry, "id")
        created = _parse_time(_label(entry, "updated"))
        title = _label(entry, "title") or ""
        body = _label(entry, "content") or ""
        text = f"{title}\n\n{body}" if title and body else title or body
        if not review_id or created is None or not text:
            return None
        try:
            rating: float | None = float(_label(entry, "im:rating") or "")
        except ValueError:
            rating = None
        author = entry.get("author") if isinstance(entry.get("author"), dict) else {}
        author_name = _label(author or {}, "name")
        link = entry.get("link")
        href = link.get("attributes", {}).get("href") if isinstance(link, dict) else None
        return Mention(
            source=self.name,
            external_id=review_id,
            text=text,
            created_at=created,
            url=href if isinstance(href, str) else None,
            author_name=author_name or None,
            channel="app_store",
            rating=rating if rating is not None and 1 <= rating <= 5 else None,
            raw={
                "app_id": app_id,
                "country": country,
                "app_version": _label(entry, "im:version"),
                "title": title or None,
                "vote_sum": _label(entry, "im:voteSum"),
                "vote_count": _label(entry, "im:voteCount"),
            },
        )


def _last_page(feed: Mapping[str, Any]) -> int:
    """The page number of the feed's ``rel="last"`` link; 1 when there is none."""
    links = feed.get("link") or []
    for link in links if isinstance(links, list) else [links]:
        attributes = link.get("attributes") if isinstance(link, dict) else None
        if isinstance(attributes, dict) and attributes.get("rel") == "last":
            found = _LAST_PAGE.search(str(attributes.get("href", "")))
            if found:
                return max(1, int(found.group(1)))
    return 1
