"""Progress on stderr: one live line per source and brand while collecting, a bar while classifying."""

from __future__ import annotations

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from cxpulse.app.collect import BatchProgress
from cxpulse.cli.context import AppContext

__all__ = ["CollectProgress", "CountProgress"]


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


class CountProgress:
    """A progress bar on stderr for ``total`` items (mentions, lines): done, rate, time left.

    Call it with the running count of items done. Hidden when stderr is not a terminal.
    """

    def __init__(self, app: AppContext, description: str, total: int | None) -> None:
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=app.err,
            transient=False,
            disable=not app.err.is_terminal,
        )
        self.task = self.progress.add_task(description, total=total)

    def __enter__(self) -> CountProgress:
        self.progress.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(None, None, None)

    def __call__(self, done: int) -> None:
        self.progress.update(self.task, completed=done)
