"""`parse_criteria`: eligibility text in, typed and explained criteria out.

Stages: `structure.layout` finds sections, items, nesting and cohort labels; `text.normalise`
makes each item's wording uniform while keeping an offset map; `extract.extract_item` applies the
phrase rules and returns drafts; this module turns drafts into `criteria.model` objects that carry
section, text, span, item index, cohort and evidence. An item that yields nothing typed becomes one
`Unrecognized` criterion with its text intact, so nothing the registry says is ever dropped.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeGuard

from pydantic import ValidationError

from criteria.clauses import refer_back
from criteria.context import DEFINED_STATUS, Context, intro_context
from criteria.extract import Draft, extract_item
from criteria.fastre import Fast
from criteria.model import (
    Administrative,
    CancerType,
    CnsMetastases,
    Criterion,
    DiseaseStage,
    Lab,
    LineCount,
    MenopausalStatus,
    Receptor,
    Unrecognized,
)
from criteria.structure import Item, Layout, is_label, layout, leading_cohort
from criteria.text import normalise, unescape
from trialmatch.vocab import Section

log = logging.getLogger(__name__)

#: Bump whenever the output for some text can change; stored parses are redone when it changes.
PARSER_VERSION = "0.262.0"

_SPACE = re.compile(r"\s+")
#: "(for Cohort B only)", "(Part 1 only)", "(Module C only)" in an item's words.
_BRACKETED_COHORT = re.compile(
    r"\(\s*(?:for\s+)?(?:the\s+)?(?P<label>(?:cohorts?|parts?|arms?|modules?|groups?)\s+"
    r"[A-Z0-9]{1,3}[a-z]?(?:\s*(?:,|and|or|&)\s*[A-Z0-9]{1,3}[a-z]?)*)\s+only\s*\)",
    re.IGNORECASE,
)
#: An introduction this short is repeated in front of each child so that the child reads alone.
_PREFIX_MAX = 100


#: An introduction whose entries are kinds of cancer ("Histologically confirmed cancer of one
#: of these types:", "Malignancy at one of the following sites:"): an entry names an organ.
_CANCER_NOUN = re.compile(
    r"\b(?:cancers?|carcinomas?|tumou?rs?|malignan\w*|neoplasms?|\w*(?:omas?|emias?|aemias?)|nsclc"
    r"|sclc|crc|mbc|disease)\b",
    re.IGNORECASE,
)
_CANCER_KINDS_INTRO = re.compile(
    r"\b(?:cancers?|carcinomas?|tumou?rs?|malignanc(?:y|ies)|neoplasms?)\b[^:.;]{0,60}?"
    r"\b(?:types?|sites?|origins?|primary sites?)\b[^:.;]{0,20}:\s*$",
    re.IGNORECASE,
)


def _item_words(text: str, item: Item) -> str:
    # str.split() splits at exactly the whitespace `\s` matches: one pass, no pattern
    return " ".join(" ".join(unescape(text[s:e]) for s, e in item.lines).split())


def parse_criteria(text: str) -> list[Criterion]:
    """Parse an eligibility text (the API's `eligibilityCriteria`, escaped markdown or legacy
    layout) into typed criteria in source order. Deterministic; never raises on any string."""
    if not isinstance(text, str) or not text.strip():
        return []
    try:
        shape = layout(text)
    except Exception:  # a layout bug must not lose the text: keep it whole, unrecognised
        log.exception("criteria layout failed; keeping the text as one unrecognised item")
        return [_whole(text)]
    return _abridged(text, shape, _parse_layout(text, shape))


#: "Key Inclusion Criteria": the registry shows only the main criteria; the protocol has more.
_KEY_HEADER = re.compile(
    r"^\W*(?:main|key|major|selected|principal)\s+(?:inclusion|exclusion|eligibility)\s+criteria\b",
    re.IGNORECASE,
)
#: The `reason` of the notice an abridged list of criteria leaves (README, "Reading a parsed
#: criterion"): the matcher cannot call such a trial's criteria all met.
ABRIDGED = "abridged"


def _abridged(text: str, shape: Layout, criteria: list[Criterion]) -> list[Criterion]:
    """A trial whose headers say it lists only its key criteria gets, at the first such header,
    an `unrecognized` notice with `reason` "abridged" (item -1: no item of the text): what the
    registry leaves out stays open for the site to check."""
    for header in shape.headers:
        words = _SPACE.sub(" ", unescape(text[header.span[0] : header.span[1]])).strip()
        if header.section is None or not _KEY_HEADER.match(words):
            continue
        notice = Unrecognized(
            section=header.section, text=words, span=header.span, item=-1, reason=ABRIDGED
        )
        at = next((i for i, c in enumerate(criteria) if c.span[0] > header.span[0]), len(criteria))
        return [*criteria[:at], notice, *criteria[at:]]
    return criteria


#: A child that opens with the name of what it defines ("Hormone refractory: ...").
_DEFINED_NAME = re.compile(
    r"^\W*(?:\d{1,2}[.)]\s*|[a-z][.)]\s*)?(?P<name>[A-Za-z][\w /+-]{2,40}?)\s*:"
)


def _defines_alternatives(own: str, item: Item, words: list[str]) -> bool:
    """'Hormone refractory [*a] or life-threatening metastases [*b].' over children that define
    each ('Hormone refractory: ...', 'Life-threatening metastases: ...'): the children are
    alternatives, as the introduction's "or" says."""
    if len(item.children) < 2 or " or " not in own.lower() or own.rstrip().endswith(":"):
        return False
    lowered = own.lower()
    for child in item.children:
        named = _DEFINED_NAME.match(words[child])
        if named is None or named.group("name").strip().lower() not in lowered:
            return False
    return True


