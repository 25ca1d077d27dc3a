"""The workspace in a real browser: Playwright for Python drives Debian's headless chromium
(``make test`` installs it; no browser download) against uvicorn on a free loopback port.

One end-to-end walk through an agent's work: log in, search for a complaint, open it,
assign it, resolve it, see it leave the open inbox, correct its sentiment and find the
feedback row. Screenshots of the inbox and the detail page are kept as test artifacts
(in ``$CXPULSE_TEST_ARTIFACTS`` when set, else the test's tmp dir, printed).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from testkit.workspace import PASSWORD, Seeded

from cxpulse.app import feedback, triage
from storage import Store

CHROMIUM = Path("/usr/bin/chromium")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn in a thread; its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: `make browser` (part of `make test`) installs Debian's chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("CXPULSE_TEST_ARTIFACTS") or tmp_path / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_an_agent_works_a_complaint_in_the_browser(
    server: str, chromium: Path, artifacts: Path, seeded: Seeded, store: Store
) -> None:
    from playwright.sync_api import expect, sync_playwright

    refund = seeded.ids["refund"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            page.goto(f"{server}/")
            expect(page).to_have_url(f"{server}/login")
            page.get_by_label("Username").fill("alex")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            expect(page.locator("#total")).to_have_text("3")
            # the counts per filter value arrive after the list (app.js fetches /filters)
            filters = page.locator("aside#filters")
            expect(filters).to_have_attribute("data-counted", "true")
            expect(page.locator("#counting")).to_have_count(0)
            expect(filters.get_by_role("combobox", name="Flagged")).to_contain_text("flagged (3)")

            page.locator("#q").fill("refund")
            page.locator("#search-button").click()
            row = page.locator(f'tr.hit[data-id="{refund}"]')
            expect(row).to_be_visible()
            expect(row.locator("mark").first).to_have_text("refund")
            expect(filters).to_have_attribute("data-counted", "true")
            page.screenshot(path=str(artifacts / "inbox.png"), full_page=True)

            row.locator("a.open").click()
            expect(page).to_have_url(f"{server}/mentions/{refund}")
            expect(page.locator("mark.evidence")).to_have_text("you promised it within 5 days")
            page.locator("#triage-assignee").select_option("alex")
            page.locator("#triage-save").click()
            expect(page.locator("#history")).to_contain_text("assignee: — → alex")
            page.locator("#triage-status").select_option("resolved")
            page.locator("#triage-note").fill("Refund sent again, customer confirmed.")
            page.locator("#triage-save").click()
            expect(page.locator("#status")).to_have_text("resolved")

            page.goto(f"{server}/")
            expect(page.locator("#total")).to_have_text("2")
            expect(page.locator(f'tr.hit[data-id="{refund}"]')).to_have_count(0)

            page.goto(f"{server}/mentions/{refund}")
            page.locator("#feedback-field").select_option("sentiment")
            page.locator("#feedback-value").fill("neutral")
            page.locator("#feedback-save").click()
            expect(page.locator("#feedback-list")).to_contain_text("negative → neutral")
            page.screenshot(path=str(artifacts / "mention.png"), full_page=True)
        finally:
            browser.close()

    item = triage.triage_item(store, refund)
    assert item is not None and (item.status, item.assignee) == ("resolved", "alex")
    rows = feedback.feedback_for(store, refund)
    assert [(r.field, r.predicted, r.corrected, r.actor) for r in rows] == [("sentiment", "negative", "neutral", "alex")]
    assert (artifacts / "inbox.png").stat().st_size > 10_000 and (artifacts / "mention.png").stat().st_size > 10_000
    print(f"screenshots: {artifacts}")
