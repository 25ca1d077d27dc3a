"""The workspace as a CX agent uses it: log in, find a complaint, read it, triage it, correct a label."""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient
from testkit.web import Login, log_in
from testkit.workspace import MENTIONS, PASSWORD, Seeded

from cxpulse.app import feedback, triage
from storage import Store


def test_logging_in_and_out(anonymous: TestClient) -> None:
    assert anonymous.get("/").headers["location"] == "/login"
    csrf = log_in(anonymous, "alex")
    inbox = anonymous.get("/")
    assert inbox.status_code == 200 and "Alex" in inbox.text
    assert anonymous.post("/logout", data={"csrf_token": csrf}).headers["location"] == "/login"
    assert anonymous.get("/").status_code == 303


def test_a_wrong_password_is_refused_with_one_message(anonymous: TestClient) -> None:
    anonymous.get("/login")
    token = anonymous.cookies.get("cxpulse_login_csrf")
    response = anonymous.post("/login", data={"username": "alex", "password": "wrong one!", "csrf_token": token})
    assert response.status_code == 401 and "wrong username or password" in response.text
    assert "cxpulse_session" not in response.cookies


def test_the_inbox_shows_open_flagged_work_newest_first_with_counts(login: Login, seeded: Seeded) -> None:
    client, _ = login("vera")
    page = client.get("/").text
    order = [page.index(f'data-id="{seeded.ids[name]}"') for name in ("hostile", "delay", "refund")]
    assert order == sorted(order)
    assert f'data-id="{seeded.ids["praise"]}"' not in page  # not flagged
    assert '<strong id="total">3</strong>' in page
    # the list shows at once; the counts per filter value follow from /filters (app.js swaps them in)
    assert 'class="count"' not in page and 'data-counts-url="/filters"' in page
    filters = client.get("/filters").text
    assert 'value="negative" checked' not in filters and 'negative <span class="count">3</span>' in filters
    assert "<html" not in filters and 'name="flagged"' in filters
    # without JavaScript, the page's own link counts them in place
    inline = client.get("/", params={"counts": "inline"}).text
    assert 'negative <span class="count">3</span>' in inline and "data-counts-url" not in inline


def test_searching_and_filtering(login: Login, seeded: Seeded) -> None:
    client, _ = login("vera")
    page = client.get("/", params={"f": "1", "q": "refund", "flagged": "yes", "status": "open"}).text
    assert '<strong id="total">2</strong>' in page and "<mark>refund</mark>" in page
    page = client.get("/", params={"f": "1", "q": "refund", "emotion": "anger"}).text
    assert '<strong id="total">1</strong>' in page and f'data-id="{seeded.ids["refund"]}"' in page
    page = client.get("/", params={"f": "1", "brand": "Beta"}).text
    assert f'data-id="{seeded.ids["beta"]}"' in page
    page = client.get("/", params={"f": "1", "since": "not a date"}).text
    assert "is not a date" in page
    page = client.get("/", params={"f": "1", "lifecycle": "support"}).text
    assert '<strong id="total">1</strong>' in page and f'data-id="{seeded.ids["refund"]}"' in page
    counted = client.get("/filters", params={"f": "1", "lifecycle": "support"}).text
    assert "Lifecycle stage" in counted and "before_purchase" in counted  # the facet counts the other stages too
    detail = client.get(f"/mentions/{seeded.ids['refund']}").text
    assert "Lifecycle stage" in detail and "support" in detail and "About a brand" in detail


def test_filtering_by_about_the_brand_and_switching_threats(login: Login, seeded: Seeded, store: Store) -> None:
    def relabel(name: str, **labels: object) -> None:
        store.save_classifications([(seeded.ids[name], dataclasses.replace(MENTIONS[name][4], **labels))])

    relabel("delay", switching=True, switching_score=0.9)
    relabel("praise", about_brand=False, about_brand_score=0.1)
    client, _ = login("vera")
    page = client.get("/", params={"f": "1", "switching": "yes"}).text
    assert '<strong id="total">1</strong>' in page and f'data-id="{seeded.ids["delay"]}"' in page
    counted = client.get("/filters", params={"f": "1", "switching": "yes"}).text
    assert "threatens to switch (1)" in counted and "no threat (4)" in counted
    page = client.get("/", params={"f": "1", "about_brand": "no"}).text
    assert '<strong id="total">1</strong>' in page and f'data-id="{seeded.ids["praise"]}"' in page
    counted = client.get("/filters", params={"f": "1", "about_brand": "no"}).text
    assert "about the brand (4)" in counted and "general chatter (1)" in counted
    page = client.get("/", params={"f": "1", "about_brand": "yes", "switching": "no"}).text
    assert '<strong id="total">3</strong>' in page


