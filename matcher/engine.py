"""Judging a trial for a patient: every criterion, the registry's structured fields, cohorts, and
the contract's verdict rule."""

from __future__ import annotations

from dataclasses import dataclass, field

from criteria.model import Criterion
from matcher import cancers
from matcher.judgement import Judgement, any_of, met, not_met, unknown
from matcher.judges import evaluate
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


@dataclass(slots=True)
class TrialResult:
    """A trial's verdict for one patient, with every judged item in source order."""

    trial: Trial
    verdict: Verdict
    judged: list[Judged]
    cohort: str | None
    unknowns: int
    decisive: list[Judged] = field(default_factory=list)  # blocking or unknown, in the cohort used
    targets: list[str] = field(default_factory=list)
    target_level: int = 0


def registry_checks(trial: Trial, patient: Patient) -> list[Judged]:
    """The registry's own eligibility fields, judged first: they are cheap and decisive."""
    checks: list[Judged] = []
    profile = patient.profile
    if trial.sex in {"FEMALE", "MALE"}:
        wanted = trial.sex.lower()
        item = RegistryCheck(Section.INCLUSION, f"Sex: {wanted} (registry field)", Kind.SEX)
        if profile.sex is None:
            result = unknown("sex not given", "sex")
        elif profile.sex == wanted:
            result = met(profile.sex)
        else:
            result = not_met(f"patient is {profile.sex}; the trial enrols {wanted} patients only")
        checks.append(Judged(item, result, "registry"))
    if trial.min_age is not None or trial.max_age is not None:
        limits = " to ".join(
            x
            for x in (
                f"{trial.min_age:g}" if trial.min_age is not None else "",
                f"{trial.max_age:g}" if trial.max_age is not None else "",
            )
            if x
        )
        words = (
            f"at least {trial.min_age:g}"
            if trial.max_age is None
            else f"at most {trial.max_age:g}"
            if trial.min_age is None
            else limits
        )
        item = RegistryCheck(Section.INCLUSION, f"Age: {words} years (registry field)", Kind.AGE)
        age = profile.age
        if age is None:
            result = unknown("age not given", "age")
        elif trial.min_age is not None and age < trial.min_age:
            result = not_met(f"age {age:g}; the trial's minimum is {trial.min_age:g}")
        elif trial.max_age is not None and age > trial.max_age:
            result = not_met(f"age {age:g}; the trial's maximum is {trial.max_age:g}")
        else:
            result = met(f"age {age:g}")
        checks.append(Judged(item, result, "registry"))
    checks.append(Judged(_conditions_item(trial), _conditions(trial, patient), "registry"))
    if not trial.parsed:
        item = RegistryCheck(
            Section.INCLUSION, "Eligibility criteria (not parsed yet)", Kind.UNRECOGNIZED
        )
        checks.append(
            Judged(
                item,
                unknown(
                    "this trial's criteria have not been parsed: run `trialmatch reparse`",
                    "criteria the parser could not read",
                ),
                "registry",
            )
        )
    return checks


def _conditions_item(trial: Trial) -> RegistryCheck:
    shown = "; ".join(trial.conditions[:4]) + ("; ..." if len(trial.conditions) > 4 else "")
    return RegistryCheck(
        Section.INCLUSION,
        f"Conditions: {shown or 'none listed'} (registry field)",
        Kind.CANCER_TYPE,
    )


def _conditions(trial: Trial, patient: Patient) -> Judgement:
    if patient.cancer is None:
        return unknown("cancer type not given", "cancer type")
    diagnosis = patient.profile.diagnosis
    words = diagnosis.cancer if diagnosis and diagnosis.cancer else cancers.label(patient.cancer)
    if not trial.categories:
        return unknown(
            f"the trial's conditions were not recognised as a cancer type; patient has {words}",
            "trial conditions (check by hand)",
        )
    if any(cancers.covers(c, patient.cancer) for c in trial.categories):
        return met(f"patient has {words}; the trial is for {_category_words(trial)}")
    return not_met(f"patient has {words}; the trial is for {_category_words(trial)}")


