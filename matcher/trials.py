"""Trials in memory, ready to be judged: loaded once, then matched against many patients.

Identical criteria (same kind and fields, whatever their wording or place) share one semantic id
and one typed `Criterion`, so a patient's judgement of "ECOG 0-1" is computed once however many
trials ask for it. Per trial only the semantic ids and where each criterion sits (section, any-of
group, cohort) are kept; the criteria's full text is decoded again only for trials that are
shown, which keeps 20,000 trials in a few hundred megabytes.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import msgspec
from pydantic import ValidationError

from criteria import lexicon
from criteria.model import CRITERIA, Biomarker, Criterion
from matcher.cancers import (
    ANY_CANCER,
    SOLID_TUMOR,
    cancer_categories,
    condition_category,
    covers,
    maybe_covers,
)
from matcher.cohorts import routes as cohort_routes
from matcher.joined import Joined, joined_items
from matcher.judges.therapy import is_radiotherapy, other_medicines_only
from trialmatch.vocab import Phase

#: Fields that do not change how a criterion is judged (the section does: an exception the
#: profile cannot settle softens only a blocking result).
_PRESENTATION = frozenset({"text", "span", "item", "evidence", "cohort", "any_of", "route"})
#: Kinds whose judges also read the criterion's words: qualifiers such as "needing insulin",
#: "bone-only disease with a lytic lesion", "uncontrolled symptomatic brain metastases",
#: "progression on at least 2 lines ... for metastatic disease".
_READS_WORDS = {"comorbidity", "measurable_disease", "cns_metastases", "line_count"}


def _reads_words(item: dict[str, Any]) -> bool:
    """Whether judging this criterion reads its text, so that its wording is part of its id:
    a prior therapy's too when it sets a relapse interval ("if X was given, relapse more than
    12 months after"), asks for progression ("progressed on", not "on or after"), names
    radiotherapy (the site: "radiotherapy to the chest"), a daily dose or only other medicines
    (`matcher.judges.therapy`)."""
    kind = item.get("kind")
    return (
        kind in _READS_WORDS
        or (
            kind == "prior_therapy"
            and (
                item.get("relapse_after_months") is not None
                or item.get("relation") == "progressed"
                or item.get("daily_dose") is not None
                or any(is_radiotherapy(k) for k in item.get("classes", ()))
                # other medicines: "long-term use", "precluding intramuscular injections"
                or other_medicines_only(item.get("agents", ()), item.get("classes", ()))
            )
        )
        # an "unless" clause the parse did not keep as an exception (`matcher.judges`)
        or (not item.get("exceptions") and _UNLESS_WORD.search(item.get("text") or "") is not None)
    )


_UNLESS_WORD = re.compile(r"\bunless\b", re.IGNORECASE)


_PHASES = list(Phase)


@dataclass(frozen=True, slots=True)
class Site:
    facility: str | None
    city: str | None
    state: str | None
    country: str | None
    status: str | None
    lat: float | None
    lon: float | None


class Place(NamedTuple):
    """Where a criterion sits: which section, which any-of group, which cohort."""

    exclusion: bool
    any_of: int | None
    cohort: str | None
    joined: bool = False  #: part of an exclusion item whose parts apply together
    item: int | None = None  #: the source item (an any-of group across items: one route each)
    cancer: bool = False  #: names a cancer type (the cancers of one route are alternatives)
    route: int | None = None  #: one of several ways in within one item's any-of group


def places_routes(places: Iterable[Place]) -> dict[str, frozenset[str]]:
    """A trial's routes from its criteria's cohort labels: where inclusion criteria are
    labelled, only their labels make routes (`matcher.cohorts.routes`)."""
    places = list(places)
    entries = {p.cohort for p in places if p.cohort and not p.exclusion}
    return cohort_routes(
        (p.cohort for p in places if p.cohort),
        entries,
        others=bool(entries) and all(_one_way_among_others(label, places) for label in entries),
    )


def _one_way_among_others(label: str, places: list[Place]) -> bool:
    """Whether a label's inclusions are only ways in beside unlabelled ones ("meet 1 of the
    following: ... relapsed within a year of adjuvant ET; for the endocrine-naive cohort: no
    earlier ET"): the label names one more way in, and the unlabelled ways stay open to the
    patients it does not name."""
    groups = {p.any_of for p in places if p.cohort == label and not p.exclusion}
    return None not in groups and all(
        any(p.any_of == group and not p.exclusion and not p.cohort for p in places)
        for group in groups
    )


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
    keys: tuple[int, ...]
    places: tuple[Place, ...]
    categories: frozenset[str]
    cohorts: tuple[
        str, ...
    ]  #: routes: the most specific cohorts, parts and arms (`matcher.cohorts`)
    parsed: bool
    criteria_json: str | None = None
    #: Gene sets the trial requires of every patient (an inclusion biomarker outside any cohort
    #: or any-of group): one of the genes in each set must be altered.
    required_genes: tuple[frozenset[str], ...] = ()
    #: For each route in `cohorts`, the criteria labels that apply to it.
    cohort_labels: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Exclusion items whose parts only apply together (see `matcher.joined`).
    joined: tuple[Joined, ...] = ()
    #: False for observational studies and for interventional ones whose primary purpose is not
    #: treatment (supportive care, screening, diagnostic...); True when the registry does not say.
    treats: bool = True
    #: False when the conditions and title name no cancer, tumour or cancer gene at all
    #: (a trial of another disease, which no cancer patient fits).
    about_cancer: bool = True
    #: The conditions that name early or localised disease, when none names advanced disease
    #: (`early_conditions`): the trial is for early disease.
    early_conditions: tuple[str, ...] = ()
    #: (`title_limits`): what the title restricts that the criteria do not state
    title_limits: tuple[tuple[str, str], ...] = ()

    @property
    def phase_rank(self) -> int:
        return max(
            (_PHASES.index(Phase(p)) for p in self.phases if p in Phase.__members__), default=0
        )

    def criteria(self) -> tuple[Criterion, ...]:
        """The trial's criteria in full (text, span, evidence), decoded on demand."""
        if not self.parsed or not self.criteria_json:
            return ()
        return tuple(CRITERIA.validate_json(self.criteria_json))


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

    def candidates(
        self,
        category: str | None,
        *,
        sex: str | None = None,
        age: float | None = None,
        ruled_out: frozenset[str] = frozenset(),
    ) -> list[int]:
        """Indices of the trials a patient could fit, from what is cheap and certain: the cancer
        category (index; trials whose conditions were not recognised stay in, to be judged),
        the registry's sex and age limits, and genes the trial requires that the patient tested
        negative for. Unknown patient facts never exclude a trial."""
        if category is None:
            keep = set(range(len(self.trials)))
        else:
            keep = set()
            for trial_category, indices in self.by_category.items():
                if (
                    trial_category == ""
                    or covers(trial_category, category)
                    or maybe_covers(trial_category, category)
                ):
                    keep.update(indices)
        wrong_sex = {"female": "MALE", "male": "FEMALE"}.get(sex or "")
        out = []
        for index in sorted(keep):
            trial = self.trials[index]
            if wrong_sex is not None and trial.sex == wrong_sex:
                continue
            if age is not None and (
                (trial.min_age is not None and age < trial.min_age)
                or (trial.max_age is not None and age > trial.max_age)
            ):
                continue
            if ruled_out and any(genes <= ruled_out for genes in trial.required_genes):
                continue
            out.append(index)
        return out


