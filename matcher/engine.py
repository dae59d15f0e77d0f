"""Judging a trial for a patient: every criterion, the registry's structured fields, cohorts, and
the contract's verdict rule."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from criteria.model import Criterion
from matcher import cancers
from matcher.cohorts import OTHERS, is_condition
from matcher.joined import apply_joined
from matcher.judgement import (
    GENE_LEVEL,
    Judgement,
    all_results,
    any_of,
    any_result,
    met,
    not_met,
    unknown,
)
from matcher.judges import evaluate
from matcher.judges.tumour import HER2_WORDS
from matcher.patient import Patient
from matcher.trials import Trial
from trialmatch.vocab import Kind, Result, Section, Verdict


@dataclass(frozen=True, slots=True)
class RegistryCheck:
    """A structured registry field judged like a criterion (sex, age limits, conditions)."""

    section: Section
    text: str
    kind: Kind
    negated: bool = False
    any_of: int | None = None
    cohort: str | None = None


Item = Criterion | RegistryCheck


@dataclass(frozen=True, slots=True)
class Judged:
    item: Item
    judgement: Judgement
    source: str  # "registry" | "criteria"


@dataclass(frozen=True, slots=True)
class Decision:
    """An item that decides the verdict: a blocking one, or one still unknown."""

    index: int  # position in `TrialResult.judged`
    exclusion: bool
    judgement: Judgement


@dataclass
class TrialResult:
    """A trial's verdict for one patient. `judgements` follow the order of `judged`: the
    registry's checks first, then the criteria in source order. They are the results the verdict
    counted: one that did not count is `not_applicable` and says why (`_settled_alternatives`,
    `_other_cohort`). `decisive` holds the rows that block, or else those still unknown."""

    trial: Trial
    verdict: Verdict
    judgements: list[Judgement]
    registry: list[RegistryCheck]
    cohort: str | None
    unknowns: int
    decisive: list[Decision] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    target_level: int = 0
    #: how many of the patient's gene findings the trial asks for (ESR1 Y537S and PIK3CA: 2)
    gene_targets: int = 0

    @cached_property
    def judged(self) -> list[Judged]:
        """Every item with its judgement (decodes the trial's criteria text: for display)."""
        items: list[tuple[Item, str]] = [(r, "registry") for r in self.registry]
        items += [(c, "criteria") for c in self.trial.criteria()]
        return [Judged(i, j, src) for (i, src), j in zip(items, self.judgements, strict=True)]


_SEX, _AGE, _CONDITIONS, _UNPARSED, _NO_TEXT = "sex", "age", "conditions", "unparsed", "no text"
_EARLY = "early conditions"
_TITLE = "title"


def registry_keys(trial: Trial) -> list[tuple[object, ...]]:
    """The registry's structured fields a trial sets, as hashable keys (judged once per patient)."""
    keys: list[tuple[object, ...]] = []
    if trial.sex in {"FEMALE", "MALE"}:
        keys.append((_SEX, trial.sex))
    if trial.min_age is not None or trial.max_age is not None:
        keys.append((_AGE, trial.min_age, trial.max_age))
    keys.append((_CONDITIONS, trial.categories, trial.about_cancer))
    if trial.early_conditions:
        keys.append((_EARLY,))
    keys += [(_TITLE, what, value) for what, value in trial.title_limits]
    if not trial.parsed:
        keys.append((_UNPARSED,))
    elif not trial.keys:
        keys.append((_NO_TEXT,))
    return keys


def registry_item(trial: Trial, key: tuple[object, ...]) -> RegistryCheck:
    """How a registry check reads in a report."""
    if key[0] == _SEX:
        return RegistryCheck(
            Section.INCLUSION, f"Sex: {str(key[1]).lower()} (registry field)", Kind.SEX
        )
    if key[0] == _AGE:
        low, high = trial.min_age, trial.max_age
        words = (
            f"at least {low:g}"
            if high is None
            else f"at most {high:g}"
            if low is None
            else f"{low:g} to {high:g}"
        )
        return RegistryCheck(Section.INCLUSION, f"Age: {words} years (registry field)", Kind.AGE)
    if key[0] == _CONDITIONS:
        return _conditions_item(trial)
    if key[0] == _EARLY:
        shown = "; ".join(trial.early_conditions)
        return RegistryCheck(
            Section.INCLUSION,
            f"Conditions name early or localised disease only: {shown} (registry field)",
            Kind.DISEASE_STAGE,
        )
    if key[0] == _TITLE:
        words = str(key[2]).replace("_", " ")
        kind, shown = {
            "stage": (Kind.DISEASE_STAGE, f"{words} disease"),
            "menopause": (Kind.MENOPAUSAL_STATUS, f"{words} women"),
            "her2": (Kind.RECEPTOR, f"HER2-{words} disease"),
        }[str(key[1])]
        return RegistryCheck(
            Section.INCLUSION, f"Title: for {shown} (registry title; the criteria do not say)", kind
        )
    if key[0] == _NO_TEXT:
        return RegistryCheck(
            Section.INCLUSION,
            "Eligibility criteria (none in the registry record)",
            Kind.UNRECOGNIZED,
        )
    return RegistryCheck(
        Section.INCLUSION, "Eligibility criteria (not parsed yet)", Kind.UNRECOGNIZED
    )


_POST_LABEL = re.compile(r"\bpost-?\s?menopaus", re.IGNORECASE)
_PRE_LABEL = re.compile(r"\b(?:pre|peri)-?\s?(?:(?:or|and|/)\s*(?:pre|peri)-?\s?)?menopaus", re.I)


def _menopausal_routes(routes: tuple[str | None, ...], patient: Patient) -> tuple[str | None, ...]:
    """Cohorts labelled by menopausal status ("Premenopausal cohort", "Postmenopausal cohort"):
    a woman whose status is known goes through the one that names it (pre- and perimenopausal
    women together), not the other."""
    status = patient.profile.menopausal_status
    if len(routes) < 2 or status is None or patient.profile.sex == "male":
        return routes  # (most trials: one route; judged for every patient)

    def names(route: str | None) -> frozenset[str] | None:
        if not route:
            return None
        post, pre = _POST_LABEL.search(route), _PRE_LABEL.search(route)
        if bool(post) == bool(pre):
            return None  # neither, or both: not a status label
        return frozenset({"postmenopausal"} if post else {"premenopausal", "perimenopausal"})

    labelled = {route: names(route) for route in routes}
    if not any(labelled.values()):
        return routes
    fitting = tuple(r for r in routes if (named := labelled[r]) is None or status in named)
    return fitting or routes


def _routes_for(trial: Trial, patient: Patient) -> tuple[str | None, ...]:
    """The routes a patient may take. Where a trial's labels are all conditions on patients
    ("Patients with breast cancer (stage II) ...", "Patients with rectal cancer ..."), a patient
    whose cancer a condition names goes through that condition, and only through it: not the
    route of everyone else, nor a condition that names only other cancers."""
    routes: tuple[str | None, ...] = trial.cohorts or (None,)
    routes = _menopausal_routes(routes, patient)
    if OTHERS not in routes or patient.cancer is None:
        return routes
    named = {
        route: cancers.cancer_categories(route) for route in routes if route and is_condition(route)
    }
    mine = {
        route
        for route, categories in named.items()
        if not categories or any(cancers.covers(c, patient.cancer) for c in categories)
    }
    if not any(named[route] for route in mine):
        # no condition names her cancer: everyone else's route, and conditions naming no cancer
        return tuple(route for route in routes if route not in named or route in mine)
    # a condition names her cancer: through it (or a condition naming no cancer), nowhere else
    return tuple(route for route in routes if route in mine) or routes


def judge_registry(key: tuple[object, ...], patient: Patient) -> Judgement:
    profile = patient.profile
    if key[0] == _SEX:
        wanted = str(key[1]).lower()
        if profile.sex is None:
            return unknown("sex not given", "sex")
        if profile.sex == wanted:
            return met(profile.sex)
        return not_met(f"patient is {profile.sex}; the trial enrols {wanted} patients only")
    if key[0] == _AGE:
        low, high = key[1], key[2]
        age = profile.age
        if age is None:
            return unknown("age not given", "age")
        if isinstance(low, float | int) and age < low:
            return not_met(f"age {age:g}; the trial's minimum is {low:g}")
        if isinstance(high, float | int) and age > high:
            return not_met(f"age {age:g}; the trial's maximum is {high:g}")
        return met(f"age {age:g}")
    if key[0] == _CONDITIONS:
        return _conditions(key[1], key[2], patient)  # type: ignore[arg-type]
    if key[0] == _EARLY:
        if patient.stage == "metastatic":
            return not_met(
                "patient has metastatic disease; the trial's conditions are early disease"
            )
        if patient.stage == "early":
            return met("early disease")
        return unknown("whether the disease is early enough for this trial", "disease stage")
    if key[0] == _TITLE:
        return _title_limit(str(key[1]), str(key[2]), patient)
    if key[0] == _NO_TEXT:
        return unknown(
            "the registry record gives no eligibility criteria: check the protocol",
            "the trial's eligibility criteria",
        )
    return unknown(
        "this trial's criteria have not been parsed: run `trialmatch reparse`",
        "criteria the parser could not read",
    )


def _title_limit(what: str, value: str, patient: Patient) -> Judgement:
    """A limit only the title states: met when the patient fits it, otherwise unknown (a title
    is no criterion: the protocol's full criteria decide)."""
    words = value.replace("_", " ")
    if what == "stage":
        have = patient.stage
        if have is None:
            return unknown(f"disease stage not given; the title names {words} disease", "stage")
        if have.replace(" ", "_") == value:
            return met(f"{have} disease, as the title names")
        return unknown(
            f"{have} disease; the title names {words} disease and the criteria state no stage",
            "whether the trial takes this stage (protocol)",
        )
    if what == "her2":
        return _title_her2(value, patient)
    status = patient.profile.menopausal_status
    if patient.profile.sex == "male":
        return unknown(f"a man; the title names {words} women", "whether men are eligible")
    if status is None:
        return unknown(f"menopausal status not given; the title names {words} women", words)
    if status == value:
        return met(f"{status}, as the title names")
    return unknown(
        f"{status}; the title names {words} women and the criteria state no menopausal status",
        "whether the trial takes this menopausal status (protocol)",
    )


#: HER2 categories each title word takes: the receptor judge's, and "expressing" (1+ or more).
_TITLE_HER2_FITS = {**HER2_WORDS, "expressing": {"low", "positive"}}


def _title_her2(value: str, patient: Patient) -> Judgement:
    have = patient.her2
    if have is None:
        return unknown(f"HER2 status not given; the title names HER2-{value} disease", "HER2")
    if have <= _TITLE_HER2_FITS[value]:
        return met(f"HER2 {'/'.join(sorted(have))}, as the title names (HER2-{value})")
    return unknown(
        f"HER2 {'/'.join(sorted(have))}; the title names HER2-{value} disease and the criteria "
        "state no HER2 status",
        "whether the trial takes this HER2 status (protocol)",
    )


def _conditions_item(trial: Trial) -> RegistryCheck:
    shown = "; ".join(trial.conditions[:4]) + ("; ..." if len(trial.conditions) > 4 else "")
    return RegistryCheck(
        Section.INCLUSION,
        f"Conditions: {shown or 'none listed'} (registry field)",
        Kind.CANCER_TYPE,
    )


def _conditions(categories: frozenset[str], about_cancer: bool, patient: Patient) -> Judgement:
    if patient.cancer is None:
        return unknown("cancer type not given", "cancer type")
    diagnosis = patient.profile.diagnosis
    words = diagnosis.cancer if diagnosis and diagnosis.cancer else cancers.label(patient.cancer)
    if not about_cancer:
        return not_met(f"patient has {words}; the trial's conditions name no cancer")
    if not categories:
        return unknown(
            f"the trial's conditions were not recognised as a cancer type; patient has {words}",
            "trial conditions (check by hand)",
        )
    wanted = " or ".join(sorted(cancers.label(c) for c in categories))
    if any(cancers.covers(c, patient.cancer) for c in categories):
        return met(f"patient has {words}; the trial is for {wanted}")
    cancer = patient.cancer
    baskets = sorted(cancers.label(c) for c in categories if cancers.maybe_covers(c, cancer))
    if baskets:
        return unknown(
            f"patient has {words}; the trial is for {wanted}: it takes {words} only as "
            f"{' or '.join(baskets)}",
            f"what the trial's conditions require ({'; '.join(baskets)})",
        )
    return not_met(f"patient has {words}; the trial is for {wanted}")


# --- the verdict ---------------------------------------------------------------------------------


def _blocks(exclusion: bool, result: Result) -> bool:
    return result is Result.MET if exclusion else result is Result.NOT_MET


#: (index, exclusion, any_of, judgement, route): a grouped criterion's route is its source item,
#: whether it names a cancer type, and its way in within the item when the item has several
Unit = tuple[int, bool, int | None, Judgement, tuple[int, bool, int | None] | None]


Grouped = list[tuple[Result, list[Unit]]]  #: each item, or any-of group, with its result


def combine(units: list[Unit]) -> tuple[Verdict, list[Decision], int, Grouped]:
    """The contract's rule over one set of items: ineligible if an inclusion is not met or an
    exclusion applies, eligible if nothing is unknown, else possibly eligible. Items that share
    an `any_of` group count as one (see `group_result`). Returns the verdict, the decisive items
    (blocking ones if ineligible, else unknown ones), the unknown count, and the items and
    groups with their results."""
    grouped: Grouped = []
    groups: dict[tuple[bool, int], list[Unit]] = {}
    for unit in units:
        if unit[2] is None:
            grouped.append((unit[3].result, [unit]))
        else:
            groups.setdefault((unit[1], unit[2]), []).append(unit)
    for members in groups.values():
        grouped.append((group_result(members), members))
    blocking = [m for result, ms in grouped if _blocks(ms[0][1], result) for m in ms]
    if blocking:
        count = sum(1 for result, _ in grouped if result is Result.UNKNOWN)
        return Verdict.INELIGIBLE, [Decision(m[0], m[1], m[3]) for m in blocking], count, grouped
    unknowns = [(result, ms) for result, ms in grouped if result is Result.UNKNOWN]
    if unknowns:
        decisive = [Decision(m[0], m[1], m[3]) for _, ms in unknowns for m in ms]
        return Verdict.POSSIBLY_ELIGIBLE, decisive, len(unknowns), grouped
    return Verdict.ELIGIBLE, [], 0, grouped


def group_result(members: list[Unit]) -> Result:
    """Whether an any-of group holds. Alternatives named in one item ("ER- or PR-positive") hold
    if one does. An inclusion group whose members come from several items ("one of: (a) HR+
    breast cancer after a CDK4/6 inhibitor; (b) a CCNE1-amplified solid tumour") offers one
    route per item, and a route holds only if everything its item states does. The cancers one item
    names are alternatives within its route ("colorectal, pancreatic or ovarian cancer"): a
    patient has one primary cancer. One item can state several routes itself ("after a
    first-generation TKI without T790M; or after osimertinib"): each criterion's `route` says
    which."""
    routes = _group_routes(members)
    if routes is None:
        return any_of([m[3] for m in members])
    return any_result([_route_result(cancers, others) for cancers, others in routes])


Route = tuple[list[Unit], list[Unit]]  #: a way into an any-of group: its cancers, everything else


def _group_routes(members: list[Unit]) -> list[Route] | None:
    """The routes of an inclusion group across several items or ways in (see `group_result`);
    None where the members are plain alternatives."""
    routes: dict[tuple[int | None, int | None], Route] = {}
    for member in members:
        item, cancer, way = member[4] if member[4] is not None else (None, False, None)
        cancers, others = routes.setdefault((item, way), ([], []))
        (cancers if cancer else others).append(member)
    if members[0][1] or len(routes) < 2:
        return None
    return list(routes.values())


def _route_result(cancers: list[Unit], others: list[Unit]) -> Result:
    return all_results(
        [m[3].result for m in others] + ([any_of([m[3] for m in cancers])] if cancers else [])
    )


#: The best cohort so far: (rank, verdict, decisive, unknowns, cohort, units, groups)
_Best = tuple[tuple[int, int], Verdict, list[Decision], int, str | None, list[Unit], Grouped]


#: Why an inclusion alternative's own result does not count, appended to its explanation.
ALTERNATIVE_MET = "an alternative to this is met"
ALTERNATIVE_OPEN = "not met; an alternative to this is still open"
ROUTE_CLOSED = "does not count: this alternative fails on another of its requirements"
_OPEN_OR_FAILED = (Result.NOT_MET, Result.UNKNOWN)
NOT_MET, UNKNOWN = Result.NOT_MET, Result.UNKNOWN


def _settled_alternatives(grouped: Grouped) -> dict[int, str]:
    """The inclusion alternatives whose own result did not count toward the verdict, by
    position in `judgements`, each with the reason: in a group another alternative satisfies,
    every one that fails or is open; in a group still open, every one that fails, and every
    part of a route that another of its parts closes. (A group that fails blocks: all of it
    counts.)"""
    out: dict[int, str] = {}
    for result, members in grouped:
        if members[0][2] is None or members[0][1]:
            continue
        if result is Result.MET:
            for unit in members:
                if unit[3].result in _OPEN_OR_FAILED:
                    out[unit[0]] = ALTERNATIVE_MET
        elif result is Result.UNKNOWN:
            routes = _group_routes(members)
            if routes is None:  # plain alternatives: one that fails leaves the others open
                out.update({u[0]: ALTERNATIVE_OPEN for u in members if u[3].result is NOT_MET})
                continue
            for cancers, others in routes:
                if _route_result(cancers, others) is Result.NOT_MET:  # a closed way in
                    for unit in cancers + others:
                        if unit[3].result is NOT_MET:
                            out[unit[0]] = ALTERNATIVE_OPEN
                        elif unit[3].result is not Result.NOT_APPLICABLE:
                            out[unit[0]] = ROUTE_CLOSED
                    continue
                # an open way in: its cancers are alternatives within it
                cancer_met = any_of([m[3] for m in cancers]) is Result.MET
                for unit in cancers:
                    if unit[3].result is NOT_MET or (cancer_met and unit[3].result is UNKNOWN):
                        out[unit[0]] = ALTERNATIVE_MET if cancer_met else ALTERNATIVE_OPEN
    return out


def _other_cohort(label: str, cohort: str | None) -> str:
    """Why a criterion of a cohort the patient is not judged under does not count."""
    if cohort:
        return f"for {label}; this patient is considered for {cohort}"
    return f"only for {label}, which does not include this patient"


def _as_counted(judgements: list[Judgement], uncounted: dict[int, str]) -> list[Judgement]:
    """The judgements as the verdict counted them: one that did not count is `not_applicable`,
    its explanation still saying what was found, and why it does not count."""
    if not uncounted:
        return judgements
    out = list(judgements)
    for index, why in uncounted.items():
        judgement = out[index]
        out[index] = Judgement(Result.NOT_APPLICABLE, f"{judgement.explanation} ({why})")
    return out


_VERDICT_ORDER = {Verdict.ELIGIBLE: 0, Verdict.POSSIBLY_ELIGIBLE: 1, Verdict.INELIGIBLE: 2}


def judge_trial(
    trial: Trial,
    patient: Patient,
    cache: dict[object, Judgement],
    semantic: list[Criterion],
    *,
    full: bool = True,
) -> TrialResult | None:
    """Judge every item of a trial. With `full=False`, return None as soon as an item that holds
    for every cohort blocks (the trial is ineligible and its details are not needed).

    `cache` holds this patient's judgements by semantic criterion id and registry key. The
    verdict is reached through the best cohort; the judgements returned are reported as it
    counted them (see `TrialResult`)."""
    judgements: list[Judgement] = []
    keys = registry_keys(trial)
    for check in keys:
        judgement = cache.get(check)
        if judgement is None:
            judgement = cache[check] = judge_registry(check, patient)
        if not full and judgement.result is Result.NOT_MET:
            return None
        judgements.append(judgement)
    for key, place in zip(trial.keys, trial.places, strict=True):
        judgement = cache.get(key)
        if judgement is None:
            judgement = cache[key] = evaluate(semantic[key], patient)
        if (
            not full
            and place.any_of is None
            and place.cohort is None
            and not place.joined
            and _blocks(place.exclusion, judgement.result)
        ):
            return None
        judgements.append(judgement)
    offset = len(keys)
    if trial.joined:
        judgements = apply_joined(judgements, offset, trial.joined)
    base: list[Unit] = [(n, False, None, j, None) for n, j in enumerate(judgements[:offset])]
    best: _Best | None = None
    for cohort in _routes_for(trial, patient):
        units = base + [
            (
                offset + n,
                place.exclusion,
                place.any_of,
                judgements[offset + n],
                None if place.item is None else (place.item, place.cancer, place.route),
            )
            for n, place in enumerate(trial.places)
            if place.cohort is None or place.cohort in trial.cohort_labels.get(cohort or "", ())
        ]
        verdict, decisive, count, grouped = combine(units)
        rank = (_VERDICT_ORDER[verdict], count)
        if best is None or rank < best[0]:
            best = (rank, verdict, decisive, count, cohort, units, grouped)
    assert best is not None
    _, verdict, decisive, count, cohort, units, grouped = best
    cohort = cohort or None  # the route of patients no condition label names
    uncounted = _settled_alternatives(grouped)
    if verdict is not Verdict.INELIGIBLE:
        # reached through one cohort: the others' criteria do not count (an ineligible trial
        # failed through every cohort, and each cohort's criteria say why)
        counted = {unit[0] for unit in units}
        for n, place in enumerate(trial.places):
            if offset + n not in counted and place.cohort is not None:
                uncounted[offset + n] = _other_cohort(place.cohort, cohort)
    judgements = _as_counted(judgements, uncounted)
    # what decides, row by row: the results that block, or the open ones that still count (not
    # a group's other members, which say nothing against the trial or settle nothing)
    decisive = [
        d
        for d in decisive
        if d.index not in uncounted
        and (
            _blocks(d.exclusion, d.judgement.result)
            if verdict is Verdict.INELIGIBLE
            else d.judgement.result is Result.UNKNOWN
        )
    ] or decisive
    targets = sorted(
        (
            j
            for _, exclusion, _, j, _ in units
            if j.target and not exclusion and j.result is Result.MET
        ),
        key=lambda jd: -jd.level,
    )
    return TrialResult(
        trial=trial,
        verdict=verdict,
        judgements=judgements,
        registry=[registry_item(trial, key) for key in keys],
        cohort=cohort,
        unknowns=count,
        decisive=decisive,
        targets=list(dict.fromkeys(t.target for t in targets if t.target)),
        target_level=targets[0].level if targets else 0,
        gene_targets=len({t.target for t in targets if t.level >= GENE_LEVEL}),
    )
