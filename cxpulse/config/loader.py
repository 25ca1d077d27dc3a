"""Read config.toml once into typed settings, with errors that point at the line.

Precedence, highest first: command-line flag, environment variable, file,
default. Only two settings have environment overrides today:
``CXPULSE_CONFIG`` (which file) and ``CXPULSE_DATABASE_URL`` ([database] url).
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
from foundation.errors import ConfigError, SecretMissing
from foundation.secrets import SecretRef

__all__ = ["DATABASE_URL_ENV", "LoadedConfig", "load_config", "settings_from_data"]

DATABASE_URL_ENV = "CXPULSE_DATABASE_URL"
_SECRET_KEY = re.compile(r"(password|passwd|secret|token|api_?key|credential)s?$", re.IGNORECASE)


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
                raise SecretMissing(
                    _where(self.path, self.locator.line_of(path), path)
                    + f"environment variable {name} is not set; export {name}=... before running "
                    "cxpulse, or change the reference"
                )
            return env[name]
        if isinstance(value, dict):
            return {k: self.resolve_secret(v, (*path, k), env) for k, v in value.items()}
        if isinstance(value, list):
            return [self.resolve_secret(v, (*path, i), env) for i, v in enumerate(value)]
        return value


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
    """
    env = os.environ if env is None else env
    config_path = Path(path or env.get("CXPULSE_CONFIG") or "config.toml").expanduser()
    if not config_path.is_absolute():
        config_path = Path.cwd() / config_path
    if config_path.is_dir():
        raise ConfigError(f"{config_path} is a directory; pass the config file itself with --config")
    if not config_path.exists():
        if require_file:
            raise ConfigError(
                f"{config_path}: config file not found; create it (the repository's config.toml is "
                "a commented example), pass --config PATH, or set CXPULSE_CONFIG"
            )
        loaded = LoadedConfig(Settings(), config_path, exists=False)
    else:
        text = _read_text(config_path)
        data = _parse_toml(config_path, text)
        locator = LineLocator.scan(text)
        settings = settings_from_data(data, config_path, locator)
        _forbid_literal_secrets(data, config_path, locator)
        _forbid_password_in_url(settings, config_path, locator)
        loaded = LoadedConfig(settings, config_path, exists=True, locator=locator)
    url = _database_url(loaded, env, database_url)
    return LoadedConfig(loaded.settings, loaded.path, loaded.exists, loaded.locator, url)


def settings_from_data(data: Mapping[str, Any], path: Path, locator: LineLocator | None = None) -> Settings:
    """Validate parsed TOML data into Settings; errors name file, line and key."""
    locator = locator or LineLocator()
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise _config_error(exc, data, path, locator) from None


def _read_text(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(f"{path} line {line}: not valid UTF-8; save the file as UTF-8") from None


def _parse_toml(path: Path, text: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\(at line (\d+), column (\d+)\)", message)
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", message)
        where = f"{path} line {match.group(1)}, column {match.group(2)}" if match else str(path)
        raise ConfigError(
            f"{where}: invalid TOML: {reason}; fix the syntax (strings need quotes, "
            'tables look like [database], lists like ["a", "b"])'
        ) from None


def _config_error(exc: ValidationError, data: Mapping[str, Any], path: Path, locator: LineLocator) -> ConfigError:
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
    first = lines[0]
    more = f" (and {len(lines) - 1} more problem(s): run `cxpulse config check`)" if len(lines) > 1 else ""
    return ConfigError(first + more if len(lines) > 1 else first)


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


def _forbid_literal_secrets(data: Any, path: Path, locator: LineLocator, at: KeyPath = ()) -> None:
    if isinstance(data, dict):
        for key, value in data.items():
            here = (*at, key)
            if isinstance(value, str) and _SECRET_KEY.search(key) and value:
                raise ConfigError(
                    _where(path, locator.line_of(here), here)
                    + "secrets must not be written in the config file; put the value in an "
                    f'environment variable and write {key} = {{ env = "NAME" }}'
                )
            _forbid_literal_secrets(value, path, locator, here)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            _forbid_literal_secrets(value, path, locator, (*at, i))


def _forbid_password_in_url(settings: Settings, path: Path, locator: LineLocator) -> None:
    url = settings.database.url
    if isinstance(url, str) and re.search(r"://[^/@:]+:[^/@]+@", url):
        here = ("database", "url")
        raise ConfigError(
            _where(path, locator.line_of(here), here)
            + "this URL contains a password; move it to an environment variable: "
            f'url = {{ env = "{DATABASE_URL_ENV}" }}'
        )


def _database_url(loaded: LoadedConfig, env: Mapping[str, str], override: str | None) -> str:
    if override:
        url = override
    elif env.get(DATABASE_URL_ENV):
        url = env[DATABASE_URL_ENV]
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
