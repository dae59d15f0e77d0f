"""The shapes of the lexicon's data files (validated with pydantic, `extra="forbid"`) and the
records the lexicon hands out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# --- the data files' shapes --------------------------------------------------------------------

_ID = r"^[a-z][a-z0-9_]*$"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ClassEntry(_Entry):
    id: str = Field(pattern=_ID)
    label: str = Field(min_length=1)
    parents: list[str] = []
    line: bool | None = Field(
        default=None, description="counts as a line of systemic anticancer therapy; inherited"
    )
    synonyms: list[str] = []
    description: str | None = None
    match: list[str] = []
    no_match: list[str] = []


class DrugEntry(_Entry):
    name: str = Field(min_length=1, description="canonical generic name, lower case")
    brands: list[str] = []
    codes: list[str] = []
    synonyms: list[str] = Field(default=[], description="other names: abbreviations, old names")
    misspellings: list[str] = Field(
        default=[], description="misspellings seen in real records: resolved, never suggested"
    )
    classes: list[str] = Field(min_length=1)
    line: bool | None = Field(default=None, description="overrides the classes' line flag")
    description: str | None = None
    match: list[str] = []
    no_match: list[str] = []


class AliasEntry(_Entry):
    name: str = Field(min_length=1)
    protein: bool = Field(
        default=False, description="names the protein / receptor status, not the gene"
    )
    cased: bool = Field(default=False, description="must match exactly as written")


class GeneEntry(_Entry):
    symbol: str = Field(pattern=r"^[A-Z0-9][A-Za-z0-9\-]*$")
    name: str | None = None
    aliases: list[str | AliasEntry] = []
    cased: bool = Field(default=False, description="the symbol must match exactly as written")
    match: list[str] = []
    no_match: list[str] = []


class FamilyEntry(_Entry):
    name: str = Field(min_length=1)
    genes: list[str] = Field(min_length=2)
    aliases: list[str] = []
    match: list[str] = []
    no_match: list[str] = []


class ClassesFile(_Entry):
    version: int
    classes: list[ClassEntry]


class RegimenEntry(_Entry):
    name: str = Field(min_length=1, description="the usual abbreviation, e.g. 'AC' or 'FOLFOX'")
    drugs: list[str] = Field(min_length=2, description="canonical names of its agents")
    synonyms: list[str] = []
    ambiguous: bool = Field(
        default=False,
        description="the bare name is also an ordinary abbreviation (EC, TC): "
        "only its synonyms are read in text; resolve_regimen() still takes the name",
    )
    description: str | None = None
    match: list[str] = []
    no_match: list[str] = []


class DrugsFile(_Entry):
    version: int
    drugs: list[DrugEntry]
    regimens: list[RegimenEntry] = []
    stop_phrases: list[str] = Field(
        default=[], description="phrases that contain a drug name but do not name a drug"
    )


class GenesFile(_Entry):
    version: int
    genes: list[GeneEntry]
    families: list[FamilyEntry] = []
    stop_phrases: list[str] = []


# --- the public records ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DrugClass:
    id: str
    label: str
    parents: tuple[str, ...]
    line: bool
    synonyms: tuple[str, ...]
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Drug:
    name: str
    synonyms: tuple[str, ...]
    classes: tuple[str, ...]
    brands: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    line: bool | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Regimen:
    """A named combination ("AC", "FOLFOX"); in text it reads as a mention of each agent."""

    name: str
    drugs: tuple[str, ...]
    synonyms: tuple[str, ...] = ()
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Gene:
    symbol: str
    name: str | None
    aliases: tuple[str, ...]
    protein_names: tuple[str, ...]


MentionKind = Literal["drug", "class", "gene", "gene_family"]
REGIMEN = "regimen"  # the kind of a regimen name's target: reported as one mention per agent
STOP = "stop"  # the kind of a stop phrase's target: consumed by the scan, never reported


@dataclass(frozen=True, slots=True)
class Mention:
    """A drug, class or gene named in a text: `text[start:end]` is the words as written.

    `id` is the canonical drug name, the class id, the gene symbol or the family name (see
    `gene_family`). `protein` is true when a gene was named by its protein / receptor name
    ("ER", "estrogen receptor"), which usually means receptor status, not the gene.
    """

    start: int
    end: int
    id: str
    kind: MentionKind
    text: str
    protein: bool = False
