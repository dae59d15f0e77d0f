"""What every subcommand shares: the `--db` option, console output and progress reporting."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_DB = "trialmatch.db"

log = logging.getLogger("trialmatch")


def db_option(command: F) -> F:
    """`--db PATH`: the trial database (default: $TRIALMATCH_DB, else trialmatch.db here)."""
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="TRIALMATCH_DB",
        default=DEFAULT_DB,
        show_default=True,
        show_envvar=True,
        help="Trial database file.",
    )(command)


#: `--patients-db PATH`: saved patients, in a file of their own.
patients_db_option = click.option(
    "--patients-db",
    "patients_db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="TRIALMATCH_PATIENTS_DB",
    default=None,
    show_envvar=True,
    help="Saved patients' database, kept apart from the trial database (mode 0600). "
    "Default: trialmatch-patients.db beside --db.",
)


def patients_path(patients_db: Path | None, db_path: Path) -> Path:
    """The saved-patients file: as given, else trialmatch-patients.db beside the trial database."""
    return patients_db if patients_db is not None else db_path.parent / "trialmatch-patients.db"


def console() -> Console:
    """Standard output as a rich console; when it is not a terminal, plain text 120 wide."""
    if sys.stdout.isatty():
        return Console(highlight=False, soft_wrap=False)
    return Console(highlight=False, soft_wrap=False, width=int(os.environ.get("COLUMNS", 120)))


def err_console() -> Console:
    return Console(stderr=True, highlight=False)


def interactive() -> bool:
    """True when progress bars make sense: standard error is a terminal."""
    return sys.stderr.isatty() and os.environ.get("TERM") != "dumb"


class Progress:
    """A progress bar on a terminal; a log line every `every` steps otherwise.

    Usage: `with progress("importing", total=n) as advance: ... advance(k)`.
    """

    def __init__(self, label: str, total: int | None, every: int = 1000) -> None:
        self.label = label
        self.total = total
        self.every = every
        self.done = 0
        self._next_log = every
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Callable[[int], None]:
        if interactive():
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err_console(),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total)
        return self.advance

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            if self.total is None and self._bar.tasks[0].total is None:
                pass
            self._bar.update(self._task, completed=self.done)
        elif self.done >= self._next_log:
            of = f" of {self.total}" if self.total else ""
            log.info("%s: %d%s", self.label, self.done, of)
            self._next_log = self.done + self.every

    def set_total(self, total: int) -> None:
        self.total = total
        if self._bar is not None:
            self._bar.update(self._task, total=total)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


@contextmanager
def progress(label: str, total: int | None = None, every: int = 1000) -> Iterator[Progress]:
    bar = Progress(label, total, every)
    bar.__enter__()
    try:
        yield bar
    finally:
        bar.__exit__()