def _whole(text: str) -> Criterion:
    stripped = text.strip()
    start = text.index(stripped[:1]) if stripped else 0
    return Unrecognized(
        section=Section.INCLUSION,
        text=_SPACE.sub(" ", unescape(stripped)),
        span=(start, start + len(stripped)),
        item=0,
        reason="layout not understood",
    )


def _parse_layout(text: str, shape: Layout) -> list[Criterion]:
    words = [_item_words(text, item) for item in shape.items]
    contexts: dict[int, Context] = {}
    prefixes: dict[int, str] = {}
    out: list[Criterion] = []
    group_counter = [0]
    for item in shape.items:
        own = words[item.index]
        inherited = contexts.get(item.parent) if item.parent is not None else None
        shown = own
        read = own
        if item.parent is not None and item.parent in prefixes:
            shown = f"{prefixes[item.parent]} {own}"
            if is_label(prefixes[item.parent]):
                read = (
                    shown  # a topic label ("Hepatic:") helps read the child; logic words would not
                )
        if (
            item.parent is not None
            and len(own.split()) <= 3
            and _CANCER_KINDS_INTRO.search(words[item.parent])
            and not _CANCER_NOUN.search(own)
        ):
            read = f"{read} cancer"  # "cancer of one of these types:" / "Colon": colon cancer
        if item.cohort is None and (bracketed := _BRACKETED_COHORT.search(own)) is not None:
            item.cohort = bracketed.group("label")  # "ESR1 mutation in plasma (Cohort B only)"
        label = leading_cohort(own) if item.cohort else None
        if label is not None:
            # the label names the cohort (and often its study drugs), not the patient
            read = " " * label[1] + read[label[1] :] if read is own else read
        defines = _defines_alternatives(own, item, words)
        made_intro = defines and not item.intro
        if made_intro:
            item.intro = True
        if item.intro:
            context = intro_context(own, inherited, group_counter)
            if made_intro and context.any_of is None:
                group_counter[0] += 1
                context = dataclasses.replace(context, any_of=group_counter[0])
            contexts[item.index] = context
        try:
            drafts = _extract(read, item.section, inherited, group_counter)
        except Exception:  # one bad item must not lose the others
            log.exception("criteria rule failed on item %d", item.index)
            drafts = []
        if item.intro:
            typed = [d for d in drafts if d.kind != "unrecognized"]
            # "Hormone refractory or life-threatening metastases." over children defining each:
            # its words name the alternatives its children state
            if (not typed or is_label(own) or defines) and len(own) <= _PREFIX_MAX:
                # A pure introduction ("Prior treatment with:"): its meaning goes to the children
                # through the context, and its words in front of each child's text.
                prefixes[item.index] = shown if item.parent in prefixes else own
                continue
        built = _build(item, shown, drafts)
        if len(built) == 1 and built[0].kind == "unrecognized":
            built = refer_back(built[0], out)
            if inherited is not None and inherited.any_of is not None and built[0].any_of is None:
                # an alternative not understood is still an alternative: the group stays open
                built = [built[0].model_copy(update={"any_of": inherited.any_of})]
        if item.or_previous is not None:
            built = _join_alternatives(out, built, item.or_previous, group_counter)
        out.extend(built)
    # after the suppression route has widened plain 'postmenopausal' requirements, which a
    # definition of postmenopause ("defined as: ...") is made of
    out = _situation_routes(_suppression_route(out), shape, words, group_counter)
    out = _cns_rule_by_children(out, shape)
    out = _stage_qualifiers(_required_again(out))
    out = _childbearing_alternatives(_condition_cohorts(_breast_receptors(_beyond_local(out))))
    out = _status_definitions(_adjuvant_line_rules(text, out), shape, words)
    return _cancer_alternatives(_one_spelling(out), group_counter)


#: Stages of advanced disease: an exclusion naming them in a trial for them is its setting words.
_ADVANCED_STAGES = frozenset({"locally_advanced", "advanced", "metastatic", "unresectable"})


def _within_asked(stages: set[str], asked: set[str]) -> bool:
    """The stages all name stages of advanced disease that the inclusion asks for (asking for
    locally advanced and metastatic disease asks for advanced disease in every word for it)."""
    if not asked & _ADVANCED_STAGES or "early" in asked:
        return stages <= asked
    within = asked | (_ADVANCED_STAGES if {"metastatic", "locally_advanced"} <= asked else set())
    return stages <= within


#: "(CNS involvement.) If the patient fulfils the following 3 criteria, she is eligible:".
_ELIGIBLE_IF_CHILDREN = re.compile(
    r"\b(?:following|these|all|below)\b[^.;]{0,40}\b(?:criteria|conditions)\b[^.;]{0,40}\beligible"
    r"|\beligible\b[^.;]{0,30}\b(?:if|provided|when)\b[^.;]{0,30}\b(?:following|all of|below)\b",
    re.IGNORECASE,
)


