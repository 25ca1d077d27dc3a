#!/usr/bin/env python3
"""Benchmark the network sources: recorded pages through the whole pipeline, mentions per second.

For each source, pages shaped exactly like the API's (the fixtures under
tests/listener/sources/fixtures/<source>/) are synthesised in bulk with varied
texts, served from memory at the transport layer as the source's tests do
(respx for httpx-based clients, responses for requests-based ones: tweepy,
praw), and collected with
:func:`cxpulse.app.collect.collect_source` into a fresh temporary SQLite store:
parse, normalize, detect language, match the brand query, dedup and store,
cursor included. No classification. The language model is loaded once before
timing (a collect run loads it once per process). Target: >= 2,000 mentions/s
per source.

    .venv/bin/python scripts/bench_collect.py                    # every scenario
    .venv/bin/python scripts/bench_collect.py --only rss --scale 2

Prints one line per source, then one JSON line mapping ``<source>_per_s`` to
its figure. To add a source, write a function that installs its routes on
``mocks`` and returns its source object and the number of items served, and
list it in ``SCENARIOS`` (see ``hackernews`` below). ``file`` and ``demo`` are
measured too, for comparison.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import responses
import respx

from cxpulse.app.collect import collect_source
from foundation.mentions import BrandQuery
from foundation.query import parse
from listener.language import default_detector
from listener.sources.app_store import AppStoreOptions, AppStoreSource
from listener.sources.base import Source
from listener.sources.bluesky import BlueskyOptions, BlueskySource
from listener.sources.demo import DemoOptions, DemoSource
from listener.sources.file import FileOptions, FileSource
from listener.sources.google_play import REVIEWS_URL, GooglePlayOptions, GooglePlaySource
from listener.sources.hackernews import HackerNewsOptions, HackerNewsSource
from listener.sources.mastodon import MastodonOptions, MastodonSource
from listener.sources.network import SourceHooks
from listener.sources.reddit import RedditOptions, RedditSource
from listener.sources.rss import RssOptions, RssSource
from listener.sources.twitter import TwitterOptions, TwitterSource
from storage import Store

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
BRAND = BrandQuery("Acme", "acme -airdrop", parse("acme -airdrop"))
HOOKS = SourceHooks(now=lambda: NOW, sleep=lambda s: None, rng=random.Random(1).random)
FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "listener" / "sources" / "fixtures"

_OPENERS = [
    "Acme support kept me on hold for 40 minutes",
    "Just got my Acme order two days early",
    "Why does the Acme app log me out at checkout",
    "Acme refunded me without me even asking",
    "Thinking of switching from Acme to a competitor",
    "The new Acme plan is cheaper than advertised",
    "acme airdrop giveaway click here",  # excluded by the brand query
    "Does anyone know if Acme ships to Canada",
]
_TAILS = [
    "again.",
    "and I am not impressed.",
    "which is what I expected for the price.",
    "honestly better than last year.",
    "still waiting for an answer from the team.",
    "five stars from me.",
]


def text(i: int, rnd: random.Random) -> str:
    """A varied mention text (unique, so the store's content dedup does not shortcut anything)."""
    return f"{rnd.choice(_OPENERS)} {rnd.choice(_TAILS)} (#{i} ref {rnd.randrange(10**9)})"


def fixture(source: str, name: str) -> Any:
    """A recorded answer of the source's tests, the template of the synthetic pages."""
    return json.loads((FIXTURES / source / name).read_text(encoding="utf-8"))


def iso(when: datetime) -> str:
    return when.isoformat().replace("+00:00", ".000Z")


@dataclass
class Mocks:
    """The transports the scenarios install their answers on."""

    http: respx.MockRouter
    """httpx-based clients (our HttpClient, atproto)."""
    requests: responses.RequestsMock
    """requests-based clients (tweepy, praw)."""


@dataclass
class Scenario:
    name: str
    install: Callable[[Mocks, Path, int, random.Random], tuple[Source, int]]
    """Installs the answers for ``scale`` (files go in the folder) and returns (source, items served)."""


# -- hackernews ---------------------------------------------------------------


def hackernews(mocks: Mocks, tmp: Path, scale: int, rnd: random.Random) -> tuple[Source, int]:
    per_page, pages = 100, 60 * scale
    base = int(NOW.timestamp())
    bodies: list[bytes] = []
    for page in range(pages):
        hits = []
        for j in range(per_page):
            i = page * per_page + j
            stamp = base - 60 - i * 30
            comment = i % 3 != 0
            hits.append(
                {
                    "created_at": iso(datetime.fromtimestamp(stamp, UTC)),
                    "title": None if comment else text(i, rnd),
                    "url": None,
                    "author": f"user{i % 997}",
                    "points": None if comment else 3,
                    "story_text": None if comment else "<p>Details inside.</p>",
                    "comment_text": f"<p>{text(i, rnd)}</p>" if comment else None,
                    "num_comments": None,
                    "story_id": 40000000 if comment else None,
                    "parent_id": 40000000 if comment else None,
                    "created_at_i": stamp,
                    "_tags": ["comment" if comment else "story", f"author_user{i % 997}"],
                    "objectID": str(45000000 + i),
                }
            )
        bodies.append(
            json.dumps(
                {"hits": hits, "nbHits": pages * per_page, "page": page, "nbPages": pages, "hitsPerPage": per_page}
            ).encode()
        )

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=bodies[int(request.url.params["page"])])

    mocks.http.get("https://hn.algolia.com/api/v1/search_by_date").mock(side_effect=respond)
    opts = HackerNewsOptions(hits_per_page=per_page, max_pages=pages, backfill_days=3650)
    return HackerNewsSource("hackernews", opts, hooks=HOOKS), pages * per_page


