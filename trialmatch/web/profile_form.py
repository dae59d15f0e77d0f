"""The patient form: flat HTML fields <-> the contract's profile mapping.

Blank means unknown, so a blank field is left out of the profile, never sent as "no". Values are
passed through as typed (numbers converted when they look like numbers) and validated by
`matcher.parse_profile`, whose errors name the field; this module only arranges them.
Repeating rows are numbered: `tx-0-agents`, `bm-1-gene`, `mk-0-marker`, `lab-2-key`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

import yaml

from trialmatch.errors import ProfileError

_ROW = re.compile(r"^(tx|bm|mk|lab)-(\d{1,3})-([a-z_]+)$")

#: Row fields per repeating group, in form order.
ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "tx": ("agents", "setting", "start", "end", "outcome"),
    "bm": ("gene", "alteration", "origin", "specimen"),
    "mk": ("marker", "value", "unit", "status"),
    "lab": ("key", "value"),
}
_SCALARS = ("id", "age", "sex", "menopausal_status", "ecog")
_DIAGNOSIS = ("cancer", "histology", "stage", "brain_metastases")
_DIAGNOSIS_FLAGS = ("measurable_disease", "visceral_crisis", "de_novo")
_RECEPTORS = ("er", "er_percent", "pr", "pr_percent")
_LOCATION = ("postal_code", "country", "lat", "lon")
#: Comorbidities are free text that may hold commas: one per line, or separated by semicolons.
CONDITION_SEPARATORS = r"[;\n]"


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _number(text: str) -> Any:
    """'61' -> 61, '5.9' -> 5.9; anything else as written, for the validator to name."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


def _flag(text: str) -> bool | None:
    return {"yes": True, "no": False}.get(text)


def _items(text: str, separators: str = r"[,;\n]") -> list[str]:
    return [part.strip() for part in re.split(separators, text) if part.strip()]


def _rows(form: Mapping[str, Any], group: str) -> list[dict[str, str]]:
    found: dict[int, dict[str, str]] = {}
    for name in form:
        match = _ROW.match(name)
        if match and match.group(1) == group and match.group(3) in ROW_FIELDS[group]:
            value = _text(form, name)
            if value:
                found.setdefault(int(match.group(2)), {})[match.group(3)] = value
    return [found[n] for n in sorted(found)]


def form_to_profile(form: Mapping[str, Any]) -> dict[str, Any]:
    """The profile mapping the form describes (not yet validated)."""
    profile: dict[str, Any] = {}
    for name in _SCALARS:
        if value := _text(form, name):
            profile[name] = value if name in {"id", "sex", "menopausal_status"} else _number(value)
    diagnosis: dict[str, Any] = {
        name: value for name in _DIAGNOSIS if (value := _text(form, f"dx_{name}"))
    }
    for name in _DIAGNOSIS_FLAGS:
        flag = _flag(_text(form, f"dx_{name}"))
        if flag is not None:
            diagnosis[name] = flag
    if sites := _items(_text(form, "dx_metastatic_sites")):
        diagnosis["metastatic_sites"] = sites
    if diagnosis:
        profile["diagnosis"] = diagnosis
    receptors: dict[str, Any] = {}
    for name in _RECEPTORS:
        if value := _text(form, name):
            receptors[name] = _number(value) if name.endswith("percent") else value
    her2 = _her2(form)
    if her2 is not None:
        receptors["her2"] = her2
    if receptors:
        profile["receptors"] = receptors
    biomarkers: list[dict[str, Any]] = list(_rows(form, "bm"))
    for row in _rows(form, "mk"):
        marker: dict[str, Any] = dict(row)
        if "value" in marker:
            marker["value"] = _number(marker["value"])
        biomarkers.append(marker)
    if biomarkers:
        profile["biomarkers"] = biomarkers
    if negative := _items(_text(form, "tested_negative")):
        profile["tested_negative"] = negative
    treatments = [{**row, "agents": _items(row.get("agents", ""))} for row in _rows(form, "tx")]
    if treatments or _text(form, "treatment_naive") == "yes":
        profile["treatments"] = treatments
    labs = {}
    for row in _rows(form, "lab"):
        if "key" in row:
            labs[row["key"]] = _number(row.get("value", ""))
    if labs:
        profile["labs"] = labs
    conditions = _items(_text(form, "conditions"), CONDITION_SEPARATORS)
    if conditions or _text(form, "no_conditions") == "yes":
        profile["conditions"] = conditions
    location = {name: value for name in _LOCATION if (value := _text(form, f"loc_{name}"))}
    for name in ("lat", "lon"):
        if name in location:
            location[name] = _number(location[name])
    if location:
        profile["location"] = location
    return profile


