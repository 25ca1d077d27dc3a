"""No traceback reaches a user: the CLI entry point driven with generated configs, arguments and files.

Hypothesis writes a config file (plausible tables with odd values, broken TOML,
deep nesting, bytes that are not UTF-8), an import file (CSV or JSONL, odd
columns and values) and a command line (search, import, config check, digest,
alerts, sources, db with generated options), and runs ``cxpulse`` in-process on
an initialized store, SQLite and PostgreSQL. Whatever it generates, the exit code is 0, 1 or 2
and an error is said in one line: never a traceback, never the "unexpected
error" line that marks a bug. Bounded (a fixed number of derandomized
examples) so it runs in seconds in CI.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from testkit.stores import BACKENDS

EXAMPLES = 200

text = st.text(st.characters(min_codepoint=0, max_codepoint=0x2FFF, exclude_categories=("Cs",)), max_size=30)
word = st.sampled_from(["northwind", "acme", "refund", "😡", "€", "@skyhop", "#tag", "ba*", '"x y"', "-spam", "(", ")"])
EXTREMES = [0, -1, 1, 100, 2**31, 2**63, 10**20, -(10**20), 99999999999999999999]
"""Hypothesis favours small values; these are the ones that overflow a date, an int64 or a timedelta."""
number = st.one_of(
    st.sampled_from(EXTREMES), st.integers(-(10**20), 10**20), st.floats(allow_nan=True, allow_infinity=True)
)
duration = st.one_of(
    st.builds(lambda n, u: f"{n}{u}", st.sampled_from(EXTREMES), st.sampled_from(["s", "m", "h", "d", "w", ""])),
    st.builds(lambda n, u: f"{n}{u}", st.integers(0, 10**20), st.sampled_from(["s", "m", "h", "d"])),
    text,
)
scalar = st.one_of(text, number, st.booleans(), duration)
when = st.one_of(
    st.builds(lambda n, u: f"{n}{u}", st.sampled_from(EXTREMES[1:]), st.sampled_from(["h", "d", "w"])),
    st.builds(lambda n, u: f"{n}{u}", st.integers(0, 10**25), st.sampled_from(["h", "d", "w"])),
    st.sampled_from(["2026-11-01", "9999-12-31", "0001-01-01", "2026-13-40", "2026-11-01T08:00+14:00", "", "today"]),
    text,
)
database_url = st.sampled_from(
    [
        "sqlite:///cxpulse.db",
        "sqlite=:///x.db",
        "sqlite:///",
        "sqlite:///x.db?password=hunter22",
        "postgresql://u:pw@127.0.0.1:1/x",
        "postgresql://u@127.0.0.1:1/x?password=pw",
        "mysql://u@127.0.0.1:1/x",
        "://",
        "",
        "sqlite:////nonexistent/dir/x.db",
        "postgresql://u@127.0.0.1:99999/x",
        "postgresql://u@[::1/x",
    ]
)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            "nan"
            if value != value
            else ("inf" if value == float("inf") else "-inf" if value == float("-inf") else repr(value))
        )
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(str(k))} = {_toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(str(value), ensure_ascii=False)


def table(name: str, keys: dict[str, Any], *, loose: bool = True) -> st.SearchStrategy[str]:
    """``[name]`` with a random subset of ``keys``, each value from its strategy (or, if loose, any scalar)."""
    items = st.lists(st.sampled_from(sorted(keys)), unique=True, max_size=len(keys)).flatmap(
        lambda chosen: st.tuples(*[st.one_of(keys[k], scalar) if loose else keys[k] for k in chosen]).map(
            lambda values, chosen=chosen: dict(zip(chosen, values, strict=True))
        )
    )
    return items.map(lambda d: f"{name}\n" + "".join(f"{json.dumps(k)} = {_toml_value(v)}\n" for k, v in d.items()))


brand_name = st.one_of(st.sampled_from(["Acme", "Northwind Air", "A\r\nBcc: x@example.com", ""]), text)
brands = table(
    "[[brands]]",
    {
        "name": brand_name,
        "query": st.one_of(st.lists(word, max_size=6).map(" ".join), text),
        "competitors": st.lists(brand_name, max_size=2),
        "languages": st.lists(st.sampled_from(["en", "de", "English", ""]), max_size=2),
    },
)
secret = st.one_of(st.builds(lambda n: {"env": n}, st.sampled_from(["SET_SECRET", "UNSET_SECRET", "9bad", ""])), text)
sources = table(
    "[[sources]]",
    {
        "type": st.sampled_from(["demo", "file", "bluesky", "twitter", "rss", "nosuch", ""]),
        "name": st.one_of(st.sampled_from(["demo", "tickets", "Bad Name"]), text),
        "enabled": st.booleans(),
        "brands": st.lists(brand_name, max_size=2),
        "schedule": st.one_of(st.builds(lambda d: {"every": d}, duration), st.builds(lambda c: {"cron": c}, text)),
        "options": st.fixed_dictionaries(
            {},
            optional={
                "count": number,
                "path": st.sampled_from(["import.csv", "/nonexistent.csv", "", "."]),
                "bearer_token": secret,
                "app_password": secret,
                "handle": text,
                "feeds": st.lists(text, max_size=2),
                "mapping": st.dictionaries(text, text, max_size=2),
                "anchor": when,
            },
        ),
    },
)
smtp = table(
    "[smtp]",
    {
        "host": st.sampled_from(["127.0.0.1", ""]),
        "port": st.sampled_from([1, 0, -1, 70000, "25"]),  # nothing listens on port 1: a send fails at once
        "security": st.sampled_from(["none", "tls", "starttls", "ssl"]),
        "username": text,
        "password": secret,
        "sender": st.sampled_from(["cx@example.com", "CX <cx@example.com>\r\nBcc: a@b.c", "nobody"]),
        "timeout": st.sampled_from([0.5, 0, -1, 1e300, "5"]),
    },
    loose=False,
)
digests = table(
    "[[digests]]",
    {
        "name": st.sampled_from(["weekly", "bad name!", ""]),
        "brands": st.lists(brand_name, max_size=2),
        "period": st.sampled_from(["daily", "weekly", "monthly", "hourly"]),
        "schedule": text,
        "timezone": st.sampled_from(["UTC", "Europe/Berlin", "Mars/Olympus", "../../etc/passwd"]),
        "recipients": st.lists(st.sampled_from(["a@example.com", "bad", ""]), max_size=2),
        "subject": st.sampled_from(["{brands}: pulse", "{nope}", "a\nBcc: x", "{", "}"]),
    },
)
alerts = table(
    "[alerts]",
    {
        "enabled": st.booleans(),
        "window": duration,
        "check_every": duration,
        "cooldown": duration,
        "baseline_days": number,
        "alpha": number,
        "recipients": st.lists(st.sampled_from(["a@example.com", "bad"]), max_size=2),
        "webhook": secret,
    },
)
database = table("[database]", {"url": st.one_of(database_url, secret)})
service = table("[service]", {"classify_every": duration, "misfire_grace_time": duration, "classify": st.booleans()})

VALID = """\
[[brands]]
name = "Acme"
query = 'acme OR refund -spam'

