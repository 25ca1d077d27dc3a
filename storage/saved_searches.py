"""Saved inbox searches: a name and the inbox's query string, per user, private or shared."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, or_, select

from storage.connections import reading, writing
from storage.models import SavedSearchModel, UserModel
from storage.store import Store

__all__ = ["SavedSearch", "delete_search", "get_search", "list_searches", "save_search"]

s, u = SavedSearchModel, UserModel


@dataclass(frozen=True, slots=True)
class SavedSearch:
    id: int
    owner: str
    name: str
    query: str
    shared: bool
    created_at: datetime


_COLUMNS = (s.id, u.username, s.name, s.query, s.shared, s.created_at)


def save_search(store: Store, owner_id: int, *, name: str, query: str, shared: bool) -> SavedSearch:
    """Store a search (replacing the owner's search of the same name)."""
    with writing(store.engine, "save a search") as connection:
        connection.execute(delete(s).where(s.owner_id == owner_id, s.name == name))
        new_id = connection.execute(
            insert(s)
            .values(owner_id=owner_id, name=name, query=query, shared=shared, created_at=store.now())
            .returning(s.id)
        ).scalar_one()
        row = connection.execute(select(*_COLUMNS).join(u, u.id == s.owner_id).where(s.id == new_id)).one()
    return SavedSearch(*row)


def list_searches(store: Store, user_id: int) -> list[SavedSearch]:
    """The user's own searches and everyone's shared ones, by name."""
    stmt = (
        select(*_COLUMNS)
        .join(u, u.id == s.owner_id)
        .where(or_(s.owner_id == user_id, s.shared.is_(True)))
        .order_by(s.name, s.id)
    )
    with reading(store.engine, "list saved searches") as connection:
        return [SavedSearch(*row) for row in connection.execute(stmt)]


def get_search(store: Store, search_id: int) -> SavedSearch | None:
    with reading(store.engine, "read a saved search") as connection:
        row = connection.execute(select(*_COLUMNS).join(u, u.id == s.owner_id).where(s.id == search_id)).one_or_none()
    return None if row is None else SavedSearch(*row)


def delete_search(store: Store, search_id: int) -> None:
    with writing(store.engine, "delete a saved search") as connection:
        connection.execute(delete(s).where(s.id == search_id))
