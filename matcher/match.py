"""Matching one patient against a set of trials: judge, rank, explain, and say which missing facts
would settle the unknowns."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from matcher.engine import TrialResult, judge_trial
from matcher.judgement import Judgement
from matcher.patient import Patient
from matcher.profile import Profile
from matcher.rank import NearestSite, nearest_site, score, sort_key
from matcher.trials import Trial, TrialSet
from trialmatch.vocab import OPEN_STATUSES, Verdict


@dataclass(slots=True)
class Match:
    rank: int
    score: float
    result: TrialResult
    nearest: NearestSite | None

    @property
    def trial(self) -> Trial:
        return self.result.trial

    @property
    def verdict(self) -> Verdict:
        return self.result.verdict


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    """A missing fact, and how many possibly-eligible trials it would help decide."""

    fact: str
    trials: int
    sole: int  # trials where it is the only open question


@dataclass(slots=True)
class MatchReport:
    patient_id: str
    generated_at: dt.datetime
    as_of: dt.date
    database: dict[str, object]
    matches: list[Match]
    open_questions: list[OpenQuestion] = field(default_factory=list)
    considered: int = 0
    #: trials left out for their overall status (the `--status` filter), before any judging
    other_status: int = 0


def match_patient(
    profile: Profile,
    trials: TrialSet,
    *,
    as_of: dt.date | None = None,
    statuses: Iterable[str] | None = tuple(OPEN_STATUSES),
    include_ineligible: bool = False,
    top: int | None = None,
) -> MatchReport:
    """Rank the trials for one patient.

    `statuses=None` considers trials of any overall status (`--status any`); by default only
    recruiting and not-yet-recruiting ones. Ineligible trials are listed, with their reasons, only
    with `include_ineligible` (`--all`). Nothing here touches the network or writes anywhere.
    """
    day = as_of or dt.date.today()
    patient = Patient(profile, day)
    wanted = set(statuses) if statuses is not None else None
    indices = (
        range(len(trials.trials))
        if include_ineligible
        else trials.candidates(
            patient.cancer,
            sex=profile.sex,
            age=profile.age,
            ruled_out=patient.tested_negative - set(patient.genes),
        )
    )
    cache: dict[object, Judgement] = {}
    results: list[TrialResult] = []
    other_status = 0
    for index in indices:
        trial = trials.trials[index]
        if wanted is not None and trial.overall_status not in wanted:
            other_status += 1
            continue
        result = judge_trial(trial, patient, cache, trials.semantic, full=include_ineligible)
        if result is None or (result.verdict is Verdict.INELIGIBLE and not include_ineligible):
            continue
        results.append(result)
    ranked = []
    for result in results:
        near = nearest_site(result.trial, profile.location)
        ranked.append((sort_key(result, near), result, near))
    ranked.sort(key=lambda item: item[0])
    matches = [
        Match(rank=n, score=score(result, near), result=result, nearest=near)
        for n, (_, result, near) in enumerate(ranked, 1)
    ]
    questions = open_questions(m.result for m in matches)
    if top is not None:
        matches = matches[:top]
    return MatchReport(
        patient_id=profile.id,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        as_of=day,
        database={"path": trials.path, "last_sync": trials.last_sync, "trials": len(trials)},
        matches=matches,
        open_questions=questions,
        considered=len(indices),
        other_status=other_status,
    )


def open_questions(results: Iterable[TrialResult]) -> list[OpenQuestion]:
    """Missing facts ranked by how many possibly-eligible trials they would help decide."""
    needed: Counter[str] = Counter()
    sole: Counter[str] = Counter()
    for result in results:
        if result.verdict is not Verdict.POSSIBLY_ELIGIBLE:
            continue
        facts = {j.judgement.missing or "other" for j in result.decisive}
        for fact in facts:
            needed[fact] += 1
        if len(facts) == 1:
            sole[next(iter(facts))] += 1
    return [
        OpenQuestion(fact, count, sole[fact])
        for fact, count in sorted(needed.items(), key=lambda kv: (-kv[1], -sole[kv[0]], kv[0]))
    ]