# -- mastodon -----------------------------------------------------------------


def mastodon(mocks: Mocks, tmp: Path, scale: int, rnd: random.Random) -> tuple[Source, int]:
    per_page, pages = 40, 150 * scale
    url = "https://mastodon.example/api/v1/timelines/tag/acme"
    bodies: dict[str | None, tuple[bytes, dict[str, str]]] = {}
    max_id: str | None = None
    for page in range(pages):
        statuses = []
        for j in range(per_page):
            i = page * per_page + j
            sid = str(113600000000000000 - i)
            acct = f"user{i % 613}"
            statuses.append(
                {
                    "id": sid,
                    "created_at": iso(NOW - timedelta(seconds=30 * i)),
                    "in_reply_to_id": None,
                    "sensitive": False,
                    "spoiler_text": "",
                    "visibility": "public",
                    "language": "en",
                    "uri": f"https://mastodon.example/users/{acct}/statuses/{sid}",
                    "url": f"https://mastodon.example/@{acct}/{sid}",
                    "replies_count": 0,
                    "reblogs_count": 0,
                    "favourites_count": 1,
                    "content": f'<p>{text(i, rnd)} <a href="https://mastodon.example/tags/acme">#<span>acme</span></a></p>',
                    "reblog": None,
                    "account": {
                        "id": str(i % 613),
                        "username": acct,
                        "acct": acct,
                        "display_name": acct.title(),
                        "followers_count": i % 5000,
                    },
                    "media_attachments": [],
                    "mentions": [],
                    "tags": [{"name": "acme", "url": "https://mastodon.example/tags/acme"}],
                }
            )
        headers = {}
        if page < pages - 1:
            headers["Link"] = (
                f'<{url}?max_id={statuses[-1]["id"]}>; rel="next", <{url}?min_id={statuses[0]["id"]}>; rel="prev"'
            )
        bodies[max_id] = (json.dumps(statuses).encode(), headers)
        max_id = statuses[-1]["id"]

    def respond(request: httpx.Request) -> httpx.Response:
        body, headers = bodies[request.url.params.get("max_id")]
        return httpx.Response(200, content=body, headers=headers)

    mocks.http.get(url).mock(side_effect=respond)
    opts = MastodonOptions(instance="https://mastodon.example", hashtags=["acme"], max_pages=pages, backfill_days=3650)
    return MastodonSource("mastodon", opts, hooks=HOOKS), pages * per_page


# -- app_store ----------------------------------------------------------------


