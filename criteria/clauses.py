"""Clauses that change what the criteria inside them mean: conditions and permissions.

- A condition ("If hormone receptor positive: progression on at least one endocrine therapy",
  "For patients with HER2-positive disease, prior trastuzumab") limits a requirement to patients
  it describes. In an inclusion item "if A then B" is read as the alternatives "not A" or "B";
  a condition with nothing after it in its sentence states no requirement and is dropped.
- A permission ("Earlier CDK4/6 inhibitor treatment is allowed", "Measurable or non-measurable
  disease is acceptable", "Patients with CNS metastases may enter if ...") in an inclusion item
  requires nothing: the criteria it names are dropped, and an item left with nothing typed says
  so (`Administrative(topic="no_requirement")`).
"""

from __future__ import annotations

import re

from criteria.extract import Draft, ItemView
from criteria.fastre import Fast, gate_words
from trialmatch.vocab import Section

#: A condition that opens a sentence, up to the comma, colon or "then" that ends it.
_CONDITION = Fast(
    r"(?:^|[.;:(]\s*|\(?\b[a-z0-9]{1,3}\)\s*)\s*(?P<cue>if|when|where|in case of|in the case of"
    r"|for (?:the )?(?:patients?"
    r"|participants?|subjects?|those|women|men|cases?|tumou?rs?)(?:\s+(?:with|who|whose|having))?"
    r"|in (?:patients?|participants?|subjects?|those|women|men)\s+(?:with|who|whose|having)"
    r"|for\s+(?=(?:[\w+/-]+\s+){0,4}?(?:cancers?|disease|tumou?rs?|nsclc)\s*,)"
    r"|(?:patients?|participants?|subjects?|those|women|men)\s+who\s+(?:have\s+|had\s+)?"
    r"(?:previously\s+|already\s+)?(?:received|been treated|were treated|underwent|undergone))\b"
    r"(?P<body>[^,:;.]{1,100}?)(?=\s*(?:,(?!\s*(?:[\w-]+\s+){0,2}(?:or|and)\b)|:|;|\bthen\b"
    r"|\b(?:must|should|shall|needs?|are required|is required|will)\b))"
)
_CONDITION_WORDS = gate_words("if ", "when", "where", "in case", "for ", "in patients",
                              "in participants", "in subjects", "in those", "in women", "in men",
                              " who ")  # fmt: skip
#: Kinds a condition can be about.
_CONDITION_KINDS = frozenset(
    {
        "receptor",
        "biomarker",
        "cancer_type",
        "disease_stage",
        "sex",
        "menopausal_status",
        "cns_metastases",
        "prior_therapy",
        "age",
    }
)
_SENTENCE_END = re.compile(r"[.;](?:\s|$)")


def apply_conditions(drafts: list[Draft], view: ItemView, counter: list[int]) -> list[Draft]:
    """Conditions in an inclusion item: 'if A, B' becomes the alternatives 'not A' or 'B'."""
    if view.section != Section.INCLUSION or not drafts or not view.has(_CONDITION_WORDS):
        return drafts
    w = view.w
    dropped: set[int] = set()
    for match in _CONDITION.finditer(w, view.low):
        start, end = match.start("cue"), match.end("body")
        inside = [d for d in drafts if start <= d.start < end and d.kind in _CONDITION_KINDS]
        if not inside:
            continue
        stop = _SENTENCE_END.search(w, end)
        limit = stop.start() if stop else len(w)
        after = [
            d
            for d in drafts
            if end <= d.start < limit and d.kind not in {"administrative", "unrecognized"}
        ]
        if not after or any("any_of" in d.fields for d in (*inside, *after)):
            for draft in inside:
                if not (after or "any_of" in draft.fields) and _relapse_rule(draft, w):
                    continue  # "if X was given, relapse must be > 12 months after": kept, turned
                dropped.add(id(draft))
            continue
        counter[0] += 1
        for draft in inside:
            draft.fields["negated"] = not draft.fields.get("negated", False)
            draft.fields["any_of"] = counter[0]
        for draft in after:
            draft.fields["any_of"] = counter[0]
    return [d for d in drafts if id(d) not in dropped]


