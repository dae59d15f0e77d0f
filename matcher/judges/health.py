"""Judges for laboratory values, organ function and comorbidities."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass

from criteria.model import Comorbidity, Lab, OrganFunction
from matcher import cancers, labs
from matcher import conditions as comorbidities
from matcher.judgement import Judgement, compare_range, met, not_met, unknown
from matcher.judges import causes, serology
from matcher.patient import Patient
from trialmatch.vocab import Result, Section


def lab(c: Lab, p: Patient) -> Judgement:
    absolute, relative = labs.entries_for(c.analyte.lower())
    wanted_uln = " x ULN" if c.uln_multiple else ""
    if absolute is None:
        return unknown(
            f"{c.analyte} {c.comparator} {c.value:g}{wanted_uln}: not a value the profile records",
            c.analyte.replace("_", " "),
        )
    given = p.profile.labs or {}
    implied = not c.uln_multiple and _implies_uln(absolute, c)
    uln_multiple = c.uln_multiple or implied
    limit = _Limit(c.value, uln_multiple, c.unit)
    note = " (no unit written; read as x ULN)" if implied else ""
    relaxed = _exception_threshold(c, p)
    if relaxed is not None and relaxed.applies:
        limit, note = relaxed.limit, f" (relaxed for {relaxed.situation}, per the criterion)"
    if limit.value == math.inf:  # "(patients with Gilbert's syndrome may be enrolled)"
        said = f"{relaxed.situation if relaxed else 'the situation'} is excepted by the criterion"
        return not_met(said) if c.section is Section.EXCLUSION else met(said)
    threshold = limit.in_units(absolute)
    unit = "x ULN" if limit.uln else absolute.unit
    wanted = f"{c.comparator} {threshold:g} {unit}{note}"
    found = _patient_range(absolute, relative, given, limit.uln)
    if found is None:
        missing = f"{absolute.label}" + (" (x ULN or value)" if limit.uln else "")
        return unknown(f"{absolute.label} not given (criterion: {wanted})", missing)
    low, high, said = found
    verdict = compare_range(low, high, c.comparator, threshold)
    if (
        relaxed is not None
        and relaxed.applies is None
        and verdict is not _verdict(relaxed.limit, c.comparator, absolute, relative, given)
    ):
        return unknown(
            f"{said}: within the limit only if the exception ({'; '.join(c.exceptions)}) applies, "
            f"and the profile does not give the {relaxed.missing}",
            relaxed.missing,
        )
    if verdict is True:
        return met(f"{said} ({wanted})")
    if verdict is False:
        return not_met(f"{said}; criterion: {wanted}")
    return unknown(
        f"{said}: too close to the criterion's limit to tell ({wanted})", missing_label(absolute)
    )


@dataclass(frozen=True, slots=True)
class _Limit:
    """A threshold as written: a multiple of the ULN or a value in `unit` (infinite: none)."""

    value: float
    uln: bool
    unit: str | None = None

    def in_units(self, absolute: labs.LabEntry) -> float:
        return self.value if self.uln else labs.to_unit(absolute, self.value, self.unit)


def _verdict(
    limit: _Limit,
    comparator: str,
    absolute: labs.LabEntry,
    relative: labs.LabEntry | None,
    given: dict[str, float],
) -> bool | None:
    if limit.value == math.inf:
        return comparator.startswith("<")  # no limit: an upper bound always holds
    found = _patient_range(absolute, relative, given, limit.uln)
    if found is None:
        return None
    return compare_range(found[0], found[1], comparator, limit.in_units(absolute))


def _implies_uln(absolute: labs.LabEntry, c: Lab) -> bool:
    """A threshold written without a unit that no real value reaches in the profile's unit:
    "AST < 2" or "ALT no greater than 3" (an enzyme's upper limit of normal is 30-150 U/L) is a
    multiple of the ULN. Only a value below a quarter of the lowest usual ULN counts, so that a
    bilirubin or creatinine limit of 1.5 (mg/dL or x ULN, about the same) is left as written."""
    if c.unit or absolute.uln is None:
        return False
    return c.value < absolute.uln[0] / 4


def missing_label(entry: labs.LabEntry) -> str:
    return f"{entry.label} against the site's upper limit of normal"


def _patient_range(
    absolute: labs.LabEntry,
    relative: labs.LabEntry | None,
    given: dict[str, float],
    want_relative: bool,
) -> tuple[float, float, str] | None:
    """The patient's value in the criterion's terms, as a range when a ULN had to be assumed."""
    value = given.get(absolute.key)
    multiple = given.get(relative.key) if relative is not None else None
    if want_relative:
        if multiple is not None:
            return multiple, multiple, f"{absolute.label} {multiple:g} x ULN"
        if value is not None and absolute.uln is not None:
            low, high = value / absolute.uln[1], value / absolute.uln[0]
            return (
                low,
                high,
                (
                    f"{absolute.label} {value:g} {absolute.unit} = {low:.2g}-{high:.2g} x ULN "
                    f"(usual ULN {absolute.uln[0]:g}-{absolute.uln[1]:g} {absolute.unit})"
                ),
            )
        return None
    if value is not None:
        return value, value, f"{absolute.label} {value:g} {absolute.unit}"
    if multiple is not None and absolute.uln is not None:
        low, high = multiple * absolute.uln[0], multiple * absolute.uln[1]
        return (
            low,
            high,
            (
                f"{absolute.label} {multiple:g} x ULN = {low:.3g}-{high:.3g} {absolute.unit} "
                f"(usual ULN {absolute.uln[0]:g}-{absolute.uln[1]:g})"
            ),
        )
    return None


_ULN_IN = re.compile(r"(\d+(?:\.\d+)?)\s*(?:x|×|times)\s*(?:the\s+)?(?:ULN|upper limit)", re.I)
#: "(<= 3 mg/dL in case of Gilbert's syndrome)": a limit in a unit of measure.
_VALUE_IN = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(mg/dl|[µμu]mol/l|mmol/l|g/dl|g/l|i?u/l|msec|ms|%)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class _Relaxed:
    """A limit an exception sets for a situation ("<= 5 x ULN with liver metastases", "<= 3 x ULN
    for Gilbert's syndrome", none at all: "Gilbert's syndrome excepted"), and whether the
    patient is in that situation (None: the profile does not tell)."""

    limit: _Limit
    applies: bool | None
    situation: str
    missing: str


_GILBERT = re.compile(r"gilbert", re.IGNORECASE)
#: "(direct bilirubin <= 1.5 x ULN in Gilbert's syndrome)": a limit on another fraction
_OTHER_FRACTION = re.compile(r"\b(?:direct|conjugated|indirect|unconjugated)\b", re.IGNORECASE)


_SEX_SITUATION = re.compile(
    r"\b(?:for|in)\s+(women|females?|female patients|men|males?|male patients)\b", re.I
)


def _written_limit(text: str) -> _Limit | None:
    if found := _ULN_IN.search(text):
        return _Limit(float(found.group(1)), True)
    if found := _VALUE_IN.search(text):
        return _Limit(float(found.group(1).replace(",", ".")), False, found.group(2))
    return None


def _exception_threshold(c: Lab, p: Patient) -> _Relaxed | None:
    """The limit an exception of the criterion sets for metastases in an organ or for Gilbert's
    syndrome, and whether it applies to the patient (None when there is none)."""
    diagnosis = p.profile.diagnosis
    sites = diagnosis.metastatic_sites if diagnosis else None
    lowered_sites = {s.lower() for s in sites} if sites is not None else None
    conditions = p.profile.conditions
    # "(or 1.5 x ULN if liver metastases; or 3 x ULN in Gilbert's syndrome)": one situation each
    for text in (part for exception in c.exceptions for part in exception.split(";")):
        limit = _written_limit(text)
        if _GILBERT.search(text):
            if "bilirubin" not in c.analyte:
                continue  # a list's last exception, carried to the limits before it
            gilbert = None if conditions is None else any(_GILBERT.search(x) for x in conditions)
            if gilbert is False:
                continue
            fraction = _OTHER_FRACTION.search(text)
            if fraction and not _OTHER_FRACTION.search(c.evidence or ""):
                # the profile holds total bilirubin only: with Gilbert's, the other fraction's
                # limit decides, and no value of the total settles it
                missing = f"{fraction.group(0).lower()} bilirubin"
                return _Relaxed(_Limit(math.inf, True), None, "Gilbert's syndrome", missing)
            # no limit written: "(except Gilbert's syndrome)", "(Gilbert's may be included)"
            limit = limit or _Limit(math.inf, True)
            return _Relaxed(limit, gilbert, "Gilbert's syndrome", "comorbidities")
        sex = _SEX_SITUATION.search(text)
        if sex is not None and limit is not None:
            # "QTc > 450 msec for men and > 470 msec for women": the other sex's own limit
            female = sex.group(1).lower().startswith(("wom", "fem"))
            situation = "women" if female else "men"
            if p.profile.sex is None:
                return _Relaxed(limit, None, situation, "sex")
            return _Relaxed(limit, (p.profile.sex == "female") == female, situation, "sex")
        if limit is None or not limit.uln:
            continue
        lowered = text.lower()
        organ = (
            "liver"
            if ("liver" in lowered or "hepatic" in lowered)
            else ("bone" if "bone" in lowered else None)
        )
        if organ is None:
            continue
        if lowered_sites is None:
            return _Relaxed(limit, None, f"{organ} metastases", "metastatic sites")
        if organ in lowered_sites:
            return _Relaxed(limit, True, f"{organ} metastases", "metastatic sites")
    return None


#: Usual thresholds for "adequate organ function" when a trial does not give its own:
#: (analyte, in multiples of the ULN?, comparator, value).
_USUAL = {
    "bone marrow": (("anc", False, ">=", 1.5), ("platelets", False, ">=", 100.0),
                    ("hemoglobin", False, ">=", 9.0)),
    "hepatic": (("bilirubin", True, "<=", 1.5), ("ast", True, "<=", 3.0), ("alt", True, "<=", 3.0)),
    "renal": (("creatinine_clearance", False, ">=", 50.0),),
}  # fmt: skip


#: A usual threshold's common alternative: a normal serum creatinine instead of the clearance.
_OR_INSTEAD = {"creatinine_clearance": ("creatinine", True, "<=", 1.5)}


def organ_function(c: OrganFunction, p: Patient) -> Judgement:
    systems = [s for s in (c.systems or tuple(_USUAL)) if s in _USUAL] or list(_USUAL)
    given = p.profile.labs or {}
    missing: list[str] = []
    outside: list[str] = []
    for analyte, relative_to_uln, comparator, value in (x for s in systems for x in _USUAL[s]):
        absolute, relative = labs.entries_for(analyte)
        assert absolute is not None
        found = _patient_range(absolute, relative, given, relative_to_uln)
        if found is None and analyte in _OR_INSTEAD:
            # no clearance given: a serum creatinine within the usual limit will do, as most
            # trials accept ("creatinine <= 1.5 x ULN or clearance >= 50 mL/min")
            other, other_uln, other_cmp, other_value = _OR_INSTEAD[analyte]
            other_absolute, other_relative = labs.entries_for(other)
            assert other_absolute is not None
            found = _patient_range(other_absolute, other_relative, given, other_uln)
            if found is not None and compare_range(found[0], found[1], other_cmp, other_value):
                continue
        if found is None:
            missing.append(absolute.label)
        elif compare_range(found[0], found[1], comparator, value) is not True:
            outside.append(found[2])
    what = f"adequate {'/'.join(systems)} function"
    if missing:
        near = f"; outside or near the usual thresholds: {'; '.join(outside)}" if outside else ""
        return unknown(
            f"{what}: labs not given ({', '.join(missing)}){near}", "organ function labs"
        )
    if outside:
        return unknown(
            f"{what}: outside or near the usual thresholds ({'; '.join(outside)}); "
            "the trial's own limits decide",
            "organ function labs",
        )
    return met(f"labs within the usual thresholds for {what}")


#: Comorbidity ids the parser emits that a profile's condition list cannot settle.
_NOT_IN_PROFILE = {
    "recent_major_surgery": "recent major surgery",
    "unresolved_toxicity": "unresolved toxicity from prior therapy",
}

#: Words in a patient's condition that make it serious or uncontrolled. How it is treated does
#: not: diabetes on insulin is not said to be uncontrolled.
_SERIOUS = re.compile(
    r"uncontrolled|poorly controlled|severe|serious|unstable|decompensated|active|acute|"
    r"requiring (?:oxygen|hospital)",
    re.I,
)
#: Words of a serious-illness item that make it about any illness, whatever organs it also names
#: ("severe pulmonary, cardiac or other systemic disease").
_ANY_ORGAN = re.compile(r"(?:systemic|systematic|medical|other|comorbid\w*)\b", re.I)
#: Qualifiers an exclusion puts on a condition ("diabetes requiring insulin", "uncontrolled
#: hypertension"): the condition alone does not settle it.
#: "requiring (anti-hyperglycemic) medication": the condition needs treatment.
_NEEDS = r"(?:requir|need)\w* (?:[\w-]+ ){0,2}?"
#: "(requiring) steroids", "systemic corticosteroid therapy", "glucocorticoids"
_STEROIDS = (
    r"(?:systemic\s+)?(?:(?:gluco)?corticosteroids?|glucocorticoids?|corticoids?|steroids?)"
    r"(?:\s+(?:treatment|therapy))?"
)
_QUALIFIED = re.compile(
    r"uncontrolled|poorly controlled|"
    + _NEEDS
    + r"(?:insulin|treatment|therapy|oxygen|medications?|drugs?|agents?|"
    + _STEROIDS
    + r")|"
    r"insulin[- ]dependent|on insulin|symptomatic|unstable|severe|serious|significant|"
    r"clinically (?:important|relevant)|inadequately controlled|uncontrollable|"
    r"poor(?:ly)? controlled|not (?:under |well )?(?:stable )?control|"
    r"cannot be (?:stably )?controlled|"
    r"active|decompensated|NYHA (?:class )?(?:II|III|IV)|grade [2-4]|≥ ?grade|"
    r"within (?:the )?(?:past|last)",
    re.I,
)
#: A qualifier that asks only that the condition be treated ("requiring anti-hyperglycemic
#: medication"), and a patient's words that say it is or is not.
_TREATED = re.compile(
    _NEEDS + r"(?:treatment|therapy|medications?|drugs?|agents?|" + _STEROIDS + ")", re.I
)
_TAKES = re.compile(
    r"\b(?:on|taking|takes|treated with|managed with)\s+(?!no\b)\w+|metformin|insulin"
    r"|\bmedicat|\btablets?\b",
    re.I,
)
_UNTREATED = re.compile(
    r"\b(?:no|without|off|not on)\s+(?:\w+\s+)?(?:medication|treatment|therapy|insulin|drugs?)"
    r"|diet[- ](?:controlled|alone|only)|untreated|resolved",
    re.I,
)
#: "Concurrent other malignancy", "... requiring treatment": qualifiers unless the criterion
#: also names the condition's history ("history or concomitant other malignancy").
_CURRENT = re.compile(r"concurrent|concomitant|requiring (?:concurrent |active )?treatment", re.I)
_HISTORY = re.compile(r"\bhistory\b|\bprior\b|\bprevious|\bpast\b|\bever\b", re.I)


#: Words in a patient's condition that deny the usual qualifiers: "diet-controlled diabetes",
#: "well-controlled hypertension", "asymptomatic", "stable".
_DENIES = re.compile(
    r"\bdiet\b|diet[- ]controlled|\bwell[- ]controlled|\bcontrolled\b|asymptomatic|\bstable\b|"
    r"resolved|mild|"
    r"\bNED\b|no evidence of (?:active )?disease|disease[- ]free|in (?:complete )?remission|"
    r"\bcured\b|\b(?:hbv|hcv)\b[^,;]{0,20}(?:undetectable|negative|not detected)",
    re.I,
)


#: Words that name no particular condition: "prostate cancer" is not excepted by "superficial
#: bladder cancer" because both are cancers.
_GENERIC_WORDS = frozenset(
    {
        "cancer", "cancers", "carcinoma", "carcinomas", "malignancy", "malignancies", "tumor",
        "tumour", "tumors", "tumours", "disease", "diseases", "history", "prior", "previous",
        "treated", "resected", "cured", "other", "with", "from", "since", "years", "months",
        "grade", "stage", "chronic", "acute", "primary", "secondary", "infection", "disorder",
    }
)  # fmt: skip
_WORD = re.compile(r"[a-z]{4,}")


#: An exception about the condition's state or time ("unless stable on treatment", "disease-free
#: for 5 years"), which the profile's words may not settle, rather than a list of kinds.
_STATE_EXCEPTION = re.compile(
    r"\d|stable|control|treat|therap|well|year|month|week|\bdays?\b|free|evidence|curative"
    r"|remission|recurr|relaps|resolv|asymptomatic|symptom|active|investigator|approv|discuss"
    r"|unless|provided|if\b",
    re.I,
)


_AT_LEAST = r"(?:>=|≥|=>|greater than or equal to|at least|of at least)"
#: "grade >= 2", "grade 2 or higher", "grade 2-4", "≥ grade 2", "grade > 1" near the condition.
_GRADE_FLOOR = re.compile(
    r"\b(?:ctcae\s+)?grade\s*(?:(?P<least>" + _AT_LEAST + r")|(?P<above>>|(?:greater|higher|more)"
    r" than|above|over))?\s*"
    r"(?P<n>[1-5])(?P<up>\s*(?:or|and)\s*(?:higher|greater|above|more|worse)|\s*[-–]\s*[2-5]"
    r"|\s*\+)?"
    r"|(?:(?P<least2>" + _AT_LEAST + r")|(?P<above2>>|(?:greater|higher|more) than|above|over"
    r"|in excess of|exceeding|beyond))"
    r"\s*(?:ctcae\s+)?grade\s*"
    r"(?P<n2>[1-5])",
    re.I,
)
_PATIENT_GRADE = re.compile(r"\bgrade\s*([0-5])\b", re.I)
#: "over 1 grade", "2 grade": the number before the word.
_NUMBER_GRADE = re.compile(
    r"(?:(?P<above>>|(?:greater|higher|more) than|above|over)\s*)?\b(?P<n>[1-5])\s*grades?\b",
    re.I,
)


def _evidence_at(c: Comorbidity) -> int:
    """Where the condition's own words stand in the criterion's text (-1: not found)."""
    return c.text.lower().find(c.evidence.lower()) if c.evidence else -1


def _beside_evidence(c: Comorbidity, at: int) -> str:
    """The condition's words (found at `at`) with a few words either side, where a criterion
    gives its grade or stage ("grade >= 2 neuropathy", "stage 4 or 5 chronic kidney disease")."""
    return c.text[max(0, at - 40) : at + len(c.evidence or "") + 45]


def _grade_floor(c: Comorbidity) -> int | None:
    """The lowest grade the criterion counts, when it gives one beside the condition's words."""
    at = _evidence_at(c)
    if at < 0:
        return None
    found = _GRADE_FLOOR.search(_beside_evidence(c, at))
    if found is None:
        # "over 1 grade of CTCAE", "or 2 grade if ... related neuropathy": the number first,
        # in the condition's own clause
        clause = re.split(r"[;.]", c.text[max(0, at - 60) : at])[-1]
        before = list(_NUMBER_GRADE.finditer(clause))
        if not before:
            return None
        n = int(before[-1].group("n"))
        return n + 1 if before[-1].group("above") else n
    n = int(found.group("n") or found.group("n2"))
    return n + 1 if found.group("above") or found.group("above2") else n


def _grade_compared(c: Comorbidity, words: str) -> Judgement | None:
    """'Grade >= 2 peripheral neuropathy' against 'peripheral neuropathy grade 1'."""
    floor = _grade_floor(c)
    if floor is None or floor <= 1:
        return None
    graded = _PATIENT_GRADE.search(words)
    if graded is None:
        return unknown(
            f"{words}: the criterion counts grade {floor} or higher; the grade is not given",
            "grade of the condition",
        )
    grade = int(graded.group(1))
    if grade < floor:
        return not_met(f"{words}: below the grade {floor} the criterion counts")
    return met(f"{words}: grade {floor} or higher")


def _follows(c: Comorbidity, exception: str) -> bool:
    """Whether the exception follows the condition's own words in the same clause ("other
    malignancy except ..."), not another condition the item names."""
    text = c.text.lower()
    at = _evidence_at(c) if c.evidence else 0
    start = text.find(exception.lower()[:30], max(at, 0))
    if at < 0 or start < 0:
        return False
    between = text[at + len(c.evidence or "") : start]
    return len(between) <= 60 and not any(mark in between for mark in ".;")


def _excepted(words: str, exception: str, condition: str | None = None) -> bool:
    """Whether the patient's condition is one the criterion's exception names: a word of it that
    names something particular ("prostate", "basal") appears in the exception, or both name the
    same specific condition ("neuropathy" and "neurotoxicity"). The criterion's own `condition`
    does not count: every exception names a kind of it."""
    low = exception.lower()
    if any(w in low for w in _WORD.findall(words.lower()) if w not in _GENERIC_WORDS):
        return True
    shared = comorbidities.condition_ids(words) & comorbidities.condition_ids(exception)
    return any(i != condition and comorbidities.specific(i) for i in shared)


#: Where a criterion's words stop naming what it counts and start naming what it excepts.
_EXCEPT = re.compile(
    r"\b(?:except|excluding|other than|apart from|unless|with the exception|but not)\b", re.I
)


def _cancer_kind(c: Comorbidity, words: str) -> Judgement | None:
    """A malignancy criterion that names one kind of cancer ("prior invasive breast cancer",
    "MDS/AML", "another lung cancer subtype") against the patient's other malignancy: another
    kind does not meet it, an entry that does not say which kind leaves it open. None when the
    criterion names no kind ("any other malignancy")."""
    counted = _EXCEPT.split(c.evidence or "", maxsplit=1)[0]
    named = cancers.cancer_categories(counted) - _GENERIC_CANCER
    if not named:
        return None
    theirs = cancers.cancer_categories(words) - _GENERIC_CANCER
    wanted = " or ".join(sorted(cancers.label(n) for n in named))
    if not theirs:
        return unknown(
            f"{words}: the criterion names {wanted}; which cancer this is is not given",
            "kind of the other malignancy",
        )
    if not any(cancers.covers(n, t) or cancers.covers(t, n) for n in named for t in theirs):
        return not_met(f"{words}: not {wanted}, which the criterion names")
    return None


_GENERIC_CANCER = frozenset({cancers.SOLID_TUMOR, cancers.ANY_CANCER})


def _wanted(c: Comorbidity) -> frozenset[str]:
    known = comorbidities.known_ids()
    if c.condition in known:
        return frozenset({c.condition})
    return comorbidities.condition_ids(
        c.condition.replace("_", " ")
    ) or comorbidities.condition_ids(c.evidence or "")


_TYPE_1 = re.compile(
    r"\btype\s*(?:1|I)\b(?!\s*(?:or|and|/)\s*(?:type\s*)?(?:2|II)\b)|\bT1DM\b"
    r"|insulin[- ]dependent|juvenile",
    re.I,
)
_TYPE_2 = re.compile(r"\btype\s*(?:2|II)\b|\bT2DM\b|non[- ]insulin[- ]dependent|NIDDM", re.I)


def _own_words(c: Comorbidity) -> str | None:
    """The words of a child item after its list's introduction ("Active cardiac disease
    including any of the following: ventricular arrhythmias ..."), when the criterion's evidence
    lies in the introduction: the child's words say which form is meant."""
    if not c.evidence or ":" not in c.text:
        return None
    own = c.text.rsplit(":", 1)[1]
    return own if c.evidence not in own and own.strip() else None


#: Words right after a condition that define it: "heart disease, defined as NYHA class III or IV
#: heart failure", "cardiovascular disease as defined by NYHA class III-IV", "(i.e., ...)".
_DEFINED_AS = re.compile(
    r"[\s,(-]*(?:disease\s+)?(?:as\s+)?(?:defined\s+(?:as|by)|i\.\s?e\.?|that\s+is|namely)[\s,:]*"
    r"(?P<definition>[^;.)]+)",
    re.I,
)


def _definition(c: Comorbidity) -> str | None:
    """The words that define the criterion's condition, when they follow its evidence."""
    evidence = c.evidence or ""
    at = c.text.find(evidence) if evidence else -1
    if at < 0:
        return None
    found = _DEFINED_AS.match(c.text, at + len(evidence))
    return found.group("definition") if found else None


def _named_forms(condition: str, c: Comorbidity) -> frozenset[str] | None:
    """The forms of a condition the criterion names (see `matcher.conditions.forms`)."""
    named = comorbidities.forms(condition, _near_evidence(c))  # "atherosclerotic heart disease"
    if named is None and (definition := _definition(c)) is not None:
        return comorbidities.forms(condition, definition) or None  # "defined as NYHA III-IV"
    own = _own_words(c) if named is None else None
    if own is not None:
        return comorbidities.forms(condition, own) or None
    return named


def _form_words(c: Comorbidity) -> str:
    """The words naming the form, for an explanation: whole words only."""
    own = _own_words(c)
    if own is not None:
        return own.strip(" ;.")[:80]
    near = _near_evidence(c)
    definition = _definition(c)
    if definition is not None and comorbidities.forms(c.condition, near) is None:
        return definition.strip(" ;,.")[:80]
    if not c.text.startswith(near) and " " in near:
        near = near.split(" ", 1)[1]  # the first word may be cut
    return _LEADING_SMALL_WORDS.sub("", near).strip(" ;.")[:80]


_LEADING_SMALL_WORDS = re.compile(r"^(?:(?:of|with|a|an|the|any|or|and|history)\s+)+", re.I)


def _near_evidence(c: Comorbidity) -> str:
    """The criterion's words with the few before them ("Type I" before "diabetes")."""
    evidence = c.evidence or c.text
    at = c.text.find(evidence)
    return c.text[max(0, at - 20) : at + len(evidence)] if at >= 0 else evidence


def _other_diabetes_type(criterion: str, words: str) -> str | None:
    """'Type I diabetes' for a patient with type 2 diabetes (or the reverse): another disease."""
    if _TYPE_1.search(criterion) and not _TYPE_2.search(criterion) and _TYPE_2.search(words):
        return "type 1 diabetes"
    if (
        _TYPE_2.search(criterion)
        and not _TYPE_1.search(criterion)
        and (_TYPE_1.search(words) and not _TYPE_2.search(words))
    ):
        return "type 2 diabetes"
    return None


def comorbidity(c: Comorbidity, p: Patient) -> Judgement:
    if c.condition == "unresolved_toxicity" and (graded := _graded_toxicity(c, p)) is not None:
        return graded
    if c.condition in _NOT_IN_PROFILE:
        label = _NOT_IN_PROFILE[c.condition]
        return unknown(f"{label}: not recorded in the profile", label)
    if c.condition == "serious_illness":
        return _serious_illness(c, p)
    wanted = _wanted(c)
    if not wanted:
        words = c.condition.replace("_", " ")
        return unknown(f"{words}: not a condition trialmatch can check from the profile", words)
    label = " or ".join(sorted(comorbidities.label(w) for w in wanted))
    if p.conditions is None:
        return unknown(f"comorbidities not given ({label})", label)
    hits = {cid: words for cid, words in p.conditions.items() if cid in wanted}
    if not hits:
        near = {r for w in wanted for r in comorbidities.related(w)}
        kin = [words for cid, words in p.conditions.items() if cid in near]
        if kin:
            return unknown(
                f"{kin[0]}: whether the criterion's {label} covers it is for the investigator",
                f"whether {label} includes the patient's condition",
            )
        return not_met(f"no {label} among the patient's conditions")
    words = next(iter(hits.values()))
    for virus in sorted(hits.keys() & _VIRAL):
        if (treated := serology.treatment_accepted(_sentence_of(c), hits[virus])) is not None:
            return treated
    if "hepatitis_b" in hits:
        serology_read = serology.hepatitis_b(
            _said_of(c, wanted), _sentence_of(c), hits["hepatitis_b"], c.text
        )
        if serology_read is not None:
            return serology_read
    if "hepatitis_c" in hits:
        sentence = _sentence_of(c)
        evidence_end = sentence.lower().find((c.evidence or "").lower()) + len(c.evidence or "")
        cured = serology.hepatitis_c(
            _said_of(c, wanted), sentence[: max(evidence_end, 0)], hits["hepatitis_c"]
        )
        if cured is not None:
            return cured
    if wanted & _VIRAL and (viral := _viral_load(c, words, label, wanted)) is not None:
        return viral
    if "other_malignancy" in hits and (kind := _cancer_kind(c, words)) is not None:
        return kind
    graded = _grade_compared(c, words)
    if graded is not None and graded.result is Result.NOT_MET:
        return graded  # "grade > 1 neuropathy (except ...)": a grade 1 neuropathy is not counted
    for exception in c.exceptions:
        if _excepted(words, exception, c.condition):
            return not_met(f"{words}: covered by the criterion's exception ({exception})")
    named = _named_forms(next(iter(hits)), c)
    theirs = comorbidities.forms(next(iter(hits)), words) or frozenset()
    if named is not None and comorbidities.other_kind(next(iter(hits)), named, theirs):
        return not_met(f"{words}: not {_form_words(c)}, which the criterion names, nor of its kind")
    if named is not None and not named & theirs:
        return unknown(
            f"{words}: the criterion names {_form_words(c)}; whether this counts is for "
            "the investigator",
            f"{label} (which kind)",
        )
    if (
        c.exceptions
        and not any(_STATE_EXCEPTION.search(e) for e in c.exceptions)
        and all(_follows(c, e) for e in c.exceptions)
    ):
        # "other malignancy except basal cell skin cancer or cervical CIS": a list of kinds,
        # and the patient's is not among them
        return met(f"{words}: not among the criterion's exceptions ({'; '.join(c.exceptions)})")
    if c.exceptions:
        return unknown(f"{words}; the criterion has exceptions ({'; '.join(c.exceptions)})", label)
    sentence = causes.sentence_at(c.text, max(_evidence_at(c), 0))
    if (reading := causes.by_cause(sentence, words, wanted, c.evidence or "")) is not None:
        return _judged_by_cause(c, reading, words, label, hits)
    if c.within_years is not None:
        return _within_years(c.within_years, words, label, p)
    if comorbidities.only_suggested(next(iter(hits)), words, c.evidence or c.text):
        return unknown(
            f"{words}: a sign of {label}, not a diagnosis of it; whether it counts is for the "
            "investigator",
            label,
        )
    if "diabetes" in hits and (other := _other_diabetes_type(_near_evidence(c), words)):
        return not_met(f"{words}: the criterion names {other}")
    graded = _grade_compared(c, words)
    if graded is not None:
        return graded
    said = _said_of(c, wanted)
    if "diabetes" in hits and (control := _diabetes_control(said, words, p)) is not None:
        return control
    if "renal_disease" in hits and (stage := _kidney_stage(c, words)) is not None:
        return stage
    return _qualified(c, said, words, label, hits)


def _qualified(
    c: Comorbidity, said: str, words: str, label: str, hits: dict[str, str]
) -> Judgement:
    """The patient's condition against the qualifier the item's words (`said`) put on it
    ("uncontrolled", "requiring steroids"): met when there is none."""
    qualifier = _QUALIFIED.search(said) or (
        None if _HISTORY.search(said) else _CURRENT.search(said)
    )
    if _DIALYSIS_ASKED.search(said):
        return _dialysis(words, label)
    if qualifier and _or_history(said, qualifier):
        qualifier = None  # "active or history of autoimmune disease": any, past or present
    if qualifier and _TREATED.fullmatch(qualifier.group(0)):
        # "pneumonitis that required steroids": only the patient's words about its treatment
        # settle it ("grade 2 pneumonitis, resolved" says nothing about steroids)
        return _treatment_qualifier(qualifier.group(0).lower(), words, label, said)
    affirmed = qualifier is not None and _affirms(qualifier.group(0), words)
    grade = _PATIENT_GRADE.search(words)
    if (
        qualifier
        and not affirmed
        and _SIGNIFICANT.fullmatch(qualifier.group(0))
        and grade is not None
        and int(grade.group(1)) >= 2
        and (not _RESOLVED.search(words) or _HISTORY.search(c.text))
    ):
        return met(
            f"{words}: grade {grade.group(1)} (CTCAE: symptomatic, medical intervention "
            f"indicated), which is '{qualifier.group(0).lower()}' as the criterion means it"
        )
    if qualifier and not affirmed and (example := _listed_example(said, qualifier, hits)):
        return met(f"{words}: {example}, one of the criterion's examples of what it counts")
    denied = _DENIES.search(words) or (
        _INSULIN_ASKED.search(qualifier.group(0)) and _NO_INSULIN.search(words)
        if qualifier
        else None
    )
    if qualifier and denied and not affirmed:
        asked = qualifier.group(0).lower()
        if asked.startswith("not "):  # "not under stable control"
            return not_met(f"{words}: the criterion counts it only when {asked}, which it is not")
        return not_met(f"{words}: not {asked}, which is what the criterion is about")
    if qualifier and not affirmed:
        return unknown(
            f"{words}: the criterion is about {label} that is {qualifier.group(0).lower()}; "
            "the profile does not say",
            f"{label} severity",
        )
    return met(words)


#: A qualifier about insulin ("requiring insulin", "insulin-dependent"), which an entry naming
#: only oral agents denies; "on metformin" says nothing of how well diabetes is controlled.
_INSULIN_ASKED = re.compile(r"insulin", re.I)
_NO_INSULIN = re.compile(
    r"no insulin|without insulin|oral (?:agents?|therapy|medication|antidiabetic)|metformin", re.I
)
#: A qualifier about control ("poorly controlled", "uncontrolled"), which HbA1c answers.
_CONTROL_ASKED = re.compile(r"uncontrolled|poorly controlled|not (?:well[- ])?controlled", re.I)
#: HbA1c at or above which diabetes counts as uncontrolled, and below which as controlled
#: (trials that give a number use 7-8%; between the two the criterion's own limit decides).
_HBA1C_UNCONTROLLED, _HBA1C_CONTROLLED = 8.0, 7.0


_CKD_STAGE = re.compile(r"\b(?:CKD\s*|stage\s*)(?P<n>[1-5]|I{1,3}V?|IV|V)(?P<sub>[ab])?\b", re.I)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}
#: What a kidney criterion names beyond kidney disease: its last stages or failure.
_KIDNEY_END = re.compile(
    r"\b(?:end[- ]stage|ESRD|ESKD|(?:renal|kidney)\s+failure|dialysis)\b", re.IGNORECASE
)


def _ckd_stage(text: str) -> int | None:
    found = _CKD_STAGE.search(text)
    if found is None:
        return None
    n = found.group("n").lower()
    return int(n) if n.isdigit() else _ROMAN.get(n)


def _kidney_stage(c: Comorbidity, words: str) -> Judgement | None:
    """'Stage 4 or 5 chronic kidney disease', 'kidney failure' against 'CKD stage 3b': an
    earlier stage is not the one named; kidney failure is for the investigator."""
    theirs = _ckd_stage(words)
    if theirs is None or theirs >= 4:
        return None
    near = _beside_evidence(c, max(_evidence_at(c), 0))
    asked = _ckd_stage(near)
    if asked is not None and asked > theirs:
        return not_met(f"{words}: an earlier stage than the stage {asked} the criterion names")
    if _KIDNEY_END.search(near) and not _DIALYSIS_ASKED.search(c.text):  # (dialysis: below)
        return unknown(
            f"{words}: whether this is the kidney failure the criterion names is for the "
            "investigator",
            "whether the kidney disease is kidney failure",
        )
    return None


def _diabetes_control(said: str, words: str, p: Patient) -> Judgement | None:
    """'Poorly controlled diabetes' against the patient's HbA1c, when the profile gives it."""
    asked = _CONTROL_ASKED.search(said)
    value = (p.profile.labs or {}).get("hba1c")
    if asked is None or value is None:
        return None
    wanted = asked.group(0).lower()
    if value >= _HBA1C_UNCONTROLLED:
        return met(f"{words}; HbA1c {value:g}%: {wanted} by the usual limit (8%)")
    if value < _HBA1C_CONTROLLED:
        return not_met(f"{words}; HbA1c {value:g}%: controlled, not {wanted}")
    return unknown(
        f"{words}; HbA1c {value:g}%: whether this is {wanted} is for the investigator",
        "whether the diabetes is controlled",
    )


_GRADE_QUALIFIER = re.compile(r"grade|≥", re.I)
#: Qualifiers a CTCAE grade of 2 or more answers ("radiation pneumonitis of clinical
#: significance, that is limiting daily activities or needing treatment"): grade 2 is
#: symptomatic, needs medical intervention and limits daily life.
_SIGNIFICANT = re.compile(r"significant|symptomatic|clinically (?:important|relevant)", re.I)


def _judged_by_cause(
    c: Comorbidity, reading: causes.ByCause, words: str, label: str, hits: dict[str, str]
) -> Judgement:
    """An item whose elements give the condition's cause (see `matcher.judges.causes`): the
    elements naming the entry's cause decide with their own qualifiers ("radiation pneumonitis
    which required steroids"), and so do the qualified ones naming no cause ("or any evidence of
    clinically active ILD"); when none names the entry's cause, the elements naming none decide
    ("history of ILD" for an ILD of no stated cause); an item naming only other causes does not
    count the entry."""
    if reading.own or reading.plain:
        judged = [_qualified(c, element, words, label, hits) for element in reading.own]
        judged += [
            _qualified(c, element, words, label, hits)
            for element in reading.plain
            # beside elements of its cause, a plain unqualified one ("history of ILD") is about
            # the condition without a cause; with none of them, it is about this entry
            if _QUALIFIED.search(element) or not reading.own
        ]
        for result in (Result.MET, Result.UNKNOWN):
            if found := next((j for j in judged if j.result is result), None):
                return found
        return judged[0]
    named = reading.named.describe() if reading.named else "another cause"
    if reading.theirs is not None and reading.theirs.kinds:
        return not_met(
            f"{words}: from {reading.theirs.describe()}, not from {named}, which the criterion "
            "names"
        )
    return unknown(
        f"{words}: the criterion counts {label} from {named}; the entry does not give the cause",
        f"{label} (its cause)",
    )


def _listed_example(said: str, qualifier: re.Match[str], hits: dict[str, str]) -> str | None:
    """The form of the patient's condition that a qualified item lists among its examples
    ("clinically important abnormalities in rhythm or conduction, e.g. third degree heart block"
    for "pacemaker for complete heart block"): the item counts that form as it stands."""
    opening = _EXAMPLES.search(said, qualifier.end())
    if opening is None:
        return None
    examples = said[opening.end() :]
    for condition, words in hits.items():
        listed = comorbidities.forms(condition, examples)
        theirs = comorbidities.forms(condition, words)
        if listed and theirs and listed & theirs:
            shared = min(listed & theirs, key=len)
            found = re.search(f"(?<![A-Za-z]){shared}", examples, re.I)
            return found.group(0) if found else None
    return None


#: Infections a trial counts by whether the virus is replicating.
_VIRAL = frozenset({"hepatitis_b", "hepatitis_c", "hiv"})
#: An item that counts the infection only when the virus replicates or is not controlled:
#: "HBsAg positive with HBV DNA above 500 IU/mL", "detectable viral load", "hepatitis B ...
#: that is not controlled with treatment" (a clause after the list, about all of it).
_REPLICATING = re.compile(
    r"\b(?P<nucleic>DNA|RNA)\b|viral load|\btit(?:er|re)s?\b|\bPCR\b|\bcopies\b|\bIU\s*/\s*m[lL]\b"
    r"|replicat\w*|\b(?:that|which)\s+(?:is|are|remains?)\s+(?:\w+\s+){0,2}?(?:unstable"
    r"|uncontrolled|not (?:well[- ])?controlled|active)\b",
    re.I,
)
#: A patient's words that say the virus is suppressed: "HBV DNA undetectable", "viral load
#: not detected", "hepatitis C, SVR after sofosbuvir", "cured".
_SUPPRESSED = re.compile(
    r"\b(?:DNA|RNA|viral load|PCR|tit(?:er|re))\b[^,;]{0,20}?\b(?:undetectable|negative"
    r"|not detected|suppressed|below)|\bundetectable\b[^,;]{0,15}?\b(?:DNA|RNA|viral load)"
    r"|\bSVR\d*\b|sustained virolog\w* response|\bcured\b|\bcleared\b",
    re.I,
)
#: ... and words that say it replicates: "HBV DNA 3000 IU/mL", "detectable viral load".
_REPLICATES = re.compile(
    r"\b(?:DNA|RNA|viral load)\b[^,;]{0,20}?(?:\bdetectable|\bpositive|\d)|(?<!un)detectable"
    r"|\bactive\b|uncontrolled|not controlled|viraemi|viremi",
    re.I,
)


#: "(hepatitis B, hepatitis C or HIV) that is unstable or not controlled with treatment": a
#: clause after the list, about every infection in it.
_CLAUSE_ON_ALL = re.compile(
    r"\b(?:that|which)\s+(?:is|are|remains?)\s+(?:\w+\s+){0,2}?(?:unstable|uncontrolled"
    r"|not (?:well[- ])?controlled|active)\b",
    re.I,
)


def _viral_load(c: Comorbidity, words: str, label: str, wanted: frozenset[str]) -> Judgement | None:
    """A viral infection the item counts only when it replicates or is not controlled: the
    patient's words on the virus settle it ("chronic hepatitis B on entecavir, HBV DNA
    undetectable" is not "HBsAg positive with HBV DNA >= 2000 IU/mL")."""
    genome = "DNA" if c.condition == "hepatitis_b" else "RNA"  # "HCV RNA" is not about HBV
    # the words of this infection's own list element ("... hepatitis C (HCV RNA positive) or
    # HIV antibody-positive": the RNA is hepatitis C's), and the item's clause after the list
    said = " ".join([_said_of(c, wanted), *(m.group(0) for m in _CLAUSE_ON_ALL.finditer(c.text))])
    asked = next(
        (m for m in _REPLICATING.finditer(said) if m.group("nucleic") in {None, genome}), None
    )
    if asked is None:
        return None
    if _SUPPRESSED.search(words) and not _UNDETECTABLE_ASKED.search(said):
        return not_met(f"{words}: the virus is suppressed; the criterion counts {label} "
                       f"only with '{asked.group(0)}'")  # fmt: skip
    if _REPLICATES.search(words):
        return None
    return unknown(
        f"{words}: the criterion counts {label} only with '{asked.group(0)}'; the profile "
        "does not give the viral load",
        f"{label} viral load",
    )


#: "... even with undetectable HBV DNA": an item that counts a suppressed virus too.
_UNDETECTABLE_ASKED = re.compile(
    r"\b(?:even|including|regardless)\b[^.;]{0,30}\b(?:undetectable|suppressed|negative)", re.I
)


#: "renal failure requiring (hemo)dialysis", "on dialysis", "end-stage renal disease": kidney
#: disease that needs dialysis, which a milder stage does not.
_DIALYSIS_ASKED = re.compile(
    r"(?:requir|need|undergo)\w*\s+(?:[\w-]+\s+){0,2}?(?:ha?emo|peritoneal\s+)?dialysis"
    r"|\bon\s+(?:[\w-]+\s+)?dialysis|dialysis[- ]dependent|end[- ]stage (?:renal|kidney)"
    r"|\bES[RK]D\b",
    re.I,
)
_ON_DIALYSIS = re.compile(r"dialysis|end[- ]stage (?:renal|kidney)|\bES[RK]D\b", re.I)
_NO_DIALYSIS = re.compile(
    r"\b(?:no|not on|not requiring|without|never (?:on|needed|required))\s+(?:\w+\s+)?dialysis"
    r"|\bpre-?dialysis",
    re.I,
)
#: "CKD stage 3a", "chronic kidney disease stage 4", "CKD 2".
_KIDNEY_STAGE = re.compile(r"\b(?:CKD|stage)\s*(?:stage\s*)?([1-5])\s*[ab]?\b", re.I)


def _dialysis(words: str, label: str) -> Judgement:
    """Kidney disease the criterion counts only when it needs dialysis."""
    if _ON_DIALYSIS.search(words) and not _NO_DIALYSIS.search(words):
        return met(f"{words}: on dialysis, as the criterion says")
    if _NO_DIALYSIS.search(words):
        return not_met(f"{words}: no dialysis, which is what the criterion is about")
    stage = _KIDNEY_STAGE.search(words)
    if stage and int(stage.group(1)) < 5:
        return not_met(
            f"{words}: {stage.group(0).strip()}, short of the kidney failure that needs dialysis, "
            "which is what the criterion is about"
        )
    return unknown(
        f"{words}: the criterion is about {label} needing dialysis; the profile does not say",
        f"{label} (whether dialysis is needed)",
    )


#: "active or history of", "current or prior", "history of or active": a qualifier that is one
#: of two ways to have the condition, the other being to have had it.
#: "active or history of", "active/chronic": the qualifier is one of two ways the condition
#: counts, and the other takes any lasting or past case.
_OR_PAST_AFTER = re.compile(
    r"\s*,?\s*(?:or|and/or|/)\s*(?:(?:a|any|known|documented)\s+)*"
    r"(?:history|prior|past|previous|chronic)\b",
    re.I,
)
_OR_PAST_BEFORE = re.compile(
    r"\b(?:history|prior|past|previous|chronic)(?:\s+of)?\s*,?\s*(?:or|and/or|/)\s*$", re.I
)


def _or_history(said: str, qualifier: re.Match[str]) -> bool:
    return bool(
        _OR_PAST_AFTER.match(said, qualifier.end())
        or _OR_PAST_BEFORE.search(said[: qualifier.start()])
    )


def _affirms(qualifier: str, words: str) -> bool:
    """Whether the patient's words say the condition is as the criterion qualifies it: a grade
    answers a grade ("grade 2 neuropathy" for "grade 2-4 neuropathy"), not "active"; words on
    treatment answer a treatment ("on insulin" for "requiring insulin"), not "uncontrolled"."""
    grade_asked = _GRADE_QUALIFIER.match(qualifier) is not None
    treatment_asked = _TREATMENT_QUALIFIER.search(qualifier) is not None
    return any(
        (grade_asked or not _GRADE_QUALIFIER.match(found.group(0)))
        and (_TREATMENT_QUALIFIER.search(found.group(0)) is not None) == treatment_asked
        for found in _QUALIFIED.finditer(words)
    )


#: A qualifier about treatment rather than severity: "requiring insulin", "on insulin",
#: "insulin-dependent", "needing steroids".
_TREATMENT_QUALIFIER = re.compile(r"insulin|\brequir|\bneed", re.I)


#: A year written in a condition entry ("prostate cancer treated in 2019").
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-9]\d)\b")


