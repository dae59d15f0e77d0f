"""Re-matching saved patients after a sync, and the alerts that come of it.

An alert says what changed for a patient since their previous match: a trial newly listed
("new: NCT..., eligible, targets ESR1 Y537S"), one no longer listed, with why ("lost: NCT...
closed to recruitment"), or one whose verdict or targets changed. Every snapshot and alert is
kept; nothing is deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from matcher.engine import judge_trial
from matcher.loading import parse_profile
from matcher.match import match_patient
from matcher.patient import Patient
from matcher.trials import TrialSet, load_trials
from trialmatch.vocab import OPEN_STATUSES, Verdict


def rematch(
    store: sqlite_utils.Database,
    trials_db: Path | str,
    *,
    ids: Sequence[str] | None = None,
    as_of: dt.date | None = None,
    trials: TrialSet | None = None,
) -> list[dict[str, Any]]:
    """Match saved patients (all, or `ids`) and record a snapshot and alerts for each."""
    from sync.patients_db import latest_snapshot, record_snapshot, saved_profiles

    trial_set = trials if trials is not None else load_trials(trials_db)
    by_id = {t.nct_id: t for t in trial_set.trials}
    raised: list[dict[str, Any]] = []
    for patient_id, text in saved_profiles(store, ids):
        import json

        profile = parse_profile(json.loads(text), f"saved patient {patient_id}")
        report = match_patient(profile, trial_set, as_of=as_of)
        now = {
            m.result.trial.nct_id: {
                "verdict": m.verdict.value,
                "score": m.score,
                "targets": m.result.targets,
                "overall_status": m.result.trial.overall_status,
            }
            for m in report.matches
        }
        before = latest_snapshot(store, patient_id)
        alerts = (
            []
            if before is None
            else diff(before, now, by_id, Patient(profile, report.as_of), trial_set)
        )
        if before is None:
            alerts = [_new(nct, m) for nct, m in now.items()]
        record_snapshot(
            store, patient_id, now, alerts, trials_db=str(trials_db), last_sync=trial_set.last_sync
        )
        raised.extend(alerts)
    return raised


def _new(nct_id: str, m: dict[str, Any]) -> dict[str, Any]:
    targets = f", targets {', '.join(m['targets'])}" if m["targets"] else ""
    return {
        "change": "new",
        "nct_id": nct_id,
        "after": m["verdict"],
        "message": f"new: {nct_id}, {m['verdict'].replace('_', ' ')}{targets}",
    }


def diff(
    before: dict[str, dict[str, Any]],
    now: dict[str, dict[str, Any]],
    by_id: dict[str, Any],
    patient: Patient,
    trials: TrialSet,
) -> list[dict[str, Any]]:
    alerts = [_new(nct, m) for nct, m in now.items() if nct not in before]
    for nct, old in before.items():
        if nct in now:
            new = now[nct]
            if new["verdict"] != old["verdict"] or new["targets"] != old["targets"]:
                change = f"{old['verdict'].replace('_', ' ')} -> {new['verdict'].replace('_', ' ')}"
                if new["verdict"] == old["verdict"]:
                    change = "targets now " + (", ".join(new["targets"]) or "none")
                alerts.append(
                    {
                        "change": "changed",
                        "nct_id": nct,
                        "before": old["verdict"],
                        "after": new["verdict"],
                        "message": f"changed: {nct}, {change}",
                    }
                )
            continue
        alerts.append(
            {
                "change": "lost",
                "nct_id": nct,
                "before": old["verdict"],
                "after": None,
                "message": f"lost: {nct}, {_why_lost(nct, by_id, patient, trials)}",
            }
        )
    return alerts


def _why_lost(nct_id: str, by_id: dict[str, Any], patient: Patient, trials: TrialSet) -> str:
    trial = by_id.get(nct_id)
    if trial is None:
        return "no longer in the trial database"
    if trial.overall_status not in OPEN_STATUSES:
        words = {"ACTIVE_NOT_RECRUITING": "closed to recruitment"}.get(
            trial.overall_status, trial.overall_status.replace("_", " ").lower()
        )
        return f"{words} ({trial.overall_status})"
    result = judge_trial(trial, patient, {}, trials.semantic, full=True)
    if result is not None and result.verdict is Verdict.INELIGIBLE and result.decisive:
        return "now ineligible: " + result.decisive[0].judgement.explanation
    return "no longer listed"


def after_sync_hook(patients_db: Path, trials_db: Path) -> Callable[[object], None]:
    """A callable for the sync and schedule commands: after each completed run, re-match every
    saved patient and record the alerts. Does nothing when there are no saved patients."""
    import logging

    from sync.patients_db import open_patients

    log = logging.getLogger("trialmatch.alerts")

    def rematch_saved(report: object) -> None:
        if not Path(patients_db).exists():
            return
        store = open_patients(Path(patients_db))
        try:
            raised = rematch(store, trials_db)
        finally:
            store.close()
        # counts only: alerts name patients' trials, which is health data
        log.info("re-matched saved patients: %d alert(s) recorded", len(raised))

    return rematch_saved