def trial_categories(conditions: Iterable[str], *titles: str | None) -> frozenset[str]:
    """Cancer categories of a trial from its conditions, falling back to its titles."""
    found: set[str] = set()
    for condition in conditions:
        found |= condition_category(condition)
    specific = found - {SOLID_TUMOR, ANY_CANCER}
    if specific or SOLID_TUMOR in found:
        return frozenset(found - {ANY_CANCER}) if specific else frozenset(found)
    for title in titles:
        if title:
            from_title = cancer_categories(title)
            if from_title - {ANY_CANCER}:
                return from_title
    return frozenset(found)


def treats(study_type: str | None, primary_purpose: str | None) -> bool:
    """Is a study a treatment trial (or not said otherwise by the registry)?"""
    if study_type == "OBSERVATIONAL":
        return False
    return primary_purpose in {None, "TREATMENT"}


#: Registry conditions that name early or localised disease ("Localized Resectable Tumor",
#: "Early Breast Cancer", "Breast Cancer Stage I"), and those that name advanced disease.
_EARLY_WORDS = re.compile(
    r"\b(?:locali[sz]ed|resectable|operable|early|non-?metastatic|in situ|DCIS"
    r"|stage\s+(?:0|I{1,3}|[0-3])[ABC]?\b(?!\s*(?:-|to|or|and|/)\s*(?:stage\s+)?(?:IV|4)\b))",
    re.IGNORECASE,
)
_ADVANCED_WORDS = re.compile(
    r"\b(?:metasta\w*|advanced|stage\s+(?:IV|4)|recurren\w*|relaps\w*|refractory|unresectable"
    r"|inoperable)",
    re.IGNORECASE,
)