def _within_years(years: float, words: str, label: str, p: Patient) -> Judgement:
    """'Other malignancy within 5 years': the latest year the patient's entry names settles it
    (the condition is at least that old, and no older than the end of that year)."""
    written = [int(y) for y in _YEAR.findall(words) if int(y) <= p.as_of.year]
    if not written:
        return unknown(
            f"{words}; whether it was within {years:g} years is not given", f"{label} dates"
        )
    latest = max(written)
    if p.as_of.year - latest > years:
        return not_met(f"{words}: {latest}, more than {years:g} years ago")
    if p.as_of.year - (latest + 1) < years:
        return met(f"{words}: {latest}, within {years:g} years")
    return unknown(f"{words}; {latest} is about {years:g} years ago", f"{label} dates")


def _treatment_qualifier(qualifier: str, words: str, label: str, said: str) -> Judgement:
    """A condition that needs ("requiring treatment") or needed ("that required steroids",
    "a history of ILD requiring steroids") treatment: a condition that is over denies the first,
    not the second. Steroids for a condition are a past course unless the item says current
    ("current pneumonitis requiring steroids"): a resolved one may have needed them."""
    if (_TAKES.search(words) and not _UNTREATED.search(words)) or _TREATED_WITH.search(words):
        return met(f"{words}: treated, as the criterion's '{qualifier}' says")
    needed = (
        qualifier.startswith(("required", "needed"))
        or _HISTORY.search(said) is not None
        or (re.search(_STEROIDS, qualifier, re.I) is not None and not _NOW.search(said))
    )
    if _NO_TREATMENT.search(words) or (not needed and _DENIES.search(words)):
        return not_met(f"{words}: not {qualifier}, which is what the criterion is about")
    return unknown(
        f"{words}: the criterion is about {label} {qualifier}; the profile does not say",
        f"{label} treatment",
    )


