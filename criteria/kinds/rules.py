"""The declarative phrase rules of `criteria/data/phrases.yaml` (cancer type, comorbidities,
administrative items, organ function, visceral crisis). Disease stage rules are combined into one
criterion by `criteria.kinds.disease.read_stage`."""

from __future__ import annotations

import re
from typing import Any

from criteria import cues
from criteria.extract import Draft, ItemView
from criteria.fastre import Fast
from criteria.phrases import phrases
from trialmatch.vocab import Section

_HISTOLOGY = Fast(
    r"\b(?:(?:invasive\s+)?(?P<h>ductal|lobular|inflammatory(?!\s+(?:rheumat\w*|bowel|arthritis"
    r"|disease|condition|disorder|process|response|markers?|syndrome|myopathy|lung))"
    r"|mucinous|metaplastic|squamous"
    r"|adenocarcinoma|adenosquamous|large cell|non-squamous|nonsquamous))\b"
)
#: "overdue for colorectal cancer screening", "breast cancer risk": no diagnosis of that cancer.
_NOT_A_DIAGNOSIS = re.compile(
    r"\s*(?:screening|prevention|risk|awareness|survivorship|predisposition|susceptibility)\b",
    re.IGNORECASE,
)
#: "(elevated) risk for developing invasive breast cancer": the cancer is not had (yet).
_RISK_OF_BEFORE = re.compile(
    r"\b(?:risk\s+(?:of|for)|prevent\w*(?:\s+of)?|developing)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
)
#: "crizotinib is permitted only in ALK-rearranged NSCLC patients": whom a permission is for.
_PERMISSION_FOR = re.compile(
    r"\b(?:permitted|allowed|acceptable|accepted|eligible)\s+only\s+(?:in|for|to)\b[^.;]*$",
    re.IGNORECASE,
)
#: "(breast cancer) treatment", "(MBC) therapies": the cancer words qualify another noun.
_NOUN_OF_CANCER_AFTER = re.compile(
    r"\s*(?:(?:cancer|carcinoma)\s+)?(?:treatments?|therap(?:y|ies)|regimens?|drugs?|medications?|surgery|care|trials?"
    r"|stud(?:y|ies)|diagnosis|screening|survivors?)\b",
    re.IGNORECASE,
)
#: "(breast cancer) patients who are male / pregnant / older than 70": the subject of the rule.
_WHO_ARE_AFTER = re.compile(
    r"\s+(?:patients?|participants?|subjects?)\s+who\s+(?:are|have)\b", re.IGNORECASE
)
_LEADING_NO = re.compile(r"^\W*(?:no|not|none|without)\b", re.IGNORECASE)
#: The cancer is one of a list of cancers ("..., small cell carcinoma, or lymphoma").
_LISTED_BEFORE = re.compile(
    r"\b(?:carcinoma|cancer|tumou?r|malignanc\w*|sarcoma|lymphoma|neoplasm)s?\s*(?:,\s*)?"
    r"(?:(?:or|and|and/or)\b\s*)?(?:\w+[\s-]+){0,3}$",
    re.IGNORECASE,
)
_OTHER_CANCER = Fast(
    r"\b(?:other|another|second|prior|previous|history of|concurrent|additional|except|than"
    r"|different|family|contralateral|ipsilateral|relatives?|mothers?|sisters?|daughters?"
    r"|fathers?|brothers?|kindreds?|first[- ]degree|second[- ]degree)\b[^.;]{0,40}$"
)
#: "(therapy) for advanced NSCLC": the cancer names a therapy's setting.
_SETTING_BEFORE = re.compile(
    r"\b(?:for|in|during)\s+(?:the\s+)?(?:(?:advanced|metastatic|recurrent|locally|unresectable"
    r"|inoperable|early|stage|[IV]+[ABC]?|or|and|/|,)[\s/,-]*){0,5}$",
    re.I,
)
_ORGAN_SYSTEMS = (
    ("bone marrow", re.compile(r"marrow|ha?ematolog|blood", re.I)),
    ("hepatic", re.compile(r"hepatic|liver", re.I)),
    ("renal", re.compile(r"renal|kidney", re.I)),
    ("cardiac", re.compile(r"cardiac|heart", re.I)),
    ("coagulation", re.compile(r"coagulation", re.I)),
)


