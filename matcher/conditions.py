"""Comorbidity ids for free text (a patient's `conditions`, a parsed comorbidity criterion)."""

from __future__ import annotations

from functools import lru_cache

from matcher.knowledge import find, vocabulary


@lru_cache(maxsize=65536)
def condition_ids(text: str) -> frozenset[str]:
    return frozenset(entry.id for _, entry in find("conditions", "conditions", text))


@lru_cache(maxsize=64)
def label(condition: str) -> str:
    for entry in vocabulary("conditions").conditions:
        if entry.id == condition:
            return entry.label
    return condition.replace("_", " ")


@lru_cache(maxsize=1)
def known_ids() -> frozenset[str]:
    return frozenset(entry.id for entry in vocabulary("conditions").conditions)
