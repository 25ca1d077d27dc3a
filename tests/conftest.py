"""Test-wide guards: no network beyond loopback, no model downloads, fixed clock helpers."""

from __future__ import annotations

import ipaddress
import os
import socket
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest
from testkit.clock import NOW

if TYPE_CHECKING:
    from classifiers import Classifier

pytest_plugins = ["testkit.stores", "testkit.smtp"]
"""Fixtures every folder may use: ``store`` (SQLite and PostgreSQL), ``postgres_store``,
``empty_url``, ``mention``, ``smtp_server``, ``refusing_smtp_server``, ``down_smtp_port``,
``dropping_smtp_server``, ``stalling_smtp_server``."""

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX path
    host = str(address[0])
    if host in {"localhost", "ip6-localhost"}:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _is_local(address):
        raise RuntimeError(f"tests must not reach the network (tried {address!r}); record the HTTP instead")
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if not _is_local(address):
        raise RuntimeError(f"tests must not reach the network (tried {address!r}); record the HTTP instead")
    return _real_connect_ex(self, address)


def pytest_configure(config: pytest.Config) -> None:
    socket.socket.connect = _guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _guarded_connect_ex  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2id with its production cost takes about half a second per hash on a busy CI
    machine; the tests hash with the same algorithm at a tiny cost."""
    from argon2 import PasswordHasher

    from cxpulse.app import users

    monkeypatch.setattr(users, "PASSWORD_HASHER", PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1))


@pytest.fixture
def fixed_now() -> datetime:
    return NOW


@pytest.fixture(scope="session")
def classifier() -> Classifier:
    """The real packaged classifier, loaded once for the whole session and shared with
    every in-process CLI call (``load_classifier`` keeps one instance per configuration)."""
    from classifiers import load_classifier

    return load_classifier()
