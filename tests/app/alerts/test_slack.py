"""Slack text from untrusted words: no field can open a link, a mention or a channel ping."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cxpulse.app.alerts.slack import escape, link

HOSTILE = st.lists(
    st.sampled_from([*"<>|&!@#*_~`", "<!channel>", "<@U1>", "https://", "x", " ", "é"]), max_size=20
).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(HOSTILE, st.text(max_size=60)))
def test_escaped_text_has_no_control_characters(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    assert re.sub(r"&(amp|lt|gt);", "", escaped).count("&") == 0
    assert escaped.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text


@settings(max_examples=300, deadline=None)
@given(st.one_of(HOSTILE, st.text(max_size=60)), st.one_of(HOSTILE, st.text(max_size=20)))
def test_a_link_is_one_http_link_or_inert_text(url: str, label: str) -> None:
    out = link(url, label)
    if not out.startswith("<"):
        assert "<" not in out and ">" not in out  # inert: Slack shows it as text
        return
    match = re.fullmatch(r"<(https?://[^<>| ]+)\|([^<>|]*)>", out)
    assert match is not None, out


def test_the_reported_injection_stays_one_link() -> None:
    url = "https://ok.example/>*FAKE*<https://phish.example|Click here"
    assert link(url, "open") == "(not linked: `https://ok.example/&gt;*FAKE*&lt;https://phish.example|Click here`)"
    no_space = "https://ok.example/>*FAKE*<https://phish.example|Click"
    assert link(no_space, "open") == "<https://ok.example/%3E*FAKE*%3Chttps://phish.example%7CClick|open>"
    assert link("javascript:alert(1)", "open") == "(not linked: `javascript:alert(1)`)"
    assert link("https://ok.example/?a=1&b=2", "open") == "<https://ok.example/?a=1&amp;b=2|open>"
    assert link(None, "open") == ""
