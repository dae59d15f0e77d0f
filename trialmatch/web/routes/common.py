"""What every page handler shares: the configuration, the trial set and database, and errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlite_utils
from starlette.requests import Request

from trialmatch.web.config import WebConfig
from trialmatch.web.state import TrialCache, trial_db


def config(request: Request) -> WebConfig:
    value: WebConfig = request.app.state.config
    return value


def trial_cache(request: Request) -> TrialCache:
    value: TrialCache = request.app.state.trials
    return value


def trial_set(request: Request) -> Any:
    """The matcher's TrialSet (raises DatabaseMissing / DatabaseError when it cannot load)."""
    return trial_cache(request).get()


@contextmanager
def database(request: Request) -> Iterator[sqlite_utils.Database]:
    """A read-only connection to the trial database for this request."""
    with trial_db(config(request).db_path) as db:
        yield db


def query_list(request: Request, name: str) -> list[str]:
    """Every non-blank value of a repeated query parameter."""
    return [v.strip() for v in request.query_params.getlist(name) if v.strip()]


def query_text(request: Request, name: str) -> str:
    return (request.query_params.get(name) or "").strip()
