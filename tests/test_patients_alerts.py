"""Saved patients live in their own 0600 file; re-matching records new, lost and changed matches."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path
from typing import Any

import pytest

from matcher.alerts import rematch
from sync.patients_db import (
    NoSavedPatients,
    latest_snapshot,
    list_alerts,
    list_patients,
    open_patients,
    remove_patients,
    save_profiles,
)
from trialmatch.errors import DatabaseError

AS_OF = dt.date(2026, 11, 24)


def test_the_file_is_private_and_separate(tmp_path: Path, sample_db: Path) -> None:
    path = tmp_path / "patients.db"
    store = open_patients(path, create=True)
    store.close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(DatabaseError, match="trial database"):
        open_patients(sample_db)
    with pytest.raises(NoSavedPatients):
        open_patients(tmp_path / "absent.db")


def test_rematch_records_new_then_lost_matches(
    tmp_path: Path, sample_db: Path, sample_patients: dict[str, Any]
) -> None:
    import shutil

    trials_db = tmp_path / "trials.db"
    shutil.copy(sample_db, trials_db)
    store = open_patients(tmp_path / "patients.db", create=True)
    profile = next(iter(sample_patients.values()))
    save_profiles(store, [profile])
    first = rematch(store, trials_db, as_of=AS_OF)
    assert first and all(a["change"] == "new" for a in first)
    assert all(a["message"].startswith("new: NCT") for a in first)
    snapshot = latest_snapshot(store, profile.id)
    assert snapshot is not None and set(snapshot) == {a["nct_id"] for a in first}

    # close one matched trial to recruitment in the mirror, as a sync would
    closed = first[0]["nct_id"]
    import sqlite3

    with sqlite3.connect(trials_db) as conn:
        conn.execute(
            "UPDATE studies SET overall_status = 'ACTIVE_NOT_RECRUITING' WHERE nct_id = ?", [closed]
        )
    second = rematch(store, trials_db, as_of=AS_OF)
    assert [a["message"] for a in second] == [
        f"lost: {closed}, closed to recruitment (ACTIVE_NOT_RECRUITING)"
    ]

    seen = list_alerts(store, mark_seen=True)
    assert len(seen) == len(first) + 1
    assert list_alerts(store, mark_seen=True) == []  # nothing new since last asked
    assert len(list_alerts(store, since=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))) == len(first) + 1
    assert list_patients(store)[0]["id"] == profile.id
    assert remove_patients(store, [profile.id]) == 1
    assert latest_snapshot(store, profile.id) is None
    store.close()


def test_saved_profiles_round_trip(tmp_path: Path, sample_patients: dict[str, Any]) -> None:
    from matcher.loading import parse_profile
    from sync.patients_db import saved_profiles

    store = open_patients(tmp_path / "p.db", create=True)
    save_profiles(store, list(sample_patients.values()))
    for pid, text in saved_profiles(store):
        assert parse_profile(json.loads(text)) == sample_patients[pid]
    store.close()
