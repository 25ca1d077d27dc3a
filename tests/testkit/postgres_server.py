"""A PostgreSQL server of the test's own, that a test may SIGKILL and restart.

Never the shared server on 5432: ``initdb`` into a temporary folder (Debian's
binaries in ``/usr/lib/postgresql/*/bin``, or ``initdb`` on ``PATH``), its own
port and socket folder, ``fsync=off``, trust authentication for ``postgres``
on loopback. PostgreSQL refuses to run as root, so as root the server runs as
the ``postgres`` user (``runuser``), in a folder that user owns.

The postmaster is started directly (not through ``pg_ctl``, which detaches it)
in a session of its own, so :meth:`OwnPostgres.kill` can SIGKILL the postmaster
and every backend at once, as a crashed machine would, and
:meth:`OwnPostgres.restart` starts it again on the same data folder (the server
runs its crash recovery).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

__all__ = ["OwnPostgres", "find_bindir"]


def find_bindir() -> Path | None:
    """The folder with ``initdb`` and ``postgres``: the newest Debian one, else the one on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class OwnPostgres:
    """One private PostgreSQL server: :meth:`start`, :meth:`kill`, :meth:`restart`, :meth:`stop`."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="cxpulse-own-pg-"))
        self.data = self.root / "data"
        self.sockets = self.root / "sock"
        self.log = self.root / "server.log"
        self.port = _free_port()
        self.as_postgres = os.getuid() == 0
        self.process: subprocess.Popen[bytes] | None = None
        self.kills = 0
        self.sockets.mkdir()
        if self.as_postgres:
            user = pwd.getpwnam("postgres")
            for path in (self.root, self.sockets):
                os.chown(path, user.pw_uid, user.pw_gid)
        self._run([str(bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"])

    def _command(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *argv] if self.as_postgres else argv

    def _run(self, argv: list[str]) -> None:
        done = subprocess.run(self._command([*argv, "--no-sync"]), capture_output=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{argv[0]} failed: {done.stderr.decode(errors='replace')}")

    def admin_url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start the server and wait until it accepts connections (after crash recovery, if any)."""
        if self.running:
            return
        argv = [
            str(self.bindir / "postgres"),
            "-D",
            str(self.data),
            "-p",
            str(self.port),
            "-k",
            str(self.sockets),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=off",
            "-c",
            "max_connections=50",
        ]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self._command(argv), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                psycopg.connect(self.admin_url(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"own PostgreSQL did not start; its log:\n{self.log.read_text()}") from None
                time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL the postmaster and all its backends (its whole session), as a crash would."""
        assert self.process is not None and self.running, "the server is not running"
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self.kills += 1
        self._wait_for_backends()

    def _wait_for_backends(self) -> None:
        """Backends of the killed session are gone (a restart would otherwise find them attached)."""
        assert self.process is not None
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.02)

    def restart(self) -> None:
        if self.running:
            self.kill()
        self.start()

    def create_database(self, name: str) -> str:
        """A new empty database; returns its URL."""
        with psycopg.connect(self.admin_url(), autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.admin_url(name)

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its folder."""
        if self.process is not None and self.running:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)