def test_paging(login: Login, seeded: Seeded) -> None:
    client, _ = login("vera")
    first = client.get("/", params={"f": "1"}).text
    assert '<strong id="total">5</strong>' in first and 'id="next"' not in first
    later = client.get("/", params={"f": "1", "offset": "4"}).text
    assert later.count('class="hit"') == 1 and "← newer" in later


def test_the_detail_page_shows_evidence_scores_author_and_history(login: Login, seeded: Seeded) -> None:
    client, _ = login("vera")
    page = client.get(f"/mentions/{seeded.ids['refund']}").text
    assert '<mark class="evidence">you promised it within 5 days</mark>' in page
    assert "negative 0.80" in page and "@jo" in page
    assert 'href="https://twitter.com/jo/status/1"' in page and 'rel="noopener noreferrer nofollow"' in page
    assert "flagged by the classifier" in page
    assert "Flight delayed again" in page  # same author
    assert client.get("/mentions/999999").status_code == 404


def test_an_agent_assigns_resolves_and_corrects_a_label(login: Login, seeded: Seeded, store: Store) -> None:
    client, csrf = login("alex")
    refund = seeded.ids["refund"]
    response = client.post(
        f"/mentions/{refund}/triage",
        data={
            "csrf_token": csrf,
            "status": "resolved",
            "assignee": "sam",
            "priority": "urgent",
            "tags": "refund, vip",
            "note": "refunded by phone",
        },
    )
    assert response.status_code == 303
    item = triage.triage_item(store, refund)
    assert item is not None and (item.status, item.assignee, item.priority, item.tags) == (
        "resolved",
        "sam",
        "urgent",
        ("refund", "vip"),
    )
    page = client.get(f"/mentions/{refund}").text
    assert "refunded by phone" in page and 'id="status">resolved<' in page
    assert f'data-id="{refund}"' not in client.get("/").text
    client.post(f"/mentions/{refund}/feedback", data={"csrf_token": csrf, "field": "sentiment", "value": "neutral"})
    rows = feedback.feedback_for(store, refund)
    assert [(r.field, r.predicted, r.corrected, r.actor) for r in rows] == [
        ("sentiment", "negative", "neutral", "alex")
    ]
    assert 'class="corrected">neutral<' in client.get(f"/mentions/{refund}").text


def test_bulk_triage_from_the_inbox(login: Login, seeded: Seeded, store: Store) -> None:
    client, csrf = login("alex")
    ids = [seeded.ids["delay"], seeded.ids["hostile"]]
    response = client.post(
        "/triage/bulk",
        data={
            "csrf_token": csrf,
            "ids": [str(i) for i in ids],
            "status": "in_progress",
            "assignee": "alex",
            "return_to": "/?f=1",
        },
    )
    assert response.status_code == 303 and response.headers["location"] == "/?f=1"
    assert [(i.status, i.assignee) for i in (triage.triage_item(store, n) for n in ids) if i] == [
        ("in_progress", "alex")
    ] * 2
    evil = client.post(
        "/triage/bulk", data={"csrf_token": csrf, "ids": [str(ids[0])], "status": "open", "return_to": "//evil.example"}
    )
    assert evil.headers["location"] == "/"


def test_admins_manage_users_in_the_browser(login: Login, store: Store) -> None:
    client, csrf = login("ada")
    assert client.get("/admin/users").status_code == 200
    client.post("/admin/users", data={"csrf_token": csrf, "username": "nia", "password": PASSWORD, "role": "viewer"})
    client.post("/admin/users/nia", data={"csrf_token": csrf, "role": "agent"})
    client.post("/admin/users/nia", data={"csrf_token": csrf, "action": "disable"})
    from cxpulse.app.users import find_user

    nia = find_user(store, "nia")
    assert (nia.role, nia.disabled) == ("agent", True)
