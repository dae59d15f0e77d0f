"""The parser's phrase rules, loaded from `criteria/data/phrases.yaml` and validated on load.

A rule is a regular expression plus the criterion it yields, with `match:` and `no_match:`
examples that `tests/test_parse_rules.py` runs one by one (rule name as test id). An analyte entry
names a laboratory or measured value; `criteria.kinds.labs` reads the threshold that follows it.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from criteria.fastre import Fast, Gated
from trialmatch.errors import DataFileError

PHRASES_FILE = "phrases.yaml"

RuleKind = Literal[
    "administrative",
    "organ_function",
    "visceral_crisis",
    "cancer_type",
    "disease_stage",
    "comorbidity",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Patterned(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    pattern: str
    case: bool = Field(default=False, description="match case exactly (default: ignore case)")
    match: tuple[str, ...] = Field(min_length=1)
    no_match: tuple[str, ...] = ()

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as error:
            raise ValueError(f"not a valid regular expression: {error}") from None
        return value

    # cached on the rule: the parser asks for these for every candidate rule of every item
    @cached_property
    def regex(self) -> re.Pattern[str]:
        return _compile(self.pattern, self.case)

    @cached_property
    def gated(self) -> Gated:
        return _gated(self.pattern, self.case)

    @cached_property
    def fast(self) -> Fast | None:
        """The pattern for lower-cased text (None for case-sensitive rules)."""
        return None if self.case else _fast(self.pattern)

    def search(self, work: str, lower: str) -> re.Match[str] | None:
        fast = self.fast
        return fast.search(work, lower) if fast is not None else self.regex.search(work)

    def finditer(self, work: str, lower: str) -> list[re.Match[str]]:
        fast = self.fast
        return fast.finditer(work, lower) if fast is not None else list(self.regex.finditer(work))


class PhraseRule(_Patterned):
    kind: RuleKind
    fields: dict[str, Any] = Field(default_factory=dict)


class Analyte(_Patterned):
    pass


class PhrasesFile(_Strict):
    version: int
    rules: tuple[PhraseRule, ...]
    analytes: tuple[Analyte, ...]
    variant_genes: dict[str, str] = Field(
        default_factory=dict,
        description="variants that name their gene when it is not written ('L858R' -> EGFR)",
    )
    codon_residues: dict[str, dict[int, str]] = Field(
        default_factory=dict,
        description="reference amino acid at well-known codons, per gene (ESR1 537 -> Y)",
    )


@cache
def _compile(pattern: str, case: bool) -> re.Pattern[str]:
    return re.compile(pattern, 0 if case else re.IGNORECASE)


@cache
def _fast(pattern: str) -> Fast:
    """The rule's pattern for lower-cased text, with the first-character look-ahead of `Fast`
    when its matches can start with only some characters: on the corpus that makes the rules'
    searches about a third faster in all (most rules gain; none loses measurably)."""
    try:
        return Fast(pattern, first=True)
    except ValueError:  # any character can start a match: nothing to check
        return Fast(pattern)


@cache
def _gated(pattern: str, case: bool) -> Gated:
    return Gated(_compile(pattern, case))


def parse_phrases(text: str, source: str = PHRASES_FILE) -> PhrasesFile:
    """Validate a phrases file; `DataFileError` names the entry and field that are wrong."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise DataFileError(f"{source}: not valid YAML: {error}") from None
    try:
        phrases = PhrasesFile.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        allowed = ""
        if first["type"] == "extra_forbidden":
            allowed = f" (allowed: {', '.join(PhraseRule.model_fields)})"
        raise DataFileError(f"{source}: {where}: {first['msg']}{allowed}") from None
    names = [rule.name for rule in phrases.rules] + [a.name for a in phrases.analytes]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise DataFileError(f"{source}: rule names used twice: {', '.join(twice)}")
    return phrases


@cache
def phrases() -> PhrasesFile:
    """The bundled phrase rules (loaded once)."""
    text = resources.files("criteria.data").joinpath(PHRASES_FILE).read_text(encoding="utf-8")
    return parse_phrases(text)