#: An item's words that put the condition in the present: "current ILD requiring steroids".
_NOW = re.compile(r"\b(?:current(?:ly)?|active|ongoing|present)\b", re.I)
#: "resolved with steroids", "treated with prednisone", "managed with insulin".
_TREATED_WITH = re.compile(
    r"\b(?:resolved|recovered|improved|treated|managed|controlled|settled)\s+(?:with|on|after|using)"
    r"\s+(?!no\b)(?:\w+\s+)?(?:(?:gluco)?cortico|steroid|prednis|dexameth|methylpred|hydrocort"
    r"|insulin|medication|treatment|therapy|drugs?)",
    re.I,
)
#: A patient's words that say a condition needs or needed no treatment ("resolved" does not:
#: it may have needed steroids to resolve).
_NO_TREATMENT = re.compile(
    r"\b(?:no|without|off|not on|never (?:on|needed|required))\s+(?:\w+\s+)?(?:medication"
    r"|treatment|therapy|insulin|drugs?|steroids?)|diet[- ](?:controlled|alone|only)|untreated",
    re.I,
)
#: An entry of the condition list that says the condition is over ("grade 3 stomatitis,
#: resolved"): a toxicity that is no longer there.
_RESOLVED = re.compile(
    r"(?<!not )(?<!never )(?<!not fully )\b(?:resolved|recovered|healed|cleared)\b", re.I
)


