"""What a judge says about one criterion for one patient."""

from __future__ import annotations

from dataclasses import dataclass, replace

from trialmatch.vocab import Result

#: How specifically a trial targets a patient's finding; higher ranks first.
VARIANT_LEVEL = 3
GENE_LEVEL = 2
CLASS_LEVEL = 1


@dataclass(frozen=True, slots=True)
class Judgement:
    """The result of a criterion's positive statement for a patient, and why.

    `missing` names the fact that would settle an unknown ("ESR1 status"); `target` names the
    patient's finding the criterion selects for ("ESR1 Y537S") and `level` how specifically.
    """

    result: Result
    explanation: str
    missing: str | None = None
    target: str | None = None
    level: int = 0

    def negate(self) -> Judgement:
        flipped = {Result.MET: Result.NOT_MET, Result.NOT_MET: Result.MET}.get(
            self.result, self.result
        )
        # "HER2-low; criterion: HER2-positive" for "never HER2-positive": say what is asked
        explanation = self.explanation.replace("; criterion: ", "; criterion: not ", 1)
        return replace(self, result=flipped, explanation=explanation, target=None, level=0)


def met(explanation: str, target: str | None = None, level: int = 0) -> Judgement:
    return Judgement(Result.MET, explanation, target=target, level=level)


def not_met(explanation: str) -> Judgement:
    return Judgement(Result.NOT_MET, explanation)


def unknown(explanation: str, missing: str | None) -> Judgement:
    return Judgement(Result.UNKNOWN, explanation, missing=missing)


def not_applicable(explanation: str) -> Judgement:
    return Judgement(Result.NOT_APPLICABLE, explanation)


def any_of(judgements: list[Judgement]) -> Result:
    """Alternatives: met if one is met, not met if all are not met, else unknown."""
    return any_result([j.result for j in judgements])


def any_result(outcomes: list[Result]) -> Result:
    """`any_of` over results."""
    results = set(outcomes)
    if Result.MET in results:
        return Result.MET
    if results <= {Result.NOT_MET, Result.NOT_APPLICABLE} and Result.NOT_MET in results:
        return Result.NOT_MET
    if results == {Result.NOT_APPLICABLE}:
        return Result.NOT_APPLICABLE
    return Result.UNKNOWN


def all_of(judgements: list[Judgement]) -> Result:
    """Conditions that must all hold: not met if one is not met, unknown if one is unknown,
    else met (a `not_applicable` one does not stand in the way)."""
    return all_results([j.result for j in judgements])


def all_results(outcomes: list[Result]) -> Result:
    """`all_of` over results."""
    results = set(outcomes)
    if Result.NOT_MET in results:
        return Result.NOT_MET
    if Result.UNKNOWN in results:
        return Result.UNKNOWN
    return Result.MET if results - {Result.NOT_APPLICABLE} else Result.NOT_APPLICABLE


def compare(value: float, comparator: str, threshold: float) -> bool:
    return {
        ">=": value >= threshold,
        ">": value > threshold,
        "<=": value <= threshold,
        "<": value < threshold,
        "=": value == threshold,
    }[comparator]


def compare_range(low: float, high: float, comparator: str, threshold: float) -> bool | None:
    """Compare a value known only to lie in [low, high]: True/False when settled, else None."""
    at_low, at_high = compare(low, comparator, threshold), compare(high, comparator, threshold)
    if at_low and at_high:
        return True
    if not at_low and not at_high:
        return False
    return None
