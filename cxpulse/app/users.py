"""Users of the workspace: adding, listing, disabling, roles, and checking passwords.

Passwords are hashed with argon2id (argon2-cffi's defaults, RFC 9106's second
recommended profile); the store never sees a password. Roles, weakest first:

* ``viewer``: reads the inbox, mentions and the API;
* ``agent``: also triages (status, assignee, priority, tags, notes) and corrects labels;
* ``admin``: also manages users.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from foundation.errors import AccessError, InputError, NotFound, PermissionDenied
from storage import ROLES, Store
from storage import users as stored

__all__ = [
    "MIN_PASSWORD_CHARS",
    "PASSWORD_HASHER",
    "ROLES",
    "User",
    "add_user",
    "authenticate",
    "disable_user",
    "find_user",
    "hash_password",
    "list_users",
    "require_role",
    "set_password",
    "set_role",
]

log = logging.getLogger(__name__)

MIN_PASSWORD_CHARS = 10
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,99}$")

PASSWORD_HASHER = PasswordHasher()
"""The argon2id parameters of new hashes (tests swap in cheaper ones; a login rehashes a
password whose hash used other parameters)."""
_DUMMY_PASSWORD = "not a password of anyone"  # noqa: S105 (checked when the username is unknown)


@dataclass(frozen=True, slots=True)
class User:
    """Who is acting: what entry points pass around (no password hash)."""

    id: int
    username: str
    display_name: str | None
    role: str
    disabled: bool = False

    @property
    def label(self) -> str:
        return self.display_name or self.username

    def can(self, role: str) -> bool:
        """True when this user's role is ``role`` or stronger."""
        return ROLES.index(self.role) >= ROLES.index(role)


def _user(record: stored.UserRecord) -> User:
    return User(record.id, record.username, record.display_name, record.role, record.disabled)


def require_role(user: User, role: str, action: str) -> None:
    """Raise :class:`PermissionDenied` unless ``user`` may ``action`` (needs ``role``)."""
    if not user.can(role):
        raise PermissionDenied(f"{user.username} is a {user.role} and cannot {action}: that needs the {role} role")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` (refused when shorter than :data:`MIN_PASSWORD_CHARS`)."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise InputError(f"the password is too short: use at least {MIN_PASSWORD_CHARS} characters")
    return PASSWORD_HASHER.hash(password)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")


def add_user(store: Store, username: str, password: str, *, role: str, display_name: str | None = None) -> User:
    """Create a user; raises InputError for a taken or malformed username, an unknown role
    or a short password."""
    if not USERNAME.fullmatch(username):
        raise InputError(
            f"{username!r} is not a valid username: use lowercase letters, digits and . _ @ - (at most 100)"
        )
    _check_role(role)
    record = stored.add_user(
        store, username, password_hash=hash_password(password), role=role, display_name=display_name or None
    )
    if record is None:
        raise InputError(f"the username {username!r} is taken; pick another or `cxpulse users set-role` it")
    log.info("user %s added with role %s", username, role)
    return _user(record)


def find_user(store: Store, username: str) -> User:
    """The user called ``username``; raises NotFound."""
    record = stored.get_user(store, username) if USERNAME.fullmatch(username) else None
    if record is None:
        raise NotFound(f"no user {username!r}; `cxpulse users list` shows who there is")
    return _user(record)


def list_users(store: Store) -> list[User]:
    return [_user(record) for record in stored.list_users(store)]


def _update(store: Store, username: str, **changes: object) -> User:
    record = stored.update_user(store, username, **changes)  # type: ignore[arg-type]
    if record is None:
        raise NotFound(f"no user {username!r}; `cxpulse users list` shows who there is")
    return _user(record)


def set_role(store: Store, username: str, role: str) -> User:
    """Give ``username`` another role."""
    _check_role(role)
    user = _update(store, username, role=role)
    log.info("user %s now has role %s", username, role)
    return user


def disable_user(store: Store, username: str, *, disabled: bool = True) -> User:
    """Disable (or re-enable) ``username``; a disabled user's sessions end at once."""
    user = _update(store, username, disabled=disabled)
    log.info("user %s %s", username, "disabled" if disabled else "enabled")
    return user


def set_password(store: Store, username: str, password: str) -> User:
    """Give ``username`` a new password; their sessions end."""
    return _update(store, username, password_hash=hash_password(password))


def authenticate(store: Store, username: str, password: str) -> User:
    """The enabled user with this username and password; raises AccessError otherwise
    (one message for every reason, so a caller learns nothing about which)."""
    record = stored.get_user(store, username) if USERNAME.fullmatch(username) else None
    try:
        # an unknown name costs a hash too, so timing does not tell which names exist
        PASSWORD_HASHER.verify(record.password_hash if record else PASSWORD_HASHER.hash(_DUMMY_PASSWORD), password)
        ok = record is not None and not record.disabled
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok or record is None:
        raise AccessError("wrong username or password, or the account is disabled")
    if PASSWORD_HASHER.check_needs_rehash(record.password_hash):
        stored.update_user(store, username, password_hash=PASSWORD_HASHER.hash(password))
    return _user(record)