#: List elements after a condition, and the end of its sentence.
_ELEMENT = re.compile(r"[,]|\bor\b|\band\b|\bwith the exception\b|\bexcept\b", re.I)
_SENTENCE = re.compile(r"[;.](?:\s|$)")
#: The words that open a list of examples: "such as", "including", "e.g.", "for example".
_EXAMPLES = re.compile(
    r"\b(?:such as|including|includes|e\.\s?g\.|eg\b,?|for example|for instance|in particular)",
    re.I,
)


def _sentence_of(c: Comorbidity) -> str:
    """The sentence of the item that holds the condition's own words."""
    at = max(_evidence_at(c), 0)
    starts = [0, *(m.end() for m in _SENTENCE.finditer(c.text) if m.end() <= at)]
    end = _SENTENCE.search(c.text, at)
    return c.text[starts[-1] : end.start() if end else len(c.text)]


_RELATIVE_QUALIFIER = re.compile(
    r"\b(?:which|that)\s+(?:\w+\s+)?(?:required|requires?|requiring|needs?|needed)\b", re.I
)


def _said_of(c: Comorbidity, wanted: frozenset[str]) -> str:
    """The words that qualify one condition of an item: those before it, and after it its own
    list element and the following ones that name the same condition. "Known
    HIV infection, or active hepatitis B": "active" is about hepatitis, not about HIV; "type 1
    diabetes, or type 2 diabetes that needs insulin" is about diabetes throughout."""
    evidence = c.evidence or ""
    at = c.text.find(evidence) if evidence else -1
    if at < 0:
        return f"{c.text} {evidence}"
    head = c.text[:at]  # an item's opening qualifier governs its notes ("significant ...")
    if comorbidities.condition_ids(head) - wanted:
        # "Active hepatitis B or C, and/or known HIV": "active" is the hepatitis's, not HIV's;
        # but "Uncontrolled illness such as diabetes or hypertension": the list's opening
        # qualifier is every example's
        sentence = head[max((m.end() for m in _SENTENCE.finditer(head)), default=0) :]
        opening = list(_EXAMPLES.finditer(sentence))
        lead = sentence[: opening[-1].end()] + " " if opening else ""
        elements = list(_ELEMENT.finditer(head))
        if elements:
            head = lead + head[elements[-1].end() :]
    tail = c.text[at + len(evidence) :]
    end = _SENTENCE.search(tail)
    tail = tail[: end.start()] if end else tail
    starts = [m.start() for m in _ELEMENT.finditer(tail)] + [len(tail)]
    cut = starts[0]
    own_clause = False
    for start, stop in itertools.pairwise(starts):
        piece = _ELEMENT.sub(" ", tail[start:stop]).strip()
        if piece and not comorbidities.condition_ids(piece) & wanted:
            break
        if _RELATIVE_QUALIFIER.search(piece):
            # "ILD, drug-induced ILD, radiation pneumonitis which required steroids": the
            # relative clause is about the element it closes, not the ones before it
            own_clause = True
            break
        cut = stop
    if not own_clause and tail[:cut].count("(") > tail[:cut].count(")"):
        # a bracket opened in its element goes on about it: "Hepatitis B (HBsAg and/or HBcAb
        # positive with HBV DNA >= 2000 IU/mL)"; not a relative clause of a later example
        # in it ("ILD (e.g., ..., radiation pneumonitis which needs steroids)")
        closing = tail.find(")", cut)
        closing = closing if closing >= 0 else len(tail)
        if not _RELATIVE_QUALIFIER.search(tail, cut, closing):
            cut = closing + 1
    return head + evidence + tail[:cut]