def _cns_rule_by_children(criteria: list[Criterion], shape: Layout) -> list[Criterion]:
    """'CNS involvement. Such a patient may enter when all 3 conditions below hold: 1. therapy
    ended >= 28 days before, 2. clinically stable, 3. no steroids' (exclusion): the children
    state what excludes (untreated, progressing, symptomatic brain metastases), so the
    parent's 'any brain metastases, with an exception' says nothing more,
    and left as it was it stays unknown for a patient whose profile settles every child."""
    parents = {
        c.item
        for c in criteria
        if isinstance(c, CnsMetastases)
        and c.section == Section.EXCLUSION
        and not c.negated
        and c.states == ("any",)
        and any(_ELIGIBLE_IF_CHILDREN.search(e) for e in c.exceptions)
    }
    if not parents:
        return criteria
    ruled = set()
    for index in parents:
        children = shape.items[index].children
        stated = [c for c in criteria if c.item in children]
        if (
            children
            and stated
            and all(isinstance(c, (CnsMetastases, Administrative)) for c in stated)
            and any(isinstance(c, CnsMetastases) for c in stated)
        ):
            ruled.add(index)
    return [
        Administrative(**_source_of(c), evidence=c.evidence, topic="definition")
        if c.item in ruled and isinstance(c, CnsMetastases)
        else c
        for c in criteria
    ]


#: "Postmenopausal status was defined either by: ...": how the trial tells the statuses apart.
_STATUS_DEFINED = re.compile(
    r"^\W*(?:\w{1,3}[.)]\s*)?(?:pre|peri|post)[\s/-]*menopaus\w*(?:\s+(?:status|state))?\s+"
    r"(?:was|is|will be|shall be|are|were)\s+(?:defined|determined|characteri[sz]ed)\b",
    re.IGNORECASE,
)


def _status_definitions(
    criteria: list[Criterion], shape: Layout, words: list[str]
) -> list[Criterion]:
    """A trial that states which menopausal statuses may join in one item and defines a status
    in others ("both pre- and postmenopausal women were allowed"; "Postmenopausal status was
    defined by: ...", with its ways as children): the definitions require nothing. Each
    defining item stays, as one definition."""
    statuses = [
        c
        for c in criteria
        if isinstance(c, MenopausalStatus)
        or (
            isinstance(c, Administrative)
            and c.topic == "no_requirement"
            and "menopaus" in c.text.lower()
        )
    ]  # what the trial says of the statuses: a requirement, or that there is none
    if not any(isinstance(c, MenopausalStatus) for c in statuses):
        return criteria
    defined = {i for i, said in enumerate(words) if _STATUS_DEFINED.match(said)}
    if not defined:
        return criteria
    # a defining item's children that name a status or its hormone levels are its ways ("No
    # spontaneous menses for >= 1 year", "FSH > 20 IU/L"); a flattened list may hang other
    # items under it too ("Not pregnant or nursing"), which stay as they are
    ways = {
        c.item
        for c in criteria
        if isinstance(c, MenopausalStatus)
        or (isinstance(c, Lab) and c.analyte in _MENOPAUSE_ANALYTES)
    }
    below = defined | {i.index for i in shape.items if i.parent in defined and i.index in ways}
    if all(c.item in below for c in statuses):
        return criteria  # the trial's only words on the statuses: they are its requirement
    out: list[Criterion] = []
    seen: set[int] = set()
    for c in criteria:
        if c.item not in below:
            out.append(c)
        elif c.item not in seen:
            seen.add(c.item)
            out.append(Administrative(**c.model_dump(include=_COMMON_FIELDS), topic="definition"))
    return out


_COMMON_FIELDS = {"section", "text", "span", "item", "cohort", "evidence"}
_MENOPAUSE_ANALYTES = frozenset({"fsh", "estradiol", "lh"})