#: Organs named after an organ-function phrase: "(adequate bone marrow function), hepatic and
#: renal function".
_MORE_ORGANS = re.compile(
    r"(?:\s*(?:,|and|&|/)\s*(?:and\s+)?(?:hepatic|liver|renal|kidney|cardiac|heart|coagulation"
    r"|end-?organ|organ)\b(?:\s+functions?)?)+",
    re.IGNORECASE,
)
_ANY_ORGAN = re.compile(r"\b(?:end[- ]?)?organs?\b(?![- ]specific)", re.IGNORECASE)


_STAGE_QUALIFIER_BEFORE = re.compile(
    r"\b(?:locally\s+|loco-?regionally\s+)?(?:recurrent|relapsed|advanced|metastatic|inflammatory"
    r"|stage\s+[0IV]+[ABC]?|unresectable|inoperable)\s+(?:and\s+\w+\s+)?$",
    re.IGNORECASE,
)
_STAGE_BRACKET_BEFORE = re.compile(r"\bstage\s*[0IV]+[ABC]?\s*\([^()]*$", re.IGNORECASE)
_NO_PROOF_OF_BEFORE = re.compile(
    r"\b(?:no|lack of|absence of|without)\s+(?:\w+\s+){0,2}?(?:documentation|confirmation"
    r"|proof|evidence|diagnosis)\s+of\s+(?:(?:an?|the|invasive|primary)\s+)*$",
    re.IGNORECASE,
)
#: "Mixed lung adenocarcinoma and squamous cell carcinoma": one tumour of both, adenosquamous.
_MIXED_BEFORE = re.compile(r"\bmixed\s+(?:\w+\s+)?$", re.IGNORECASE)
_SQUAMOUS_AFTER = re.compile(r"\s*(?:and|with|/|-)\s*(?:a\s+)?squamous", re.IGNORECASE)


