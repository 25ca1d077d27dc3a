"""Which collected URLs may become links: only http(s), and never one that can end its own markup."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foundation.links import INERT_CHARS, inert_url, safe_link

# Characters that end or change a link in HTML attributes, Slack's <url|label> or a text email.
MARKUP = set(" \"'<>|`\\{}\t\r\n")

URL_PIECES = st.sampled_from(
    [*"abc/.:?#&=%|<>\"' @[]", "http://", "https://", "HTTPS://", "javascript:", "data:", "ok.example", "\u00e9", "\n"]
)
url_like = st.lists(URL_PIECES, max_size=20).map("".join)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://ok.example/p/1?a=1&b=2#c", "https://ok.example/p/1?a=1&b=2#c"),
        ("HTTP://Ok.Example/x", "http://Ok.Example/x"),
        ("  https://ok.example/  ", "https://ok.example/"),
        (
            "https://ok.example/>*FAKE*<https://phish.example|Click",
            "https://ok.example/%3E*FAKE*%3Chttps://phish.example%7CClick",
        ),
        ('https://ok.example/"onmouseover=alert(1)', "https://ok.example/%22onmouseover=alert(1)"),
        ("https://ok.example/caf\u00e9", "https://ok.example/caf%C3%A9"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("mailto:a@example.com", None),
        ("//ok.example/no-scheme", None),
        ("https:///no-host", None),
        ("https://ok.example|x/", None),
        ("https://ok.example/ https://phish.example", None),
        ("https://ok.example/\x00", None),
        ("http://[::1", None),  # urllib raises ValueError here: a digest must not fail on it
        ("", None),
        (None, None),
    ],
)
def test_safe_link(url: str | None, expected: str | None) -> None:
    assert safe_link(url) == expected


@settings(max_examples=500, deadline=None)
@given(st.one_of(url_like, st.text(max_size=40)))
def test_a_safe_link_is_http_and_cannot_end_its_markup(url: str) -> None:
    link = safe_link(url)
    if link is None:
        return
    assert link.startswith(("http://", "https://"))
    assert not MARKUP & set(link)
    assert link.isascii() and link.isprintable()


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_inert_text_is_one_printable_line(url: str) -> None:
    text = inert_url(url)
    assert text.isprintable() and "\n" not in text
    assert len(text) <= INERT_CHARS
