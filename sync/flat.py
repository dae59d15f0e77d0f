"""Flattened trial records -> the API v2 study objects they were flattened from.

Curated trial lists are often shared as one flat record per trial (the shape of the
`../shared/ctgov/*.jsonl` files): `nct_id`, `brief_title`, `official_title`, `acronym`,
`conditions`, `phase`, `enrollment_count`, `start_year`, `primary_completion_year`,
`interventions`, `arm_groups`, and the criteria either as `eligibility_text` (the registry's
markdown, escapes kept) or as `eligibility_lines` (the older layout, one line per element).
`trialmatch import` reads them through `study_from_flat`, which keeps only what the record states.
A flat record has no registry status, sites, sex or age limits: those stay unknown (NULL), so its
trials show as UNKNOWN status and are matched with `--status any`.
"""

from __future__ import annotations

from typing import Any

from sync.shape import normalize_nct_id

#: Keys that mark a flat record (one of them, with `nct_id`).
CRITERIA_KEYS = ("eligibility_text", "eligibility_lines")


class NotFlat(ValueError):
    """The object is not a readable flat record (the message names the field)."""


def is_flat(keys: set[str]) -> bool:
    return "nct_id" in keys and any(k in keys for k in CRITERIA_KEYS)


def study_from_flat(record: dict[str, Any]) -> dict[str, Any]:
    """The API v2 study a flat record describes; `NotFlat` names a field of the wrong type."""
    written = _text(record, "nct_id")
    nct_id = normalize_nct_id(written) if written else None
    if nct_id is None:
        raise NotFlat("`nct_id` must be an NCT number such as NCT01234567")
    identification = {"nctId": nct_id}
    for key, field in (
        ("brief_title", "briefTitle"),
        ("official_title", "officialTitle"),
        ("acronym", "acronym"),
    ):
        if value := _text(record, key):
            identification[field] = value
    study: dict[str, Any] = {"identificationModule": identification}
    status = {
        field: {"date": value}
        for key, field in (
            ("start_year", "startDateStruct"),
            ("primary_completion_year", "primaryCompletionDateStruct"),
        )
        if (value := _text(record, key))
    }
    if status:
        study["statusModule"] = status
    if conditions := _texts(record, "conditions"):
        study["conditionsModule"] = {"conditions": conditions}
    design: dict[str, Any] = {}
    if phases := _texts(record, "phase"):
        design["phases"] = phases
    count = record.get("enrollment_count")
    if isinstance(count, int) and not isinstance(count, bool):
        design["enrollmentInfo"] = {"count": count}
    if design:
        study["designModule"] = design
    arms = _arms(record)
    if arms:
        study["armsInterventionsModule"] = arms
    study["eligibilityModule"] = {"eligibilityCriteria": _criteria(record)}
    return {"protocolSection": study}


def _criteria(record: dict[str, Any]) -> str:
    text = record.get("eligibility_text")
    if text is not None:
        if not isinstance(text, str):
            raise NotFlat("`eligibility_text` must be a string (the registry's criteria text)")
        return text
    lines = record.get("eligibility_lines")
    if not isinstance(lines, list) or not all(isinstance(line, str) for line in lines):
        raise NotFlat("`eligibility_lines` must be a list of strings (one per line)")
    return "\n".join(lines)


def _arms(record: dict[str, Any]) -> dict[str, Any]:
    """Interventions ({name, type, description}) and arm groups ({label, type, interventions})."""
    module: dict[str, Any] = {}
    interventions = [
        {field: item[field] for field in ("type", "name", "description") if _is_text(item, field)}
        for item in _dicts(record, "interventions")
    ]
    if interventions := [i for i in interventions if "name" in i]:
        module["interventions"] = interventions
    arms = []
    for item in _dicts(record, "arm_groups"):
        arm = {
            field: item[field]
            for field in ("label", "type", "description")
            if _is_text(item, field)
        }
        names = _texts(item, "interventions")
        if names:
            arm["interventionNames"] = names
        if "label" in arm:
            arms.append(arm)
    if arms:
        module["armGroups"] = arms
    return module


def _text(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise NotFlat(f"`{key}` must be a string, not {type(value).__name__}")
    return value.strip() or None


def _texts(record: dict[str, Any], key: str) -> list[str]:
    """A list of strings; a single string is a list of one ("phase": "PHASE2")."""
    value = record.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise NotFlat(f"`{key}` must be a list of strings")
    return [v for v in value if v.strip()]


def _dicts(record: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = record.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise NotFlat(f"`{key}` must be a list of objects")
    return [v for v in value if isinstance(v, dict)]


def _is_text(item: dict[str, Any], key: str) -> bool:
    return isinstance(item.get(key), str) and bool(item[key].strip())
