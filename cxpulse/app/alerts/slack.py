"""Slack message text ("mrkdwn") built from untrusted words.

Slack gives three characters a meaning in message text, ``&``, ``<`` and
``>`` (``<url|label>`` links, ``<@U123>`` and ``<!channel>`` mentions), and
asks for them as ``&amp;``, ``&lt;`` and ``&gt;``; inside a link ``|`` ends the
URL. :func:`escape` is applied to every field put into the text (brand, topic,
quoted mention, labels), and :func:`link` makes a link only of a URL that
:func:`foundation.links.safe_link` accepts (http or https, ``|``, ``<``, ``>``
and spaces percent-encoded); any other URL is shown as escaped, inert text
in a code span (which Slack does not turn into a link).
Slack's text styling (``*bold*``, ``_italic_``) has no escape and may still
style a quoted word; it cannot make a link or a mention.
"""

from __future__ import annotations

from foundation.links import inert_url, safe_link

__all__ = ["escape", "link"]


def escape(text: str) -> str:
    """``text`` with Slack's control characters written as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def link(url: str | None, label: str) -> str:
    """``<url|label>`` for an http(s) URL; the URL as inert text otherwise ("" when there is none)."""
    if not url:
        return ""
    safe = safe_link(url)
    if safe is None:
        shown = escape(inert_url(url)).replace("`", "'")
        return f"(not linked: `{shown}`)"
    return f"<{escape(safe)}|{escape(label).replace('|', '/')}>"
