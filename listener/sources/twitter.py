"""The ``twitter`` source: X API v2 recent search through tweepy's ``Client``.

The brand query becomes X search syntax (terms, "phrases", ``-exclusions``,
``@handles`` as mentions, ``#hashtags``), with ``lang:`` from the brand's
languages and ``-is:retweet`` when ``exclude_retweets`` is set. A search
longer than the API's 512 characters is split into several searches along
its OR groups (never truncated); their results are merged and a tweet found
by two of them is yielded once.

Cursor format (version 1), JSON::

    {"v": 1, "since": {"<query key>": "<newest tweet id seen>", ...}}

One ``since_id`` per search (the key is a hash of the search text, so a
changed brand query starts its new searches from the backfill window). While
a search is paging, batches carry its previous ``since_id``: a crash mid-way
fetches those pages again and the store keeps nothing twice; the last page
moves it to the newest id.

The first run backfills ``backfill_days`` (recent search reaches 7 days at
most). Tweets with no text, and tweets whose author X no longer returns
(suspended or deactivated accounts), are skipped.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import requests
from pydantic import Field, SecretStr

from foundation.errors import AuthError, RateLimited, SourceError, SourceUnavailable
from foundation.mentions import Batch, BrandQuery, Cursor, Mention
from foundation.query.ast import Node
from listener.http import USER_AGENT, resumes_message
from listener.retry import Retry
from listener.sources.base import SourceOptions
from listener.sources.network import (
    NetworkOptions,
    NetworkSource,
    call_api,
    decode_state,
    encode_state,
    rate_limit_verdict,
)
from listener.sources.querytext import render, split_to_fit

__all__ = ["MAX_QUERY_CHARS", "TwitterOptions", "TwitterSource", "build_searches"]

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 512
"""Longest query recent search accepts (self-serve and Basic access)."""

_RECENT_WINDOW = timedelta(days=7) - timedelta(minutes=1)
_TWEET_FIELDS = ["created_at", "lang", "public_metrics", "referenced_tweets", "author_id", "note_tweet"]
_USER_FIELDS = ["username", "name", "public_metrics"]


class TwitterOptions(NetworkOptions):
    """Options of the ``twitter`` source (``[[sources]] type = "twitter"``)."""

    bearer_token: SecretStr = Field(
        description='App bearer token from the X developer portal; write bearer_token = { env = "X_BEARER_TOKEN" }.'
    )
    exclude_retweets: bool = Field(default=True, description="Add -is:retweet: skip retweets, keep quotes and replies.")
    page_size: int = Field(default=100, ge=10, le=100, description="Tweets per request (10-100).")


class _TimeoutSession(requests.Session):
    """A requests session that gives every request a timeout (tweepy sets none)."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.default_timeout = timeout

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.default_timeout)
        return super().request(*args, **kwargs)


