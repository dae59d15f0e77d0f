"""History: what changed in a trial between two versions, and "what changed since last night".

When a stored study's content changes, `sync.store` keeps the previous JSON in `study_versions`
and records one `changes` row per field that moved (status, eligibility text, sites, phases,
title, enrollment, interventions; `other` when only untracked parts of the record changed). A trial
seen for the first time is recorded as `added`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlite_utils

from trialmatch.errors import InvalidOption


class ChangeField(StrEnum):
    ADDED = "added"
    STATUS = "status"
    ELIGIBILITY = "eligibility"
    SITES = "sites"
    PHASES = "phases"
    TITLE = "title"
    ENROLLMENT = "enrollment"
    INTERVENTIONS = "interventions"
    OTHER = "other"


#: studies column compared for each tracked field.
TRACKED: dict[ChangeField, str] = {
    ChangeField.STATUS: "overall_status",
    ChangeField.ELIGIBILITY: "eligibility_text",
    ChangeField.PHASES: "phases",
    ChangeField.TITLE: "brief_title",
    ChangeField.ENROLLMENT: "enrollment",
    ChangeField.INTERVENTIONS: "interventions",
}


@dataclass(frozen=True)
class Change:
    """One recorded change. `before`/`after` are the field's values as text (None = absent)."""

    nct_id: str
    changed_at: str
    field: ChangeField
    before: str | None
    after: str | None
    detail: dict[str, Any] | None
    run_id: int | None
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "field": self.field.value}

    def summary(self) -> str:
        """One line for a terminal: 'status RECRUITING -> ACTIVE_NOT_RECRUITING'."""
        if self.field is ChangeField.ADDED:
            return "added to the database"
        if self.field is ChangeField.SITES and self.detail:
            parts = [
                f"{len(self.detail[k])} {label}"
                for k, label in (("added", "added"), ("removed", "removed"), ("status", "changed"))
                if self.detail.get(k)
            ]
            return "sites: " + ", ".join(parts)
        if self.field is ChangeField.ELIGIBILITY:
            return "eligibility criteria text changed"
        if self.field is ChangeField.OTHER:
            return "record updated (fields not tracked individually)"
        return f"{self.field.value}: {self.before or '-'} -> {self.after or '-'}"


SiteRow = Sequence[Any]  # sync.shape.LOCATION_COLUMNS order


def diff(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    old_sites: Sequence[SiteRow],
    new_sites: Sequence[SiteRow],
) -> list[tuple[ChangeField, str | None, str | None, dict[str, Any] | None]]:
    """The changes between two versions of a studies row and their sites."""
    out: list[tuple[ChangeField, str | None, str | None, dict[str, Any] | None]] = []
    for field, column in TRACKED.items():
        before, after = old.get(column), new.get(column)
        if before != after:
            out.append((field, _text(before), _text(after), None))
    sites = site_changes(old_sites, new_sites)
    if sites:
        out.append((ChangeField.SITES, str(len(old_sites)), str(len(new_sites)), sites))
    if not out:
        out.append((ChangeField.OTHER, None, None, None))
    return out


def site_changes(old: Sequence[SiteRow], new: Sequence[SiteRow]) -> dict[str, Any] | None:
    """Sites added, removed, or whose recruitment status changed; None when nothing did."""
    before = {_site_key(row): row[7] for row in old}
    after = {_site_key(row): row[7] for row in new}
    added = [_site_label(k, after[k]) for k in after if k not in before]
    removed = [_site_label(k, before[k]) for k in before if k not in after]
    status = [
        {"site": _site_label(k, None), "before": before[k], "after": after[k]}
        for k in after
        if k in before and before[k] != after[k]
    ]
    if not (added or removed or status):
        return None
    return {"added": added, "removed": removed, "status": status}


def _site_key(row: SiteRow) -> tuple[str, str, str, str]:
    facility, city, state, country = row[2], row[3], row[4], row[6]
    return (facility or "", city or "", state or "", country or "")


def _site_label(key: tuple[str, str, str, str], status: str | None) -> str:
    label = ", ".join(part for part in key if part)
    return f"{label} ({status})" if status else label


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


# --- asking --------------------------------------------------------------------------------------

_DURATION = re.compile(r"^\s*(\d+)\s*([hdw])\s*$", re.IGNORECASE)


SINCE_ACCEPTED = "a date (2026-11-23), a UTC time (2026-11-23T02:00), or a duration (24h, 7d, 2w)"


def parse_since(value: str | date | datetime, now: datetime | None = None) -> datetime:
    """A point in time from a date, an ISO time, or a duration ('24h', '7d', '2w') before now."""
    now = now or datetime.now(UTC)
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    match = _DURATION.match(value)
    if match:
        hours = {"h": 1, "d": 24, "w": 24 * 7}[match.group(2).lower()]
        return now - timedelta(hours=int(match.group(1)) * hours)
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise InvalidOption("--since", SINCE_ACCEPTED, "could not read it as a time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def changes_since(
    db: sqlite_utils.Database,
    when: str | date | datetime,
    *,
    nct_id: str | None = None,
    fields: Sequence[ChangeField] = (),
    limit: int | None = None,
) -> list[Change]:
    """Changes recorded at or after `when` (a datetime, a date, or text for `parse_since`),
    newest first; optionally for one trial and some fields only."""
    since = parse_since(when).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    sql = (
        "SELECT c.nct_id, c.changed_at, c.field, c.before, c.after, c.detail, c.run_id, "
        "s.brief_title FROM changes c LEFT JOIN studies s ON s.nct_id = c.nct_id "
        "WHERE c.changed_at >= ?"
    )
    params: list[Any] = [since]
    if nct_id:
        sql += " AND c.nct_id = ?"
        params.append(nct_id)
    if fields:
        sql += f" AND c.field IN ({', '.join('?' * len(fields))})"
        params += [ChangeField(f).value for f in fields]
    sql += " ORDER BY c.changed_at DESC, c.id DESC"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [
        Change(
            nct_id=row[0],
            changed_at=row[1],
            field=ChangeField(row[2]),
            before=row[3],
            after=row[4],
            detail=json.loads(row[5]) if row[5] else None,
            run_id=row[6],
            title=row[7],
        )
        for row in db.execute(sql, params).fetchall()
    ]