#: "Endocrine therapy given as adjuvant is not considered a line for ABC", "(neo)adjuvant
#: chemotherapy regimens do not count as a prior line": what the trial's counts leave out.
#: (Both run on the lower-cased text with a first-character look-ahead: each is searched through
#: a whole eligibility text, and that halves the time; the words read from a match are only
#: tested without regard to case.)
_ADJUVANT_NO_LINE = Fast(
    r"\b(?:neo-?)?adjuvant\b(?P<what>[^.;:]{0,80}?)\b(?:is|are|will|does|do|shall|would)\s+not\s+"
    r"(?:be\s+)?(?:considered|counted|classed|classified|regarded|count)\s+"
    r"(?:as|towards?|in(?:\s+the\s+number\s+of)?)?\s*"
    r"(?:an?\s+|one\s+|1\s+)?(?:prior\s+|previous\s+|separate\s+)?lines?\b",
    first=True,
)
#: "Relapse within 12 months of (neo)adjuvant endocrine therapy counts as one line", "...
#: will be considered 1 line of therapy for metastatic disease".
_ADJUVANT_A_LINE = Fast(
    r"\b(?:relapse[sd]?|relapsing|recurren(?:ce|t)|recurred|progressi(?:on|ve)|progressed)\b"
    r"[^.;:]{0,90}?"
    r"\b(?:neo-?)?adjuvant\b(?P<what>[^.;:]{0,60}?)\b(?:is|are|will|shall|would|may|to)?\s*"
    r"(?:be\s+)?(?:considered|counted|classed|regarded|counts?|qualif(?:y|ies))\s+"
    r"(?:as\s+|to\s+have\s+(?:failed|received|had)\s+)?"
    r"(?:an?|one|1|the\s+first|first)\s+(?:prior\s+|previous\s+)?(?:line|regimen)\b"
    # "adjuvant chemotherapy will count as one line of chemotherapy"
    r"|\b(?:neo-?)?adjuvant\b(?P<said>\s+(?:[\w/-]+\s+){0,3}?)(?:will|shall|is|are|would)\s+"
    r"(?:be\s+)?(?:count(?:ed)?|considered)\s+as\s+(?:a|one|1)\s+(?:prior\s+)?line\b",
    first=True,
)
_ENDOCRINE_WORDS = re.compile(r"\b(?:endocrine|hormon\w*|ET)\b", re.IGNORECASE)
_CHEMO_WORDS = re.compile(r"\bchemo", re.IGNORECASE)


def _adjuvant_line_rules(text: str, criteria: list[Criterion]) -> list[Criterion]:
    """A trial that says whether (neo)adjuvant therapy counts as a line for advanced disease
    settles that for each of its line counts of the therapy it names (endocrine therapy,
    chemotherapy, or any when it names neither)."""
    low = text.lower()
    if "adjuvant" not in low or "line" not in low:
        return criteria
    rules: list[tuple[str, bool]] = []
    for pattern, counts in ((_ADJUVANT_NO_LINE, False), (_ADJUVANT_A_LINE, True)):
        for found in pattern.finditer(text, low):
            what = found.group(0)
            if _ENDOCRINE_WORDS.search(what):
                rules.append(("endocrine_therapy", counts))
            elif _CHEMO_WORDS.search(what):
                rules.append(("chemotherapy", counts))
            else:
                rules.append(("any", counts))
    if not rules:
        return criteria
    out = []
    for c in criteria:
        if isinstance(c, LineCount) and c.adjuvant_counts is None:
            said = {counts for scope, counts in rules if scope in ("any", c.scope)}
            if len(said) == 1:  # a trial that says both leaves it open
                c = c.model_copy(update={"adjuvant_counts": said.pop()})
        out.append(c)
    return out


#: An introduction that asks for every child ("all of the following", "both", "and").
_CHECKLIST_INTRO = re.compile(
    r"\ball\b|\bboth\b|\beach\b|\bevery\b|\band\s*:?\s*$|\bin addition\b", re.IGNORECASE
)


_SITUATION_FIELDS = {
    "relation", "settings", "relapse_within_months", "relapse_after_months", "within_days",
    "most_recent",
}  # fmt: skip
_NOT_STATED = ("administrative", "unrecognized")


def _situation(c: Criterion) -> tuple[object, ...] | None:
    """What a prior-therapy criterion says about when and how the therapy went ('relapse within
    12 months of adjuvant AI', 'progression on an AI for metastatic disease'); None when it says
    neither a setting nor an outcome nor a timing."""
    if c.kind != "prior_therapy" or c.negated:
        return None
    fields = c.model_dump(include=_SITUATION_FIELDS)
    if fields["relation"] == "received" and not any(
        v for k, v in fields.items() if k != "relation"
    ):
        return None
    return tuple(sorted((k, str(v)) for k, v in fields.items()))


def _therapies(c: Criterion) -> set[str]:
    return {*getattr(c, "classes", ()), *getattr(c, "agents", ())}


#: What a status's definition is made of (receptor results, menopause by age, surgery or hormone
#: levels, the therapies it resisted): a list with anything else is not only that definition.
_DEFINING_KINDS = frozenset(
    {"receptor", "biomarker", "menopausal_status", "lab", "age", "prior_therapy", "administrative",
     "unrecognized"}
)  # fmt: skip


def _situations_of_one_therapy(typed: list[list[Criterion]]) -> bool:
    """Each child states a different situation (setting, outcome, timing) of one same therapy."""
    situations = [[c for c in m if _situation(c) is not None] for m in typed]
    if not all(situations):
        return False
    shared = set.intersection(*(set.union(*map(_therapies, m)) for m in situations))
    kinds = [frozenset(_situation(c) for c in m) for m in situations]
    return bool(shared) and len(set(kinds)) == len(kinds)