def early_conditions(conditions: Iterable[str]) -> tuple[str, ...]:
    """The conditions that name early or localised disease; none when a condition names
    advanced disease (then the trial is not for early disease only)."""
    conditions = tuple(conditions)
    if any(_ADVANCED_WORDS.search(c) for c in conditions):
        return ()
    return tuple(c for c in conditions if _EARLY_WORDS.search(c))


#: A title for locally advanced disease only ("... in HR+/HER2- Locally Advanced Breast Cancer"),
#: and one for postmenopausal (or premenopausal) women only.
_TITLE_LOCALLY_ADVANCED = re.compile(r"\blocally[- ]advanced\b", re.IGNORECASE)
_TITLE_ADVANCED = re.compile(
    r"\b(?:metasta\w*|(?<!locally )(?<!locally-)advanced|stage\s+(?:IV|4)|recurren\w*|relaps\w*"
    r"|refractory)",
    re.IGNORECASE,
)
_TITLE_MENOPAUSE = re.compile(r"\b(?P<status>pre|post)[- ]?menopausal\b", re.IGNORECASE)
#: Both named: "pre- and postmenopausal", "pre-/post-menopausal", "postmenopausal or
#: premenopausal", "pre- or perimenopausal and postmenopausal".
_TITLE_BOTH_MENOPAUSE = re.compile(
    r"\b(?:pre|peri)[- ]?\s*(?:\w+[- ]?\s*)?(?:and|or|/)\s*post[- ]?menopausal"
    r"|\bpost[- ]?\s*(?:menopausal\s*)?(?:and|or|/)\s*(?:pre|peri)",
    re.IGNORECASE,
)


def title_limits(criteria: Iterable[Criterion], *titles: str | None) -> tuple[tuple[str, str], ...]:
    """What a trial's titles restrict that its parsed criteria leave unstated: the stage
    ('stage', 'locally_advanced'), the menopausal status ('menopause', 'postmenopausal') and the
    HER2 status ('her2', 'positive' | 'expressing' | 'low' | 'negative'). Registry texts that
    give only "key" criteria often say these in the title alone."""
    text = " ".join(t for t in titles if t)
    criteria = list(criteria)
    stated = {c.kind for c in criteria}
    limits: list[tuple[str, str]] = []
    if (
        "disease_stage" not in stated
        and _TITLE_LOCALLY_ADVANCED.search(text)
        and not _TITLE_ADVANCED.search(text)
    ):
        limits.append(("stage", "locally_advanced"))
    statuses = {m.group("status").lower() for m in _TITLE_MENOPAUSE.finditer(text)}
    if (
        "menopausal_status" not in stated
        and len(statuses) == 1
        and not _TITLE_BOTH_MENOPAUSE.search(text)
    ):
        limits.append(("menopause", f"{statuses.pop()}menopausal"))
    her2 = {_TITLE_HER2_WORDS[m.group("s").lower()] for m in _TITLE_HER2.finditer(text)}
    if len(her2) == 1 and not any(_names_her2(c) for c in criteria):
        limits.append(("her2", her2.pop()))
    return tuple(limits)


_TITLE_HER2 = re.compile(
    r"\bHER-?2[- ]?(?:/neu[- ]?)?(?P<s>positive|\+|over-?expressing|expressing|amplified|low"
    r"|negative|-)(?![\w+-])",
    re.IGNORECASE,
)
_TITLE_HER2_WORDS = {
    "positive": "positive", "+": "positive", "overexpressing": "positive",
    "over-expressing": "positive", "amplified": "positive", "expressing": "expressing",
    "low": "low", "negative": "negative", "-": "negative",
}  # fmt: skip


def _names_her2(criterion: Criterion) -> bool:
    receptor = getattr(criterion, "receptor", None)
    return receptor in {"HER2", "TNBC"} or "ERBB2" in getattr(criterion, "genes", ())


def names_cancer(conditions: Iterable[str], *titles: str | None) -> bool:
    """Do a trial's conditions or titles name any cancer, tumour or cancer gene? Trials listing
    no conditions count as naming one (nothing says they are about another disease)."""
    texts = [*conditions, *(t for t in titles if t)]
    if not conditions:
        return True
    return any(cancer_categories(text) or lexicon.find_gene_mentions(text) for text in texts)


