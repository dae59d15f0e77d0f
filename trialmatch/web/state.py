"""What the app keeps between requests: the trial set in memory, reloaded when the database file
changes, and short-lived read-only connections to the trial database.

The trial database is only ever opened read-only here; the saved-patients file (a separate
database) is the one thing the app writes.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlite_utils

from trialmatch.errors import DatabaseMissing, TrialmatchError

log = logging.getLogger("trialmatch.web")


def file_signature(path: Path) -> tuple[int, int, int, int] | None:
    """(mtime, size) of the database and of its write-ahead log: changes whenever a sync writes."""
    try:
        main = path.stat()
    except FileNotFoundError:
        return None
    try:
        wal = Path(f"{path}-wal").stat()
        wal_sig = (wal.st_mtime_ns, wal.st_size)
    except FileNotFoundError:
        wal_sig = (0, 0)
    return (main.st_mtime_ns, main.st_size, *wal_sig)


@contextmanager
def trial_db(path: Path) -> Iterator[sqlite_utils.Database]:
    """A read-only connection to the trial database for one request."""
    from sync.store import open_database

    db = open_database(path, readonly=True)
    try:
        yield db
    finally:
        db.close()


@dataclass
class Loaded:
    """One load of the trial set, with when it was made and from which file state."""

    trials: Any  # matcher.TrialSet
    signature: tuple[int, int, int, int] | None
    loaded_at: float
    seconds: float


class TrialCache:
    """The matcher's `TrialSet`, loaded once and reloaded in the background when the database
    file changes; requests keep using the previous set until the new one is ready."""

    def __init__(self, db_path: Path, check_every: float = 2.0) -> None:
        self.db_path = db_path
        self.check_every = check_every
        self._loaded: Loaded | None = None
        self._error: TrialmatchError | None = None
        self._lock = threading.Lock()
        self._reloading = False
        self._checked_at = 0.0

    def load(self) -> Loaded:
        """Load now, in this thread (used at start-up and when nothing is loaded yet)."""
        from matcher import load_trials

        signature = file_signature(self.db_path)
        if signature is None:
            raise DatabaseMissing(str(self.db_path))
        started = time.perf_counter()
        trials = load_trials(self.db_path)
        # The trial set is millions of long-lived objects: move them out of the collector's
        # generations, or every full collection walks them all (a pause of several hundred ms
        # in the middle of a request on 20,000 trials).
        gc.collect()
        gc.freeze()
        loaded = Loaded(trials, signature, time.time(), time.perf_counter() - started)
        with self._lock:
            self._loaded, self._error = loaded, None
        log.info("trial set loaded: %d trials in %.2f s", len(trials), loaded.seconds)
        return loaded

    def try_load(self) -> None:
        """Load at start-up; a missing or unusable database is remembered and shown on pages."""
        try:
            self.load()
        except TrialmatchError as error:
            self._error = error
            log.warning("trial set not loaded: %s", error)

    def get(self) -> Any:
        """The current trial set; raises the project error that stopped it from loading."""
        loaded = self._loaded
        if loaded is None:
            with self._lock:
                loaded = self._loaded
            if loaded is None:
                try:
                    loaded = self.load()
                except TrialmatchError as error:
                    self._error = error
                    raise
        self._maybe_reload(loaded)
        return loaded.trials

    @property
    def current(self) -> Loaded | None:
        return self._loaded

    def _maybe_reload(self, loaded: Loaded) -> None:
        now = time.monotonic()
        if now - self._checked_at < self.check_every:
            return
        self._checked_at = now
        if file_signature(self.db_path) == loaded.signature:
            return
        with self._lock:
            if self._reloading:
                return
            self._reloading = True
        threading.Thread(target=self._reload, name="trialmatch-reload", daemon=True).start()

    def _reload(self) -> None:
        try:
            self.load()
        except TrialmatchError as error:
            log.warning("trial set reload failed, keeping the previous one: %s", error)
        finally:
            with self._lock:
                self._reloading = False

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Block until no reload is running (for tests)."""
        deadline = time.monotonic() + timeout
        while self._reloading and time.monotonic() < deadline:
            time.sleep(0.01)


class FacetCache:
    """Facet counts per search (the slowest part of a search page on a large database), kept
    until the database file changes; the least recently used are dropped past `size`."""

    def __init__(self, db_path: Path, size: int = 256) -> None:
        self.db_path = db_path
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._signature: tuple[int, int, int, int] | None = None
        self._lock = threading.Lock()

    def peek(self, key: Hashable) -> Any:
        """The cached value, or None (nothing is computed)."""
        signature = file_signature(self.db_path)
        with self._lock:
            if signature != self._signature:
                return None
            return self._items.get(key)

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        signature = file_signature(self.db_path)
        with self._lock:
            if signature != self._signature:
                self._items.clear()
                self._signature = signature
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        with self._lock:
            if signature == self._signature:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return value