def read(view: ItemView) -> list[Draft]:
    w = view.w
    out: list[Draft] = []
    windows: bool | None = None  # whether the item can state a time window (read once)
    rules = phrases().rules
    cancers: list[Draft] = []  #: cancer types that take the item's histology word
    for position in sorted(view.rule_candidates):
        rule = rules[position]
        if rule.kind == "disease_stage":
            continue
        gated = rule.gated
        if gated.others and not gated.others_present(view.low):
            continue
        match = rule.search(w, view.low)
        if match is None:
            continue
        start, end = match.span()
        if rule.kind == "visceral_crisis":
            # the rest of its sentence qualifies it ("visceral disease that is symptomatic and
            # advanced, with a risk of ...")
            stop = _SENTENCE.search(w, max(m.end() for m in rule.finditer(w, view.low)))
            end = stop.start() if stop else len(w)
        if view.in_exception(start) and rule.kind != "administrative":
            continue
        if rule.kind == "administrative":
            out.append(view.draft("administrative", start, end, **rule.fields))
            continue
        if rule.kind == "cancer_type":
            if (
                _OTHER_CANCER.search(w[max(0, start - 50) : start])
                or _NOT_A_DIAGNOSIS.match(w, end)
                or _RISK_OF_BEFORE.search(w, max(0, start - 50), start)
                or _PERMISSION_FOR.search(w[max(0, start - 80) : start])
            ):
                continue
            fields = dict(rule.fields)
            if "histology" in fields and _NON_BEFORE.search(w, max(0, start - 4), start):
                fields["histology"] = f"non-{fields['histology']}"  # "non-inflammatory carcinoma"
            undocumented = view.section == Section.EXCLUSION and _NO_PROOF_OF_BEFORE.search(
                w, max(0, start - 60), start
            )  # "No histologic documentation of breast cancer" excludes those without it
            negated = (
                bool(undocumented)
                or cues.negated_before(w, start, window=25)
                or (
                    _LEADING_NO.match(w) is not None
                    and _LISTED_BEFORE.search(w, max(0, start - 70), start) is not None
                    and cues.negated_before(w, start)
                )
            )  # "No germ cell tumour, small cell carcinoma or lymphoma"
            if negated and view.section == Section.EXCLUSION and fields["cancer"] == "solid tumour":
                # "however no squamous element can be present": what the exclusion excludes
                negated = False
            if negated and _NOUN_OF_CANCER_AFTER.match(w, end):
                continue  # "no changes to MBC treatments": the cancer names whose treatments
            if negated and _STAGE_QUALIFIER_BEFORE.search(w, max(0, start - 35), start):
                continue  # "No locally recurrent breast cancer": the stage is what is ruled out
            if view.section == Section.EXCLUSION and _WHO_ARE_AFTER.match(w, end):
                continue  # "breast cancer patients who are male": the cancer is whose, not what
            draft = view.draft("cancer_type", start, end, negated=negated, **fields)
            draft.setting = bool(_SETTING_BEFORE.search(w[max(0, start - 50) : start]))
            out.append(draft)
            if "histology" not in fields:
                cancers.append(draft)
            continue
        if rule.kind == "organ_function":
            more = _MORE_ORGANS.match(w, end)  # "adequate bone marrow function, hepatic and renal"
            if more is not None and more.end() > end:
                end = more.end()
            phrase = w[start:end]
            systems = tuple(name for name, p in _ORGAN_SYSTEMS if p.search(phrase))
            if _ANY_ORGAN.search(phrase):
                systems = ()  # "organ and marrow function": every organ, the marrow among them
            draft = _with_polarity(view, "organ_function", start, end, {"systems": systems})
            if rule.fields.get("negated"):  # "inadequate organ function"
                draft.fields["negated"] = not draft.fields["negated"]
            out.append(draft)
            continue
        fields = dict(rule.fields)
        if (
            rule.kind == "comorbidity"
            and view.section == Section.INCLUSION
            and _STAGE_BRACKET_BEFORE.search(w, max(0, start - 80), start)
        ):
            continue  # "Stage IIIB (with pleural or pericardial effusion)": what the stage is
        if (
            fields.get("condition") == "other_malignancy"
            and view.section == Section.INCLUSION
            and _CANCER_LIST_BEFORE.search(w, max(0, start - 40), start)
            and view.low.startswith("other", start)
        ):
            continue  # "breast, gastrointestinal, lung or other cancers": more of the trial's own
        if (
            fields.get("condition") == "other_malignancy"
            and view.section == Section.INCLUSION
            and not w[:start].strip(" *-•\t")
            and _OTHER_SOLID.match(w, start)
        ):
            # "(Part 1 tumour types: ... 7.) Other solid tumours with CCNE1 amplification": one
            # more of the trial's own cancers, any solid one
            out.append(view.draft("cancer_type", start, end, cancer="solid tumour"))
            continue
        if rule.kind == "comorbidity" and windows is None:
            windows = _may_state_window(w, view.low)
        if rule.kind == "comorbidity" and windows:
            years = _window_for(w, view.low, start)
            if years is not None:
                fields["within_years"] = years
        if rule.kind == "comorbidity":
            fields["exceptions"] = view.exception_texts(start)
        draft = _with_polarity(view, rule.kind, start, end, fields)
        if (
            view.section == Section.INCLUSION
            and fields.get("condition") == "unresolved_toxicity"
            and _RESOLVED_TO.search(w, view.low)
        ):
            draft.fields["negated"] = True  # "toxicity has returned to grade <= 1": resolved
        elif (
            fields.get("condition") == "unresolved_toxicity"
            and _RECOVERY.match(w, start)
            and not _FAILED_TO.search(w, max(0, start - 25), start)
        ):
            # "recovered from toxicities" names the condition's absence: "has not recovered
            # from major toxicities" is the condition, "recovered from toxic effects" is not
            draft.fields["negated"] = not draft.fields["negated"]
        out.append(draft)
    if len(cancers) > 1:
        inner = [d for d in cancers if any(_contains(o, d) for o in cancers)]
        if inner:
            out = [d for d in out if d not in inner]
            cancers = [d for d in cancers if d not in inner]
    if cancers and view.section == Section.INCLUSION and len(cancers) > 1:
        last = max(d.end for d in cancers)
        if _OR_OTHERS.match(view.w, last):
            # "breast, gastrointestinal, non-small cell lung cancer or others": the list is
            # examples of any cancer, no requirement on its type
            out = [d for d in out if d not in cancers] + [cancers[0].no_requirement()]
            cancers = []
    if cancers:
        # a histology a rule read with its own words ("the main component is squamous") is
        # that reading's, not the other cancers' of the item
        owned = tuple(
            (d.start, d.end)
            for d in out
            if d.kind == "cancer_type" and d not in cancers and d.fields["cancer"] == "solid tumour"
        )
        _histology(cancers, view, owned)
        lone = [
            d
            for d in out
            if d.kind == "cancer_type" and d not in cancers and d.fields["cancer"] == "solid tumour"
        ]
        if lone and view.section == Section.INCLUSION:
            # "NSCLC with predominantly squamous histology": the histology is the cancer's, not
            # an alternative to it (an exclusion's "small cell components, or a squamous main
            # component" names two ways out)
            for draft in cancers:
                draft.fields["histology"] = lone[0].fields["histology"]
            out = [d for d in out if d not in lone]
    for draft in out:
        if (
            draft.kind == "cancer_type"
            and draft.fields.get("histology") == "adenocarcinoma"
            and _MIXED_BEFORE.search(w, max(0, draft.start - 30), draft.start)
            and _SQUAMOUS_AFTER.match(w, draft.end)
        ):
            draft.fields["histology"] = "adenosquamous"  # "mixed adenocarcinoma and squamous"
    return out


