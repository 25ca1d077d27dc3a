"""Alert checks end to end: seeded store, real SMTP (aiosmtpd), webhook recorded with respx."""

from __future__ import annotations

import email
import json
import re
from datetime import timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import respx
from sqlalchemy import func, select
from testkit.clock import NOW

from cxpulse.app.alerts import check_alerts
from cxpulse.config import LoadedConfig, load_config
from foundation.errors import ConfigError
from storage import Store
from storage.models import AlertEventModel

WEBHOOK = "https://hooks.example.com/services/T000/B000/XXXX"


def config(tmp_path: Path, *, port: int = 2525, alerts: str = "") -> LoadedConfig:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[[brands]]
name = "Acme"
query = "acme"

[smtp]
host = "127.0.0.1"
port = {port}
security = "none"
sender = "CX Pulse <cxpulse@example.com>"
timeout = 5

[alerts]
enabled = true
window = "1d"
baseline_days = 14
recipients = ["cx-team@example.com"]
top_mentions = 3
{alerts}
""",
        encoding="utf-8",
    )
    return load_config(path, env={})


def seed_baseline(seeder: Any, *, rate: int = 20, negative: float = 0.2, seed: int = 11) -> None:
    """14 days of seeded Poisson volume, each mention negative with probability ``negative``."""
    rng = np.random.default_rng(seed)
    for day in range(1, 15):
        for _ in range(int(rng.poisson(rate))):
            when = NOW - timedelta(days=day, seconds=int(rng.integers(1, 86_400)))
            sentiment = "negative" if rng.random() < negative else "neutral"
            seeder.add("Acme", "acme is fine", when, sentiment=sentiment)
    seeder.flush()


def burst(seeder: Any, count: int, *, negative: float, seed: int = 3, text: str = "acme again") -> None:
    rng = np.random.default_rng(seed)
    for i in range(count):
        when = NOW - timedelta(seconds=int(rng.integers(1, 86_400)))
        sentiment = "negative" if i < round(count * negative) else "neutral"
        seeder.add("Acme", text, when, sentiment=sentiment, url="https://social.example/p/1")
    seeder.flush()


def alert_rows(store: Store) -> list[Any]:
    with store.engine.connect() as connection:
        return list(connection.execute(select(AlertEventModel).order_by(AlertEventModel.id)))


def test_a_burst_sends_exactly_one_alert_email_and_no_second_within_the_window(
    store: Store, seeder: Any, smtp_server: Any, tmp_path: Path
) -> None:
    seed_baseline(seeder)
    burst(seeder, 50, negative=0.2)
    seeder.add("Acme", 'acme <script>alert(1)</script> "><img src=x onerror=alert(2)>', NOW - timedelta(minutes=1))
    seeder.flush()
    loaded = config(tmp_path, port=smtp_server.port)

    first = check_alerts(store, loaded, {}, now=NOW)
    assert [(r.spike.kind, r.spike.topic, r.status) for r in first.results] == [("volume", "", "sent")]
    [envelope] = smtp_server.handler.envelopes
    assert envelope.rcpt_tos == ["cx-team@example.com"]
    message = email.message_from_bytes(envelope.content)
    assert message["Subject"] == "[cxpulse alert] Volume spike: Acme"
    assert message.get_content_type() == "multipart/alternative"
    html = _part(message, "text/html")
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert 'href="https://social.example/p/1"' in html
    assert "<script>alert(1)</script>" in _part(message, "text/plain")  # plain text needs no escaping

    again = check_alerts(store, loaded, {}, now=NOW + timedelta(hours=3))
    assert [r.status for r in again.results] == ["cooldown"]
    assert len(smtp_server.handler.envelopes) == 1
    assert [(row.kind, row.status, row.channels) for row in alert_rows(store)] == [("volume", "sent", ["email"])]


def test_a_negative_share_spike_without_more_volume(
    store: Store, seeder: Any, smtp_server: Any, tmp_path: Path
) -> None:
    seed_baseline(seeder)
    burst(seeder, 22, negative=0.85, text="acme lost my bag")
    result = check_alerts(store, config(tmp_path, port=smtp_server.port), {}, now=NOW)
    [outcome] = result.results
    assert outcome.spike.kind == "negative_share" and outcome.status == "sent"
    assert outcome.spike.observed == pytest.approx(19 / 22)
    assert 0.1 < outcome.spike.expected < 0.3
    message = email.message_from_bytes(smtp_server.handler.envelopes[0].content)
    assert message["Subject"] == "[cxpulse alert] Negative-share spike: Acme"
    assert _part(message, "text/plain").count("acme lost my bag") == 3  # top_mentions, all negative


def test_ordinary_days_send_nothing(store: Store, seeder: Any, smtp_server: Any, tmp_path: Path) -> None:
    seed_baseline(seeder)
    burst(seeder, 21, negative=0.2)
    result = check_alerts(store, config(tmp_path, port=smtp_server.port), {}, now=NOW)
    assert result.detection.tests == 2 and result.results == []
    assert smtp_server.handler.envelopes == [] and alert_rows(store) == []


@respx.mock
def test_the_webhook_gets_a_slack_compatible_post(store: Store, seeder: Any, tmp_path: Path) -> None:
    route = respx.post(WEBHOOK).mock(return_value=httpx.Response(200, text="ok"))
    seed_baseline(seeder)
    burst(seeder, 50, negative=0.2, text="acme <b>&</b> co")
    config(tmp_path, alerts='webhook = { env = "SLACK_WEBHOOK_URL" }')
    path = tmp_path / "config.toml"
    path.write_text(path.read_text().replace('recipients = ["cx-team@example.com"]', ""), encoding="utf-8")
    loaded = load_config(path, env={})
    [outcome] = check_alerts(store, loaded, {"SLACK_WEBHOOK_URL": WEBHOOK}, now=NOW).results
    assert outcome.status == "sent" and outcome.channels == ("webhook",)
    payload = json.loads(route.calls.last.request.content)
    assert payload["text"].startswith("*Volume spike: Acme*")
    assert "acme &lt;b&gt;&amp;&lt;/b&gt; co" in payload["text"]
    assert payload["alert"]["kind"] == "volume" and payload["alert"]["brand"] == "Acme"


@respx.mock
def test_hostile_urls_and_text_cannot_rewrite_the_slack_text(store: Store, seeder: Any, tmp_path: Path) -> None:
    route = respx.post(WEBHOOK).mock(return_value=httpx.Response(200, text="ok"))
    seed_baseline(seeder)
    burst(seeder, 50, negative=0.2)
    injected = "https://ok.example/>*FAKE*<https://phish.example|Click"
    seeder.add("Acme", "acme <!channel> <https://phish.example|Click here>", NOW - timedelta(milliseconds=100))
    seeder.add("Acme", "acme link", NOW - timedelta(milliseconds=200), url=injected)
    seeder.add("Acme", "acme script", NOW - timedelta(milliseconds=300), url="javascript:alert(1)")
    seeder.flush()
    config(tmp_path, alerts='webhook = { env = "SLACK_WEBHOOK_URL" }')
    path = tmp_path / "config.toml"
    path.write_text(path.read_text().replace('recipients = ["cx-team@example.com"]', ""), encoding="utf-8")
    loaded = load_config(path, env={})
    [outcome] = check_alerts(store, loaded, {"SLACK_WEBHOOK_URL": WEBHOOK}, now=NOW).results
    assert outcome.status == "sent"
    text = json.loads(route.calls.last.request.content)["text"]

    # Every <...> left in the text is one of our own http(s) links: nothing quoted opened a link or a ping.
    controls = re.findall(r"<[^<>]*>", text)
    assert controls and all(re.fullmatch(r"<https?://[^<>| ]+\|open>", c) for c in controls), controls
    body = re.sub(r"(?m)^> ", "", text)  # our own quote markers
    assert body.count("<") == body.count(">") == len(controls)
    assert "acme &lt;!channel&gt; &lt;https://phish.example|Click here&gt;" in text
    assert "<https://ok.example/%3E*FAKE*%3Chttps://phish.example%7CClick|open>" in text
    assert "> acme script (not linked: `javascript:alert(1)`)" in text


def test_a_non_http_url_is_inert_text_in_the_email(store: Store, seeder: Any, smtp_server: Any, tmp_path: Path) -> None:
    seed_baseline(seeder)
    burst(seeder, 50, negative=0.2)
    seeder.add("Acme", "acme script", NOW - timedelta(milliseconds=100), url="javascript:alert(1)")
    seeder.add("Acme", "acme quote", NOW - timedelta(milliseconds=200), url='https://ok.example/"onmouseover=x')
    seeder.flush()
    check_alerts(store, config(tmp_path, port=smtp_server.port), {}, now=NOW)
    message = email.message_from_bytes(smtp_server.handler.envelopes[0].content)
    html = _part(message, "text/html")
    assert "javascript:" not in re.sub(r"not linked: javascript:alert\(1\)", "", html)
    assert 'href="https://ok.example/%22onmouseover=x"' in html
    assert "not linked: javascript:alert(1)" in _part(message, "text/plain")


def test_alerts_quote_the_newest_mentions_by_created_at(
    store: Store, seeder: Any, smtp_server: Any, tmp_path: Path
) -> None:
    seed_baseline(seeder)
    # Stored newest first: the highest ids are the oldest mentions of the window.
    for i in range(50):
        seeder.add("Acme", f"acme no.{i:02d}", NOW - timedelta(minutes=i + 1), url=f"https://social.example/p/{i}")
    seeder.flush()
    [outcome] = check_alerts(store, config(tmp_path, port=smtp_server.port), {}, now=NOW).results
    assert outcome.spike.kind == "volume" and outcome.status == "sent"
    plain = _part(email.message_from_bytes(smtp_server.handler.envelopes[0].content), "text/plain")
    assert re.findall(r"acme no\.\d\d", plain) == ["acme no.00", "acme no.01", "acme no.02"]


@respx.mock
def test_a_failing_webhook_does_not_stop_the_email(store: Store, seeder: Any, smtp_server: Any, tmp_path: Path) -> None:
    respx.post(WEBHOOK).mock(return_value=httpx.Response(500))
    seed_baseline(seeder)
    burst(seeder, 50, negative=0.2)
    loaded = config(tmp_path, port=smtp_server.port, alerts='webhook = { env = "SLACK_WEBHOOK_URL" }')
    [outcome] = check_alerts(store, loaded, {"SLACK_WEBHOOK_URL": WEBHOOK}, now=NOW).results
    assert outcome.status == "sent" and outcome.channels == ("email",)
    assert outcome.error is not None and "HTTP 500" in outcome.error and WEBHOOK not in outcome.error


def test_smtp_down_records_a_failed_alert_and_the_next_check_sends_it(
    store: Store, seeder: Any, down_smtp_port: int, smtp_server: Any, tmp_path: Path
) -> None:
    seed_baseline(seeder)
    burst(seeder, 50, negative=0.2)
    failed = check_alerts(store, config(tmp_path, port=down_smtp_port), {}, now=NOW)
    assert failed.failed and [r.status for r in failed.results] == ["failed"]
    retried = check_alerts(store, config(tmp_path, port=smtp_server.port), {}, now=NOW + timedelta(minutes=15))
    assert [r.status for r in retried.results] == ["sent"]
    assert len(smtp_server.handler.envelopes) == 1
    assert [row.status for row in alert_rows(store)] == ["failed", "sent"]


def test_an_alert_email_that_may_have_arrived_is_not_sent_again_within_the_cooldown(
    store: Store, seeder: Any, dropping_smtp_server: Any, tmp_path: Path
) -> None:
    dropping_smtp_server.handler.drops = 10  # it keeps every message and never confirms one
    seed_baseline(seeder)
    burst(seeder, 50, negative=0.2)
    loaded = config(tmp_path, port=dropping_smtp_server.port)
    first = check_alerts(store, loaded, {}, now=NOW)
    assert first.failed and [r.status for r in first.results] == ["uncertain"]
    assert "may or may not have been delivered" in (first.results[0].error or "")
    again = check_alerts(store, loaded, {}, now=NOW + timedelta(minutes=15))
    assert [r.status for r in again.results] == ["cooldown"]
    assert len(dropping_smtp_server.handler.envelopes) == 1
    assert [row.status for row in alert_rows(store)] == ["uncertain"]


def test_dry_run_sends_and_records_nothing(store: Store, seeder: Any, tmp_path: Path) -> None:
    seed_baseline(seeder)
    burst(seeder, 50, negative=0.2)
    result = check_alerts(store, config(tmp_path, port=1), {}, now=NOW, dry_run=True)
    assert [r.status for r in result.results] == ["dry_run"]
    with store.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(AlertEventModel)).scalar() == 0


def test_alerts_with_nowhere_to_go_say_what_to_add(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[brands]]\nname = "Acme"\nquery = "acme"\n[alerts]\nenabled = true\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="recipients"):
        check_alerts(store, load_config(path, env={}), {}, now=NOW)


def _part(message: Message, content_type: str) -> str:
    for part in message.walk():
        if part.get_content_type() == content_type:
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    raise AssertionError(f"no {content_type} part")
