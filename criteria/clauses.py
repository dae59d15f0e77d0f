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
from itertools import pairwise

from criteria import cues
from criteria.extract import SETTLED, TIMING_FIELDS, Draft, ItemView, settle
from criteria.fastre import Fast, gate_words, pattern_words
from criteria.model import BREAST_ONLY_RECEPTORS, Criterion
from trialmatch.vocab import Section

#: A condition that opens a sentence, up to the comma, colon or "then" that ends it.
_CONDITION = Fast(
    r"(?:^|[.;:(]\s*|\(?\b[a-z0-9]{1,3}\)\s*|(?P<either>\bor,?\s+)|\b(?:however|but),?\s+)\s*"
    r"(?P<cue>if|when|where"
    r"|in case of|in the case of"
    r"|for (?:the )?(?:patients?"
    r"|participants?|subjects?|those|women|men|cases?|tumou?rs?)(?:\s+(?:with|who|whose|having))?"
    r"|in (?:patients?|participants?|subjects?|those|women|men)\s+(?:with|who|whose|having)"
    r"|for\s+(?=(?:[\w+/-]+\s+){0,4}?(?:cancers?|disease|tumou?rs?|nsclc)\s*,)"
    r"|(?:patients?|participants?|subjects?|those|women|men)\s+who\s+(?:have\s+|had\s+)?"
    r"(?:previously\s+|already\s+)?(?:received|been treated|were treated|underwent|undergone)"
    r"|(?:patients?|participants?|subjects?|women|men)\s+(?:with|whose|having))\b"
    r"(?P<body>[^,:;.]{1,140}?)(?=\s*(?:,(?!\s*(?:[\w-]+\s+){0,2}(?:or|and)\b)|:|;|\bthen\b"
    r"|\b(?:must|should|shall|needs?|are required|is required|will"
    r"|(?:are|is) (?:also |only )?eligible(?: [\w ]{0,30}?)? (?:only )?(?:if|provided|when)"
    r"|(?:are|is) (?:not eligible|ineligible|excluded|not allowed|not permitted))\b))"
)
_CONDITION_WORDS = gate_words("if ", "when", "where", "in case", "for ", "in patients",
                              "in participants", "in subjects", "in those", "in women", "in men",
                              " who ", " with ", "whose", "having")  # fmt: skip
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
        "comorbidity",
    }
)
_SENTENCE_END = re.compile(r"[.;](?:\s|$)")
#: "Patients with HER2-positive disease must have had trastuzumab": a condition only when a
#: requirement follows at once, and the population words are not the trial's own disease.
_PATIENTS_WITH = re.compile(
    r"(?:patients?|participants?|subjects?|women|men)\s+(?:with|whose|having)$", re.I
)
_MUST = re.compile(
    r"\s*(?:must|should|needs? to|are required|is required|(?:are|is) (?:also |only )?eligible"
    r"(?: [\w ]{0,30}?)? (?:only )?(?:if|provided|when)|(?P<not>(?:are|is) (?:not eligible"
    r"|ineligible|excluded|not allowed|not permitted)))\b",
    re.I,
)


def apply_conditions(drafts: list[Draft], view: ItemView, counter: list[int]) -> list[Draft]:
    """Conditions in an inclusion item: 'if A, B' becomes the alternatives 'not A' or 'B'."""
    if view.section != Section.INCLUSION or not drafts or not view.has(_CONDITION_WORDS):
        return drafts
    if not any(d.kind in _CONDITION_KINDS for d in drafts):
        return drafts  # no condition can hold a draft: every match below would be skipped
    w = view.w
    dropped: set[int] = set()
    settled = view.memo.get(SETTLED, ())
    for match in _CONDITION.finditer(w, view.low):
        start, end = match.start("cue"), match.end("body")
        inside = [d for d in drafts if start <= d.start < end and d.kind in _CONDITION_KINDS]
        if any(id(d) in settled for d in inside):
            continue  # "patients who had adjuvant X are eligible if the DFI was > 12 months"
        if not inside:
            continue
        must = _MUST.match(w, end) if _PATIENTS_WITH.match(match.group("cue")) else None
        if _PATIENTS_WITH.match(match.group("cue")) and (
            must is None or any(d.kind in {"cancer_type", "disease_stage"} for d in inside)
        ):
            continue  # "Patients with metastatic HER2-negative disease": who the trial is for
        stop = _SENTENCE_END.search(w, end)
        limit = stop.start() if stop else len(w)
        if must is not None and must.group("not"):
            # "Patients with A who B are ineligible": not A, or not B; the words after the
            # verdict ("(those who progressed on X are eligible)") are further ways in
            inside = [d for d in drafts if start <= d.start < end and d.kind in _CONDITION_KINDS]
            rest = [d for d in drafts if end <= d.start < limit and d.kind not in _NOT_ALTERNATIVE]
            if any("any_of" in d.fields for d in (*inside, *rest)):
                continue
            for draft in inside:  # the body's own negation ("who have not yet received X")
                draft.fields["negated"] = not cues.negated_before(w, draft.start)
            if len(inside) + len(rest) > 1:
                counter[0] += 1
                for draft in (*inside, *rest):
                    draft.fields["any_of"] = counter[0]
            continue
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
        before: list[Draft] = []
        if match.group("either"):
            # "HER2-negative, or, if HER2-positive, earlier trastuzumab": the first side too
            opened = max(w.rfind(". ", 0, start), w.rfind("; ", 0, start))
            before = [
                d
                for d in drafts
                if opened < d.start < start and d.kind in _CONDITION_KINDS - {"cancer_type"}
            ]
            if any("any_of" in d.fields for d in before):
                before = []
        counter[0] += 1
        for draft in inside:
            draft.fields["negated"] = not draft.fields.get("negated", False)
            draft.fields["any_of"] = counter[0]
        for draft in (*after, *before):
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
#: "either" among the first words of a sentence (the item's first or a later one).
_EITHER = Fast(r"(?:^|[.;]\s+)\W*(?:[\w-]+\s+){0,6}?either\b")
_OR = re.compile(r",?\s+or\s+")
_SHARED_AFTER = re.compile(
    r",\s*(?:and\s+)?(?:with|without|provided|as long as)\s+(?:no|not|without|none)\b", re.I
)
#: An "or" inside a pair of words that names one thing ("locally advanced or metastatic",
#: "first- or second-generation", "on or after"): no split between the sides of "either".
_PAIR_OR = re.compile(
    r"\s*(?:metastatic|advanced|recurrent|unresectable|second|2nd|third|3rd|later|after"
    r"|cytologically|histologically|refractory|relapsed)\b",
    re.IGNORECASE,
)


def apply_either(drafts: list[Draft], view: ItemView, counter: list[int]) -> None:
    """'Either A, or B' in an inclusion item: what each side states is an alternative. When
    one side names a treatment history and the other only says how the therapy named before
    'either' was given ("X given either as first-line therapy, or as second-line therapy after
    Y"), that therapy stands for the bare side: Y alone is no requirement."""
    if view.section != Section.INCLUSION or len(drafts) < 2 or "either" not in view.low:
        return
    w = view.w
    for either in _EITHER.finditer(w, view.low):
        _either_sides(drafts, view, either, counter)


def _either_sides(
    drafts: list[Draft], view: ItemView, either: re.Match[str], counter: list[int]
) -> None:
    w = view.w
    begin = either.end() - len("either")
    stop = _SENTENCE_END.search(w, either.end())
    limit = stop.start() if stop else len(w)
    first = begin == w.find("either") and not w[: either.start()].strip(" .;")
    split = None
    for match in _OR.finditer(w, either.end(), len(w) if first else limit):
        depth = w.count("(", either.end(), match.start()) - w.count(
            ")", either.end(), match.start()
        )
        if depth == 0 and (first or not _PAIR_OR.match(w, match.end())):
            split = match
            break
    if split is None:
        return
    end = len(w) if first else limit
    # "either A or B, with no prior chemotherapy for metastatic disease": a condition on both
    shared = _SHARED_AFTER.search(w, split.end(), end)
    if shared is not None:
        end = shared.start()
    sides = [
        [d for d in drafts if begin <= d.start < split.start()],
        [d for d in drafts if split.end() <= d.start < end],
    ]
    histories = [[d for d in side if d.kind in _HISTORIES] for side in sides]
    if not first and any(histories) and not all(histories):
        # the bare side is how the therapy named before "either" was given
        opened = _sentence_start(w, begin)
        subject = [d for d in drafts if opened <= d.start < begin and d.kind in _HISTORIES]
        if not subject or any(
            "any_of" in d.fields for d in (*subject, *histories[0], *histories[1])
        ):
            return
        counter[0] += 1
        for draft in (*subject, *histories[0], *histories[1]):
            draft.fields["any_of"] = counter[0]
        return
    # a cancer named after both sides ("either HER2+ or HER2- breast cancer") belongs to both
    chosen = [d for side in sides for d in side if d.kind not in _NOT_ALTERNATIVE]
    if not all(s for s in ([d for d in side if d in chosen] for side in sides)) or any(
        "any_of" in d.fields for d in chosen
    ):
        return
    counter[0] += 1
    for draft in chosen:
        draft.fields["any_of"] = counter[0]


_EARLY_PERMISSION = Fast(
    r"\b(?:eligible|allowed|permitted|acceptable|accepted|allowable|may (?:enter|participate"
    r"|take part|join|enrol|enroll|be (?:enrolled|included)))\b"
)
_EARLY_WORDS = gate_words("adjuvant", "operative")
_PERMISSION_WORDS = gate_words("eligible", "allowed", "permitted", "accept", "allowable", "may ")
#: Units of a washout (weeks to months); a disease-free interval can also be in years.
_SHORT_UNITS = r"(?:days?|weeks?|wks?|months?)"
_TIME = r"(?P<n{0}>\d+(?:\.\d+)?)[\s-]*(?P<unit{0}>" + _SHORT_UNITS + "|years?)"
_AT_LEAST = r"(?:>=|>|at least(?: an?)?|more than|longer than|of at least|of over)"
#: The time a (neo)adjuvant therapy must lie behind the patient for the permission to hold:
#: a disease-free interval or relapse after it (`dfi`), or time since its last dose (`since`).
_DFI_WORDS = (
    r"(?:disease[- ]free(?: interval| survival)?|\bdfi\b|treatment[- ]free interval|relaps\w*"
    r"|recurrences?|recurred|progression|progressed)"
)
_STOPPED = (
    r"(?:finished|completed|ended|stopped|discontinued|performed|given|administered|received)"
    r"\s+(?:[\w-]+\s+){0,3}?"
)
_EARLY_CONDITION = Fast(
    rf"(?P<dfi>{_DFI_WORDS}[^.;]{{0,160}}?(?<![\w.]){_AT_LEAST}\s*{_TIME.format('')}"
    rf"|{_AT_LEAST}\s*(?:an?\s+)?{_TIME.format('2')}\s+(?:of\s+)?"
    r"(?:disease[- ]free|dfi\b|treatment[- ]free))"
    rf"|(?P<since>{_AT_LEAST}\s*{_TIME.format('3')}\s+(?:have|has)?\s*"
    r"(?:passed|elapsed|gone by)\s+(?:since|from|after)"
    rf"|{_STOPPED}{_AT_LEAST}\s*{_TIME.format('4')}\s+(?:before|prior))"
)
#: "completed > 6 months before (the diagnosis of) metastatic disease": an interval to relapse.
_RELAPSE_AFTER = re.compile(
    r"\s*(?:to\s+)?(?:the\s+)?(?:(?:development|diagnosis|detection|documentation|onset)\s+of"
    r"\s+)?(?:the\s+)?(?:recurr|relaps|metasta|advanced|progress|distant)",
    re.IGNORECASE,
)