class _Redact(logging.Filter):
    """Masks the bearer token in tweepy's DEBUG lines (they print the request headers)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self.secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.secret and self.secret in message:
            record.msg, record.args = message.replace(self.secret, "***"), None
        return True


def _query_key(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def build_searches(expression: Node, languages: tuple[str, ...], exclude_retweets: bool) -> list[str]:
    """The search strings for one brand: the query, split along OR groups to fit 512 characters."""
    suffix_parts = []
    if languages:
        langs = [f"lang:{code}" for code in languages]
        suffix_parts.append(langs[0] if len(langs) == 1 else "(" + " OR ".join(langs) + ")")
    if exclude_retweets:
        suffix_parts.append("-is:retweet")
    suffix = (" " + " ".join(suffix_parts)) if suffix_parts else ""

    def text_of(node: Node) -> str:
        return render(node, "x")

    parts = split_to_fit(expression, text_of, MAX_QUERY_CHARS - len(suffix))
    return [text_of(p) + suffix for p in parts]


def _user_map(payload: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    users = (payload.get("includes") or {}).get("users") or []
    return {str(u["id"]): u for u in users if isinstance(u, dict) and "id" in u}


class TwitterSource(NetworkSource[TwitterOptions]):
    """Recent tweets matching each brand's query (X API v2 recent search)."""

    summary: ClassVar[str] = "X/Twitter: recent tweets matching the brand query (API v2 recent search, tweepy)"
    needs: ClassVar[str] = 'bearer_token = { env = "X_BEARER_TOKEN" } (an X developer app with search access)'
    options_model: ClassVar[type[SourceOptions]] = TwitterOptions
    matches_query: ClassVar[bool] = True

    def _client(self) -> Any:
        import tweepy

        token = self.options.bearer_token.get_secret_value()
        logging.getLogger("tweepy.client").addFilter(_Redact(token))
        client = tweepy.Client(bearer_token=token, return_type=dict, wait_on_rate_limit=False)
        client.session = _TimeoutSession(self.options.timeout_seconds)
        client.user_agent = f"{USER_AGENT} {client.user_agent}"
        return client

    # -- errors -----------------------------------------------------------------

    def _verdict(self, exc: BaseException) -> Retry | None:
        import tweepy

        if isinstance(exc, tweepy.TooManyRequests):
            return rate_limit_verdict(self._reset_at(exc), self.options, self.hooks)
        if isinstance(exc, tweepy.TwitterServerError):
            return Retry()
        if isinstance(exc, requests.exceptions.JSONDecodeError):
            return Retry()
        if isinstance(exc, requests.ConnectionError | requests.Timeout | requests.exceptions.ChunkedEncodingError):
            return Retry()
        return None

    @staticmethod
    def _reset_at(exc: Any) -> datetime | None:
        reset = getattr(exc, "reset_time", None)
        return datetime.fromtimestamp(reset, UTC) if reset else None

    def _mapped(self, exc: Exception) -> SourceError:
        import tweepy

        messages = "; ".join(str(m) for m in getattr(exc, "api_messages", [])[:3])
        said = f": {messages}" if messages else ""
        if isinstance(exc, tweepy.Unauthorized):
            return AuthError(
                f"{self.name}: X refused the bearer token (401 Unauthorized); check the environment variable "
                "that options.bearer_token points to (X developer portal > your app > Keys and tokens)"
            )
        if isinstance(exc, tweepy.Forbidden):
            return AuthError(
                f"{self.name}: X refused the search (403 Forbidden{said}); the app's access level may not "
                "include recent search, or it is not attached to a project"
            )
        if isinstance(exc, tweepy.TooManyRequests):
            reset_at = self._reset_at(exc)
            return RateLimited(f"{self.name}: X says too many requests (429); {resumes_message(reset_at)}", reset_at)
        if isinstance(exc, tweepy.BadRequest):
            return SourceError(f"{self.name}: X rejected the search (400{said}); check the brand query")
        if isinstance(exc, tweepy.TwitterServerError):
            status = exc.response.status_code
            return SourceUnavailable(
                f"{self.name}: X answered {status} after {self.options.max_attempts} attempt(s); try again later"
            )
        if isinstance(exc, requests.exceptions.JSONDecodeError):
            return SourceUnavailable(f"{self.name}: X answered with malformed JSON; try again later")
        if isinstance(exc, requests.Timeout):
            return SourceUnavailable(
                f"{self.name}: X did not answer within {self.options.timeout_seconds:g}s "
                f"after {self.options.max_attempts} attempt(s); try again later or raise timeout_seconds"
            )
        if isinstance(exc, requests.RequestException):
            return SourceUnavailable(
                f"{self.name}: cannot reach api.twitter.com ({type(exc).__name__}); check the network"
            )
        if isinstance(exc, tweepy.HTTPException):
            return SourceUnavailable(f"{self.name}: X answered {exc.response.status_code}{said}")
        return SourceUnavailable(f"{self.name}: X search failed ({type(exc).__name__})")

    # -- fetching ---------------------------------------------------------------

    def fetch(self, brand: BrandQuery, cursor: Cursor) -> Iterator[Batch]:
        """Yield each page of new tweets for ``brand``, one search after the other."""
        state = decode_state(cursor, self.name) or {}
        old: dict[str, str] = {k: str(v) for k, v in (state.get("since") or {}).items()}
        searches = build_searches(brand.expression, brand.languages, self.options.exclude_retweets)
        keys = [_query_key(s) for s in searches]
        since = {k: old[k] for k in keys if k in old}
        client = self._client()
        seen: set[str] = set()
        try:
            for key, search in zip(keys, searches, strict=True):
                yield from self._search(client, brand, key, search, since, seen)
        finally:
            client.session.close()

    def _search(
        self, client: Any, brand: BrandQuery, key: str, search: str, since: dict[str, str], seen: set[str]
    ) -> Iterator[Batch]:
        params: dict[str, Any] = {
            "max_results": self.options.page_size,
            "expansions": ["author_id"],
            "tweet_fields": _TWEET_FIELDS,
            "user_fields": _USER_FIELDS,
        }
        if key in since:
            params["since_id"] = since[key]
        else:
            days = timedelta(days=self.options.backfill_days)
            params["start_time"] = self.hooks.now() - min(days, _RECENT_WINDOW)
        newest: str | None = None
        token: str | None = None
        pages = 0
        log.info("%s: searching X for %s (%d characters)", self.name, brand.name, len(search))
        while True:
            page_params = {**params, "next_token": token} if token else params

            def call(p: dict[str, Any] = page_params) -> Any:
                return client.search_recent_tweets(search, **p)

            try:
                payload = call_api(
                    call, self._verdict, options=self.options, hooks=self.hooks, what=f"{self.name}: search"
                )
            except Exception as exc:
                raise self._mapped(exc) from None
            pages += 1
            if not isinstance(payload, dict):
                raise SourceUnavailable(f"{self.name}: X answered with something other than a JSON object")
            meta = payload.get("meta") or {}
            if newest is None and meta.get("newest_id"):
                newest = str(meta["newest_id"])
            mentions = self._mentions(payload, seen)
            token = meta.get("next_token")
            if not token and newest is not None:
                since[key] = newest
            yield Batch(tuple(mentions), encode_state({"since": dict(since)}))
            if not token:
                log.debug("%s: search for %s done in %d page(s)", self.name, brand.name, pages)
                return

    def _mentions(self, payload: Mapping[str, Any], seen: set[str]) -> list[Mention]:
        users = _user_map(payload)
        out: list[Mention] = []
        for tweet in payload.get("data") or []:
            if not isinstance(tweet, dict) or "id" not in tweet:
                continue
            tweet_id = str(tweet["id"])
            note = tweet.get("note_tweet") or {}
            text = (note.get("text") if isinstance(note, dict) else None) or tweet.get("text") or ""
            author = users.get(str(tweet.get("author_id")))
            if tweet_id in seen or not text.strip() or author is None:
                if author is None:
                    log.debug("%s: tweet %s skipped: its author is not available", self.name, tweet_id)
                continue
            seen.add(tweet_id)
            try:
                created = datetime.fromisoformat(str(tweet["created_at"]).replace("Z", "+00:00"))
            except (KeyError, ValueError):
                log.debug("%s: tweet %s skipped: no readable created_at", self.name, tweet_id)
                continue
            username = str(author.get("username") or "")
            metrics = author.get("public_metrics") or {}
            followers = metrics.get("followers_count") if isinstance(metrics, dict) else None
            out.append(
                Mention(
                    source=self.name,
                    external_id=tweet_id,
                    text=text,
                    created_at=created,
                    url=f"https://x.com/{username or 'i/web'}/status/{tweet_id}",
                    author_handle=username or None,
                    author_name=author.get("name"),
                    author_followers=followers if isinstance(followers, int) else None,
                    language=tweet.get("lang") if tweet.get("lang") not in (None, "und", "qme", "zxx") else None,
                    channel="twitter",
                    raw={"tweet": tweet},
                )
            )
        return out
