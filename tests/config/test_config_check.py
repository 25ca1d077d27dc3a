"""`config check` tells the whole truth: every problem at once, each with file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxpulse.app.config_check import check_configuration
from cxpulse.config import check_config, load_config
from foundation.errors import ConfigError

BROKEN = """\
[database]
url = "postgresql://cx@db.internal/cx?password=hunter22"

[[brands]]
name = "Acme"
query = "((("

[[brands]]
name = "Northwind Air"
query = "northwind"
languages = ["English"]

[smtp]
host = "smtp.example.com"
username = "cx"
password = { env = "CX_SMTP_PASSWORD" }
sender = "CX <cx@example.com>"

[alerts]
webhook = { env = "CX_WEBHOOK" }
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_every_problem_is_reported_at_once_with_its_line_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, BROKEN)
    problems = check_config(path, env={}).problems
    assert [p.split(": ", 1)[0] for p in problems] == [
        f"{path} line 2, key 'database.url'",
        f"{path} line 6, key 'brands[0].query'",
        f"{path} line 11, key 'brands[1].languages'",
        f"{path} line 16, key 'smtp.password'",
        f"{path} line 20, key 'alerts.webhook'",
    ]
    assert "CX_SMTP_PASSWORD is not set" in problems[3] and "CX_WEBHOOK is not set" in problems[4]
    assert not any("hunter22" in p for p in problems)
    with pytest.raises(ConfigError, match=r"\(and 2 more problem\(s\)"):  # the other commands name the first
        load_config(path, env={})


def test_secrets_used_only_when_sending_are_checked_too(tmp_path: Path) -> None:
    fixed = BROKEN.replace("?password=hunter22", "").replace('"(((', '"acme').replace('"English"', '"en"')
    path = write(tmp_path, fixed)
    assert load_config(path, env={}).settings.smtp is not None  # start-up does not need them
    problems = check_config(path, env={}).problems
    assert [p.split("key ")[1].split(":")[0] for p in problems] == ["'smtp.password'", "'alerts.webhook'"]
    assert (
        check_config(path, env={"CX_SMTP_PASSWORD": "pw-1234", "CX_WEBHOOK": "https://hooks.example/x"}).problems == []
    )


def test_every_source_option_is_checked_even_with_its_secret_unset(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[brands]]\nname = "A"\nquery = "a"\n\n[[sources]]\ntype = "twitter"\n'
        'options = { bearer_token = { env = "X_TOKEN_UNSET" }, page_size = 5000, colour = "red" }\n',
    )
    problems = check_configuration(path, {})
    keys = sorted(p.split("key ")[1].split(":")[0] for p in problems.problems)
    assert keys == [
        "'sources[0].options.bearer_token'",
        "'sources[0].options.colour'",
        "'sources[0].options.page_size'",
    ]


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ('sender = "CX <cx@example.com>\\r\\nBcc: all@example.com"', "smtp.sender"),
        ('subject = "Pulse\\nBcc: all@example.com"', "digests[0].subject"),
        ('name = "Acme\\r\\nBcc: all@example.com"', "brands[0].name"),
    ],
)
def test_a_line_break_in_a_mail_header_is_refused_at_check_time(tmp_path: Path, line: str, key: str) -> None:
    config = {
        "smtp.sender": '[[brands]]\nname = "Acme"\nquery = "a"\n[smtp]\nhost = "h"\n{line}\n',
        "digests[0].subject": '[[brands]]\nname = "Acme"\nquery = "a"\n[smtp]\nhost = "h"\nsender = "cx@example.com"\n'
        '[[digests]]\nname = "weekly"\nbrands = ["Acme"]\nrecipients = ["a@example.com"]\n{line}\n',
        "brands[0].name": '[[brands]]\n{line}\nquery = "a"\n',
    }[key].format(line=line)
    [problem] = check_config(write(tmp_path, config), env={}).problems
    assert f"key '{key}'" in problem and "mail header" in problem


@pytest.mark.parametrize("text", ["a = " + "[" * 500 + "]" * 500, "a = " + "{ b = " * 30 + "1" + " }" * 30])
def test_deeply_nested_toml_is_one_clear_problem(tmp_path: Path, text: str) -> None:
    [problem] = check_config(write(tmp_path, text), env={}).problems
    assert "nested" in problem
    with pytest.raises(ConfigError, match="nested"):
        load_config(tmp_path / "config.toml", env={})


def test_a_database_url_that_cannot_be_used_is_reported_with_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[database]\nurl = "sqlite=:///x.db"\n')
    [problem] = check_config(path, env={}).problems
    assert problem.startswith(f"{path} line 2, key 'database.url': ") and "not a database URL" in problem
    [flag] = check_config(path, env={}, database_url="mysql://u@h/x").problems
    assert flag.startswith("--db or CXPULSE_DATABASE_URL: ") and "does not support" in flag