_NO_RELAPSE = re.compile(
    r"\b(?:not|no|without|never)\s+(?:\w+\s+){0,2}(?:progress|relaps|recurr)", re.I
)


def _relapse_rule(draft: Draft, w: str) -> bool:
    """'If adjuvant X was given, relapse must have come more than 12 months after it' says
    'not (X, then relapse within 12 months)': rewrite the draft so, and say whether it could."""
    fields = draft.fields
    if draft.kind != "prior_therapy" or fields.get("negated"):
        return False
    after, within = fields.get("relapse_after_months"), fields.get("relapse_within_months")
    if within is not None and after is None and _NO_RELAPSE.search(w):
        fields["negated"] = True  # "provided they did not progress within 3 months of it"
        return True
    if after is not None and within is None:
        fields["relapse_within_months"] = fields.pop("relapse_after_months")
    elif within is not None and after is None:
        fields["relapse_after_months"] = fields.pop("relapse_within_months")
    else:
        return False
    fields["negated"] = True
    return True


_NOT_ALTERNATIVE = frozenset({"administrative", "unrecognized", "cancer_type"})
_EITHER = Fast(r"^\W*(?:[\w-]+\s+){0,6}?either\b")
_OR = re.compile(r",?\s+or\s+")


def apply_either(drafts: list[Draft], view: ItemView, counter: list[int]) -> None:
    """'Either A, or B' in an inclusion item: what each side states is an alternative."""
    if view.section != Section.INCLUSION or len(drafts) < 2 or "either" not in view.low:
        return
    w = view.w
    either = _EITHER.search(w, view.low)
    if either is None:
        return
    begin = either.end() - len("either")
    depth, split = 0, None
    for match in _OR.finditer(w, either.end()):
        depth = w.count("(", either.end(), match.start()) - w.count(
            ")", either.end(), match.start()
        )
        if depth == 0:
            split = match
            break
    if split is None:
        return
    sides = [
        [d for d in drafts if begin <= d.start < split.start()],
        [d for d in drafts if d.start >= split.end()],
    ]
    # a cancer named after both sides ("either HER2+ or HER2- breast cancer") belongs to both
    chosen = [d for side in sides for d in side if d.kind not in _NOT_ALTERNATIVE]
    if not all(s for s in ([d for d in side if d in chosen] for side in sides)) or any(
        "any_of" in d.fields for d in chosen
    ):
        return
    counter[0] += 1
    for draft in chosen:
        draft.fields["any_of"] = counter[0]


#: A clause that allows rather than requires. Counts and limits ("up to 2 prior lines are
#: allowed", "only one prior regimen is permitted") are requirements and are kept.
_PERMITTED = Fast(
    r"\b(?:(?:is|are|will be|would be|also|is also|are also)\s+(?:\w+\s+)?(?:allowed|permitted"
    r"|acceptable|accepted|allowable)|(?<!not )(?:allowed|permitted|acceptable)\s*(?:[.;]|$)"
    r"|is not an exclusion|are not excluded|does not exclude|do not exclude"
    r"|may (?:enter|join|enrol|enroll|participate|take part|be (?:enrolled|included|eligible))"
    r"|can (?:enter|join|enrol|enroll|participate|take part|be (?:enrolled|included))"
    r"|(?:is|are) (?:also )?eligible (?:if|provided|as long as|when))"
)
_NOT_PERMITTED = Fast(
    r"\b(?:not|no|never|none|nor|ineligible|only|up to|at most|maximum|must|required|prohibited"
    r"|excluded|cohorts?|arms?)\b|\bparts?\s+(?:[a-z]\d?|\d+[a-z]?|i{1,3}|iv|v)\b|<=|<"
)
_CLAUSE = re.compile(r"[;.](?:\s|$)")
#: "X does not have to be the most recent treatment", "prior Y is not required".
_NOT_REQUIRED = Fast(
    r"\b(?:(?:does|do|need|needs) not (?:have|need) to|need not"
    r"|(?:is|are) not (?:required|mandatory|necessary)|not necessarily|not specified"
    r"|no (?:limit|restriction)s? (?:on|in|to|of|for))\b"
)
_KEEP = frozenset({"administrative", "unrecognized", "line_count", "lab", "age"})