[[brands]]
name = "Northwind Air"
query = '"northwind air" OR @northwindair'
competitors = ["Acme"]

[[sources]]
type = "demo"
options = { count = 20 }

[smtp]
host = "127.0.0.1"
port = 1
security = "none"
sender = "CX Pulse <cx@example.com>"
timeout = 2

[[digests]]
name = "weekly"
brands = ["Acme"]
recipients = ["cx@example.com"]

[alerts]
enabled = true
recipients = ["cx@example.com"]
"""
"""A working config (nothing listens on the SMTP port): most examples reach the command itself."""

config_text = st.one_of(
    st.just(VALID),
    st.lists(st.one_of(brands, sources, digests, alerts, database, service), max_size=2).map(
        lambda extra: VALID + "\n" + "\n".join(extra)
    ),
    st.lists(st.one_of(brands, sources, smtp, digests, alerts, database, service), max_size=6).map("\n".join),
    st.builds(
        lambda body, cut: body[:cut],
        st.lists(st.one_of(brands, sources, smtp), max_size=3).map("\n".join),
        st.integers(0, 200),
    ),
    st.sampled_from([3, 30, 500, 5000]).map(lambda n: "a = " + "[" * n + "]" * n),
    st.sampled_from([3, 30, 500, 5000]).map(lambda n: "a = " + "{ b = " * n + "1" + " }" * n),
    st.sampled_from([3, 30, 500]).map(lambda n: "".join(f"[{'.'.join(['t'] * (i + 1))}]\n" for i in range(n))),
    text,
)
config_bytes = st.one_of(config_text.map(lambda t: t.encode("utf-8", "surrogatepass")), st.binary(max_size=60))

csv_cell = st.one_of(text, st.sampled_from(["", "2026-11-01", "not a date", "99999999999999999999", "-1", "5", "nan"]))
import_file = st.one_of(
    st.lists(st.lists(csv_cell, min_size=1, max_size=4), max_size=5).map(
        lambda rows: "id,text,created_at,rating\n" + "\n".join(",".join(json.dumps(c) for c in row) for row in rows)
    ),
    st.lists(
        st.dictionaries(
            st.sampled_from(["id", "text", "created_at", "rating", "author_followers", "url"]),
            st.one_of(csv_cell, number, st.none()),
            max_size=4,
        ),
        max_size=4,
    ).map(lambda rows: "\n".join(json.dumps(r) for r in rows)),
    st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
)

search_args = st.tuples(
    st.one_of(st.lists(word, max_size=5).map(" ".join), text),
    st.lists(
        st.one_of(
            st.tuples(st.just("--since"), when),
            st.tuples(st.just("--until"), when),
            st.tuples(st.just("--offset"), number.map(str)),
            st.tuples(st.just("--limit"), number.map(str)),
            st.tuples(st.just("--brand"), brand_name),
            st.tuples(st.just("--language"), text),
            st.tuples(st.just("--topic"), text),
        ),
        min_size=1,
        max_size=3,
    ),
    st.booleans(),
).map(lambda t: ["search", t[0], *[x for pair in t[1] for x in pair], *(["--json"] if t[2] else [])])
import_args = st.tuples(
    st.sampled_from(["import.csv", "import.jsonl", "missing.csv", "."]),
    brand_name,
    st.lists(
        st.sampled_from(
            [
                "--strict",
                "--json",
                "--format=csv",
                "--format=jsonl",
                "--map",
                "text=created_at",
                "--map=x",
                "--source-name",
                "Bad Name",
            ]
        ),
        max_size=3,
    ),
).map(lambda t: ["import", t[0], "--brand", t[1], *t[2]])
LONG_RUNNING = {"run", "demo", "collect", "classify", "reclassify", "classify-file", "init"}
"""Not generated: they wait, classify with the model or reach the network; other tests cover them."""
other_args = st.one_of(
    st.sampled_from(
        [
            ["config", "check"],
            ["config", "check", "--json"],
            ["sources", "status"],
            ["sources", "list", "--json"],
            ["db", "current"],
            ["alerts", "check", "--dry-run"],
        ]
    ),
    st.builds(
        lambda name, period: ["digest", "send", name, "--period", period],
        st.sampled_from(["weekly", "nosuch"]),
        st.one_of(when, st.sampled_from(["last-week", "this-week", "2026-W99", "yesterday"])),
    ),
    st.lists(text, max_size=3).filter(lambda a: not a or a[0] not in LONG_RUNNING),
)
argv = st.tuples(
    st.one_of(st.just([]), st.sampled_from([["-v"], ["-q"], ["-vv"]]), database_url.map(lambda u: ["--db", u])),
    st.one_of(search_args, import_args, other_args),
).map(lambda t: [*t[0], *t[1]])


@pytest.fixture(params=BACKENDS)
def initialized(cli: Any, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An initialized store: SQLite next to the config, or the session's PostgreSQL database
    (through CXPULSE_DATABASE_URL, so a generated [database] url does not replace it)."""
    if request.param == "postgres":
        store = request.getfixturevalue("postgres_store")
        monkeypatch.setenv("CXPULSE_DATABASE_URL", store.engine.url.render_as_string(hide_password=False))
    assert cli("init").code == 0
    return tmp_path


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(config=config_bytes, rows=import_file, args=argv, suffix=st.sampled_from([".csv", ".jsonl"]))
def test_the_cli_never_shows_a_traceback(
    cli: Any, initialized: Path, monkeypatch: pytest.MonkeyPatch, config: bytes, rows: str, args: list[str], suffix: str
) -> None:
    monkeypatch.setenv("SET_SECRET", "set-secret-value")
    monkeypatch.delenv("UNSET_SECRET", raising=False)
    (initialized / "config.toml").write_bytes(config)
    (initialized / f"import{suffix}").write_text(rows, encoding="utf-8", errors="surrogatepass")
    result = cli(*args)
    where = f"cxpulse {args} with config {config[:300]!r}:\n{result.err[-2000:]}"
    assert result.code in (0, 1, 2), where
    assert "Traceback" not in result.err and "a bug in cxpulse" not in result.err, where
    if result.code == 1:
        assert result.err.strip().splitlines()[-1].startswith("error: "), where
    if result.code == 2:
        assert "Error: " in result.err or "Usage:" in result.out + result.err, where
