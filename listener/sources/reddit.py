"""The ``reddit`` source: submissions and comments through praw, read-only.

**Submissions** come from Reddit search (``sort=new``) in the configured
subreddits (``all`` by default), with the brand query written in Reddit's
Lucene syntax (split along OR groups when longer than 512 characters).

**Comments**: Reddit's API has no comment search. With ``comments = true``
the source reads the newest comments of the configured subreddits
(``/r/<subs>/comments``, up to ``comment_limit`` per run) and the pipeline
keeps those that match the brand query. This sees every new comment of a
small set of subreddits when runs are frequent enough (Reddit lists at most
about 1,000 of the newest), so it is off for ``r/all``, where a run sees only
the last seconds of the site's comments.

Cursor format (version 1), JSON::

    {"v": 1, "posts": {"t": <newest created_utc>, "ids": [fullnames]}, "comments": {...}}

Each run walks newest-first down to an hour before the stored time (Reddit's
search index lags behind new posts) and skips the ids it already has; the
first run walks back ``backfill_days``. Deleted and removed items, and items
with no text, are skipped.

Credentials come only from the options (``client_id``, ``client_secret`` by
env reference); praw is given every setting it needs, so a ``praw.ini`` or
``praw_*`` variable cannot change the account or endpoints without notice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Generator, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, ClassVar

import requests
from pydantic import Field, SecretStr, field_validator

from foundation.errors import AuthError, RateLimited, SourceError, SourceUnavailable
from foundation.mentions import Batch, BrandQuery, Cursor, Mention
from foundation.query.ast import Node
from listener.http import USER_AGENT, rate_limit_reset, resumes_message
from listener.retry import Retry, parse_retry_after
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

__all__ = ["RedditOptions", "RedditSource"]

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 512
OVERLAP = timedelta(hours=1)
"""How far before the stored newest time each run looks again (Reddit's search index lags)."""
_MAX_IDS = 2000
_TRANSIENT = frozenset({500, 502, 503, 504, 520, 522})
_GONE = frozenset({"[deleted]", "[removed]"})


class RedditOptions(NetworkOptions):
    """Options of the ``reddit`` source (``[[sources]] type = "reddit"``)."""

    client_id: str = Field(description="Client id of a Reddit 'script' app (https://www.reddit.com/prefs/apps).")
    client_secret: SecretStr = Field(
        description='Secret of that app; write client_secret = { env = "REDDIT_CLIENT_SECRET" }.'
    )
    user_agent: str = Field(
        default=USER_AGENT,
        min_length=8,
        description="User-Agent Reddit sees; Reddit asks for '<app>/<version> (by /u/<your username>)'.",
    )
    subreddits: list[str] = Field(
        default_factory=lambda: ["all"], min_length=1, description="Subreddits to search, without r/; 'all' for all."
    )
    comments: bool = Field(
        default=True,
        description="Also read the newest comments of the subreddits (not for 'all'); the brand query filters them.",
    )
    comment_limit: int = Field(default=500, ge=1, le=1000, description="Newest comments read per run.")

    @field_validator("subreddits")
    @classmethod
    def _names(cls, values: list[str]) -> list[str]:
        names = [v.strip().removeprefix("/").removeprefix("r/") for v in values]
        bad = [n for n in names if not n or not n.replace("_", "").isalnum()]
        if bad:
            raise ValueError(f"not a subreddit name: {', '.join(map(repr, bad))}; write names like 'travel'")
        return names


class _GaveUp(Exception):
    """A network failure we stopped retrying; prawcore does not retry it again."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.cause = cause


class _ServerBusy(Exception):
    """A 5xx answer, raised inside the requestor so that it is retried there."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(f"{response.status_code} {response.reason}")
        self.response = response


def _requestor_class() -> type[Any]:
    import prawcore

    class PoliteRequestor(prawcore.Requestor):
        """A prawcore requestor that retries 5xx answers and network failures with our policy.

        Failures it gives up on reach prawcore as errors it does not retry again,
        so prawcore's own retries (which sleep) never run.
        """

        def __init__(self, *, retrying: Callable[[Callable[[], Any]], Any], **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self._retrying = retrying

        def request(self, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
            parent = super().request

            def once() -> Any:
                response = parent(*args, timeout=timeout, **kwargs)
                if response.status_code in _TRANSIENT:
                    raise _ServerBusy(response)
                return response

            try:
                return self._retrying(once)
            except _ServerBusy as exc:
                raise prawcore.RequestException(exc, args, kwargs) from None
            except prawcore.RequestException as exc:
                raise prawcore.RequestException(_GaveUp(exc.original_exception), args, kwargs) from None

    return PoliteRequestor


def _text(item: dict[str, Any], kind: str) -> str:
    if kind == "post":
        title = str(item.get("title") or "").strip()
        body = str(item.get("selftext") or "").strip()
        body = "" if body in _GONE else body
        return f"{title}\n\n{body}" if title and body else title or body
    body = str(item.get("body") or "").strip()
    return "" if body in _GONE else body


class RedditSource(NetworkSource[RedditOptions]):
    """Reddit submissions (search) and comments (newest, filtered) for each brand."""

    summary: ClassVar[str] = "Reddit: submissions from search and new comments in chosen subreddits (praw)"
    needs: ClassVar[str] = 'client_id, client_secret = { env = "REDDIT_CLIENT_SECRET" }; optional subreddits'
    options_model: ClassVar[type[SourceOptions]] = RedditOptions
    matches_query: ClassVar[bool] = True

    # -- the client -------------------------------------------------------------

    def _reddit(self) -> Any:
        import praw

        opts = self.options
        return praw.Reddit(
            site_name="DEFAULT",
            client_id=opts.client_id,
            client_secret=opts.client_secret.get_secret_value(),
            user_agent=opts.user_agent,
            username=None,
            password=None,
            refresh_token=None,
            redirect_uri=None,
            oauth_url="https://oauth.reddit.com",
            reddit_url="https://www.reddit.com",
            short_url="https://redd.it",
            timeout=max(1, round(opts.timeout_seconds)),
            ratelimit_seconds=5,
            window_size=600,
            check_for_updates=False,
            check_for_async=False,
            requestor_class=_requestor_class(),
            requestor_kwargs={"retrying": self._retry_http, "timeout": opts.timeout_seconds},
        )

    def _retry_http(self, call: Callable[[], Any]) -> Any:
        return call_api(call, self._verdict_http, options=self.options, hooks=self.hooks, what=f"{self.name}: request")

    def _verdict_http(self, exc: BaseException) -> Retry | None:
        import prawcore

        if isinstance(exc, _ServerBusy):
            return Retry(parse_retry_after(exc.response.headers.get("retry-after"), self.hooks.now()))
        if isinstance(exc, prawcore.RequestException):
            original = exc.original_exception
            if isinstance(
                original, requests.ConnectionError | requests.Timeout | requests.exceptions.ChunkedEncodingError
            ):
                return Retry()
        return None

    def _verdict_call(self, exc: BaseException) -> Retry | None:
        import prawcore

        if isinstance(exc, prawcore.TooManyRequests):
            return rate_limit_verdict(
                rate_limit_reset(exc.response.headers, self.hooks.now()), self.options, self.hooks
            )
        if isinstance(exc, prawcore.BadJSON):
            return Retry()
        return None

    def _mapped(self, exc: Exception, where: str) -> SourceError:
        import praw.exceptions
        import prawcore

        if isinstance(exc, prawcore.TooManyRequests):
            reset_at = rate_limit_reset(exc.response.headers, self.hooks.now())
            return RateLimited(
                f"{self.name}: Reddit says too many requests (429); {resumes_message(reset_at)}", reset_at
            )
        if isinstance(exc, prawcore.Forbidden):
            return AuthError(
                f"{self.name}: Reddit refused access to {where} (403); the subreddit may be private, quarantined "
                "or banned (remove it from subreddits), or the app is not allowed to read it"
            )
        if isinstance(exc, prawcore.OAuthException | prawcore.InvalidToken) or (
            isinstance(exc, prawcore.ResponseException) and exc.response.status_code == 401
        ):
            return AuthError(
                f"{self.name}: Reddit refused the app credentials (401); check client_id and the environment "
                "variable behind client_secret (https://www.reddit.com/prefs/apps, app type 'script')"
            )
        if isinstance(exc, prawcore.Redirect | prawcore.NotFound):
            return SourceError(f"{self.name}: {where} does not exist; check the subreddits option")
        if isinstance(exc, prawcore.BadJSON):
            return SourceUnavailable(f"{self.name}: Reddit answered with malformed JSON; try again later")
        if isinstance(exc, prawcore.RequestException):
            original: BaseException = exc.original_exception
            if isinstance(original, _GaveUp):
                original = original.cause
            if isinstance(original, _ServerBusy):
                return SourceUnavailable(
                    f"{self.name}: Reddit answered {original} after {self.options.max_attempts} attempt(s); "
                    "try again later"
                )
            if isinstance(original, requests.Timeout):
                return SourceUnavailable(
                    f"{self.name}: Reddit did not answer within {self.options.timeout_seconds:g}s after "
                    f"{self.options.max_attempts} attempt(s); try again later or raise timeout_seconds"
                )
            return SourceUnavailable(f"{self.name}: cannot reach Reddit ({type(original).__name__}); check the network")
        if isinstance(exc, prawcore.ServerError):
            return SourceUnavailable(f"{self.name}: Reddit answered {exc.response.status_code}; try again later")
        if isinstance(exc, prawcore.ResponseException):
            return SourceUnavailable(f"{self.name}: Reddit answered {exc.response.status_code} for {where}")
        if isinstance(exc, praw.exceptions.PRAWException | prawcore.PrawcoreException):
            return SourceError(f"{self.name}: Reddit request failed for {where} ({type(exc).__name__}: {exc})")
        return SourceUnavailable(f"{self.name}: Reddit request failed for {where} ({type(exc).__name__})")

    # -- fetching ---------------------------------------------------------------

    def _searches(self, expression: Node) -> list[str]:
        def text_of(node: Node) -> str:
            return render(node, "reddit")

        return [text_of(p) for p in split_to_fit(expression, text_of, MAX_QUERY_CHARS)]

    def fetch(self, brand: BrandQuery, cursor: Cursor) -> Iterator[Batch]:
        """Yield new submissions (every search), then new comments, in batches of up to 100."""
        state = decode_state(cursor, self.name) or {}
        reddit = self._reddit()
        subs = "+".join(self.options.subreddits)
        where = f"r/{subs}"
        try:
            subreddit = reddit.subreddit(subs)
            floor = self._floor(state.get("posts"))
            listings = [
                subreddit.search(q, sort="new", syntax="lucene", time_filter=self._time_filter(floor), limit=None)
                for q in self._searches(brand.expression)
            ]
            state = yield from self._walk("posts", listings, state, floor, where)
            if self.options.comments and "all" not in self.options.subreddits:
                floor = self._floor(state.get("comments"))
                listing = subreddit.comments(limit=self.options.comment_limit)
                yield from self._walk("comments", [listing], state, floor, where)
        except SourceError:
            raise
        except Exception as exc:
            raise self._mapped(exc, where) from None

    def _floor(self, part: Any) -> datetime:
        if isinstance(part, dict) and isinstance(part.get("t"), int | float):
            return datetime.fromtimestamp(part["t"], UTC) - OVERLAP
        return self.hooks.backfill_start(self.options)

    def _time_filter(self, floor: datetime) -> str:
        age = self.hooks.now() - floor
        for name, span in (("hour", 1 / 24), ("day", 1), ("week", 7), ("month", 31), ("year", 366)):
            if age <= timedelta(days=span):
                return name
        return "all"

    def _walk(
        self, kind: str, listings: list[Any], state: dict[str, Any], floor: datetime, where: str
    ) -> Generator[Batch, None, dict[str, Any]]:
        """Yield the new items of ``listings`` (newest first, down to ``floor``); return the new state."""
        found = state.get(kind)
        part: dict[str, Any] = found if isinstance(found, dict) else {}
        known = set(part.get("ids") or [])
        newest = float(part.get("t") or 0)
        fresh: dict[str, float] = {}
        mentions: list[Mention] = []
        for listing in listings:
            while True:
                try:
                    item: Any = call_api(
                        partial(next, listing, None),
                        self._verdict_call,
                        options=self.options,
                        hooks=self.hooks,
                        what=f"{self.name}: {kind} of {where}",
                    )
                except Exception as exc:
                    raise self._mapped(exc, where) from None
                if item is None:
                    break
                data = vars(item)
                created = float(data.get("created_utc") or 0)
                if created < floor.timestamp():
                    break
                fullname = str(data.get("name") or "")
                if not fullname or fullname in known or fullname in fresh:
                    continue
                fresh[fullname] = created
                mention = self._mention(data, "post" if kind == "posts" else "comment")
                if mention is not None:
                    mentions.append(mention)
                if len(mentions) >= 100:
                    yield Batch(tuple(mentions), encode_state(state))
                    mentions = []
        if fresh:
            old_newest = newest
            newest = max(newest, *fresh.values())
            horizon = newest - OVERLAP.total_seconds()
            keep = [i for i, t in sorted(fresh.items(), key=lambda kv: -kv[1]) if t >= horizon]
            if old_newest >= horizon:
                keep.extend(sorted(known - set(keep)))
            state = {**state, kind: {"t": newest, "ids": sorted(keep[:_MAX_IDS])}}
        yield Batch(tuple(mentions), encode_state(state))
        return state

    def _mention(self, data: dict[str, Any], kind: str) -> Mention | None:
        text = _text(data, kind)
        author = data.get("author")
        if not text or data.get("removed_by_category"):
            return None
        name = getattr(author, "name", None) if author is not None else None
        permalink = str(data.get("permalink") or "")
        subreddit = str(data.get("subreddit") or "")
        return Mention(
            source=self.name,
            external_id=str(data["name"]),
            text=text,
            created_at=datetime.fromtimestamp(float(data["created_utc"]), UTC),
            url=f"https://www.reddit.com{permalink}" if permalink else None,
            author_handle=name,
            author_name=name,
            language=None,
            channel="reddit",
            raw={
                "kind": kind,
                "subreddit": subreddit,
                "score": data.get("score"),
                "num_comments": data.get("num_comments"),
            },
        )
