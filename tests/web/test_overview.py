"""The overview: volume and sentiment per brand and day, top topics with their shortfall rate,
open and overdue work per assignee; names from the data render inert."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from testkit.clock import NOW
from testkit.web import Login
from testkit.workspace import MENTIONS, MODEL, Seeded

from cxpulse.app import triage, users
from cxpulse.app.overview import overview
from cxpulse.config.workspace import SlaConfig
from foundation.mentions import Cursor
from storage import Store
from storage.triage import TriageChange


def test_the_overview_counts_per_brand_day_topic_and_assignee(store: Store, seeded: Seeded) -> None:
    triage.update_triage(store, users.find_user(store, "alex"), [seeded.ids["delay"]], TriageChange(assignee="sam"))
    later = Store(store.engine, url="later", clock=lambda: NOW + timedelta(hours=6))
    found = overview(later, days=7, model_version=MODEL, sla=SlaConfig())
    acme = next(b for b in found.brands if b.brand == "Acme")
    assert acme.total == 4 and acme.days[-1].total == 4 and acme.days[-1].negative == 3
    assert [(t.topic, t.mentions, t.shortfall_rate) for t in acme.topics] == [("refunds", 2, 1.0), ("delays", 1, 0.0)]
    loads = {a.assignee: (a.open, a.overdue) for a in found.assignees}
    assert loads == {None: (2, 1), "sam": (1, 0)}  # the high-priority refund is past its 4h first action


def test_the_overview_page_is_inert_and_linked(login: Login, seeded: Seeded, store: Store, mention) -> None:  # type: ignore[no-untyped-def]
    store.save_batch(
        [mention("x1", "hostile names", created_at=NOW - timedelta(hours=1))],
        source="twitter",
        brand="<b>Bad</b>\u202e",
        cursor=Cursor("x"),
    )
    found = store.get_mention("twitter", "x1")
    assert found is not None
    store.save_classifications([(found.id, replace(MENTIONS["refund"][4], topics=("<script>alert(9)</script>",)))])
    client, _ = login("vera")
    page = client.get("/overview")
    assert page.status_code == 200
    assert "<svg" in page.text and "refunds" in page.text and 'id="assignees"' in page.text
    assert "<script" not in page.text.replace('<script src="/static/app.js" defer></script>', "")
    assert "&lt;script&gt;alert(9)&lt;/script&gt;" in page.text and "&lt;b&gt;Bad&lt;/b&gt;" in page.text
    assert "<b>Bad" not in page.text and "\u202e" not in page.text
