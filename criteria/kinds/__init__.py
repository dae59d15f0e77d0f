"""Readers: one module per family of criterion kinds. Each reader takes an `ItemView` and returns
drafts; `criteria.extract` runs them on every item whose words pass the reader's gate.

Gates (see `criteria.fastre`) are fragments without which a reader cannot find anything; the phrase
rules' and analytes' gates are derived from their patterns. All gates are checked at once per item
through one `FactorIndex`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from criteria.extract import Draft, ItemView
from criteria.fastre import FactorIndex, Factors, keywords
from criteria.kinds import biomarkers, disease, labs, patient, rules, therapy
from criteria.phrases import phrases

Reader = Callable[[ItemView], list[Draft]]

#: (reader, gate): a reader runs only on items that contain one of its gate's fragments.
READERS: tuple[tuple[Reader, Factors], ...] = (
    (rules.read, None),
    (disease.read_stage, None),
    (
        disease.read_cns,
        keywords(
            "brain", "cns", "central nervous", "cranial", "cerebr", "mening", "spinal", "parenchym"
        ),
    ),
    (disease.read_measurable, keywords("measur", "evaluable", "target lesion")),
    (disease.read_receptors, None),
    (biomarkers.read, None),
    (therapy.read, None),
    (
        patient.read_performance,
        keywords(
            "ecog", "eastern", "who", "zubrod", "karnofsky", "kps", "lansky", "performance", "ps"
        ),
    ),
    (patient.read_age, keywords("age", "year", "adult", "older", "yrs", "y/o", "y.o")),
    (
        patient.read_sex,
        keywords(
            "women", "woman", "female", "men", "male", "ladies", "girl", "boy", "sex", "gender"
        ),
    ),
    (patient.read_menopause, keywords("menopaus")),
    (patient.read_life_expectancy, keywords("life expectancy", "surviv", "live")),
    (labs.read, None),
)


class Gates:
    """Positions in one `FactorIndex`: phrase rules, then analytes, then readers."""

    def __init__(self) -> None:
        data = phrases()
        self.rules = len(data.rules)
        self.analytes = len(data.analytes)
        factor_sets: list[Factors] = [r.gated.factors for r in data.rules]
        factor_sets += [a.gated.factors for a in data.analytes]
        factor_sets += [gate for _, gate in READERS]
        self.index = FactorIndex(factor_sets)


@cache
def gates() -> Gates:
    return Gates()