def app_store(mocks: Mocks, tmp: Path, scale: int, rnd: random.Random) -> tuple[Source, int]:
    per_page, pages, apps = 50, 10, 12 * scale  # Apple serves 10 pages of 50 per app and country
    app_ids = [str(1000000000 + a) for a in range(apps)]
    bodies: dict[tuple[str, int], bytes] = {}
    for a, app_id in enumerate(app_ids):
        for page in range(1, pages + 1):
            entries = []
            for j in range(per_page):
                i = (a * pages + page - 1) * per_page + j
                offset = (page - 1) * per_page + j
                entries.append(
                    {
                        "author": {
                            "uri": {"label": f"https://itunes.apple.com/us/reviews/id{i}"},
                            "name": {"label": f"reviewer{i % 811}"},
                            "label": "",
                        },
                        "updated": {"label": (NOW - timedelta(minutes=10 * offset)).isoformat()},
                        "im:rating": {"label": str(1 + i % 5)},
                        "im:version": {"label": f"4.{i % 7}.0"},
                        "id": {"label": str(12000000000 + i)},
                        "title": {"label": f"Review {i}"},
                        "content": {"label": text(i, rnd), "attributes": {"type": "text"}},
                        "link": {
                            "attributes": {"rel": "related", "href": f"https://itunes.apple.com/us/review?id={app_id}"}
                        },
                        "im:voteSum": {"label": "0"},
                        "im:voteCount": {"label": "0"},
                    }
                )
            last = f"https://itunes.apple.com/us/rss/customerreviews/page={pages}/id={app_id}/sortby=mostrecent/json"
            feed = {"feed": {"entry": entries, "link": [{"attributes": {"rel": "last", "href": last}}]}}
            bodies[(app_id, page)] = json.dumps(feed).encode()

    def respond(request: httpx.Request) -> httpx.Response:
        parts = request.url.path.split("/")
        page = int(parts[4].removeprefix("page="))
        return httpx.Response(200, content=bodies[(parts[5].removeprefix("id="), page)])

    mocks.http.get(url__regex=r"^https://itunes\.apple\.com/us/rss/customerreviews/").mock(side_effect=respond)
    opts = AppStoreOptions(app_ids=app_ids, backfill_days=3650)
    return AppStoreSource("app_store", opts, hooks=HOOKS), apps * pages * per_page


# -- rss ----------------------------------------------------------------------


def rss(mocks: Mocks, tmp: Path, scale: int, rnd: random.Random) -> tuple[Source, int]:
    per_feed, feeds = 100, 60 * scale
    urls = [f"https://feeds{f % 7}.example/reviews/{f}.rss" for f in range(feeds)]
    bodies: dict[str, bytes] = {}
    for f, url in enumerate(urls):
        items = []
        for j in range(per_feed):
            i = f * per_feed + j
            when = (NOW - timedelta(minutes=5 * j)).strftime("%a, %d %b %Y %H:%M:%S GMT")
            items.append(
                f"<item><title>Review {i}</title><link>https://reviews.example/r/{i}</link>"
                f'<guid isPermaLink="true">https://reviews.example/r/{i}</guid><pubDate>{when}</pubDate>'
                f"<description><![CDATA[<p>{text(i, rnd)}</p>]]></description></item>"
            )
        bodies[url] = (
            '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Reviews</title>'
            f"<link>https://reviews.example/</link><description>d</description><language>en</language>"
            f"{''.join(items)}</channel></rss>"
        ).encode()

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=bodies[str(request.url)], headers={"ETag": '"v1"'})

    mocks.http.get(url__regex=r"^https://feeds\d\.example/").mock(side_effect=respond)
    opts = RssOptions(feeds=urls, backfill_days=3650)
    return RssSource("rss", opts, hooks=HOOKS), feeds * per_feed


# -- twitter ------------------------------------------------------------------


def twitter(mocks: Mocks, tmp: Path, scale: int, rnd: random.Random) -> tuple[Source, int]:
    per_page, pages = 100, 40 * scale
    template = fixture("twitter", "search_page1.json")
    tweet0, user0 = template["data"][0], template["includes"]["users"][0]
    bodies: list[bytes] = []
    for page in range(pages):
        tweets, users = [], []
        for j in range(per_page):
            i = page * per_page + j
            tid, uid = str(1860390000000000000 - i), str(5000 + i % 997)
            tweets.append(
                {
                    **tweet0,
                    "id": tid,
                    "text": text(i, rnd),
                    "author_id": uid,
                    "created_at": iso(NOW - timedelta(seconds=30 * i)),
                    "edit_history_tweet_ids": [tid],
                }
            )
            users.append({**user0, "id": uid, "username": f"user{uid}", "name": f"User {uid}"})
        meta = {"newest_id": tweets[0]["id"], "oldest_id": tweets[-1]["id"], "result_count": per_page}
        if page < pages - 1:
            meta["next_token"] = f"tok{page + 1}"
        bodies.append(json.dumps({"data": tweets, "includes": {"users": users}, "meta": meta}).encode())

    def respond(request: Any) -> tuple[int, dict[str, str], bytes]:
        token = httpx.URL(request.url).params.get("next_token")
        return 200, {"content-type": "application/json"}, bodies[int(token[3:]) if token else 0]

    mocks.requests.add_callback(responses.GET, "https://api.twitter.com/2/tweets/search/recent", callback=respond)
    opts = TwitterOptions(bearer_token="bench-not-a-token", backfill_days=7)  # noqa: S106 (made up)
    return TwitterSource("twitter", opts, hooks=HOOKS), pages * per_page


