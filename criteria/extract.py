"""Apply the phrase rules to one item and return drafts of criteria."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from criteria import model
from criteria.context import Context
from criteria.text import Working
from trialmatch.vocab import Section

_MODELS: dict[str, type[Any]] = {
    "cancer_type": model.CancerType,
    "disease_stage": model.DiseaseStage,
    "receptor": model.Receptor,
    "biomarker": model.Biomarker,
    "prior_therapy": model.PriorTherapy,
    "line_count": model.LineCount,
    "performance_status": model.PerformanceStatus,
    "age": model.Age,
    "sex": model.Sex,
    "menopausal_status": model.MenopausalStatus,
    "cns_metastases": model.CnsMetastases,
    "measurable_disease": model.MeasurableDisease,
    "visceral_crisis": model.VisceralCrisis,
    "lab": model.Lab,
    "organ_function": model.OrganFunction,
    "comorbidity": model.Comorbidity,
    "life_expectancy": model.LifeExpectancy,
    "administrative": model.Administrative,
    "unrecognized": model.Unrecognized,
}


@dataclass(slots=True)
class Draft:
    """A criterion before it knows its item: kind, fields and the words that produced it."""

    kind: str
    fields: dict[str, Any] = field(default_factory=dict)
    evidence: str | None = None
    start: int = 0  #: offset in the working string, to keep criteria in reading order

    def build(self, common: dict[str, Any]) -> model.Criterion:
        values = {**common, **self.fields}
        if self.evidence:
            values["evidence"] = self.evidence
        return _MODELS[self.kind](**values)


def extract_item(
    work: Working, section: Section, context: Context | None, counter: list[int]
) -> list[Draft]:
    """Every criterion one item states, in reading order. Empty when nothing is recognised."""
    return []
