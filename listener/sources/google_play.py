"""The ``google_play`` source: the newest reviews of configured Android apps.

Google Play has no public reviews API for other people's apps; the
google-play-scraper library knows the store's internal ``batchexecute``
request and the layout of its answer. We use the library for exactly that
(:class:`Formats.Reviews` builds the request, ``Regex.REVIEWS`` and
``ElementSpecs.Review`` read the answer) and send the request ourselves with
httpx, because the library's own ``reviews()`` returns an empty list on any
failure (5xx, timeout, malformed answer: a run could not tell "no new
reviews" from "Google is down"), sets no timeout and no User-Agent, and
sleeps with ``time.sleep``. Importing the library also turns off TLS
certificate checks for every ``urllib`` user in the process; we undo that.

Reviews come newest first, ``page_size`` per request, following the
continuation token. Cursor format (version 1), JSON::

    {"v": 1, "apps": {"<app id>": {"t": <newest review time, epoch s>, "ids": [review ids at that time]}}}

The continuation token is only valid for one walk, so it is not kept: each
run walks from the newest review down to the stored newest time (skipping
the ids already seen at that second); the first run walks back
``backfill_days``. The star rating goes to ``Mention.rating``; the app
version the review was written for is kept in ``raw``. Reviews without text
(rating only) are skipped.
"""

from __future__ import annotations

import json
import logging
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, ClassVar

import httpx
from pydantic import Field, field_validator

from foundation.errors import SourceError
from foundation.mentions import Batch, BrandQuery, Cursor, Mention
from listener.http import HttpClient
from listener.sources.base import SourceOptions
from listener.sources.network import (
    NetworkOptions,
    NetworkSource,
    decode_state,
    encode_state,
)

__all__ = ["REVIEWS_URL", "GooglePlayOptions", "GooglePlaySource"]

log = logging.getLogger(__name__)

REVIEWS_URL = "https://play.google.com/_/PlayStoreUi/data/batchexecute"
_SORT_NEWEST = 2


class GooglePlayOptions(NetworkOptions):
    """Options of the ``google_play`` source (``[[sources]] type = "google_play"``)."""

    app_ids: list[str] = Field(
        min_length=1, description="Package names of the apps, e.g. ['com.northwind.app'] (from the store URL's id=)."
    )
    lang: str = Field(default="en", description="Language of the reviews to read (two letters).")
    country: str = Field(default="us", description="Store country (two letters).")
    page_size: int = Field(default=100, ge=10, le=200, description="Reviews per request.")

    @field_validator("app_ids")
    @classmethod
    def _package_names(cls, values: list[str]) -> list[str]:
        bad = [v for v in values if not v or not all(part.replace("_", "").isalnum() for part in v.split("."))]
        if bad:
            raise ValueError(f"not an Android package name: {', '.join(map(repr, bad))}; e.g. 'com.example.app'")
        return values


class _Protocol:
    """The pieces of google-play-scraper we use, imported without its TLS side effect."""

    def __init__(self) -> None:
        saved = ssl._create_default_https_context
        try:
            from google_play_scraper.constants.element import ElementSpecs
            from google_play_scraper.constants.regex import Regex
            from google_play_scraper.constants.request import Formats
        finally:
            ssl._create_default_https_context = saved  # the library sets it to an unverified context
        self.formats, self.regex, self.specs = Formats.Reviews, Regex.REVIEWS, ElementSpecs.Review

    def body(self, app_id: str, count: int, token: str | None) -> bytes:
        body: bytes = self.formats.build_body(app_id, _SORT_NEWEST, count, "null", "null", token)
        return body

    def parse(self, text: str) -> tuple[list[Any], str | None] | None:
        """(review arrays, next token); None when the app is unknown. ValueError when unreadable."""
        found = self.regex.findall(text)
        if not found:
            raise ValueError("no reviews payload in the answer")
        outer = json.loads(found[0])
        payload = outer[0][2]
        if payload is None:
            return None
        data = json.loads(payload)
        reviews = data[0] if data and isinstance(data[0], list) else []
        return reviews, _token(data)

    def field(self, review: list[Any], name: str) -> Any:
        return self.specs[name].extract_content(review)


def _token(data: Any) -> str | None:
    """The next page's token: ``data[1][1]`` today, ``data[-2][-1]`` where the library looks."""
    for path in ((1, 1), (-2, -1)):
        try:
            value = data[path[0]][path[1]]
        except (IndexError, TypeError, KeyError):
            continue
        if isinstance(value, str) and value:
            return value
    return None


def _review_time(review: list[Any]) -> float | None:
    try:
        value = review[5][0]
    except (IndexError, TypeError):
        return None
    return float(value) if isinstance(value, int | float) else None


