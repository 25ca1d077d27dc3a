"""Sending digests over real SMTP (aiosmtpd on loopback): what arrives, and that it arrives exactly once."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

from sqlalchemy import select
from testkit.digests import NOW, Seeder, write_config
from testkit.smtp import SmtpServer

from cxpulse.app.digest import send_digest
from storage import Store
from storage.models import DigestRunModel

CURRENT = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
HOSTILE = 'Promised a refund <script>alert("x")</script> and "><img src=x onerror=alert(1)> never came, acme'
RECIPIENTS = ["marketing@example.com", "cx-lead@example.com"]


def _seed(seeder: Seeder) -> None:
    seeder.add(
        "Acme",
        HOSTILE,
        CURRENT,
        sentiment="negative",
        gap="shortfall",
        gap_score=0.9,
        evidence=("Promised a refund",),
        topics=("refund",),
        flagged=True,
        url="https://example.com/p/1",
    )
    seeder.add("Acme", "acme app is lovely", CURRENT, sentiment="positive", topics=("app",))
    seeder.add("Acme", "acme app ok", datetime(2026, 11, 10, tzinfo=UTC), sentiment="neutral", topics=("app",))
    seeder.add("Globex", "globex news", CURRENT)


def _received(server: SmtpServer) -> list[EmailMessage]:
    return [email.message_from_bytes(e.original_content, policy=default) for e in server.handler.envelopes]  # type: ignore[misc]


def _runs(store: Store) -> list[DigestRunModel]:
    with store.engine.connect() as connection:
        return [DigestRunModel(**row._asdict()) for row in connection.execute(select(DigestRunModel))]


def test_the_digest_arrives_as_html_and_text_with_inline_charts(
    store: Store, seeder: Seeder, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    _seed(seeder)
    outcome = send_digest(store, write_config(tmp_path, port=smtp_server.port), "weekly", now=NOW, env={})

    assert outcome.status == "sent"
    [envelope] = smtp_server.handler.envelopes
    assert sorted(envelope.rcpt_tos) == sorted(RECIPIENTS)
    assert envelope.mail_from == "cxpulse@example.com"
    [message] = _received(smtp_server)
    assert message["Subject"] == "Acme: customer pulse, 16\u201322 Nov 2026"
    assert message["To"] == ", ".join(RECIPIENTS)
    assert message["Message-ID"].strip() == outcome.message_id
    assert message.get_content_type() == "multipart/alternative"
    plain, related = message.get_payload()  # type: ignore[misc]
    assert plain.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html_part, *images = related.get_payload()
    assert html_part.get_content_type() == "text/html"
    html = html_part.get_content()
    assert len(images) == 2  # sentiment by day and topics
    for image in images:
        assert image.get_content_type() == "image/png"
        assert image.get_payload(decode=True).startswith(b"\x89PNG")
        cid = image["Content-ID"].strip("<>")
        assert f'src="cid:{cid}"' in html
    assert "Top expectation shortfalls" in html and "Share of voice" in html
    assert "Expectation shortfalls: 50.0%" in plain.get_content()


def test_mention_text_arrives_escaped(store: Store, seeder: Seeder, smtp_server: SmtpServer, tmp_path: Path) -> None:
    _seed(seeder)
    send_digest(store, write_config(tmp_path, port=smtp_server.port), "weekly", now=NOW, env={})
    [message] = _received(smtp_server)
    plain, related = message.get_payload()  # type: ignore[misc]
    html = related.get_payload()[0].get_content()

    assert "<script" not in html and "<img src=x" not in html and "onerror=alert(1)>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    # The evidence is highlighted by our own span around the escaped words, nothing else is markup.
    assert re.search(r'<span style="background:#fde68a;[^"]*">Promised a refund</span>', html)
    assert len(re.findall(r"<img ", html)) == 2
    # The plain-text part is text/plain: it quotes the customer verbatim, and no client renders it as HTML.
    assert plain.get_content_type() == "text/plain"
    assert '[[Promised a refund]] <script>alert("x")</script> and "><img src=x onerror=alert(1)>' in plain.get_content()


def test_a_second_send_for_the_same_period_sends_nothing(
    store: Store, seeder: Seeder, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    _seed(seeder)
    config = write_config(tmp_path, port=smtp_server.port)
    first = send_digest(store, config, "weekly", now=NOW, env={})
    again = send_digest(store, config, "weekly", now=NOW.replace(hour=18), env={})
    explicit = send_digest(store, config, "weekly", "last-week", now=NOW, env={})

    assert first.status == "sent"
    assert again.status == explicit.status == "already_sent"
    assert again.message_id == first.message_id
    assert len(smtp_server.handler.envelopes) == 1
    [run] = _runs(store)
    assert (run.status, run.message_id, run.recipients, run.error) == ("sent", first.message_id, RECIPIENTS, None)
    assert run.sent_at == NOW


def test_a_refusing_server_leaves_it_failed_and_the_next_run_sends_it_once(
    store: Store, seeder: Seeder, refusing_smtp_server: SmtpServer, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    _seed(seeder)
    refused = send_digest(store, write_config(tmp_path, port=refusing_smtp_server.port), "weekly", now=NOW, env={})

    assert refused.status == "failed" and not refused.ok
    assert "554" in (refused.error or "")
    [run] = _runs(store)
    assert run.status == "failed" and "554" in (run.error or "") and run.sent_at is None
    assert refusing_smtp_server.handler.attempts == 1

    config = write_config(tmp_path, port=smtp_server.port)
    retried = send_digest(store, config, "weekly", now=NOW.replace(hour=13), env={})
    after = send_digest(store, config, "weekly", now=NOW.replace(hour=14), env={})
    assert (retried.status, after.status) == ("sent", "already_sent")
    assert len(smtp_server.handler.envelopes) == 1
    [run] = _runs(store)
    assert (run.status, run.error) == ("sent", None)
    # The retry keeps the Message-ID of the first attempt.
    assert retried.message_id == refused.message_id == run.message_id


def test_a_server_that_is_down_leaves_it_failed_and_the_next_run_sends_it_once(
    store: Store, seeder: Seeder, down_smtp_port: int, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    _seed(seeder)
    down = send_digest(store, write_config(tmp_path, port=down_smtp_port), "weekly", now=NOW, env={})

    assert down.status == "failed"
    assert "cannot reach SMTP server 127.0.0.1" in (down.error or "")
    assert [r.status for r in _runs(store)] == ["failed"]

    config = write_config(tmp_path, port=smtp_server.port)
    assert send_digest(store, config, "weekly", now=NOW, env={}).status == "sent"
    assert send_digest(store, config, "weekly", now=NOW, env={}).status == "already_sent"
    assert len(smtp_server.handler.envelopes) == 1


def test_each_period_is_its_own_digest(store: Store, seeder: Seeder, smtp_server: SmtpServer, tmp_path: Path) -> None:
    _seed(seeder)
    config = write_config(tmp_path, port=smtp_server.port)
    assert send_digest(store, config, "weekly", now=NOW, env={}).status == "sent"
    next_monday = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert send_digest(store, config, "weekly", now=next_monday, env={}).status == "sent"
    assert len(smtp_server.handler.envelopes) == 2
    assert len(_runs(store)) == 2


def test_a_malformed_or_non_http_mention_url_never_stops_the_digest(
    store: Store, seeder: Seeder, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    for i, url in enumerate(["http://[::1", "javascript:alert(1)", 'https://ok.example/"><b>x']):
        seeder.add(
            "Acme",
            f"acme refund {i} never came",
            CURRENT,
            sentiment="negative",
            gap="shortfall",
            gap_score=0.9 - i / 10,
            evidence=("refund",),
            flagged=True,
            url=url,
        )
    outcome = send_digest(store, write_config(tmp_path, port=smtp_server.port), "weekly", now=NOW, env={})

    assert outcome.status == "sent", outcome.error
    [message] = _received(smtp_server)
    html = message.get_payload()[1].get_payload()[0].get_content()  # type: ignore[index]
    assert "javascript:" not in html and "[::1" not in html
    assert 'href="https://ok.example/%22%3E%3Cb%3Ex"' in html
