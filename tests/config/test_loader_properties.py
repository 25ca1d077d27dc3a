"""Config loading under random input: a typed config or our own ConfigError naming the file, never another exception.

Three generators, each bounded and derandomized so CI runs them in seconds:

- one key of the shipped ``config.toml`` (every table, array of tables and inline
  table in it) given a random value: a wrong type, an overflowing number, odd text,
  a nested table, an ``{ env = ... }`` reference;
- the file's bytes cut, spliced or salted with bytes that are not UTF-8 or not TOML;
- the environment's overrides (``CXPULSE_DATABASE_URL``, the ``--db`` flag) random.

``tests/cli/test_fuzz.py`` drives the whole CLI with generated configs; this test goes
straight at :func:`cxpulse.config.load_config`, so a failure points at the loader.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxpulse.config import LoadedConfig, load_config
from foundation.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = (ROOT / "config.toml").read_text(encoding="utf-8")
EXAMPLES = 1500 if os.environ.get("FAULTS_LONG", "") not in ("", "0") else 150
LIMITS = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a parsed TOML document (list items by index)."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for key, item in value.items():
            found.append((*prefix, key))
            found.extend(_paths(item, (*prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_paths(item, (*prefix, index)))
    return found


DOCUMENT = tomllib.loads(SHIPPED)
PATHS = _paths(DOCUMENT)

text = st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF, exclude_categories=("Cs",)), max_size=40)
scalar = st.one_of(
    text,
    st.sampled_from(["", " ", "0", "-1", "1e309", "30s", "0s", "99999999999d", "*/0 * * * *", "Europe/Nowhere"]),
    st.sampled_from([0, -1, 2**31, 2**63, 10**30, -(10**30)]),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.builds(lambda n: {"env": n}, st.sampled_from(["UNSET_VARIABLE", "SET_VARIABLE", "", "9bad", "A B"])),
)
value = st.recursive(
    scalar, lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(text, inner, max_size=3)), max_leaves=6
)


def _string(value: str) -> str:
    """A TOML basic string (JSON's escapes would write surrogate pairs, which TOML refuses)."""
    escaped = "".join(
        {"\\": "\\\\", '"': '\\"'}.get(c, f"\\u{ord(c):04x}" if ord(c) < 0x20 or ord(c) == 0x7F else c) for c in value
    )
    return f'"{escaped}"'


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value != value:
            return "nan"
        if value in (float("inf"), float("-inf")):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, int):
        return str(value) if -(2**63) <= value < 2**63 else _string(str(value))
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_string(str(k))} = {_toml(v)}" for k, v in value.items()) + " }"
    return _string(str(value))


def _dump(document: dict[str, Any]) -> str:
    """A TOML text for ``document``: scalars and inline tables at the top, then tables and arrays of tables."""
    lines: list[str] = []
    for key, item in document.items():
        if not isinstance(item, dict) and not (
            isinstance(item, list) and item and all(isinstance(i, dict) for i in item)
        ):
            lines.append(f"{_string(key)} = {_toml(item)}")
    for key, item in document.items():
        if isinstance(item, dict):
            lines.append(f"[{_string(key)}]")
            lines.extend(f"{_string(k)} = {_toml(v)}" for k, v in item.items())
        elif isinstance(item, list) and item and all(isinstance(i, dict) for i in item):
            for entry in item:
                lines.append(f"[[{_string(key)}]]")
                lines.extend(f"{_string(k)} = {_toml(v)}" for k, v in entry.items())
    return "\n".join(lines) + "\n"


def _replace(document: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(document, dict):
        return {**document, head: _replace(document[head], rest, new)}
    copy = list(document)
    copy[head] = _replace(copy[head], rest, new)
    return copy


def _load(path: Path, **kwargs: Any) -> LoadedConfig | ConfigError:
    try:
        return load_config(path, env=kwargs.pop("env", {"SET_VARIABLE": "s3cret-value"}), **kwargs)
    except ConfigError as exc:
        return exc


def _check(outcome: LoadedConfig | ConfigError, path: Path) -> None:
    if isinstance(outcome, ConfigError):
        message = str(outcome)
        assert str(path) in message, message  # it says which file
        assert "\n" not in message.strip() or len(message.splitlines()) <= 40, message
        assert "s3cret-value" not in message  # a resolved secret never shows
        assert "Traceback" not in message
    else:
        assert outcome.path == path


def test_the_shipped_config_loads(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(_dump(DOCUMENT), encoding="utf-8")
    assert isinstance(_load(path), LoadedConfig)  # the dumper writes what the loader reads


@LIMITS
@given(where=st.sampled_from(PATHS), new=value)
def test_any_value_for_any_key_loads_or_says_which_file_and_key(
    tmp_path: Path, where: tuple[Any, ...], new: Any
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(_dump(_replace(DOCUMENT, where, new)), encoding="utf-8")
    outcome = _load(path)
    _check(outcome, path)


@LIMITS
@given(
    cut=st.integers(0, len(SHIPPED.encode())),
    salt=st.one_of(
        st.binary(max_size=12),
        st.sampled_from([b"\xff\xfe", b"\x00", b"[[", b"= =", b'"""', b"\xef\xbb\xbf", b"[database]\nurl = 1\n"]),
    ),
    keep_tail=st.booleans(),
)
def test_broken_bytes_load_or_say_which_file(tmp_path: Path, cut: int, salt: bytes, keep_tail: bool) -> None:
    raw = SHIPPED.encode()
    path = tmp_path / "config.toml"
    path.write_bytes(raw[:cut] + salt + (raw[cut:] if keep_tail else b""))
    _check(_load(path), path)


@LIMITS
@given(
    url=st.one_of(
        text, st.sampled_from(["sqlite:///", "postgresql://u:pw@[::1/x", "://", "mysql://x", "sqlite:///x.db"])
    ),
    via_flag=st.booleans(),
)
def test_any_database_override_loads_or_says_where_it_came_from(tmp_path: Path, url: str, via_flag: bool) -> None:
    path = tmp_path / "config.toml"
    path.write_text(SHIPPED, encoding="utf-8")
    if via_flag:
        outcome = _load(path, database_url=url)
    else:
        outcome = _load(path, env={"CXPULSE_DATABASE_URL": url})
    if isinstance(outcome, ConfigError):
        assert (
            "\x00" in url
            or str(path) in str(outcome)
            or "CXPULSE_DATABASE_URL" in str(outcome)
            or "--db" in str(outcome)
        ), outcome
