"""One trial in full (`trialmatch show NCT_ID`): status, phases, arms, interventions, sites,
eligibility text, and optionally its recorded changes."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlite_utils

from sync.history import Change, changes_since
from sync.shape import normalize_nct_id, unescape
from trialmatch.errors import InvalidOption, UnknownTrial


@dataclass(frozen=True)
class Site:
    facility: str | None
    city: str | None
    state: str | None
    zip: str | None
    country: str | None
    status: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True)
class Arm:
    label: str | None
    type: str | None
    description: str | None
    interventions: list[str]


@dataclass(frozen=True)
class Intervention:
    name: str | None
    type: str | None
    description: str | None
    other_names: list[str]
    arms: list[str]


@dataclass(frozen=True)
class TrialDetail:
    nct_id: str
    url: str
    brief_title: str | None
    official_title: str | None
    acronym: str | None
    overall_status: str | None
    phases: list[str]
    study_type: str | None
    conditions: list[str]
    keywords: list[str]
    sponsor: str | None
    collaborators: list[str]
    start_date: str | None
    completion_date: str | None
    last_update_posted: str | None
    enrollment: int | None
    sex: str | None
    minimum_age: str | None
    maximum_age: str | None
    minimum_age_years: float | None
    maximum_age_years: float | None
    healthy_volunteers: bool | None
    brief_summary: str | None
    eligibility_text: str | None  # exactly as received (escaped markdown)
    arms: list[Arm]
    interventions: list[Intervention]
    sites: list[Site]
    first_seen_at: str | None
    changed_at: str | None
    changes: list[Change] = field(default_factory=list)

    @property
    def eligibility(self) -> str:
        """The eligibility text for reading (markdown escapes removed)."""
        return unescape(self.eligibility_text or "")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["changes"] = [c.to_dict() for c in self.changes]
        return data


def trial_detail(
    db: sqlite_utils.Database, nct_id: str, *, with_changes: bool = False
) -> TrialDetail:
    """The stored trial; `UnknownTrial` when the database does not hold it."""
    normal = normalize_nct_id(nct_id)
    if normal is None:
        raise InvalidOption("NCT_ID", "an NCT id such as NCT04072952", "not an NCT id")
    row = db.execute(
        "SELECT raw, enrollment, minimum_age_years, maximum_age_years, first_seen_at, "
        "changed_at FROM studies WHERE nct_id = ?",
        [normal],
    ).fetchone()
    if row is None:
        raise UnknownTrial(normal)
    study = json.loads(row[0])
    p = study.get("protocolSection") or {}
    ident = p.get("identificationModule") or {}
    status = p.get("statusModule") or {}
    design = p.get("designModule") or {}
    cond = p.get("conditionsModule") or {}
    elig = p.get("eligibilityModule") or {}
    sponsors = p.get("sponsorCollaboratorsModule") or {}
    arms_module = p.get("armsInterventionsModule") or {}
    sites = db.execute(
        "SELECT facility, city, state, zip, country, status, lat, lon FROM locations "
        "WHERE nct_id = ? ORDER BY seq",
        [normal],
    ).fetchall()
    healthy = elig.get("healthyVolunteers")
    return TrialDetail(
        nct_id=normal,
        url=f"https://clinicaltrials.gov/study/{normal}",
        brief_title=ident.get("briefTitle"),
        official_title=ident.get("officialTitle"),
        acronym=ident.get("acronym"),
        overall_status=status.get("overallStatus"),
        phases=list(design.get("phases") or []),
        study_type=design.get("studyType"),
        conditions=list(cond.get("conditions") or []),
        keywords=list(cond.get("keywords") or []),
        sponsor=(sponsors.get("leadSponsor") or {}).get("name"),
        collaborators=[c.get("name") for c in sponsors.get("collaborators") or [] if c.get("name")],
        start_date=(status.get("startDateStruct") or {}).get("date"),
        completion_date=(status.get("completionDateStruct") or {}).get("date"),
        last_update_posted=(status.get("lastUpdatePostDateStruct") or {}).get("date"),
        enrollment=row[1],
        sex=elig.get("sex"),
        minimum_age=elig.get("minimumAge"),
        maximum_age=elig.get("maximumAge"),
        minimum_age_years=row[2],
        maximum_age_years=row[3],
        healthy_volunteers=healthy if isinstance(healthy, bool) else None,
        brief_summary=(p.get("descriptionModule") or {}).get("briefSummary"),
        eligibility_text=elig.get("eligibilityCriteria"),
        arms=[
            Arm(
                label=a.get("label"),
                type=a.get("type"),
                description=a.get("description"),
                interventions=list(a.get("interventionNames") or []),
            )
            for a in arms_module.get("armGroups") or []
        ],
        interventions=[
            Intervention(
                name=i.get("name"),
                type=i.get("type"),
                description=i.get("description"),
                other_names=list(i.get("otherNames") or []),
                arms=list(i.get("armGroupLabels") or []),
            )
            for i in arms_module.get("interventions") or []
        ],
        sites=[Site(*site) for site in sites],
        first_seen_at=row[4],
        changed_at=row[5],
        changes=changes_since(db, "1970-01-01", nct_id=normal) if with_changes else [],
    )


def render_text(trial: TrialDetail, *, max_sites: int = 25) -> str:
    """The trial as plain text for a terminal."""
    lines = [f"{trial.nct_id}  {trial.brief_title or ''}".rstrip()]
    if trial.acronym:
        lines.append(f"Acronym: {trial.acronym}")
    if trial.official_title and trial.official_title != trial.brief_title:
        lines.append(f"Official title: {trial.official_title}")
    facts = [
        ("Status", trial.overall_status),
        ("Phases", ", ".join(trial.phases) or None),
        ("Study type", trial.study_type),
        ("Sponsor", trial.sponsor),
        ("Collaborators", ", ".join(trial.collaborators) or None),
        ("Conditions", "; ".join(trial.conditions) or None),
        ("Keywords", "; ".join(trial.keywords) or None),
        ("Enrollment", None if trial.enrollment is None else str(trial.enrollment)),
        ("Sex", trial.sex),
        ("Ages", _ages(trial)),
        ("Start", trial.start_date),
        ("Completion", trial.completion_date),
        ("Last update posted", trial.last_update_posted),
        ("Registry page", trial.url),
    ]
    lines += [f"{label}: {value}" for label, value in facts if value]
    if trial.arms:
        lines += ["", "Arms:"]
        for arm in trial.arms:
            kind = f" [{arm.type}]" if arm.type else ""
            lines.append(f"  - {arm.label}{kind}: {', '.join(arm.interventions) or '-'}")
    if trial.interventions:
        lines += ["", "Interventions:"]
        for item in trial.interventions:
            other = f" (also: {', '.join(item.other_names)})" if item.other_names else ""
            lines.append(f"  - {item.name} [{item.type}]{other}")
    lines += ["", f"Sites ({len(trial.sites)}):"]
    for site in trial.sites[:max_sites]:
        place = ", ".join(p for p in (site.facility, site.city, site.state, site.country) if p)
        lines.append(f"  - {place}" + (f" [{site.status}]" if site.status else ""))
    if len(trial.sites) > max_sites:
        lines.append(f"  ... and {len(trial.sites) - max_sites} more (--json lists all)")
    lines += ["", "Eligibility:", trial.eligibility or "(none given)"]
    if trial.changes:
        lines += ["", "Changes recorded:"]
        lines += [f"  {c.changed_at}  {c.summary()}" for c in trial.changes]
    return "\n".join(lines)


def _ages(trial: TrialDetail) -> str | None:
    if not (trial.minimum_age or trial.maximum_age):
        return None
    return f"{trial.minimum_age or 'no minimum'} to {trial.maximum_age or 'no maximum'}"