#: "X is not allowed, however if a candidate has already started Y within 21 days ..., the
#: patient will be eligible": the condition under which one barred therapy is let in.
_HOWEVER_ELIGIBLE = Fast(
    r"\b(?:however|but)\b,?\s+(?:if|when|where)\b(?P<cond>[^.]*?)\b(?:will|would|shall)\s+(?:still\s+)?"
    r"be\s+eligible\b"
)
_HOWEVER_ELIGIBLE_WORDS = pattern_words(_HOWEVER_ELIGIBLE)
_DIGIT = re.compile(r"\d")
_STARTED_WORD = re.compile(r"\b(?:started|start|initiated|began|begun|commenced)\b", re.I)


#: "(X) must have been given as the first TKI for advanced disease, or as the second TKI
#: after an earlier-generation one": the ways X may have been given, each acceptable.
_GIVEN_AS_EITHER = Fast(
    r"\b(?:administered|given|received|used)\s+as\s+(?:the\s+|a\s+)?(?:first|1st|second|2nd"
    r"|initial|only)\b[^.;]*?\bor\s+as\s+(?:the\s+|a\s+)?(?:first|1st|second|2nd|subsequent|later)"
    r"\b[^.;]*"
)
_GIVEN_AS_EITHER_WORDS = pattern_words(_GIVEN_AS_EITHER)