def _her2(form: Mapping[str, Any]) -> Any:
    ihc, ish, category = (_text(form, n) for n in ("her2_ihc", "her2_ish", "her2"))
    if category and (ihc or ish):
        raise ProfileError(
            "receptors.her2: give either the IHC/ISH results or a category, not both"
        )
    if ihc or ish:
        return {k: v for k, v in (("ihc", ihc), ("ish", ish)) if v}
    return category or None


def profile_to_form(profile: Mapping[str, Any]) -> dict[str, str]:
    """Form values that describe a profile mapping (to edit an uploaded or saved profile)."""
    out: dict[str, str] = {}
    for name in _SCALARS:
        if profile.get(name) is not None:
            out[name] = _show(profile[name])
    diagnosis = profile.get("diagnosis") or {}
    for name in (*_DIAGNOSIS, *_DIAGNOSIS_FLAGS):
        value = diagnosis.get(name)
        if value is not None:
            out[f"dx_{name}"] = (
                ("yes" if value else "no") if isinstance(value, bool) else str(value)
            )
    if diagnosis.get("metastatic_sites"):
        out["dx_metastatic_sites"] = ", ".join(diagnosis["metastatic_sites"])
    receptors = profile.get("receptors") or {}
    for name in _RECEPTORS:
        if receptors.get(name) is not None:
            out[name] = _show(receptors[name])
    her2 = receptors.get("her2")
    if isinstance(her2, Mapping):
        out.update({f"her2_{k}": str(v) for k, v in her2.items() if v is not None})
    elif her2 is not None:
        out["her2"] = str(her2)
    genes = markers = 0
    for finding in profile.get("biomarkers") or ():
        if "gene" in finding:
            out.update({f"bm-{genes}-{k}": _show(v) for k, v in finding.items() if v is not None})
            genes += 1
        else:
            out.update({f"mk-{markers}-{k}": _show(v) for k, v in finding.items() if v is not None})
            markers += 1
    if profile.get("tested_negative"):
        out["tested_negative"] = ", ".join(profile["tested_negative"])
    treatments = profile.get("treatments")
    if treatments == [] or treatments == ():
        out["treatment_naive"] = "yes"
    for n, treatment in enumerate(treatments or ()):
        for key, value in treatment.items():
            if value is None:
                continue
            out[f"tx-{n}-{key}"] = ", ".join(value) if key == "agents" else _show(value)
    for n, (key, value) in enumerate((profile.get("labs") or {}).items()):
        out[f"lab-{n}-key"], out[f"lab-{n}-value"] = key, _show(value)
    conditions = profile.get("conditions")
    if conditions is not None:
        out["conditions"] = "; ".join(conditions)
        if not conditions:
            out["no_conditions"] = "yes"
    for name, value in (profile.get("location") or {}).items():
        if value is not None:
            out[f"loc_{name}"] = _show(value)
    return out


def row_counts(values: Mapping[str, str], minimum: int = 2) -> dict[str, int]:
    """How many rows of each repeating group the form shows: the filled ones plus one blank."""
    counts = {group: 0 for group in ROW_FIELDS}
    for name in values:
        match = _ROW.match(name)
        if match:
            counts[match.group(1)] = max(counts[match.group(1)], int(match.group(2)) + 1)
    return {group: max(minimum, n + 1) for group, n in counts.items()}


def _show(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Mapping) and "year" in value:  # a partial date as stored
        parts = [f"{value['year']:04d}"]
        parts += [f"{value[k]:02d}" for k in ("month", "day") if value.get(k)]
        return "-".join(parts)
    return str(value)


def read_profile_text(text: str, where: str) -> Any:
    """A profile written as YAML or JSON (pasted or uploaded); errors give the line, not text."""
    stripped = text.lstrip()
    try:
        if stripped.startswith(("{", "[")):
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as error:
        raise ProfileError(f"{where}: not valid JSON (line {error.lineno})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else "?"
        raise ProfileError(f"{where}: not valid YAML (line {line})") from None