def _contains(outer: Draft, inner: Draft) -> bool:
    """'Mixed small cell and non-small cell lung cancer': a cancer named inside the words of
    another reading is part of it, not a cancer of its own."""
    return (
        outer is not inner
        and outer.start <= inner.start
        and inner.end <= outer.end
        and (outer.end - outer.start > inner.end - inner.start)
    )


#: "other than squamous", "excluding squamous", "except squamous": every histology but that one.
_HISTOLOGY_EXCEPT = re.compile(
    r"\b(?:other than|excluding|except(?: for)?|but not|not of|not)\s+"
    r"(?:(?:a|the|pure|predominantly)\s+)?$",
    re.IGNORECASE,
)


_RECOVERY = re.compile(r"(?:recover|resol)\w*\b", re.IGNORECASE)
_FAILED_TO = re.compile(
    r"\b(?:fail\w*\s+to|unable\s+to|inability\s+to|lack\s+of|incomplete|insufficient)\s+$",
    re.IGNORECASE,
)
_NON_BEFORE = re.compile(r"\bnon[- ]?$", re.IGNORECASE)


def _histology_word(view: ItemView, word: re.Match[str]) -> str:
    """The histology as the item means it: 'non-squamous' for 'other than squamous'."""
    histology = word.group("h").lower()
    before = view.w[max(0, word.start() - 30) : word.start()]
    if not histology.startswith("non") and (
        _HISTOLOGY_EXCEPT.search(before) or _NON_BEFORE.search(before)
    ):
        return f"non-{histology}"
    return histology


def _histology(
    cancers: list[Draft], view: ItemView, owned: tuple[tuple[int, int], ...] = ()
) -> None:
    """The histology the item names goes to its cancer type; where an inclusion item lists
    several cancers ("TNBC, non-squamous NSCLC or gastric cancer"), each histology word goes to
    the cancer nearest to it only (an exclusion's histology qualifies all it names: "squamous
    carcinomas or sarcomas of the breast")."""
    words = [
        word
        for word in _HISTOLOGY.finditer(view.w, view.low)
        if not any(a <= word.start() < b for a, b in owned)
    ]
    if not words:
        return
    if view.section != Section.INCLUSION or len({d.fields["cancer"] for d in cancers}) < 2:
        for draft in cancers:
            draft.fields["histology"] = _histology_word(view, words[0])
        return
    for word in words:

        def distance(draft: Draft, at: re.Match[str] = word) -> tuple[int, bool]:
            if at.end() <= draft.start:
                return draft.start - at.end(), False  # before the cancer: the usual place
            return max(0, at.start() - draft.end), True

        nearest = min(cancers, key=distance)
        nearest.fields.setdefault("histology", _histology_word(view, word))


def _with_polarity(
    view: ItemView, kind: str, start: int, end: int, fields: dict[str, Any]
) -> Draft:
    if view.section == Section.EXCLUSION and kind == "comorbidity":
        negated = cues.negated_before(view.w, start, window=25)
    elif kind == "comorbidity" and _NORMAL_BEFORE.search(view.w, max(0, start - 20), start):
        negated = True  # "normal cardiac conduction": no conduction disease
    elif kind == "comorbidity" and _NEGATIVE_BEFORE.search(view.w, max(0, start - 20), start):
        negated = True  # "Negative HIV test", "seronegative for hepatitis B"
    else:
        negated = view.negated(start, end)
        if kind == "comorbidity" and not negated:
            # "a negative test or adequate therapy for HIV, hepatitis B and/or hepatitis C": the
            # test covers the whole list, however long (to the end of the sentence)
            w = view.w
            negated = _NEGATIVE_TEST.search(w, cues.sentence_start(w, start), start) is not None
    return view.draft(kind, start, end, negated=negated, **fields)


_NEGATIVE_TEST = re.compile(r"\bnegative (?:tests?|results?|screen\w*)\b[^.;]*$", re.IGNORECASE)