def _situation_routes(
    criteria: list[Criterion], shape: Layout, words: list[str], counter: list[int]
) -> list[Criterion]:
    """Inclusion children of a list whose introduction says neither "all" nor "one of" are
    alternatives when each is a different situation of the same therapy: "Prior endocrine
    therapy:" / "a) relapse on adjuvant AI" / "b) relapse within 12 months of finishing it" /
    "c) progression on an AI for advanced disease" (a patient is in one of them; read as a
    checklist, no one could be). Each child stays one route: what it states holds together."""
    by_item: dict[int, list[int]] = {}
    for i, c in enumerate(criteria):
        by_item.setdefault(c.item, []).append(i)
    out = criteria
    for parent in shape.items:
        if (
            not parent.intro
            or parent.section != Section.INCLUSION
            or len(parent.children) < 2
            or any(shape.items[child].children for child in parent.children)
        ):
            continue
        members = [[criteria[i] for i in by_item.get(child, ())] for child in parent.children]
        typed = [[c for c in m if c.kind not in _NOT_STATED] for m in members]
        if any(c.any_of is not None for m in members for c in m) or _CHECKLIST_INTRO.search(
            words[parent.index]
        ):
            continue
        # the ways to have a status ("HER2-negative, defined as:" / "IHC 0-1+" / "IHC 2+ and
        # ISH-negative"), or the situations of one therapy
        defines = (
            DEFINED_STATUS.search(words[parent.index]) is not None
            and {c.kind for m in typed for c in m} <= _DEFINING_KINDS
        )
        if not defines and not (all(typed) and _situations_of_one_therapy(typed)):
            continue
        counter[0] += 1
        if out is criteria:
            out = list(criteria)
        for child in parent.children:
            for i in by_item.get(child, ()):
                if out[i].kind != "administrative":
                    out[i] = out[i].model_copy(update={"any_of": counter[0]})
    return out


def _one_spelling(criteria: list[Criterion]) -> list[Criterion]:
    """One cohort label, one spelling: 'RMC-4630 + Osimertinib' and 'RMC-4630 + osimertinib'
    name one arm (the matcher compares labels as written); the first spelling is kept."""
    first: dict[str, str] = {}
    out = criteria
    for i, c in enumerate(criteria):
        if c.cohort is None:
            continue
        spelling = first.setdefault(c.cohort.casefold(), c.cohort)
        if spelling != c.cohort:
            if out is criteria:
                out = list(criteria)
            out[i] = c.model_copy(update={"cohort": spelling})
    return out


_LATER_STAGES = frozenset({"advanced", "metastatic", "unresectable"})


def _beyond_local(criteria: list[Criterion]) -> list[Criterion]:
    """A trial that excludes locally advanced disease and nowhere admits advanced or metastatic
    disease excludes metastatic disease too ("Locally advanced malignant breast cancer" in a
    trial of localisation before breast-conserving surgery): the exclusion takes it in."""
    admits_later = any(
        isinstance(c, DiseaseStage)
        and c.section == Section.INCLUSION
        and not c.negated
        and _LATER_STAGES & set(c.stages)
        for c in criteria
    )
    if admits_later:
        return criteria
    return [
        c.model_copy(update={"stages": (*c.stages, "metastatic")})
        if isinstance(c, DiseaseStage)
        and c.section == Section.EXCLUSION
        and not c.negated
        and c.cohort is None
        and c.stages == ("locally_advanced",)
        and not c.not_curable
        else c
        for c in criteria
    ]


def _stage_qualifiers(criteria: list[Criterion]) -> list[Criterion]:
    """An exclusion that names a stage the trial's inclusion requires ("Asymptomatic metastatic
    lesions whose growth would cause deficits", "therapy for advanced NSCLC", "more than 2 lines
    for inoperable locally advanced or metastatic disease in Cohort 1") cannot exclude that
    stage: the words describe something else. Such a stage criterion goes; an item left with
    nothing typed stays as unrecognised text. (Cohorts apart: what one cohort asks for,
    another's exclusion may bar.)"""
    required: dict[str | None, set[str]] = {}
    for c in criteria:
        if isinstance(c, DiseaseStage) and c.section == Section.INCLUSION and not c.negated:
            required.setdefault(c.cohort, set()).update(c.stages)
    if not required:
        return criteria

    def contradicts(c: Criterion) -> bool:
        return (
            isinstance(c, DiseaseStage)
            and c.section == Section.EXCLUSION
            and not c.negated
            and _within_asked(
                set(c.stages), required.get(None, set()) | required.get(c.cohort, set())
            )
        )

    return _without(criteria, contradicts, "names a stage the trial requires")


def _statement(c: Criterion, *, histology_too: bool = False) -> tuple[object, ...] | None:
    """What a cancer type or receptor criterion states, for comparing an exclusion with the
    inclusion. An exclusion's cancer type with a histology states more than its cancer (None);
    the inclusion's states its cancer whatever the histology (`histology_too`)."""
    if isinstance(c, CancerType):
        return None if c.histology and not histology_too else ("cancer", c.cancer)
    if isinstance(c, Receptor):
        return ("receptor", c.receptor, c.status)
    return None


