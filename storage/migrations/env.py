"""Alembic environment of the results store.

Configured programmatically by :mod:`storage.migrate` (no ``alembic.ini``):
the caller passes an open SQLAlchemy connection in
``config.attributes["connection"]``, and the migrations run in its transaction.
"""

from __future__ import annotations

from alembic import context

from storage.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("storage migrations need a connection: run them through storage.Store.upgrade()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
