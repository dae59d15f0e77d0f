"""Apply the phrase rules to one item and return drafts of criteria, in reading order.

Each reader in `criteria.kinds` looks at the item's normalised words (`ItemView.work`) and returns
`Draft`s: the kind, its fields and the evidence (quoted from the item as written). This module
runs the readers, drops drafts that another reader explains better (a lab threshold inside a
comorbidity phrase, a stage word inside an exception), applies what a list introduction passes
down, and groups genuine alternatives ("A or B" in an inclusion item) with a shared `any_of`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from types import ModuleType
from typing import TYPE_CHECKING, Any

from criteria import cues, lexicon, model
from criteria.context import OR_INELIGIBLE, WASHOUT_INTRO, Context
from criteria.fastre import GateWords, Words, gate_words
from criteria.text import Working
from trialmatch.vocab import Section

if TYPE_CHECKING:
    from criteria.kinds import Gates

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

#: Kinds that state what the patient's disease is; everything else is a condition around it.
_CORE = frozenset(
    {"receptor", "biomarker", "prior_therapy", "line_count", "performance_status", "lab", "age"}
)


_COVERING = frozenset({"prior_therapy", "line_count"})
_COVERED = frozenset({"receptor", "disease_stage", "cancer_type", "biomarker"})
#: Criteria whose own words may qualify them with a stage or a cancer ("symptomatic, advanced
#: visceral spread", "brain metastases from breast cancer").
_QUALIFIED = frozenset({"visceral_crisis", "cns_metastases"})
_SETTING_WORDS = frozenset({"disease_stage", "cancer_type"})
_SETTING_READERS = _COVERING | _QUALIFIED  #: drafts whose words can name a setting


#: "(chemotherapy) for (advanced) ALK-positive NSCLC": a marker naming the disease a therapy
#: was given for.
_FOR_DISEASE_BEFORE = re.compile(r"\b(?:for|in)\s+(?:the\s+)?(?:[\w/-]+\s+){0,2}$", re.I)
_DISEASE_AFTER = re.compile(
    r"[\s-]*(?:[\w-]+\s+){0,2}?(?:NSCLC|disease|cancer|carcinoma|tumou?rs?|malignanc\w*|MBC|BC)"
    r"\b",
    re.I,
)


def _names_treated_disease(draft: Draft, w: str) -> bool:
    return bool(
        _FOR_DISEASE_BEFORE.search(w, max(0, draft.start - 40), draft.start)
        and _DISEASE_AFTER.match(w, draft.end)
    )


def _covered(draft: Draft, by: list[Draft]) -> bool:
    """Every phrase of `draft` lies within the words of another draft in `by`."""
    return all(
        any(
            c is not draft and a <= start and end <= b
            for c in by
            for a, b in (
                # a covering phrase's own parts, unless it is a therapy with its setting
                c.parts if c.parts and c.kind not in _COVERING else ((c.start, c.end),)
            )
        )
        for start, end in (draft.parts or ((draft.start, draft.end),))
    )


@dataclass(slots=True)
class Draft:
    """A criterion before it knows its item: kind, fields and the words that produced it."""

    kind: str
    fields: dict[str, Any] = field(default_factory=dict)
    evidence: str | None = None
    start: int = 0  #: offset in the working string, to keep criteria in reading order
    end: int = 0
    run_end: int = 0  #: where the words naming a therapy end (prior_therapy drafts)
    #: the separate phrases a draft joins ("advanced ... metastatic"), when it joins several
    parts: tuple[tuple[int, int], ...] = ()
    #: its words name a therapy's setting ("for advanced disease"), not the patient's disease
    setting: bool = False

    def no_requirement(self) -> Draft:
        """'Requires nothing', read from this draft's words (a permission, a receptor accepted
        with either status, a definition): kept so that the item is represented."""
        return Draft("administrative", {"topic": "no_requirement"}, self.evidence, self.start,
                     self.end)  # fmt: skip

    def with_fields(self, fields: dict[str, Any]) -> Draft:
        """A copy with other fields (the parser's memo copies every draft it keeps or replays;
        a direct call is several times cheaper than `dataclasses.replace`)."""
        return Draft(
            self.kind,
            fields,
            self.evidence,
            self.start,
            self.end,
            self.run_end,
            self.parts,
            self.setting,
        )

    def build(self, common: dict[str, Any]) -> model.Criterion:
        values = {**common, **self.fields}
        if self.evidence:
            values["evidence"] = self.evidence
        # the model's validator called directly: what `Model(**values)` runs, without the
        # keyword packing and the Python frame of `BaseModel.__init__` (no model here has its own)
        built: model.Criterion = _MODELS[self.kind].__pydantic_validator__.validate_python(values)
        return built


@dataclass(slots=True)
class ItemView:
    """One item as the readers see it."""

    work: Working
    section: Section
    context: Context | None
    exceptions: list[cues.Exception_] = field(default_factory=list)

    #: plain attributes, not properties: the readers read them several hundred thousand times
    w: str = field(init=False)  #: the working string the readers match against
    low: str = field(init=False)  #: `w` in lower case, for the fast gates of `criteria.fastre`
    words: Words = field(init=False)
    rule_candidates: frozenset[int] = frozenset()  #: phrase rules that can match (positions)
    analyte_candidates: frozenset[int] = frozenset()  #: analytes that can match (positions)
    #: `has(gate)`: a cheap gate, does the lower-cased item contain any of the gate's words?
    #: Every item is scanned for all declared gate words at once (in `extract_item`); `has` is
    #: the bound `__contains__` of the set of gates opened, which the readers call about 40
    #: times per item: a builtin call, without the frame of a method
    has: Callable[[GateWords], bool] = field(init=False)
    _drugs: list[lexicon.Mention] | None = None
    _genes: list[lexicon.Mention] | None = None
    #: results a reader computes once per item and span (several therapies share a clause)
    memo: dict[tuple[object, ...], Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.w = self.work.work
        self.words = Words(self.w.lower())
        self.low = self.words.lower

    @property
    def drugs(self) -> list[lexicon.Mention]:
        if self._drugs is None:
            self._drugs = _drug_mentions(self.work.work, self.low, self.words.sequence)
        return self._drugs

    @property
    def genes(self) -> list[lexicon.Mention]:
        if self._genes is None:
            self._genes = _gene_mentions(self.work.work, self.low, self.words.sequence)
        return self._genes

    def evidence(self, start: int, end: int) -> str:
        return self.work.evidence(start, end)

    def exception_texts(self, start: int, skip: Collection[int] = frozenset()) -> tuple[str, ...]:
        """Exception clauses that follow a phrase starting at `start` in the same sentence
        (but those starting at a position in `skip`)."""
        out: list[str] = []
        for span in self.exceptions:
            if span.start < start or span.start in skip:
                continue
            between = self.w[start : span.start]
            if cues.SENTENCE_END.search(between):
                continue
            out.append(self.evidence(span.start, span.end).strip("() "))
        return tuple(out)

    def in_exception(self, position: int) -> bool:
        return cues.inside(self.exceptions, position) is not None

    def negated(self, start: int, end: int) -> bool:
        if cues.negated_before(self.w, start):
            return True
        return self.section == Section.INCLUSION and cues.negated_after(self.w, end)

    def draft(self, kind: str, start: int, end: int, **fields: Any) -> Draft:
        return Draft(kind, fields, self.evidence(start, end), start, end)


_WASHOUT_INTRO_WORDS = gate_words("passed", "elapsed", "wash")
_BEYOND_WORDS = gate_words("beyond")


def extract_item(
    work: Working, section: Section, context: Context | None, counter: list[int]
) -> list[Draft]:
    """Every criterion one item states, in reading order. Empty when nothing is recognised."""
    clauses, layout = _stages()
    view = ItemView(work, section, context)
    found, opened = layout.index.read(view.words)
    view.has = opened.__contains__
    if view.has(cues.EXCEPTION_WORDS):
        view.exceptions = cues.exceptions(work.work)
    view.rule_candidates = frozenset(found & layout.rule_positions)
    analytes = found & layout.analyte_positions
    view.analyte_candidates = (
        frozenset(i - layout.rules for i in analytes) if analytes else frozenset()
    )
    drafts: list[Draft] = []
    for position, reader in layout.reader_positions:
        if position in found:
            drafts.extend(reader(view))
    if drafts and view.has(_TARGET_WORDS):
        drafts = _without_target_notes(drafts, view)
    if len(drafts) > 1 and view.has(_DEFINED_WORDS):
        drafts = _without_conditions_defined_by_labs(drafts, view)
    if len(drafts) > 1 and "(" in view.w:
        drafts = _without_subgroups(drafts, view)
    if view.has(_WASHOUT_INTRO_WORDS) and _washout_intro(view.w):
        # "At least the following periods must have passed since the last dose:" introduces
        # washouts; it asks for no prior therapy itself
        drafts = [d for d in drafts if d.kind != "prior_therapy"] or [
            view.draft("administrative", 0, len(view.w.rstrip(" :")), topic="washout_rule")
        ]
    if view.exceptions and drafts and view.has(_BEYOND_WORDS):
        # "therapies beyond one regimen of platinum chemotherapy": the count is what is
        # excepted (its text goes with the rule's criterion), not a criterion of its own
        drafts = [d for d in drafts if d.kind != "line_count" or not _beyond(view, d.start)]
    if view.exceptions and view.section == Section.EXCLUSION and len(drafts) > 1:
        # "Anticancer therapy for MBC (with the exception of one prior hormonal regimen)": the
        # count is what the exclusion lets in, carried by the rule's exception text
        ruled = [d for d in drafts if d.kind == "prior_therapy" and d.fields.get("exceptions")]
        if ruled:
            drafts = [
                d
                for d in drafts
                if d.kind != "line_count"
                or cues.inside(view.exceptions, d.start) is None
                or not any(r.start < d.start for r in ruled)
            ]
    drafts = _resolve_overlaps(drafts, view)
    drafts.sort(key=lambda d: (d.start, d.end))
    drafts = clauses.apply_however_eligible(clauses.drop_sequence_alternatives(drafts, view), view)
    drafts = clauses.apply_early_permission(drafts, view)
    drafts = clauses.drop_permitted_therapies(clauses.drop_permitted(drafts, view), view)
    drafts = clauses.drop_counting(clauses.drop_quota_therapies(drafts, view), view)
    drafts = clauses.drop_definitions(clauses.drop_disease_treatment(drafts, view), view)
    drafts = clauses.drop_allowed_if(clauses.drop_case_by_case(drafts, view), view)
    drafts = clauses.drop_either_way(clauses.drop_allowances(drafts, view), view)
    drafts = clauses.drop_permitting_notes(drafts, view)
    drafts = clauses.apply_adjuvant_permission(drafts, view)
    drafts = clauses.apply_inclusion_washouts(drafts, view)
    drafts = clauses.apply_listed_routes(drafts, view, counter)
    drafts = clauses.apply_routes(drafts, view, counter)
    drafts = clauses.apply_conditions(drafts, view, counter)
    clauses.apply_either(drafts, view, counter)
    clauses.apply_presentation(drafts, view, counter)
    if view.section == Section.EXCLUSION and drafts and view.has(_RULE_NOT_WORDS):
        _rules_stated_as_inclusions(drafts, view)
    if view.section == Section.INCLUSION and drafts:
        _other_ways_in(drafts, view)
        if view.has(_SENTENCE_NOT_WORDS):
            _conditions_of_a_negated_sentence(drafts, view)
    if view.has(_COHORT_WORDS) and len(view.w) > 40:
        _mid_item_cohorts(drafts, view)
    _apply_context(drafts, view, counter)
    _group_alternatives(drafts, view, counter)
    for progression, count in view.memo.get(COUNT_PROGRESSION, ()):
        if count.fields.get("any_of") is not None:
            progression.fields["any_of"] = count.fields["any_of"]
            if view.context is None or view.context.any_of != count.fields["any_of"]:
                _same_route(drafts, count, progression)  # a group of this item's own
    if view.section == Section.INCLUSION:
        for half, whole in view.memo.get(ALTERNATIVE_PAIRS, ()):
            if half in drafts and whole in drafts and "any_of" not in half.fields:
                if "any_of" not in whole.fields:
                    counter[0] += 1
                    whole.fields["any_of"] = counter[0]
                half.fields["any_of"] = whole.fields["any_of"]
    clauses.group_cancer_types(drafts, view, counter)
    clauses.inherit_windows(drafts, view)
    if view.exceptions:
        _own_exception_kept(drafts)
    if "initial" in view.low or "upfront" in view.low:
        drafts = [d for d in drafts if not _optional_before(d, view.w)]
    return drafts


#: "(4.5-6 years of an AI,) either as initial therapy or after prior tamoxifen": the therapy
#: after "or" is one way to have come to the AI, not a requirement.
_INITIAL_OR_AFTER = re.compile(
    r"\bas\s+(?:initial|first|upfront|up-front|primary|first-line)\s+(?:adjuvant\s+)?"
    r"(?:therapy|treatment)\s*,?\s+or\s+(?:after|following)\s+(?:prior\s+|previous\s+|initial\s+)?$",
    re.IGNORECASE,
)


def _optional_before(draft: Draft, w: str) -> bool:
    return _asked_therapy_after(draft, w, _INITIAL_OR_AFTER, max(0, draft.start - 80))


def _own_exception_kept(drafts: list[Draft]) -> None:
    """'Prior docetaxel, except adjuvant docetaxel given > 1 year before': the exception names
    the therapy itself with a setting or a time, so it does not except the drug (which would
    leave nothing barred); its words stay the criterion's exception."""
    for draft in drafts:
        if draft.kind != "prior_therapy":
            continue
        for own, excepted in (("agents", "except_agents"), ("classes", "except_classes")):
            same = set(draft.fields.get(own) or ()) & set(draft.fields.get(excepted) or ())
            if same:
                draft.fields[excepted] = tuple(x for x in draft.fields[excepted] if x not in same)