#: The highest grade of toxicity a criterion lets stay: "recovered to <= grade 1", "grade 1 or
#: less", "grade 0 to 1", "grade less than or equal to (</=) 1" (that grade); "> grade 2",
#: "grade > 2" (that grade); ">= grade 2", "grade 2 or higher" (one less).
#: "grade 0 to 1", "grade 0-1": the range that may stay ("grade 2-4 toxicity" counts, not lets).
_GRADE_SPAN = re.compile(r"\bgrades?\s*0\s*(?:to|[-–]|or)\s*([1-4])\b", re.I)
_AT_MOST_WORDS = (
    r"(?:<=|≤|=<|</=|at most|less than or equal to|no (?:more|greater|higher|worse) than)"
    r"(?:\s*\(\s*(?:<=|≤|</=)\s*\))?"
)
_GRADE_AT_MOST = re.compile(
    r"(?:" + _AT_MOST_WORDS + r"|\bto)\s*(?:ctcae\s+)?grade\s*([0-4])"
    r"|grade\s*([0-4])\s*or (?:less|lower|below|better)"
    r"|grade\s*" + _AT_MOST_WORDS + r"\s*([0-4])",
    re.I,
)
_GRADE_ABOVE = re.compile(
    r"(?:>(?!=)|above|greater than|more than|worse than|over)\s*(?:grade\s*([0-4])"
    r"|([0-4])\s*grades?\b)"  # "over 1 grade of CTCAE"
    r"|grade\s*(?:>(?!=)|above|greater than|more than|worse than|over)\s*([0-4])",
    re.I,
)
_GRADE_FROM = re.compile(
    r"(?:>=|≥)\s*grade\s*([1-4])|grade\s*([1-4])\s*(?:or|and)\s*(?:higher|greater|above|more"
    r"|worse)|grade\s*(?:>=|≥)\s*([1-4])",
    re.I,
)
#: A grade named alone: "grade 1 peripheral neuropathy" (in an exception: that grade at most).
_GRADE_NAMED = re.compile(r"\bgrade\s*([0-4])\b", re.I)