# -- reddit -------------------------------------------------------------------


def reddit(mocks: Mocks, tmp: Path, scale: int, rnd: random.Random) -> tuple[Source, int]:
    per_page, pages = 100, 40 * scale
    post0 = fixture("reddit", "search_page1.json")["data"]["children"][0]["data"]
    bodies: dict[str | None, bytes] = {}
    after: str | None = None
    for page in range(pages):
        children = []
        for j in range(per_page):
            i = page * per_page + j
            pid, created = f"bx{i:06d}", NOW.timestamp() - 60 - 30 * i
            post = {
                **post0,
                "id": pid,
                "name": f"t3_{pid}",
                "title": text(i, rnd),
                "selftext": "",
                "author": f"user{i % 997}",
            }
            post.update(created=created, created_utc=created, permalink=f"/r/travel/comments/{pid}/post/")
            children.append({"kind": "t3", "data": post})
        last = children[-1]["data"]["name"] if page < pages - 1 else None
        listing = {"kind": "Listing", "data": {"after": last, "dist": per_page, "modhash": "", "children": children}}
        bodies[after] = json.dumps(listing).encode()
        after = last

    def respond(request: Any) -> tuple[int, dict[str, str], bytes]:
        return 200, {"content-type": "application/json"}, bodies[httpx.URL(request.url).params.get("after")]

    token = (FIXTURES / "reddit" / "access_token.json").read_bytes()
    mocks.requests.add(responses.POST, "https://www.reddit.com/api/v1/access_token", body=token)
    mocks.requests.add_callback(responses.GET, "https://oauth.reddit.com/r/all/search/", callback=respond)
    opts = RedditOptions(client_id="bench-app", client_secret="bench-not-a-secret", backfill_days=30)  # noqa: S106
    return RedditSource("reddit", opts, hooks=HOOKS), pages * per_page


# -- google_play --------------------------------------------------------------


def google_play(mocks: Mocks, tmp: Path, scale: int, rnd: random.Random) -> tuple[Source, int]:
    per_page, pages = 200, 20 * scale
    recorded = (FIXTURES / "google_play" / "reviews_page1.txt").read_text(encoding="utf-8")
    prefix, outer_text = recorded[: recorded.index("[")], recorded[recorded.index("[") :]
    outer = json.loads(outer_text)
    review0 = json.loads(outer[0][2])[0][0]
    bodies: list[bytes] = []
    for page in range(pages):
        reviews = []
        for j in range(per_page):
            i = page * per_page + j
            review = list(review0)
            review[0], review[2], review[4] = f"gp:bench-{i}", 1 + i % 5, text(i, rnd)
            review[5] = [int(NOW.timestamp()) - 60 - 30 * i, 0]
            reviews.append(review)
        token = [None, f"tok{page + 1}"] if page < pages - 1 else [None, None]
        answer = [[outer[0][0], outer[0][1], json.dumps([reviews, token]), *outer[0][3:]], *outer[1:]]
        bodies.append((prefix + json.dumps(answer)).encode())

    def respond(request: httpx.Request) -> httpx.Response:
        found = re.search(r"tok(\d+)", request.content.decode())
        return httpx.Response(200, content=bodies[int(found.group(1)) if found else 0])

    mocks.http.post(REVIEWS_URL).mock(side_effect=respond)
    opts = GooglePlayOptions(app_ids=["com.acme.app"], page_size=per_page, backfill_days=30)
    return GooglePlaySource("google_play", opts, hooks=HOOKS), pages * per_page


# -- bluesky ------------------------------------------------------------------


