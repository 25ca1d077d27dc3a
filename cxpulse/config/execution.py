"""``[execution]``: where the jobs of ``cxpulse run`` execute.

``backend = "local"`` (the default) runs them inside ``cxpulse run``;
``backend = "celery"`` has ``cxpulse run`` keep the schedule and put each job on
a Celery broker, for ``cxpulse worker`` processes on any number of machines to
execute against one shared PostgreSQL store. Plain data: nothing here connects
to the broker. The broker URL may carry a password, so it may be an
``{ env = "NAME" }`` reference; it is resolved only by the commands that talk
to the broker, and scrubbed from every log line.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from pydantic import Field, field_validator

from foundation.secrets import SecretRef
from foundation.settings import SettingsModel

__all__ = ["QUEUES", "ExecutionConfig"]

QUEUES = ("collect", "classify", "digest", "alerts")
"""One queue per kind of work, so classification (CPU-bound) never starves collection (I/O-bound)."""


class ExecutionConfig(SettingsModel):
    """``[execution]``: run jobs inside `cxpulse run` (local) or on Celery workers (celery)."""

    backend: Literal["local", "celery"] = Field(
        default="local",
        description='"local": jobs run inside `cxpulse run`; "celery": `cxpulse run` enqueues them on the broker '
        "and `cxpulse worker` processes execute them (needs a PostgreSQL store).",
    )
    broker_url: str | SecretRef = Field(
        default="redis://127.0.0.1:6379/0",
        description="Celery broker: redis://host:6379/0 or amqp://user@host:5672//; with a password, write "
        'broker_url = { env = "CXPULSE_BROKER_URL" }.',
    )
    queues: list[str] = Field(
        default_factory=lambda: list(QUEUES),
        description="Queues a `cxpulse worker` consumes when --queues is not given (collect, classify, digest, "
        "alerts).",
    )
    lease_seconds: int = Field(
        default=600,
        ge=5,
        le=86_400,
        description="How long a claimed classification batch or a collecting cursor stays with one worker; a "
        "worker killed mid-batch frees its claim after this (at once when on the same machine).",
    )
    batch_size: int = Field(
        default=256, ge=1, le=100_000, description="Mentions one worker claims, classifies and commits together."
    )
    prefetch: int = Field(
        default=1,
        ge=1,
        le=100,
        description="Tasks each worker process reserves ahead (Celery worker_prefetch_multiplier); 1 shares "
        "long classification tasks most evenly.",
    )
    visibility_timeout: int = Field(
        default=3600,
        ge=60,
        description="Redis broker: seconds before a task taken by a worker that vanished is delivered again; "
        "longer than the longest task.",
    )
    heartbeat_seconds: int = Field(
        default=10, ge=1, le=3600, description="How often a worker records that it is alive (`cxpulse workers status`)."
    )

    @field_validator("queues")
    @classmethod
    def _known_queues(cls, value: list[str]) -> list[str]:
        return check_queues(value)

    @property
    def lease_length(self) -> timedelta:
        return timedelta(seconds=self.lease_seconds)


def check_queues(names: list[str]) -> list[str]:
    """``names`` when each is a known queue; ValueError naming the valid ones otherwise."""
    if not names:
        raise ValueError(f"name at least one queue of {', '.join(QUEUES)}")
    for name in names:
        if name not in QUEUES:
            raise ValueError(f"unknown queue {name!r}; the queues are {', '.join(QUEUES)}")
    return list(dict.fromkeys(names))
