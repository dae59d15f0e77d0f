"""What the matcher reads from the trial database: one row per trial with its parsed criteria and
its sites. (Owned by the matcher's maintainers; the only SQL the matcher depends on.)"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlite_utils


@dataclass(frozen=True, slots=True)
class TrialRow:
    nct_id: str
    brief_title: str | None
    acronym: str | None
    overall_status: str | None
    phases: list[str]
    study_type: str | None
    primary_purpose: str | None
    conditions: list[str]
    official_title: str | None
    sex: str | None
    minimum_age_years: float | None
    maximum_age_years: float | None
    last_update_posted: str | None
    criteria_json: str | None
    parser_version: str | None
    sites: list[tuple[Any, ...]]


_TRIALS = """
SELECT s.nct_id, s.brief_title, s.acronym, s.overall_status, s.phases, s.study_type,
       s.conditions, s.official_title, s.sex, s.minimum_age_years, s.maximum_age_years,
       s.last_update_posted, c.criteria, c.parser_version, s.primary_purpose
FROM studies s LEFT JOIN criteria c ON c.nct_id = s.nct_id
{where}
ORDER BY s.nct_id
"""

_SITES = """
SELECT nct_id, facility, city, state, country, status, lat, lon
FROM locations {where} ORDER BY nct_id, seq
"""


def trial_rows(
    db: sqlite_utils.Database, statuses: tuple[str, ...] | None = None
) -> Iterator[TrialRow]:
    """Every trial (or those with an overall status in `statuses`), with criteria and sites."""
    where, params = "", []
    if statuses:
        where = f"WHERE s.overall_status IN ({', '.join('?' * len(statuses))})"
        params = list(statuses)
    sites: dict[str, list[tuple[Any, ...]]] = {}
    site_where = ""
    if statuses:
        site_where = (
            "WHERE nct_id IN (SELECT nct_id FROM studies WHERE overall_status IN "
            f"({', '.join('?' * len(statuses))}))"
        )
    for row in db.execute(_SITES.format(where=site_where), params).fetchall():
        sites.setdefault(row[0], []).append(row[1:])
    for row in db.execute(_TRIALS.format(where=where), params):
        yield TrialRow(
            nct_id=row[0],
            brief_title=row[1],
            acronym=row[2],
            overall_status=row[3],
            phases=json.loads(row[4] or "[]"),
            study_type=row[5],
            primary_purpose=row[14],
            conditions=json.loads(row[6] or "[]"),
            official_title=row[7],
            sex=row[8],
            minimum_age_years=row[9],
            maximum_age_years=row[10],
            last_update_posted=row[11],
            criteria_json=row[12],
            parser_version=row[13],
            sites=sites.get(row[0], []),
        )


def last_sync(db: sqlite_utils.Database) -> str | None:
    """When the last completed sync or import finished (UTC ISO), if any."""
    if "runs" not in db.table_names():
        return None
    row = db.execute("SELECT MAX(finished_at) FROM runs WHERE outcome = 'completed'").fetchone()
    return row[0] if row else None
