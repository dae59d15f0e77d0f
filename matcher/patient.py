"""A profile prepared for judging: derived facts computed once per patient and date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from matcher import facts
from matcher.cancers import cancer_category
from matcher.conditions import condition_ids
from matcher.profile import GeneFinding, MarkerFinding, Profile


@dataclass(eq=False)
class Patient:
    """Everything the judges ask about one patient on one date (`as_of`)."""

    profile: Profile
    as_of: dt.date = field(default_factory=dt.date.today)

    @cached_property
    def history(self) -> facts.TreatmentHistory | None:
        treatments = self.profile.treatments
        if treatments is None:
            return None
        return facts.TreatmentHistory(facts.regimens(treatments), True, self.as_of)

    @cached_property
    def received(self) -> tuple[frozenset[str], frozenset[str]] | None:
        return None if self.history is None else facts.agents_and_classes(self.history)

    @cached_property
    def genes(self) -> dict[str, list[GeneFinding]]:
        return facts.gene_findings(self.profile)

    @cached_property
    def markers(self) -> dict[str, list[MarkerFinding]]:
        return facts.marker_findings(self.profile)

    @cached_property
    def tested_negative(self) -> frozenset[str]:
        """Genes tested and found without any alteration."""
        return frozenset(g for g in self.profile.tested_negative or () if " " not in g)

    @cached_property
    def variants_ruled_out(self) -> dict[str, tuple[str, ...]]:
        """Gene -> the variants tested for and not found ("EGFR T790M"), the gene's other
        changes unknown."""
        found: dict[str, tuple[str, ...]] = {}
        for entry in self.profile.tested_negative or ():
            if " " in entry:
                gene, variant = entry.split(" ", 1)
                found[gene] = (*found.get(gene, ()), variant)
        return found

    @cached_property
    def her2(self) -> frozenset[str] | None:
        return facts.her2_categories(self.profile.receptors)

    @cached_property
    def cancer(self) -> str | None:
        diagnosis = self.profile.diagnosis
        if diagnosis is None or not diagnosis.cancer:
            return None
        return cancer_category(diagnosis.cancer)

    @cached_property
    def conditions(self) -> dict[str, str] | None:
        """Canonical comorbidity id -> the patient's words, or None when not given."""
        if self.profile.conditions is None:
            return None
        found: dict[str, str] = {}
        for text in self.profile.conditions:
            for cid in condition_ids(text):
                found.setdefault(cid, text)
        return found

    @cached_property
    def stage(self) -> str | None:
        return self.profile.diagnosis.stage if self.profile.diagnosis else None

    @cached_property
    def de_novo(self) -> bool | None:
        """Metastatic at diagnosis: as given, else False when early-setting therapy was given."""
        diagnosis = self.profile.diagnosis
        if diagnosis is not None and diagnosis.de_novo is not None:
            return diagnosis.de_novo
        if self.history is not None and any(
            r.setting in {"adjuvant", "neoadjuvant"} for r in self.history.regimens
        ):
            return False
        return None
