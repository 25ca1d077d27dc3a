"""Telling people about a spike: an email (HTML and text) and an optional webhook POST.

Mention texts and URLs are untrusted: the HTML template escapes everything
(Jinja2 autoescape); a URL becomes a link only when
:func:`foundation.links.safe_link` accepts it (http or https), any other is
shown as inert text; the webhook's Slack text escapes every field it quotes
(:mod:`cxpulse.app.alerts.slack`). A webhook failure is logged and reported,
never raised: email and webhook are independent channels.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

import httpx
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

import cxpulse.app.alerts.slack as slack
from cxpulse.app.alerts.detect import ALL_TOPICS, Detection, Spike
from foundation.links import inert_url, safe_link
from storage.alerts import QuotedMention

__all__ = ["AlertMessage", "build_email", "compose", "post_webhook"]

logger = logging.getLogger(__name__)

QUOTE_CHARS = 500


@dataclass(frozen=True)
class AlertMessage:
    """The words of one alert, shared by email and webhook."""

    subject: str
    headline: str
    explanation: str
    mentions: tuple[QuotedMention, ...]


def _topic(spike: Spike) -> str:
    return "" if spike.topic == ALL_TOPICS else f", topic {spike.topic.replace('_', ' ')}"


def compose(spike: Spike, mentions: Sequence[QuotedMention]) -> AlertMessage:
    """Subject, headline and one-sentence explanation of ``spike``."""
    what = "Volume spike" if spike.kind == "volume" else "Negative-share spike"
    headline = f"{what}: {spike.brand}{_topic(spike)}"
    if spike.kind == "volume":
        explanation = (
            f"{int(spike.observed)} mentions in the last window, where about {spike.expected:.1f} are usual "
            f"({spike.observed / max(spike.expected, 0.5):.1f}x)."
        )
    else:
        explanation = (
            f"{spike.observed:.0%} of {spike.mentions} classified mentions in the last window are negative, "
            f"against {spike.expected:.0%} usually."
        )
    return AlertMessage(f"[cxpulse alert] {headline}", headline, explanation, tuple(mentions))


_environment: Environment | None = None


def _env() -> Environment:
    global _environment
    if _environment is None:
        _environment = Environment(
            loader=PackageLoader("cxpulse.app.alerts", "templates"),
            autoescape=select_autoescape(enabled_extensions=("html",), disabled_extensions=("txt",), default=True),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    return _environment


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= QUOTE_CHARS else flat[: QUOTE_CHARS - 1] + "…"


def _context(message: AlertMessage, spike: Spike, detection: Detection, cooldown: str) -> dict[str, object]:
    return {
        "subject": message.subject,
        "headline": message.headline,
        "explanation": message.explanation,
        "window": f"{spike.window_start:%Y-%m-%d %H:%M} to {spike.window_end:%Y-%m-%d %H:%M} UTC",
        "p_value": f"{spike.p_value:.2g}",
        "threshold": f"{detection.threshold:.2g}",
        "tests": detection.tests,
        "cooldown": cooldown,
        "mentions": [
            {
                "text": _quote(m.text),
                "source": m.source,
                "author": m.author_handle,
                "when": f"{m.created_at:%Y-%m-%d %H:%M} UTC",
                "url": safe_link(m.url),
                "unlinked_url": inert_url(m.url) if m.url and safe_link(m.url) is None else None,
            }
            for m in message.mentions
        ],
    }


def build_email(
    message: AlertMessage,
    spike: Spike,
    detection: Detection,
    *,
    sender: str,
    recipients: Sequence[str],
    cooldown: str,
) -> EmailMessage:
    """A multipart/alternative email: plain text first, then HTML."""
    context = _context(message, spike, detection, cooldown)
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = sender
    email["To"] = ", ".join(recipients)
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or None)
    email.set_content(_env().get_template("alert.txt").render(context))
    email.add_alternative(_env().get_template("alert.html").render(context), subtype="html")
    return email


def post_webhook(url: str, message: AlertMessage, spike: Spike, *, timeout: float) -> str | None:
    """POST the alert as JSON with a Slack-compatible ``text``; the error as a string, None when it worked."""
    lines = [f"*{slack.escape(message.headline)}*", slack.escape(message.explanation)]
    for mention in message.mentions:
        link = slack.link(mention.url, "open")
        lines.append(f"> {slack.escape(_quote(mention.text))}" + (f" {link}" if link else ""))
    payload = {
        "text": "\n".join(lines),
        "alert": {
            "brand": spike.brand,
            "topic": spike.topic or None,
            "kind": spike.kind,
            "observed": spike.observed,
            "expected": spike.expected,
            "p_value": spike.p_value,
            "window_start": spike.window_start.isoformat(),
            "window_end": spike.window_end.isoformat(),
        },
    }
    host = httpx.URL(url).host
    try:
        response = httpx.post(url, json=payload, timeout=timeout)
        response.raise_for_status()
    except httpx.HTTPStatusError as exc:
        error = f"webhook at {host} answered HTTP {exc.response.status_code}; check [alerts] webhook"
    except httpx.HTTPError as exc:
        error = f"webhook at {host} failed ({type(exc).__name__}: {exc}); check [alerts] webhook"
    else:
        return None
    logger.warning("%s", error)
    return error
