"""The ``bluesky`` source: post search (``app.bsky.feed.searchPosts``) through atproto's ``Client``.

Bluesky's search takes plain words and "phrases" with no reliable boolean
syntax, so the brand query becomes a few plain searches whose union covers
every post it can match (see :func:`listener.sources.querytext.positive_alternatives`);
exclusions and the exact query are applied by the pipeline. With one brand
language, the search asks for it (``lang``).

Search needs a logged-in account: Bluesky turned off unauthenticated post
search on its public AppView in 2025. The source logs in with a handle and an
app password (never the account password), both from the options.

Cursor format (version 1), JSON::

    {"v": 1, "searches": {"<search key>": {"t": "<newest sort time, ISO>", "ids": [at:// URIs]}}}

Each run asks for posts ``since`` fifteen minutes before the stored newest
time (the index lags a little), skipping the URIs already seen; the first run
asks for ``backfill_days``. Posts with no text (images only), and posts whose
author asked not to be shown to logged-out users (the
``!no-unauthenticated`` label), are skipped.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import httpx
from pydantic import Field, SecretStr

from foundation.errors import AuthError, RateLimited, SourceError, SourceUnavailable
from foundation.mentions import Batch, BrandQuery, Cursor, Mention
from listener.http import USER_AGENT, resumes_message
from listener.retry import Retry
from listener.sources.base import SourceOptions
from listener.sources.network import (
    NetworkOptions,
    NetworkSource,
    SourceHooks,
    call_api,
    decode_state,
    encode_state,
    rate_limit_verdict,
)
from listener.sources.querytext import positive_alternatives

__all__ = ["BlueskyOptions", "BlueskySource"]

log = logging.getLogger(__name__)

OVERLAP = timedelta(minutes=15)
_MAX_IDS = 2000
_HIDDEN_LABEL = "!no-unauthenticated"


class BlueskyOptions(NetworkOptions):
    """Options of the ``bluesky`` source (``[[sources]] type = "bluesky"``)."""

    handle: str = Field(min_length=3, description="Handle of the account that searches, e.g. 'acme-cx.bsky.social'.")
    app_password: SecretStr = Field(
        description="An app password of that account (Settings > Privacy and security > App passwords); "
        'write app_password = { env = "BSKY_APP_PASSWORD" }.'
    )
    service: str = Field(
        default="https://bsky.social", description="The account's PDS (its hosting service); bsky.social for most."
    )
    page_size: int = Field(default=100, ge=1, le=100, description="Posts per request (1-100).")


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _key(search: str) -> str:
    return hashlib.sha256(search.encode()).hexdigest()[:12]


def _web_url(uri: str, handle: str | None) -> str | None:
    """``https://bsky.app/profile/<handle>/post/<rkey>`` from ``at://<did>/app.bsky.feed.post/<rkey>``."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) != 3 or parts[1] != "app.bsky.feed.post":
        return None
    who = handle if handle and handle != "handle.invalid" else parts[0]
    return f"https://bsky.app/profile/{who}/post/{parts[2]}"


