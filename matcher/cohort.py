"""Many patients against every trial, in parallel worker processes.

Workers are forked after the trials are loaded, so each shares the parent's trial set instead of
reading the database again; they send back compact rows, not whole reports.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from matcher.match import Match, MatchReport, match_patient
from matcher.profile import Profile
from matcher.trials import TrialSet
from trialmatch.vocab import Verdict

#: Columns of a cohort output row, in order.
COLUMNS = (
    "patient_id",
    "rank",
    "nct_id",
    "verdict",
    "score",
    "targets",
    "cohort",
    "reasons",
    "overall_status",
    "phases",
    "title",
    "nearest_site",
    "distance_km",
)


def match_many(
    profiles: Iterable[Profile], trials: TrialSet, **options: Any
) -> Iterator[MatchReport]:
    """Match each profile in turn (in this process), yielding one report per patient."""
    for profile in profiles:
        yield match_patient(profile, trials, **options)


def rows(report: MatchReport) -> list[dict[str, Any]]:
    """One output row per trial in a report."""
    return [_row(report.patient_id, m) for m in report.matches]


def _row(patient_id: str, match: Match) -> dict[str, Any]:
    result = match.result
    if result.verdict is Verdict.POSSIBLY_ELIGIBLE:
        reasons = "open: " + ", ".join(
            dict.fromkeys(j.judgement.missing or "other" for j in result.decisive)
        )
    elif result.verdict is Verdict.INELIGIBLE:
        reasons = " | ".join(j.judgement.explanation for j in result.decisive)
    else:
        reasons = ""
    near = match.nearest
    site = None
    if near is not None:
        site = ", ".join(x for x in (near.site.facility, near.site.city, near.site.country) if x)
    return {
        "patient_id": patient_id,
        "rank": match.rank,
        "nct_id": result.trial.nct_id,
        "verdict": result.verdict.value,
        "score": match.score,
        "targets": "; ".join(result.targets),
        "cohort": result.cohort or "",
        "reasons": reasons,
        "overall_status": result.trial.overall_status,
        "phases": "/".join(result.trial.phases),
        "title": result.trial.title,
        "nearest_site": site or "",
        "distance_km": "" if near is None or near.distance_km is None else near.distance_km,
    }


# --- parallel run -------------------------------------------------------------------------------

_SHARED: dict[str, Any] = {}


def _work(profile: Profile) -> tuple[list[dict[str, Any]], int, int]:
    report = match_patient(profile, _SHARED["trials"], **_SHARED["options"])
    out = rows(report)
    eligible = sum(1 for r in out if r["verdict"] == Verdict.ELIGIBLE.value)
    possible = sum(1 for r in out if r["verdict"] == Verdict.POSSIBLY_ELIGIBLE.value)
    return out, eligible, possible


@dataclass(frozen=True)
class CohortSummary:
    patients: int
    trials: int
    rows: int
    eligible_mean: float
    eligible_max: int
    possible_mean: float
    seconds: float


def run_cohort(
    profiles: Sequence[Profile],
    trials: TrialSet,
    output: Path,
    *,
    workers: int | None = None,
    on_patient: Callable[[int], None] | None = None,
    as_of: dt.date | None = None,
    **options: Any,
) -> CohortSummary:
    """Match every profile and write the rows to `output` (.csv or .jsonl), in profile order."""
    started = time.perf_counter()
    options["as_of"] = as_of or dt.date.today()
    count = workers or os.cpu_count() or 1
    _SHARED["trials"], _SHARED["options"] = trials, options
    eligible: list[int] = []
    possible: list[int] = []
    written = 0
    tmp = output.with_name(output.name + ".partial")
    try:
        with tmp.open("w", newline="", encoding="utf-8") as handle:
            write = _writer(handle, output.suffix.lower())
            if count <= 1 or len(profiles) < 2:
                results: Iterable[tuple[list[dict[str, Any]], int, int]] = map(_work, profiles)
                written, eligible, possible = _drain(results, write, on_patient)
            else:
                context = multiprocessing.get_context("fork")
                with context.Pool(count) as pool:
                    chunk = max(1, min(16, len(profiles) // (count * 8) or 1))
                    written, eligible, possible = _drain(
                        pool.imap(_work, profiles, chunksize=chunk), write, on_patient
                    )
        tmp.replace(output)
    finally:
        _SHARED.clear()
        tmp.unlink(missing_ok=True)
    n = max(1, len(profiles))
    return CohortSummary(
        patients=len(profiles),
        trials=len(trials),
        rows=written,
        eligible_mean=sum(eligible) / n,
        eligible_max=max(eligible, default=0),
        possible_mean=sum(possible) / n,
        seconds=time.perf_counter() - started,
    )


def _drain(
    results: Iterable[tuple[list[dict[str, Any]], int, int]],
    write: Callable[[dict[str, Any]], None],
    on_patient: Callable[[int], None] | None,
) -> tuple[int, list[int], list[int]]:
    written = 0
    eligible: list[int] = []
    possible: list[int] = []
    for out, n_eligible, n_possible in results:
        for row in out:
            write(row)
        written += len(out)
        eligible.append(n_eligible)
        possible.append(n_possible)
        if on_patient is not None:
            on_patient(1)
    return written, eligible, possible


def _writer(handle: Any, suffix: str) -> Callable[[dict[str, Any]], None]:
    if suffix == ".jsonl":
        return lambda row: handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    writer = csv.DictWriter(handle, fieldnames=COLUMNS)
    writer.writeheader()
    return writer.writerow