def bluesky(mocks: Mocks, tmp: Path, scale: int, rnd: random.Random) -> tuple[Source, int]:
    per_page, pages = 100, 40 * scale
    post0 = fixture("bluesky", "search_page1.json")["posts"][0]
    bodies: list[bytes] = []
    for page in range(pages):
        posts = []
        for j in range(per_page):
            i = page * per_page + j
            did, when = f"did:plc:bench{i % 997:07d}", iso(NOW - timedelta(seconds=30 * i))
            author = {**post0["author"], "did": did, "handle": f"user{i % 997}.bsky.social", "displayName": f"User {i}"}
            record = {**post0["record"], "createdAt": when, "text": text(i, rnd)}
            uri = f"at://{did}/app.bsky.feed.post/bench{i:08d}"
            posts.append({**post0, "uri": uri, "author": author, "record": record, "indexedAt": when})
        page_cursor = {"cursor": str(page + 1)} if page < pages - 1 else {}
        bodies.append(json.dumps({"posts": posts, **page_cursor}).encode())

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=bodies[int(request.url.params.get("cursor") or 0)], headers=_JSON)

    session = (FIXTURES / "bluesky" / "create_session.json").read_bytes()
    mocks.http.post("https://bsky.social/xrpc/com.atproto.server.createSession").respond(
        200, content=session, headers=_JSON
    )
    mocks.http.get("https://bsky.social/xrpc/app.bsky.feed.searchPosts").mock(side_effect=respond)
    opts = BlueskyOptions(handle="acme-cx.bsky.social", app_password="bench-not-a-password", backfill_days=30)  # noqa: S106
    return BlueskySource("bluesky", opts, hooks=HOOKS), pages * per_page


_JSON = {"content-type": "application/json"}


# -- file and demo (no network, for comparison) -------------------------------


def file(mocks: Mocks, tmp: Path, scale: int, rnd: random.Random) -> tuple[Source, int]:
    count = 4000 * scale
    path = tmp / "export.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            row = {"id": f"f{i}", "text": text(i, rnd), "created_at": iso(NOW - timedelta(seconds=30 * i))}
            out.write(json.dumps({**row, "author_handle": f"user{i % 997}"}) + "\n")
    return FileSource("file", FileOptions(path=path)), count


def demo(mocks: Mocks, tmp: Path, scale: int, rnd: random.Random) -> tuple[Source, int]:
    count = 4000 * scale
    return DemoSource("demo", DemoOptions(count=count, anchor=NOW)), count


SCENARIOS = [
    Scenario(install.__name__, install)
    for install in (twitter, reddit, google_play, app_store, rss, bluesky, mastodon, hackernews, file, demo)
]


def run(scenario: Scenario, scale: int, workdir: Path) -> dict[str, Any]:
    rnd = random.Random(42)
    store = Store.open(f"sqlite:///{workdir / (scenario.name + '.db')}")
    store.upgrade()
    try:
        with (
            respx.mock(assert_all_called=False) as router,
            responses.RequestsMock(assert_all_requests_are_fired=False) as requests_mock,
        ):
            source, served = scenario.install(Mocks(router, requests_mock), workdir, scale, rnd)
            started = time.perf_counter()
            result = collect_source(source, BRAND, store)
            seconds = time.perf_counter() - started
    finally:
        store.dispose()
    return {
        "served": served,
        "fetched": result.fetched,
        "stored": result.stored,
        "dropped": sum(result.dropped.values()),
        "seconds": seconds,
        "per_s": result.fetched / seconds if seconds else 0.0,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", help="run only this source (repeatable)")
    parser.add_argument("--scale", type=int, default=1, help="multiply the number of pages (default 1)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    wanted = [s for s in SCENARIOS if not args.only or s.name in args.only]
    default_detector().detect("warm up the language model")  # loaded once per process, not per source
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="cxpulse-bench-") as tmp:
        for scenario in wanted:
            r = run(scenario, args.scale, Path(tmp))
            print(
                f"{scenario.name:>12}: {r['fetched']:>7,} mentions fetched ({r['stored']:,} stored, "
                f"{r['dropped']:,} not matching) in {r['seconds']:.2f}s = {r['per_s']:,.0f} mentions/s",
                file=sys.stderr,
            )
            figures[f"{scenario.name}_per_s"] = round(r["per_s"], 1)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
