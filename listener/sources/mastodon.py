"""The ``mastodon`` source: hashtag and account timelines of one Mastodon instance (REST API).

Streams, per brand:

- each hashtag in ``hashtags`` (default: the one-word terms of the brand
  query, ``#acme`` / ``acme`` / ``@acme`` all giving ``#acme``), read from
  ``GET /api/v1/timelines/tag/:hashtag``;
- each account in ``accounts`` (``acme`` or ``acme@other.instance``), looked up
  with ``GET /api/v1/accounts/lookup?acct=`` and read from
  ``GET /api/v1/accounts/:id/statuses``.

Timelines come newest first; the source pages back with ``max_id`` taken from
the ``Link: <...>; rel="next"`` header, down to the stored ``since_id`` (or,
on the first run, to ``backfill_days`` ago). Boosts, non-public statuses and
statuses with no text are skipped; HTML content becomes plain text.

Cursor format (version 1), JSON::

    {"streams":{"acct:acme@mastodon.social":"113500000000000002","tag:acme":"113500000000000001"},"v":1}

the newest status id collected per stream. A stream's entry moves only with
the last batch of that stream, so an interrupted run fetches again rather
than leaving a gap (the store drops what it already has).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Mapping
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote

import httpx
from pydantic import Field, SecretStr, field_validator

from foundation.errors import SourceError, SourceUnavailable
from foundation.mentions import Batch, BrandQuery, Cursor, Mention
from listener.http import HttpClient
from listener.sources.base import SourceOptions
from listener.sources.html_text import html_to_text
from listener.sources.network import NetworkOptions, NetworkSource, decode_state, encode_state
from listener.sources.querytext import hashtag_candidates

__all__ = ["MastodonOptions", "MastodonSource"]

log = logging.getLogger(__name__)

_TAG = re.compile(r"^\w+$")


class MastodonOptions(NetworkOptions):
    """Options of the ``mastodon`` source."""

    instance: str = Field(
        default="https://mastodon.social",
        description="Base URL of the Mastodon instance to read, e.g. https://mastodon.social.",
    )
    hashtags: list[str] = Field(
        default_factory=list,
        description="Hashtags to follow (without #); default: the one-word terms of the brand query.",
    )
    accounts: list[str] = Field(
        default_factory=list,
        description="Accounts whose statuses to collect, as user or user@instance.",
    )
    access_token: SecretStr | None = Field(
        default=None,
        description='Optional access token (read scope), as { env = "MASTODON_TOKEN" }; '
        "needed only where the instance hides timelines from anonymous readers.",
    )
    limit: int = Field(default=40, ge=1, le=40, description="Statuses asked for per request (the API allows 40).")
    max_pages: int = Field(
        default=100, ge=1, le=10_000, description="Most pages fetched per stream and run (a safety stop)."
    )

    @field_validator("instance")
    @classmethod
    def _http_url(cls, value: str) -> str:
        url = value.strip().rstrip("/")
        if not url.startswith(("https://", "http://")):
            url = "https://" + url
        if not httpx.URL(url).host:
            raise ValueError("give the instance's base URL, e.g. https://mastodon.social")
        return url

    @field_validator("hashtags")
    @classmethod
    def _plain_tags(cls, values: list[str]) -> list[str]:
        tags = [v.strip().lstrip("#") for v in values]
        bad = [t for t in tags if not _TAG.match(t)]
        if bad:
            raise ValueError(f"hashtags are letters, digits and _ only: {', '.join(map(repr, bad))}")
        return tags

    @field_validator("accounts")
    @classmethod
    def _plain_accounts(cls, values: list[str]) -> list[str]:
        return [v.strip().lstrip("@") for v in values if v.strip().lstrip("@")]


def _id_key(status_id: str) -> tuple[int, str]:
    """Sort key of status ids: numeric strings by value, the rest after them by text."""
    return (len(status_id), status_id) if status_id.isdigit() else (1 << 30, status_id)


def _next_max_id(response: httpx.Response) -> str | None:
    """``max_id`` of the ``rel="next"`` link, None on the last page."""
    link = response.links.get("next")
    if not link or "url" not in link:
        return None
    max_id = httpx.URL(link["url"]).params.get("max_id")
    return str(max_id) if max_id else None


class MastodonSource(NetworkSource[MastodonOptions]):
    """Collects public statuses from hashtag and account timelines of one instance."""

    summary: ClassVar[str] = "Mastodon hashtag and account timelines of one instance (REST API)"
    needs: ClassVar[str] = "instance URL; hashtags and/or accounts (default: the brand's terms); optional access_token"
    options_model: ClassVar[type[SourceOptions]] = MastodonOptions
    matches_query: ClassVar[bool] = True

    def fetch(self, brand: BrandQuery, cursor: Cursor) -> Iterator[Batch]:
        """Yield one batch per page of each stream; a stream's last batch moves its cursor entry."""
        opts = self.options
        found = decode_state(cursor, self.name).get("streams")
        state = {k: v for k, v in found.items() if isinstance(v, str)} if isinstance(found, dict) else {}
        tags = opts.hashtags or hashtag_candidates(brand.expression)
        if not tags and not opts.accounts:
            raise SourceError(
                f"{self.name}: nothing to follow for brand {brand.name!r}; set hashtags or accounts "
                "in the source's options"
            )
        headers = {}
        if opts.access_token is not None:
            headers["Authorization"] = f"Bearer {opts.access_token.get_secret_value()}"
        hint = "the access_token option (the environment variable it references)"
        if opts.access_token is None:
            hint = 'whether the instance needs an access_token (set access_token = { env = "MASTODON_TOKEN" })'
        since = self.hooks.backfill_start(opts)
        with self.hooks.client(self.name, opts, auth_hint=hint, headers=headers) as client:
            streams: list[tuple[str, str]] = [(f"tag:{t}", f"/api/v1/timelines/tag/{quote(t)}") for t in tags]
            for acct in opts.accounts:
                streams.append((f"acct:{acct}", self._account_path(client, acct)))
            log.info("%s: reading %d timeline(s) for %s", self.name, len(streams), brand.name)
            for key, path in streams:
                newest = state.get(key)
                for mentions, page_newest in self._timeline(client, key, path, state.get(key), since):
                    if page_newest is not None and (newest is None or _id_key(page_newest) > _id_key(newest)):
                        newest = page_newest
                    yield Batch(mentions, encode_state({"streams": state}))
                if newest is not None:
                    state[key] = newest
                yield Batch((), encode_state({"streams": state}))

    def _account_path(self, client: HttpClient, acct: str) -> str:
        response = client.get(f"{self.options.instance}/api/v1/accounts/lookup", params={"acct": acct}, accept=(404,))
        if response.status_code == 404:
            raise SourceError(
                f"{self.name}: account {acct!r} not found on {self.options.instance}; check the accounts option "
                "(write user@instance for accounts on other instances)"
            )
        try:
            account_id = response.json()["id"]
        except (ValueError, KeyError, TypeError):
            raise SourceUnavailable(
                f"{self.name}: the account lookup for {acct!r} answered without an id; the API may have changed"
            ) from None
        return f"/api/v1/accounts/{quote(str(account_id))}/statuses"

    def _timeline(
        self, client: HttpClient, key: str, path: str, since_id: str | None, since: datetime
    ) -> Iterator[tuple[tuple[Mention, ...], str | None]]:
        """Pages of one timeline, newest first: (mentions, newest id on the page)."""
        params: dict[str, Any] = {"limit": self.options.limit}
        if since_id is not None:
            params["since_id"] = since_id
        for _ in range(self.options.max_pages):
            body, response = client.get_json(self.options.instance + path, params=params)
            if not isinstance(body, list):
                raise SourceUnavailable(f"{self.name}: {path} answered without a list of statuses; check instance")
            statuses = [s for s in body if isinstance(s, dict) and isinstance(s.get("id"), str)]
            if not statuses:
                return
            ids = [s["id"] for s in statuses]
            mentions = [m for m in (self._mention(s, key) for s in statuses) if m is not None]
            stamps = [c for c in (_created(s) for s in statuses) if c is not None]
            too_old = since_id is None and any(c < since for c in stamps)
            if since_id is None:
                mentions = [m for m in mentions if m.created_at >= since]
            yield tuple(mentions), max(ids, key=_id_key)
            max_id = _next_max_id(response)
            if too_old or max_id is None:
                return
            params["max_id"] = max_id

    def _mention(self, status: Mapping[str, Any], key: str) -> Mention | None:
        """The mention for one status; None for boosts, non-public, deleted or empty ones."""
        if status.get("reblog") or status.get("visibility") not in ("public", "unlisted"):
            return None
        created = _created(status)
        account: Mapping[str, Any] = status.get("account") or {}
        if not isinstance(account, dict):
            account = {}
        text = html_to_text(status.get("content"))
        spoiler = (status.get("spoiler_text") or "").strip()
        if spoiler and text:
            text = f"{spoiler}\n\n{text}"
        if not text or created is None:
            return None
        followers = account.get("followers_count")
        return Mention(
            source=self.name,
            external_id=str(status["id"]),
            text=text,
            created_at=created,
            url=status.get("url") or status.get("uri"),
            author_handle=account.get("acct"),
            author_name=account.get("display_name") or None,
            author_followers=followers if isinstance(followers, int) else None,
            language=status.get("language") or None,
            channel="mastodon",
            raw={
                "stream": key,
                "uri": status.get("uri"),
                "replies_count": status.get("replies_count"),
                "reblogs_count": status.get("reblogs_count"),
                "favourites_count": status.get("favourites_count"),
            },
        )


def _created(status: Mapping[str, Any]) -> datetime | None:
    value = status.get("created_at")
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None