class GooglePlaySource(NetworkSource[GooglePlayOptions]):
    """Newest Google Play reviews of the brand's apps, with their star rating."""

    summary: ClassVar[str] = "Google Play: newest reviews of your Android apps, with star ratings"
    needs: ClassVar[str] = "app_ids (package names); optional lang, country. No credentials"
    options_model: ClassVar[type[SourceOptions]] = GooglePlayOptions
    matches_query: ClassVar[bool] = False

    def _page(self, client: HttpClient, protocol: _Protocol, app_id: str, token: str | None) -> Any:
        """One page of reviews: (review arrays, next token), or None when the app is unknown."""

        def decode(response: httpx.Response) -> Any:
            if response.status_code == 404:
                return None
            text = response.text
            if "PlayGatewayError" in text:
                raise ValueError("the store's gateway refused the request (throttled)")
            try:
                return protocol.parse(text)
            except (ValueError, IndexError, TypeError) as exc:
                raise ValueError(f"malformed answer ({exc})") from None

        return client.post(
            REVIEWS_URL,
            params={"hl": self.options.lang, "gl": self.options.country},
            content=protocol.body(app_id, self.options.page_size, token),
            headers={"Content-Type": "application/x-www-form-urlencoded;charset=UTF-8"},
            accept=(404,),
            decode=decode,
        )

    # -- fetching -------------------------------------------------------------------

    def fetch(self, brand: BrandQuery, cursor: Cursor) -> Iterator[Batch]:
        """Yield each app's new reviews, one batch per page."""
        state = decode_state(cursor, self.name) or {}
        apps: dict[str, Any] = dict(state.get("apps") or {})
        protocol = _Protocol()
        with self.hooks.client(self.name, self.options, auth_hint="the app_ids option") as client:
            for app_id in self.options.app_ids:
                yield from self._app(client, protocol, app_id, apps)

    def _app(self, client: HttpClient, protocol: _Protocol, app_id: str, apps: dict[str, Any]) -> Iterator[Batch]:
        part = apps.get(app_id) if isinstance(apps.get(app_id), dict) else None
        if part is not None and isinstance(part.get("t"), int | float):
            floor, known = float(part["t"]), set(part.get("ids") or [])
        else:
            floor, known = self.hooks.backfill_start(self.options).timestamp(), set()
        newest: float | None = None
        newest_ids: set[str] = set()
        token: str | None = None
        pages = 0
        while True:
            parsed = self._page(client, protocol, app_id, token)
            pages += 1
            if parsed is None:
                raise SourceError(
                    f"{self.name}: Google Play knows no app {app_id!r} in country {self.options.country!r}; "
                    "check app_ids (the id= part of the app's store URL)"
                )
            reviews, token = parsed
            mentions: list[Mention] = []
            done = not reviews
            for review in reviews:
                at = _review_time(review)
                review_id = protocol.field(review, "reviewId")
                if at is None or not isinstance(review_id, str):
                    continue
                if at < floor:
                    done = True
                    break
                if review_id in known:
                    continue
                if newest is None or at > newest:
                    newest, newest_ids = at, {review_id}
                elif at == newest:
                    newest_ids.add(review_id)
                mention = self._mention(protocol, review, app_id, review_id, at)
                if mention is not None:
                    mentions.append(mention)
            if done or not token:
                if newest is not None:
                    ids = newest_ids | (known if part is not None and newest == floor else set())
                    apps[app_id] = {"t": newest, "ids": sorted(ids)}
                yield Batch(tuple(mentions), encode_state({"apps": dict(apps)}))
                log.debug("%s: %s read in %d page(s)", self.name, app_id, pages)
                return
            yield Batch(tuple(mentions), encode_state({"apps": dict(apps)}))

    def _mention(
        self, protocol: _Protocol, review: list[Any], app_id: str, review_id: str, at: float
    ) -> Mention | None:
        text = protocol.field(review, "content")
        if not isinstance(text, str) or not text.strip():
            return None
        score = protocol.field(review, "score")
        author = protocol.field(review, "userName")
        return Mention(
            source=self.name,
            external_id=review_id,
            text=text,
            created_at=datetime.fromtimestamp(at, UTC),
            url=f"https://play.google.com/store/apps/details?id={app_id}&reviewId={review_id}",
            author_handle=None,
            author_name=author if isinstance(author, str) and author else None,
            channel="google_play",
            rating=float(score) if isinstance(score, int | float) else None,
            raw={
                "app_id": app_id,
                "app_version": protocol.field(review, "appVersion"),
                "thumbs_up": protocol.field(review, "thumbsUpCount"),
                "reply": protocol.field(review, "replyContent"),
            },
        )
