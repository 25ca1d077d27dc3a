"""``[execution]``: the celery backend's settings, and what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxpulse.config import check_config, load_config
from foundation.errors import ConfigError
from foundation.secrets import forget_secrets, scrub


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_default_is_the_local_backend(tmp_path: Path) -> None:
    loaded = load_config(_write(tmp_path, ""), env={})
    execution = loaded.settings.execution
    assert execution.backend == "local" and execution.queues == ["collect", "classify", "digest", "alerts"]
    assert execution.lease_seconds == 600 and execution.prefetch == 1


def test_the_celery_backend_refuses_a_sqlite_store_and_says_why(tmp_path: Path) -> None:
    path = _write(tmp_path, '[database]\nurl = "sqlite:///cx.db"\n\n[execution]\nbackend = "celery"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path, env={})
    message = str(caught.value)
    assert f"{path} line 5, key 'execution.backend'" in message
    assert "PostgreSQL" in message and "other machines" in message and 'backend = "local"' in message
    assert any("celery backend needs a PostgreSQL store" in p for p in check_config(path, env={}).problems)
    # the store given on the command line counts too
    with pytest.raises(ConfigError, match="celery backend needs"):
        load_config(_write(tmp_path, '[execution]\nbackend = "celery"\n'), env={}, database_url="sqlite:///x.db")
    assert load_config(path, env={}, database_url="postgresql://postgres@127.0.0.1/cx").settings.execution.backend


def test_a_broker_password_belongs_in_the_environment_and_never_shows(tmp_path: Path) -> None:
    forget_secrets()
    literal = _write(tmp_path, '[execution]\nbroker_url = "amqp://cx:hunter2secret@mq:5672//"\n')
    with pytest.raises(
        ConfigError, match=r"key 'execution.broker_url': this URL contains a password.*CXPULSE_BROKER_URL"
    ):
        load_config(literal, env={})
    path = _write(tmp_path, '[execution]\nbroker_url = { env = "CXPULSE_BROKER_URL" }\n')
    loaded = load_config(path, env={"CXPULSE_BROKER_URL": "amqp://cx:hunter2secret@mq:5672//"})
    url = loaded.broker_url({"CXPULSE_BROKER_URL": "amqp://cx:hunter2secret@mq:5672//"})
    assert url == "amqp://cx:hunter2secret@mq:5672//"
    assert "hunter2secret" not in scrub(f"cannot reach {url} (password hunter2secret)")
    forget_secrets()


def test_unknown_queues_name_the_valid_ones(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown queue 'mail'; the queues are collect, classify, digest, alerts"):
        load_config(_write(tmp_path, '[execution]\nqueues = ["classify", "mail"]\n'), env={})
