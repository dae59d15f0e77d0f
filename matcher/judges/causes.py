"""The cause an item gives a condition ("radiation pneumonitis", "ILD related to EGFR TKI use",
"COVID-19-related pneumonitis") against the cause a patient's entry gives it.

An item may list several forms of one condition, each with its cause and its own qualifier
("past ILD, drug-induced ILD, or radiation pneumonitis which needed steroids").
When an entry names its cause, the elements that name the same cause are the ones about it;
elements naming another cause are not; and when every element names a cause the entry does not
give, whether the item counts the entry is open.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from criteria import lexicon
from matcher import conditions as comorbidities

RADIATION = "radiotherapy"
INFECTION = "COVID-19"
DRUG = "a drug"

_RADIATION = re.compile(
    r"\bradiation\b|\bradiotherap\w*|\birradiat\w*|\bradiogenic\b|chemoradi\w*|\bradiation-", re.I
)
_COVID = re.compile(r"\bCOVID|\bSARS-?CoV|\bcoronavirus", re.I)
#: Words that name a medicine as the cause, without naming which.
_ANY_DRUG = re.compile(
    r"\bdrug[- ](?:induced|related|associated)|\bmedication[- ]induced|\bimmune[- ]related\b"
    r"|\birAEs?\b",
    re.I,
)
#: "treatment-related pneumonitis": a drug or radiotherapy.
_ANY_TREATMENT = re.compile(
    r"\b(?:treatment|therapy|therapeutic)[- ](?:induced|related|associated)", re.I
)


@dataclass(frozen=True, slots=True)
class Cause:
    """What a text gives as the cause: kinds (radiotherapy, a drug, COVID-19) and, for drugs,
    the drugs or drug classes it names (empty: any drug)."""

    kinds: frozenset[str]
    drugs: frozenset[str] = frozenset()
    classes: frozenset[str] = frozenset()

    def agrees(self, other: Cause) -> bool:
        shared = self.kinds & other.kinds
        if shared - {DRUG}:
            return True
        if DRUG not in shared:
            return False
        if not (self.drugs or self.classes) or not (other.drugs or other.classes):
            return True  # "drug-induced ILD": any drug
        return _drugs_agree(self, other) or _drugs_agree(other, self)

    def describe(self) -> str:
        named = sorted([*self.drugs, *(lexicon.class_label(k) for k in self.classes)])
        kinds = sorted(self.kinds - {DRUG}) + ([" or ".join(named) if named else DRUG]
                                                if DRUG in self.kinds else [])  # fmt: skip
        return " or ".join(k.replace("_", " ") for k in kinds)


def _drugs_agree(named: Cause, given: Cause) -> bool:
    """Whether the drugs an entry gives (`given`) are among those an item names (`named`)."""
    for drug in given.drugs:
        if drug in named.drugs or lexicon.drug_classes(drug) & named.classes:
            return True
    return bool(given.classes & named.classes)


#: Where words stop giving the cause and start giving the treatment: "radiation pneumonitis
#: which required steroids", "colitis from ipilimumab, resolved with steroids".
_TREATMENT_CLAUSE = re.compile(
    r"\b(?:which|that)\s+(?:\w+\s+)?(?:required|requires|needed|needs)\b|\b(?:requir|need)\w*\s"
    r"|\b(?:resolved|treated|managed|recovered|controlled|settled|improved)\b"
    r"|\b(?:with|without|on|no)\s+(?:\w+\s+)?(?:(?:gluco)?cortico|steroid|prednis|dexameth"
    r"|methylpred|hydrocort)",
    re.I,
)
#: Classes of medicines that treat a condition rather than cause it.
_TREATING = frozenset({"corticosteroid", "glucocorticoid"})


def cause_of(text: str) -> Cause:
    """The cause a text gives (nothing after its words on treatment counts)."""
    text = text[: found.start()] if (found := _TREATMENT_CLAUSE.search(text)) else text
    kinds: set[str] = set()
    drugs: set[str] = set()
    classes: set[str] = set()
    if _RADIATION.search(text):
        kinds.add(RADIATION)
    if _COVID.search(text):
        kinds.add(INFECTION)
    if _ANY_DRUG.search(text):
        kinds.add(DRUG)
    if _ANY_TREATMENT.search(text):
        kinds |= {DRUG, RADIATION}
    for mention in lexicon.find_drug_mentions(text):
        if mention.kind == "drug":
            if not lexicon.drug_classes(mention.id) & _TREATING:
                drugs.add(mention.id)
        elif (
            "radi" not in mention.id and mention.id not in _TREATING
        ):  # "radiotherapy" is named as a class of treatment
            classes.add(mention.id)
    if drugs or classes:
        kinds.add(DRUG)
    return Cause(frozenset(kinds), frozenset(drugs), frozenset(classes))


#: Where one element of a list ends, outside brackets.
_SEPARATOR = re.compile(r"[,;]|\b(?:and/or|or)\b", re.I)


def elements(sentence: str) -> list[str]:
    """The list elements of a sentence, split at commas, semicolons and 'or' outside brackets."""
    parts: list[str] = []
    depth = start = 0
    at = 0
    while at < len(sentence):
        char = sentence[at]
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        elif (
            depth == 0
            and (found := _SEPARATOR.match(sentence, at))
            and (at == 0 or not sentence[at - 1].isalnum() or not found.group(0)[0].isalpha())
        ):
            parts.append(sentence[start:at])
            start = at = found.end()
            continue
        at += 1
    parts.append(sentence[start:])
    return [part.strip() for part in parts if part.strip()]


_BRACKETED = re.compile(r"\([^()]*\)?|\[[^\[\]]*\]?")
#: A sentence's end (not the stop of "i.e." or "e.g.").
_SENTENCE_END = re.compile(r"(?<!\bi\.e)(?<!\be\.g)[;.](?:\s|$)", re.I)


def sentence_at(text: str, at: int) -> str:
    """The sentence of `text` that holds position `at`."""
    start = max((m.end() for m in _SENTENCE_END.finditer(text) if m.end() <= at), default=0)
    end = _SENTENCE_END.search(text, max(at, start))
    return text[start : end.start() if end else len(text)]


@dataclass(frozen=True, slots=True)
class ByCause:
    """How the causes in an item's elements read against a patient's entry: `own` are the
    elements that name the entry's cause, `plain` those that name no cause; `named` is the
    causes the item names when no element is about the entry's (nor names none)."""

    own: tuple[str, ...] = ()
    plain: tuple[str, ...] = ()
    named: Cause | None = None
    theirs: Cause | None = None


def by_cause(sentence: str, words: str, wanted: frozenset[str], evidence: str) -> ByCause | None:
    """None when no element of the sentence that names the condition names a cause (examples
    in brackets do not: "ILD (e.g., radiation pneumonitis)" is about any ILD)."""
    named = [
        (element, cause_of(_BRACKETED.sub(" ", element)))
        for element in elements(sentence)
        if comorbidities.condition_ids(element) & wanted
        or (evidence and evidence.lower() in element.lower())
    ]
    if not any(cause.kinds for _, cause in named):
        return None
    theirs = cause_of(words)
    own = tuple(element for element, cause in named if cause.kinds and cause.agrees(theirs))
    plain = tuple(element for element, cause in named if not cause.kinds)
    if own or plain:
        # elements naming no cause are about an entry that gives none, or another cause
        return ByCause(own=own, plain=plain, theirs=theirs)
    kinds = frozenset(k for _, cause in named for k in cause.kinds)
    drugs = frozenset(d for _, cause in named for d in cause.drugs)
    classes = frozenset(k for _, cause in named for k in cause.classes)
    return ByCause(named=Cause(kinds, drugs, classes), theirs=theirs)
