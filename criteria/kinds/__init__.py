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
from criteria.fastre import FactorIndex, Factors, declared_gates, union_factors
from criteria.kinds import biomarkers, disease, labs, patient, rules, therapy
from criteria.phrases import phrases

Reader = Callable[[ItemView], list[Draft]]

#: (reader, gate): a reader runs only on items that contain one of its gate's fragments.
READERS: tuple[tuple[Reader, Factors], ...] = (
    (rules.read, None),
    (disease.read_stage, None),
    (disease.read_cns, union_factors(disease._CNS)),
    (disease.read_measurable, union_factors(disease._MEASURABLE, disease._NON_MEASURABLE_ONLY)),
    (disease.read_receptors, None),
    (biomarkers.read, None),
    (therapy.read, None),
    (
        patient.read_performance,
        union_factors(patient._ECOG, patient._PS_GENERIC, patient._KARNOFSKY),
    ),
    (patient.read_age, union_factors(patient._AGE_CONTEXT)),
    (patient.read_sex, union_factors(patient._SEX)),
    (patient.read_menopause, union_factors(patient._MENOPAUSE)),
    (patient.read_menopause_route, union_factors(patient._MENOPAUSE_ROUTE)),
    (patient.read_life_expectancy, union_factors(patient._LIFE)),
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
        self.index = FactorIndex(factor_sets, gates=declared_gates())
        self.rule_positions = frozenset(range(self.rules))
        self.analyte_positions = frozenset(range(self.rules, self.rules + self.analytes))
        #: (position, reader) in reading order
        self.reader_positions = tuple(
            (position, reader)
            for position, (reader, _gate) in enumerate(READERS, self.rules + self.analytes)
        )


@cache
def gates() -> Gates:
    return Gates()
