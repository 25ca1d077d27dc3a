"""config.toml is read once; every mistake gets one error naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxpulse.config import load_config
from foundation.errors import ConfigError, SecretMissing

GOOD = """\
[database]
url = "sqlite:///data/cx.db"

[[brands]]
name = "Acme"
query = 'acme OR @acme -"acme fruit"'
competitors = ["Globex"]
languages = ["en", "es"]

[[brands]]
name = "Globex"
query = "globex"

[[sources]]
type = "demo"
options = { seed = 3, count = 50 }
"""


def write(tmp_path: Path, text: str, name: str = "config.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_config_is_typed_and_relative_sqlite_is_next_to_the_file(tmp_path: Path) -> None:
    loaded = load_config(write(tmp_path, GOOD), env={})
    assert [b.name for b in loaded.settings.brands] == ["Acme", "Globex"]
    assert loaded.settings.brands[0].languages == ["en", "es"]
    assert loaded.settings.sources[0].instance_name == "demo"
    assert loaded.settings.sources[0].schedule.every_seconds == 15 * 60
    assert loaded.database_url == f"sqlite:///{tmp_path / 'data' / 'cx.db'}"


def test_default_database_is_cxpulse_db_next_to_the_config(tmp_path: Path) -> None:
    loaded = load_config(write(tmp_path, "[[brands]]\nname='A'\nquery='a'\n"), env={})
    assert loaded.database_url == f"sqlite:///{tmp_path / 'cxpulse.db'}"


def test_precedence_flag_over_env_over_file_over_default(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    env = {"CXPULSE_DATABASE_URL": "sqlite:////env.db"}
    assert load_config(path, env=env, database_url="sqlite:////flag.db").database_url == "sqlite:////flag.db"
    assert load_config(path, env=env).database_url == "sqlite:////env.db"
    assert load_config(path, env={}).database_url.endswith("data/cx.db")
    bare = write(tmp_path, "", name="empty.toml")
    assert load_config(bare, env={}).database_url.endswith("/cxpulse.db")


def test_config_path_comes_from_env_when_no_flag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, GOOD, name="team.toml")
    monkeypatch.chdir(tmp_path / "..")
    assert load_config(None, env={"CXPULSE_CONFIG": str(path)}).path == path


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"config file not found.*--config"):
        load_config(tmp_path / "nope.toml", env={})


def test_malformed_toml_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('name = "Globex"', "name = Globex"))
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    message = str(info.value)
    assert str(path) in message and "line 11" in message and "invalid TOML" in message


def test_unknown_key_names_line_key_and_suggests(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('competitors = ["Globex"]', 'competitor = ["Globex"]'))
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    message = str(info.value)
    assert "line 7" in message
    assert "brands[0].competitor" in message
    assert "did you mean 'competitors'" in message


def test_unknown_key_in_inline_table_is_located(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("[[sources]]\ntype", '[[sources]]\nschedule = { evry = "5m" }\ntype'))
    with pytest.raises(ConfigError, match=r"line 15, key 'sources\[0\]\.schedule\.evry'.*did you mean 'every'"):
        load_config(path, env={})


def test_bad_brand_query_names_key_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('query = "globex"', "query = '\"globex'"))
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert "line 12, key 'brands[1].query'" in str(info.value)
    assert "column" in str(info.value)


def test_unknown_competitor_and_brand_reference(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('competitors = ["Globex"]', 'competitors = ["Initech"]'))
    with pytest.raises(ConfigError, match=r"line 7, key 'brands\[0\]\.competitors'.*'Initech'"):
        load_config(path, env={})
    path = write(tmp_path, GOOD + 'brands = ["Nobody"]\n')
    with pytest.raises(ConfigError, match=r"key 'sources\[0\]\.brands'.*'Nobody'.*Acme, Globex"):
        load_config(path, env={})


def test_literal_secret_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path, GOOD + '\n[[sources]]\nname = "x"\ntype = "twitter"\noptions = { bearer_token = "AAAA-secret" }\n'
    )
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    message = str(info.value)
    assert "sources[1].options.bearer_token" in message and "env" in message
    assert "AAAA-secret" not in message


def test_password_in_database_url_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("sqlite:///data/cx.db", "postgresql://bob:hunter2@db/cx"))
    with pytest.raises(ConfigError, match=r"line 2, key 'database\.url'.*CXPULSE_DATABASE_URL") as info:
        load_config(path, env={})
    assert "hunter2" not in str(info.value)


def test_secret_reference_resolves_and_missing_one_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('url = "sqlite:///data/cx.db"', 'url = { env = "CX_DB" }'))
    assert load_config(path, env={"CX_DB": "sqlite:////x.db"}).database_url == "sqlite:////x.db"
    with pytest.raises(SecretMissing, match=r"line 2, key 'database\.url'.*CX_DB is not set"):
        load_config(path, env={})


def test_bad_schedule_and_language(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("[[sources]]\n", '[[sources]]\nschedule = { every = "soon" }\n'))
    with pytest.raises(ConfigError, match=r"sources\[0\]\.schedule.*30s, 15m"):
        load_config(path, env={})
    path = write(tmp_path, GOOD.replace('["en", "es"]', '["english"]'))
    with pytest.raises(ConfigError, match=r"line 8, key 'brands\[0\]\.languages'.*ISO 639-1"):
        load_config(path, env={})


def test_invalid_utf8_config(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(GOOD.encode() + b"\n# caf\xe9\n")
    with pytest.raises(ConfigError, match=r"line 18: not valid UTF-8"):
        load_config(path, env={})


def test_duplicate_names(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + '\n[[sources]]\ntype = "demo"\n')
    with pytest.raises(ConfigError, match=r"key 'sources\[1\]\.name'.*defined twice"):
        load_config(path, env={})