def _required_again(criteria: list[Criterion]) -> list[Criterion]:
    """An exclusion that names the cancer or receptor status the trial's inclusion requires
    ("Bilateral breast cancer", "Breast cancer stage 0", "(no) previous chemotherapy for
    HR+/HER2- metastatic breast cancer") excludes something about that disease, not everyone
    who has it: such a criterion goes (an item left with nothing typed stays as unrecognised
    text). A cancer type with a histology ("inflammatory breast cancer") stays."""
    required = {
        _statement(c, histology_too=True)
        for c in criteria
        if c.section == Section.INCLUSION
        and not c.negated
        and c.any_of is None
        and c.cohort is None
    } - {None}
    if not required:
        return criteria

    # "chemotherapy for metastatic TNBC or HR+/HER2- disease": where an exclusion item also
    # names a receptor status the inclusion does not require, its statuses are alternatives
    # that say whom the exclusion is for, and all of them stay
    listed = {
        c.item
        for c in criteria
        if c.section == Section.EXCLUSION
        and isinstance(c, Receptor)
        and not c.negated
        and _statement(c) not in required
    }

    def contradicts(c: Criterion) -> bool:
        return (
            c.section == Section.EXCLUSION
            and not c.negated
            and _statement(c) in required
            and not (isinstance(c, Receptor) and c.item in listed)
        )

    return _without(criteria, contradicts, "names a disease the trial requires")


def _without(
    criteria: list[Criterion], contradicts: Callable[[Criterion], bool], reason: str
) -> list[Criterion]:
    """The criteria but those `contradicts` picks; an item left with none of its own keeps its
    words as an unrecognised criterion with that reason."""
    if not any(contradicts(c) for c in criteria):
        return criteria
    out: list[Criterion] = []
    kept_items = {c.item for c in criteria if not contradicts(c)}
    for c in criteria:
        if not contradicts(c):
            out.append(c)
        elif c.item not in kept_items:
            kept_items.add(c.item)
            out.append(Unrecognized(**_source_of(c), reason=reason))
    return out


#: "Patients with GBM or anaplastic astrocytoma must ...", "Prostate cancer patients should ...":
#: an item whose subject is a kind of patient.
_SUBJECT = re.compile(
    r"^\W*(?:for\s+)?(?:all\s+)?(?:(?:patients|subjects|participants|women|men|people)\s+with\s+"
    r"(?P<named>[^,;:.]{3,90}?)|(?P<before>[a-z][\w\s/'()-]{2,60}?)\s+(?:patients|subjects"
    r"|participants))(?=\s*(?:,|:|\(|\b(?:who|must|should|shall|will|may|can|are|need|needs|have"
    r"|has|require[sd]?|with)\b))",
    re.IGNORECASE,
)


#: Topics of the childbearing-potential rules a woman meets by agreeing at screening.
_CHILDBEARING_TOPICS = frozenset({"contraception", "pregnancy"})


def _childbearing_alternatives(criteria: list[Criterion]) -> list[Criterion]:
    """ "Female subjects must either: be postmenopausal or surgically sterile; or, if of
    childbearing potential, agree to use contraception": the menopausal status is one way out of
    the contraception rule, not a requirement, and any woman meets the group. Its menopausal and
    sex readings become part of that administrative rule (an inclusion group of alternatives with
    a contraception or pregnancy-test alternative and nothing but menopause or sex besides)."""
    groups: dict[int, list[int]] = {}
    for i, c in enumerate(criteria):
        if c.section == Section.INCLUSION and c.any_of is not None:
            groups.setdefault(c.any_of, []).append(i)
    out = criteria
    for positions in groups.values():
        members = [criteria[i] for i in positions]
        # the rule may be the group's own alternative, or the item that introduces the list
        # ("... or must show non-childbearing potential by one of:") or follows it
        items = range(min(c.item for c in members) - 1, max(c.item for c in members) + 2)
        if not any(
            isinstance(c, Administrative) and c.topic in _CHILDBEARING_TOPICS
            and (c.any_of == members[0].any_of or c.item in items)
            for c in criteria
        ):  # fmt: skip
            continue
        others = [i for i in positions if not isinstance(criteria[i], Administrative)]
        if not others or any(criteria[i].kind not in ("menopausal_status", "sex") for i in others):
            continue
        if out is criteria:
            out = list(criteria)
        for i in others:
            c = criteria[i]
            out[i] = Administrative(
                **_source_of(c), any_of=c.any_of, evidence=c.evidence, topic="contraception"
            )
    return out


def _source_of(c: Criterion) -> dict[str, Any]:
    """The fields that tie a criterion to its words, for another reading of the same words."""
    return {
        "section": c.section,
        "text": c.text,
        "span": c.span,
        "item": c.item,
        "cohort": c.cohort,
    }


def _condition_cohorts(criteria: list[Criterion]) -> list[Criterion]:
    """In a trial for several cancers, an inclusion item whose subject is the patients with one
    of them ("Patients with prostate cancer must continue GnRH therapy") states what those
    patients must meet, not what everyone must. Its criteria other than the cancer get the
    label "Patients with <subject>" as their cohort (`matcher.cohorts` reads such a label as a
    condition: patients it does not name are judged without those criteria); the cancer stays
    an alternative among the trial's cancers."""
    cancers = {c.cancer for c in criteria if _names_a_cancer(c) and c.cohort is None}
    if len(cancers) < 2:
        return criteria
    items: dict[int, list[int]] = {}
    for i, c in enumerate(criteria):
        if c.section == Section.INCLUSION:
            items.setdefault(c.item, []).append(i)
    out = criteria
    for positions in items.values():
        members = [criteria[i] for i in positions]
        if any(c.cohort is not None or c.kind == "unrecognized" for c in members):
            continue
        subject = _SUBJECT.match(members[0].text)
        if subject is None:
            continue
        words = (subject.group("named") or subject.group("before")).strip()
        named = [c for c in members if isinstance(c, CancerType) and not c.negated]
        if (
            not named
            or len(named) == len(members)
            or any((c.evidence or "").lower() not in words.lower() for c in named)
        ):
            continue  # no cancer in the subject, nothing else, or a list of cancers it begins
        label = f"Patients with {words}"
        if out is criteria:
            out = list(criteria)
        for i in positions:
            if not isinstance(criteria[i], CancerType):
                out[i] = criteria[i].model_copy(update={"cohort": label})
    return out