def _allowed_grade(text: str, default: int | None = 1) -> int | None:
    if found := _GRADE_SPAN.search(text):
        return int(found.group(1))
    if found := _GRADE_AT_MOST.search(text):
        return int(next(g for g in found.groups() if g))
    if found := _GRADE_ABOVE.search(text):
        return int(next(g for g in found.groups() if g))
    if found := _GRADE_FROM.search(text):
        return int(next(g for g in found.groups() if g)) - 1
    return default


#: The parts of an exception that name one toxicity each: "alopecia and Grade 1 peripheral
#: neuropathy" (an "or" before a number joins grades: "grade 1 or 2 neuropathy").
_EXCEPTION_PART = re.compile(r"[,;()]|\band\b|\bor\b(?!\s*\d)", re.I)


def _exception_covers(words: str, exception: str, grade: int) -> bool:
    """Whether an exception lets this toxicity stay at this grade: it must name the toxicity,
    and the grade it names with it, if any ("except Grade 1 peripheral neuropathy": not a grade
    2 one; "except alopecia or peripheral neuropathy": any grade)."""
    for part in _EXCEPTION_PART.split(exception):
        if not _excepted(words, part):
            continue
        cap = _allowed_grade(part, default=None)
        if cap is None and (named := _GRADE_NAMED.search(part)):
            cap = int(named.group(1))
        if cap is None or grade <= cap:
            return True
    return False


