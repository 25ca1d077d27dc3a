"""Turn a rendered digest into an email: text and HTML alternatives, charts inline by Content-ID.

Structure::

    multipart/alternative
    ├── text/plain
    └── multipart/related
        ├── text/html          (img src="cid:...")
        └── image/png ...      (Content-ID: <...>, inline)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import cast

from cxpulse.app.digest.render import RenderedDigest

__all__ = ["build_message", "message_domain"]


def message_domain(sender: str) -> str:
    """The domain of the sender address, for Message-IDs."""
    return parseaddr(sender)[1].rpartition("@")[2] or "cxpulse.invalid"


def build_message(
    rendered: RenderedDigest,
    *,
    sender: str,
    recipients: Sequence[str],
    now: datetime,
    message_id: str | None = None,
) -> EmailMessage:
    """The digest email, ready for :func:`cxpulse.app.mail.send_message`."""
    message = EmailMessage()
    message["Subject"] = rendered.subject
    message["From"] = sender
    message["To"] = ", ".join(recipients)
    message["Date"] = format_datetime(now)
    message["Message-ID"] = message_id or make_msgid(idstring="digest", domain=message_domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text, subtype="plain", cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", cte="quoted-printable")
    html_part = cast(EmailMessage, message.get_payload()[1])  # type: ignore[index]
    if rendered.images:
        html_part.make_related()
        for image in rendered.images:
            html_part.add_related(
                image.data,
                maintype="image",
                subtype="png",
                cid=f"<{image.cid}>",
                filename=image.filename,
                disposition="inline",
            )
    return message
