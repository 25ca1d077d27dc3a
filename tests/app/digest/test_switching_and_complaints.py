"""What the digest says with the classifier 2.0 heads: switching threats counted and quoted per brand,
and complaints that are flagged mentions about the brand, not general negativity. Mentions are
classified directly (no model), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from testkit.digests import NOW, Seeder, write_config

from cxpulse.app.digest import build_digest, render_digest
from cxpulse.app.digest.build import MAX_SWITCHING
from storage import Store

CURRENT = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)  # Wednesday of last week
PREVIOUS = datetime(2026, 11, 11, 10, 0, tzinfo=UTC)  # the week before
V2 = "cx-2.0"
HOSTILE = 'Cancelling acme <script>alert("x")</script> and "><img src=x onerror=alert(1)> moving to Globex'


def _threat(seeder: Seeder, text: str, at: datetime, *, brand: str = "Acme", **fields: Any) -> int:
    """A switching threat, as classifier 2.0 labels one (about the brand, flagged)."""
    values: dict[str, Any] = {
        "sentiment": "negative",
        "flagged": True,
        "about_brand": True,
        "switching": True,
        "model_version": V2,
        **fields,
    }
    return seeder.add(brand, text, at, **values)


def _calm(seeder: Seeder, text: str, at: datetime) -> int:
    return seeder.add("Acme", text, at, about_brand=True, switching=False, model_version=V2)


def test_switching_threats_against_the_week_before_with_the_newest_quoted(
    store: Store, seeder: Seeder, tmp_path: Path
) -> None:
    for day in range(5):  # five threats last week, one a day from Monday 16 November
        _threat(seeder, f"acme, I am cancelling, day {day}", datetime(2026, 11, 16 + day, 9, tzinfo=UTC))
    _threat(seeder, "acme, I am cancelling, day 4", datetime(2026, 11, 20, 9, tzinfo=UTC), content_hash="hash-5")
    _calm(seeder, "acme parcel arrived", CURRENT)
    _threat(seeder, "leaving acme for globex", PREVIOUS)
    _threat(seeder, "globex, I'm off to acme", CURRENT, brand="Globex")  # a competitor's, not Acme's
    _threat(seeder, "acme, closing my account today", NOW)  # after the period
    _threat(seeder, "acme, switching", CURRENT, model_version="v1", classified_at=NOW - timedelta(days=9))

    [acme] = build_digest(store, write_config(tmp_path), "weekly", now=NOW).brands

    # The copy of day 4 (same content, another id) counts once; the competitor's, today's and the
    # other model version's are not counted.
    assert (acme.switching.current, acme.switching.previous, acme.switching.change) == (5, 1, 4)
    assert len(acme.switching_threats) == MAX_SWITCHING == 3
    assert [t.text for t in acme.switching_threats] == [f"acme, I am cancelling, day {d}" for d in (4, 3, 2)]
    assert acme.switching_threats[0].created_at == datetime(2026, 11, 20, 9, tzinfo=UTC)
    assert acme.switching_threats[0].switching_score == 0.9

    rendered = render_digest(build_digest(store, write_config(tmp_path), "weekly", now=NOW))
    assert "Switching threats:      5 (+4 vs 1)" in rendered.text
    assert '  - "acme, I am cancelling, day 4"\n    twitter, 20 Nov 2026\n' in rendered.text
    assert "Switching threats</td>" in rendered.html
    assert "<strong>5</strong> mentions saying they will leave, cancel or switch" in rendered.html
    assert "(+4 vs 1 the period before)" in rendered.html


def test_a_week_without_threats_says_so(store: Store, seeder: Seeder, tmp_path: Path) -> None:
    _calm(seeder, "acme parcel arrived", CURRENT)
    _threat(seeder, "leaving acme", PREVIOUS)
    [acme] = build_digest(store, write_config(tmp_path), "weekly", now=NOW).brands
    assert (acme.switching.current, acme.switching.previous, acme.switching_threats) == (0, 1, ())
    text = render_digest(build_digest(store, write_config(tmp_path), "weekly", now=NOW)).text
    assert "Switching threats:      0 (-1 vs 1)" in text
    assert "Switching threats (newest first):\n  none this period\n" in text


def test_a_classifier_without_the_switching_head_shows_no_switching_line(
    store: Store, seeder: Seeder, tmp_path: Path
) -> None:
    seeder.add("Acme", "acme, I am cancelling", CURRENT, sentiment="negative", flagged=True)  # about_brand NULL
    [acme] = build_digest(store, write_config(tmp_path), "weekly", now=NOW).brands
    assert acme.switching.current is None and acme.switching.previous is None and acme.switching_threats == ()
    rendered = render_digest(build_digest(store, write_config(tmp_path), "weekly", now=NOW))
    assert "Switching threats" not in rendered.text and "Switching threats" not in rendered.html


def test_a_hostile_switching_quote_arrives_escaped(store: Store, seeder: Seeder, tmp_path: Path) -> None:
    _threat(seeder, HOSTILE, CURRENT, url="javascript:alert(1)")
    rendered = render_digest(build_digest(store, write_config(tmp_path), "weekly", now=NOW))
    html = rendered.html

    assert "<script" not in html and "<img src=x" not in html and "onerror=alert(1)>" not in html
    assert "javascript:" not in html  # only http(s) links are linked
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    [quoted] = re.findall(r'<td style="border-left:3px solid #dc2626;[^"]*">\s*<div>(.*?)</div>', html)
    assert quoted == (
        "Cancelling acme &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; and &#34;&gt;&lt;img src=x "
        "onerror=alert(1)&gt; moving to Globex"
    )
    # The plain-text part is text/plain and quotes the customer verbatim.
    assert f'  - "{HOSTILE}"' in rendered.text


def test_general_negativity_not_about_the_brand_is_no_complaint(store: Store, seeder: Seeder, tmp_path: Path) -> None:
    for i in range(4):
        # Negative, but about the weather, not Acme: the new flag rule left them unflagged.
        seeder.add(
            "Acme",
            f"terrible rainy monday again {i}",
            CURRENT,
            sentiment="negative",
            topics=("app",),
            about_brand=False,
            switching=False,
            model_version=V2,
        )
        seeder.add(
            "Acme",
            f"acme double charged my card {i}",
            CURRENT,
            sentiment="negative",
            topics=("billing",),
            flagged=True,
            about_brand=True,
            switching=False,
            model_version=V2,
        )
    [acme] = build_digest(store, write_config(tmp_path), "weekly", now=NOW).brands

    found = {(e.kind, e.label): (e.current, e.previous) for e in acme.emerging}
    assert found[("topic", "billing")] == (4, 0)
    assert ("phrase", "double charged") in found or ("phrase", "charged card") in found
    assert ("topic", "app") not in found
    assert not any("rainy" in label or "monday" in label for _, label in found)
    assert {t.topic: t.current for t in acme.topics} == {"app": 4, "billing": 4}  # still counted as mentions


def test_an_older_classifier_still_counts_negative_mentions_as_complaints(
    store: Store, seeder: Seeder, tmp_path: Path
) -> None:
    for i in range(4):  # about_brand NULL: classified before the head existed
        seeder.add("Acme", f"terrible rainy monday again {i}", CURRENT, sentiment="negative", topics=("app",))
    [acme] = build_digest(store, write_config(tmp_path), "weekly", now=NOW).brands
    found = {(e.kind, e.label): (e.current, e.previous) for e in acme.emerging}
    assert found[("topic", "app")] == (4, 0)
    assert ("phrase", "rainy monday") in found or ("phrase", "terrible rainy") in found