def _category_words(trial: Trial) -> str:
    return " or ".join(sorted(cancers.label(c) for c in trial.categories))


# --- the verdict ---------------------------------------------------------------------------------


def _blocks(item: Item, result: Result) -> bool:
    return (
        (result is Result.NOT_MET) if item.section is Section.INCLUSION else (result is Result.MET)
    )


def combine(judged: list[Judged]) -> tuple[Verdict, list[Judged], int]:
    """The contract's rule over one set of items: ineligible if an inclusion is not met or an
    exclusion applies, eligible if nothing is unknown, else possibly eligible. Items that share
    an `any_of` group count as one (the group holds if one of them holds). Returns the verdict,
    the decisive items (blocking ones if ineligible, else unknown ones) and the unknown count."""
    units: list[tuple[Result, list[Judged]]] = []
    groups: dict[tuple[Section, int], list[Judged]] = {}
    for entry in judged:
        group = entry.item.any_of
        if group is None:
            units.append((entry.judgement.result, [entry]))
        else:
            groups.setdefault((entry.item.section, group), []).append(entry)
    for members in groups.values():
        units.append((any_of([m.judgement for m in members]), members))
    blocking = [e for result, members in units if _blocks(members[0].item, result) for e in members]
    unknowns = [e for result, members in units if result is Result.UNKNOWN for e in members]
    count = sum(1 for result, _ in units if result is Result.UNKNOWN)
    if blocking:
        return Verdict.INELIGIBLE, blocking, count
    if unknowns:
        return Verdict.POSSIBLY_ELIGIBLE, unknowns, count
    return Verdict.ELIGIBLE, [], 0


_VERDICT_ORDER = {Verdict.ELIGIBLE: 0, Verdict.POSSIBLY_ELIGIBLE: 1, Verdict.INELIGIBLE: 2}


def judge_trial(
    trial: Trial,
    patient: Patient,
    cache: dict[int, Judgement],
    semantic: list[Criterion],
    *,
    full: bool = True,
) -> TrialResult | None:
    """Judge every item of a trial. With `full=False`, return None as soon as an item that holds
    for every cohort blocks (the trial is ineligible and its details are not needed)."""
    judged = registry_checks(trial, patient)
    if not full and any(_blocks(j.item, j.judgement.result) for j in judged):
        return None
    for criterion, key in zip(trial.criteria, trial.keys, strict=True):
        judgement = cache.get(key)
        if judgement is None:
            judgement = cache[key] = evaluate(semantic[key], patient)
        if (
            not full
            and criterion.any_of is None
            and criterion.cohort is None
            and _blocks(criterion, judgement.result)
        ):
            return None
        judged.append(Judged(criterion, judgement, "criteria"))
    best: tuple[Verdict, list[Judged], int, str | None, list[Judged]] | None = None
    for cohort in trial.cohorts or (None,):
        members = [j for j in judged if j.item.cohort in (None, cohort)]
        verdict, decisive, count = combine(members)
        rank = (_VERDICT_ORDER[verdict], count)
        if best is None or rank < (_VERDICT_ORDER[best[0]], best[2]):
            best = (verdict, decisive, count, cohort, members)
    assert best is not None
    verdict, decisive, count, cohort, members = best
    targets = sorted(
        (
            j.judgement
            for j in members
            if j.judgement.target
            and j.item.section is Section.INCLUSION
            and j.judgement.result is Result.MET
        ),
        key=lambda jd: -jd.level,
    )
    names = list(dict.fromkeys(t.target for t in targets if t.target))
    return TrialResult(
        trial=trial,
        verdict=verdict,
        judged=judged,
        cohort=cohort,
        unknowns=count,
        decisive=decisive,
        targets=names,
        target_level=targets[0].level if targets else 0,
    )