def drop_sequence_alternatives(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """'A third-generation TKI, given first for advanced disease, or second after an earlier
    first- or second-generation TKI in T790M-positive disease': the therapy itself is asked;
    the words from "as the first" on name orders that all qualify, which ask nothing more."""
    if len(drafts) < 2 or not view.has(_GIVEN_AS_EITHER_WORDS):
        return drafts
    found = _GIVEN_AS_EITHER.search(view.w, view.low)
    if found is None:
        return drafts
    head = [d for d in drafts if d.kind == "prior_therapy" and d.start < found.start()]
    if not head:
        return drafts
    start, end = found.start(), found.end()
    return [
        d
        for d in drafts
        if not (start <= d.start < end and d.kind in {"prior_therapy", "biomarker", "line_count"})
    ]


def apply_however_eligible(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """'Earlier EGFR TKIs are barred; but should someone have started osimertinib less than 21
    days before randomisation, they may still enrol':
    the therapies of the condition are excepted from the bar (with the condition as the
    exception's words), not asked for, and the condition's window is not the bar's."""
    if not view.has(_HOWEVER_ELIGIBLE_WORDS) or not any(
        d.kind == "prior_therapy" and d.fields.get("negated") for d in drafts
    ):
        return drafts
    found = _HOWEVER_ELIGIBLE.search(view.w, view.low)
    if found is None:
        return drafts
    start, end = found.start("cond"), found.end()
    inside = [d for d in drafts if d.kind == "prior_therapy" and start <= d.start < end]
    barred = [
        d
        for d in drafts
        if d.kind == "prior_therapy" and d.fields.get("negated") and d.start < found.start()
    ]
    if not inside or not barred:
        return drafts
    agents = tuple(a for d in inside for a in d.fields.get("agents", ()))
    words = view.evidence(found.start(), end).strip()
    own_numbers = _DIGIT.search(view.w, 0, found.start()) is not None
    for draft in barred:
        draft.fields["except_agents"] = tuple(
            dict.fromkeys((*draft.fields.get("except_agents", ()), *agents))
        )
        draft.fields["exceptions"] = (*draft.fields.get("exceptions", ()), words)
        if not own_numbers:
            draft.fields.pop("within_days", None)  # the window was the condition's
    # "already started Y within 21 days": Y is let in only that recently begun, so Y taken for
    # longer stays barred (no more than that time on it)
    kept = [d for d in drafts if d not in inside]
    for draft in inside:
        days = draft.fields.pop("within_days", None)
        recent = draft.fields.pop("max_duration_months", None)  # "started within 21 days"
        if (
            (days or recent)
            and draft.fields.get("agents")
            and _STARTED_WORD.search(view.w, start, end)
        ):
            draft.fields["min_duration_months"] = recent or cues.months(float(days), "days")
            draft.fields["negated"] = True
            draft.fields["exceptions"] = ()
            kept.append(settle(view, draft))
    return sorted(kept, key=lambda d: (d.start, d.end))


def apply_early_permission(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """'(Neo)adjuvant chemotherapy is allowed / patients who had it are eligible, provided the
    disease-free interval was > 12 months (or: at least 6 months have passed since the last
    dose)': the therapy given early excludes only with relapse within that time (or when given
    within it). The permission's therapy becomes that one criterion, negated in an inclusion
    item; therapies named in the condition's own definition ("from completion of chemotherapy
    to the diagnosis of metastatic disease") go."""
    if (
        not any(d.kind == "prior_therapy" for d in drafts)
        or not view.has(_EARLY_WORDS)
        or not view.has(_PERMISSION_WORDS)
    ):
        return drafts
    w = view.w
    out = drafts
    for permission in _EARLY_PERMISSION.finditer(w, view.low):
        begin, end = _segment(w, permission.start())
        condition = _EARLY_CONDITION.search(w[begin:end], view.low[begin:end])
        if condition is None:
            continue
        inside = [d for d in out if d.kind == "prior_therapy" and begin <= d.start < end]
        at = begin + condition.start()
        named = [d for d in inside if d.start < at]
        if not named and w[begin - 1 : begin] == "(":
            # "No earlier chemotherapy (adjuvant treatment allowed if finished > 6 months
            # before)": the bracket's therapy is the one it follows, which is barred only for
            # advanced disease; the early use becomes a criterion of its own
            before = [d for d in out if d.kind == "prior_therapy" and d.start < begin]
            if not before or before[-1].fields.get("settings"):
                continue
            main = before[-1]
            early = _early_permission(main, view, begin, at, condition)
            if early is not None:
                main.fields["settings"] = ("metastatic",)
                for key in ("within_days", "relapse_within_months", "relapse_after_months"):
                    main.fields.pop(key, None)  # the bracket's time is the permission's
                out = [*out[: out.index(main) + 1], early, *out[out.index(main) + 1 :]]
            continue
        bracket = w.rfind("(", begin, at)
        if bracket > w.rfind(")", begin, at):
            # "adjuvant chemotherapy is allowed (carboplatin only if > 12 months since)"
            named = [d for d in named if d.start > bracket] or named
        else:
            named = [d for d in named if d.fields.get("settings")] or named
        if not named or "metastatic" in cues.settings_in(w[begin:at]):
            continue  # "allowed in the adjuvant or metastatic setting if stopped 4 weeks before"
        subject = named[0]
        if _adjuvant_allowance(subject, view):
            continue  # `apply_adjuvant_permission` reads it (and bars the other settings)
        if permission.group(0).lower() == "eligible" and not any(
            d.kind in {"prior_therapy", "line_count"} and not begin <= d.start < end for d in out
        ):
            continue  # "Women who had adjuvant anthracycline and a DFI > 12 months are eligible":
            # who the trial is for, when nothing else in the item sets a rule it relaxes
        replaced = _early_permission(subject, view, begin, at, condition)
        if replaced is None:
            continue
        out = [replaced if d is subject else d for d in out if d is subject or d not in inside]
    return out


def _early_permission(
    subject: Draft, view: ItemView, begin: int, at: int, condition: re.Match[str]
) -> Draft | None:
    """The criterion a permission of early use makes of `subject`: its (neo)adjuvant use with
    relapse within the interval (or within the time since its last dose), excluding."""
    said = {*subject.fields.get("settings", ()), *cues.settings_in(view.w[begin:at])}
    settings = tuple(s for s in ("neoadjuvant", "adjuvant") if s in said)
    if not settings:
        return None
    fields = {
        **subject.fields,
        "settings": settings,
        "relation": "received",
        "negated": view.section == Section.INCLUSION,
    }
    for key in ("relapse_after_months", "relapse_within_months", "within_days", "any_of"):
        fields.pop(key, None)
    found = next(g for g in ("", "2", "3", "4") if condition.group(f"n{g}"))
    n, unit = float(condition.group(f"n{found}")), condition.group(f"unit{found}")
    after = view.w[begin + condition.end() : begin + condition.end() + 50]
    if condition.group("since") and not _RELAPSE_AFTER.match(after):
        fields["within_days"] = cues.days(n, unit)
    else:
        fields["relapse_within_months"] = cues.months(n, unit)
    return settle(view, subject.with_fields(fields))


def _segment(w: str, position: int) -> tuple[int, int]:
    """The bracket or else the sentence around `position`."""
    opened = w.rfind("(", 0, position)
    if opened > w.rfind(")", 0, position):
        closed = w.find(")", position)
        return opened + 1, closed if closed != -1 else len(w)
    start = _sentence_start(w, position)
    stop = _SENTENCE_END.search(w, position)
    return start, stop.start() if stop else len(w)


_ALLOWED = Fast(r"\b(?:allowed|permitted|acceptable|accepted)\b")


def _adjuvant_allowance(draft: Draft, view: ItemView) -> bool:
    """A draft `apply_adjuvant_permission` rewrites when its sentence allows it."""
    fields = draft.fields
    return (
        view.section == Section.INCLUSION
        and draft.kind == "prior_therapy"
        and bool(fields.get("negated"))
        and fields.get("relapse_after_months") is not None
        and fields.get("relapse_within_months") is None
        and set(fields.get("settings", ())) == {"adjuvant"}
    )


_ALLOWED_WORDS = gate_words("allowed", "permitted", "accept")


def apply_adjuvant_permission(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """'X is allowed as adjuvant therapy if the disease-free interval after it is > 12 months'
    in an inclusion item: X in the other settings is not allowed, and adjuvant X followed by
    relapse within 12 months is not either (two negated criteria)."""
    if view.section != Section.INCLUSION or not view.has(_ALLOWED_WORDS):
        return drafts
    w = view.w
    out: list[Draft] = []
    done: list[tuple[object, object]] = []
    for draft in drafts:
        fields = draft.fields
        if (
            draft.kind != "prior_therapy"
            or not fields.get("negated")
            or fields.get("relapse_after_months") is None
            or fields.get("relapse_within_months") is not None
        ):
            out.append(draft)
            continue
        named = (fields.get("agents"), fields.get("classes"))
        opened = _sentence_start(w, draft.start)
        stop = _SENTENCE_END.search(w, draft.start)
        sentence = w[opened : stop.start() if stop else len(w)]
        if not _ALLOWED.search(sentence, sentence.lower()):
            out.append(draft)
            continue
        if named in done:
            continue  # the same drug named again in the condition
        if set(fields.get("settings", ())) != {"adjuvant"}:
            out.append(draft)
            continue
        done.append(named)
        fields["relapse_within_months"] = fields.pop("relapse_after_months")
        out.append(draft)
        out.append(
            draft.with_fields(
                {
                    **{k: v for k, v in fields.items() if k != "relapse_within_months"},
                    "settings": ("metastatic",),
                }
            )
        )
    return out


#: A term of endocrine resistance that the rest of its sentence defines ("secondary endocrine
#: resistance defined as: ...", "Hormone refractory: ...").
_ROUTE_HEAD = Fast(
    r"\b(?:resistan\w*|refractory)\b[^.;:]{0,80}?(?:\bdefined as\b\s*:?|\bas follows\b\s*:?|:)"
    r"|\b(?:meets?|meeting|fulfil\w*|satisf\w*)\s+(?:at least\s+|>=\s*)?(?:one|1) of the"
    r" following\s*:"
)
#: ", or (with a) relapse ...", "or whose disease has progressed ...": the next way in.
_ROUTE_OR = re.compile(
    r",?\s+or\s+(?:if\s+)?(?:(?:the\s+|an?\s+)?(?:patients?|participants?)\s+(?:with\s+[^,;.]{0,60}?\s+)?)?"
    r"(?:(?:with|who|whose|in whom|having)\s+)?(?:(?:a|an|the|their)\s+)?"
    r"(?:disease\s+)?(?:(?:has|have|had)\s+)?(?=progress|relaps|recurr)",
    re.IGNORECASE,
)
_ROUTE_WORDS = gate_words("resist", "refract", "of the following")
_AFTER_COMPLETING = Fast(r"\bafter\s+(?:completing|completion|the end|stopping|finishing)\b")
_HISTORIES = frozenset({"prior_therapy", "line_count"})


def apply_routes(drafts: list[Draft], view: ItemView, counter: list[int]) -> list[Draft]:
    """'Secondary endocrine resistance, defined as: progression on X after >= 6 months for
    advanced disease, or relapse while on adjuvant X after the first 2 years, or relapse within
    12 months after completing it' in an inclusion item: the treatment histories of the ways in
    are alternatives, and the term they define is no criterion of its own. Beside "relapse while
    on adjuvant X", "within 12 months after completing it" means after its end."""
    if view.section != Section.INCLUSION or len(drafts) < 2 or not view.has(_ROUTE_WORDS):
        return drafts
    w = view.w
    head = _ROUTE_HEAD.search(w, view.low)
    if head is None:
        return drafts
    stop = _SENTENCE_END.search(w, head.end())
    limit = stop.start() if stop else len(w)
    bounds = [head.end()] + [m.start() for m in _ROUTE_OR.finditer(w, head.end(), limit)]
    if len(bounds) < 2:
        return drafts
    bounds.append(limit)
    histories = [
        d
        for d in drafts
        if d.kind in _HISTORIES and not d.fields.get("negated") and "any_of" not in d.fields
    ]
    routes = [[d for d in histories if a <= d.start < b] for a, b in pairwise(bounds)]
    if sum(bool(r) for r in routes) < 2 or any(len(r) > 1 for r in routes):
        return drafts  # several statements in one way in cannot be one alternative
    opened = _sentence_start(w, head.start())
    term = [d for d in histories if opened <= d.start < head.end()]
    # "or if a patient with de novo disease progressed ...": who the way in is for, no
    # requirement of its own
    term += [
        d
        for d in drafts
        if d.kind == "disease_stage" and d.fields.get("presentation") and bounds[0] <= d.start
    ]
    on_adjuvant = any(
        r[0].kind == "prior_therapy"
        and r[0].fields.get("relation") == "progressed"
        and "adjuvant" in r[0].fields.get("settings", ())
        for r in routes
        if r
    )
    counter[0] += 1
    for (a, b), route in zip(pairwise(bounds), routes, strict=True):
        for draft in route:
            draft.fields["any_of"] = counter[0]
            if (
                on_adjuvant
                and draft.fields.get("relapse_within_months") is not None
                and draft.fields.get("relapse_after_months") is None
                and _AFTER_COMPLETING.search(w[a:b], view.low[a:b])
            ):
                draft.fields["relapse_after_months"] = 0.0
    return [d for d in drafts if d not in term]


#: "..., meeting any of the following requirements:", "must fulfil one of the following:": what
#: follows, up to the item's end, lists ways in, one a sentence, clause or line.
_LIST_HEAD = Fast(
    r"\b(?:meets?|meeting|fulfil\w*|satisf\w*|(?:can|may|must|should)\s+be|have|has|had)\s+"
    r"(?:at least\s+)?(?:any|one|1|either)\s+(?:of\s+)?(?:the\s+)?(?:following|below)"
    r"(?:\s+[\w-]+){0,3}?\s*:"
)
_LIST_WORDS = gate_words("following", "below")
#: Where one way in of such a list ends: a sentence end (also "failure.Patients" without a
#: space, not "e.g." or "etc."), a semicolon, a line break, or a letter or numeral mark.
_WAY_END = re.compile(
    r"(?<!\be\.g)(?<!\beg)(?<!\betc)(?<!\bi\.e)\.(?:\s+|(?=[A-Z][a-z]))|;\s*|\n\s*"
    r"|\s(?=(?:[a-h]|i{1,3}|iv|v)[.)]\s)|\s(?=\((?:[a-h]|i{1,3}|iv|v|\d)\)\s)"
    r"|,?\s+or\s+(?=(?:if\s+)?(?:progress|relaps|recurr|failure|disease progression)\w*\b)",
    re.IGNORECASE,
)
#: A lettered part that opens with the patients it is about: "a) Participants previously
#: treated with ...", "(b) Patients with ...". The match ends after the colon or mark before it.
_SUBJECT_MARK = re.compile(
    r"(?<=[:;.]\s)\(?[a-h][.)]\s*(?=(?:participants?|patients?|subjects?|those)\b)"
    r"|(?<=:)\(?[a-h][.)]\s*(?=(?:participants?|patients?|subjects?|those)\b)",
    re.IGNORECASE,
)
#: A sentence that leaves the list: a statement about every patient, or a note.
_LIST_LEFT = Fast(
    r"^\W*(?:in addition|additionally|also|furthermore|moreover|all (?:patients|participants"
    r"|subjects))\b"
)
#: Kinds a way in can state: a treatment history, a finding, how the disease presented.
_WAY_KINDS = frozenset({"prior_therapy", "line_count", "biomarker"})


def apply_listed_routes(drafts: list[Draft], view: ItemView, counter: list[int]) -> list[Draft]:
    """'Earlier EGFR TKI that failed, meeting any of the following: progression on a first- or
    second-generation TKI and no T790M afterwards. Progression on osimertinib.' in an inclusion
    item: each sentence (or clause, line, lettered part) after the head is one way in. What a
    way in states shares one `any_of` group with the others, and a `route` number of its own,
    so a way in of two statements needs both; what the words before the head state stays
    required of everyone."""
    if view.section != Section.INCLUSION or len(drafts) < 2:
        return drafts
    w = view.w
    head = _LIST_HEAD.search(w, view.low) if view.has(_LIST_WORDS) else None
    if head is None:
        # "...after an EGFR TKI: a) Participants treated with X must ...; b) Participants with
        # Y must ...; c) Participants who failed Z are eligible": each lettered group of
        # patients is a way in
        marks = list(_SUBJECT_MARK.finditer(w))
        head = marks[0] if len(marks) >= 2 and ":" in w[: marks[0].start() + 1] else None
    if head is None or (view.context is not None and view.context.any_of is not None):
        return drafts
    bounds = [head.end()]
    depth = 0
    last = head.end()
    for match in _WAY_END.finditer(w, head.end()):
        depth += w.count("(", last, match.start()) - w.count(")", last, match.start())
        depth += w.count("[", last, match.start()) - w.count("]", last, match.start())
        last = match.start()
        if depth <= 0:
            bounds.append(match.end())
    bounds.append(len(w))
    ways: list[list[Draft]] = []
    for a, b in pairwise(bounds):
        if _LIST_LEFT.search(w[a:b], view.low[a:b]):
            break
        ways.append(
            [
                d
                for d in drafts
                if a <= d.start < b
                and (
                    d.kind in _WAY_KINDS
                    or (d.kind == "disease_stage" and d.fields.get("presentation"))
                )
                and "any_of" not in d.fields
                and not (d.fields.get("negated") and TIMING_FIELDS & d.fields.keys())
            ]
        )
    ways = [way for way in ways if way]
    if len(ways) < 2:
        return drafts
    counter[0] += 1
    for number, way in enumerate(ways, 1):
        for draft in way:
            draft.fields["any_of"] = counter[0]
            draft.fields["route"] = number
    return drafts


#: "De novo stage IV disease, or recurrence after adjuvant therapy" (either order): the two ways
#: a patient can have come to advanced disease, each with what it requires.
_PRESENTATION_OR = Fast(
    r"\b(?:de[- ]novo|at (?:the time of )?(?:first |initial )?diagnosis)\b[^.;]{0,80}?"
    r"(?P<or>,?\s+or\s+)(?:\w+\s+){0,3}?(?:recurr\w*|relaps\w*|(?:has )?come back)"
    r"|\b(?:recurr\w*|relaps\w*)\b[^.;]{0,120}?(?P<or2>,?\s+or\s+)(?:\w+\s+){0,3}?de[- ]novo\b"
)


_EITHER_PRESENTATION = re.compile(
    r"\(\s*(?:recurrent|relapsed|de[- ]novo)\s+(?:or|and/or)\s+(?:recurrent|relapsed|de[- ]novo)"
    r"(?:\s+disease)?\s*\)",
    re.IGNORECASE,
)


_DE_NOVO_WORDS = gate_words("novo", "diagnosis")


def apply_presentation(drafts: list[Draft], view: ItemView, counter: list[int]) -> None:
    """'De novo metastatic disease, or recurrence after at least 2 years of adjuvant endocrine
    therapy' in an inclusion item: what each side states is an alternative. Washouts and other
    negated statements after it apply to both sides and are left alone."""
    if view.section != Section.INCLUSION or not drafts or not view.has(_DE_NOVO_WORDS):
        return
    found = _PRESENTATION_OR.search(view.w, view.low)
    if found is None or _EITHER_PRESENTATION.search(view.w):
        return  # "metastatic NSCLC (recurrent or de novo) with EGFR ...": either, no alternative
    split = found.start("or") if found.group("or") else found.start("or2")
    sentence = _sentence_start(view.w, found.start())
    chosen = [
        d
        for d in drafts
        if d.kind not in _NOT_ALTERNATIVE
        and "any_of" not in d.fields
        and not d.fields.get("negated")
        and d.start >= sentence
    ]
    sides = [[d for d in chosen if d.start < split], [d for d in chosen if d.start >= split]]
    if sides[1] and not sides[0] and found.group("or"):
        # "spread at the time of diagnosis, or came back after ...": the first way is de novo
        # metastatic disease, stated in words no reader types
        stage = view.draft(
            "disease_stage",
            found.start(),
            split,
            stages=("metastatic",),
            not_curable=False,
            presentation="de_novo",
            negated=False,
        )
        drafts.append(stage)
        drafts.sort(key=lambda d: (d.start, d.end))
        chosen.append(stage)
        sides[0].append(stage)
    if not all(sides):
        return
    counter[0] += 1
    for draft in chosen:
        draft.fields["any_of"] = counter[0]


#: A clause that allows rather than requires. Counts and limits ("up to 2 prior lines are
#: allowed", "only one prior regimen is permitted") are requirements and are kept.
_PERMITTED = Fast(
    r"\b(?:(?:is|are|will be|would be|also|is also|are also)\s+(?:\w+\s+)?(?:allowed|permitted"
    r"|acceptable|accepted|allowable)|(?<!not )(?:allowed|permitted|acceptable)\s*\**\s*(?:[.;)]|$)"
    # "Concurrent trastuzumab allowed at the physician's discretion", "allowed (but not required)"
    r"|(?<!not )(?:allowed|permitted)\s+(?:at|per|upon|by)\s+(?:the\s+)?(?:[\w'’]+\s+){0,3}?"
    r"discretion|(?<!not )(?:allowed|permitted)\s*\(?\s*but not (?:required|mandatory)"
    r"|is not an exclusion|are not excluded|does not exclude|do not exclude|(?:is|are) optional"
    r"|(?:should|will|shall|would|need) not be excluded"
    r"|may (?:enter|join|enrol|enroll|participate|take part|be (?:enrolled|included|eligible"
    r"|accepted|allowed|permitted|(?:currently\s+)?(?:prescribed|receiving|taking|on|treated))"
    r"|receive|continue|take|use|also (?:be continued|continue|receive))"
    r"|may be continued"
    # "HER2-positive tumours may additionally have been treated with trastuzumab"
    r"|may (?:additionally |also )?have (?:been (?:treated|given|administered)|received)"
    r"|\b(?:patients?|participants?|subjects?)\s+could\s+(?:be|have)\b"
    # "Patients can receive more than one line of prior therapy": allowed, not required
    r"|\b(?:patients?|participants?|subjects?)\s+(?:can|may)\s+(?:also\s+)?receive\b"
    r"|can (?:enter|join|enrol|enroll|participate|take part|be (?:enrolled|included))"
    r"|(?:is|are) (?:also )?eligible (?:if|provided|as long as|when))",
    first=True,
)
#: "Patients who received <= 14 days of letrozole for advanced disease are eligible": a short
#: exposure let in, not a requirement.
_SHORT_EXPOSURE_ELIGIBLE = re.compile(
    r"<=\s*\d+\s*(?:days?|weeks?)\s+of\b[^.;]*\b(?:are|is|remain|were|was)\s+(?:also\s+)?eligible\b"
)
_NOT_PERMITTED = Fast(
    r"\b(?:not|no|never|none|nor|ineligible|only|up to|at most|maximum|must|required|prohibited"
    r"|excluded|cohorts?|arms?)\b|\bparts?\s+(?:[a-z]\d?|\d+[a-z]?|i{1,3}|iv|v)\b|<=|<"
)


def _clause_bounds(w: str) -> list[int]:
    """Where the clauses of an item start (and one past its end), for `_clause_span`."""
    return [0] + [m.end() for m in _SENTENCE_END.finditer(w)] + [len(w) + 1]


def _clause_span(bounds: list[int], position: int) -> tuple[int, int]:
    """The clause (between '.' or ';' breaks) that `position` falls in."""
    return max(b for b in bounds if b <= position), min(b for b in bounds if b > position)


def _sentence_start(w: str, position: int) -> int:
    """Where the sentence holding `position` starts (after '. ' or ';')."""
    return max(w.rfind(". ", 0, position), w.rfind(";", 0, position)) + 1


def _typed(drafts: list[Draft]) -> bool:
    """Whether any draft says something typed (not administrative, not unrecognised)."""
    return any(d.kind not in {"administrative", "unrecognized"} for d in drafts)


def _represented(kept: list[Draft], dropped: list[Draft]) -> list[Draft]:
    """`kept`, plus a 'requires nothing' criterion from the first dropped draft when dropping
    left the item with nothing typed (so that the item stays represented)."""
    if dropped and not _typed(kept):
        kept.append(dropped[0].no_requirement())
    return kept


#: "X does not have to be the most recent treatment", "prior Y is not required", "no prior
#: therapy is required for Module A".
_NOT_REQUIRED = Fast(
    r"\b(?:(?:does|do|need|needs) not (?:have|need) to|need not"
    r"|(?:is|are) not (?:required|mandatory|necessary)|not necessarily|not specified"
    r"|^\W*no\s+(?:[\w/-]+\s+){1,4}(?:is|are)\s+(?:required|mandatory|necessary|needed)"
    r"|no (?:limit|restriction)s? (?:on|in|to|of|for))\b"
)
_PERMITTED_WORDS = pattern_words(_PERMITTED)
_NOT_REQUIRED_WORDS = pattern_words(_NOT_REQUIRED)
_KEEP = frozenset({"administrative", "unrecognized", "line_count", "lab", "age"})


def _short_exposures_let_in(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """'Patients who received <= 14 days of letrozole (with or without goserelin) for advanced
    disease are eligible': the therapies of that sentence are let in, neither asked for nor
    barred."""
    out = drafts
    for match in _SHORT_EXPOSURE_ELIGIBLE.finditer(view.low):
        begin = _sentence_start(view.w, match.start())
        kept = [
            d for d in out
            if not (d.kind == "prior_therapy" and begin <= d.start < match.end())
        ]  # fmt: skip
        if len(kept) < len(out):
            out = _represented(kept, [d for d in out if d not in kept])
    return out


_ELIGIBLE_WORDS = gate_words("eligible")
_MAY_WORDS = gate_words("may", "permitted", "allowed", "eligible", "not be excluded")


def drop_permitted(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """Criteria named only in a permission require nothing (in an inclusion item) and exclude
    nothing (in an exclusion item: "Corticosteroids (use as part of chemotherapy allowed)")."""
    if not drafts:
        return drafts
    w = view.w
    if view.has(_ELIGIBLE_WORDS):
        drafts = _short_exposures_let_in(drafts, view)
    subject = _PATIENTS_LET_IN.search(w, view.low) if view.has(_MAY_WORDS) else None
    if subject is not None and view.section == Section.INCLUSION:
        # "(inclusion:) Patients with controlled hypertension are eligible": a condition it
        # lets in is no requirement; what else it names may be (who the trial is for)
        drafts = _conditions_let_in(drafts, view, subject)
        subject = None
    if not (
        subject is not None
        or (view.has(_PERMITTED_WORDS) and _PERMITTED.search(w, view.low))
        or (view.has(_NOT_REQUIRED_WORDS) and _NOT_REQUIRED.search(w, view.low))
    ):
        return drafts  # most items: no permission (the word gates skip most searches)
    if (
        view.section == Section.EXCLUSION
        and _WHOLE_PERMISSION.match(w)
        and not _NO_X_ALLOWED.search(w)
    ):
        # "(exclusion:) Concomitant ranitidine or other H2 blockers is acceptable": the whole
        # item lets its therapies in, current use included (a washout it sets still bars)
        barred = [
            d
            for d in drafts
            if d.kind in _KEEP
            or any(d.fields.get(key) for key in _TIMED)  # (within_days 0: use now)
        ]
        return _represented(barred, [d for d in drafts if d not in barred])
    bounds = _clause_bounds(w)
    kept: list[Draft] = []
    dropped: list[Draft] = []
    for draft in drafts:
        if (
            subject is not None
            and subject.start() <= draft.start < _permission_stop(w, subject.end())
            and draft.kind not in _KEEP
            and not _TIMED.intersection(draft.fields)
        ):
            dropped.append(draft)
            continue
        if draft.kind in _KEEP or (
            draft.fields.get("negated")
            and not _NOT_REQUIRED.search(w)
            and not _allowed_in_bracket(draft, w)
        ):
            kept.append(draft)  # "allowed if stopped 28 days before": the washout is a rule
            continue
        if (
            draft.kind == "prior_therapy"
            and not _TIMED.intersection(draft.fields)
            and _PERMITTED_LIST_BEFORE.search(w, max(0, draft.start - 120), draft.start)
        ):
            dropped.append(draft)  # "Prior adjuvant therapy is permitted (chemotherapy, ...)"
            continue
        begin, end = _clause_span(bounds, draft.start)
        clause = _own_words(
            w[begin:end], draft.start - begin, examples=view.section == Section.INCLUSION
        )
        low = clause.lower()
        if view.section == Section.EXCLUSION and _NO_X_ALLOWED.search(w, begin, end):
            kept.append(draft)  # "No prior chemotherapy is allowed": a prohibition
        elif view.section == Section.EXCLUSION and (
            not _apart(w, begin, draft.start, low)
            # (a washout the permission sets still bars; "concomitant X is acceptable", whose
            # window is "now", bars nothing)
            or any(draft.fields.get(key) for key in _TIMED)
        ):
            kept.append(draft)  # "(allowed if stopped > 6 months before)": the window excludes
        elif _NOT_REQUIRED.search(clause, low) or (
            (permitted := _PERMITTED.search(clause, low)) is not None
            and not _NOT_PERMITTED.search(clause, low)
            and not _asked_for(permitted, clause, draft.start - begin)
        ):
            if (only := _only_permitted(draft, w, begin)) is not None:
                kept.append(only)
                continue
            dropped.append(draft)
        else:
            kept.append(draft)
    if (
        view.section == Section.EXCLUSION
        and dropped
        and not _typed(kept)
        and not _PATIENT_PERMITTED.search(w, view.low)
        and not _WHOLE_PERMISSION.match(w)
    ):
        return drafts  # a permission that stands apart, and nothing else read: keep it all
    return _represented(kept, dropped)


#: "Only prior 1L osimertinib is permitted", "only treatment with X is allowed": the clause
#: opens with "only" a few words before the therapy.
_ONLY_BEFORE = re.compile(
    r"(?:^|[:;.]\s*)only\s+(?:(?:one|1|a\s+single)\s+)?(?:prior|previous|earlier)?\s*"
    r"(?:(?:treatment|therapy)\s+with\s+)?(?:[\w-]+\s+){0,2}$",
    re.IGNORECASE,
)


def _only_permitted(draft: Draft, w: str, begin: int) -> Draft | None:
    """'Only prior first-line osimertinib in the metastatic setting is permitted': no other
    anticancer therapy (in that setting), read as a bar on everything but the therapy named."""
    if draft.kind != "prior_therapy" or draft.fields.get("negated"):
        return None
    if not (draft.fields.get("agents") or draft.fields.get("classes")):
        return None
    if not _ONLY_BEFORE.search(w, begin, draft.start):
        return None
    fields = dict(draft.fields)
    fields.update(
        negated=True,
        agents=(),
        classes=("systemic_anticancer_therapy",),
        relation="received",
        except_agents=tuple(draft.fields.get("agents") or ()),
        except_classes=tuple(draft.fields.get("classes") or ()),
    )
    for timing in ("line", "most_recent", "within_days"):
        fields.pop(timing, None)
    return draft.with_fields(fields)


_TURN = re.compile(r"\b(?:however|but|whereas|although)\b", re.IGNORECASE)


def _permission_stop(w: str, at: int) -> int:
    """Where the permission that ends at `at` stops: its sentence's end, or a turn to what is
    not let in ("... are eligible, however patients with insulin-dependent diabetes are not")."""
    stop = cues.sentence_stop(w, at)
    turn = _TURN.search(w, at, stop)
    return turn.start() if turn else stop


#: "Patients with AST or alkaline phosphatase greater than ULN are eligible if liver imaging
#: shows no metastases": the patients let in are those with an abnormal value.
_ABNORMAL_SUBGROUP = re.compile(
    r"\b(?:(?:greater|higher|more|less|lower)\s+than|[<>]=?|above|below)\s*(?:the\s+)?(?:ULN|LLN"
    r"|upper|lower|normal|institutional|\d+(?:\.\d+)?\s*(?:x|times)\s*(?:the\s+)?(?:ULN|upper))"
    r"|\b(?:abnormal|elevated|raised)\b",
    re.IGNORECASE,
)


#: "Subjects with EGFR-mutated lung cancer may continue erlotinib if ...": what some patients
#: may go on taking, which asks nothing of the others.
_GOES_ON = re.compile(r"\bmay\s+(?:continue|receive|remain|stay)\b", re.IGNORECASE)


def _conditions_let_in(drafts: list[Draft], view: ItemView, subject: re.Match[str]) -> list[Draft]:
    stop = _permission_stop(view.w, subject.end())
    let_in = [
        d
        for d in drafts
        if d.kind == "comorbidity"
        and not d.fields.get("negated")
        and subject.start() <= d.start < subject.end()
    ]
    if (
        not let_in
        and not _ABNORMAL_SUBGROUP.search(view.w, subject.start(), subject.end())
        and not _GOES_ON.search(subject.group(0))
    ):
        return drafts
    # the conditions of the permission ("... if the viral load is undetectable") go with it
    within = [d for d in drafts if subject.start() <= d.start < stop and d.kind not in _KEEP]
    return _represented([d for d in drafts if d not in within], within)


#: "No concurrent radiotherapy is allowed": not a permission but its refusal.
_NO_X_ALLOWED = re.compile(
    r"(?:^|[.;:]\s*)\W*no\s+[^.;]{1,80}?\b(?:is|are|will\s+be)\s+(?:allowed|permitted)\b",
    re.IGNORECASE,
)
_TIMED = frozenset({"within_days", "relapse_within_months", "relapse_after_months"})
#: A bracket that lists what the words before it permit: "is permitted (chemotherapy, ...".
_PERMITTED_LIST_BEFORE = re.compile(
    r"\b(?:is|are)\s+(?:\w+\s+)?(?:allowed|permitted|acceptable)\s*\((?:(?!\b(?:if|only|unless"
    r"|provided|except)\b)[^()])*$",
    re.IGNORECASE,
)


def _asked_for(permitted: re.Match[str], clause: str, position: int) -> bool:
    """'Patients are eligible if they have progressed on X': X, after the permission's 'if', is
    what it asks for, when the permission is about patients in general (not "Subjects with
    brain metastases are eligible if controlled on steroids", nor "any number of X")."""
    return (
        position >= permitted.end()
        and permitted.group(0).lower().rstrip().endswith(("if", "provided", "as long as", "when"))
        and _GENERIC_SUBJECT.match(clause[: permitted.start()]) is not None
        and "any number" not in clause[permitted.end() : position].lower()
    )


_GENERIC_SUBJECT = re.compile(
    r"^\W*(?:the\s+)?(?:patients?|participants?|subjects?|women|men|people|they)\s*$", re.I
)


#: A verb that lets in the therapy named before it ("Patients on bisphosphonates are eligible",
#: "Prior endocrine therapy was permitted", "prior SRS will also be eligible").
_LETS_IN = Fast(
    r"\b(?:(?:is|are|was|were|will|would|shall|can|could|may)\s+(?:also\s+)?(?:be\s+)?"
    r"(?:permitted|allowed|acceptable|accepted|allowable|eligible)"
    r"|(?:(?:can|could|may)\s+(?:also\s+)?|(?:is|are|will|would|shall)\s+also\s+)(?:be\s+)?"
    r"(?:included|enrolled)"
    r"|(?:can|could|may)\s+(?:also\s+)?(?:enter|participate|join|take part|enrol|enroll)"
    r"|(?:is|are|was|were)\s+not\s+excluded)\b"
)
#: A verb that lets in the therapy named after it ("Patients could have received prior
#: chemotherapy", "whether or not previously treated with chemotherapy").
_MAY_HAVE = Fast(
    r"\b(?:(?:can|could|may)\s+(?:also\s+)?have\s+(?:received|had|been\s+treated)"
    r"|whether\s+or\s+not|with\s+or\s+without|regardless\s+of|irrespective\s+of"
    r"|(?:the\s+)?following\s+(?:are|is)\s+(?:also\s+)?(?:allowed|permitted))\b"
)
_WHETHER_OR_NOT = re.compile(
    r"\b(?:whether|regardless of whether) or not\b(?:\s+[\w-]+){0,4}\s*$", re.IGNORECASE
)
_CONDITION_BEFORE = re.compile(
    r"\b(?:if|when|unless|in case of|for (?:those|patients) who)\b", re.I
)
#: The therapy is what the permission asks for ("eligible if they have received X").
_ASKED = Fast(r"\b(?:if|provided|as long as|when|only|must|required|should|unless)\b")
_THERAPY_PERMISSION_WORDS = gate_words(
    "permitted", "allowed", "accept", "allowable", "eligible", "included", "enrolled",
    "excluded", "enter", "participate", "join", "take part", "enrol", "whether", "with or",
    "regardless", "irrespective", "have received", "have had", "been treated",
    "have previously", "limitation", "no limit", "switch",
)  # fmt: skip
#: Words every `_ANY_HISTORY` match holds (a gate: most items skip the search).
_ANY_HISTORY_WORDS = gate_words(
    "have received", "have had", "have been", "have previously", "have already", "no limit",
    "no restriction", "switch",
)  # fmt: skip
_EITHER_WAY = re.compile(r"\bor\s+not\b|\bno\s+(?:limit|restriction)", re.IGNORECASE)
#: A sentence that lets any history in: "May have previously received lapatinib", "Patients
#: may have received or not prior chemotherapy", "No limitation to the number of prior
#: therapies", "those who can switch to X are eligible". Its therapies are neither asked for
#: nor barred, whatever "not" it holds.
_ANY_HISTORY = re.compile(
    r"(?:^|[.;]\s*)(?:(?:patients?|subjects?|participants?)\s+)?(?:can|could|may)\s+(?:also\s+)?"
    r"have\s+(?:(?:previously|already)\s+)?(?:received|had|been\s+treated)"
    r"|\bno\s+(?:limit(?:ation)?s?|restrictions?)\s+(?:to|on|for|in)\s+(?:the\s+)?number\b"
    # "Participants who are able to switch to LMWH or DOACs ... are eligible"
    r"|(?:^|[.;]\s*)(?:patients?|participants?|subjects?)\s+who\s+(?:are\s+able\s+to\s+|can\s+)?"
    r"switch(?:ed)?\s+to\b",
    re.IGNORECASE,
)


def drop_permitted_therapies(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """A therapy that a permission lets in requires nothing (inclusion) and excludes nothing
    (exclusion): "Patients on bisphosphonates and/or endocrine therapy are eligible", "Prior
    endocrine therapy was permitted in any setting", "Patients could have received prior
    chemotherapy", "(progression on crizotinib) whether or not previously treated with
    chemotherapy", "however, the following are allowed: endocrine therapy". Kept: a therapy the
    permission asks for ("eligible if they have received X"), a negated one ("no prior X; Y is
    allowed" reads Y alone), and one with a time window ("allowed if stopped 4 weeks before")."""
    if not any(d.kind == "prior_therapy" for d in drafts) or not view.has(
        _THERAPY_PERMISSION_WORDS
    ):
        return drafts
    w = view.w
    bounds = _clause_bounds(w)
    out: list[Draft] = []
    dropped: list[Draft] = []
    permissions: list[tuple[int, int]] = []  #: the words after "permitted only in ..."
    free = (
        [(m.start(), cues.sentence_stop(w, m.end())) for m in _ANY_HISTORY.finditer(w)]
        if view.has(_ANY_HISTORY_WORDS)
        else []
    )
    for draft in drafts:
        if (
            free
            and draft.kind == "prior_therapy"
            and TIMING_FIELDS.isdisjoint(draft.fields)
            and not draft.fields.get("cumulative_dose")
            and any(
                a <= draft.start < b
                # a "not" of its own ("(other ALK inhibitors were not allowed)") still bars
                and (not draft.fields.get("negated") or _EITHER_WAY.search(w, a, b))
                for a, b in free
            )
        ):
            dropped.append(draft)  # "may have previously received X": any history will do
            continue
        if draft.kind == "prior_therapy" and _WHETHER_OR_NOT.search(
            w[max(0, draft.start - 60) : draft.start]
        ):
            dropped.append(draft)  # "whether or not treated with X": its "not" negates nothing
            continue
        if (
            draft.kind != "prior_therapy"
            or draft.fields.get("negated")
            or not TIMING_FIELDS.isdisjoint(draft.fields)
        ):
            out.append(draft)
            continue
        begin, end = _clause_span(bounds, draft.start)
        after = w[draft.start : end]
        lets_in = _LETS_IN.search(after, after.lower())
        before = w[begin : draft.start]
        if _CONDITION_BEFORE.search(before):
            out.append(draft)  # "If treated with chemotherapy, at most 2 lines are allowed"
            continue
        if _NO_X_ALLOWED.search(w, begin, end):
            out.append(draft)  # "No prior chemotherapy is allowed": a prohibition
            continue
        may_have = _MAY_HAVE.search(before, before.lower())
        if (
            (
                lets_in is not None
                and not _ASKED.search(after[: lets_in.start()].lower())
                and "(" not in after[: lets_in.start()]  # "steroids (short courses allowed)"
            )
            or (may_have is not None and not _ASKED.search(before[may_have.end() :].lower()))
        ):
            if lets_in is not None and (only := _only_permitted(draft, w, begin)) is not None:
                out.append(only)  # "only prior osimertinib is permitted": nothing else is
                continue
            dropped.append(draft)  # "X ... are eligible", "could have received X"
            if lets_in is not None:
                permissions.append((draft.start + lets_in.end(), end))
            continue
        out.append(draft)
    if permissions:
        # "crizotinib is permitted only in ALK- or ROS1-rearranged patients": who may have had
        # the therapy, not what every patient must have
        for draft in [d for d in out if d.kind in _PERMISSION_SUBJECTS]:
            if any(a <= draft.start < b for a, b in permissions):
                out.remove(draft)
                dropped.append(draft)
    return _represented(out, dropped)


_PERMISSION_SUBJECTS = frozenset(
    {"biomarker", "cancer_type", "cns_metastases", "disease_stage", "receptor"}
)


def _allowed_in_bracket(draft: Draft, w: str) -> bool:
    """'No chemotherapy for MBC (prior endocrine therapy is permitted)': the bracket allows its
    therapy outright; the negation belongs to the words before it."""
    if draft.kind != "prior_therapy" or _TIMED.intersection(draft.fields):
        return False
    opened = w.rfind("(", 0, draft.start)
    if opened == -1 or w.rfind(")", opened, draft.start) != -1:
        return False
    closed = w.find(")", draft.start)
    inside = w[opened + 1 : closed if closed != -1 else len(w)]
    return bool(_PERMITTED.search(inside)) and not _NOT_PERMITTED.search(inside)


#: A permission whose subject is the patient ("Patients with X may enter the study").
_PATIENT_PERMITTED = Fast(
    r"^\W*(?:[\w-]+\s+){0,2}?(?:patients?|participants?|subjects?|women|men|those)\b[^,;]*\b"
    r"(?:may (?:enter|join|enrol|enroll|participate|take part|be (?:enrolled|included|eligible))"
    r"|(?:is|are|will be|would be|shall be)(?: also| still)? eligible"
    r"|(?:should|will|shall|would|need) not be excluded|(?:are|is) not excluded)\b"
)
#: "(exclusion:) Patients with a cancer that was treated and shows no sign of recurrence are
#: permitted to enrol, provided ...": the patients it describes may enter.
_PATIENTS_LET_IN = Fast(
    r"(?:^|(?<=[.;])\s)\W*(?:[\w-]+\s+){0,2}?(?:patients?|participants?|subjects?|women|men"
    r"|those)\b(?:(?!\.\s)[^;()]|\([^();]{0,40}\))*?\b(?:may"
    r" (?:enter|join|enrol|enroll|participate|take part|be (?:enrolled|included)|receive|continue)"
    r"|(?:is|are)"
    r" (?:also )?(?:permitted|allowed) to (?:enter|join|enrol|enroll|participate|take part"
    r"|be (?:enrolled|included))"
    # "Patients with treated CNS metastases ... will be eligible (for inclusion in the study)"
    r"|(?:should|will|shall|would|need) not be excluded"
    r"|(?:is|are|will be|would be|shall be|remain)(?: also| still)? eligible"
    r"(?!\s+(?:for|to)\b(?!\s+(?:inclusion|enrol\w*|entry|participation|(?:the|this) (?:study"
    r"|trial)))))\b"
)


def _apart(w: str, begin: int, position: int, own: str) -> bool:
    """In an exclusion item, a permission excludes nothing only when it stands apart from what
    the item excludes: in brackets ("Corticosteroids (use with chemotherapy allowed)"), in a
    later sentence ("Prior chemotherapy. Adjuvant endocrine therapy is permitted."), or as the
    whole item when the patient is its subject ("Patients with X may enter the study")."""
    if w.rfind("(", begin, position) > w.rfind(")", begin, position):
        return True
    if begin > 0:
        return True
    return bool(
        _PATIENT_PERMITTED.search(own, own) or _WHOLE_PERMISSION.match(w)
    ) and not re.search(r"\b(?:but|however|although|except)\b", own)


#: An exclusion item that as a whole lets something in ("History of radiation pneumonitis in the
#: radiation field (fibrosis) is permitted", "Prophylactic antibiotics are allowed").
_WHOLE_PERMISSION = re.compile(
    r"^(?:(?![.;,]\s|\s[-–]\s).)*?\b(?:is|are)\s+(?:also\s+)?(?:permitted|allowed|acceptable"
    r"|eligible)\s*\.?\s*$"
)


#: A clause that says how lines are counted ("adjuvant chemotherapy counts as one line",
#: "sequential AC-paclitaxel is considered one regimen"), not what the patient must have had.
_COUNTING = Fast(
    r"(?:^|[.;]\s+)(?:an?|1|one)\s+(?:[\w-]+\s+){0,2}?(?:line|regimen)\s+(?:is|means)\s+(?:an?|any|1"
    r"|one|defined)\b"
    r"|\b(?:(?:are|is)\s+not\s+(?:classed|classified)\s+as)\b"
    r"|\b(?:counts?|counted|considered|regarded|constitutes?)\s+(?:as\s+)?(?:a|one|an|1|the same|a"
    r" single)\s+(?:\w+\s+){0,2}?(?:lines?|regimens?|therap(?:y|ies))\b|\b(?:counts?|counted)\s+"
    r"(?:as|towards?|if|when|only)\b|\b(?:not|never)\s+(?:be\s+)?counted\b",
    first=True,
)
_COUNTING_WORDS = gate_words("count", "consider", "regard", "constitut", "line is", "regimen is",
                             "classed", "classified",
                             "line means", "regimen means")  # fmt: skip
_COUNTED = frozenset({"prior_therapy", "line_count"})


#: "(patients who progressed during chemotherapy for ABC) will be limited to approximately 15%":
#: an enrolment cap on a kind of patient, not a criterion.
_CAPPED_SHARE = Fast(
    r"\b(?:limited|capped|restricted)\s+(?:to|at)\s+(?:a\s+maximum\s+)?(?:of\s+)?(?:approximately"
    r"\s+|about\s+|~\s*)?(?:of\s+)?(?:\d+(?:\.\d+)?\s*%|n\s*=\s*\d+|\d+\s+(?:patients|participants"
    r"|subjects|women)\b)"
)


_CAPPED_WORDS = gate_words("limited", "capped", "restricted")


def drop_counting(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """Therapies and counts named in a clause that defines how lines are counted, or in one that
    caps the share of patients with that history."""
    if not drafts:
        return drafts
    if view.has(_CAPPED_WORDS) and _CAPPED_SHARE.search(view.w, view.low):
        drafts = _drop_capped(drafts, view)
    if not view.has(_COUNTING_WORDS):
        return drafts
    w = view.w
    if not _COUNTING.search(w, view.low):
        return drafts
    bounds = _clause_bounds(w)
    kept = []
    for draft in drafts:
        if draft.kind in _COUNTED:
            begin, end = _clause_span(bounds, draft.start)
            clause = _own_words(w[begin:end], draft.start - begin)
            if _COUNTING.search(clause, clause.lower()):
                continue
        kept.append(draft)
    return kept


def _drop_capped(drafts: list[Draft], view: ItemView) -> list[Draft]:
    w = view.w
    bounds = _clause_bounds(w)
    kept = []
    for draft in drafts:
        if draft.kind in _COUNTED:
            begin, end = _clause_span(bounds, draft.start)
            own = _own_words(w[begin:end], draft.start - begin)
            if _CAPPED_SHARE.search(own, own.lower()):
                continue
        kept.append(draft)
    return kept


_PAREN = re.compile(r"\([^()]*\)")
_EXAMPLES_OF = re.compile(
    r"\(\s*(?:[^(),]{0,60},\s*)?(?:e\.g\b|eg\b|such as|for example|for instance)", re.I
)


def _own_words(clause: str, position: int, examples: bool = False) -> str:
    """The part of a clause a phrase at `position` belongs to: inside a parenthesis, its
    content; outside, the clause without its parentheses ("No prior chemotherapy (prior
    endocrine therapy is permitted)")."""
    for match in _PAREN.finditer(clause):
        if match.start() <= position < match.end():
            if examples and _EXAMPLES_OF.match(match.group(0)):
                break  # "(RANKL inhibitor, e.g., denosumab)": examples of the words outside
            return match.group(0)[1:-1]
    outside = _PAREN.sub(lambda m: " " * len(m.group(0)), clause)
    opened = outside.find("(")
    if opened >= 0 and position < opened:
        outside = outside[:opened]  # a bracket left open to the clause's end is a note apart
    return outside


#: "(autoimmune disease) that has required systemic treatment (corticosteroids, ...)": the
#: therapies named after it treat the disease.
_NEEDING = Fast(
    r"\b(?:requir\w*|need\w*|necessitat\w*|warrant\w*)\s+(?:\w+\s+){0,3}?(?:treatment|therap"
    r"(?:y|ies)|steroids?|corticosteroids?|immunosuppress\w*|medications?)"
)
#: "Replacement therapy (thyroxine, insulin) is not considered a form of systemic treatment".
_DEFINITIONAL = Fast(
    r"\b(?:is|are)\s+not\s+(?:considered|regarded|deemed|counted)\s+(?:to be\s+|as\s+)?"
    r"(?:a\s+|an\s+)?(?:(?:form|type|kind)\s+of|lines?\b|regimens?\b"
    r"|(?:(?!for\b|to\b|appropriate|suitable|eligible|candidate)[\w/-]+\s+){0,4}?(?:therapy"
    r"|treatment|inhibitors?|agents?)\b)"
    r"|\b(?:is|are)\s+(?:considered|regarded|deemed)\s+(?:as\s+)?(?:a\s+|an\s+)?(?:form|type|kind)"
    r"\s+of\b"
)


_REQUIRED_WORDS = gate_words(
    "requir", "need", "necessitat", "warrant", "consider", "regard", "deemed", "counted"
)


def drop_disease_treatment(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """Therapies named as the treatment of a condition ("autoimmune disease that has required
    systemic treatment (corticosteroids, immunosuppressants) in the past 2 years": the condition
    is the criterion) or in a sentence that defines what counts ("replacement therapy is not
    considered systemic treatment") are not criteria about prior therapy."""
    if not any(d.kind == "prior_therapy" for d in drafts) or not view.has(_REQUIRED_WORDS):
        return drafts
    w = view.w
    bounds = _clause_bounds(w)
    conditions = [d for d in drafts if d.kind == "comorbidity"]
    kept = []
    for draft in drafts:
        if draft.kind == "prior_therapy":
            begin, end = _clause_span(bounds, draft.start)
            sentence = _own_words(w[begin:end], draft.start - begin)
            if _DEFINITIONAL.search(sentence, sentence.lower()) or any(
                begin <= c.start < draft.start
                and _NEEDING.search(w[c.start : draft.start], w[c.start : draft.start].lower())
                for c in conditions
            ):
                continue
        kept.append(draft)
    return kept


#: "(Cohort B:) no alteration found in any of these three genes": the genes are named before.
_BACK_REFERENCE = re.compile(
    r"\b(?:no|without|none of|negative for|not)\b[^.;]{0,40}?\b(?:these|those|the above"
    r"|the aforementioned|the same)\s+(?:\w+\s+)?(?:genes|alterations|mutations|biomarkers"
    r"|markers)\b",
    re.IGNORECASE,
)


def refer_back(item: Criterion, earlier: list[Criterion]) -> list[Criterion]:
    """An item not understood that negates genes named in the item just before it ("Cohort A:
    an alteration in PIK3CA, AKT1 or PTEN" / "Cohort B: no alteration in any of these three
    genes") states that those biomarkers are absent."""
    found = _BACK_REFERENCE.search(item.text) if item.kind == "unrecognized" else None
    if found is None or not earlier:
        return [item]
    previous = [c for c in earlier if c.item == earlier[-1].item and c.item == item.item - 1]
    markers = [c for c in previous if c.kind == "biomarker" and c.section == item.section]
    if len(markers) != 1 or markers[0].negated:
        return [item]
    common = {"text": item.text, "span": item.span, "item": item.item, "cohort": item.cohort,
              "evidence": found.group(0)}  # fmt: skip
    return [markers[0].model_copy(update={**common, "negated": True, "any_of": None})]


#: An enrolment quota ("the share of participants without a prior CDK4/6 inhibitor will be
#: capped at 20%", "no limit on the number of patients naive to X"): patients on both sides of
#: it may enter, so the therapy it counts is required of no one.
_QUOTA = Fast(
    r"\b(?:capped|(?:percentage|proportion|share|number|fraction) of (?:the )?(?:participants"
    r"|patients|subjects|women)\b[^.;]{0,80}?\b(?:limited|restricted|capped|will not exceed"
    r"|not to exceed|<=)|no limit(?:ation)?s? (?:on|to|in) the (?:number|percentage|proportion))"
)
_QUOTA_WORDS = pattern_words(_QUOTA)


def drop_quota_therapies(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """In an inclusion item with an enrolment quota, prior-therapy criteria on the therapy the
    quota counts (both "required" and "without it") are dropped: the quota says patients with
    and without it both enter. Left with nothing typed, the item requires nothing."""
    if (
        view.section != Section.INCLUSION
        or not drafts
        or not view.has(_QUOTA_WORDS)
        or not _QUOTA.search(view.w, view.low)
    ):
        return drafts
    therapy = [d for d in drafts if d.kind == "prior_therapy"]
    if not any(d.fields.get("negated") for d in therapy) or all(
        d.fields.get("negated") for d in therapy
    ):
        return drafts  # a quota says both kinds of patient enter only when both are named

    def named(d: Draft) -> set[str]:
        return {*d.fields.get("classes", ()), *d.fields.get("agents", ())}

    negated = set().union(*(named(d) for d in therapy if d.fields.get("negated")))
    required = set().union(*(named(d) for d in therapy if not d.fields.get("negated")))
    counted = negated & required
    kept = [d for d in drafts if not (d.kind == "prior_therapy" and named(d) & counted)]
    if len(kept) == len(drafts):
        return drafts
    if not _typed(kept):
        first = next(d for d in drafts if d.kind == "prior_therapy")
        kept.append(first.no_requirement())
    return kept


#: A sentence that defines a term ("Positive HER2 is defined as ISH+ or IHC 3+", "Non-measurable
#: lesions are defined as ...", "It will be considered the premenopausal state if ..."): what it
#: names explains the term and is no requirement of its own.
_DEFINITION = Fast(
    r"(?:^|[.;:]\s+)(?:notes?\s*:?\s*)?(?:\d{1,2}[.)]\s*)?(?P<term>(?:[\w()/+-]+\s+){1,10}?)"
    r"(?:is|are|should be|shall be|will be|must be)\s+defined\s+as\b"
    r"|(?:^|[.;:]\s+)(?:notes?\s*:?\s*)?(?:\d{1,2}[.)]\s*)?(?P<it>it|this|that)\s+(?:will|shall"
    r"|would|is|are)\s+(?:be\s+)?(?:considered|regarded|deemed)\s+(?:as\s+)?"
)
_DEFINED_KINDS = frozenset(
    {"receptor", "biomarker", "comorbidity", "cancer_type", "disease_stage", "measurable_disease"}
)
#: Terms whose definitions others read as requirements (menopause, endocrine resistance).
_REQUIRED_TERMS = re.compile(r"menopaus|resist|refractor|sensitiv|naive|pretreated", re.I)


_NOTE_WORDS = gate_words("note")
#: "(Note: prior adjuvant therapy may have included, but is not limited to, X. In addition, a
#: participant may be enrolled if she has had <= 2 weeks of Y ...)": a bracketed note that says
#: what is let in.
_PERMITTING_NOTE = re.compile(
    r"\(\s*notes?\s*:(?=[^()]*\b(?:may|not limited to|allowed|permitted|acceptable|eligible)\b)"
    r"[^()]*(?:\([^()]*\)[^()]*)*\)",
    re.IGNORECASE,
)


#: "(Note: patients who did not use the investigational drug ... were excluded)" in an exclusion
#: item: whom the exclusion leaves out, not a bar of its own.
_CARVE_OUT_NOTE = re.compile(
    r"\(\s*notes?\s*:(?=[^()]*\b(?:(?:were|are|is|be)\s+excluded|(?:does|do|shall|will)\s+not"
    r"\s+apply|not\s+(?:be\s+)?(?:counted|considered|included))\b)[^()]*(?:\([^()]*\)[^()]*)*\)",
    re.IGNORECASE,
)


def drop_permitting_notes(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """Therapies read from a bracketed note that lets patients in (or, in an exclusion, says
    whom the exclusion leaves out) are neither asked for nor barred (the note's text stays with
    the item)."""
    if not drafts or not view.has(_NOTE_WORDS):
        return drafts
    notes = [(m.start(), m.end()) for m in _PERMITTING_NOTE.finditer(view.w)]
    if view.section == Section.EXCLUSION:
        notes += [(m.start(), m.end()) for m in _CARVE_OUT_NOTE.finditer(view.w)]
    if not notes:
        return drafts
    dropped = [
        d
        for d in drafts
        if d.kind in {"prior_therapy", "line_count"} and any(a <= d.start < b for a, b in notes)
    ]
    return _represented([d for d in drafts if d not in dropped], dropped)


_DEFINITION_WORDS = gate_words("defined as", "considered", "regarded", "deemed")


def drop_definitions(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """Criteria read from a sentence that defines a term are dropped (not its labs, therapies,
    counts or administrative topics, which such sentences state as rules). Not when the item is
    an alternative ("Meets one of: HER2 positivity is defined as IHC 3+"). An item left with
    nothing typed requires nothing."""
    if not drafts or (view.context is not None and view.context.any_of is not None):
        return drafts
    if not view.has(_DEFINITION_WORDS):
        return drafts
    w = view.w
    spans: list[tuple[int, int, bool]] = []
    for match in _DEFINITION.finditer(w, view.low):
        term = match.group("term") or ""
        if _REQUIRED_TERMS.search(term):
            continue
        end = _SENTENCE_END.search(w, match.end())
        spans.append((match.start(), end.start() if end else len(w), match.group("it") is not None))
    if not spans:
        return drafts
    kept = [
        d
        for d in drafts
        if not any(
            s <= d.start < e
            and (
                (d.kind in _DEFINED_KINDS and d.kind != "measurable_disease")
                or (d.kind == "measurable_disease" and d.fields.get("negated"))
                or (it and d.kind == "menopausal_status")
            )
            for s, e, it in spans
        )
    ]
    if len(kept) == len(drafts):
        return drafts
    if not _typed(kept):
        if view.section == Section.EXCLUSION:
            return drafts  # "Uncontrolled hypertension is defined as ...": the term excludes
        kept.append(drafts[0].no_requirement())
    return kept


#: "Prior platinum allowed as long as ...", "Concurrent steroids allowed if the dose is stable".
_ALLOWED_IF = Fast(
    r"(?<!not )\b(?:allowed|permitted)\s+(?:as long as|provided|if|when|unless"
    r"|(?:up to|within)\s+\d+\s*(?:days?|weeks?|months?))\b"
)
_ALLOWED_IF_WORDS = gate_words("allowed", "permitted", "even ")
#: "Patients will be eligible even if they have failed X": X comes after the permission.
_EVEN_IF = Fast(r"\b(?:eligible|allowed|permitted|included|enrolled)\s+even\s+(?:if|though|when)\b")


def drop_allowed_if(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """An inclusion clause 'X allowed if/provided/as long as Y' (or 'allowed within 4 weeks of
    entry') lets X in on a condition: X is not required. The therapies named before the
    permission go; what follows it (Y, the condition on those who had X) stays as it was read.
    After 'eligible even if (they have failed X)' the therapies are what is let in."""
    if (
        view.section != Section.INCLUSION
        or not any(d.kind == "prior_therapy" for d in drafts)
        or not view.has(_ALLOWED_IF_WORDS)
    ):
        return drafts
    found = _ALLOWED_IF.finditer(view.w, view.low)
    after = _EVEN_IF.finditer(view.w, view.low)
    if not found and not after:
        return drafts
    bounds = _clause_bounds(view.w)
    out: list[Draft] = []
    dropped: list[Draft] = []
    w = view.w
    for draft in drafts:
        begin, end = _clause_span(bounds, draft.start)
        allowed = (
            draft.kind == "prior_therapy"
            and not draft.fields.get("negated")
            and (
                any(_opening(w, begin, m.start()) <= draft.start < m.start() < end for m in found)
                or any(begin <= m.start() and m.end() <= draft.start < end for m in after)
            )
        )
        (dropped if allowed else out).append(draft)
    return _represented(out, dropped)


def _opening(w: str, begin: int, position: int) -> int:
    """Where the words leading to `position` start: its clause, or the bracket it is in
    ("high-dose steroids (low doses allowed if stable)": the permission is the bracket's)."""
    opened = w.rfind("(", begin, position)
    return opened if opened > w.rfind(")", begin, position) else begin


def drop_case_by_case(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """'Patients with grade 2 neuropathy will be evaluated case by case', 'Patients with
    irreversible toxicity may be included only after consultation with the sponsor': whom the
    investigators decide about one by one. What the note's clause (or bracket) names neither
    requires nor excludes. A note that is the whole item stays as administrative text; beside
    other words it goes, so that what was not understood stays visible."""
    notes = [
        d for d in drafts if d.kind == "administrative" and d.fields.get("topic") == "case_by_case"
    ]
    if not notes:
        return drafts
    w = view.w
    # its bracket ("(medications are considered case by case)"), else its sentence
    spans = [_segment(w, note.start) for note in notes]
    kept = [
        d
        for d in drafts
        if d.kind == "administrative" or not any(s <= d.start < e for s, e in spans)
    ]
    if any(w[:s].strip(" *-•\t") or w[e:].strip(" .;)") for s, e in spans):
        # the item says more than the note ("Bulky disease (> 7 cm). Others may enrol after
        # discussion"): the note alone must not make the rest look understood
        kept = [d for d in kept if d not in notes]
    return kept


def group_cancer_types(drafts: list[Draft], view: ItemView, counter: list[int]) -> None:
    """Several cancers named in one inclusion item are alternatives: a patient has one primary
    cancer ("NSCLC, HR+ breast cancer, or ovarian cancer"; "Phase 2: NSCLC; SCLC; breast
    adenocarcinoma")."""
    if view.section != Section.INCLUSION:
        return
    examples = [d for d in drafts if d.kind == "cancer_type" and _cancer_example(d, view)]
    for draft in examples:
        drafts.remove(draft)  # "any solid tumour, including but not limited to NSCLC, RCC, ..."
    cancers = [d for d in drafts if d.kind == "cancer_type" and not d.fields.get("negated")]
    if len({d.fields.get("cancer") for d in cancers}) < 2:
        return
    groups = {d.fields["any_of"] for d in cancers if "any_of" in d.fields}
    if len(groups) > 1:
        return  # already read as separate alternatives
    if groups:
        group = groups.pop()
    else:
        counter[0] += 1
        group = counter[0]
    for draft in cancers:
        draft.fields["any_of"] = group
    if {d.fields.get("cancer") for d in cancers} - _BREAST_OR_ANY:
        # "TNBC, HER2-low breast cancer, NSCLC or gastric cancer": hormone receptor words
        # describe the breast cancers of the list, not every patient's cancer
        first = min(d.start for d in cancers) - 60
        last = max(d.end for d in cancers)
        for draft in drafts:
            if (
                draft.kind == "receptor"
                and draft.fields.get("receptor") in BREAST_ONLY_RECEPTORS
                and first <= draft.start < last
                and "any_of" not in draft.fields
            ):
                draft.fields["any_of"] = group


_BREAST_OR_ANY = frozenset({"breast cancer", "solid tumour"})
#: "a solid tumour, including but not limited to NSCLC, RCC or melanoma": examples of a cancer
#: named generally before them.
_CANCER_EXAMPLES = Fast(
    r"\b(?:tumou?rs?|malignan\w*|cancers?|neoplasms?|carcinomas?)\b(?:[^.;]|\.\d){0,60}?"
    r"\b(?:including,? but not limited to|such as|e\.\s?g\.?|for example|for instance)\b"
    r"(?:[^.;]|\.\d)*$"
)


def _cancer_example(draft: Draft, view: ItemView) -> bool:
    begin = _sentence_start(view.w, draft.start)
    return _CANCER_EXAMPLES.search(view.w[max(begin, draft.start - 200) : draft.start]) is not None


#: Words that make an inclusion item a washout rule ("at least 4 weeks must have elapsed since").
_WASHOUT_WORDS = gate_words("elapse", "must stop", "stopped", "discontinu", "washout", "wash-out",
                            "half-li", ">=", "since", "prior to", "before")  # fmt: skip
_WASHOUT_RULE = Fast(
    r"\b(?:must\s+(?:have\s+)?elapsed|elapsed\s+(?:since|from|after|between)|must\s+(?:be\s+)?"
    r"(?:stop(?:ped)?|discontinued|completed)|wash-?\s?out|half-?lives)"
    rf"|(?:\bat least|\ba minimum of|>=)\s*\d+\s*{_SHORT_UNITS}\s+(?:(?:out|off|away)\s+)?"
    r"(?:since|from|after|before|prior|for)\b"
    rf"|:\s*>=\s*\d+\s*{_SHORT_UNITS}|^\W*>=\s*\d+\s*{_SHORT_UNITS}",
    first=True,
)
_REQUIRED_LINES = re.compile(
    r"\b(?:at least|>=|minimum of|one or more)\s*\d*\s*(?:\w+\s+)?(?:lines?|regimens?|cycles?)\b"
    r"|\b(?:must|should)\s+have\s+(?:received|had|progressed)|\bprogress\w*"
    r"|\bmust\s+(?:be\s+(?:on|receiving|taking|treated)|initiate|start|begin|continue)"
    r"|\bcurrent(?:ly)?\s+(?:on|receiving|taking|treatment)|\bstable\s+doses?|\binitiated\b"
    r"|\bstarted\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    rf"(?:>=\s*|at least\s+|a minimum of\s+)?(?P<n>\d+)\s*(?P<u>{_SHORT_UNITS})\b", re.IGNORECASE
)


def apply_inclusion_washouts(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """A therapy in an inclusion washout rule ("Chemotherapy: >= 3 weeks (>= 6 weeks for
    mitomycin C)", "a minimum of 4 weeks must have elapsed since prior chemotherapy") is one the
    patient must not have had within that time, never one the patient must have had. Its window
    is the duration named nearest before it (else the first of its sentence); without any, the
    rule requires nothing."""
    if (
        view.section != Section.INCLUSION
        or not any(d.kind == "prior_therapy" for d in drafts)
        or not view.has(_WASHOUT_WORDS)
    ):
        return drafts
    w = view.w
    if _WASHOUT_RULE.search(w, view.low) is None:
        return drafts
    out: list[Draft] = []
    dropped: list[Draft] = []
    for draft in drafts:
        fields = draft.fields
        if (
            draft.kind != "prior_therapy"
            or fields.get("negated")
            or fields.get("relation", "received") != "received"
            or any(fields.get(k) is not None for k in (
                "relapse_within_months", "relapse_after_months", "min_duration_months",
                "max_duration_months"))
        ):  # fmt: skip
            out.append(draft)
            continue
        start = _sentence_start(w, draft.start)
        stop = _SENTENCE_END.search(w, draft.start)
        sentence_end = stop.start() if stop else len(w)
        if _WASHOUT_RULE.search(w[start:sentence_end], view.low[start:sentence_end]) is None or (
            _REQUIRED_LINES.search(w, start, sentence_end)
        ):
            out.append(draft)  # the rule is another sentence's, or the therapy is asked for
            continue
        if fields.get("within_days") is None:
            near = list(_DURATION.finditer(w, max(start, draft.start - 40), draft.start))
            found = near[-1] if near else _DURATION.search(w, start, sentence_end)
            if found is None:
                dropped.append(draft)
                continue
            fields["within_days"] = cues.days(float(found.group("n")), found.group("u"))
            fields.pop("within_half_lives", None)  # the days are the rule's
        fields["negated"] = True
        out.append(draft)
    return _represented(out, dropped)


#: A sentence that lists what the previous one named ("It includes radiotherapy, chemotherapy").
_IT_INCLUDES = re.compile(
    r"(?:^|[.;]\s+)(?:it|this|these|which|they|such (?:therapy|treatment)s?)\s+(?:also\s+)?"
    r"(?:includes?|include|comprises?|covers?|means?|refers? to)\b",
    re.IGNORECASE,
)


def inherit_windows(drafts: list[Draft], view: ItemView) -> None:
    """'Prior anticancer therapy within the last 3 weeks. It includes radiotherapy, endocrine
    therapy, chemotherapy': the therapies the second sentence lists share the first's window
    (without it, any endocrine therapy ever would exclude)."""
    if len(drafts) < 2 or ("includ" not in view.low and "compris" not in view.low):
        return
    w = view.w
    for match in _IT_INCLUDES.finditer(w):
        timed = [
            d for d in drafts
            if d.kind == "prior_therapy" and d.start < match.start() and d.fields.get("within_days")
        ]  # fmt: skip
        if not timed:
            continue
        window = timed[-1].fields["within_days"]
        stop = _SENTENCE_END.search(w, match.end())
        end = stop.start() if stop else len(w)
        for draft in drafts:
            if (
                draft.kind == "prior_therapy"
                and match.end() <= draft.start < end
                and draft.fields.get("within_days") is None
                and not draft.fields.get("negated")
            ):
                draft.fields["within_days"] = window
                draft.fields.pop("within_half_lives", None)


#: "However, the following are inclusible:", "The following patients are eligible:", "Patients
#: with X are allowed." opening a later sentence of an exclusion item: what follows lets in.
_ALLOWANCES_FROM_HERE = Fast(
    r"(?:^|[.;:]\s+)(?:(?:however|but|nevertheless)\s*,?\s*[^.;]{0,200}?|(?:the\s+following"
    r"|these)\s+(?:\w+\s+)?)(?:are|is|will\s+be|may\s+be|can\s+be)\s+(?:not\s+excluded|"
    r"inclusible|eligible|allowed|permitted|acceptable|included|enrolled|exempt\w*)\b"
)
_ALLOWANCE_WORDS = gate_words("inclusible", "eligible", "allowed", "permitted", "acceptable",
                              "included", "enrolled", "exempt", "not excluded")  # fmt: skip


_EITHER_WAY_WORDS = gate_words("with or without", "with/without", "alone or")
#: "with or without therapeutic anticoagulation", "with or without (treated) brain metastases",
#: "(the insertion) alone or in combination with other EGFR or HER2 mutations": the words just
#: before a reading that make it either way.
_EITHER_WAY_BEFORE = re.compile(
    r"\bwith\s*(?:or|/)\s*without\s+(?:[\w-]+\s+){0,3}$"
    r"|\balone\s+or\s+(?:in\s+)?(?:combination|together|conjunction)\s+with\s+[^.;]{0,90}$",
    re.IGNORECASE,
)
_EITHER_WAY_KINDS = frozenset(
    ["comorbidity", "cns_metastases", "biomarker", "disease_stage", "measurable_disease",
     "visceral_crisis", "prior_therapy"]
)  # fmt: skip


def drop_either_way(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """'Patients with or without brain metastases', 'with or without anticoagulation': what
    either way will do requires nothing (the item stays represented as such)."""
    if not drafts or not view.has(_EITHER_WAY_WORDS):
        return drafts
    w = view.w
    dropped = [
        d
        for d in drafts
        if d.kind in _EITHER_WAY_KINDS
        and _EITHER_WAY_BEFORE.search(w, cues.clause_start(w, d.start), d.start)
        # brain metastases in some state named further on ("Patients with or without brain
        # metastases. Symptomatic ones must be stable") are that state's rule
        and d.fields.get("states", ("any",)) == ("any",)
    ]
    if not dropped:
        return drafts
    return _represented([d for d in drafts if d not in dropped], dropped)


def drop_allowances(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """An exclusion item whose later sentence lists what is let in ("Active autoimmune disease.
    However, the following are inclusible: ... no exacerbation requiring methotrexate or
    biologics within 12 months"): the words from there on exclude nothing; they are the
    exception of what the item excludes (a window they state is not the exclusion's)."""
    if view.section != Section.EXCLUSION or not drafts or not view.has(_ALLOWANCE_WORDS):
        return drafts
    found = _ALLOWANCES_FROM_HERE.search(view.w, view.low)
    if found is None:
        return drafts
    at = found.start() + len(found.group(0)) - len(found.group(0).lstrip(" .;:"))
    if not view.w[:at].strip(" *-•\t"):
        return drafts  # the item opens with its allowance: read as it is
    # "the following are allowed: a. ... b. ...": to the end; "However, patients with X can be
    # enrolled if ...": that sentence (a run-on item may go on with more exclusions)
    listed = _LIST_ALLOWANCE.search(found.group(0)) is not None
    stop = len(view.w) if listed else cues.sentence_stop(view.w, found.end())
    kept = [d for d in drafts if d.start < at or d.start >= stop]
    allowance = view.evidence(at, stop).strip()
    # the allowance is an exception of what the sentence before it excludes
    before = 0 if listed else cues.sentence_start(view.w, max(0, at - 2))
    for draft in kept:
        if draft.start < before or draft.start >= stop:
            continue
        if draft.kind in {"comorbidity", "cns_metastases", "prior_therapy"}:
            draft.fields["exceptions"] = (*draft.fields.get("exceptions", ()), allowance)
        if (
            draft.kind == "comorbidity"
            and draft.fields.get("within_years") is not None
            and not _WINDOW_WORDS.search(view.w, 0, at)
            and not _WINDOW_WORDS.search(view.w, stop)
        ):
            draft.fields.pop("within_years")  # the window was the allowance's
    return kept


_LIST_ALLOWANCE = re.compile(r"\b(?:the\s+following|these)\b", re.IGNORECASE)
_WINDOW_WORDS = re.compile(r"\b(?:years?|months?|yrs?)\b", re.IGNORECASE)