@cache
def _stages() -> tuple[ModuleType, Gates]:
    """The clause rules and the readers' gates, imported once on first use (both modules import
    this one; an import statement in `extract_item` would cost a lookup for every item)."""
    from criteria import clauses
    from criteria.kinds import gates

    return clauses, gates()


def _gene_mentions(work: str, low: str, tokens: list[str] | None = None) -> list[lexicon.Mention]:
    """The lexicon's gene mentions, skipped when no gene name can start in the item."""
    if not lexicon.could_mention_gene(low, tokens):
        return []
    return lexicon.find_gene_mentions(work)


def _drug_mentions(work: str, low: str, tokens: list[str] | None = None) -> list[lexicon.Mention]:
    """The lexicon's drug mentions, skipped when no name can start in the item (the corpus test
    `test_parse_corpus.py::test_drug_gate_is_exact` holds the gate to that)."""
    if not lexicon.could_mention_drug(low, tokens):
        return []
    return lexicon.find_drug_mentions(work)


#: Fields that tie a prior therapy to a time: a washout, a relapse interval, a minimum duration.
TIMING_FIELDS = frozenset(
    {
        "within_days",
        "within_half_lives",
        "relapse_within_months",
        "relapse_after_months",
        "min_duration_months",
    }
)
#: `ItemView.memo` key: spans of a lab's second threshold and its situation ("INR <= 1.5 (<= 3 if
#: on warfarin)"), noted by `criteria.kinds.labs`. A therapy or condition named there says when
#: the second threshold applies, not what the patient must (not) have.
LAB_SITUATIONS = ("lab situations",)
#: `ItemView.memo` key: drafts a reader or clause read whole with their condition ("brain
#: metastases are eligible if treated"); `clauses.apply_conditions` leaves them as they are.
SETTLED = ("settled drafts",)
#: `ItemView.memo` key: (progression, count) pairs of "progression after 1-2 lines of X": the
#: progression takes the count's any-of group.
COUNT_PROGRESSION = ("count progression",)
#: `ItemView.memo` key: (added, first) pairs that in an inclusion item are alternatives: the two
#: halves of an elliptical "or" ("within 12 months of adjuvant or within 1 month of metastatic
#: X"), or "progression on, or intolerance to, X" read as one criterion each.
ALTERNATIVE_PAIRS = ("alternative pairs",)


def _same_route(drafts: list[Draft], count: Draft, progression: Draft) -> None:
    """'Recurrence on adjuvant ET, or progression after 1-2 lines of ET': the count and its
    progression are one way in, which holds only when both do; the group's other members stay
    ways in of their own."""
    members = [d for d in drafts if d.fields.get("any_of") == count.fields["any_of"]]
    if count.fields.get("route") is None and len(members) > 2:
        number = max((d.fields.get("route") or 0) for d in members)
        for draft in members:
            if draft is not progression and draft.fields.get("route") is None:
                number += 1
                draft.fields["route"] = number
    if count.fields.get("route") is not None:
        progression.fields["route"] = count.fields["route"]


def settle(view: ItemView, draft: Draft) -> Draft:
    """Mark a draft as read with its condition (see `SETTLED`)."""
    view.memo.setdefault(SETTLED, set()).add(id(draft))
    return draft


_SITUATION_KINDS = frozenset({"prior_therapy", "comorbidity", "cns_metastases"})


_ANTICOAGULANT_WORDS = gate_words("anticoag", "anti-coag")
#: A coagulation limit's bracket or clause saying whom it is for: "(no anticoagulant therapy)",
#: "for patients who do not receive therapeutic anticoagulation".
_NOT_ON_ANTICOAGULANTS = re.compile(
    r"(?:\(\s*(?:no|not\s+on|without)\s+|\b(?:for|in)\s+(?:patients|participants|subjects)\s+"
    r"(?:who\s+(?:are|do)\s+not\s+|not\s+)(?:on\s+|receiv\w*\s+|tak\w*\s+)?)"
    r"(?:therapeutic\s+|full[- ]dose\s+)?anti-?coagula",
    re.IGNORECASE,
)


