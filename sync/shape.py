"""Shape: one API v2 study (its JSON bytes) -> the typed columns users query. No I/O.

Only the pieces the columns need are decoded (msgspec skips the rest, including results and site
contacts), which keeps import fast; the study itself is stored as received, with insignificant
whitespace removed. Every module but identification may be missing; a missing value becomes NULL
(or an empty JSON array for list columns), never a guess.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

import msgspec

NCT_ID = re.compile(r"^NCT\d{8}$")
_NCT_LOOSE = re.compile(r"^[Nn][Cc][Tt]0*([1-9]\d{0,7})$")
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.IGNORECASE)
_AGE_UNIT_YEARS = {
    "year": 1.0,
    "month": 1 / 12,
    "week": 7 / 365.25,
    "day": 1 / 365.25,
    "hour": 1 / (365.25 * 24),
    "minute": 1 / (365.25 * 24 * 60),
}
#: The registry's "unknown enrollment" sentinel.
ENROLLMENT_UNKNOWN = 99999999

#: Columns of `studies` in `Shaped.row`, in order.
STUDY_COLUMNS = (
    "nct_id",
    "brief_title",
    "official_title",
    "acronym",
    "overall_status",
    "phases",
    "study_type",
    "primary_purpose",
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


class NotAStudy(ValueError):
    """The JSON is not an API v2 study object (the message says what is wrong)."""


# --- what is decoded (most leaves are Any: the extraction below checks types itself; sites are
# typed because there can be thousands per study) --------------------------------------------------


class _Geo(msgspec.Struct):
    lat: float | None = None
    lon: float | None = None


class _Site(msgspec.Struct, rename="camel"):
    facility: str | None = None
    status: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    country: str | None = None
    geo_point: _Geo | None = None


class _Contacts(msgspec.Struct):
    locations: list[_Site] | None = None


class _Description(msgspec.Struct, rename="camel"):
    brief_summary: Any = None


class _Protocol(msgspec.Struct, rename="camel"):
    identification_module: Any = None
    status_module: Any = None
    sponsor_collaborators_module: Any = None
    description_module: _Description | None = None
    conditions_module: Any = None
    design_module: Any = None
    arms_interventions_module: Any = None
    eligibility_module: Any = None
    contacts_locations_module: _Contacts | None = None


class _Misc(msgspec.Struct, rename="camel"):
    version_holder: Any = None


class _Derived(msgspec.Struct, rename="camel"):
    misc_info_module: _Misc | None = None


class _Study(msgspec.Struct, rename="camel"):
    protocol_section: _Protocol | None = None
    derived_section: _Derived | None = None


_DECODER = msgspec.json.Decoder(_Study)


@dataclass(frozen=True, slots=True)
class Shaped:
    """One study ready to store: its row, its sites and its full-text columns."""

    nct_id: str
    overall_status: str | None
    row: tuple[Any, ...]  # STUDY_COLUMNS order
    sites: list[tuple[Any, ...]]  # LOCATION_COLUMNS order
    search: tuple[str, str, str, str]  # title, conditions, interventions, eligibility

    @property
    def content_hash(self) -> str:
        return str(self.row[_HASH])

    @property
    def eligibility_text(self) -> str | None:
        return self.row[_ELIGIBILITY]


def shape_raw(data: bytes) -> Shaped:
    """Shape a study from its JSON bytes; `NotAStudy` when they are not one."""
    try:
        compact = msgspec.json.format(data, indent=-1)
        study = _DECODER.decode(compact)
    except msgspec.DecodeError as error:
        raise NotAStudy(f"not a study object ({error})") from None
    p = study.protocol_section
    ident = _dict(p.identification_module) if p else {}
    nct_id = ident.get("nctId")
    if p is None or not isinstance(nct_id, str) or not NCT_ID.match(nct_id):
        raise NotAStudy("no valid protocolSection.identificationModule.nctId")
    status = _dict(p.status_module)
    design = _dict(p.design_module)
    elig = _dict(p.eligibility_module)
    cond = _dict(p.conditions_module)
    items = interventions(p.arms_interventions_module)
    healthy = elig.get("healthyVolunteers")
    misc = study.derived_section.misc_info_module if study.derived_section else None
    raw = compact.decode("utf-8")
    eligibility = _str(elig.get("eligibilityCriteria"))
    conditions = _strings(cond.get("conditions"))
    keywords = _strings(cond.get("keywords"))
    row = (
        nct_id,
        _str(ident.get("briefTitle")),
        _str(ident.get("officialTitle")),
        _str(ident.get("acronym")),
        _str(status.get("overallStatus")),
        _json(_strings(design.get("phases"))),
        _str(design.get("studyType")),
        _str(_dict(design.get("designInfo")).get("primaryPurpose")),
        _json(conditions),
        _json(keywords),
        _json(items),
        _str(_dict(_dict(p.sponsor_collaborators_module).get("leadSponsor")).get("name")),
        _date(status.get("startDateStruct")),
        _date(status.get("completionDateStruct")),
        _date(status.get("lastUpdatePostDateStruct")),
        _int(_dict(design.get("enrollmentInfo")).get("count")),
        _str(elig.get("sex")),
        age_in_years(elig.get("minimumAge")),
        age_in_years(elig.get("maximumAge")),
        None if not isinstance(healthy, bool) else int(healthy),
        eligibility,
        _str(p.description_module.brief_summary) if p.description_module else None,
        _str(misc.version_holder) if misc else None,
        content_hash(compact),
        raw,
    )
    sites = _sites(nct_id, p.contacts_locations_module)
    names = [n for item in items for n in [item["name"], *item["other_names"]] if n]
    search = (
        " · ".join(t for t in (row[1], row[2], row[3]) if t),
        "; ".join(conditions + keywords),
        "; ".join(names),
        unescape(eligibility or ""),
    )
    return Shaped(nct_id, row[4], row, sites, search)


def shape_dict(study: dict[str, Any]) -> Shaped:
    """Shape a study given as decoded JSON."""
    return shape_raw(msgspec.json.encode(study))


def normalize_nct_id(value: str) -> str | None:
    """'nct4072952' / 'NCT04072952' -> 'NCT04072952'; None when it is not an NCT id."""
    match = _NCT_LOOSE.match(value.strip())
    if not match:
        return None
    return "NCT" + match.group(1).zfill(8)


def study_id(study: Any) -> str | None:
    """The NCT id of a decoded study, or None when the object is not an API v2 study."""
    if not isinstance(study, dict):
        return None
    value = _dict(_dict(study.get("protocolSection")).get("identificationModule")).get("nctId")
    return value if isinstance(value, str) and NCT_ID.match(value) else None


_VERSION_KEY = b'"versionHolder":"'


def content_hash(compact: bytes) -> str:
    """Hash of a study's compact JSON without `versionHolder`, which the registry bumps on every
    data refresh."""
    start = compact.find(_VERSION_KEY)
    if start >= 0:
        end = compact.find(b'"', start + len(_VERSION_KEY))
        compact = compact[:start] + compact[end + 1 :]
    return hashlib.sha256(compact).hexdigest()


def age_in_years(value: Any) -> float | None:
    """'18 Years' -> 18.0, '6 Months' -> 0.5; None when absent or unreadable ('N/A')."""
    if not isinstance(value, str):
        return None
    match = _AGE.match(value)
    if not match:
        return None
    return round(float(match.group(1)) * _AGE_UNIT_YEARS[match.group(2).lower()], 4)


def interventions(module: Any) -> list[dict[str, Any]]:
    """`[{"name", "type", "other_names"}]` from an armsInterventionsModule."""
    items = _dict(module).get("interventions")
    if not isinstance(items, list):
        return []
    return [
        {
            "name": _str(item.get("name")),
            "type": _str(item.get("type")),
            "other_names": _strings(item.get("otherNames")),
        }
        for item in items
        if isinstance(item, dict)
    ]


def _sites(nct_id: str, module: _Contacts | None) -> list[tuple[Any, ...]]:
    if module is None or not module.locations:
        return []
    no_geo = _Geo()
    return [
        (
            nct_id,
            seq,
            site.facility,
            site.city,
            site.state,
            site.zip,
            site.country,
            site.status,
            (site.geo_point or no_geo).lat,
            (site.geo_point or no_geo).lon,
        )
        for seq, site in enumerate(module.locations)
    ]


def search_text(row: dict[str, Any]) -> tuple[str, str, str, str]:
    """The full-text columns (title, conditions, interventions, eligibility) for a stored row."""
    title = " · ".join(
        t for t in (row.get("brief_title"), row.get("official_title"), row.get("acronym")) if t
    )
    conditions = "; ".join(_loads_list(row.get("conditions")) + _loads_list(row.get("keywords")))
    names: list[str] = []
    for item in _loads_list(row.get("interventions")):
        if isinstance(item, dict):
            names += [n for n in [item.get("name"), *(item.get("other_names") or [])] if n]
    return title, conditions, "; ".join(names), unescape(row.get("eligibility_text") or "")


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>~^|=&])")


def unescape(text: str) -> str:
    r"""Undo the registry's markdown escaping (`\>` -> `>`, `\[` -> `[`)."""
    return _MD_ESCAPE.sub(r"\1", text)


_HASH = STUDY_COLUMNS.index("content_hash")
_ELIGIBILITY = STUDY_COLUMNS.index("eligibility_text")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _date(value: Any) -> str | None:
    return _str(_dict(value).get("date"))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _loads_list(value: Any) -> list[Any]:
    if not value:
        return []
    loaded = json.loads(value) if isinstance(value, str) else value
    return loaded if isinstance(loaded, list) else []


def _int(value: Any) -> int | None:
    if not isinstance(value, int) or isinstance(value, bool) or value == ENROLLMENT_UNKNOWN:
        return None
    return value


def _float(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