def _toxicity_cause(text: str) -> tuple[str, re.Pattern[str]] | None:
    """The one therapy an item ties its toxicities to, with the words that name it as the cause
    in a condition entry: radiotherapy ("recovered from the acute effects of palliative
    radiotherapy"), or corticosteroids ("received systemic corticosteroids within 2 weeks and
    not recovered from side effects of such treatment"). None: any therapy."""
    if _RADIATION_TOXICITY.search(text):
        return "radiotherapy", _RADIATION_WORDS
    if _OTHER_THERAPY.search(text):
        return None
    if _RADIATION_WORDS.search(text):
        return "radiotherapy", _RADIATION_WORDS
    if _STEROID_WORDS.search(text):
        return "corticosteroids", _STEROID_CAUSE
    return None


def _graded_toxicity(c: Comorbidity, p: Patient) -> Judgement | None:
    """An unresolved toxicity the condition list states with its grade ("grade 2 peripheral
    neuropathy"): above the grade the criterion lets stay, and not let stay by its exception,
    it is there. An item about acute toxicities, or one the investigator may deem stable,
    leaves it to the investigator. Silence settles nothing (mild toxicities are seldom listed),
    so only a graded entry decides."""
    if not p.profile.conditions:
        return None
    own = c.text
    for exception in c.exceptions:
        own = own.replace(exception, " ")  # "except Grade 1 neuropathy" is no threshold
    limit = _allowed_grade(own)
    cause = _toxicity_cause(own)
    within: list[str] = []  #: graded entries that are resolved or within the limit
    excepted: list[str] = []  #: graded entries the exception lets stay
    other_cause: list[str] = []  #: graded entries of another cause than the one named
    open_: list[str] = []  #: above the limit, but the item leaves room
    for words in p.profile.conditions:
        graded = _PATIENT_GRADE.search(words)
        if graded is None:
            continue
        grade = int(graded.group(1))
        if cause is not None and not cause[1].search(words):
            other_cause.append(words)  # "radiation-related toxicities": not a drug's oedema
            continue
        if grade <= limit or _RESOLVED.search(words):
            within.append(words)  # "grade 3 stomatitis, resolved": at most grade 0 now
            continue
        if any(_exception_covers(words, exception, grade) for exception in c.exceptions):
            excepted.append(words)  # "except peripheral neuropathy"
            continue
        if _ACUTE.search(own) or _INVESTIGATOR_STABLE.search(own):
            open_.append(words)
            continue
        return met(f"{words}: above grade {limit}, the most the criterion lets stay")
    if open_:
        why = (
            "may be deemed stable by the investigator, as the criterion allows"
            if _INVESTIGATOR_STABLE.search(own)
            else "the criterion is about acute toxicities; whether this one still counts as "
            "acute is for the investigator"
        )
        return unknown(
            f"{'; '.join(open_)}: above grade {limit}, but {why}",
            "whether the toxicity counts",
        )
    said = []
    if within:
        said.append(f"{'; '.join(within)}: none above grade {limit} now")
    if excepted:
        said.append(f"{'; '.join(excepted)}: let stay by the criterion's exception "
                    f"({'; '.join(c.exceptions)})")  # fmt: skip
    if other_cause and cause is not None:
        said.append(f"{'; '.join(other_cause)}: not from {cause[0]}, which the criterion names")
    if said:
        # the complete condition list records the toxicities, each resolved, mild enough,
        # excepted or of another cause
        return not_met("; ".join(said))
    return None


