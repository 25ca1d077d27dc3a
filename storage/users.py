"""Users, login sessions and API tokens of the workspace.

The store keeps what it is given: the application layer (:mod:`cxpulse.app.users`)
makes the argon2 password hashes and the SHA-256 hashes of session and API
tokens; no password or token ever reaches this module in the clear.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from storage.connections import reading, writing
from storage.models import ApiTokenModel, UserModel, WebSessionModel
from storage.store import Store

__all__ = [
    "SessionRecord",
    "TokenRecord",
    "UserRecord",
    "add_user",
    "count_users",
    "create_session",
    "create_token",
    "delete_session",
    "get_user",
    "list_tokens",
    "list_users",
    "revoke_token",
    "session_user",
    "token_user",
    "update_user",
]

TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
"""``api_tokens.last_used_at`` is written at most this often per token (no write per request)."""

u, ws, tk = UserModel, WebSessionModel, ApiTokenModel


@dataclass(frozen=True, slots=True)
class UserRecord:
    """One user as stored (``password_hash`` is the argon2 hash)."""

    id: int
    username: str
    display_name: str | None
    role: str
    disabled: bool
    password_hash: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """A live session and its user."""

    user: UserRecord
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """An API token's metadata (never the token)."""

    id: int
    username: str
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _user(row: object) -> UserRecord:
    return UserRecord(
        id=row.id,  # type: ignore[attr-defined]
        username=row.username,  # type: ignore[attr-defined]
        display_name=row.display_name,  # type: ignore[attr-defined]
        role=row.role,  # type: ignore[attr-defined]
        disabled=bool(row.disabled),  # type: ignore[attr-defined]
        password_hash=row.password_hash,  # type: ignore[attr-defined]
        created_at=row.created_at,  # type: ignore[attr-defined]
    )


_USER_COLUMNS = (u.id, u.username, u.display_name, u.role, u.disabled, u.password_hash, u.created_at)


def _find(connection: Connection, username: str) -> UserRecord | None:
    row = connection.execute(select(*_USER_COLUMNS).where(u.username == username)).one_or_none()
    return None if row is None else _user(row)


def add_user(
    store: Store, username: str, *, password_hash: str, role: str, display_name: str | None = None
) -> UserRecord | None:
    """Store a new user; None when ``username`` is taken."""
    now = store.now()
    with writing(store.engine, "add a user") as connection:
        if _find(connection, username) is not None:
            return None
        connection.execute(
            insert(u).values(
                username=username,
                display_name=display_name,
                password_hash=password_hash,
                role=role,
                disabled=False,
                created_at=now,
                updated_at=now,
            )
        )
        return _find(connection, username)


def get_user(store: Store, username: str) -> UserRecord | None:
    """The user called ``username``, or None."""
    with reading(store.engine, "read a user") as connection:
        return _find(connection, username)


def count_users(store: Store) -> int:
    """How many users there are (disabled ones included)."""
    with reading(store.engine, "count users") as connection:
        return int(connection.execute(select(func.count()).select_from(u)).scalar_one())


def list_users(store: Store) -> list[UserRecord]:
    """Every user, by username."""
    with reading(store.engine, "list users") as connection:
        return [_user(row) for row in connection.execute(select(*_USER_COLUMNS).order_by(u.username))]


def update_user(
    store: Store,
    username: str,
    *,
    role: str | None = None,
    disabled: bool | None = None,
    password_hash: str | None = None,
) -> UserRecord | None:
    """Change a user's role, disabled state or password hash; None when there is no such user.

    Disabling a user or changing the password ends the user's sessions.
    """
    values: dict[str, object] = {"updated_at": store.now()}
    if role is not None:
        values["role"] = role
    if disabled is not None:
        values["disabled"] = disabled
    if password_hash is not None:
        values["password_hash"] = password_hash
    with writing(store.engine, "update a user") as connection:
        found = _find(connection, username)
        if found is None:
            return None
        connection.execute(update(u).where(u.id == found.id).values(**values))
        if disabled or password_hash is not None:
            connection.execute(delete(ws).where(ws.user_id == found.id))
        return _find(connection, username)


def create_session(store: Store, user_id: int, *, token_hash: str, csrf_token: str, expires_at: datetime) -> None:
    """Store a new session (and drop this user's expired ones)."""
    now = store.now()
    with writing(store.engine, "create a session") as connection:
        connection.execute(delete(ws).where(ws.user_id == user_id, ws.expires_at <= now))
        connection.execute(
            insert(ws).values(
                token_hash=token_hash, user_id=user_id, csrf_token=csrf_token, created_at=now, expires_at=expires_at
            )
        )


