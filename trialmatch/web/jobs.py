"""Cohort jobs: an uploaded file matched in the background, with progress, then downloaded once.

`matcher.cohort.run_cohort` keeps its trial set in module state while it runs, so jobs run one at
a time, in order, on one worker thread. Inputs and outputs live in a private temporary folder
(mode 0700) and are deleted when downloaded, when an hour old, and when the server stops. A job
belongs to the session that started it; other sessions cannot see or fetch it.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trialmatch.errors import TrialmatchError
from trialmatch.web.config import WebConfig

KEEP_SECONDS = 3600
OUTPUT_TYPES = {"csv": "text/csv", "jsonl": "application/x-ndjson"}


@dataclass
class Job:
    id: str
    owner: str
    output: Path
    format: str
    state: str = "waiting"  # waiting | running | done | failed
    total: int = 0
    done: int = 0
    message: str = ""
    summary: dict[str, Any] = field(default_factory=dict)
    created: float = field(default_factory=time.monotonic)

    def public(self) -> dict[str, Any]:
        """What the progress poll returns: counts and state, nothing about the patients."""
        return {
            "id": self.id,
            "state": self.state,
            "total": self.total,
            "done": self.done,
            "message": self.message,
            "summary": self.summary,
            "format": self.format,
        }


class JobStore:
    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trialmatch-cohort")
        self._dir: Path | None = None

    @property
    def folder(self) -> Path:
        if self._dir is None:
            self._dir = Path(tempfile.mkdtemp(prefix="trialmatch-web-"))  # mode 0700
        return self._dir

    def new_input(self, suffix: str) -> Path:
        return self.folder / f"in-{secrets.token_hex(8)}{suffix}"

    def start(
        self, owner: str, profiles: list[Any], fmt: str, trials: Any, options: dict[str, Any]
    ) -> Job:
        """Queue a cohort run of validated profiles (`matcher.Profile`), written as `fmt`."""
        self._expire()
        job = Job(
            id=secrets.token_urlsafe(16),
            owner=owner,
            format=fmt,
            total=len(profiles),
            output=self.folder / f"out-{secrets.token_hex(8)}.{fmt}",
        )
        with self._lock:
            self._jobs[job.id] = job
        self._pool.submit(self._run, job, profiles, trials, options)
        return job

    def get(self, job_id: str, owner: str) -> Job | None:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or not secrets.compare_digest(job.owner, owner):
            return None
        return job

    def take(self, job: Job) -> None:
        """Forget a downloaded job (its file is deleted after the response is sent)."""
        with self._lock:
            self._jobs.pop(job.id, None)

    def _run(self, job: Job, profiles: list[Any], trials: Any, options: dict[str, Any]) -> None:
        from matcher.cohort import run_cohort

        try:
            job.state = "running"

            def advance(n: int) -> None:
                job.done += n

            summary = run_cohort(
                profiles,
                trials,
                job.output,
                workers=self.config.cohort_workers,
                on_patient=advance,
                **options,
            )
            job.summary = {
                "patients": summary.patients,
                "trials": summary.trials,
                "rows": summary.rows,
                "eligible_mean": round(summary.eligible_mean, 1),
                "possible_mean": round(summary.possible_mean, 1),
                "seconds": round(summary.seconds, 1),
            }
            job.state = "done"
        except TrialmatchError as error:
            job.state, job.message = "failed", str(error)
        except Exception as error:  # report the kind of failure, never the data that caused it
            job.state, job.message = "failed", f"the cohort run failed ({type(error).__name__})"

    def _expire(self) -> None:
        now = time.monotonic()
        with self._lock:
            old = [
                j
                for j in self._jobs.values()
                if now - j.created > KEEP_SECONDS and j.state in {"done", "failed"}
            ]
            for job in old:
                self._jobs.pop(job.id, None)
                job.output.unlink(missing_ok=True)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None
