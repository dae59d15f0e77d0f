"""Cohort upload in the web app: a file of profiles in, progress, CSV or JSON Lines out."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.browser.support import SAMPLE_PATIENTS, client, text_of, token


@pytest.fixture
def web(sample_db: Path, tmp_path: Path) -> Iterator[Any]:
    with client(sample_db, tmp_path / "patients.db") as test_client:
        yield test_client


def _profiles() -> list[dict[str, Any]]:
    return [yaml.safe_load(p.read_text()) for p in sorted(SAMPLE_PATIENTS.glob("*.yaml"))]


def _jsonl(profiles: list[dict[str, Any]]) -> bytes:
    return "\n".join(json.dumps(p, default=str) for p in profiles).encode()


def _upload(web: Any, name: str, body: bytes, fmt: str = "csv", **extra: str) -> Any:
    return web.post(
        "/cohort",
        data={
            "csrf_token": token(web, "/cohort"),
            "format": fmt,
            "as_of": "2026-11-24",
            "top": "",
            "scope": "open",
            **extra,
        },
        files={"cohort_file": (name, body, "application/octet-stream")},
        follow_redirects=False,
    )


def _finish(web: Any, location: str, timeout: float = 60.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = web.get(f"{location}.json").json()
        if state["state"] in {"done", "failed"}:
            return dict(state)
        time.sleep(0.05)
    raise AssertionError("cohort job did not finish")


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_cohort_upload_progress_and_download(web: Any, sample_trials: Any, fmt: str) -> None:
    from matcher.cohort import COLUMNS

    profiles = _profiles()
    started = _upload(web, "cohort.jsonl", _jsonl(profiles), fmt)
    assert started.status_code == 303
    location = started.headers["location"]
    page = web.get(location)
    assert "<progress" in page.text and f'of <span id="job-total">{len(profiles)}' in page.text
    state = _finish(web, location)
    assert state["state"] == "done", state["message"]
    assert state["done"] == state["total"] == len(profiles)
    download = web.get(f"{location}/download")
    assert download.status_code == 200
    assert "attachment" in download.headers["content-disposition"]
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(download.text)))
        assert tuple(csv.reader(io.StringIO(download.text)).__next__()) == COLUMNS
    else:
        rows = [json.loads(line) for line in download.text.splitlines()]
    assert len(rows) == state["summary"]["rows"]
    assert {r["patient_id"] for r in rows} <= {p["id"] for p in profiles}
    # downloaded once, then gone
    assert web.get(f"{location}/download").status_code == 404


def test_cohort_from_yaml_list_and_csv_name(web: Any) -> None:
    body = yaml.safe_dump(_profiles()[:3]).encode()
    started = _upload(web, "three.yaml", body)
    assert started.status_code == 303
    assert _finish(web, started.headers["location"])["total"] == 3


@pytest.mark.parametrize(
    ("name", "body", "words"),
    [
        ("c.jsonl", b'{"id": "a"}\n{"id": "b", "ecog": 7}\n', "c.jsonl line 2"),
        ("c.jsonl", b'{"id": "a"}\n{"id": "a"}\n', "ids must be unique"),
        ("c.jsonl", b'{"id": "a"}\nnot json\n', "not valid JSON"),
        ("c.txt", b"id: a\n", "accepted types"),
        ("c.json", b"[]", "no profiles found"),
    ],
    ids=["field", "duplicate", "json", "type", "empty"],
)
def test_bad_cohort_files_are_explained(web: Any, name: str, body: bytes, words: str) -> None:
    response = _upload(web, name, body)
    assert response.status_code == 400
    message = text_of(response.text.split('id="cohort-error"')[1].split("</div>")[0])
    assert words in message
    assert "trialmatch-web-" not in message  # the server's temporary file is never named


def test_a_job_is_visible_only_to_its_session(sample_db: Path, tmp_path: Path) -> None:
    with (
        client(sample_db, tmp_path / "p.db") as owner,
        client(sample_db, tmp_path / "p.db") as other,
    ):
        started = _upload(owner, "c.jsonl", _jsonl(_profiles()[:2]))
        location = started.headers["location"]
        _finish(owner, location)
        token(other, "/cohort")
        assert other.get(location).status_code == 404
        assert other.get(f"{location}.json").status_code == 404
        assert other.get(f"{location}/download").status_code == 404
        assert owner.get(f"{location}/download").status_code == 200


def test_unknown_output_format_is_refused(web: Any) -> None:
    response = _upload(web, "c.jsonl", _jsonl(_profiles()[:1]), fmt="xlsx")
    assert response.status_code == 400
    assert "format" in text_of(response.text)
