"""Trials in memory, ready to be judged: loaded once, then matched against many patients.

Identical criteria (same kind and fields, whatever their wording or place) share one semantic id,
so a patient's judgement of "ECOG 0-1" is computed once however many trials ask for it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from criteria.model import CRITERIA, Criterion
from matcher.cancers import ANY_CANCER, SOLID_TUMOR, cancer_categories, covers
from trialmatch.vocab import Phase

#: Fields that do not change what a criterion asks of a patient.
_PRESENTATION = {"text", "span", "item", "evidence", "cohort", "any_of", "section"}


@dataclass(frozen=True, slots=True)
class Site:
    facility: str | None
    city: str | None
    state: str | None
    country: str | None
    status: str | None
    lat: float | None
    lon: float | None


@dataclass(slots=True)
class Trial:
    nct_id: str
    title: str
    acronym: str | None
    overall_status: str
    phases: tuple[str, ...]
    conditions: tuple[str, ...]
    sex: str | None
    min_age: float | None
    max_age: float | None
    sites: tuple[Site, ...]
    criteria: tuple[Criterion, ...]
    keys: tuple[int, ...]
    categories: frozenset[str]
    cohorts: tuple[str, ...]
    parsed: bool

    @property
    def phase_rank(self) -> int:
        order = list(Phase)
        return max(
            (order.index(Phase(p)) for p in self.phases if p in Phase.__members__), default=0
        )


@dataclass
class TrialSet:
    """Every trial of a database, indexed for pre-filtering by cancer category."""

    trials: list[Trial]
    semantic: list[Criterion]
    path: str | None = None
    last_sync: str | None = None
    unparsed: int = 0
    by_category: dict[str, list[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for index, trial in enumerate(self.trials):
            for category in trial.categories or {""}:
                self.by_category.setdefault(category, []).append(index)

    def __len__(self) -> int:
        return len(self.trials)

    def candidates(self, category: str | None) -> list[int]:
        """Indices of trials whose conditions can take a patient with this cancer category, plus
        those whose conditions were not recognised (judged, never assumed)."""
        if category is None:
            return list(range(len(self.trials)))
        keep: set[int] = set()
        for trial_category, indices in self.by_category.items():
            if trial_category == "" or covers(trial_category, category):
                keep.update(indices)
        return sorted(keep)


def trial_categories(conditions: Iterable[str], *titles: str | None) -> frozenset[str]:
    """Cancer categories of a trial from its conditions, falling back to its titles."""
    found: set[str] = set()
    for condition in conditions:
        found |= cancer_categories(condition)
    specific = found - {SOLID_TUMOR, ANY_CANCER}
    if specific or SOLID_TUMOR in found:
        return frozenset(found - {ANY_CANCER}) if specific else frozenset(found)
    for title in titles:
        if title:
            from_title = cancer_categories(title)
            if from_title - {ANY_CANCER}:
                return from_title
    return frozenset(found)


class _Interner:
    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.criteria: list[Criterion] = []

    def key(self, raw: dict[str, object], criterion: Criterion) -> int:
        text = json.dumps({k: v for k, v in raw.items() if k not in _PRESENTATION}, sort_keys=True)
        found = self.ids.get(text)
        if found is None:
            found = self.ids[text] = len(self.criteria)
            self.criteria.append(criterion)
        return found


def load_trials(db_path: str | Path, statuses: tuple[str, ...] | None = None) -> TrialSet:
    """Read every trial (or those with the given overall statuses) from a trial database."""
    from sync.for_matching import last_sync, trial_rows
    from sync.store import open_database

    db = open_database(Path(db_path), readonly=True)
    try:
        interner = _Interner()
        trials = []
        unparsed = 0
        for row in trial_rows(db, statuses):
            criteria: tuple[Criterion, ...] = ()
            keys: tuple[int, ...] = ()
            parsed = row.criteria_json is not None
            if parsed:
                try:
                    raw = json.loads(row.criteria_json or "[]")
                    criteria = tuple(CRITERIA.validate_python(raw))
                    keys = tuple(interner.key(r, c) for r, c in zip(raw, criteria, strict=True))
                except (ValidationError, ValueError):
                    parsed = False
            if not parsed:
                unparsed += 1
            trials.append(
                Trial(
                    nct_id=row.nct_id,
                    title=row.brief_title or row.official_title or row.nct_id,
                    acronym=row.acronym,
                    overall_status=row.overall_status or "UNKNOWN",
                    phases=tuple(row.phases),
                    conditions=tuple(row.conditions),
                    sex=row.sex,
                    min_age=row.minimum_age_years,
                    max_age=row.maximum_age_years,
                    sites=tuple(Site(*s) for s in row.sites),
                    criteria=criteria,
                    keys=keys,
                    categories=trial_categories(
                        row.conditions, row.brief_title, row.official_title
                    ),
                    cohorts=tuple(sorted({c.cohort for c in criteria if c.cohort})),
                    parsed=parsed,
                )
            )
        return TrialSet(
            trials, interner.criteria, path=str(db_path), last_sync=last_sync(db), unparsed=unparsed
        )
    finally:
        db.close()
