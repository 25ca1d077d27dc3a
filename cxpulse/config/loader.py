"""Read config.toml once into typed settings, with errors that point at the line.

Precedence, highest first: command-line flag, environment variable, file,
default. Only two settings have environment overrides today:
``CXPULSE_CONFIG`` (which file) and ``CXPULSE_DATABASE_URL`` ([database] url).

:func:`load_config` refuses a file with a problem (the first one, and how many
more); :func:`check_config` (behind ``cxpulse config check``) collects every
problem at once, each with the file, line and key, including environment
variables that a secret reference names but that are not set (which
:func:`load_config` only finds when the secret is used). Every secret value
resolved from the environment is remembered (:mod:`foundation.secrets`) so
that logs, messages and stored errors can be scrubbed of it.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from cxpulse.config.locate import KeyPath, LineLocator, format_path
from cxpulse.config.schema import Settings, _PathError
from foundation.errors import ConfigError, CxPulseError, SecretMissing
from foundation.secrets import SECRET_NAME, SecretRef, remember_secret, remember_url_secrets
from storage import display_url, normalize_url

__all__ = ["DATABASE_URL_ENV", "ConfigCheck", "LoadedConfig", "check_config", "load_config", "settings_from_data"]

DATABASE_URL_ENV = "CXPULSE_DATABASE_URL"
_SECRET_KEY = re.compile(r"(password|passwd|secret|token|api_?key|credential)s?$", re.IGNORECASE)
_URL_PASSWORD = re.compile(r"://[^/@:]+:[^/@]+@")
_URL_QUERY_SECRET = re.compile(rf"[?&;]{SECRET_NAME}=[^&;#]", re.IGNORECASE)
_DATABASE_URL = ("database", "url")
_BROKER_URL = ("execution", "broker_url")
_URL_KEYS = (_DATABASE_URL, _BROKER_URL)
"""Settings holding a URL whose password, not the whole URL, is the secret."""
MAX_DEPTH = 20
"""How deeply tables and lists may nest in config.toml (real settings need about five levels)."""


@dataclass(frozen=True)
class LoadedConfig:
    """Settings plus where they came from, so later checks can point at lines."""

    settings: Settings
    path: Path
    exists: bool
    locator: LineLocator = field(default_factory=LineLocator)
    database_url: str = ""

    @property
    def directory(self) -> Path:
        return self.path.parent

    def error(self, path: Sequence[str | int], message: str) -> ConfigError:
        """A ConfigError naming this file, the line of ``path`` and the key."""
        return ConfigError(_where(self.path, self.locator.line_of(path), path) + message)

    def resolve_secret(self, value: Any, path: Sequence[str | int], env: Mapping[str, str]) -> Any:
        """Replace every ``{ env = "NAME" }`` inside ``value`` by the variable's value."""
        if isinstance(value, SecretRef) or (
            isinstance(value, dict) and set(value) == {"env"} and isinstance(value["env"], str)
        ):
            name = value.env if isinstance(value, SecretRef) else value["env"]
            if name not in env or env[name] == "":
                raise SecretMissing(_unset_message(self.path, self.locator, path, name))
            _remember(tuple(path), env[name])
            return env[name]
        if isinstance(value, dict):
            return {k: self.resolve_secret(v, (*path, k), env) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve_secret(v, (*path, i), env) for i, v in enumerate(value)]
        return value

    def broker_url(self, env: Mapping[str, str]) -> str:
        """``[execution] broker_url`` with a secret reference resolved; its password is
        remembered, so every output scrubs it."""
        url = str(self.resolve_secret(self.settings.execution.broker_url, _BROKER_URL, env))
        remember_url_secrets(url)
        return url


def load_config(
    path: Path | str | None = None,
    *,
    env: Mapping[str, str] | None = None,
    database_url: str | None = None,
    require_file: bool = True,
) -> LoadedConfig:
    """Read, validate and resolve the configuration.

    ``path`` None means ``$CXPULSE_CONFIG`` or ``./config.toml``.
    ``database_url`` is the command-line override (highest precedence).
    With ``require_file=False`` a missing file yields the defaults.
    Raises ConfigError naming the first problem (and how many more there are).
    """
    env = os.environ if env is None else env
    config_path = _config_path(path, env)
    if not config_path.exists():
        if require_file:
            raise _not_found(config_path)
        loaded = LoadedConfig(Settings(), config_path, exists=False)
    else:
        read, problems = _read(config_path, env)
        if read is None or problems:
            first = problems[0]
            more = (
                f" (and {len(problems) - 1} more problem(s): run `cxpulse config check`)" if len(problems) > 1 else ""
            )
            raise ConfigError(first + more)
        loaded = read
    url = _database_url(loaded, env, database_url)
    refused = _celery_on_sqlite(loaded, url)
    if refused is not None:
        raise ConfigError(refused)
    return LoadedConfig(loaded.settings, loaded.path, loaded.exists, loaded.locator, url)


