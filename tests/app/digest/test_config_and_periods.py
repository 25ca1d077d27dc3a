"""[smtp] and [[digests]] settings, and the periods a digest covers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from testkit.digests import CONFIG, NOW

from cxpulse.app.digest import due_period, parse_period
from cxpulse.config import load_config
from foundation.errors import ConfigError


def _load(tmp_path: Path, text: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    load_config(path, env={})


def test_a_digest_for_an_unknown_brand_names_the_line(tmp_path: Path) -> None:
    text = CONFIG.format(port=25, timezone="UTC").replace('brands = ["Acme"]', 'brands = ["Acme", "Initech"]')
    with pytest.raises(ConfigError) as error:
        _load(tmp_path, text)
    line = text.splitlines().index('brands = ["Acme", "Initech"]') + 1
    assert f"line {line}, key 'digests[0].brands': brand 'Initech' is not defined in [[brands]]" in str(error.value)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('timezone = "UTC"', 'timezone = "Mars/Olympus"', "not an IANA time zone"),
        ('"cx-lead@example.com"', '"cx lead at example"', "not an email address"),
        ('period = "weekly"', 'period = "weekly"\nschedule = "0 8 * *"', "needs five fields"),
        ('period = "weekly"', 'period = "weekly"\nschedule = "0 25 * * *"', "not a valid cron expression"),
        ('period = "weekly"', 'period = "fortnightly"', "'daily', 'weekly' or 'monthly'"),
        (
            'security = "none"',
            'security = "none"\nusername = "bot"\npassword = "hunter2"',
            "secrets must not be written",
        ),
        ('sender = "CX Pulse <cxpulse@example.com>"', 'sender = "cxpulse"', "not an email address"),
    ],
)
def test_invalid_digest_and_smtp_settings_are_explained(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = CONFIG.format(port=25, timezone="UTC").replace(old, new)
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, text)


def test_defaults(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(port=587, timezone="Europe/Berlin"), encoding="utf-8")
    settings = load_config(path, env={}).settings
    [digest] = settings.digests
    assert digest.cron == "0 8 * * mon"
    assert settings.smtp is not None and settings.smtp.effective_port == 587


def test_due_periods() -> None:
    assert due_period("daily", "UTC", NOW).start == date(2026, 11, 22)
    week = due_period("weekly", "UTC", NOW)
    assert (week.start, week.end, week.label) == (date(2026, 11, 16), date(2026, 11, 23), "16\u201322 Nov 2026")
    month = due_period("monthly", "UTC", NOW)
    assert (month.start, month.end, month.label) == (date(2026, 10, 1), date(2026, 11, 1), "October 2026")
    assert month.previous().start == date(2026, 9, 1) and month.previous().end == date(2026, 10, 1)
    # Early Monday in Tokyo is still Sunday in UTC: the week that just ended differs.
    tokyo = due_period("weekly", "Asia/Tokyo", datetime(2026, 11, 29, 20, 0, tzinfo=UTC))
    assert tokyo.start == date(2026, 11, 23)
    assert tokyo.start_utc == datetime(2026, 11, 22, 15, 0, tzinfo=UTC)


def test_period_values() -> None:
    assert parse_period("this-week", "weekly", "UTC", NOW).start == date(2026, 11, 23)
    assert parse_period("last-month", "weekly", "UTC", NOW).label == "October 2026"
    custom = parse_period("2026-11-01..2026-11-10", "weekly", "UTC", NOW)
    assert (custom.end, custom.previous().start) == (date(2026, 11, 11), date(2026, 10, 22))
    assert custom.label == "1\u201310 Nov 2026"
    # Across a daylight-saving change the week is still seven local days.
    berlin = parse_period("2026-10-19..2026-10-25", "weekly", "Europe/Berlin", NOW)
    assert (berlin.end_utc - berlin.start_utc).total_seconds() == 7 * 86400 + 3600
    for bad in ("fortnight", "2026-11-10..2026-11-01", "2026-02-30..2026-03-01"):
        with pytest.raises(ConfigError):
            parse_period(bad, "weekly", "UTC", NOW)
