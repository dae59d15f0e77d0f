"""Facts derived from a profile, as small functions the judges share.

Unknown is a first-class answer: functions return `None` (or a range whose ends differ) when the
profile does not settle the question, and never guess "no".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from criteria import lexicon
from matcher.profile import GeneFinding, MarkerFinding, PartialDate, Profile, Receptors, Treatment

# --- receptors ----------------------------------------------------------------------------------

#: HER2 categories from least to most expression. "zero" is IHC 0 without membrane staining.
HER2_CATEGORIES = ("zero", "ultralow", "low", "positive")


def her2_categories(receptors: Receptors | None) -> frozenset[str] | None:
    """The HER2 categories the profile allows (ASCO/CAP): one when settled, several when not.

    IHC 3+ or ISH-positive -> positive; IHC 2+ with negative ISH, or 1+ -> low; "ultralow" ->
    ultralow; IHC 0 -> zero; IHC 2+ without ISH -> low or positive; category "negative" -> zero,
    ultralow or low. `None` when HER2 is not given.
    """
    her2 = receptors.her2 if receptors else None
    if her2 is None:
        return None
    if isinstance(her2, str):
        return frozenset({"negative": ("zero", "ultralow", "low")}.get(her2, (her2,)))
    if her2.ish == "positive" or her2.ihc == "3+":
        return frozenset({"positive"})
    if her2.ihc == "2+":
        return frozenset({"low"}) if her2.ish == "negative" else frozenset({"low", "positive"})
    if her2.ihc == "1+":
        return frozenset({"low"})
    if her2.ihc == "ultralow":
        return frozenset({"ultralow"})
    if her2.ihc == "0":
        return frozenset({"zero"})
    # only ISH negative is known: anything but positive
    return frozenset({"zero", "ultralow", "low"})


def her2_category(receptors: Receptors | None) -> str | None:
    """The single HER2 category ('zero', 'ultralow', 'low', 'positive'), or None if unsettled."""
    options = her2_categories(receptors)
    return next(iter(options)) if options is not None and len(options) == 1 else None


def receptor_percent_range(receptors: Receptors | None, which: str) -> tuple[float, float] | None:
    """ER or PR staining as a (low, high) percentage range.

    `er_percent` is exact; the words follow ASCO/CAP reporting: positive means more than 10%
    (ER-low is reported as `low`), low is 1-10%, negative is below 1%.
    """
    if receptors is None:
        return None
    percent = getattr(receptors, f"{which}_percent")
    if percent is not None:
        return (percent, percent)
    word = getattr(receptors, which)
    return (
        {"positive": (10.0, 100.0), "low": (1.0, 10.0), "negative": (0.0, 0.99)}.get(word)
        if word
        else None
    )


def hormone_receptor_positive(receptors: Receptors | None) -> bool | None:
    """HR-positive: ER or PR at least 1%. None when neither settles it."""
    er = receptor_percent_range(receptors, "er")
    pr = receptor_percent_range(receptors, "pr")
    if (er and er[0] >= 1) or (pr and pr[0] >= 1):
        return True
    if er and pr and er[1] < 1 and pr[1] < 1:
        return False
    return None


# --- treatments ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Regimen:
    """A treatment with its agents resolved to classes, and its place in the history."""

    index: int
    agents: tuple[str, ...]
    classes: frozenset[str]
    setting: str | None
    start: PartialDate | None
    end: PartialDate | None
    outcome: str | None

    @property
    def counts_as_line(self) -> bool:
        return any(lexicon.counts_as_line(agent) for agent in self.agents)

    def has(self, agents: Iterable[str] = (), classes: Iterable[str] = ()) -> bool:
        return bool(set(agents) & set(self.agents)) or bool(set(classes) & self.classes)

    def describe(self) -> str:
        """'letrozole + palbociclib (metastatic, progression)'."""
        where = ", ".join(x for x in (self.setting, self.outcome) if x)
        return " + ".join(self.agents) + (f" ({where})" if where else "")


def _maintenance(before: Regimen, after: Regimen) -> bool:
    """Whether `after` goes on with some of the drugs of `before`, completed without progression
    just before it in the same setting: maintenance, the same line."""
    return (
        before.outcome == "completed"
        and before.setting == after.setting
        and before.counts_as_line
        and bool(after.agents)
        and set(after.agents) < set(before.agents)
        and not (
            before.end is not None
            and after.start is not None
            and months_between(before.end.latest(), after.start.earliest()) > 2
        )
    )


def maybe_chemotherapy(regimen: Regimen) -> bool:
    """An antibody-drug conjugate (cytotoxic payload) given for advanced disease."""
    return regimen.setting in {"metastatic", None} and "antibody_drug_conjugate" in regimen.classes


def regimens(treatments: Iterable[Treatment]) -> tuple[Regimen, ...]:
    out = []
    for index, t in enumerate(treatments):
        classes: set[str] = set()
        for agent in t.agents:
            classes |= lexicon.drug_classes(agent)
        out.append(
            Regimen(index, t.agents, frozenset(classes), t.setting, t.start, t.end, t.outcome)
        )
    return tuple(out)


def months_between(earlier: dt.date, later: dt.date) -> float:
    return (later - earlier).days / 30.4375


_EARLY = {"adjuvant", "neoadjuvant"}
ANY_SCOPES = {"any", "systemic", "systemic_anticancer_therapy"}

#: Classes too broad to make two regimens one line ("endocrine therapy" after an AI stopped for
#: toxicity may be fulvestrant, a new line); a shared agent or a narrower class does.
_BROAD_CLASSES = frozenset(
    {
        "systemic_anticancer_therapy",
        "endocrine_therapy",
        "targeted_therapy",
        "chemotherapy",
        "kinase_inhibitor",
        "tyrosine_kinase_inhibitor",
        "monoclonal_antibody",
        "immunotherapy",
        "biologic_therapy",
    }
)

#: Relapse within this many months of the end of (neo)adjuvant therapy counts that therapy as a
#: line for advanced disease, the convention most trials state ("relapse during or within 12
#: months of adjuvant endocrine therapy counts as one line").
EARLY_RELAPSE_MONTHS = 12.0


@dataclass(frozen=True)
class TreatmentHistory:
    """Questions about the treatment history. `known` is False when `treatments` was omitted."""

    regimens: tuple[Regimen, ...]
    known: bool
    as_of: dt.date

    @cached_property
    def relapse_date(self) -> PartialDate | None:
        """When advanced disease began: the end of the (neo)adjuvant regimen the disease
        relapsed on, else the start of the first metastatic regimen, if dated."""
        for regimen in self.regimens:
            if regimen.setting in _EARLY and regimen.outcome == "progression" and regimen.end:
                return regimen.end
            if regimen.setting == "metastatic":
                return regimen.start
        return None

    def months_to_relapse(self, regimen: Regimen) -> float | None:
        """Months from the end of an early-setting regimen to relapse; 0 if it relapsed on it."""
        if regimen.outcome == "progression":
            return 0.0
        if regimen.end is None or self.relapse_date is None:
            return None
        return max(0.0, months_between(regimen.end.latest(), self.relapse_date.earliest()))

    def early_relapse(self, regimen: Regimen, months: float = EARLY_RELAPSE_MONTHS) -> bool | None:
        """True when relapse came during or within `months` of this (neo)adjuvant regimen."""
        gap = self.months_to_relapse(regimen)
        return None if gap is None else gap <= months

    @cached_property
    def switched(self) -> frozenset[int]:
        """Regimens that continue the line before them: after a regimen stopped for toxicity
        (not progression), in the same setting, one that keeps one of its drugs or swaps a drug
        for another of the same kind (letrozole + ribociclib stopped for QTc prolongation, then
        letrozole + abemaciclib). Switching drugs within a line to manage toxicity is no new
        line, as trials that define lines say. So does maintenance: after a regimen completed
        without progression, one that goes on with some of its drugs (carboplatin + pemetrexed +
        pembrolizumab, then pemetrexed + pembrolizumab)."""
        out = set()
        for before, after in zip(self.regimens, self.regimens[1:], strict=False):
            if _maintenance(before, after):
                out.add(after.index)
                continue
            if (
                before.outcome == "toxicity"
                and before.setting == after.setting
                and before.counts_as_line
                and (
                    set(before.agents) & set(after.agents)
                    or (before.classes & after.classes) - _BROAD_CLASSES
                )
                and not (
                    before.end is not None
                    and after.start is not None
                    and months_between(before.end.latest(), after.start.earliest()) > 3
                )
            ):
                out.add(after.index)
        return frozenset(out)

    def early_relapses(self) -> bool:
        """Whether relapse came during or soon after some (neo)adjuvant line (`early_relapse`)."""
        return any(
            r.counts_as_line and r.setting in _EARLY and self.early_relapse(r) is True
            for r in self.regimens
        )

    @cached_property
    def latest(self) -> Regimen | None:
        """The most recent line of therapy: the last regimen (the history is oldest first) with
        an agent that counts as anticancer therapy."""
        return next((r for r in reversed(self.regimens) if r.counts_as_line), None)

    def progressions(self) -> list[Regimen]:
        """The regimens the disease progressed on, oldest first, each with its setting."""
        return [r for r in self.regimens if r.outcome == "progression"]

    @cached_property
    def adc_lines(self) -> tuple[Regimen, ...]:
        """Antibody-drug conjugates for advanced disease (T-DXd, sacituzumab govitecan): lines
        that some trials count as chemotherapy and others do not."""
        return tuple(r for r in self.regimens if r.counts_as_line and maybe_chemotherapy(r))

    def advanced_lines(
        self, scope: str, left_out: Iterable[str] = (), adjuvant_counts: bool | None = None
    ) -> tuple[int, int, list[str]]:
        """Lines of therapy for advanced disease within a scope, as (fewest, most, reasons).

        A line is a metastatic-setting regimen with at least one agent that counts as anticancer
        therapy (ovarian suppression and bone agents do not). The (neo)adjuvant therapy counts as
        one line as well when relapse came during it or within 12 months of its end, however
        many regimens it took. `scope` is 'any', or a class id ('endocrine_therapy',
        'chemotherapy', 'cdk4_6_inhibitor', ...). Regimens whose setting or timing is unknown
        widen the range, and so does an antibody-drug conjugate for advanced disease when the
        scope is chemotherapy: trials differ on whether T-DXd or sacituzumab govitecan is a
        chemotherapy line, so a count that hangs on it stays for the investigator.

        `left_out`: classes the count does not take ("other than endocrine therapy"). A regimen
        all of whose counted agents are of them is not a line, nor is an endocrine therapy with
        a targeted partner (fulvestrant + palbociclib) when endocrine therapy is left out; one
        that mixes them with others (osimertinib + chemotherapy, "other than EGFR inhibitors")
        may or may not be, so it widens the range.

        `adjuvant_counts`: what the trial says of (neo)adjuvant therapy. True: an early relapse
        makes it a line for certain; False: it is never a line; None (the trial does not say):
        an early relapse widens the range, as trials differ.
        """
        fewest = most = 0
        reasons: list[str] = []
        early_sure: list[Regimen] = []
        early_maybe = False
        for regimen in self.regimens:
            if not regimen.counts_as_line or regimen.index in self.switched:
                continue
            if adjuvant_counts is False and regimen.setting in _EARLY:
                continue  # "adjuvant endocrine therapy is not considered a line for ABC"
            if not self._in_scope(regimen, scope):
                if scope == "chemotherapy" and regimen in self.adc_lines:
                    most += 1
                    reasons.append(
                        f"{regimen.describe()}: an antibody-drug conjugate, which some trials "
                        "count as chemotherapy"
                    )
                continue
            kept = self.kept(regimen, scope, left_out)
            if kept is False:
                continue
            if kept is None:  # partly of a class left out: the trial may or may not count it
                if regimen.setting in _EARLY:
                    early_maybe = early_maybe or self.early_relapse(regimen) is not False
                    continue
                most += 1
                if regimen.setting == "metastatic":
                    reasons.append(
                        f"{regimen.describe()}: counted or not, as the trial leaves "
                        f"out {', '.join(sorted(set(left_out) & regimen.classes))}"
                    )
                continue
            if regimen.setting == "metastatic":
                fewest += 1
                most += 1
                reasons.append(regimen.describe())
            elif regimen.setting is None:
                most += 1
            else:
                early = self.early_relapse(regimen)
                if early:
                    early_sure.append(regimen)
                elif early is None:
                    early_maybe = True
        if early_sure:
            named = " then ".join(r.describe() for r in early_sure)
            most += 1
            if adjuvant_counts:
                fewest += 1
                reasons.append(f"{named}: relapse within 12 months, a line by the trial's rule")
            else:
                # many trials count it as one line ("relapse within 12 months of adjuvant
                # therapy counts as a line"), others do not ("adjuvant therapy is not a line for
                # ABC"): a count that hangs on it, where the trial does not say, stays for the
                # investigator
                reasons.append(
                    f"{named}: relapse within 12 months, which many trials count as one line"
                )
        elif early_maybe:
            most += 1
        return fewest, most, reasons

    @staticmethod
    def kept(regimen: Regimen, scope: str, left_out: Iterable[str]) -> bool | None:
        """Whether a line count that leaves out some classes or agents counts this regimen (in
        scope): True, False, or None when it may or may not (see `advanced_lines`)."""
        left_out = set(left_out)
        if not left_out:
            return True
        counted = [
            agent
            for agent in regimen.agents
            if lexicon.counts_as_line(agent)
            and (scope in ANY_SCOPES or scope in lexicon.drug_classes(agent))
        ]
        out = [
            agent
            for agent in counted
            if agent in left_out or left_out & lexicon.drug_classes(agent)
        ]
        if not out:
            return True
        rest = [agent for agent in counted if agent not in out]
        if "endocrine_therapy" in left_out:
            # an endocrine line keeps its name with a targeted partner (fulvestrant +
            # palbociclib, exemestane + everolimus): only chemotherapy beside it is another line
            rest = [agent for agent in rest if "chemotherapy" in lexicon.drug_classes(agent)]
        return None if rest else False

    @staticmethod
    def _in_scope(regimen: Regimen, scope: str) -> bool:
        if scope in ANY_SCOPES:
            return True
        return any(
            scope in lexicon.drug_classes(agent) and lexicon.counts_as_line(agent)
            for agent in regimen.agents
        )

    def ongoing_or_ended_within(self, regimen: Regimen, days: int) -> bool | None:
        """Was this regimen given within `days` days before `as_of`?"""
        if regimen.outcome == "ongoing":
            return True
        if regimen.end is None:
            if regimen.start is not None and (self.as_of - regimen.start.latest()).days <= days:
                return True
            return None
        cutoff = self.as_of - dt.timedelta(days=days)
        if regimen.end.earliest() >= cutoff:
            return True
        if regimen.end.latest() < cutoff:
            return False
        return None


# --- biomarkers ---------------------------------------------------------------------------------


def gene_findings(profile: Profile) -> dict[str, list[GeneFinding]]:
    found: dict[str, list[GeneFinding]] = {}
    for finding in profile.biomarkers or ():
        if isinstance(finding, GeneFinding):
            found.setdefault(finding.gene, []).append(finding)
    return found


def marker_findings(profile: Profile) -> dict[str, list[MarkerFinding]]:
    found: dict[str, list[MarkerFinding]] = {}
    for finding in profile.biomarkers or ():
        if isinstance(finding, MarkerFinding):
            found.setdefault(finding.marker, []).append(finding)
    return found


def agents_and_classes(history: TreatmentHistory) -> tuple[frozenset[str], frozenset[str]]:
    """Every agent and class the patient ever received (closure over the class tree)."""
    agents: set[str] = set()
    classes: set[str] = set()
    for regimen in history.regimens:
        agents.update(regimen.agents)
        classes |= regimen.classes
    return frozenset(agents), frozenset(classes)
