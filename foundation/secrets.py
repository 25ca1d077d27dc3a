"""Secrets kept out of config files: ``{ env = "NAME" }`` references.

A setting that holds a secret accepts either a plain value or a :class:`SecretRef`;
the config loader resolves references from the environment when they are used, so a
missing variable is reported with the file, line and key that names it.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from foundation.settings import SettingsModel

__all__ = ["SecretRef"]


class SecretRef(SettingsModel):
    """A secret kept out of the file: ``{ env = "NAME" }`` reads environment variable NAME."""

    env: Annotated[
        str,
        Field(
            pattern=r"^[A-Za-z_][A-Za-z0-9_]*$", description="Name of the environment variable that holds the secret."
        ),
    ]
