"""Saved searches: each user's own, shared ones only from admins, deleted by their owner."""

from __future__ import annotations

from testkit.web import Login
from testkit.workspace import Seeded

from cxpulse.app import saved_searches, users
from storage import Store


def test_saving_listing_sharing_and_deleting_searches(login: Login, seeded: Seeded, store: Store) -> None:
    alex, alex_csrf = login("alex")
    saved = alex.post(
        "/searches", data={"csrf_token": alex_csrf, "name": "Angry refunds", "query": "f=1&q=refund&emotion=anger&offset=25"}
    )
    assert saved.status_code == 303 and saved.headers["location"] == "/?f=1&q=refund&emotion=anger"
    page = alex.get("/").text
    assert 'href="/?f=1&amp;q=refund&amp;emotion=anger">Angry refunds</a>' in page
    refused = alex.post("/searches", data={"csrf_token": alex_csrf, "name": "For all", "query": "f=1", "shared": "1"})
    assert refused.status_code == 403
    ada, ada_csrf = login("ada")
    ada.post("/searches", data={"csrf_token": ada_csrf, "name": "Team: overdue", "query": "f=1&priority=high", "shared": "1"})
    vera, _ = login("vera")
    names = [s.name for s in saved_searches.list_searches(store, users.find_user(store, "vera"))]
    assert names == ["Team: overdue"]  # alex's own search stays his
    assert "Team: overdue" in vera.get("/").text
    mine = saved_searches.list_searches(store, users.find_user(store, "alex"))
    angry = next(s for s in mine if s.name == "Angry refunds")
    shared = next(s for s in mine if s.shared)
    assert alex.post(f"/searches/{shared.id}/delete", data={"csrf_token": alex_csrf}).status_code == 403
    assert alex.post(f"/searches/{angry.id}/delete", data={"csrf_token": alex_csrf}).status_code == 303
    assert [s.name for s in saved_searches.list_searches(store, users.find_user(store, "alex"))] == ["Team: overdue"]
