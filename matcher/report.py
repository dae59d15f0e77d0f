"""A match report as the contract's JSON (CONTRACTS.md section 2) and as short reasons for tables.

Extensions to the contract, all additive: `as_of`, `open_questions`, and per match `cohort`; per
criterion `source` ("criteria" or "registry"), `cohort`, `any_of` (criteria sharing the number
are alternatives: one of them is enough), `route` (within one item's group, the criteria of one
way in, which hold together) and `missing` (the fact that would settle an unknown).

Each `result` is the one the verdict counted (`matcher.engine.judge_trial`), so the contract's
rule over the rows gives `verdict`: a criterion that did not count (an alternative another one
settles, a part of a way in another part rules out, a criterion of a cohort the patient is not
considered for) is `not_applicable`, its explanation saying what was found and, in parentheses,
why it does not count.
"""

from __future__ import annotations

from typing import Any

from matcher.engine import Decision, Judged, TrialResult
from matcher.match import Match, MatchReport
from trialmatch.vocab import Result, Verdict


def report_json(report: MatchReport) -> dict[str, Any]:
    return {
        "patient_id": report.patient_id,
        "generated_at": report.generated_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "as_of": report.as_of.isoformat(),
        "database": report.database,
        "matches": [match_json(m) for m in report.matches],
        "open_questions": [
            {"fact": q.fact, "trials": q.trials, "sole": q.sole} for q in report.open_questions
        ],
    }


def match_json(match: Match) -> dict[str, Any]:
    result = match.result
    trial = result.trial
    near = match.nearest
    return {
        "rank": match.rank,
        "nct_id": trial.nct_id,
        "title": trial.title,
        "overall_status": trial.overall_status,
        "phases": list(trial.phases),
        "verdict": result.verdict.value,
        "score": match.score,
        "targets": result.targets,
        "cohort": result.cohort,
        "criteria": [judged_json(j) for j in result.judged],
        "nearest_site": None
        if near is None
        else {
            "facility": near.site.facility,
            "city": near.site.city,
            "country": near.site.country,
            "status": near.site.status,
            "distance_km": near.distance_km,
        },
    }


def judged_json(entry: Judged) -> dict[str, Any]:
    item, judgement = entry.item, entry.judgement
    out: dict[str, Any] = {
        "section": item.section.value,
        "text": item.text,
        "kind": item.kind.value if hasattr(item.kind, "value") else str(item.kind),
        "result": judgement.result.value,
        "explanation": judgement.explanation,
        "source": entry.source,
    }
    if item.cohort:
        out["cohort"] = item.cohort
    if item.any_of is not None:
        out["any_of"] = item.any_of
        route = getattr(item, "route", None)
        if route is not None:
            out["route"] = route
    if judgement.result is Result.UNKNOWN and judgement.missing:
        out["missing"] = judgement.missing
    return out


def why(result: TrialResult, limit: int = 2) -> str:
    """One line for a table: what the trial targets, what blocks it, or what is still open."""
    if result.verdict is Verdict.INELIGIBLE:
        reasons = [_reason(j) for j in result.decisive[:limit]]
        return "; ".join(reasons)
    parts = []
    if result.targets:
        parts.append("targets " + ", ".join(result.targets))
    if result.verdict is Verdict.POSSIBLY_ELIGIBLE:
        facts = list(dict.fromkeys(j.judgement.missing or "other" for j in result.decisive))
        shown = ", ".join(facts[:3]) + (f" +{len(facts) - 3}" if len(facts) > 3 else "")
        parts.append(f"open: {shown}")
    if result.cohort:
        parts.append(f"via {result.cohort}")
    return "; ".join(parts) or "all criteria met"


def _reason(entry: Decision) -> str:
    verb = "excluded" if entry.exclusion else "not met"
    return f"{verb}: {entry.judgement.explanation}"
