"""One-line summaries of parsed criteria, for tables and explanations.

`describe(criterion)` gives the key fields in a reader's words: "HER2 negative (IHC 0, 1+, 2+;
ISH negative)", "NOT prior fulvestrant | serd", "ECOG 0-1", "anc >= 1.5 x 10^9/L".
"""

from __future__ import annotations

from criteria import model


def _range(low: float | None, high: float | None, unit: str = "") -> str:
    def num(value: float) -> str:
        return f"{value:g}{unit}"

    if low is not None and high is not None:
        return num(low) if low == high else f"{num(low)}-{num(high)}"
    if low is not None:
        return f">= {num(low)}"
    if high is not None:
        return f"<= {num(high)}"
    return "any"


def _therapy(c: model.PriorTherapy) -> str:
    what = " | ".join([*c.agents, *c.classes]) or "therapy"
    parts = [f"{c.relation} {what}"]
    if c.settings:
        parts.append("in " + "/".join(c.settings))
    if c.except_agents or c.except_classes:
        parts.append("except " + ", ".join([*c.except_agents, *c.except_classes]))
    if c.within_days is not None:
        parts.append("ongoing" if c.within_days == 0 else f"within {c.within_days} days")
    if c.within_half_lives is not None:
        parts.append(f"within {c.within_half_lives:g} half-lives")
    if c.cumulative_dose:
        parts.append(f"cumulative dose: {c.cumulative_dose}")
    if c.daily_dose:
        parts.append(f"daily dose: {c.daily_dose}")
    if c.min_duration_months is not None:
        parts.append(f"for >= {c.min_duration_months:g} months")
    if c.max_duration_months is not None:
        parts.append(f"progression within {c.max_duration_months:g} months of starting")
    if c.relapse_within_months is not None:
        parts.append(f"relapse within {c.relapse_within_months:g} months")
    if c.relapse_after_months is not None:
        parts.append(f"relapse after {c.relapse_after_months:g} months")
    if c.most_recent:
        parts.append("as the most recent therapy")
    if c.line is not None:
        parts.append(f"as line {c.line} for advanced disease")
    if c.single_agent:
        parts.append("as a single agent")
    return ", ".join(parts)


def _biomarker(c: model.Biomarker) -> str:
    if c.marker:
        text = c.marker
        if c.comparator is not None and c.value is not None:
            text += f" {c.comparator} {c.value:g}{' ' + c.unit if c.unit else ''}"
        return text
    text = "/".join(c.genes) + (f" {c.alteration}" if c.alteration else "")
    if c.variants:
        text += f" ({'e.g. ' if c.variants_are_examples else ''}{', '.join(c.variants)})"
    extras = [value for value in (c.origin, c.specimen) if value]
    return text + (f" [{', '.join(extras)}]" if extras else "")


def _receptor(c: model.Receptor) -> str:
    text = f"{c.receptor} {c.status}"
    details = []
    if c.min_percent is not None or c.max_percent is not None:
        details.append(_range(c.min_percent, c.max_percent, "%"))
    if c.ihc:
        details.append("IHC " + ", ".join(c.ihc))
    if c.ish:
        details.append(f"ISH {c.ish}")
    return text + (f" ({'; '.join(details)})" if details else "")


def _lab(c: model.Lab) -> str:
    return f"{c.analyte} {c.comparator} {c.value:g}" + (f" {c.unit}" if c.unit else "")


def _fields(c: model.Criterion) -> str:
    if isinstance(c, model.CancerType):
        return c.cancer + (f" ({c.histology})" if c.histology else "")
    if isinstance(c, model.DiseaseStage):
        text = " or ".join(s.replace("_", " ") for s in c.stages)
        if c.not_curable:
            text += ", not curable"
        return text + (f", {c.presentation.replace('_', ' ')}" if c.presentation else "")
    if isinstance(c, model.Receptor):
        return _receptor(c)
    if isinstance(c, model.Biomarker):
        return _biomarker(c)
    if isinstance(c, model.PriorTherapy):
        return _therapy(c)
    if isinstance(c, model.LineCount):
        settings = f" in {'/'.join(c.settings)}" if c.settings else ""
        said = ""
        if c.adjuvant_counts is not None:
            said = "; adjuvant relapse counts" if c.adjuvant_counts else "; adjuvant no line"
        return f"{_range(c.min, c.max)} lines of {c.scope.replace('_', ' ')}{settings}{said}"
    if isinstance(c, model.PerformanceStatus):
        return f"{'ECOG' if c.scale == 'ecog' else 'Karnofsky'} {_range(c.min, c.max)}"
    if isinstance(c, model.Age):
        return f"age {_range(c.min_years, c.max_years)}"
    if isinstance(c, model.Sex):
        return c.sex
    if isinstance(c, model.MenopausalStatus):
        return " or ".join(c.statuses)
    if isinstance(c, model.CnsMetastases):
        return "CNS metastases: " + " or ".join(c.states)
    if isinstance(c, model.MeasurableDisease):
        text = "measurable disease" + (" or bone-only" if c.or_bone_only else "")
        return text + (f" ({c.standard})" if c.standard else "")
    if isinstance(c, model.VisceralCrisis):
        return "visceral crisis"
    if isinstance(c, model.Lab):
        return _lab(c)
    if isinstance(c, model.OrganFunction):
        return "adequate " + (", ".join(c.systems) or "organ") + " function"
    if isinstance(c, model.Comorbidity):
        within = f" within {c.within_years:g} years" if c.within_years is not None else ""
        return c.condition.replace("_", " ") + within
    if isinstance(c, model.LifeExpectancy):
        return f"life expectancy >= {c.min_weeks:g} weeks" if c.min_weeks else "life expectancy"
    if isinstance(c, model.Administrative):
        return c.topic.replace("_", " ")
    return c.reason or ""


def describe(c: model.Criterion) -> str:
    """The criterion's key fields in one line; "NOT" marks a negated statement."""
    text = _fields(c)
    if c.negated:
        text = f"NOT {text}"
    if c.any_of is not None:
        text += f"  [any of #{c.any_of}]"
    if c.exceptions:
        text += f"  [except: {'; '.join(c.exceptions)}]"
    return text
