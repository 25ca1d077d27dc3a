"""Progress on stderr while collecting: one live line per source and brand."""

from __future__ import annotations

from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from cxpulse.cli.context import AppContext
from listener.pipeline import BatchProgress

__all__ = ["CollectProgress"]


class CollectProgress:
    """A live line per source and brand on stderr: mentions fetched and stored."""

    def __init__(self, app: AppContext) -> None:
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=app.err,
            transient=False,
            disable=not app.err.is_terminal,
        )
        self.tasks: dict[tuple[str, str], TaskID] = {}

    def __enter__(self) -> CollectProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def __call__(self, update: BatchProgress) -> None:
        key = (update.source, update.brand)
        counts = f"{update.fetched:,} fetched, {update.stored:,} new"
        if key not in self.tasks:
            self.tasks[key] = self.progress.add_task(f"{update.source} · {update.brand}", total=None, counts=counts)
        self.progress.update(self.tasks[key], counts=counts)
