"""The cxpulse commands as a user runs them: output, errors, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from storage.migrate import head_revision

CONFIG = """\
[[brands]]
name = "Northwind Air"
query = '(northwind OR @northwindair) -"northwind traders" -airdrop'

[[sources]]
type = "demo"
options = {{ count = 150, batch_size = 50, anchor = "2026-11-23T12:00:00Z" }}
{extra}
"""


def setup(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "config.toml"
    path.write_text(CONFIG.format(extra=extra), encoding="utf-8")
    return path


def test_help_teaches(cli) -> None:
    result = cli("--help")
    assert result.code == 0
    assert "cxpulse demo" in result.out and "Exit codes" in result.out
    search_help = cli("search", "--help").out
    assert "--since" in search_help and "Examples" in search_help


def test_init_collect_search_json(cli, tmp_path: Path) -> None:
    setup(tmp_path)
    assert cli("init").code == 0
    assert (tmp_path / "cxpulse.db").exists()  # default store next to the config
    collected = cli("collect", "--json")
    assert collected.code == 0, collected.err
    [result] = json.loads(collected.out)
    assert result["source"] == "demo" and result["stored"] > 100
    again = json.loads(cli("collect", "--json").out)
    assert again[0]["stored"] == 0

    found = cli("search", "northwind", "--json", "--limit", "5")
    assert found.code == 0
    hits = json.loads(found.out)
    assert 0 < len(hits) <= 5
    assert all("northwind" in h["text"].lower() for h in hits)
    assert all(h["brands"] == ["Northwind Air"] for h in hits)


def test_search_with_fts_syntax_characters_never_errors(cli, tmp_path: Path) -> None:
    setup(tmp_path)
    cli("init")
    cli("collect")
    for query in ['"unclosed', "NEAR(a b)", "a* OR *", "col:value", "'); DROP TABLE mentions; --", "(((", "-"]:
        result = cli("search", query, "--json")
        assert result.code in (0, 1), (query, result.err)
        if result.code == 1:
            assert result.err.startswith("error: ") and result.err.count("\n") == 1
    assert cli("search", "northwind", "--json").code == 0  # the table is still there


def test_search_filters_and_bad_date(cli, tmp_path: Path) -> None:
    setup(tmp_path)
    cli("init")
    cli("collect")
    hits = json.loads(cli("search", "--since", "2026-11-16", "--until", "2026-11-23", "--json", "-n", "1000").out)
    assert hits and all("2026-11-16" <= h["created_at"][:10] <= "2026-11-23" for h in hits)
    bad = cli("search", "x", "--since", "last tuesday")
    assert bad.code == 2 and "2026-11-01" in bad.err


def test_store_must_be_initialized(cli, tmp_path: Path) -> None:
    setup(tmp_path)
    result = cli("search", "x")
    assert result.code == 1 and "cxpulse init" in result.err


def test_config_check_masks_secrets_and_names_missing_ones(cli, tmp_path: Path, monkeypatch) -> None:
    extra = '[[sources]]\ntype = "file"\nname = "vault"\noptions = { path = { env = "CX_TEST_PATH" } }\n'
    setup(tmp_path, extra)
    missing = cli("config", "check")
    assert missing.code == 1
    assert "line 11, key 'sources[1].options.path'" in missing.err and "CX_TEST_PATH is not set" in missing.err
    monkeypatch.setenv("CX_TEST_PATH", "/very/secret/path.csv")
    ok = cli("config", "check", "--json")
    assert ok.code == 0, ok.err
    data = json.loads(ok.out)
    assert data["valid"] is True
    assert "/very/secret/path.csv" not in ok.out
    assert data["config"]["sources"][1]["options"]["path"] == {"env": "CX_TEST_PATH", "value": "********"}


def test_unknown_source_type_fails_alone(cli, tmp_path: Path) -> None:
    setup(tmp_path, '[[sources]]\ntype = "carrier-pigeon"\n')
    cli("init")
    result = cli("collect", "--json")
    assert result.code == 1
    runs = {r["source"]: r for r in json.loads(result.out)}
    assert runs["demo"]["error"] is None and runs["demo"]["stored"] > 0
    assert "unknown source type 'carrier-pigeon'" in runs["carrier-pigeon"]["error"]
    assert "demo" in runs["carrier-pigeon"]["error"] and "file" in runs["carrier-pigeon"]["error"]
    assert "1 of 2 source runs failed" in result.err
    status = {(s["source"], s["brand"]): s for s in json.loads(cli("sources", "status", "--json").out)}
    assert "carrier-pigeon" in status[("carrier-pigeon", "Northwind Air")]["last_error"]
    assert status[("demo", "Northwind Air")]["last_error"] is None
    assert status[("demo", "Northwind Air")]["mentions_collected"] == runs["demo"]["stored"]
    assert "carrier-pigeon" in cli("sources", "status").out


def test_sources_list_json(cli) -> None:
    result = cli("sources", "list", "--json")
    assert result.code == 0
    types = {s["type"]: s for s in json.loads(result.out)}
    assert {"demo", "file"} <= set(types)
    assert "path" in types["file"]["options"]


def test_import_csv_with_bad_rows(cli, tmp_path: Path) -> None:
    setup(tmp_path)
    cli("init")
    csv = tmp_path / "tickets.csv"
    csv.write_bytes(
        b"ticket,body,opened\n"
        b"1,My refund never arrived,2026-11-01T10:00:00Z\n"
        b"2,Card declined <script>alert(1)</script>,yesterday\n"
        b"3,Caf\xe9 wifi broken,2026-11-02\n"
        b"4,Support was great,2026-11-03\n"
    )
    result = cli("import", str(csv), "--brand", "Northwind Air", "--map", "id=ticket,text=body,created_at=opened")
    assert result.code == 1
    assert "tickets.csv line 3, column 'opened'" in result.err
    assert "tickets.csv line 4" in result.err
    hits = json.loads(cli("search", "refund OR support", "--json").out)
    assert {h["external_id"] for h in hits} == {"1", "4"}
    again = cli(
        "import", str(csv), "--brand", "Northwind Air", "--map", "id=ticket,text=body,created_at=opened", "--json"
    )
    assert again.code == 0 and json.loads(again.out)[0]["stored"] == 0  # resumed past the end
    csv.write_bytes(csv.read_bytes().replace(b"yesterday", b"2026-11-01").replace(b"Caf\xe9", b"Caf\xc3\xa9"))
    fixed = cli(
        "import", str(csv), "--brand", "Northwind Air", "--map", "id=ticket,text=body,created_at=opened", "--json"
    )
    assert fixed.code == 0, fixed.err
    assert json.loads(fixed.out)[0]["stored"] == 2  # only the two fixed rows are new
    assert len(json.loads(cli("search", "refund OR support", "--json").out)) == 2  # nothing twice
    [cafe] = json.loads(cli("search", "cafe", "--json").out)
    assert cafe["text"] == "Café wifi broken"

    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"ticket,body,opened\n1,fine,2026-11-01\n2,late,yesterday\n")
    strict = cli(
        "import",
        str(bad),
        "--brand",
        "Northwind Air",
        "--strict",
        "--source-name",
        "strict",
        "--map",
        "id=ticket,text=body,created_at=opened",
    )
    assert strict.code == 1 and "line 3" in strict.err
    assert json.loads(cli("search", "--source", "strict", "--json").out) == []


def test_import_unknown_brand_lists_known(cli, tmp_path: Path) -> None:
    setup(tmp_path)
    cli("init")
    (tmp_path / "t.jsonl").write_text('{"text": "hello"}\n', encoding="utf-8")
    result = cli("import", "t.jsonl", "--brand", "Nope")
    assert result.code == 1 and "Northwind Air" in result.err


def test_hostile_text_is_not_markup_in_tables(cli, tmp_path: Path) -> None:
    setup(tmp_path)
    cli("init")
    (tmp_path / "t.jsonl").write_text(
        json.dumps({"id": "x", "text": "[bold red]northwind[/] <img src=x onerror=alert(1)>"}) + "\n", encoding="utf-8"
    )
    assert cli("import", "t.jsonl", "--brand", "Northwind Air").code == 0
    table = cli("search", "onerror", "--source", "import")
    assert "[bold red]" in table.out and "<img src=x" in table.out
    [hit] = json.loads(cli("search", "onerror", "--json").out)
    assert hit["text"] == "[bold red]northwind[/] <img src=x onerror=alert(1)>"


def test_demo_runs_twice_without_config(cli, tmp_path: Path) -> None:
    first = cli("demo", "--count", "60")
    assert first.code == 0, first.err
    assert (tmp_path / "cxpulse-demo.db").exists()
    assert "sample search" in first.out and "Northwind Air" in first.out
    second = cli("demo", "--count", "60")
    assert second.code == 0
    assert "(0 new this run)" in second.out


def test_a_1mb_mention_is_cut_for_search_but_kept_whole(cli, tmp_path: Path) -> None:
    setup(tmp_path)
    cli("init")
    huge = "refund " + "é" * 1_000_000 + " tail"
    (tmp_path / "big.jsonl").write_text(json.dumps({"id": "big", "text": huge}) + "\n", encoding="utf-8")
    result = cli("import", "big.jsonl", "--brand", "Northwind Air")
    assert result.code == 0
    assert "cut to 20000" in result.err
    [hit] = json.loads(cli("search", "refund", "--json").out)
    assert len(hit["text"]) == 20000 and hit["text"].startswith("refund ")

    from storage import Store

    store = Store.open(f"sqlite:///{tmp_path / 'cxpulse.db'}")
    row = store.get_mention("import", "big")
    store.dispose()
    assert row is not None and row.raw is not None and row.raw["original_text"] == huge


def test_database_errors_never_show_the_password(cli) -> None:
    for url in (
        "postgresql://bob:hunter2@127.0.0.1:9/cx",
        "postgresql://bob:hunter2@127.0.0.1:notaport/cx",
        "postgresql:/bob:hunter2@127.0.0.1/cx",
    ):
        result = cli("--db", url, "init")
        assert result.code == 1
        assert result.err.startswith("error: ") and "hunter2" not in result.err and "bob:***@" in result.err


def test_import_without_config_labels_the_brand(cli, tmp_path: Path) -> None:
    cli("init")  # no config.toml: defaults, cxpulse.db here
    (tmp_path / "t.jsonl").write_text('{"id": "1", "text": "the app crashed"}\n', encoding="utf-8")
    assert cli("import", "t.jsonl", "--brand", "!!! Weird & Co").code == 0
    [hit] = json.loads(cli("search", "crashed", "--brand", "!!! Weird & Co", "--json").out)
    assert hit["brands"] == ["!!! Weird & Co"]


def test_db_flag_beats_env_beats_file(cli, tmp_path: Path, monkeypatch) -> None:
    setup(tmp_path)
    monkeypatch.setenv("CXPULSE_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    assert cli("--db", f"sqlite:///{tmp_path / 'flag.db'}", "init").code == 0
    assert (tmp_path / "flag.db").exists() and not (tmp_path / "env.db").exists()
    assert cli("init").code == 0
    assert (tmp_path / "env.db").exists() and not (tmp_path / "cxpulse.db").exists()


def test_db_upgrade_and_current(cli, tmp_path: Path) -> None:
    setup(tmp_path)
    assert cli("db", "current").out.strip() == ""
    first = cli("db", "upgrade")
    head = head_revision()
    assert first.code == 0 and f"upgraded from empty to {head}" in first.out
    again = cli("db", "upgrade")
    assert again.code == 0 and f"already at schema {head}" in again.out
    assert cli("db", "current").out.strip() == head
