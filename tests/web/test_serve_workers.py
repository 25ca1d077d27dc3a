"""`cxpulse serve --workers 2`: two processes share the port, each with its own connections to
the same store; a token made before the start works on every request. `--threads` bounds the
requests each process works on at once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import anyio.to_thread
import httpx
from fastapi.testclient import TestClient

from cxpulse.app.auth import create_token
from cxpulse.app.users import add_user
from cxpulse.web import create_app
from storage import Store


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        command = (stat.parent / "cmdline").read_bytes() if int(fields[1]) == pid else b""
        if b"spawn_main" in command:  # not multiprocessing's resource tracker
            found.append(int(stat.parent.name))
    return found


def test_two_worker_processes_serve_the_same_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cx.db'}"
    store = Store.open(url)
    store.upgrade()
    add_user(store, "ana", "a long password 1", role="agent")
    token, _ = create_token(store, "ana", "script")
    port = _free_port()
    config = tmp_path / "config.toml"
    config.write_text("")
    env = {**os.environ, "CXPULSE_DATABASE_URL": url}
    command = "from cxpulse.cli.main import main; main()"
    args = ["--config", str(config), "serve", "--port", str(port), "--workers", "2", "--threads", "1"]
    server = subprocess.Popen(
        [sys.executable, "-c", command, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        answers: list[int] = []
        while time.monotonic() < deadline and len(answers) < 20:
            try:
                response = httpx.get(
                    f"http://127.0.0.1:{port}/api/v1/mentions", headers={"Authorization": f"Bearer {token}"}, timeout=5
                )
            except httpx.TransportError:
                assert server.poll() is None, server.communicate()
                time.sleep(0.2)
                continue
            answers.append(response.status_code)
            assert response.json()["total"] == 0
        assert answers == [200] * 20
        assert len(_children(server.pid)) == 2  # the two worker processes
        anonymous = httpx.get(f"http://127.0.0.1:{port}/api/v1/mentions", timeout=5)
        assert anonymous.status_code == 401
    finally:
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=30)
    assert "workspace: http://127.0.0.1" in out
    assert "a long password 1" not in out + err and token not in out + err


def test_threads_bound_the_requests_a_process_works_on_at_once(store: Store) -> None:
    def tokens(client: TestClient) -> float:
        assert client.portal is not None
        return client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)

    with TestClient(create_app(store, threads=1)) as client:
        assert client.get("/login").status_code == 200
        assert tokens(client) == 1
    with TestClient(create_app(store)) as client:
        assert tokens(client) == 40  # anyio's default