def _resolve_overlaps(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """Where a specific reading covers the same words as a generic one, keep the specific one.

    A therapy or line count covers the stage and receptor words of its setting ("no prior
    therapy for advanced HR+ disease" says nothing about the patient's stage by itself).
    """
    if not drafts:
        return []  # most items: nothing to resolve
    situations = view.memo.get(LAB_SITUATIONS)
    if situations:
        drafts = [
            d
            for d in drafts
            if d.kind not in _SITUATION_KINDS or not any(s <= d.start < e for s, e in situations)
        ]
    if view.has(_ANTICOAGULANT_WORDS) and any(d.kind == "lab" for d in drafts):
        whom = [m.span() for m in _NOT_ON_ANTICOAGULANTS.finditer(view.w)]
        if whom:
            # "INR <= 1.5 x ULN (no anticoagulant therapy)": whom the limit is for, no bar
            drafts = [
                d
                for d in drafts
                if not (
                    d.kind in _SITUATION_KINDS
                    and d.fields.get("negated")
                    and any(d.start < b and a < d.end for a, b in whom)
                )
            ]
    #: the kinds read: the steps below only drop drafts (or make one "administrative"), so a
    #: step for a kind not read is skipped without looking through the drafts again
    read_kinds = {d.kind for d in drafts}
    keep: list[Draft] = []
    specific = [d for d in drafts if d.kind in _CORE]
    covering = [d for d in drafts if d.kind in _COVERING]
    settings = [d for d in drafts if d.kind in _SETTING_READERS]
    for draft in drafts:
        # (`_covered` by no draft is never covered: the tests skip the call when there are none)
        if draft.kind in _COVERED and covering and _covered(draft, covering):
            continue
        if draft.kind in _SETTING_WORDS and (
            (settings and _covered(draft, settings)) or (draft.setting and covering)
        ):
            continue  # "chemotherapy for advanced disease", "visceral spread that is advanced"
        if (
            draft.kind == "biomarker"
            and covering
            and view.section == Section.EXCLUSION
            and _names_treated_disease(draft, view.w)
        ):
            continue  # "(excluded:) chemotherapy for ALK-positive NSCLC": not the ALK fusion
        if draft.kind in _CORE or draft.kind == "unrecognized":
            keep.append(draft)
            continue
        covered = any(
            s.start <= draft.start and draft.end <= s.end and s is not draft for s in specific
        )
        if not covered:
            keep.append(draft)
    cns = "cns_metastases" in read_kinds
    if cns and view.section == Section.EXCLUSION and any(d.kind == "cns_metastases" for d in keep):
        # "(must not be) receiving steroids for brain metastases": the drug is what excludes
        keep = [d for d in keep if not _cns_purpose(d, view.w)]
    # steroids or anticonvulsants named with brain metastases qualify them ("needing steroids")
    if cns and any(d.kind == "cns_metastases" for d in keep):
        keep = [d for d in keep if not _cns_qualifier(d)]
    # "diabetes that needs insulin", "autoimmune disease that required systemic treatment":
    # the therapy says how serious the condition is, not what the patient must (not) have had
    qualified = (
        [d for d in keep if d.kind in _CONDITIONS] if not read_kinds.isdisjoint(_CONDITIONS) else []
    )
    if qualified:
        keep = [d for d in keep if not _condition_qualifier(d, qualified, view.w)]
    labs = sum(d.kind == "lab" for d in keep) if "lab" in read_kinds else 0
    if labs >= 2 or (labs and view.section == Section.EXCLUSION):
        # "adequate organ function: ANC >= 1.5, ...", "blood tests outside these limits: ...":
        # the item's own thresholds say what adequate means
        keep = [d for d in keep if d.kind != "organ_function"]
    if view.section == Section.EXCLUSION:
        # "(inadequate function, as shown by any of) the following laboratory values:" in an
        # exclusion item: the values that exclude are the abnormal ones
        for draft in keep:
            if (
                draft.kind == "organ_function"
                and not draft.fields.get("negated")
                and not _ADEQUATE.search(draft.evidence or "")
            ):
                draft.fields["negated"] = True
    topics = (
        {d.fields.get("topic") for d in keep if d.kind == "administrative"}
        if "administrative" in read_kinds
        else set()
    )
    if view.section == Section.INCLUSION and (
        "ovarian_suppression" in topics or any(d.kind == "menopausal_status" for d in keep)
    ):
        # "postmenopausal, or on ovarian suppression with a GnRH agonist", "amenorrhoea in the
        # absence of chemotherapy or tamoxifen": the drugs define menopausal status
        keep = [d for d in keep if not _menopause_definition(d, view.w)]
        if _PRE_AND_POST.search(view.w):
            # "pre- and/or post-menopausal women; postmenopausal is defined as aged >= 60 ...":
            # both are accepted, the definition only says which is which
            keep = [
                d
                for d in keep
                if not (d.kind == "menopausal_status" and len(d.fields.get("statuses", ())) == 1)
            ]
    receptors = "receptor" in read_kinds and view.section == Section.INCLUSION
    if receptors and len(keep) > 1 and view.has(_IF_WORDS):
        # "previously treated with anti-HER2 therapy if the tumor is HER2+": the status says
        # which patients the therapy is asked of, not what every patient must have
        asked = [d.start for d in keep if d.kind in ("prior_therapy", "line_count")]
        keep = [
            d
            for d in keep
            if d.kind != "receptor"
            or not asked
            or min(asked) > d.start
            or not _IF_THE_TUMOUR_IS.search(view.w, max(0, d.start - 60), d.start)
            or not _CONDITION_ENDS.match(view.w, d.end)
        ]
    if receptors and any(d.kind == "receptor" for d in keep):
        keep = _either_status(keep, view.w)
    if receptors and sum(d.kind == "receptor" for d in keep) >= 2:
        keep = _without_any_status(keep, view.w)
    conditions = (
        {d.fields.get("condition") for d in keep if d.kind == "comorbidity"}
        if "comorbidity" in read_kinds
        else set()
    )
    if "other_malignancy" in conditions:
        # "another cancer, other than breast cancer": the cancer named is not the trial's
        keep = [d for d in keep if d.kind != "cancer_type"]
    if "enrolment_cap" in topics:
        # "once the 50% cap for RAS wild-type has been reached, only RAS-mutant participants
        # will be eligible": how many of a kind may enrol, not who
        keep = [d for d in keep if d.kind not in {"biomarker", "receptor", "cancer_type"}]
    if "compliance" in topics:
        # "willing to comply with scheduled visits, laboratory tests and other procedures": the
        # tests are what the patient agrees to, not a bar on organ function
        keep = [d for d in keep if d.kind != "organ_function" or d.fields.get("systems")]
    if "study_conduct" in topics:
        # "Patients who never receive a dose of X will be discontinued from the study", "Exit
        # criteria: ...": what happens after enrolment, which asks nothing of the patient now
        # (in that sentence: a long item may state real criteria in others)
        conduct = _topic_sentences(keep, view, "study_conduct")
        keep = [
            d
            for d in keep
            if d.kind == "administrative" or not any(a <= d.start < b for a, b in conduct)
        ]
    if "tissue" in topics:
        # "tissue from the metastatic breast cancer": the words describe the sample (in the
        # sample's sentence: a long item may state the stage it asks for in another)
        samples = _topic_sentences(keep, view, "tissue")
        keep = [
            d
            for d in keep
            if d.kind not in {"cancer_type", "disease_stage"}
            or not (any(a <= d.start < b for a, b in samples) or _SAMPLE_AFTER.match(view.w, d.end))
        ]
    if topics & {"pregnancy", "contraception"}:
        # "pregnant or breastfeeding females", "male participants must not donate sperm"
        # "women of childbearing potential (not postmenopausal)": a definition, not a bar;
        # "contraception until 6 months after the last dose of paclitaxel": not a history;
        # "... for 90 days after the last investigational drug dose" asks for no such drug, and
        # "amenorrhoeic for 12 months (not after chemotherapy)" defines who can bear children
        keep = [
            d
            for d in keep
            if d.kind not in {"sex", "menopausal_status"}
            and not (
                d.kind == "prior_therapy"
                and (
                    _STUDY_DRUG.search(view.w[max(0, d.start - 45) : d.start])
                    or (
                        not d.fields.get("negated")
                        and view.section == Section.INCLUSION
                        # ("must have progressed on hormonal therapy" beside them still asks)
                        and d.fields.get("relation") != "progressed"
                    )
                    or "amenorrh" in view.low
                )
            )
        ]
    if (
        view.section == Section.EXCLUSION
        and "cancer_type" in read_kinds
        and any(d.kind == "cancer_type" for d in keep)
    ):
        keep = _qualified_cancers(keep, view.w)
    if view.section == Section.EXCLUSION:
        _exclusion_prohibitions(keep, view.w)
        keep = [d for d in keep if not _admission_condition(d, view.w) and not _required(d, view.w)]
    kinds = [d.kind for d in keep]
    repeated = {kind for kind in kinds if kinds.count(kind) > 1}
    if not repeated:
        return keep  # nothing to deduplicate
    # one criterion per kind and identical fields (only a kind read twice can repeat one: the
    # key, its fields' text, costs more than all the rest)
    seen: set[tuple[str, str]] = set()
    unique: list[Draft] = []
    for draft in keep:
        if draft.kind not in repeated:
            unique.append(draft)
            continue
        key = (draft.kind, repr(sorted(draft.fields.items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(draft)
    return unique


#: Ovarian suppression: a way to reach postmenopausal status, not a line of anticancer therapy.
_SUPPRESSION = frozenset({"ovarian_function_suppression", "gnrh_agonist", "gnrh_antagonist"})
_DEFINING = re.compile(
    r"\b(?:absence of|without|not (?:due to|induced by|caused by|secondary to|related to)"
    r"|cessation of|(?:after|following) (?:stopping|discontinu\w+|withdrawal of))\b"
    r"[^.;)]{0,80}$"
    r"|\bamenorrh\w*[^.;)]{0,50}\b(?:after|following|since)\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)
_INDUCED = re.compile(r"^[\s-]*(?:induced|related|associated)\b", re.IGNORECASE)


def _menopause_definition(draft: Draft, w: str) -> bool:
    if draft.kind != "prior_therapy":
        return False
    classes = set(draft.fields.get("classes", ()))
    agents = draft.fields.get("agents", ())
    if (
        (classes or agents)
        and classes <= _SUPPRESSION
        and all(lexicon.drug_classes(a) & _SUPPRESSION for a in agents)
    ):
        return True
    before = w[max(0, draft.start - 120) : draft.start]
    return bool(
        _DEFINING.search(before)
        or _INDUCED.match(w[draft.run_end :])
        or _DEFINITION.search(w)  # "postmenopausal is defined as: ..., currently on tamoxifen"
    )


_PRE_AND_POST = re.compile(
    r"\bpre[\s-]*(?:menopausal)?\s*(?:and/or|or|,|/)\s*(?:peri[\s-]*(?:menopausal)?\s*(?:and/or|or|,"
    r"|/)\s*)?post[\s-]*menopausal",
    re.IGNORECASE,
)
#: "contraception until 6 months after the last dose of paclitaxel", "the effects of X on the
#: fetus": the study's drugs, named in a pregnancy or contraception item
_STUDY_DRUG = re.compile(
    r"(?:(?:(?:last|final|first)\s+)?(?:dose|administration|infusion)s?\s+(?:of\s+)?(?:the\s+)?"
    r"|effects?\s+of\s+"
    r"|exposure\s+to\s+|(?:starting|start of|initiation of)\s+)(?:[\w-]+\s+)?$",
    re.IGNORECASE,
)
_DEFINITION = re.compile(r"\bdefin(?:ed|ition)\b", re.IGNORECASE)


_CONDITIONS = frozenset({"comorbidity", "visceral_crisis", "cns_metastases", "organ_function"})
_NEEDING = re.compile(
    r"\b(?:requir\w*|need\w*|call(?:s|ed|ing)? for|treated (?:with|by)|managed (?:with|by)"
    r"|controlled (?:with|by|on)|dependent on|that (?:needs?|required))\s+(?:[\w-]+\s+){0,3}$",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"[;.]\s")


#: "Patients must not be receiving X", "may not have uncontrolled diabetes", "They were required
#: not to be on steroids" written in an exclusion list: a prohibition, stated twice over.
_PROHIBITION = re.compile(
    r"\b(?:(?:(?:must|may|should|shall|can|could)\s*not|cannot|(?:required|expected) not to"
    r"|not to)\s+(?:be\s+)?(?:also\s+|currently\s+)?(?:(?P<now>receiving|taking|using|on"
    r"|treated with)|have(?:\s+had|\s+received)?|had|receive|take|use|administer)"
    r"|\b(?:is|are|was|were) not (?:currently\s+)?(?P<now2>receiving|taking))"
    r"\s+(?:(?!discontinu|stop|complet|finish|recover|interrupt|end)\w+\s+){0,3}$",
    re.IGNORECASE,
)
_PROHIBITED_KINDS = frozenset({"prior_therapy", "comorbidity"})
_PROHIBITION_GATE = re.compile(r"\bnot\b|\bcannot\b", re.IGNORECASE)


#: An exclusion item that opens with "No": "No prior cytotoxic therapy for advanced disease",
#: "No other concurrent anticancer therapy" (the older layout lists exclusions so).
_LEADING_NO = re.compile(
    r"^[\W\d]*(?:[A-Za-z][\w /-]{0,30}:\s*)?no\b(?!\s+(?:evidence|sign|signs)\b)", re.I
)
_DOUBLE_NEGATIVE_KINDS = frozenset({"prior_therapy", "comorbidity", "cns_metastases"})


def _exclusion_prohibitions(drafts: list[Draft], w: str) -> None:
    """In an exclusion item, "must not / may not / is not ..." excludes what it names: the
    negation belongs to the author's wording, not to the criterion. So does a leading "No"
    ("No prior PARP inhibitor" under exclusions: a PARP inhibitor excludes)."""
    leading = _LEADING_NO.match(w)
    if leading is not None:
        for draft in drafts:
            if (
                draft.kind in _DOUBLE_NEGATIVE_KINDS
                and draft.fields.get("negated")
                and not cues.negated_before(w[leading.end() :], draft.start - leading.end())
                and not _CLAUSE_BREAK.search(w, leading.end(), draft.start)
            ):
                draft.fields["negated"] = False
    if not _PROHIBITION_GATE.search(w):
        return
    for draft in drafts:
        if not draft.fields.get("negated") or draft.kind not in _PROHIBITED_KINDS:
            continue
        before = w[max(cues.clause_start(w, draft.start), draft.start - 80) : draft.start]
        found = _PROHIBITION.search(before)
        if found is None:
            continue
        draft.fields["negated"] = False
        if (
            draft.kind == "prior_therapy"
            and (found.group("now") or found.group("now2"))
            and draft.fields.get("within_days") is None
            and not draft.fields.get("settings")
        ):
            draft.fields["within_days"] = 0  # "must not be receiving X": current use


#: A sentence in an exclusion item that states what a patient admitted by its exception has not
#: had ("The patients did not receive whole brain radiotherapy within 6 weeks", "Patients do not
#: need steroids for CNS disease"): a condition of the exception, not what excludes.
_ADMITTED_WITHOUT = re.compile(
    r"(?:^|[.;:]\s+|-\s+)(?:the\s+)?(?:patients?|subjects?|participants?)\s+(?:did|do|does)\s+not"
    r"\s+(?:receive|need|require|take|use|undergo)\b[^.;]*$",
    re.IGNORECASE,
)


#: A sentence in an exclusion item that states a requirement ("For Cohort 2, patients must
#: receive X and progress within 6 months of it"): what the patients need, not what excludes.
_MUST_SENTENCE = re.compile(
    r"(?:^|[.;:]\s+|\s(?=for\s))(?:for\s+[^.;,]{1,40},?\s+)?(?:the\s+)?(?:patients?|subjects?"
    r"|participants?)\s+must\s+(?:have\s+)?(?:receive[ds]?|had|progressed)\b[^.;]*$",
    re.IGNORECASE,
)


def _required(draft: Draft, w: str) -> bool:
    return _asked_therapy_after(draft, w, _MUST_SENTENCE, 0)


def _asked_therapy_after(draft: Draft, w: str, words: re.Pattern[str], start: int) -> bool:
    """A therapy asked for (not barred) whose item has these words between `start` and it."""
    return (
        draft.kind == "prior_therapy"
        and not draft.fields.get("negated")
        and words.search(w, start, draft.start) is not None
    )


def _admission_condition(draft: Draft, w: str) -> bool:
    return (
        draft.kind == "prior_therapy"
        and bool(draft.fields.get("negated"))
        and _ADMITTED_WITHOUT.search(w, 0, draft.start) is not None
    )


def _condition_qualifier(draft: Draft, conditions: list[Draft], w: str) -> bool:
    """A therapy named as what a condition needed, right after the condition."""
    if draft.kind != "prior_therapy":
        return False
    before = w[max(0, draft.start - 45) : draft.start]
    if not _NEEDING.search(before):
        # "diabetics without stable control and with insulin therapy", "HIV on antiretroviral
        # therapy": a medicine for the condition, named with it (not "... or on X", a bar of
        # its own, nor an anticancer therapy)
        if not _WITH_MEDICINE.search(before) or _names_anticancer(draft):
            return False
        conditions = [c for c in conditions if c.kind == "comorbidity"]
    return any(
        c.start < draft.start and not _CLAUSE_BREAK.search(w, c.start, draft.start)
        for c in conditions
    )


_WITH_MEDICINE = re.compile(
    r"(?<!\bor )(?<!\bor be )(?<!treatment )(?<!therapy )(?<!treated )(?<!diagnosed )"
    r"(?<!patients )(?<!anticoagulation )"
    r"(?:and\s+)?\b(?:with|on)\s+(?:(?!or\b|and\b)[\w-]+\s+){0,3}$",
    re.IGNORECASE,
)


def _names_anticancer(draft: Draft) -> bool:
    """Whether a therapy draft names anything that counts as a line of anticancer therapy."""
    named = (*draft.fields.get("agents", ()), *draft.fields.get("classes", ()))
    return not named or any(lexicon.counts_as_line(n) for n in named)


#: Words that may stand before an excluded cancer without qualifying it.
_PLAIN_BEFORE = re.compile(
    r"(?:^|[\W_])(?:with|of|have|has|had|known|active|current|concurrent|prior|previous|history"
    r"|diagnosed|diagnosis|confirmed|a|an|the|any|patients?|subjects?|participants?|or|and"
    r"|including|from|for|other|another|second|invasive|documented|showing|shows|suspected"
    r"|proven|to|histology|component|cancer|carcinoma)\W*$|^\W*$",
    re.IGNORECASE,
)
_QUALIFIER_AFTER = re.compile(
    r"^\W*(?:with|that|which|who|whose|ever|harbou?ring|expressing|positive|negative|assessed"
    r"|related|associated)\b",
    re.IGNORECASE,
)


def _qualified_cancers(keep: list[Draft], w: str) -> list[Draft]:
    """An exclusion names the trial's own cancer only with what excludes it ("stage IV breast
    cancer", "HER2-positive breast cancer", "N3c breast cancer"): the cancer alone is no bar."""
    others = [d for d in keep if d.kind not in {"cancer_type", "administrative", "unrecognized"}]
    out = []
    for draft in keep:
        if draft.kind == "cancer_type" and not draft.fields.get("histology"):
            before = w[cues.clause_start(w, draft.start) : draft.start][-25:]
            if others or not _PLAIN_BEFORE.search(before) or _QUALIFIER_AFTER.match(w[draft.end :]):
                continue
        out.append(draft)
    return out


_ADEQUATE = re.compile(
    r"\b(?:adequate|sufficient|normal|acceptable|satisfactory|appropriate|good)\b", re.IGNORECASE
)
_FOR_PURPOSE = re.compile(
    r"\b(?:steroids?|corticosteroids?|dexamethasone|anti-?epileptic\w*|anti-?convulsant\w*"
    r"|medications?|drugs?)\s+(?:\w+\s+){0,2}?for\s+(?:the\s+|their\s+|symptomatic\s+)?$",
    re.IGNORECASE,
)


def _cns_purpose(draft: Draft, w: str) -> bool:
    """Brain metastases named as what a drug is taken for ("steroids for brain metastases")."""
    return draft.kind == "cns_metastases" and bool(
        _FOR_PURPOSE.search(w[max(0, draft.start - 60) : draft.start])
    )


def _cns_qualifier(draft: Draft) -> bool:
    classes = set(draft.fields.get("classes", ()))
    return (
        draft.kind == "prior_therapy"
        and not draft.fields.get("agents")
        and bool(classes)
        and classes
        <= {"corticosteroid", "anticonvulsant", "antiepileptic", "enzyme_inducing_antiepileptic"}
    )


_STEROID_WORDS = gate_words("steroid", "dexamethasone")
#: A way in under a CNS exclusion: "(eligible if ...) not receiving steroids for brain
#: metastases", "off corticosteroids".
_OFF_STEROIDS = re.compile(
    r"\b(?:not\s+(?:be\s+)?(?:receiving|requiring|taking|on|need(?:ing)?)|no\s+(?:longer\s+)?"
    r"(?:requir\w+|need\w*|receiv\w+)?|off|without)\s+(?:\w+\s+){0,2}?"
    r"(?:(?:cortico)?steroids?|dexamethasone)\b",
    re.IGNORECASE,
)


def _apply_context(drafts: list[Draft], view: ItemView, counter: list[int]) -> None:
    context = view.context
    if context is None:
        return
    negated = context.negated and not (
        view.section == Section.EXCLUSION
        and (_LEADING_NO.match(context.intro) or _NO_CONCURRENT.search(context.intro))
    )  # an exclusion list opened with "(At least 7 days since prior and) no concurrent X,
    # including:" excludes X, as a leading "No" in an exclusion item does
    current = negated and _CURRENT_USE.search(context.intro) is not None
    if context.permits and view.section == Section.EXCLUSION:
        # "(CNS metastases.) If the patient meets the following 3 criteria she is eligible:
        # / treated >= 28 days before / stable / off steroids": conditions of a way in. The
        # CNS reader turns a condition on the metastases into the exclusion of the rest
        # ("stable" excludes progressing ones); other conditions exclude no one.
        kept = [d for d in drafts if d.kind in ("administrative", "cns_metastases")]
        steroids = _OFF_STEROIDS.search(view.w) if view.has(_STEROID_WORDS) else None
        if steroids is not None and not any(d.kind == "cns_metastases" for d in kept):
            # "not receiving steroids for brain metastases": those needing steroids stay out
            kept.append(view.draft("cns_metastases", *steroids.span(), states=("symptomatic",)))
            drafts[:] = [d for d in drafts if d.kind == "unrecognized"] + kept
            return
        if len(kept) < len([d for d in drafts if d.kind != "unrecognized"]):
            drafts[:] = kept or [
                view.draft("administrative", 0, len(view.w), topic="permission_condition")
            ]
        return
    if context.washout:
        _washouts(drafts, view)
    if context.contraception:
        # "Acceptable methods of contraception: ... injectable progestogen": a method, not a
        # treatment history
        for i, draft in enumerate(drafts):
            if draft.kind == "prior_therapy" and _CONTRACEPTIVE.search(draft.evidence or ""):
                drafts[i] = view.draft(
                    "administrative", draft.start, draft.end, topic="contraception"
                )
        if not drafts and _CONTRACEPTIVE.search(view.w):
            drafts.append(view.draft("administrative", 0, len(view.w), topic="contraception"))
    if context.any_of is not None:
        _nest_alternatives(drafts, context.any_of)
    for draft in drafts:
        if negated and draft.kind != "administrative":
            # "No concurrent therapy, including any of the following:" / "No prior X": a child
            # that says "no" itself restates the rule (older layouts list such lines after the
            # introduction with no end to the list); it is not turned around twice
            draft.fields["negated"] = True
            if current and draft.kind == "prior_therapy" and TIMING_FIELDS.isdisjoint(draft.fields):
                draft.fields["within_days"] = 0  # "no concurrent X": not X now, X before is fine
        if context.any_of is not None and draft.kind != "administrative":
            draft.fields.setdefault("any_of", context.any_of)


def _nest_alternatives(drafts: list[Draft], outer: int) -> None:
    """A child of "one of the following" that is itself "A or B" ("recurrence within 2 years of
    adjuvant endocrine therapy, or progression within 6 months of it for advanced disease"):
    A and B are two more ways in of the list, each its own route, not a group of their own
    that the list would require beside it. Only when every statement of the child is one of
    its alternatives (a part they share would have to go with each)."""
    stated = [d for d in drafts if d.kind not in ("administrative", "unrecognized")]
    groups = {d.fields.get("any_of") for d in stated}
    if len(stated) < 2 or len(groups) != 1 or None in groups or outer in groups:
        return
    if any(d.fields.get("route") is not None for d in stated):
        return  # routes of its own already say which statements go together
    for number, draft in enumerate(stated, start=1):
        draft.fields["any_of"] = outer
        draft.fields["route"] = number


#: "Participants must not have received X within 21 days" under an exclusion header: the rule as
#: an inclusion would state it; what it excludes is X, not its absence.
_RULE_NOT = re.compile(
    r"\b(?:must|should|shall|may|can)\s*not\s+(?:have\s+)?(?:been\s+)?(?:receiv|had|tak|us|treat"
    r"|undergo|relaps|progress|recurr|be\s+(?:receiving|taking|on|treated))|\bcannot\s+have\b|\b(?:must|should)n['’]t\b",
    re.IGNORECASE,
)
_RULE_NOT_WORDS = gate_words("must not", "should not", "shall not", "may not", "cannot", "n't")


_INELIGIBLE_WORDS = gate_words(
    "ineligib", "unsuitab", "candidate", "suitable", "eligible", "unavailab", "available",
    "contraindicat", "refus", "unable to",
)  # fmt: skip


_FOR_WHAT = re.compile(
    r"\s+(?:for|to\s+receive)\s+(?P<what>[^.;,()]{3,50}?)"
    r"(?=\s+(?:may|can|will|are|is|should|must|could)\b|\s*[.;,()]|\s*$)"
)


def _ineligible_for(w: str, at: int) -> frozenset[str] | None:
    """The drugs and classes an "or ineligible for X" names (None: it names none)."""
    after = _FOR_WHAT.match(w, at)
    if after is None:
        return None
    named = frozenset(m.id for m in lexicon.find_drug_mentions(after.group("what")))
    return named or None


def _of_named(draft: Draft, named: frozenset[str]) -> bool:
    """Whether a therapy draft is (of) one of the drugs or classes named."""
    agents = draft.fields.get("agents") or ()
    classes = draft.fields.get("classes") or ()
    return (
        bool(set(agents) & named)
        or any(k in named or any(lexicon.is_subclass(k, n) for n in named) for k in classes)
        or any(n in lexicon.drug_classes(a) for a in agents for n in named)
    )


def _other_ways_in(drafts: list[Draft], view: ItemView) -> None:
    """'Progression on, intolerance to, or ineligibility for X' (in the item or its list's
    introduction): having had X is one way in, so its therapies carry the other as an exception
    the matcher cannot settle."""
    found = OR_INELIGIBLE.search(view.w) if view.has(_INELIGIBLE_WORDS) else None
    way = found.group(0).strip() if found else (view.context.other_way_in if view.context else "")
    if not way:
        return
    named = _ineligible_for(view.w, found.end()) if found else None
    if named is not None and found is not None:
        after = _FOR_WHAT.match(view.w, found.end())
        way = f"{way} {after.group(0).strip()}" if after else way  # "... ineligible for X"
    for draft in drafts:
        if draft.kind == "prior_therapy" and not draft.fields.get("negated"):
            if named is not None and not _of_named(draft, named):
                continue  # "decline or are ineligible for chemotherapy": not the TKI beside it
            draft.fields["exceptions"] = (*draft.fields.get("exceptions", ()), way)
            if draft.fields.get("relation") == "intolerant" and "progress" in view.low:
                draft.fields["relation"] = "received"  # "progression on, intolerance to, or ..."


#: An inclusion sentence that opens by ruling out what it goes on to list: "Patient must not have
#: any evidence of severe or uncontrolled systemic disease, including uncontrolled hypertension
#: and active bleeding".
_SENTENCE_NOT = re.compile(
    r"\W*(?:\w{1,3}[.)]\s+)?(?:(?:the\s+)?(?:patients?|participants?|subjects?|candidates?|they)"
    r"\s+)?(?:must|should|shall|may|can)\s*not\s+(?:have|be|show|suffer|present|experience)\b",
    re.IGNORECASE,
)
_SENTENCE_NOT_WORDS = gate_words("must not", "should not", "shall not", "may not", "cannot")
#: Words after which a listed condition may be what the sentence allows or asks for instead.
_NOT_THE_LIST = re.compile(
    r"\b(?:unless|except|other than|but|however|if|allowed|permitted|eligible|acceptable"
    r"|required|must|should)\b|\(\s*(?:patients?|participants?|subjects?|those)\b",
    re.IGNORECASE,
)


def _conditions_of_a_negated_sentence(drafts: list[Draft], view: ItemView) -> None:
    """Every condition a "must not have ..." inclusion sentence lists is ruled out, however far
    from the "not" it stands (a negation cue reaches only a few words)."""
    w = view.w
    for draft in drafts:
        if draft.kind != "comorbidity" or draft.fields.get("negated"):
            continue
        begin = cues.sentence_start(w, draft.start)
        lead = _SENTENCE_NOT.match(w, begin)
        if lead is not None and not _NOT_THE_LIST.search(w, lead.end(), draft.start):
            draft.fields["negated"] = True


_DEFINED_WORDS = gate_words("defined")
#: "Clinically significant abnormalities of glucose metabolism defined as HbA1c >= 8.0%": the
#: condition is the lab's limit.
_DEFINED_AS = re.compile(r"^[^.;()]{0,30}?\bdefined\s+(?:as|by)\s*:?\s*(?:an?\s+|the\s+)?$", re.I)


def _topic_sentences(drafts: list[Draft], view: ItemView, topic: str) -> list[tuple[int, int]]:
    """The sentences in which the item names an administrative topic."""
    return [
        (cues.sentence_start(view.w, d.start), cues.sentence_stop(view.w, d.start))
        for d in drafts
        if d.kind == "administrative" and d.fields.get("topic") == topic
    ]


#: "Metastatic tumour tissue is preferred": the stage word describes a sample.
_SAMPLE_AFTER = re.compile(
    r"\s+(?:tumou?r\s+|lesion\s+|site\s+)?(?:tissue|biops\w+|samples?|specimens?|slides?|blocks?)\b",
    re.IGNORECASE,
)


def _without_conditions_defined_by_labs(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """A condition defined by a laboratory limit is that limit: judged on the value, not as a
    diagnosis the profile may list without its severity."""
    labs = [d for d in drafts if d.kind == "lab"]
    if not labs:
        return drafts
    return [
        d
        for d in drafts
        if d.kind != "comorbidity"
        or not any(
            lab.start > d.end and _DEFINED_AS.match(view.w[d.end : lab.start]) for lab in labs
        )
    ]


def _rules_stated_as_inclusions(drafts: list[Draft], view: ItemView) -> None:
    for draft in drafts:
        if draft.kind != "prior_therapy" or not draft.fields.get("negated"):
            continue
        begin = max(cues.clause_start(view.w, draft.start), draft.start - 80)
        if _RULE_NOT.search(view.w, begin, draft.start + 1):
            draft.fields["negated"] = False


#: "..., or any CDK4/6 inhibitor. For the endocrine naive cohort: in addition, any prior
#: endocrine therapy": a label that opens a later sentence of the item governs what follows it.
_MID_COHORT = re.compile(
    r"[.;]\s+(?:for|in)\s+(?:the\s+)?(?P<label>[^:;,.()]{0,40}?\b(?:cohorts?|arms?|parts?|groups?)"
    r"(?-i:\s+[A-Z0-9]{1,3}\b)?)\s*(?:only\s*)?:"
    r"|[.;]\s+\(\s*(?:for|in)\s+(?:the\s+)?(?P<bracketed>(?:cohorts?|arms?|parts?|groups?)"
    r"(?-i:\s+[A-Z0-9]{1,3}\b))\s*(?:only\s*)?\)\s*:?"
    # "... For the phase 2, no more than 2 regimens", "..., for cohort 2, should have failed X"
    r"|[.;,]\s+for\s+(?:the\s+)?(?P<named>(?:cohorts?|arms?|parts?|groups?|phases?)"
    r"(?-i:\s+(?:[A-Z0-9]{1,3}[a-z]?|I{1,3}V?|IV))|phases?\s+[1-4])"
    r"(?:\s+(?:dose\s+)?(?:expansion|escalation|extension)(?:\s+(?:phase|part|stage|study))?)?"
    r"\s*(?:only\s*)?[,:]"  # ("For the Part C dose expansion phase, X must be included")
    # "... The Refractory Expansion Part only: X", "...; Arm 2: patients with ..."
    r"|[.;]\s+(?:the\s+)?(?P<only>[^:;,.()]{0,40}?\b(?:cohorts?|arms?|parts?|groups?|phases?)"
    r"(?-i:\s+[A-Z0-9]{1,3}\b)?)\s+only\s*:"
    # "...; Arm 2: patients with ...", "... . Dose-expansion phase: patients who ..."
    r"|[.;]\s+(?P<bare>(?:cohort|arm|part|group|phase)(?-i:\s+(?:[A-Z0-9]{1,3}[a-z]?|I{1,3}V?|IV))"
    r"|(?-i:[A-Z])[\w-]{2,20}\s+(?:cohort|arm|part|phase))\s*:\s",
    re.IGNORECASE,
)


#: "Participants who will be included in the Main Cohort should have ...": the cohort the
#: rest of the sentence is for.
_INCLUDED_IN_COHORT = re.compile(
    r"\b(?:participants?|patients?|subjects?)\s+(?:who\s+(?:will\s+be|are|is)\s+)?"
    r"(?:included|enrolled|enrolling|entering)\s+(?:in|into|to)\s+(?:the\s+)?"
    r"(?P<label>[^,;.()]{0,40}?\b(?:cohorts?|arms?|parts?|groups?)(?-i:\s+[A-Z0-9]{1,3}\b)?"
    r"(?:\s+of\s+(?:the\s+)?[\w-]+(?:\s+(?:parts?|phases?|portion|stage|expansion))?)?)"
    r"(?!\s+of\b)",
    re.IGNORECASE,
)


_COHORT_WORDS = gate_words("cohort", " arm", "part ", "group", "phase ")
#: "A ... (part 1 only) or B ... (part 2 only)": each label closes the words it governs.
_TRAILING_LABEL = re.compile(
    r"\(\s*(?P<label>(?:part|cohort|arm|phase|group|stage)\s*(?-i:[A-Z0-9]{1,3}))\s*"
    r"(?:only|patients|subjects)?\s*\)",
    re.IGNORECASE,
)


#: "... more than 2 endocrine lines in Cohort 1; more than 1 in Cohort2": a clause's own label.
_TRAILING_IN_LABEL = re.compile(
    r"\bin\s+(?P<label>(?:cohort|part|arm)\s*(?-i:[A-Z0-9]{1,3}))\b(?=\s*(?:[;.,]|$|\s+For\b))",
    re.IGNORECASE,
)
_LEADING_FOR = re.compile(
    r"\b(?:for|among)\s+(?:the\s+)?(?:patients|subjects|participants|those)?\s*$", re.I
)
_LABEL_SPACE = re.compile(r"(?i)^(cohort|part|arm)\s*")
#: An inline list element's mark ("b)", "(ii)") and a label that ends an element.
ELEMENT_MARK = re.compile(r"(?:^|(?<=\s))\(?(?:[a-h]|i{1,3}|iv|v|vi{1,3})\)\s*")
_ELEMENT_IN_LABEL = re.compile(
    r"\bin\s+(?P<label>(?:cohort|part|arm)\s*(?-i:[A-Z0-9]{1,3}))\b"
    r"(?=\s*\(?(?:[a-h]|i{1,3}|iv|v|vi{1,3})\)\s*\S)",
    re.IGNORECASE,
)


def _label_clauses(drafts: list[Draft], labels: list[tuple[int, int, str]]) -> None:
    """Each label closes the words since the one before it: their criteria are its cohort's."""
    start = 0
    for label_start, label_end, label in labels:
        for draft in drafts:
            if start <= draft.start < label_start and not draft.fields.get("cohort"):
                draft.fields["cohort"] = label
        start = label_end


def _mid_item_cohorts(drafts: list[Draft], view: ItemView) -> None:
    ending = [
        (m.start(), m.end(), _LABEL_SPACE.sub(r"\1 ", m.group("label")))
        for m in _TRAILING_IN_LABEL.finditer(view.w)
        # not a label that opens its words: "For patients in Cohort 2, the report must ..."
        if not _LEADING_FOR.search(view.w, max(0, m.start() - 30), m.start())
    ]
    if len({label.lower() for _, _, label in ending}) >= 2:
        _label_clauses(drafts, ending)
    for m in _ELEMENT_IN_LABEL.finditer(view.w):
        # "a) X b) Fulvestrant and other SERDs in Cohort1 c) Y": the label closes its element
        opened = [e.end() for e in ELEMENT_MARK.finditer(view.w, 0, m.start())]
        if opened:
            label = _LABEL_SPACE.sub(r"\1 ", m.group("label"))
            for draft in drafts:
                if opened[-1] <= draft.start < m.start() and not draft.fields.get("cohort"):
                    draft.fields["cohort"] = label
    trailing = list(_TRAILING_LABEL.finditer(view.w))
    if (
        len({m.group("label").lower() for m in trailing}) >= 2
        and trailing[0].start() > 10  # "(Cohort A) ..." opens its words instead
        and "(for " not in view.low
    ):
        _label_clauses(drafts, [(m.start(), m.end(), m.group("label")) for m in trailing])
    labels = sorted(
        (*_MID_COHORT.finditer(view.w), *_INCLUDED_IN_COHORT.finditer(view.w)),
        key=lambda m: m.start(),
    )
    if not labels:
        return
    # a label's own words ("TKI-naive Expansion Cohort only:") are not a criterion
    drafts[:] = [d for d in drafts if not any(m.start() < d.start < m.end() for m in labels)]
    for draft in drafts:
        governing = [m for m in labels if m.end() <= draft.start]
        if governing and not draft.fields.get("cohort"):
            # the nearest label before it: "For phase 1, ... For phase 2, ..." each governs
            # its own sentence
            label = governing[-1]
            draft.fields["cohort"] = next(g for g in label.groups() if g)


def _beyond(view: ItemView, position: int) -> bool:
    span = cues.inside(view.exceptions, position)
    return span is not None and view.low.startswith("beyond", span.start)


_TARGET_WORDS = gate_words("target")
#: "Irradiated brain lesions may not serve as target lesions": how lesions are
#: chosen for measurement, not who may take part
_TARGET_NOTE = re.compile(
    r"\b(?:(?:may|can|should|shall|must|will|are|is)\s+not|cannot)\s+be\s+(?:used|selected"
    r"|chosen|considered|counted)\s+(?:as|for)\s+(?:an?\s+)?target\b",
    re.IGNORECASE,
)


def _without_target_notes(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """Drafts outside the sentences that say which lesions may not be target lesions (the
    measurable-disease requirement stays: it is what such a note qualifies)."""
    w = view.w
    notes = [
        (cues.sentence_start(w, m.start()), cues.sentence_stop(w, m.end()))
        for m in _TARGET_NOTE.finditer(w)
    ]
    return _without_drafts_in(drafts, notes, lambda d: d.kind != "measurable_disease")


#: "LVEF normal by ECHO (for patients with hypertension or > 60 years of age)": who must have
#: the item's test, not what every patient must be
_SUBGROUP_BRACKET = re.compile(
    r"\(\s*(?:only\s+)?(?:for|in)\s+(?:patients|subjects|participants|women|men|those)\s+"
    r"(?:with|who|aged|older|over|above|>)[^()]*\)",
    re.IGNORECASE,
)
_SUBGROUP_KINDS = frozenset({"age", "comorbidity", "sex", "menopausal_status"})


def _without_subgroups(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """Drafts outside brackets that name the patients an item's test is for (the test itself,
    before the bracket, stays)."""
    brackets = [m.span() for m in _SUBGROUP_BRACKET.finditer(view.w)]
    return _without_drafts_in(drafts, brackets, lambda d: d.kind in _SUBGROUP_KINDS)


def _without_drafts_in(
    drafts: list[Draft], spans: list[tuple[int, int]], droppable: Callable[[Draft], bool]
) -> list[Draft]:
    """The drafts, less the droppable ones that start inside one of the spans."""
    if not spans:
        return drafts
    return [d for d in drafts if not (droppable(d) and any(a <= d.start < b for a, b in spans))]


def _washout_intro(w: str) -> bool:
    """An introduction of washouts with no duration of its own."""
    return (
        (w.rstrip().endswith(":") or "following" in w.lower())
        and WASHOUT_INTRO.search(w) is not None
        and cues.duration_days(w) is None
    )


def _washouts(drafts: list[Draft], view: ItemView) -> None:
    """Children of "at least the following periods must have passed since the last dose:"
    ("Chemotherapy: 3 weeks"): the therapy within that time is what is barred, so an inclusion
    child reads as not within it (the window is the child's own duration)."""
    duration = cues.duration_days(view.w)
    for draft in drafts:
        if draft.kind != "prior_therapy":
            continue
        if draft.fields.get("within_days") is None and duration is not None:
            draft.fields["within_days"] = duration
        if draft.fields.get("within_days") is not None and view.section == Section.INCLUSION:
            draft.fields["negated"] = True


#: Words of a contraceptive method (a hormone named as one is no treatment history).
_CONTRACEPTIVE = re.compile(
    r"progest|estrogen|oestrogen|levonorgestrel|contracep|intra-?uterine|\bIUD|\bIUS\b|condom"
    r"|diaphragm|cap\b|steril|ligation|vasectom|abstinen|implant|patch|vaginal ring|pill"
    r"|barrier|spermicid|partner|uterus|ovaries|oophorectomy|hysterectomy",
    re.IGNORECASE,
)
_CURRENT_USE = re.compile(r"\b(?:concurrent|concomitant|current(?:ly)?|ongoing)\b", re.IGNORECASE)
_NO_CONCURRENT = re.compile(r"\bno (?:other )?(?:concurrent|concomitant|current)\b", re.I)
#: Only "or" (with punctuation) between two criteria makes them alternatives; "/" usually means
#: "and" ("HR+/HER2-"), and other words between them mean the "or" belongs to something else.
_OR_BETWEEN = re.compile(r"^[\s,;()]*(?:either\s+)?or\b(?!\s*equal)[\s,;()]*(?:either\s+)?$", re.I)


#: "creatinine <= 1.5 x ULN or a calculated creatinine clearance >= 60": either limit will do
#: (so will "and/or": meeting one is enough)
_OR_LAB = re.compile(
    r"^[\s,;()]*(?:either\s+)?(?:or|and/or)\b(?!\s*equal)[\s,;()]*(?:[a-z-]+\s+){0,4}"
    # the second limit's own abbreviation and method: "calculated creatinine clearance (CrCl) by
    # the Cockcroft-Gault formula >= 60"
    r"(?:\([\w -]{1,12}\)\s*)?(?:(?:by|using|per|according\s+to)\s+(?:the\s+)?"
    r"(?:[\w-]+\s+){1,3}(?:formula|method|equation)\s*)?$",
    re.I,
)
#: "relapse on adjuvant X, or progression while on Y": two treatment histories as alternatives
_OR_HISTORY = re.compile(
    r"^[\s,;()]*or\s+(?:\(?[a-h1-9]\)\s*)?(?:(?:radiolog\w*|objective|clinical|documented)\s+)?"
    r"(?:(?:evidence|signs?)\s+of\s+)?(?:breast cancer\s+)?"
    r"(?:(?:whose|who|in whom|with|that|having)\s+)?(?:(?:their|the|a|an)\s+)?"
    r"(?:disease\s+)?(?:(?:has|have|had)\s+)?(?:progress\w*|relaps\w*|recurr\w*"
    r"|(?:during|while\s+(?:on|receiving))\b"
    # "... or following an EGFR TKI and a platinum doublet"; not "on or after the most recent"
    r"|(?:following|after)\b(?!\s+(?:the\s+)?(?:most\s+recent|last|latest)))[^;.]{0,60}$",
    re.IGNORECASE,
)
#: "... or following an EGFR TKI and a platinum doublet": the second history of one way in.
_AND_HISTORY = re.compile(r"^\s*,?\s*(?:and|plus|\+|with|as well as)\s+(?:an?\s+|the\s+)?$", re.I)
_HISTORIES = frozenset({"prior_therapy", "line_count"})
#: "an ALK rearrangement, as determined by FISH or IHC, or a ROS1 rearrangement": two markers
#: as alternatives, the first with how it is found.
_OR_MARKER = re.compile(
    r"^(?:[\s,;()]*(?:as\s+)?(?:determined|detected|confirmed|assessed|documented|identified"
    r"|tested|measured|shown)\s+(?:by|using|with|in|on)\s+[^,;.]{0,60}?)?"
    # the first marker's further variants: "EGFR exon 19 deletion or L858R, or HER2 ..."
    r"(?:[\s,;()]*(?:(?:or|and|/|,)\s*)?(?:exon\s*\d{1,2}\s+\w+|[A-Z]\d{2,4}(?:[A-Z]|\*|fs)?))*"
    r"[\s,;()]*or\s+(?:an?\s+|the\s+|with\s+(?:an?\s+)?|harbou?ring\s+(?:an?\s+)?)?$",
    re.I,
)


_COHORT_WORD = re.compile(r"\b(?:cohorts?|arms?|parts?|groups?)\b", re.IGNORECASE)


_CONDITION_BEFORE = re.compile(r"\b(?:if|when|unless|where)\s+(?:\w+\s+)?$", re.IGNORECASE)
_IF_WORDS = gate_words("if ", "when ")
#: A condition that closes its clause: "(X) if the tumor is HER2+ OR", "... HER2-low."
_CONDITION_ENDS = re.compile(
    r"(?:\s*(?:,|or|and|/)\s*(?:HER2|HR|ER|PR)?[\w+-]*)*\s*(?:\bOR\b|\bAND\b)?\s*[.;]?\s*$"
)
#: "if the tumour is (HR+, HER2-low or) ...", "for patients with ... tumours": a condition.
_IF_THE_TUMOUR_IS = re.compile(
    r"\b(?:if|when)\s+(?:the\s+|their\s+)?(?:tumou?r|disease|cancer|patient)\s+(?:is|was|has|are)"
    r"\s+(?:[\w+-]+\s*(?:,|or|and|/)?\s*){0,4}$",
    re.IGNORECASE,
)


def _without_any_status(drafts: list[Draft], w: str) -> list[Draft]:
    """'PR positive, or PR negative, or PR unknown', 'ER with or without PR': a receptor named
    with both statuses as acceptable is no requirement on that receptor."""
    if _COHORT_WORD.search(w):
        return drafts
    seen: dict[str, set[str]] = {}
    for d in drafts:
        if d.kind != "receptor" or d.fields.get("status") not in {"positive", "negative"}:
            continue
        if _CONDITION_BEFORE.search(w[max(0, d.start - 12) : d.start]):
            continue  # "HER2-negative, or if HER2-positive, trastuzumab": a condition
        status = str(d.fields["status"])
        if d.fields.get("negated"):
            status = "negative" if status == "positive" else "positive"
        seen.setdefault(str(d.fields.get("receptor")), set()).add(status)
    free = {r for r, statuses in seen.items() if statuses >= {"positive", "negative"}}
    if not free:
        return drafts
    dropped = [d for d in drafts if d.kind == "receptor" and d.fields.get("receptor") in free]
    kept = [d for d in drafts if d not in dropped]
    kept.append(dropped[0].no_requirement())
    return kept


#: "PgR positive or negative": the other status named right after the first.
_OTHER_STATUS = re.compile(r"\s*(?:,\s*)?(?:or|and/or|/)\s*(?P<status>negative|positive)\b", re.I)


def _either_status(drafts: list[Draft], w: str) -> list[Draft]:
    """'ER positive and PgR positive or negative': a receptor accepted with either status is no
    requirement on that receptor."""
    out: list[Draft] = []
    for d in drafts:
        other = _OTHER_STATUS.match(w, d.end) if d.kind == "receptor" else None
        if (
            other is not None
            and d.fields.get("status") in {"positive", "negative"}
            and other.group("status").lower() != d.fields["status"]
        ):
            out.append(d.no_requirement())
            continue
        out.append(d)
    return out


#: "TNBC or HR+/HER2-": the disease is one of two (HER2-negative either way).
_TNBC_OR = re.compile(r"^[\w\s()-]{0,40}?\bor\s*$", re.I)


def _tnbc_or_hr(drafts: list[Draft], counter: list[int]) -> None:
    """'Triple-negative breast cancer (TNBC) or HR+/HER2- breast cancer': TNBC and HR-positive
    are alternatives; HER2-negative holds for both and stays a requirement."""
    receptors = [d for d in drafts if d.kind == "receptor" and not d.fields.get("negated")]
    for left, right in pairwise(receptors):
        if (
            left.fields.get("receptor") == "TNBC"
            and right.fields.get("receptor") in {"HR", "ER"}
            and right.fields.get("status") == "positive"
            and "any_of" not in left.fields
            and "any_of" not in right.fields
        ):
            counter[0] += 1
            left.fields["any_of"] = right.fields["any_of"] = counter[0]


_COMMA_ONLY = re.compile(r"^\s*,\s*$")


def _counts_join_their_alternative(drafts: list[Draft]) -> None:
    """'Progressed on one or more endocrine lines for advanced disease, or relapsed within a
    year of adjuvant endocrine treatment': the count is part of the first alternative (one
    route with its progression), not a requirement beside the group."""
    for count in drafts:
        if count.kind != "line_count" or "any_of" in count.fields or not count.fields.get("min"):
            continue
        partner = next(
            (d for d in drafts if d.kind == "prior_therapy" and "any_of" in d.fields
             and d.start <= count.start < d.end),
            None,
        )  # fmt: skip
        if partner is None:
            continue
        group = partner.fields["any_of"]
        members = [d for d in drafts if d.fields.get("any_of") == group]
        if any(d.fields.get("route") is not None for d in members):
            continue  # routes of their own already say which statements go together
        for number, member in enumerate(members, start=1):
            member.fields["route"] = number
        count.fields["any_of"] = group
        count.fields["route"] = partner.fields["route"]


def _histories_join_their_alternative(drafts: list[Draft], w: str) -> None:
    """'Progression following a first-line EGFR TKI, or following an EGFR TKI and a platinum
    doublet': the platinum doublet belongs to the second way in, which holds only with both
    (each way in becomes a route of the group)."""
    for first, second, third in zip(drafts, drafts[1:], drafts[2:], strict=False):
        group = second.fields.get("any_of")
        if (
            group is None
            or first.fields.get("any_of") != group
            or "any_of" in third.fields
            or third.kind != "prior_therapy"
            or second.kind != "prior_therapy"
            or not _AND_HISTORY.match(w[second.run_end or second.end : third.start])
            or any(
                d.fields.get("route") is not None for d in drafts if d.fields.get("any_of") == group
            )
        ):
            continue
        first.fields["route"], second.fields["route"] = 1, 2
        third.fields["any_of"], third.fields["route"] = group, 2


#: "ALK-positive NSCLC and ROS1-positive patients (must ...)": two populations, each a way in.
_POPULATION_AND = re.compile(
    r"^[\s-]*(?:positive|mutant|mutated|rearranged|altered|\+)?\s*(?:[\w-]+\s+){0,3}?and\s+$",
    re.IGNORECASE,
)
_POPULATION_AFTER = re.compile(
    r"[\s-]*(?:positive|mutant|mutated|rearranged|altered|\+)?\s*(?:[\w-]+\s+){0,2}?"
    r"(?:patients|participants|subjects)\b",
    re.IGNORECASE,
)


def _populations_join(drafts: list[Draft], w: str, counter: list[int]) -> None:
    """'ALK-positive NSCLC and ROS1-positive patients must be ...': markers of two genes joined
    by "and" before "patients" name two populations, so each is a way in (not both at once)."""
    markers = [d for d in drafts if d.kind == "biomarker" and "any_of" not in d.fields]
    for left, right in pairwise(markers):
        if (
            left.fields.get("genes") != right.fields.get("genes")
            and not left.fields.get("negated")
            and not right.fields.get("negated")
            and right.start > left.end
            and _POPULATION_AND.match(w[left.end : right.start])
            and _POPULATION_AFTER.match(w, right.end)
        ):
            counter[0] += 1
            left.fields["any_of"] = right.fields["any_of"] = counter[0]


#: "..., or a" right before the second of two markers, with no sentence break before it.
_OR_JUST_BEFORE = re.compile(r"^[^.;]*,\s*or\s+(?:an?\s+|with\s+(?:an?\s+)?)?$", re.IGNORECASE)


def _group_alternatives(drafts: list[Draft], view: ItemView, counter: list[int]) -> None:
    """In an inclusion item, 'A or B' between two criteria makes them alternatives."""
    if view.section != Section.INCLUSION or len(drafts) < 2:
        return
    w = view.w
    if any(d.kind == "receptor" and d.fields.get("receptor") == "TNBC" for d in drafts):
        tnbc = [d for d in drafts if d.kind == "receptor"]
        if len(tnbc) >= 2 and all(
            _TNBC_OR.match(w[a.end : b.start]) or a.fields.get("receptor") != "TNBC"
            for a, b in pairwise(tnbc)
        ):
            _tnbc_or_hr(drafts, counter)
    for left, right in pairwise(drafts):
        if right.start <= left.end or "any_of" in right.fields:
            continue
        between = w[left.end : right.start]
        histories = left.kind in _HISTORIES and right.kind in _HISTORIES
        markers = left.kind == right.kind == "biomarker"
        labs = left.kind == right.kind == "lab"
        if markers and len(between) <= 220 and _OR_JUST_BEFORE.search(between):
            pass  # "an ALK rearrangement, as determined by (an assay ...), or a ROS1 rearrangement"
        elif (
            len(between) > (80 if histories or markers or labs else 40)
            or not (
                _OR_BETWEEN.search(between)
                or (histories and _OR_HISTORY.search(between))
                or (markers and _OR_MARKER.search(between))
                or (labs and _OR_LAB.search(between))
            )
            or ("and/or" in between and not labs)
        ):
            continue
        if left.kind == right.kind == "administrative":
            continue
        if left.fields.get("negated") and right.fields.get("negated"):
            continue  # "no EGFR mutation or ALK fusion": neither, not one of them
        if left.kind == right.kind == "line_count" and not (
            left.fields.get("min") or right.fields.get("min")
        ):
            continue  # "no more than 1 chemotherapy or 1 targeted regimen": both are capped
        group = left.fields.get("any_of")
        if group is None:
            counter[0] += 1
            group = counter[0]
            left.fields["any_of"] = group
        right.fields["any_of"] = group
    _populations_join(drafts, w, counter)
    _counts_join_their_alternative(drafts)
    _histories_join_their_alternative(drafts, w)
    # "HER2-positive, HER2-low or HER2-ultralow": a comma list whose last two are alternatives
    for left, right in reversed(list(pairwise(drafts))):
        if (
            "any_of" not in left.fields
            and "any_of" in right.fields
            and left.kind == right.kind
            and right.start > left.end
            and _COMMA_ONLY.match(w[left.end : right.start])
            and not (left.fields.get("negated") and right.fields.get("negated"))
        ):
            left.fields["any_of"] = right.fields["any_of"]