#: "... non-TNBC HER2-negative breast cancer, gastric cancer, ...": the status says which breast
#: cancers, right before the words "breast cancer"
_BREAST_AFTER = re.compile(r"[\s,)-]*(?:\w+\s+){0,2}?(?:breast|BC\b|MBC\b)", re.IGNORECASE)


def _breast_receptors(criteria: list[Criterion]) -> list[Criterion]:
    """In an item that lists several cancers as alternatives, a receptor status written as part
    of the breast cancer ("TNBC, HER2-negative breast cancer, NSCLC, gastric cancer") is what the
    breast cancers must be: a condition on patients with breast cancer (labelled so, as
    `_condition_cohorts` labels them), not a requirement for the gastric cancers."""
    groups: dict[tuple[int, int], set[str]] = {}
    for c in criteria:
        if _names_a_cancer(c) and c.any_of is not None:
            groups.setdefault((c.item, c.any_of), set()).add(c.cancer)
    listing = {item for (item, _), cancers in groups.items() if len(cancers) >= 2}
    if not listing or any(c.cohort and not c.cohort.startswith("Patients with") for c in criteria):
        return criteria  # (beside cohorts to enrol in, a condition label would be a route)
    out = list(criteria)
    for i, c in enumerate(criteria):
        if (
            isinstance(c, Receptor)
            and c.item in listing
            and c.any_of is None
            and c.cohort is None
            and c.section == Section.INCLUSION
            and c.evidence
        ):
            at = c.text.find(c.evidence)
            if at >= 0 and _BREAST_AFTER.match(c.text, at + len(c.evidence)):
                out[i] = c.model_copy(update={"cohort": "Patients with breast cancer"})
    return out


#: A cancer that stands for any solid tumour or names no single primary: no alternative to others.
_GENERIC_CANCERS = frozenset({"solid tumour"})


def _names_a_cancer(c: Criterion) -> TypeGuard[CancerType]:
    """An inclusion criterion that requires one specific primary cancer."""
    return (
        isinstance(c, CancerType)
        and c.section == Section.INCLUSION
        and not c.negated
        and c.cancer not in _GENERIC_CANCERS
    )


def _cancer_alternatives(criteria: list[Criterion], counter: list[int]) -> list[Criterion]:
    """A patient has one primary cancer, so inclusion items of one trial (and cohort) that
    require different cancers cannot all be requirements: "Melanoma patients: ...", "Patients
    with prostate cancer must continue GnRH therapy", a basket's list split over items. Such
    cancer types become one group of alternatives (with the groups of cancers already read as
    alternatives within an item). A trial that names one cancer, or a cancer and "solid
    tumour", is left as it is."""
    by_cohort: dict[str | None, list[tuple[int, CancerType]]] = {}
    for i, c in enumerate(criteria):
        if _names_a_cancer(c):
            by_cohort.setdefault(c.cohort, []).append((i, c))
    out = criteria
    for found in by_cohort.values():
        if len({c.cancer for _, c in found}) < 2:
            continue
        ungrouped = {i for i, c in found if c.any_of is None}
        # a group joins when it is a list of cancers (with what qualifies them); "breast cancer
        # or ER+ (...)" stays apart, and so does "solid tumours or lymphoma" (any solid tumour
        # would stand in for the cancers the trial names)
        groups = {c.any_of for _, c in found} - {None}
        whole = {
            g
            for g in groups
            if len({c.cancer for _, c in found if c.any_of == g}) >= 2
            or all(
                isinstance(c, CancerType) and c.cancer not in _GENERIC_CANCERS
                for c in criteria
                if c.any_of == g
            )
        }
        if len(ungrouped) + len(whole) < 2:
            continue  # one group of alternatives already, or nothing that can join
        counter[0] += 1
        group = counter[0]
        if out is criteria:
            out = list(criteria)
        joined_items: set[int] = set()
        for i, c in enumerate(out):
            if i in ungrouped or (c.any_of is not None and c.any_of in whole):
                out[i] = c.model_copy(update={"any_of": group})
                joined_items.add(c.item)
        # "6. ER+, HER2- breast cancer (must have progressed on a CDK4/6 inhibitor)" in such a
        # list: what qualifies one cancer is part of that alternative, not asked of everyone
        for i, c in enumerate(out):
            if (
                c.item in joined_items
                and c.any_of is None
                and c.section == Section.INCLUSION
                and c.kind in _QUALIFIES_A_CANCER
                and not c.negated
            ):
                out[i] = c.model_copy(update={"any_of": group})
    return out


_QUALIFIES_A_CANCER = frozenset({"receptor", "biomarker", "prior_therapy", "line_count"})