#: Toxicities the criterion ties to radiotherapy: "radiation-related toxicities", "toxicity from
#: prior radiotherapy" (a graded entry from another cause does not meet it).
_RADIATION_TOXICITY = re.compile(
    r"\b(?:radiation|radiotherapy|irradiation|chemoradi\w*)[- ](?:related|induced|associated)"
    r"|\b(?:toxicit\w*|adverse\s+(?:events?|effects?)|AEs?)\s+(?:\w+\s+){0,2}?(?:from|of|due\s+to"
    r"|related\s+to|caused\s+by)\s+(?:the\s+|any\s+)?(?:prior\s+|previous\s+|earlier\s+)?"
    r"(?:radiation|radiotherapy|irradiation|chemoradi\w*)",
    re.IGNORECASE,
)
_RADIATION_WORDS = re.compile(r"radiation|radiotherapy|irradiat|chemoradi", re.I)
#: Therapies other than radiotherapy or steroids that an item's toxicities may come from.
_OTHER_THERAPY = re.compile(
    r"chemo(?!radi)|anti-?\s?(?:cancer|tumou?r|neoplastic|estrogen|oestrogen|hormon)"
    r"|therapies for cancer|cancer (?:therap|treat)|endocrine|hormonal|immunotherap|targeted"
    r"|investigational|surg|operation|aromatase|inhibitor|antibod|systemic (?:therap|treat)",
    re.I,
)
_STEROID_WORDS = re.compile(r"\b(?:cortico)?steroid", re.I)
#: A condition entry that names a steroid as its cause: "steroid-induced hyperglycaemia",
#: "myopathy from dexamethasone" (not "pneumonitis treated with prednisone").
_STEROID_CAUSE = re.compile(
    r"(?:steroid|prednis\w*|dexameth\w*|hydrocort\w*)[- ](?:induced|related|associated)"
    r"|\b(?:from|due to|caused by|related to|induced by|secondary to)\s+(?:\w+\s+){0,2}?"
    r"(?:(?:cortico)?steroid|prednis|dexameth|methylpred|hydrocort)",
    re.I,
)
#: An item about acute toxicities only ("acute treatment-related toxicity", "the acute effects
#: of therapy"): a lasting one (a neuropathy years after a taxane) may not be what it means.
_ACUTE = re.compile(r"\bacute\b", re.I)
#: An item that lets the investigator keep a toxicity that is stable: "or be deemed stable by
#: the Investigator", "unless considered irreversible".
_INVESTIGATOR_STABLE = re.compile(
    r"\b(?:deemed|considered|judged|assessed)\s+(?:to\s+be\s+)?(?:\w+\s+)?(?:stable|irreversible"
    r"|not clinically significant)|\bstable\b[^.;]{0,40}\binvestigator",
    re.I,
)


def _serious_illness(c: Comorbidity, p: Patient) -> Judgement:
    """'Serious uncontrolled illness': the complete condition list settles it unless an entry
    says it is serious or uncontrolled. An item that names an organ ("significant cardiovascular
    disease") counts only the patient's conditions of that organ."""
    if p.profile.conditions is None:
        return unknown("comorbidities not given (serious uncontrolled illness)", "comorbidities")
    evidence = c.evidence or ""
    organs = frozenset() if _ANY_ORGAN.search(evidence) else comorbidities.organ_ids(evidence)
    entries = p.profile.conditions
    what = "serious or uncontrolled illness"
    if organs:
        covered = comorbidities.organ_covers(organs)
        entries = [
            text
            for text in entries
            if comorbidities.organ_ids(text) & organs or comorbidities.condition_ids(text) & covered
        ]
        names = " or ".join(sorted(comorbidities.organ_label(o) for o in organs))
        what = f"serious or uncontrolled illness of the {names}"
        if not entries:
            listed = "; ".join(p.profile.conditions) or "none"
            return not_met(f"no illness of the {names} among the patient's conditions ({listed})")
    serious = [text for text in entries if _SERIOUS.search(text)]
    if serious:
        return met(f"{'; '.join(serious)}")
    listed = "; ".join(entries) or "none"
    return not_met(f"no {what} among the patient's conditions ({listed})")
