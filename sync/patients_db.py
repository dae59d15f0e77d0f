"""Saved patients and their match history, in a database file of their own.

Profiles are health data: this file is separate from the trial mirror (which can be shared), is
created with mode 0600, and nothing here logs a profile's contents.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlite_utils

from trialmatch.errors import DatabaseError, TrialmatchError

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS patients (id TEXT PRIMARY KEY, profile TEXT NOT NULL, "
    "saved_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS snapshots (id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL, "
    "matched_at TEXT NOT NULL, trials_db TEXT, last_sync TEXT)",
    "CREATE TABLE IF NOT EXISTS snapshot_matches (snapshot_id INTEGER NOT NULL, "
    "nct_id TEXT NOT NULL, "
    "verdict TEXT NOT NULL, score REAL, targets TEXT, overall_status TEXT, "
    "PRIMARY KEY (snapshot_id, nct_id))",
    "CREATE TABLE IF NOT EXISTS alerts (id INTEGER PRIMARY KEY, patient_id TEXT NOT NULL, "
    "created_at TEXT NOT NULL, change TEXT NOT NULL, nct_id TEXT NOT NULL, message TEXT NOT NULL, "
    "verdict_before TEXT, verdict_after TEXT)",
    "CREATE INDEX IF NOT EXISTS snapshots_patient ON snapshots (patient_id, id)",
    "CREATE INDEX IF NOT EXISTS alerts_created ON alerts (created_at)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
)


class NoSavedPatients(TrialmatchError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"no saved-patients database at {path}: `trialmatch patients add PROFILE` creates it"
        )


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def open_patients(path: Path, *, create: bool = False) -> sqlite_utils.Database:
    """Open (or create, mode 0600) the saved-patients database."""
    path = Path(path)
    if not path.exists():
        if not create:
            raise NoSavedPatients(path)
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)
    db = sqlite_utils.Database(path)
    if "studies" in db.table_names():
        db.close()
        raise DatabaseError(
            f"{path} is a trial database; saved patients must live in a file of their own "
            "(--patients-db)"
        )
    for statement in _SCHEMA:
        db.execute(statement)
    return db


def save_profiles(db: sqlite_utils.Database, profiles: Sequence[Any]) -> int:
    """Insert or replace profiles (pydantic `Profile` objects) by id."""
    now = _now()
    with db.conn:
        for profile in profiles:
            text = profile.model_dump_json(exclude_none=True)
            db.execute(
                "INSERT INTO patients (id, profile, saved_at, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET profile = excluded.profile, "
                "updated_at = excluded.updated_at",
                [profile.id, text, now, now],
            )
    return len(profiles)


def saved_profiles(
    db: sqlite_utils.Database, ids: Sequence[str] | None = None
) -> list[tuple[str, str]]:
    """(id, profile JSON) for every saved patient, or for `ids`."""
    sql = "SELECT id, profile FROM patients"
    params: list[str] = []
    if ids:
        sql += f" WHERE id IN ({', '.join('?' * len(ids))})"
        params = list(ids)
    return [(row[0], row[1]) for row in db.execute(sql + " ORDER BY id", params)]


def remove_patients(db: sqlite_utils.Database, ids: Sequence[str]) -> int:
    """Remove patients with their snapshots and alerts (their health data goes with them)."""
    marks = ", ".join("?" * len(ids))
    with db.conn:
        db.execute(
            f"DELETE FROM snapshot_matches WHERE snapshot_id IN "
            f"(SELECT id FROM snapshots WHERE patient_id IN ({marks}))",
            list(ids),
        )
        db.execute(f"DELETE FROM snapshots WHERE patient_id IN ({marks})", list(ids))
        db.execute(f"DELETE FROM alerts WHERE patient_id IN ({marks})", list(ids))
        removed = db.execute(f"DELETE FROM patients WHERE id IN ({marks})", list(ids)).rowcount
    return int(removed)


def latest_snapshot(db: sqlite_utils.Database, patient_id: str) -> dict[str, dict[str, Any]] | None:
    """nct_id -> {verdict, score, targets, overall_status} from the patient's last match, if any."""
    row = db.execute("SELECT MAX(id) FROM snapshots WHERE patient_id = ?", [patient_id]).fetchone()
    if row is None or row[0] is None:
        return None
    return {
        nct: {
            "verdict": verdict,
            "score": score,
            "targets": json.loads(targets or "[]"),
            "overall_status": status,
        }
        for nct, verdict, score, targets, status in db.execute(
            "SELECT nct_id, verdict, score, targets, overall_status FROM snapshot_matches "
            "WHERE snapshot_id = ?",
            [row[0]],
        )
    }


