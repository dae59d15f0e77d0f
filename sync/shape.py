"""Shape: one API v2 study object -> the typed columns users query. Pure functions, no I/O.

Every module but identification may be missing; a missing value becomes NULL (or an empty JSON
array for list columns), never a guess.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

NCT_ID = re.compile(r"^NCT\d{8}$")
_NCT_LOOSE = re.compile(r"^[Nn][Cc][Tt]0*([1-9]\d{0,7})$")
_VERSION_HOLDER = re.compile(r'"versionHolder":"[^"]*"')
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)
_AGE_UNIT_YEARS = {
    "year": 1.0,
    "month": 1 / 12,
    "week": 7 / 365.25,
    "day": 1 / 365.25,
    "hour": 1 / (365.25 * 24),
    "minute": 1 / (365.25 * 24 * 60),
}

#: Columns of `studies` written by `study_row`, in order.
STUDY_COLUMNS = (
    "nct_id",
    "brief_title",
    "official_title",
    "acronym",
    "overall_status",
    "phases",
    "study_type",
    "conditions",
    "keywords",
    "interventions",
    "sponsor",
    "start_date",
    "completion_date",
    "last_update_posted",
    "enrollment",
    "sex",
    "minimum_age_years",
    "maximum_age_years",
    "healthy_volunteers",
    "eligibility_text",
    "brief_summary",
    "version_holder",
    "content_hash",
    "raw",
)
LOCATION_COLUMNS = (
    "nct_id",
    "seq",
    "facility",
    "city",
    "state",
    "zip",
    "country",
    "status",
    "lat",
    "lon",
)


def normalize_nct_id(value: str) -> str | None:
    """'nct4072952' / 'NCT04072952' -> 'NCT04072952'; None when it is not an NCT id."""
    match = _NCT_LOOSE.match(value.strip())
    if not match:
        return None
    return "NCT" + match.group(1).zfill(8)


def study_id(study: Any) -> str | None:
    """The study's NCT id, or None when the object is not an API v2 study."""
    if not isinstance(study, dict):
        return None
    value = _get(study, "protocolSection", "identificationModule", "nctId")
    return value if isinstance(value, str) and NCT_ID.match(value) else None


def serialize(study: dict[str, Any]) -> str:
    """The compact JSON stored in `raw` (keys and values exactly as received)."""
    return json.dumps(study, ensure_ascii=False, separators=(",", ":"))


def content_hash(raw: str) -> str:
    """Hash of the study without `versionHolder`, which the registry bumps on every refresh."""
    return hashlib.sha256(_VERSION_HOLDER.sub("", raw).encode()).hexdigest()


def age_in_years(value: Any) -> float | None:
    """'18 Years' -> 18.0, '6 Months' -> 0.5; None when absent or unreadable ('N/A')."""
    if not isinstance(value, str):
        return None
    match = _AGE.match(value)
    if not match:
        return None
    return round(float(match.group(1)) * _AGE_UNIT_YEARS[match.group(2).lower()], 4)


def study_row(study: dict[str, Any], raw: str) -> tuple[Any, ...]:
    """The `studies` row for a study (columns in STUDY_COLUMNS order)."""
    p = study.get("protocolSection") or {}
    ident = p.get("identificationModule") or {}
    status = p.get("statusModule") or {}
    design = p.get("designModule") or {}
    elig = p.get("eligibilityModule") or {}
    cond = p.get("conditionsModule") or {}
    healthy = elig.get("healthyVolunteers")
    return (
        ident.get("nctId"),
        ident.get("briefTitle"),
        ident.get("officialTitle"),
        ident.get("acronym"),
        status.get("overallStatus"),
        _json_list(design.get("phases")),
        design.get("studyType"),
        _json_list(cond.get("conditions")),
        _json_list(cond.get("keywords")),
        json.dumps(interventions(study), ensure_ascii=False),
        _get(p, "sponsorCollaboratorsModule", "leadSponsor", "name"),
        _get(status, "startDateStruct", "date"),
        _get(status, "completionDateStruct", "date"),
        _get(status, "lastUpdatePostDateStruct", "date"),
        _int(_get(design, "enrollmentInfo", "count")),
        elig.get("sex"),
        age_in_years(elig.get("minimumAge")),
        age_in_years(elig.get("maximumAge")),
        None if not isinstance(healthy, bool) else int(healthy),
        elig.get("eligibilityCriteria"),
        _get(p, "descriptionModule", "briefSummary"),
        _get(study, "derivedSection", "miscInfoModule", "versionHolder"),
        content_hash(raw),
        raw,
    )


def interventions(study: dict[str, Any]) -> list[dict[str, Any]]:
    """`[{"name", "type", "other_names"}]` from armsInterventionsModule."""
    items = _get(study, "protocolSection", "armsInterventionsModule", "interventions") or []
    return [
        {
            "name": item.get("name"),
            "type": item.get("type"),
            "other_names": [n for n in item.get("otherNames") or [] if isinstance(n, str)],
        }
        for item in items
        if isinstance(item, dict)
    ]


def location_rows(nct_id: str, study: dict[str, Any]) -> list[tuple[Any, ...]]:
    """`locations` rows (LOCATION_COLUMNS order) from contactsLocationsModule.locations."""
    items = _get(study, "protocolSection", "contactsLocationsModule", "locations") or []
    rows = []
    for seq, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        geo = item.get("geoPoint") or {}
        rows.append(
            (
                nct_id,
                seq,
                item.get("facility"),
                item.get("city"),
                item.get("state"),
                item.get("zip"),
                item.get("country"),
                item.get("status"),
                _float(geo.get("lat")),
                _float(geo.get("lon")),
            )
        )
    return rows


def search_text(row: dict[str, Any]) -> tuple[str, str, str, str]:
    """The full-text columns (title, conditions, interventions, eligibility) for a studies row."""
    title = " · ".join(
        t for t in (row.get("brief_title"), row.get("official_title"), row.get("acronym")) if t
    )
    conditions = "; ".join(_loads_list(row.get("conditions")) + _loads_list(row.get("keywords")))
    names: list[str] = []
    for item in _loads_list(row.get("interventions")):
        if isinstance(item, dict):
            names += [n for n in [item.get("name"), *(item.get("other_names") or [])] if n]
    return title, conditions, "; ".join(names), unescape(row.get("eligibility_text") or "")


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>~^|=])")


def unescape(text: str) -> str:
    r"""Undo the registry's markdown escaping (`\>` -> `>`, `\[` -> `[`)."""
    return _MD_ESCAPE.sub(r"\1", text)


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _json_list(value: Any) -> str:
    return json.dumps(value if isinstance(value, list) else [], ensure_ascii=False)


def _loads_list(value: Any) -> list[Any]:
    if not value:
        return []
    loaded = json.loads(value) if isinstance(value, str) else value
    return loaded if isinstance(loaded, list) else []


#: The registry's "unknown enrollment" sentinel.
ENROLLMENT_UNKNOWN = 99999999


def _int(value: Any) -> int | None:
    if not isinstance(value, int) or isinstance(value, bool) or value == ENROLLMENT_UNKNOWN:
        return None
    return value


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
