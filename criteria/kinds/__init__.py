"""Readers: one module per family of criterion kinds. Each reader takes an `ItemView` and returns
drafts; `criteria.extract` runs them all, in this order, on every item."""

from __future__ import annotations

from collections.abc import Callable

from criteria.extract import Draft, ItemView
from criteria.kinds import biomarkers, disease, labs, patient, rules, therapy

Reader = Callable[[ItemView], list[Draft]]

READERS: tuple[Reader, ...] = (
    rules.read,
    disease.read_stage,
    disease.read_cns,
    disease.read_measurable,
    disease.read_receptors,
    biomarkers.read,
    therapy.read,
    patient.read_performance,
    patient.read_age,
    patient.read_sex,
    patient.read_menopause,
    patient.read_life_expectancy,
    labs.read,
)