def _celery_on_sqlite(loaded: LoadedConfig, url: str) -> str | None:
    """Why the celery backend cannot use the store at ``url`` (None: it can)."""
    if loaded.settings.execution.backend != "celery" or not url.startswith("sqlite"):
        return None
    key = ("execution", "backend")
    return (
        _where(loaded.path, loaded.locator.line_of(key), key)
        + f"the celery backend needs a PostgreSQL store that every worker reaches, and the store is SQLite "
        f"({display_url(url)}): a file workers on other machines cannot open, and one that lets a single writer "
        'in at a time; set [database] url to postgresql://... (or --db, CXPULSE_DATABASE_URL), or backend = "local"'
    )


@dataclass(frozen=True)
class ConfigCheck:
    """Every problem of a config file; ``loaded`` is None when it could not be read or validated."""

    path: Path
    loaded: LoadedConfig | None
    problems: list[str]

    def adding(self, problems: Sequence[str]) -> ConfigCheck:
        """This check with more ``problems``, all in file order (those without a line first)."""
        return ConfigCheck(self.path, self.loaded, sorted([*self.problems, *problems], key=_line_number))


def _line_number(problem: str) -> int:
    found = re.match(r"^\S.*? line (\d+)[,:]", problem)
    return int(found.group(1)) if found else 0


def check_config(
    path: Path | str | None = None, *, env: Mapping[str, str] | None = None, database_url: str | None = None
) -> ConfigCheck:
    """All problems of the configuration at once, each naming the file, line and key.

    Beyond what :func:`load_config` refuses, it reports every ``{ env = "NAME" }``
    reference whose variable is not set (the SMTP password and webhook too, which
    other commands only resolve when they send) and a database URL that cannot be used.
    Source options are checked one level up (:mod:`cxpulse.app.config_check`).
    """
    env = os.environ if env is None else env
    try:
        config_path = _config_path(path, env)
    except ConfigError as exc:
        return ConfigCheck(Path(str(path or "config.toml")), None, [str(exc)])
    if not config_path.exists():
        return ConfigCheck(config_path, None, [str(_not_found(config_path))])
    loaded, problems = _read(config_path, env, keep_going=True)
    if loaded is None:
        return ConfigCheck(config_path, None, []).adding(problems)
    overridden = bool(database_url or env.get(DATABASE_URL_ENV))
    problems += _unset_references(loaded, env, skip=_DATABASE_URL if overridden else None)
    try:
        url = _database_url(loaded, env, database_url)
    except SecretMissing:
        return ConfigCheck(config_path, loaded, []).adding(problems)  # reported just above
    try:
        normalize_url(url)
    except CxPulseError as exc:
        where = (
            "--db or CXPULSE_DATABASE_URL: "
            if overridden
            else _where(config_path, loaded.locator.line_of(_DATABASE_URL), _DATABASE_URL)
        )
        problems.append(where + str(exc))
    refused = _celery_on_sqlite(loaded, url)
    if refused is not None:
        problems.append(refused)
    return ConfigCheck(config_path, LoadedConfig(loaded.settings, loaded.path, True, loaded.locator, url), []).adding(
        problems
    )


def _config_path(path: Path | str | None, env: Mapping[str, str]) -> Path:
    config_path = Path(path or env.get("CXPULSE_CONFIG") or "config.toml").expanduser()
    if not config_path.is_absolute():
        config_path = Path.cwd() / config_path
    if config_path.is_dir():
        raise ConfigError(f"{config_path} is a directory; pass the config file itself with --config")
    return config_path


def _not_found(config_path: Path) -> ConfigError:
    return ConfigError(
        f"{config_path}: config file not found; create it (the repository's config.toml is "
        "a commented example), pass --config PATH, or set CXPULSE_CONFIG"
    )


