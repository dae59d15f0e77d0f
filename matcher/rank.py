"""The ranking policy: one sort key, and a score in 0..1 that follows the same order."""

from __future__ import annotations

import math
from dataclasses import dataclass

from matcher.engine import TrialResult
from matcher.profile import Location
from matcher.trials import Site, Trial
from trialmatch.vocab import OverallStatus, Verdict

_VERDICT = {Verdict.ELIGIBLE: 0, Verdict.POSSIBLY_ELIGIBLE: 1, Verdict.INELIGIBLE: 2}
_STATUS = {OverallStatus.RECRUITING: 0, OverallStatus.NOT_YET_RECRUITING: 1}
_OPEN_SITE = {None, "RECRUITING", "NOT_YET_RECRUITING"}
#: Where a trial with no criteria to read (no eligibility text, or not parsed) stands on "fewer
#: unknowns": after every trial whose criteria were judged, however many are unknown.
UNREAD = 10


@dataclass(frozen=True, slots=True)
class NearestSite:
    site: Site
    distance_km: float | None


def sort_key(result: TrialResult, nearest: NearestSite | None) -> tuple[object, ...]:
    """The order of the ranked list, most useful first:

    1. verdict: eligible, then possibly eligible, then ineligible;
    2. how specifically the trial targets the patient's findings: a variant-level match (ESR1
       Y537S asked for by name), then a gene-level match (any ESR1 mutation), then a class-level
       one (HER2-low, progression on a CDK4/6 inhibitor), then none; at one level, more of the
       patient's gene findings asked for first (EGFR exon 19 deletion and MET amplification
       before EGFR alone);
    3. treatment trials, then other studies (observational ones, and interventional ones for
       supportive care, screening, diagnosis...: the registry's primary purpose);
    4. fewer unknown criteria (a trial with no criteria to read counts as `UNREAD` unknowns,
       so that it never outranks one whose criteria were judged);
    5. recruiting, then not yet recruiting, then any other status;
    6. later phase;
    7. nearer open site, when the profile has coordinates (trials without a known distance last);
    8. NCT id, so that the order is total and reproducible.
    """
    distance = nearest.distance_km if nearest and nearest.distance_km is not None else math.inf
    return (
        _VERDICT[result.verdict],
        -result.target_level,
        -min(3, result.gene_targets),
        0 if result.trial.treats else 1,
        result.unknowns if result.trial.keys else max(UNREAD, result.unknowns),
        _STATUS.get(OverallStatus(result.trial.overall_status), 2)
        if result.trial.overall_status in OverallStatus.__members__
        else 2,
        -result.trial.phase_rank,
        distance,
        result.trial.nct_id,
    )


def score(result: TrialResult, nearest: NearestSite | None) -> float:
    """A number in [0, 1) that falls as `sort_key` rises (ties in the key give equal scores).

    The key's first eight parts, capped, are read as digits of a mixed-radix fraction, so a
    difference in an earlier part always outweighs every later one.
    """
    key = sort_key(result, nearest)
    distance = float(key[7])  # type: ignore[arg-type]
    digits = [
        (2 - int(key[0]), 3),  # type: ignore[call-overload]
        (min(3, -int(key[1])), 4),  # type: ignore[call-overload]
        (-int(key[2]), 4),  # type: ignore[call-overload]
        (1 - int(key[3]), 2),  # type: ignore[call-overload]
        (max(0, 9 - int(key[4])), 10),  # type: ignore[call-overload]
        (2 - int(key[5]), 3),  # type: ignore[call-overload]
        (-int(key[6]), 6),  # type: ignore[call-overload]
        (0 if math.isinf(distance) else max(0, 9 - int(distance // 100)), 10),
    ]
    value, scale = 0.0, 1.0
    for digit, radix in digits:
        scale /= radix
        value += digit * scale
    return round(value, 4)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    rlat1, rlat2 = math.radians(lat1), math.radians(lat2)
    dlat, dlon = rlat2 - rlat1, math.radians(lon2 - lon1)
    a = math.sin(dlat / 2) ** 2 + math.cos(rlat1) * math.cos(rlat2) * math.sin(dlon / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


def nearest_site(trial: Trial, location: Location | None) -> NearestSite | None:
    """The nearest site that is open (or whose status the registry does not give).

    With coordinates: by great-circle distance to the site's city centroid. With only a country:
    the first open site in that country, distance unknown. Postal codes are not geocoded (no
    offline lookup ships with trialmatch): give `lat`/`lon` for distances.
    """
    open_sites = [s for s in trial.sites if s.status in _OPEN_SITE] or list(trial.sites)
    if not open_sites or location is None:
        return None
    if location.lat is not None and location.lon is not None:
        lat, lon = location.lat, location.lon
        placed = [
            (haversine_km(lat, lon, s.lat, s.lon), s)
            for s in open_sites
            if s.lat is not None and s.lon is not None
        ]
        if placed:
            distance, site = min(placed, key=lambda pair: pair[0])
            return NearestSite(site, round(distance, 1))
    if location.country:
        wanted = _country(location.country)
        for site in open_sites:
            if site.country and _country(site.country) == wanted:
                return NearestSite(site, None)
    return None


_COUNTRY_CODES = {
    "us": "united states",
    "usa": "united states",
    "uk": "united kingdom",
    "gb": "united kingdom",
    "ca": "canada",
    "fr": "france",
    "de": "germany",
    "es": "spain",
    "it": "italy",
    "jp": "japan",
    "kr": "korea, republic of",
    "south korea": "korea, republic of",
    "au": "australia",
    "nl": "netherlands",
    "be": "belgium",
    "ch": "switzerland",
    "cn": "china",
    "br": "brazil",
}


def _country(name: str) -> str:
    lowered = name.strip().lower()
    return _COUNTRY_CODES.get(lowered, lowered)