#: "Premenopausal women can be enrolled if they take a GnRH agonist", as its own item.
_YOUNGER_ADMITTED = re.compile(
    r"\b(?:pre|peri)[\s/-]*(?:(?:or|and|and/or)\s+|/\s*)?(?:peri)?[\s-]*menopausal\b"
    r"[^.;]{0,80}\b(?:can|may|could|will|are|is)\s+(?:also\s+)?(?:be\s+)?(?:enrolled|eligible"
    r"|included|allowed|admitted|participate|enter|join)",
    re.IGNORECASE,
)


def _suppression_route(criteria: list[Criterion]) -> list[Criterion]:
    """An inclusion item that admits pre- or perimenopausal women with ovarian suppression is a
    way in beside every plain 'postmenopausal' requirement of the trial (the same route
    `read_menopause` reads within one item): those requirements accept the younger statuses."""
    route = any(
        isinstance(c, Administrative)
        and c.section == Section.INCLUSION
        and c.topic == "ovarian_suppression"
        and c.cohort is None
        and _YOUNGER_ADMITTED.search(c.evidence or "")
        for c in criteria
    )
    if not route:
        return criteria
    every = ("premenopausal", "perimenopausal", "postmenopausal")
    return [
        c.model_copy(update={"statuses": every})
        if isinstance(c, MenopausalStatus)
        and c.section == Section.INCLUSION
        and not c.negated
        and c.any_of is None
        and c.statuses == ("postmenopausal",)
        else c
        for c in criteria
    ]


#: Items seen before, by their words, section and introduction: eligibility texts repeat the
#: same items across trials ("Signed informed consent", "ECOG 0-1"), and one item always reads
#: the same. Each entry keeps the drafts with their group numbers made relative, so that a
#: replay numbers its alternatives exactly as a fresh reading would.
_MEMO: OrderedDict[tuple[object, ...], tuple[list[Draft], int]] = OrderedDict()
_MEMO_SIZE = 20_000
_CONTEXT_GROUP = -1  #: marks the introduction's own group in a memorised draft


def clear_memo() -> None:
    """Forget the items read so far (benchmarks measure a cold start with it)."""
    _MEMO.clear()


def _extract(
    read: str, section: Section, context: Context | None, counter: list[int]
) -> list[Draft]:
    key: tuple[object, ...] = (read, section)
    if context is not None:
        key += (context.intro, context.intro_work, context.negated, context.therapy,
                context.any_of is not None, context.permits)  # fmt: skip
    base = counter[0]
    outer = context.any_of if context is not None else None
    found = _MEMO.get(key)
    if found is not None:
        _MEMO.move_to_end(key)
        template, used = found
        counter[0] = base + used
        return [_replay(draft, base, outer) for draft in template]
    drafts = extract_item(normalise(read), section, context, counter)
    used = counter[0] - base
    relative = [_relative(draft, base, used, outer) for draft in drafts]
    template = [t for t in relative if t is not None]
    if len(template) == len(relative):
        _MEMO[key] = (template, used)
        if len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return drafts


def _relative(draft: Draft, base: int, used: int, outer: int | None) -> Draft | None:
    """A copy of the draft with its group number relative to the counter (None: cannot be)."""
    fields = dict(draft.fields)
    group = fields.get("any_of")
    if group is not None:
        if outer is not None and group == outer:
            fields["any_of"] = _CONTEXT_GROUP
        elif base < group <= base + used:
            fields["any_of"] = group - base
        else:
            return None
    return draft.with_fields(fields)


def _replay(template: Draft, base: int, outer: int | None) -> Draft:
    fields = dict(template.fields)
    group = fields.get("any_of")
    if group is not None:
        fields["any_of"] = outer if group == _CONTEXT_GROUP else base + group
    return template.with_fields(fields)


def _join_alternatives(
    out: list[Criterion], built: list[Criterion], previous: int, counter: list[int]
) -> list[Criterion]:
    """An "OR" line between two items: their criteria share one `any_of` group."""
    before = [i for i, c in enumerate(out) if c.item == previous]
    group = next((out[i].any_of for i in before if out[i].any_of is not None), None)
    if group is None:
        counter[0] += 1
        group = counter[0]
    for i in before:
        out[i] = out[i].model_copy(update={"any_of": group})
    return [c.model_copy(update={"any_of": group}) for c in built]


def _build(item: Item, shown: str, drafts: list[Draft]) -> list[Criterion]:
    common = {
        "section": item.section.value,
        "text": shown,
        "span": item.span,
        "item": item.index,
        "cohort": item.cohort,
    }
    built: list[Criterion] = []
    for draft in drafts:
        try:
            built.append(draft.build(common))
        except ValidationError:
            log.exception("criteria draft %s did not validate", draft.kind)
    if not any(c.kind != "unrecognized" for c in built):
        return [Unrecognized(**common, reason=_reason(drafts))]  # type: ignore[arg-type]
    return [c for c in built if c.kind != "unrecognized"]


def _reason(drafts: list[Draft]) -> str | None:
    for draft in drafts:
        if draft.kind == "unrecognized":
            reason = draft.fields.get("reason")
            return str(reason) if reason else None
    return None
