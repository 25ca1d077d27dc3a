"""`cxpulse digest preview` and `cxpulse digest send`, run the way a user runs them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import testkit.digests as support

from foundation.periods import parse_period
from storage import Store
from storage.digest_runs import claim_run, this_holder

PERIOD = "2026-11-16..2026-11-22"


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(f"sqlite:///{tmp_path / 'cxpulse.db'}")
    store.upgrade()
    seeder = support.Seeder(store)
    seeder.add(
        "Acme",
        "acme <b>never</b> refunded, as promised",
        datetime(2026, 11, 18, tzinfo=UTC),
        sentiment="negative",
        gap="shortfall",
        evidence=("as promised",),
        flagged=True,
        topics=("refund",),
    )
    seeder.add("Acme", "acme is fine", datetime(2026, 11, 10, tzinfo=UTC), topics=("app",))
    yield store
    store.dispose()


def test_preview_writes_a_self_contained_html_file(cli: Any, seeded: Store, tmp_path: Path) -> None:
    support.write_config(tmp_path)
    result = cli("digest", "preview", "weekly", "--period", PERIOD, "--out", "out/digest.html")

    assert result.code == 0, result.err
    path = Path(result.out.strip())
    assert path == tmp_path / "out" / "digest.html"
    html = path.read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 2 and "cid:" not in html
    assert "acme &lt;b&gt;never&lt;/b&gt; refunded" in html
    assert "16\u201322 Nov 2026" in html


def test_send_then_send_again(cli: Any, seeded: Store, smtp_server: Any, tmp_path: Path) -> None:
    support.write_config(tmp_path, port=smtp_server.port)

    first = cli("digest", "send", "weekly", "--period", PERIOD)
    again = cli("digest", "send", "weekly", "--period", PERIOD)

    assert first.code == 0, first.err
    assert "sent digest 'weekly' for 16\u201322 Nov 2026 to marketing@example.com, cx-lead@example.com" in first.out
    assert again.code == 0 and "was already sent" in again.out and "nothing sent" in again.out
    assert len(smtp_server.handler.envelopes) == 1


def test_send_to_a_server_that_is_down_exits_1_and_says_it_will_retry(
    cli: Any, seeded: Store, tmp_path: Path, down_smtp_port: int
) -> None:
    support.write_config(tmp_path, port=down_smtp_port)
    result = cli("digest", "send", "weekly", "--period", PERIOD)

    assert result.code == 1
    assert "was not sent: cannot reach SMTP server 127.0.0.1" in result.err
    assert "retries it" in result.err


def test_unknown_digest_and_bad_period_say_what_to_do(cli: Any, seeded: Store, tmp_path: Path) -> None:
    support.write_config(tmp_path)
    unknown = cli("digest", "send", "monthly")
    bad = cli("digest", "preview", "weekly", "--period", "fortnight")

    assert unknown.code == 1 and "unknown digest 'monthly'; digests in config: weekly" in unknown.err
    assert bad.code == 1 and "use last-week, this-week" in bad.err


def test_a_connection_dropped_after_data_exits_1_says_so_and_status_shows_it(
    cli: Any, seeded: Store, dropping_smtp_server: Any, smtp_server: Any, tmp_path: Path
) -> None:
    support.write_config(tmp_path, port=dropping_smtp_server.port)
    first = cli("digest", "send", "weekly", "--period", PERIOD)

    said = " ".join(first.err.split())
    assert first.code == 1 and first.out == ""
    assert "may or may not have been delivered" in said and "Recorded as uncertain" in said
    assert "the next `cxpulse digest send` of this period resends it once, with the same Message-ID" in said
    shown = cli("digest", "status")
    assert shown.code == 0 and "uncertain" in shown.out and "resent once by the next send" in shown.out

    support.write_config(tmp_path, port=smtp_server.port)
    again = cli("digest", "send", "weekly", "--period", PERIOD)
    assert again.code == 0 and "sent digest 'weekly' for 16\u201322 Nov 2026 again" in again.out
    [run] = json.loads(cli("digest", "status", "weekly", "--json").out)
    assert (run["status"], run["attempts"], run["uncertain_attempts"]) == ("sent", 2, 1)
    assert run["period"] == "16\u201322 Nov 2026" and run["next"] == "nothing: never sent again"


def test_send_while_another_run_holds_the_period_exits_1_and_says_who(
    cli: Any, seeded: Store, smtp_server: Any, tmp_path: Path
) -> None:
    support.write_config(tmp_path, port=smtp_server.port)
    period = parse_period(PERIOD, "weekly", "UTC", support.NOW)
    assert claim_run(seeded, "weekly", period, now=datetime.now(UTC), message_id="<m@example.com>").claimed

    result = cli("digest", "send", "weekly", "--period", PERIOD)

    assert result.code == 1
    said = " ".join(result.err.split())
    assert f"is being sent by another run ({this_holder()} since" in said
    assert "nothing sent by this one" in said
    assert smtp_server.handler.envelopes == []


def test_status_of_an_unknown_digest_says_which_exist(cli: Any, seeded: Store, tmp_path: Path) -> None:
    support.write_config(tmp_path)
    result = cli("digest", "status", "monthly")
    assert result.code == 1 and "unknown digest 'monthly'; digests in config: weekly" in result.err