class BlueskySource(NetworkSource[BlueskyOptions]):
    """Bluesky posts matching each brand's query (post search, logged in with an app password)."""

    summary: ClassVar[str] = "Bluesky: posts matching the brand query (atproto post search)"
    needs: ClassVar[str] = 'handle, app_password = { env = "BSKY_APP_PASSWORD" } (an app password, not the login one)'
    options_model: ClassVar[type[SourceOptions]] = BlueskyOptions
    matches_query: ClassVar[bool] = True

    def __init__(self, name: str, options: SourceOptions, *, hooks: SourceHooks | None = None) -> None:
        super().__init__(name, options, hooks=hooks)
        self._logged_in: Any = None  # one login per source instance, shared by its brands

    # -- errors -------------------------------------------------------------------

    def _verdict(self, exc: BaseException) -> Retry | None:
        from atproto_client import exceptions as ex

        if isinstance(exc, ex.RateLimitExceededError):
            return rate_limit_verdict(exc.reset_at, self.options, self.hooks)
        if isinstance(exc, ex.NetworkError):  # timeouts, connection failures, 502
            return Retry()
        if isinstance(exc, ex.RequestException) and exc.response is not None and exc.response.status_code >= 500:
            return Retry()
        if isinstance(exc, ValueError | ex.ModelError):
            return Retry()
        return None

    def _mapped(self, exc: Exception) -> SourceError:
        from atproto_client import exceptions as ex

        attempts = f"after {self.options.max_attempts} attempt(s)"
        if isinstance(exc, ex.UnauthorizedError):
            return AuthError(
                f"{self.name}: Bluesky refused the login of {self.options.handle!r} ({exc}); check handle and the "
                "environment variable behind app_password (an app password from Settings > App passwords)"
            )
        if isinstance(exc, ex.RateLimitExceededError):
            return RateLimited(
                f"{self.name}: Bluesky says too many requests (429); {resumes_message(exc.reset_at)}", exc.reset_at
            )
        if isinstance(exc, ex.InvokeTimeoutError):
            return SourceUnavailable(
                f"{self.name}: Bluesky did not answer within {self.options.timeout_seconds:g}s {attempts}; "
                "try again later or raise timeout_seconds"
            )
        if isinstance(exc, ex.NetworkError):
            return SourceUnavailable(
                f"{self.name}: cannot reach {self.options.service} {attempts} ({exc or type(exc).__name__}); "
                "check the network and the service option"
            )
        if isinstance(exc, ex.BadRequestError):
            return SourceError(f"{self.name}: Bluesky rejected the request ({exc}); check the brand query and handle")
        if isinstance(exc, ex.RequestException):
            return SourceUnavailable(f"{self.name}: Bluesky answered {exc} {attempts}; try again later")
        if isinstance(exc, ValueError | ex.ModelError):
            return SourceUnavailable(f"{self.name}: Bluesky answered with malformed JSON {attempts}; try again later")
        if isinstance(exc, ex.AtProtocolError):
            return SourceError(f"{self.name}: Bluesky request failed ({type(exc).__name__}: {exc})")
        return SourceUnavailable(f"{self.name}: Bluesky request failed ({type(exc).__name__})")

    def _call(self, call: Any, what: str) -> Any:
        try:
            return call_api(call, self._verdict, options=self.options, hooks=self.hooks, what=f"{self.name}: {what}")
        except Exception as exc:
            raise self._mapped(exc) from None

    # -- fetching -----------------------------------------------------------------

    def _client(self) -> Any:
        if self._logged_in is not None:
            return self._logged_in
        from atproto import Client
        from atproto_client.request import Request

        request = Request(timeout=httpx.Timeout(self.options.timeout_seconds))
        request.add_additional_header("User-Agent", USER_AGENT)
        client = Client(base_url=self.options.service, request=request)
        password = self.options.app_password.get_secret_value()
        self._call(lambda: client.login(self.options.handle, password, fetch_bsky_profile=False), "login")
        self._logged_in = client
        return client

    def fetch(self, brand: BrandQuery, cursor: Cursor) -> Iterator[Batch]:
        """Yield each page of new posts for every search of ``brand``."""
        state = decode_state(cursor, self.name) or {}
        old: dict[str, Any] = dict(state.get("searches") or {})
        searches = positive_alternatives(brand.expression)
        parts = {_key(s): old[_key(s)] for s in searches if _key(s) in old}
        client = self._client()
        seen: set[str] = set()
        for search in searches:
            yield from self._search(client, brand, search, parts, seen)

    def _search(
        self, client: Any, brand: BrandQuery, search: str, parts: dict[str, Any], seen: set[str]
    ) -> Iterator[Batch]:
        key = _key(search)
        part = parts.get(key) if isinstance(parts.get(key), dict) else None
        stored_t = _parse_time(part.get("t")) if part else None
        known = set(part.get("ids") or []) if part else set()
        since = stored_t - OVERLAP if stored_t else self.hooks.backfill_start(self.options)
        params: dict[str, Any] = {
            "q": search,
            "sort": "latest",
            "since": since.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "limit": self.options.page_size,
        }
        if len(brand.languages) == 1:
            params["lang"] = brand.languages[0]
        fresh: dict[str, datetime] = {}
        page_cursor: str | None = None
        while True:
            page_params = {**params, "cursor": page_cursor} if page_cursor else params
            response = self._call(lambda p=page_params: client.app.bsky.feed.search_posts(p), "search")
            mentions: list[Mention] = []
            for post in response.posts:
                uri = str(post.uri)
                sort_at = self._sort_at(post)
                if uri in known or uri in seen or sort_at is None:
                    continue
                seen.add(uri)
                fresh[uri] = sort_at
                mention = self._mention(post)
                if mention is not None:
                    mentions.append(mention)
            page_cursor = response.cursor if response.posts else None
            if not page_cursor:
                if fresh:
                    newest = max([*fresh.values(), *([stored_t] if stored_t else [])])
                    horizon = newest - OVERLAP
                    keep = {u for u, t in fresh.items() if t >= horizon}
                    if stored_t and stored_t >= horizon:
                        keep |= known
                    parts[key] = {"t": newest.isoformat(), "ids": sorted(keep)[:_MAX_IDS]}
                yield Batch(tuple(mentions), encode_state({"searches": dict(parts)}))
                return
            yield Batch(tuple(mentions), encode_state({"searches": dict(parts)}))

    @staticmethod
    def _sort_at(post: Any) -> datetime | None:
        record = post.record
        created = _parse_time(getattr(record, "created_at", None))
        indexed = _parse_time(post.indexed_at)
        times = [t for t in (created, indexed) if t is not None]
        return min(times) if times else None

    def _mention(self, post: Any) -> Mention | None:
        record = post.record
        text = getattr(record, "text", None)
        if not isinstance(text, str) or not text.strip():
            return None
        labels = [*(post.labels or []), *(post.author.labels or [])]
        if any(getattr(label, "val", None) == _HIDDEN_LABEL for label in labels):
            log.debug("%s: %s skipped: its author hides it from logged-out readers", self.name, post.uri)
            return None
        created = _parse_time(getattr(record, "created_at", None)) or _parse_time(post.indexed_at)
        if created is None:
            return None
        handle = post.author.handle
        langs = getattr(record, "langs", None) or []
        return Mention(
            source=self.name,
            external_id=str(post.uri),
            text=text,
            created_at=created,
            url=_web_url(str(post.uri), handle),
            author_handle=handle,
            author_name=post.author.display_name or None,
            language=langs[0] if len(langs) == 1 else None,
            channel="bluesky",
            raw={
                "uri": str(post.uri),
                "cid": str(post.cid),
                "like_count": post.like_count,
                "reply_count": post.reply_count,
            },
        )