class Interner:
    """Gives each distinct criterion (ignoring presentation) one id and one typed object."""

    def __init__(self) -> None:
        self.ids: dict[bytes, int] = {}
        self.criteria: list[Criterion] = []
        self.places: dict[Place, Place] = {}
        self._encode = msgspec.json.Encoder(order="sorted").encode

    def add(
        self, raw: list[dict[str, Any]]
    ) -> tuple[tuple[int, ...], tuple[Place, ...], tuple[Joined, ...]]:
        """Ids, places and conjunctive exclusion items of one trial's criteria (as decoded
        from their stored JSON)."""
        keys = []
        places = []
        joined = joined_items(raw)
        in_joined = {p for j in joined for p in (*j.qualifiers, *j.parts)}
        for position, item in enumerate(raw):
            skip = _PRESENTATION - {"text", "evidence"} if _reads_words(item) else _PRESENTATION
            text = self._encode({k: v for k, v in item.items() if k not in skip})
            found = self.ids.get(text)
            if found is None:
                criterion = CRITERIA.validate_python([item])[0]
                found = self.ids[text] = len(self.criteria)
                self.criteria.append(criterion)
            keys.append(found)
            place = Place(
                item.get("section") == "exclusion",
                item.get("any_of"),
                item.get("cohort"),
                position in in_joined,
                item.get("item") if item.get("any_of") is not None else None,
                item.get("kind") == "cancer_type",
                item.get("route") if item.get("any_of") is not None else None,
            )
            places.append(self.places.setdefault(place, place))
        return tuple(keys), tuple(places), joined


def _required_genes(
    keys: tuple[int, ...], places: tuple[Place, ...], semantic: list[Criterion]
) -> tuple[frozenset[str], ...]:
    required = []
    for key, place in zip(keys, places, strict=True):
        criterion = semantic[key]
        if (
            isinstance(criterion, Biomarker)
            and not place.exclusion
            and place.any_of is None
            and place.cohort is None
            and not criterion.negated
            and criterion.genes
        ):
            required.append(frozenset(criterion.genes))
    return tuple(required)


def load_trials(db_path: str | Path, statuses: tuple[str, ...] | None = None) -> TrialSet:
    """Read every trial (or those with the given overall statuses) from a trial database."""
    from sync.for_matching import last_sync, trial_rows
    from sync.store import open_database

    db = open_database(Path(db_path), readonly=True)
    decode = msgspec.json.Decoder(list[dict[str, Any]]).decode
    try:
        interner = Interner()
        trials = []
        unparsed = 0
        for row in trial_rows(db, statuses):
            keys: tuple[int, ...] = ()
            places: tuple[Place, ...] = ()
            joined: tuple[Joined, ...] = ()
            parsed = row.criteria_json is not None
            if parsed:
                try:
                    keys, places, joined = interner.add(decode(row.criteria_json or "[]"))
                except (ValidationError, msgspec.DecodeError, ValueError):
                    parsed = False
            if not parsed:
                unparsed += 1
            required = _required_genes(keys, places, interner.criteria)
            routes = places_routes(places)
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
                    keys=keys,
                    places=places,
                    categories=trial_categories(
                        row.conditions, row.brief_title, row.official_title
                    ),
                    cohorts=tuple(routes),
                    cohort_labels=routes,
                    parsed=parsed,
                    criteria_json=row.criteria_json if parsed else None,
                    required_genes=required,
                    joined=joined,
                    treats=treats(row.study_type, row.primary_purpose),
                    about_cancer=names_cancer(row.conditions, row.brief_title, row.official_title),
                    early_conditions=early_conditions(row.conditions),
                    title_limits=title_limits(
                        (interner.criteria[k] for k in keys),
                        row.brief_title,
                        row.official_title,
                    ),
                )
            )
        loaded = TrialSet(
            trials, interner.criteria, path=str(db_path), last_sync=last_sync(db), unparsed=unparsed
        )
        # The trial set lives as long as the process. Moving it out of the collector's sight
        # keeps full collections from walking its million objects in the middle of a match
        # (0.3-0.5 s pauses on 20,000 trials), and keeps forked cohort workers from touching
        # (and so copying) its pages.
        gc.collect()
        gc.freeze()
        return loaded
    finally:
        db.close()
