"""SLA per priority ([workspace.sla]): items past their first-action or resolution target are
marked overdue in the inbox, on the mention and in the API; acting on them clears the mark."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from testkit.clock import NOW
from testkit.web import BASE_URL, log_in
from testkit.workspace import Seeded

from cxpulse.app import triage, users, workspace
from cxpulse.app.auth import create_token
from cxpulse.app.sla import sla_state
from cxpulse.config.workspace import SlaConfig, SlaTarget
from cxpulse.web import create_app
from storage import SearchFilters, Store
from storage.triage import TriageChange


def test_the_sla_follows_the_priority(store: Store, seeded: Seeded) -> None:
    config = SlaConfig(high=SlaTarget(first_action="2h", resolution="1d"))
    refund = triage.triage_item(store, seeded.ids["refund"])  # high
    assert refund is not None and refund.opened_at == NOW
    soon = sla_state(refund, config, NOW + timedelta(hours=1))
    assert soon is not None and not soon.overdue and soon.first_action_due == NOW + timedelta(hours=2)
    late = sla_state(refund, config, NOW + timedelta(hours=3))
    assert late is not None and late.first_action_late and not late.resolution_late
    triage.update_triage(store, users.find_user(store, "alex"), [refund.mention_id], TriageChange(status="in_progress"))
    acted = triage.triage_item(store, refund.mention_id)
    state = sla_state(acted, config, NOW + timedelta(hours=3))
    assert state is not None and not state.overdue
    assert sla_state(acted, config, NOW + timedelta(days=2)).resolution_late  # type: ignore[union-attr]
    triage.update_triage(store, users.find_user(store, "alex"), [refund.mention_id], TriageChange(status="resolved"))
    assert sla_state(triage.triage_item(store, refund.mention_id), config, NOW + timedelta(days=9)) is None


def test_overdue_items_are_marked_in_the_inbox_the_detail_and_the_api(store: Store, seeded: Seeded) -> None:
    later = Store(store.engine, url="later", clock=lambda: NOW + timedelta(hours=6))
    app = create_app(later, sla=SlaConfig())  # high: first action within 4h
    token, _ = create_token(store, "vera", "sla")
    with TestClient(app, base_url=BASE_URL, follow_redirects=False) as client:
        log_in(client, "vera")
        inbox = client.get("/").text
        row = inbox[inbox.index(f'data-id="{seeded.ids["refund"]}"') :]
        assert '">overdue</span>' in row[: row.index("</tr>")]
        other = inbox[inbox.index(f'data-id="{seeded.ids["delay"]}"') :]
        assert "overdue" not in other[: other.index("</tr>")]  # normal: a day for the first action
        assert "first action was due" in client.get(f"/mentions/{seeded.ids['refund']}").text
        api = client.get(f"/api/v1/mentions/{seeded.ids['refund']}", headers={"Authorization": f"Bearer {token}"})
        assert api.json()["triage"]["overdue"] is True


def test_the_inbox_sorts_by_the_nearest_sla_deadline(store: Store, seeded: Seeded) -> None:
    config = SlaConfig(
        high=SlaTarget(first_action="2h", resolution="1d"), low=SlaTarget(first_action="3d", resolution="7d")
    )
    alex = users.find_user(store, "alex")
    hostile = triage.triage_item(store, seeded.ids["hostile"])
    assert hostile is not None and hostile.resolved_at is None
    triage.update_triage(store, alex, [seeded.ids["hostile"]], TriageChange(priority="low"))

    def due_order() -> list[str]:
        page = workspace.inbox(store, "", SearchFilters(), order="due", sla=config, limit=10)
        return [hit.external_id for hit in page.hits]

    # refund: high, due in 2h; delay: normal, first action due in 1d; hostile: low and acted on,
    # resolution due in 7d; then the mentions without open work, newest first.
    assert due_order() == ["refund", "delay", "hostile", "beta", "praise"]
    triage.update_triage(store, alex, [seeded.ids["refund"]], TriageChange(status="resolved"))
    assert due_order() == ["delay", "hostile", "beta", "praise", "refund"]

    token, _ = create_token(store, "vera", "due")
    with TestClient(create_app(store, sla=config), base_url=BASE_URL, follow_redirects=False) as client:
        api = client.get("/api/v1/mentions", params={"order": "due"}, headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 200
        assert [item["id"] for item in api.json()["items"]] == [seeded.ids[name] for name in due_order()]
        log_in(client, "vera")
        page = client.get("/", params={"f": "1", "order": "due"}).text
        assert '<option value="due" selected>SLA due</option>' in page
        rows = [page.index(f'data-id="{seeded.ids[name]}"') for name in due_order()]
        assert rows == sorted(rows)