def record_snapshot(
    db: sqlite_utils.Database,
    patient_id: str,
    matches: dict[str, dict[str, Any]],
    alerts: Sequence[dict[str, Any]],
    *,
    trials_db: str | None,
    last_sync: str | None,
) -> None:
    """Append a snapshot of a patient's matches and the alerts it raised (history is kept)."""
    now = _now()
    with db.conn:
        cursor = db.execute(
            "INSERT INTO snapshots (patient_id, matched_at, trials_db, last_sync) "
            "VALUES (?, ?, ?, ?)",
            [patient_id, now, trials_db, last_sync],
        )
        snapshot = cursor.lastrowid
        db.conn.executemany(
            "INSERT INTO snapshot_matches "
            "(snapshot_id, nct_id, verdict, score, targets, overall_status) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    snapshot,
                    nct,
                    m["verdict"],
                    m["score"],
                    json.dumps(m["targets"]),
                    m["overall_status"],
                )
                for nct, m in matches.items()
            ],
        )
        db.conn.executemany(
            "INSERT INTO alerts (patient_id, created_at, change, nct_id, message, verdict_before, "
            "verdict_after) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    patient_id,
                    now,
                    a["change"],
                    a["nct_id"],
                    a["message"],
                    a.get("before"),
                    a.get("after"),
                )
                for a in alerts
            ],
        )


def list_patients(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    out = []
    for pid, saved_at in db.execute("SELECT id, saved_at FROM patients ORDER BY id").fetchall():
        snap = db.execute(
            "SELECT id, matched_at FROM snapshots WHERE patient_id = ? ORDER BY id DESC LIMIT 1",
            [pid],
        ).fetchone()
        counts = {"eligible": 0, "possibly_eligible": 0}
        if snap:
            for verdict, n in db.execute(
                "SELECT verdict, COUNT(*) FROM snapshot_matches WHERE snapshot_id = ? "
                "GROUP BY verdict",
                [snap[0]],
            ):
                counts[verdict] = n
        out.append(
            {
                "id": pid,
                "saved_at": saved_at,
                "matched_at": snap[1] if snap else None,
                "eligible": counts["eligible"],
                "possibly": counts["possibly_eligible"],
            }
        )
    return out


def list_alerts(
    db: sqlite_utils.Database,
    *,
    since: dt.datetime | None = None,
    patient_id: str | None = None,
    mark_seen: bool = False,
) -> list[dict[str, Any]]:
    """Alerts since a time, or (without `since`) since the last call that had `mark_seen`."""
    sql = "SELECT id, created_at, patient_id, change, nct_id, message FROM alerts WHERE "
    params: list[Any]
    if since is None:
        row = db.execute("SELECT value FROM meta WHERE key = 'alerts_seen_id'").fetchone()
        sql += "id > ?"
        params = [int(row[0]) if row else 0]
    else:
        sql += "created_at >= ?"
        params = [since.replace(microsecond=0).isoformat()]
    if patient_id:
        sql += " AND patient_id = ?"
        params.append(patient_id)
    found = db.execute(sql + " ORDER BY id", params).fetchall()
    if mark_seen and found:
        with db.conn:
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('alerts_seen_id', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [str(found[-1][0])],
            )
    return [
        {"created_at": r[1], "patient_id": r[2], "change": r[3], "nct_id": r[4], "message": r[5]}
        for r in found
    ]
