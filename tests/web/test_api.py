"""The REST API as a script uses it: search with cursors, detail, triage (single and bulk), feedback."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from testkit.workspace import MENTIONS, Seeded

from cxpulse.app import feedback, triage
from storage import Store

Headers = Callable[[str], dict[str, str]]


def test_search_pages_with_a_cursor(anonymous: TestClient, token_for: Headers, seeded: Seeded) -> None:
    headers = token_for("vera")
    first = anonymous.get("/api/v1/mentions", params={"limit": 2, "order": "newest"}, headers=headers).json()
    assert first["total"] == 5 and len(first["items"]) == 2 and first["next_cursor"]
    seen = [m["id"] for m in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = anonymous.get(
            "/api/v1/mentions", params={"limit": 2, "order": "newest", "cursor": cursor}, headers=headers
        ).json()
        seen += [m["id"] for m in page["items"]]
        cursor = page["next_cursor"]
    assert sorted(seen) == sorted(seeded.ids.values()) and len(seen) == 5
    other = anonymous.get("/api/v1/mentions", params={"q": "refund", "cursor": first["next_cursor"]}, headers=headers)
    assert other.status_code == 400 and "another search" in other.json()["detail"]


def test_search_takes_the_inbox_filters(anonymous: TestClient, token_for: Headers, seeded: Seeded) -> None:
    headers = token_for("vera")
    found = anonymous.get(
        "/api/v1/mentions",
        params={"q": "refund", "flagged": "true", "status": ["open"], "sentiment": "negative", "emotion": "anger"},
        headers=headers,
    ).json()
    assert [m["id"] for m in found["items"]] == [seeded.ids["refund"]]
    item = found["items"][0]
    assert item["labels"]["expectation_gap"] == "shortfall" and item["triage"]["priority"] == "high"
    assert "\x02" not in item["snippet"]
    bad = anonymous.get("/api/v1/mentions", params={"sentiment": "furious"}, headers=headers)
    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    naive = anonymous.get("/api/v1/mentions", params={"since": "2026-11-01T00:00:00"}, headers=headers)
    assert naive.status_code == 400 and "time zone" in naive.json()["detail"]


def test_search_filters_and_shows_the_classifier_2_heads(
    anonymous: TestClient, token_for: Headers, seeded: Seeded
) -> None:
    headers = token_for("vera")
    found = anonymous.get("/api/v1/mentions", params={"lifecycle": "support"}, headers=headers).json()
    assert [m["id"] for m in found["items"]] == [seeded.ids["refund"]]
    labels = found["items"][0]["labels"]
    assert (labels["lifecycle"], labels["about_brand"], labels["switching"]) == ("support", True, False)
    detail = anonymous.get(f"/api/v1/mentions/{seeded.ids['beta']}", headers=headers).json()
    assert detail["labels"]["lifecycle"] == "before_purchase"
    bad = anonymous.get("/api/v1/mentions", params={"lifecycle": "shopping"}, headers=headers)
    assert bad.status_code == 422


def test_detail_with_scores_and_history(anonymous: TestClient, token_for: Headers, seeded: Seeded) -> None:
    detail = anonymous.get(f"/api/v1/mentions/{seeded.ids['refund']}", headers=token_for("vera")).json()
    assert detail["labels"]["gap_evidence"] == ["you promised it within 5 days"]
    assert detail["labels"]["sentiment_scores"]["negative"] == 0.8
    assert detail["history"][0]["actor"] == "cxpulse classify"
    missing = anonymous.get("/api/v1/mentions/999999", headers=token_for("vera"))
    assert missing.status_code == 404 and missing.json()["title"] == "Not found"


def test_triage_single_and_bulk_and_feedback(
    anonymous: TestClient, token_for: Headers, seeded: Seeded, store: Store
) -> None:
    headers = token_for("alex")
    refund, delay = seeded.ids["refund"], seeded.ids["delay"]
    one = anonymous.post(
        f"/api/v1/mentions/{refund}/triage", json={"status": "waiting_on_customer", "assignee": "alex"}, headers=headers
    )
    assert one.status_code == 200 and one.json() == {"changes": 2}
    bulk = anonymous.post(
        "/api/v1/triage",
        json={"ids": [refund, delay], "update": {"status": "resolved", "tags": ["batch"]}},
        headers=headers,
    )
    assert bulk.json() == {"changes": 4}
    assert {triage.triage_item(store, i).status for i in (refund, delay)} == {"resolved"}  # type: ignore[union-attr]
    assert triage.history(store, refund)[-1].actor == "alex"
    created = anonymous.post(
        f"/api/v1/mentions/{delay}/feedback", json={"field": "expectation_gap", "value": "shortfall"}, headers=headers
    )
    assert created.status_code == 201
    assert [(f.field, f.corrected) for f in feedback.feedback_for(store, delay)] == [("expectation_gap", "shortfall")]
    unknown = anonymous.post(f"/api/v1/mentions/{delay}/triage", json={"assignee": "nobody"}, headers=headers)
    assert unknown.status_code == 404
    extra = anonymous.post(f"/api/v1/mentions/{delay}/triage", json={"colour": "red"}, headers=headers)
    assert extra.status_code == 422


def test_the_openapi_schema_is_for_token_holders(anonymous: TestClient, token_for: Headers) -> None:
    assert anonymous.get("/api/v1/openapi.json").status_code == 401
    schema = anonymous.get("/api/v1/openapi.json", headers=token_for("vera")).json()
    assert set(schema["paths"]) == {
        "/api/v1/mentions",
        "/api/v1/mentions/{mention_id}",
        "/api/v1/mentions/{mention_id}/triage",
        "/api/v1/triage",
        "/api/v1/mentions/{mention_id}/feedback",
        "/api/v1/trends",
    }
    assert "token" in schema["components"]["securitySchemes"]
    assert anonymous.get("/docs").status_code == 404  # no Swagger UI: it would load from a CDN


def test_unknown_query_parameters_are_refused(anonymous: TestClient, token_for: Headers) -> None:
    response = anonymous.get("/api/v1/mentions", params={"sentimen": "negative"}, headers=token_for("vera"))
    assert response.status_code == 400 and "sentimen" in response.json()["detail"]


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/trends", {"brand": "Ac\x00me"}),  # a 500 on PostgreSQL, found by schemathesis
        ("/api/v1/mentions", {"q": "refund\x00"}),
        ("/api/v1/mentions", {"tag": "\x00"}),
    ],
)
def test_a_nul_character_in_any_query_parameter_is_refused_clearly(
    anonymous: TestClient, token_for: Headers, seeded: Seeded, path: str, params: dict[str, str]
) -> None:
    response = anonymous.get(path, params=params, headers=token_for("vera"))
    assert response.status_code == 400, response.text
    assert "NUL character" in response.json()["detail"] and next(iter(params)) in response.json()["detail"]


def test_search_filters_by_about_the_brand_and_switching(
    anonymous: TestClient, token_for: Headers, seeded: Seeded, store: Store
) -> None:
    delay = dataclasses.replace(MENTIONS["delay"][4], switching=True, switching_score=0.9)
    praise = dataclasses.replace(MENTIONS["praise"][4], about_brand=False, about_brand_score=0.1)
    store.save_classifications([(seeded.ids["delay"], delay), (seeded.ids["praise"], praise)])
    headers = token_for("vera")

    def ids(**params: str) -> list[int]:
        return [m["id"] for m in anonymous.get("/api/v1/mentions", params=params, headers=headers).json()["items"]]

    assert ids(switching="true") == [seeded.ids["delay"]]
    assert ids(about_brand="false") == [seeded.ids["praise"]]
    assert seeded.ids["praise"] not in ids(about_brand="true") and len(ids(about_brand="true", switching="false")) == 3
