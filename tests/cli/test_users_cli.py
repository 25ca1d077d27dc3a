"""`cxpulse users` and `cxpulse tokens` as an admin runs them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from testkit.workspace import PASSWORD

from cxpulse.app.auth import resolve_token
from storage import Store


def test_users_and_tokens_from_the_command_line(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    db = f"sqlite:///{tmp_path / 'cx.db'}"
    assert cli("--db", db, "init").code == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    added = cli("--db", db, "users", "add", "ada", "--role", "admin", "--name", "Ada", "--password-stdin")
    assert added.code == 0 and "ada added (admin)" in added.out
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    refused = cli("--db", db, "users", "add", "bob", "--password-stdin")
    assert refused.code == 1 and "too short" in refused.err
    assert cli("--db", db, "users", "set-role", "ada", "agent").code == 0
    listed = json.loads(cli("--db", db, "users", "list", "--json").out)
    assert listed == [{"username": "ada", "name": "Ada", "role": "agent", "disabled": False}]
    created = cli("--db", db, "tokens", "create", "ada", "--name", "export")
    token = created.out.strip()
    assert created.code == 0 and token.startswith("cxp_") and token not in created.err
    store = Store.open(db)
    try:
        assert resolve_token(store, token) is not None
        tokens = json.loads(cli("--db", db, "tokens", "list", "--json").out)
        assert [t["name"] for t in tokens] == ["export"] and token not in json.dumps(tokens)
        assert cli("--db", db, "tokens", "revoke", tokens[0]["prefix"]).code == 0
        assert resolve_token(store, token) is None
        assert cli("--db", db, "users", "disable", "ada").code == 0
        assert json.loads(cli("--db", db, "users", "list", "--json").out)[0]["disabled"] is True
        assert cli("--db", db, "users", "disable", "nobody").code == 1
    finally:
        store.dispose()