def _read(
    config_path: Path, env: Mapping[str, str], *, keep_going: bool = False
) -> tuple[LoadedConfig | None, list[str]]:
    """The file's settings (None when unusable) and every problem found in it.

    With ``keep_going``, a file that does not validate also has its unset
    environment variables reported.
    """
    try:
        text = _read_text(config_path)
        data = _parse_toml(config_path, text)
    except ConfigError as exc:
        return None, [str(exc)]
    locator = LineLocator.scan(text)
    _remember_referenced(data, env)
    problems = _literal_secrets(data, config_path, locator)
    problems += _password_in_url(data, config_path, locator)
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = _validation_problems(exc, data, config_path, locator) + problems
        if keep_going:
            problems += [
                _unset_message(config_path, locator, at, name) for at, name in _references(data) if not env.get(name)
            ]
        return None, problems
    return LoadedConfig(settings, config_path, exists=True, locator=locator), problems


def settings_from_data(data: Mapping[str, Any], path: Path, locator: LineLocator | None = None) -> Settings:
    """Validate parsed TOML data into Settings; errors name file, line and key."""
    locator = locator or LineLocator()
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        lines = _validation_problems(exc, data, path, locator)
        more = f" (and {len(lines) - 1} more problem(s): run `cxpulse config check`)" if len(lines) > 1 else ""
        raise ConfigError(lines[0] + more) from None


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path} line {line}: not valid UTF-8; save the file as UTF-8") from None


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(
            f"{path}: tables or lists are nested too deeply to read; config.toml needs at most "
            f"{MAX_DEPTH} levels, so look for a run of [ or {{ that never closes"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        where = f"{path} line {match.group(1)}, column {match.group(2)}" if match else str(path)
        raise ConfigError(
            f"{where}: invalid TOML: {reason}; fix the syntax (strings need quotes, "
            'tables look like [database], lists like ["a", "b"])'
        ) from None
    deep = _too_deep(data)
    if deep is not None:
        raise ConfigError(
            f"{path}, key '{format_path(deep)}': tables or lists are nested more than {MAX_DEPTH} levels "
            "deep; no setting needs that many, so look for brackets that do not belong"
        )
    return data


def _too_deep(data: Any) -> KeyPath | None:
    """The path of the first value nested deeper than MAX_DEPTH (checked without recursion)."""
    stack: list[tuple[Any, KeyPath]] = [(data, ())]
    while stack:
        value, at = stack.pop()
        if len(at) > MAX_DEPTH:
            return at[:MAX_DEPTH]
        if isinstance(value, dict):
            stack.extend((v, (*at, k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, (*at, i)) for i, v in enumerate(value))
    return None


def _validation_problems(exc: ValidationError, data: Mapping[str, Any], path: Path, locator: LineLocator) -> list[str]:
    lines = []
    for error in exc.errors():
        location: KeyPath = tuple(error["loc"])
        message = error["msg"]
        original = (error.get("ctx") or {}).get("error")
        if isinstance(original, _PathError):
            location, message = original.path, str(original)
        elif error["type"] == "extra_forbidden":
            message = _unknown_key_message(location, data)
        elif message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        elif error["type"] == "missing":
            message = f"required key {location[-1]!r} is missing; add it"
        location = _data_path(location, data)
        lines.append(_where(path, locator.line_of(location), location) + message)
    return lines


def _data_path(location: KeyPath, data: Any) -> KeyPath:
    """Keep the parts of a pydantic location that are real keys in the file.

    Pydantic adds union branch names (``str``, ``SecretRef``) to locations;
    those are not keys a user wrote.
    """
    kept: list[str | int] = []
    current = data
    for i, part in enumerate(location):
        if isinstance(current, dict) and part in current:
            current = current[part]
            kept.append(part)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
            kept.append(part)
        elif i == len(location) - 1 and isinstance(current, dict):
            kept.append(part)  # a missing key: name it
    return tuple(kept)


def _unknown_key_message(location: KeyPath, data: Mapping[str, Any]) -> str:
    from cxpulse.config import schema

    key = str(location[-1])
    model: type[BaseModel] = schema.Settings
    for part in location[:-1]:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        annotation = getattr(info, "annotation", None)
        inner = getattr(annotation, "__args__", (annotation,))
        nested = next((a for a in inner if isinstance(a, type) and issubclass(a, BaseModel)), None)
        if nested is None:
            break
        model = nested
    known = sorted(model.model_fields)
    close = difflib.get_close_matches(key, known, n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"unknown key {key!r}; {hint}valid keys here: {', '.join(known)}"


def _literal_secrets(data: Any, path: Path, locator: LineLocator) -> list[str]:
    found: list[tuple[int, str]] = []
    stack: list[tuple[Any, KeyPath]] = [(data, ())]
    while stack:
        value, here = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, str) and _SECRET_KEY.search(str(key)) and item:
                    line = locator.line_of((*here, key))
                    message = (
                        _where(path, line, (*here, key))
                        + "secrets must not be written in the config file; put the value in an "
                        f'environment variable and write {key} = {{ env = "NAME" }}'
                    )
                    found.append((line or 0, message))
                else:
                    stack.append((item, (*here, key)))
        elif isinstance(value, list):
            stack.extend((item, (*here, i)) for i, item in enumerate(value))
    return [message for _, message in sorted(found)]


def _password_in_url(data: Mapping[str, Any], path: Path, locator: LineLocator) -> list[str]:
    problems = []
    for key, variable in ((_DATABASE_URL, DATABASE_URL_ENV), (_BROKER_URL, "CXPULSE_BROKER_URL")):
        table = data.get(key[0])
        url = table.get(key[1]) if isinstance(table, dict) else None
        if isinstance(url, str) and (_URL_PASSWORD.search(url) or _URL_QUERY_SECRET.search(url)):
            problems.append(
                _where(path, locator.line_of(key), key)
                + "this URL contains a password; move it to an environment variable: "
                f'{key[1]} = {{ env = "{variable}" }}'
            )
    return problems


def _references(data: Any) -> list[tuple[KeyPath, str]]:
    """Every ``{ env = "NAME" }`` in the parsed file, with its key path, in file order."""
    found: list[tuple[KeyPath, str]] = []
    stack: list[tuple[Any, KeyPath]] = [(data, ())]
    while stack:
        value, here = stack.pop()
        if isinstance(value, dict):
            if set(value) == {"env"} and isinstance(value["env"], str):
                found.append((here, value["env"]))
                continue
            stack.extend((v, (*here, k)) for k, v in reversed(list(value.items())))
        elif isinstance(value, list):
            stack.extend((v, (*here, i)) for i, v in reversed(list(enumerate(value))))
    return found


def _remember_referenced(data: Any, env: Mapping[str, str]) -> None:
    """Every secret the file refers to is scrubbed from output from the start, used or not."""
    for here, name in _references(data):
        if env.get(name):
            _remember(here, env[name])


def _remember(path: KeyPath, value: str) -> None:
    if tuple(path) in _URL_KEYS:
        remember_url_secrets(value)  # the host and database name stay readable
    else:
        remember_secret(value)


def _unset_references(loaded: LoadedConfig, env: Mapping[str, str], *, skip: KeyPath | None) -> list[str]:
    data = loaded.settings.model_dump(mode="python", exclude_none=True)
    return [
        _unset_message(loaded.path, loaded.locator, here, name)
        for here, name in _references(data)
        if not env.get(name) and here != skip
    ]


def _unset_message(path: Path, locator: LineLocator, key: Sequence[str | int], name: str) -> str:
    return (
        _where(path, locator.line_of(key), key)
        + f"environment variable {name} is not set; export {name}=... before running "
        "cxpulse, or change the reference"
    )


def _database_url(loaded: LoadedConfig, env: Mapping[str, str], override: str | None) -> str:
    if override:
        url = override
        remember_url_secrets(url)
    elif env.get(DATABASE_URL_ENV):
        url = env[DATABASE_URL_ENV]
        remember_url_secrets(url)
    else:
        configured = loaded.settings.database.url
        if configured is None:
            url = "sqlite:///cxpulse.db"
        else:
            url = str(loaded.resolve_secret(configured, ("database", "url"), env))
    return _anchor_sqlite(url, loaded.directory)


def _anchor_sqlite(url: str, directory: Path) -> str:
    """A relative SQLite path is relative to the config file's folder, not the shell's."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith("sqlite:////"):
        relative = url[len(prefix) :]
        if relative and relative != ":memory:" and not relative.startswith("file:"):
            return prefix + str((directory / relative).resolve())
    return url


def _where(path: Path, line: int | None, key: Sequence[str | int]) -> str:
    location = f"{path} line {line}" if line else str(path)
    return f"{location}, key '{format_path(key)}': " if key else f"{location}: "
