"""Pattern vocabularies kept as data (`matcher/data/*.yaml`): loaded with importlib.resources,
validated on load, compiled once. Each entry carries `match`/`no_match` examples that
tests/test_match_knowledge.py runs."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from trialmatch.errors import DataFileError


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    label: str
    patterns: tuple[str, ...] = Field(min_length=1)
    hematologic: bool = False
    within: str | None = None  #: the broader category this one belongs to (cancers.yaml)
    general: tuple[str, ...] = ()  #: patterns naming the whole condition (see conditions.yaml)
    suggestive: tuple[str, ...] = ()  #: patterns that point at it, not prove it (conditions.yaml)
    families: tuple[tuple[str, ...], ...] = ()  #: kinds of a condition's forms (conditions.yaml)
    covers: tuple[str, ...] = ()  #: an organ's condition ids (conditions.yaml)
    related: tuple[str, ...] = ()  #: conditions a trial may count as this one (conditions.yaml)
    match: tuple[str, ...] = Field(min_length=1)
    no_match: tuple[str, ...] = ()

    def regex(self) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:(?<![A-Za-z]){p})" for p in self.patterns), re.I)


class Vocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    categories: tuple[Entry, ...] = ()
    generic: tuple[Entry, ...] = ()
    conditions: tuple[Entry, ...] = ()
    organs: tuple[Entry, ...] = ()


@cache
def vocabulary(name: str) -> Vocabulary:
    """Load `matcher/data/<name>.yaml`; a malformed file raises DataFileError naming the place."""
    text = resources.files("matcher.data").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    try:
        vocab = Vocabulary.model_validate(yaml.safe_load(text))
        for entry in (*vocab.categories, *vocab.generic, *vocab.conditions, *vocab.organs):
            entry.regex()
    except ValidationError as error:
        problem = error.errors(include_input=False)[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise DataFileError(f"matcher/data/{name}.yaml: {where}: {problem['msg']}") from None
    except re.error as error:
        raise DataFileError(f"matcher/data/{name}.yaml: bad pattern: {error}") from None
    return vocab


@cache
def compiled(name: str, part: str) -> tuple[tuple[Entry, re.Pattern[str]], ...]:
    entries: tuple[Entry, ...] = getattr(vocabulary(name), part)
    return tuple((entry, entry.regex()) for entry in entries)


def find(name: str, part: str, text: str) -> list[tuple[int, Entry]]:
    """Entries of `part` whose pattern occurs in `text`, with the position of the first hit."""
    hits = []
    for entry, pattern in compiled(name, part):
        found = pattern.search(text)
        if found:
            hits.append((found.start(), entry))
    hits.sort(key=lambda hit: hit[0])
    return hits
