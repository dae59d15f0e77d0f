"""Exclusion items whose parts only apply together.

The parser reads an exclusion item into one criterion per thing it names, and each exclusion
criterion excludes on its own. That is right for lists ("HIV, hepatitis B or hepatitis C") but
wrong where some of the words only say whom the exclusion is about: in "prior chemotherapy for
metastatic breast cancer" or "patients with metastatic disease who received more than two
chemotherapy lines", being metastatic excludes nobody. A stage, cancer type, receptor state or
"measurable" that shares an exclusion item with something else is therefore read as a
qualifier: the item excludes only when every qualifier holds and one of the other parts does.

Where the qualifier is itself an alternative ("stage IV disease or current chemotherapy") the
reading is looser than the text (the trial is kept, never wrongly dropped); the phrasings that
say so outright are recognised and left as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from matcher.judgement import Judgement, all_of, any_of, not_applicable
from trialmatch.vocab import Kind, Result

#: Kinds that can restate the trial's population inside an exclusion item.
QUALIFIER_KINDS = frozenset(
    {Kind.DISEASE_STAGE, Kind.CANCER_TYPE, Kind.MEASURABLE_DISEASE, Kind.RECEPTOR}
)
#: Kinds that never make an item conjunctive (they never block).
_IGNORED = frozenset({Kind.ADMINISTRATIVE})
#: "Stage IV breast cancer or ...": the stage is an alternative, not a qualifier.
_ALTERNATIVE_AFTER = re.compile(
    r"^\s*(?:[\w/+-]+\s+){0,2}?(?:cancer|disease|carcinoma|tumou?rs?|malignanc\w*)?"
    r"\W{0,3}(?:and/)?or\b(?!\s+(?:[\w/+-]+\s+){0,2}?(?:hr|er|pr|her2|tnbc|triple)\b)",
    re.IGNORECASE,
)

#: A lab limit joined to the next by words that make both needed at once.
_TOGETHER_AFTER = re.compile(
    r"\s*,?\s*(?:(?:occurring\s+)?concurrent(?:ly)?\s+with|together\s+with|in\s+combination\s+with"
    r"|combined\s+with|accompanied\s+by|in\s+the\s+presence\s+of|with\s+(?=(?:a\s+)?(?:\w+\s+)?"
    r"(?:creatinine|clearance|crcl|egfr|bilirubin|ast|alt|platelets?|neutrophils?|anc)\b))",
    re.IGNORECASE,
)

#: Words between a condition and the lab limit that defines which cases count.
_CONDITION_DEFINED_BY = re.compile(
    r"(?:\bwith|\(|\bdefined\s+(?:as|by)|\bi\.?e\.?,?|\bas\s+(?:shown|evidenced)\s+by)\s*"
    r"(?:an?\s+|the\s+)?$",
    re.IGNORECASE,
)

_ONLY_WHOM = "this only says whom the exclusion is about"

_SENTENCE_END = re.compile(r"[.;]\s*(?=[A-Z][a-z]|\(|\d)|\n")


@dataclass(frozen=True, slots=True)
class Joined:
    """One conjunctive exclusion item: positions (in the trial's criteria) of its qualifiers and
    of its other parts."""

    qualifiers: tuple[int, ...]
    parts: tuple[int, ...]
    limited: str  #: the qualifiers' words ("metastatic"), for explanations
    kinds: tuple[str, ...] = ()  #: each qualifier's kind: those of one kind are alternatives


def joined_items(raw: Sequence[dict[str, Any]]) -> tuple[Joined, ...]:
    """The conjunctive exclusion items among a trial's criteria (as decoded from stored JSON):
    qualifiers and other parts of one sentence of one exclusion item (registry texts often run
    several exclusions together in one item, a sentence each)."""
    sentences: dict[tuple[int, int], list[int]] = {}
    group_items: dict[int, set[int]] = {}
    for position, criterion in enumerate(raw):
        if criterion.get("section") != "exclusion" or criterion.get("item") is None:
            continue
        if criterion.get("any_of") is not None:
            group_items.setdefault(criterion["any_of"], set()).add(criterion["item"])
        sentence = _sentence(criterion)
        if sentence is not None:
            sentences.setdefault((criterion["item"], sentence), []).append(position)
    # a group spanning several items comes from an introduction ("any of the following:"), whose
    # children are separate exclusions; a group inside one item joins alternatives it names
    inherited = {group for group, items in group_items.items() if len(items) > 1}
    out = []
    for positions in sentences.values():
        if len(positions) < 2:
            continue
        qualifiers = tuple(
            p
            for p in positions
            if _is_qualifier(raw[p], inherited) or _defines_condition(raw, p, positions)
        )
        parts = tuple(
            p
            for p in positions
            if p not in qualifiers and raw[p].get("kind") not in QUALIFIER_KINDS | _IGNORED
        )
        if qualifiers and parts:
            words = " and ".join(
                dict.fromkeys(raw[p].get("evidence") or raw[p]["kind"] for p in qualifiers)
            )
            kinds = tuple(str(raw[p]["kind"]) for p in qualifiers)
            out.append(Joined(qualifiers, parts, words, kinds))
    return tuple(out)


def _sentence(criterion: dict[str, Any]) -> int | None:
    """Which sentence of its item a criterion's words are in (None: the words are not found):
    where they end, because a long reading's evidence can start in the sentence before; for
    the population words a qualifier reads, where they start, because their evidence can run on
    over the rest of the item."""
    text, evidence = criterion.get("text") or "", criterion.get("evidence") or ""
    at = text.find(evidence) if evidence else -1
    if at < 0:
        return None
    where = at if criterion.get("kind") in QUALIFIER_KINDS else at + len(evidence)
    return len(_SENTENCE_END.findall(text, 0, where))


def _defines_condition(raw: Sequence[dict[str, Any]], position: int, sentence: list[int]) -> bool:
    """A lab limit that says which cases of a condition named before it are meant: "diabetes
    with fasting glucose > 200 mg/dL", "diabetes (HbA1c >= 8%)"."""
    criterion = raw[position]
    if criterion.get("kind") != Kind.LAB:
        return False
    text, evidence = criterion.get("text") or "", criterion.get("evidence") or ""
    at = text.find(evidence) if evidence else -1
    if at < 0 or not _CONDITION_DEFINED_BY.search(text, 0, at):
        return False
    conditions = [
        raw[p].get("evidence") or "" for p in sentence if raw[p].get("kind") == Kind.COMORBIDITY
    ]
    return any(named and 0 <= text.find(named) < at for named in conditions)


def _is_qualifier(criterion: dict[str, Any], inherited: set[int]) -> bool:
    if criterion.get("kind") == Kind.LAB:
        # "creatinine > 1.5 x ULN concurrent with creatinine clearance < 50": both at once
        text, evidence = criterion.get("text") or "", criterion.get("evidence") or ""
        at = text.find(evidence) if evidence else -1
        return at >= 0 and _TOGETHER_AFTER.match(text, at + len(evidence)) is not None
    if criterion.get("kind") not in QUALIFIER_KINDS:
        return False
    if criterion.get("any_of") is not None and criterion["any_of"] not in inherited:
        return False
    text, evidence = criterion.get("text") or "", criterion.get("evidence") or ""
    at = text.find(evidence)
    return not _ALTERNATIVE_AFTER.match(text[at + len(evidence) :])


def apply_joined(
    judgements: list[Judgement], offset: int, joined: tuple[Joined, ...]
) -> list[Judgement]:
    """Judgements with each conjunctive item's parts re-read together (a new list; the
    per-patient cache is not touched). `offset` is where the criteria start in `judgements`."""
    out = list(judgements)
    for item in joined:
        qualifiers = [out[offset + p] for p in item.qualifiers]
        parts = [out[offset + p] for p in item.parts]
        held = _held(item, qualifiers)
        if held in (Result.MET, Result.NOT_APPLICABLE):
            for p, j in zip(item.qualifiers, qualifiers, strict=True):
                out[offset + p] = not_applicable(f"{j.explanation} ({_ONLY_WHOM})")
            continue
        limited = f'"{item.limited}"'
        if held is Result.NOT_MET:
            for p, j in zip(item.parts, parts, strict=True):
                if j.result in (Result.MET, Result.UNKNOWN):
                    out[offset + p] = not_applicable(
                        f"the exclusion is limited to {limited}, which does not apply "
                        f"({_why_not(qualifiers)})"
                    )
            for p, j in zip(item.qualifiers, qualifiers, strict=True):
                if j.result in (Result.MET, Result.UNKNOWN):
                    out[offset + p] = not_applicable(
                        f"{j.explanation} (the rest of the exclusion does not apply)"
                    )
            continue
        # a qualifier is unknown: if a part holds, whether the item excludes hangs on it
        missing = next((j.missing for j in qualifiers if j.result is Result.UNKNOWN), None)
        if not any(j.result is Result.MET for j in parts):
            for p, j in zip(item.qualifiers, qualifiers, strict=True):
                out[offset + p] = not_applicable(f"{j.explanation} ({_ONLY_WHOM})")
            continue
        for p, j in zip(item.parts, parts, strict=True):
            if j.result is Result.MET:
                out[offset + p] = replace(
                    j,
                    result=Result.UNKNOWN,
                    explanation=f"{j.explanation}; excludes only with {limited}, not known",
                    missing=missing,
                    target=None,
                    level=0,
                )
        for p, j in zip(item.qualifiers, qualifiers, strict=True):
            out[offset + p] = not_applicable(j.explanation)
    return out


def _held(item: Joined, qualifiers: list[Judgement]) -> Result:
    """Whether the qualifiers hold: every kind must, and within a kind one of them is enough
    ("metastatic TNBC or HR+/HER2- disease": the stage, and one of the receptor states)."""
    by_kind: dict[str, list[Judgement]] = {}
    for kind, judgement in zip(item.kinds or ("",) * len(qualifiers), qualifiers, strict=True):
        by_kind.setdefault(kind, []).append(judgement)
    return all_of([Judgement(any_of(group), "") for group in by_kind.values()])


def _why_not(qualifiers: list[Judgement]) -> str:
    return "; ".join(j.explanation for j in qualifiers if j.result is Result.NOT_MET)
