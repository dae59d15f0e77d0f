"""Helpers shared by the web app's route tests (tests/test_web_*.py) and browser tests."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any

from trialmatch.web import WebConfig, create_app

SAMPLE_PATIENTS = Path(__file__).resolve().parents[2] / "trialmatch" / "sample" / "patients"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def config(db: Path, patients: Path, **changes: Any) -> WebConfig:
    return WebConfig(db_path=db, patients_db=patients, reload_check_seconds=0.0, **changes)


@contextmanager
def client(db: Path, patients: Path, **changes: Any) -> Iterator[Any]:
    """A test client (the app's lifespan runs: the trial set is loaded)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*httpx.*")
        from starlette.testclient import TestClient

    app = create_app(config(db, patients, **changes))
    with TestClient(app, base_url="http://127.0.0.1") as test_client:
        yield test_client


def token(test_client: Any, page: str = "/patient") -> str:
    """The session's CSRF token, read from a page's form the way a browser would."""
    response = test_client.get(page)
    found = TOKEN.search(response.text)
    assert found, f"no CSRF token on {page}"
    return found.group(1)


def text_of(html: str) -> str:
    """Visible text of a page, whitespace collapsed (for asserting what a user reads)."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))).strip()


def sample_patient_file(name: str) -> Path:
    return SAMPLE_PATIENTS / f"{name}.yaml"