def session_user(store: Store, token_hash: str) -> SessionRecord | None:
    """The live session with this token hash and its enabled user, or None."""
    stmt = (
        select(*_USER_COLUMNS, ws.csrf_token, ws.expires_at)
        .join(ws, ws.user_id == u.id)
        .where(ws.token_hash == token_hash, ws.expires_at > store.now(), u.disabled.is_(False))
    )
    with reading(store.engine, "read a session") as connection:
        row = connection.execute(stmt).one_or_none()
    if row is None:
        return None
    return SessionRecord(user=_user(row), csrf_token=row.csrf_token, expires_at=row.expires_at)


def delete_session(store: Store, token_hash: str) -> None:
    """End the session with this token hash (nothing when there is none)."""
    with writing(store.engine, "end a session") as connection:
        connection.execute(delete(ws).where(ws.token_hash == token_hash))


def _token(row: object) -> TokenRecord:
    return TokenRecord(
        id=row.id,  # type: ignore[attr-defined]
        username=row.username,  # type: ignore[attr-defined]
        name=row.name,  # type: ignore[attr-defined]
        prefix=row.prefix,  # type: ignore[attr-defined]
        created_at=row.created_at,  # type: ignore[attr-defined]
        last_used_at=row.last_used_at,  # type: ignore[attr-defined]
        revoked_at=row.revoked_at,  # type: ignore[attr-defined]
    )


_TOKEN_COLUMNS = (tk.id, u.username, tk.name, tk.prefix, tk.created_at, tk.last_used_at, tk.revoked_at)


def create_token(store: Store, user_id: int, *, name: str, prefix: str, token_hash: str) -> TokenRecord:
    """Store a new API token for ``user_id``."""
    with writing(store.engine, "create an API token") as connection:
        token_id = connection.execute(
            insert(tk)
            .values(user_id=user_id, name=name, prefix=prefix, token_hash=token_hash, created_at=store.now())
            .returning(tk.id)
        ).scalar_one()
        row = connection.execute(select(*_TOKEN_COLUMNS).join(u, u.id == tk.user_id).where(tk.id == token_id)).one()
        return _token(row)


def token_user(store: Store, token_hash: str) -> UserRecord | None:
    """The enabled user of the unrevoked token with this hash, or None; notes the token's use."""
    now = store.now()
    stmt = (
        select(*_USER_COLUMNS, tk.id.label("token_id"), tk.last_used_at)
        .join(tk, tk.user_id == u.id)
        .where(tk.token_hash == token_hash, tk.revoked_at.is_(None), u.disabled.is_(False))
    )
    with reading(store.engine, "check an API token") as connection:
        row = connection.execute(stmt).one_or_none()
    if row is None:
        return None
    if row.last_used_at is None or now - row.last_used_at >= TOKEN_TOUCH_INTERVAL:
        with writing(store.engine, "note an API token's use") as connection:
            connection.execute(update(tk).where(tk.id == row.token_id).values(last_used_at=now))
    return _user(row)


def list_tokens(store: Store, username: str | None = None) -> list[TokenRecord]:
    """API tokens (revoked ones too), newest first; only ``username``'s when given."""
    stmt = select(*_TOKEN_COLUMNS).join(u, u.id == tk.user_id).order_by(tk.created_at.desc(), tk.id.desc())
    if username is not None:
        stmt = stmt.where(u.username == username)
    with reading(store.engine, "list API tokens") as connection:
        return [_token(row) for row in connection.execute(stmt)]


def revoke_token(store: Store, key: str) -> TokenRecord | None:
    """Revoke the token whose id or prefix is ``key``; None when no unrevoked token matches."""
    condition = tk.prefix == key
    if key.isdigit():
        condition = or_(condition, tk.id == int(key))
    with writing(store.engine, "revoke an API token") as connection:
        ids = connection.execute(select(tk.id).where(condition, tk.revoked_at.is_(None))).scalars().all()
        if len(ids) != 1:
            return None
        connection.execute(update(tk).where(tk.id == ids[0]).values(revoked_at=store.now()))
        row = connection.execute(select(*_TOKEN_COLUMNS).join(u, u.id == tk.user_id).where(tk.id == ids[0])).one()
        return _token(row)
