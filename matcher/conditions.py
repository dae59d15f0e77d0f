"""Comorbidity ids for free text (a patient's `conditions`, a parsed comorbidity criterion)."""

from __future__ import annotations

import re
from functools import lru_cache

from matcher.knowledge import Entry, find, vocabulary


@lru_cache(maxsize=65536)
def condition_ids(text: str) -> frozenset[str]:
    return frozenset(entry.id for _, entry in find("conditions", "conditions", text))


@lru_cache(maxsize=65536)
def organ_ids(text: str) -> frozenset[str]:
    """The organs or systems a text names ("significant cardiovascular disease": heart, vessels)."""
    return frozenset(entry.id for _, entry in find("conditions", "organs", text))


@lru_cache(maxsize=64)
def organ_covers(organs: frozenset[str]) -> frozenset[str]:
    """The condition ids that are illnesses of any of these organs."""
    entries = vocabulary("conditions").organs
    return frozenset(cid for entry in entries if entry.id in organs for cid in entry.covers)


@lru_cache(maxsize=64)
def organ_label(organ: str) -> str:
    return next((e.label for e in vocabulary("conditions").organs if e.id == organ), organ)


@lru_cache(maxsize=256)
def _entry(condition: str) -> Entry | None:
    """The vocabulary entry of a condition id (None for an id the vocabulary lacks)."""
    return next((e for e in vocabulary("conditions").conditions if e.id == condition), None)


@lru_cache(maxsize=64)
def label(condition: str) -> str:
    entry = _entry(condition)
    return entry.label if entry else condition.replace("_", " ")


@lru_cache(maxsize=1)
def known_ids() -> frozenset[str]:
    return frozenset(entry.id for entry in vocabulary("conditions").conditions)


@lru_cache(maxsize=4096)
def forms(condition: str, text: str) -> frozenset[str] | None:
    """The specific forms of a condition a text names (the entry's patterns it matches), or None
    when the text names the condition as a whole or the entry does not tell forms apart."""
    entry = _entry(condition)
    if entry is None or not entry.general or _names(entry.general, text):
        return None
    return frozenset(p for p in entry.patterns if p not in entry.general and _names((p,), text))


def related(condition: str) -> frozenset[str]:
    """Condition ids a trial may count as this one without naming them (conditions.yaml)."""
    entry = _entry(condition)
    return frozenset(entry.related) if entry else frozenset()


def specific(condition: str) -> bool:
    """Whether a condition is one illness, not a family of forms (an entry without `general`)."""
    entry = _entry(condition)
    return entry is None or not entry.general


def other_kind(condition: str, named: frozenset[str], theirs: frozenset[str]) -> bool:
    """Whether forms a criterion names (`named`) and a patient's condition has (`theirs`) are
    all of different kinds of the condition (see `families` in conditions.yaml)."""
    entry = _entry(condition)
    if entry is None or not entry.families:
        return False
    kind = {p: n for n, family in enumerate(entry.families) for p in family}
    if not named or not theirs or any(p not in kind for p in named | theirs):
        return False
    return not {kind[p] for p in named} & {kind[p] for p in theirs}


def _names(patterns: tuple[str, ...], text: str) -> bool:
    return any(re.search(f"(?<![A-Za-z]){p}", text, re.I) for p in patterns)


@lru_cache(maxsize=4096)
def only_suggested(condition: str, words: str, criterion: str) -> bool:
    """Whether a patient's condition points at `condition` only through a sign that does not
    establish it ("capivasertib-related hyperglycaemia" for diabetes), and the criterion's
    words do not name that sign themselves."""
    entry = _entry(condition)
    if entry is None or not entry.suggestive:
        return False
    proper = tuple(p for p in entry.patterns if p not in entry.suggestive)
    return (
        not _names(proper, words)
        and _names(entry.suggestive, words)
        and not _names(entry.suggestive, criterion)
    )
