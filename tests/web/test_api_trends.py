"""``GET /api/v1/trends`` as a BI tool's script calls it: the numbers of `cxpulse trends`,
and problem details for bad input."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from testkit import trends as hand_built
from testkit.workspace import MODEL, Seeded

from storage import Store

Headers = Callable[[str], dict[str, str]]
WEEKS = {"since": "2026-10-19", "until": "2026-11-08", "tz": "Europe/Berlin"}


def test_weekly_trend_by_brand(anonymous: TestClient, token_for: Headers, seeded: Seeded, store: Store) -> None:
    hand_built.seed(store, model_version=MODEL)
    params = {**WEEKS, "by": "week", "dims": "brand", "metrics": "mentions,net_sentiment", "brand": "Acme"}
    answer = anonymous.get("/api/v1/trends", params=params, headers=token_for("vera"))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["columns"] == [
        "period_start", "period_end", "brand", "mentions", "mentions_change", "net_sentiment", "net_sentiment_change",
    ]  # fmt: skip
    assert [(r["period_start"], r["mentions"], r["net_sentiment"]) for r in body["rows"]] == [
        ("2026-10-19T00:00:00+02:00", 1, 100.0),
        ("2026-10-26T00:00:00+01:00", 3, 0.0),
        ("2026-11-02T00:00:00+01:00", 0, None),
    ]
    assert body["rows"][1]["mentions_change"] == 2.0
    wide = anonymous.get(
        "/api/v1/trends", params={**WEEKS, "dims": "sentiment", "wide": "true"}, headers=token_for("vera")
    ).json()
    assert [r["mentions|positive"] for r in wide["rows"]] == [1, 1, 0]


def test_bad_input_is_a_problem_detail(anonymous: TestClient, token_for: Headers, seeded: Seeded) -> None:
    headers = token_for("vera")
    for params, says in [
        ({"dims": "colour"}, "unknown dimension 'colour'; valid dimensions: brand"),
        ({"metrics": "nps"}, "valid metrics: mentions"),
        ({"since": "2026-11-01", "until": "2026-10-01"}, "is not before --until"),
        ({"tz": "Mars/Olympus"}, "not an IANA time zone"),
        ({"since": "2020-01-01", "until": "2020-01-31"}, "no mentions from"),
    ]:
        answer = anonymous.get("/api/v1/trends", params=params, headers=headers)
        assert answer.status_code == 400, (params, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
        assert says in answer.json()["detail"]
    bad_period = anonymous.get("/api/v1/trends", params={"by": "fortnight"}, headers=headers)
    assert bad_period.status_code == 422
    assert anonymous.get("/api/v1/trends").status_code == 401
