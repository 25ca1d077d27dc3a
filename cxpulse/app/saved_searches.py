"""Saved searches of the inbox: each user's own, and shared ones that admins publish."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, urlencode

from cxpulse.app.users import User, require_role
from foundation.errors import InputError, NotFound, PermissionDenied
from storage import Store
from storage import saved_searches as stored
from storage.saved_searches import SavedSearch

__all__ = ["SavedSearch", "delete_search", "list_searches", "save_search"]

log = logging.getLogger(__name__)
MAX_QUERY_CHARS = 4000


def save_search(store: Store, user: User, name: str, query: str, *, shared: bool = False) -> SavedSearch:
    """Save the inbox search ``query`` (its URL query string) as ``name``; only admins share."""
    name = " ".join(name.split())
    if not name or len(name) > 100 or "\x00" in name:
        raise InputError("give the search a name of 1 to 100 characters")
    if shared:
        require_role(user, "admin", "share searches with everyone")
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k not in ("offset", "csrf_token")]
    clean = urlencode(pairs)
    if len(clean) > MAX_QUERY_CHARS or "\x00" in clean:
        raise InputError(f"the search is too long to save (at most {MAX_QUERY_CHARS} characters)")
    saved = stored.save_search(store, user.id, name=name, query=clean, shared=shared)
    log.info("%s saved the search %r%s", user.username, name, " (shared)" if shared else "")
    return saved


def list_searches(store: Store, user: User) -> list[SavedSearch]:
    return stored.list_searches(store, user.id)


def delete_search(store: Store, user: User, search_id: int) -> None:
    """Delete a saved search: its owner may, and an admin may delete a shared one."""
    found = stored.get_search(store, search_id)
    if found is None:
        raise NotFound(f"no saved search {search_id}")
    if found.owner != user.username and not (found.shared and user.can("admin")):
        raise PermissionDenied(f"{user.username} cannot delete {found.owner}'s search {found.name!r}")
    stored.delete_search(store, search_id)
