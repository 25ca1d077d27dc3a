"""Settings of the results store: ``[database]``, declared once with their defaults and help."""

from __future__ import annotations

from pydantic import Field

from foundation.secrets import SecretRef
from foundation.settings import SettingsModel

__all__ = ["DatabaseConfig"]


class DatabaseConfig(SettingsModel):
    """``[database]``: where results are stored."""

    url: str | SecretRef | None = Field(
        default=None,
        description=(
            "SQLAlchemy URL of the results store. Default: sqlite:///cxpulse.db next to the config "
            "file. PostgreSQL: postgresql+psycopg://user@host/db; put a URL with a password in the "
            'environment: url = { env = "CXPULSE_DATABASE_URL" }.'
        ),
    )