def drop_permitted(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """Criteria named only in a permission, in an inclusion item, require nothing."""
    if view.section != Section.INCLUSION or not drafts:
        return drafts
    w = view.w
    if not (_PERMITTED.search(w, view.low) or _NOT_REQUIRED.search(w, view.low)):
        return drafts
    bounds = [0] + [m.end() for m in _CLAUSE.finditer(w)] + [len(w) + 1]
    kept: list[Draft] = []
    dropped: list[Draft] = []
    for draft in drafts:
        if draft.kind in _KEEP or (draft.fields.get("negated") and not _NOT_REQUIRED.search(w)):
            kept.append(draft)  # "allowed if stopped 28 days before": the washout is a rule
            continue
        begin = max(b for b in bounds if b <= draft.start)
        end = min(b for b in bounds if b > draft.start)
        clause = _own_words(w[begin:end], draft.start - begin)
        low = clause.lower()
        if _NOT_REQUIRED.search(clause, low) or (
            _PERMITTED.search(clause, low) and not _NOT_PERMITTED.search(clause, low)
        ):
            dropped.append(draft)
        else:
            kept.append(draft)
    if dropped and not any(d.kind not in {"administrative", "unrecognized"} for d in kept):
        first = dropped[0]
        kept.append(
            Draft(
                "administrative",
                {"topic": "no_requirement"},
                first.evidence,
                first.start,
                first.end,
            )
        )
    return kept


#: A clause that says how lines are counted ("adjuvant chemotherapy counts as one line",
#: "sequential AC-paclitaxel is considered one regimen"), not what the patient must have had.
_COUNTING = Fast(
    r"\b(?:counts?|counted|considered|regarded|constitutes?)\s+(?:as\s+)?(?:a|one|an|1|the same|a"
    r" single)\s+(?:\w+\s+){0,2}?(?:lines?|regimens?|therap(?:y|ies))\b|\b(?:counts?|counted)\s+"
    r"(?:as|towards?|if|when|only)\b|\b(?:not|never)\s+(?:be\s+)?counted\b"
)
_COUNTING_WORDS = gate_words("count", "consider", "regard", "constitut")
_COUNTED = frozenset({"prior_therapy", "line_count"})


def drop_counting(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """Therapies and counts named in a clause that defines how lines are counted."""
    if not drafts or not view.has(_COUNTING_WORDS):
        return drafts
    w = view.w
    if not _COUNTING.search(w, view.low):
        return drafts
    bounds = [0] + [m.end() for m in _CLAUSE.finditer(w)] + [len(w) + 1]
    kept = []
    for draft in drafts:
        if draft.kind in _COUNTED:
            begin = max(b for b in bounds if b <= draft.start)
            end = min(b for b in bounds if b > draft.start)
            clause = _own_words(w[begin:end], draft.start - begin)
            if _COUNTING.search(clause, clause.lower()):
                continue
        kept.append(draft)
    return kept


_PAREN = re.compile(r"\([^()]*\)")


def _own_words(clause: str, position: int) -> str:
    """The part of a clause a phrase at `position` belongs to: inside a parenthesis, its
    content; outside, the clause without its parentheses ("No prior chemotherapy (prior
    endocrine therapy is permitted)")."""
    for match in _PAREN.finditer(clause):
        if match.start() <= position < match.end():
            return match.group(0)[1:-1]
    outside = _PAREN.sub(lambda m: " " * len(m.group(0)), clause)
    opened = outside.find("(")
    if opened >= 0 and position < opened:
        outside = outside[:opened]  # a bracket left open to the clause's end is a note apart
    return outside