#: "(toxicity) has returned to <= grade 1", "resolved to baseline", "recovered to grade 0-1".
_RESOLVED_TO = Fast(
    r"(?<!not )(?<!n't )\b(?:returned|resolved|recovered|come back|back|reverted|improved"
    r"|alleviated|reduced|decreased|subsided)\s+"
    r"to\s+(?:(?:NCI\s+)?CTC(?:AE)?\s*(?:\([^()]{0,20}\)\s*|v(?:ersion)?\s*[\d.]+\s+)?)?"
    r"(?:<=\s*|grade\s*(?:<=\s*)?)?(?:grade\s*)?(?:[01]\b|baseline)"
    r"|\b(?:resolution|recovery)\s+of\s+(?:[\w-]+\s+){0,8}?to\s+(?:<=\s*)?(?:grade\s*[01]\b|baseline)"
    # "Recovery to baseline or grade <= 1 from toxicities"
    r"|\b(?:resolution|recovery)\s+to\s+(?:(?:<=\s*)?grade\s*(?:<=\s*)?[01]\b|baseline)",
    first=True,
)
_NORMAL_BEFORE = re.compile(r"\b(?:normal|unremarkable)\s+$", re.IGNORECASE)
_NEGATIVE_BEFORE = re.compile(r"\b(?:sero-?)?negative\s+(?:for\s+)?$", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_SENTENCE = re.compile(r"[.;](?:\s|$)")
_YEARS = Fast(
    r"(?:\bwithin|\b(?:in|during) the (?:last|past|previous|preceding)|<=?|\blast|\bpast)"
    r"\s*(?:the\s+)?(?:last\s+|past\s+|previous\s+|preceding\s+)?(?P<n>\d+(?:\.\d+)?)\s*"
    r"(?P<u>years?|yrs?|months?)"
    r"\b(?!\s+(?:of\s+age|old)\b)",  # "sudden death under 40 years of age": an age
    first=True,
)


def _window_for(w: str, low: str, start: int) -> float | None:
    """The time window of the condition named at `start`: one written after it in its
    sentence ("MI, stroke or unstable angina within 6 months": the list's), or before it when it
    opens the sentence or a list ("Within the past 6 months: MI or stroke") or nothing breaks
    the list between. A window that closed an earlier element is that element's ("MI within 1
    year, any history of ventricular arrhythmia": not the arrhythmia's)."""
    begin = cues.sentence_start(w, start)
    stop = cues.sentence_stop(w, start)
    for match in _YEARS.finditer(w[begin:stop], low[begin:stop]):
        at = begin + match.start()
        between = w[begin + match.end() : start]
        leading = _LEAD_IN.fullmatch(w, begin, at) is not None  # "Within 6 months: MI or stroke"
        if at >= start or leading or ":" in between or not _LIST_BREAK.search(between):
            n = float(match.group("n"))
            return n if match.group("u").lower().startswith("y") else round(n / 12, 2)
    return None


#: "..., or others", "or other solid tumours" closing a list of cancers.
_OR_OTHERS = re.compile(
    r"\s*,?\s*(?:and/)?or\s+(?:any\s+)?others?\b(?:\s+(?:advanced\s+)?(?:solid\s+)?"
    r"(?:cancers?|tumou?rs?|malignanc\w+|types?))?\s*(?:[.;]|$)",
    re.IGNORECASE,
)
_OTHER_SOLID = re.compile(r"other\s+(?:advanced\s+)?solid\s+(?:tumou?rs?|cancers?|malignanc)", re.I)
#: The end of a list of cancer types that "or other cancers" goes on.
_CANCER_LIST_BEFORE = re.compile(
    r"\b(?:cancers?|carcinomas?|tumou?rs?|NSCLC|SCLC|lymphomas?|melanomas?|sarcomas?)"
    r"\s*,?\s*or\s+$",
    re.IGNORECASE,
)
_LIST_BREAK = re.compile(r"[,;]|\bor\b|\band\b")
#: Words that may stand before a window that opens the sentence ("History of, within 6 months").
_LEAD_IN = re.compile(
    r"\W*(?:\w{1,2}[.)]\s*)?(?:(?:any|a|history|of|patients?|subjects?|with|who|have|has|had"
    r"|occurring|event|events)\W+){0,4}",
    re.IGNORECASE,
)


def _may_state_window(w: str, low: str) -> bool:
    """A cheap test that the item can hold a window in years or months."""
    return _DIGIT.search(w) is not None and ("year" in low or "month" in low or "yr" in low)
