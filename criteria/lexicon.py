"""Drugs, drug classes and genes: domain knowledge kept as data, looked up exactly.

The knowledge lives in three YAML files in `criteria/data/` (drugs.yaml, drug_classes.yaml,
genes.yaml). They are loaded once with importlib.resources, validated with pydantic
(`extra="forbid"`), checked for consistency (unknown class ids, cycles, one phrase naming two
things) and cached. A bad file raises `DataFileError` naming the file, the entry and the field.

Lookups are exact after normalisation, never fuzzy: case, ®/™, hyphens and spaces, and salt or
dosage-form suffixes ("osimertinib mesylate tablets") are ignored; short names (three letters or
digits or fewer, such as "AI", "SG", "5-FU") must match their case, so that "ai" inside ordinary
words never reads as "aromatase inhibitor". Fuzzy matching (rapidfuzz) only ever *suggests*.

Typical use::

    resolve_drug("ARV-471").name                       # 'vepdegestrant'
    is_subclass("oral_serd", of="endocrine_therapy")     # True
    "cdk4_6_inhibitor" in drug_classes("Kisqali")        # True
    counts_as_line("goserelin")                          # False: ovarian suppression alone
    find_drug_mentions("after a CDK4/6i and fulvestrant")  # two Mention objects
    resolve_gene("HER2")                                 # 'ERBB2'
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import fuzz, process
from rapidfuzz.distance import JaroWinkler

from trialmatch.errors import DataFileError, UnknownTerm

__all__ = [  # noqa: F822 (LEXICON_VERSION is computed on first use, see __getattr__)
    "LEXICON_VERSION",
    "Drug",
    "DrugClass",
    "Gene",
    "Lexicon",
    "Mention",
    "all_classes",
    "all_drugs",
    "class_ancestors",
    "class_descendants",
    "class_label",
    "counts_as_line",
    "default_lexicon",
    "drug_classes",
    "drugs_in_class",
    "find_drug_mentions",
    "find_gene_mentions",
    "gene_aliases",
    "gene_family",
    "get_class",
    "is_subclass",
    "load_lexicon",
    "normalize_key",
    "resolve_class",
    "resolve_drug",
    "resolve_gene",
    "suggest_drugs",
    "suggest_genes",
]

DATA_FILES = ("drug_classes.yaml", "drugs.yaml", "genes.yaml")

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


class DrugsFile(_Entry):
    version: int
    drugs: list[DrugEntry]
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
class Gene:
    symbol: str
    name: str | None
    aliases: tuple[str, ...]
    protein_names: tuple[str, ...]


MentionKind = Literal["drug", "class", "gene", "gene_family"]
_STOP = "stop"  # the kind of a stop phrase's target: consumed by the scan, never reported


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


# --- normalisation -----------------------------------------------------------------------------

#: words, numbers, and one parenthesised letter as in "PD-(L)1" (so it differs from "PD-L1")
_TOKEN = re.compile(r"\([^\W\d_]\)|[^\W\d_]+|\d+")
_GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "κ": "kappa",
    "ε": "epsilon",
}
_GAP_CHARS = frozenset(" \t\n\r-‐‑‒–—/_()")
_MAX_GAP = 3
#: trailing words ignored by exact lookup: salts, hydrates and dosage forms
_SUFFIX_WORDS = frozenset(
    """hydrochloride dihydrochloride hcl mesylate isethionate camsylate pamoate valerate cypionate
    enanthate dipropionate mesilate dimesylate maleate dimaleate tosylate
    ditosylate citrate sodium disodium potassium calcium phosphate acetate tartrate besylate
    succinate malate fumarate sulfate sulphate bromide lactate hydrate monohydrate trihydrate
    free base tablet tablets capsule capsules injection injections infusion oral iv sc im
    intravenous subcutaneous intramuscular for solution""".split()  # noqa: SIM905
)

#: words that may surround one drug name in an intervention or regimen label
_NOISE_WORDS = _SUFFIX_WORDS | frozenset(
    """each and with to cross over crossover switch first second third fourth line co formulated
    recombinant human hyaluronidase cf mg mcg g ug µg ml l kg m m2 mg/m2 auc dose doses dosing
    fixed up titration flat weekly
    daily once twice bid qd tid q3w q2w q4w q1w qw biweekly every day days week weeks cycle cycles
    product products tab tabs cap caps drug agent monotherapy mono therapy single prophylactic
    prophylaxis loading maintenance arm regimen standard high low mg/kg per po infusions
    extended release er sr xr depot implant formulation generic concentrate lyophilized powder
    suspension emulsion liposomal""".split()  # noqa: SIM905
)
_FDA_SUFFIX = re.compile(r"^(.*[^\W_])-[a-z]{4}$")
_BIOLOGIC_CLASSES = frozenset(
    {"monoclonal_antibody", "antibody_drug_conjugate", "hematopoietic_growth_factor"}
    | {"rankl_inhibitor"}
)

Token = tuple[int, int, str]  # start, end, normalised text


def _tokens(text: str) -> list[Token]:
    out: list[Token] = []
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok.isascii():
            out.append((m.start(), m.end(), tok.lower()))
            continue
        start = m.start()
        run = start
        for k, ch in enumerate(tok, start):
            greek = _GREEK.get(ch.lower())
            if greek is None:
                continue
            if run < k:
                out.append((run, k, text[run:k].lower()))
            out.append((k, k + 1, greek))
            run = k + 1
        if run < m.end():
            out.append((run, m.end(), text[run : m.end()].lower()))
    return out


def normalize_key(name: str) -> str:
    """The lookup key of a name: lower-case word and number tokens joined by single spaces."""
    return " ".join(t[2] for t in _tokens(name))


def _is_cased(phrase: str) -> bool:
    """Short all-letter names ("AI", "ET", "SG", "MET", "KIT") must match their case: in lower
    case they are ordinary words or parts of words. Names with a digit (RB1, 5-FU) need not."""
    alnum = [c for c in phrase if c.isalnum()]
    return len(alnum) <= 3 and all(c.isalpha() for c in alnum)


def _surface(name: str) -> tuple[str, ...]:
    """Tokens as written (case kept), for the case check of cased names."""
    return tuple(name[s:e] for s, e, _ in _tokens(name))


_INNER_HYPHEN = re.compile(r"(?<=[^\W_])[-‐‑](?=[^\W_])")


def _variants(phrase: str, plurals: bool) -> list[str]:
    """The phrase, its plurals (if asked), and the same without hyphens inside words."""
    out = [phrase, *(_plurals(phrase) if plurals else ())]
    joined = [_INNER_HYPHEN.sub("", v) for v in out]
    return list(dict.fromkeys(out + [j for j in joined if j not in out]))


def _plurals(phrase: str) -> list[str]:
    last = _TOKEN.findall(phrase)
    if not last or not last[-1].isalpha() or len(last[-1]) < 2:
        return []
    word = last[-1]
    out = [phrase + "s"]
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        out.append(phrase[:-1] + "ies")
    if word.endswith(("s", "x", "ch", "sh")):
        out.append(phrase + "es")
    return out


# --- the phrase trie ---------------------------------------------------------------------------

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Target:
    id: str
    kind: str  # a MentionKind, or _STOP
    surface: tuple[str, ...] | None  # case-sensitive tokens, or None when case does not matter
    protein: bool = False


class _Trie:
    """Token trie over normalised phrases: longest match wins, on word boundaries."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.root: dict[str, Any] = {}
        self.keys: dict[str, list[_Target]] = {}
        self.owner: dict[str, tuple[str, str]] = {}  # key -> (kind, id): one name, one meaning

    def register(
        self,
        phrase: str,
        target: _Target,
        entry: str,
        field: str,
        *,
        cased: bool,
        plurals: bool = False,
    ) -> None:
        """Add a name from the data files, with its derived spellings: plurals (for class
        phrases) and the form without hyphens inside words ("ICI-D1033" -> "ICID1033",
        "non-steroidal" -> "nonsteroidal"). A name already naming something else is an error;
        a derived spelling that would collide is dropped (the explicit name wins)."""
        for i, variant in enumerate(_variants(phrase, plurals)):
            key = normalize_key(variant)
            if not key:
                raise DataFileError(f"{self.file}: entry {entry!r}: field {field!r}: empty name")
            tgt = _Target(
                target.id, target.kind, _surface(variant) if cased else None, target.protein
            )
            prev = self.owner.get(key)
            if (
                prev
                and prev != (tgt.kind, tgt.id)
                and not (cased and tgt.surface not in self._surfaces(key))
            ):
                if i == 0:
                    raise DataFileError(
                        f"{self.file}: entry {entry!r}: field {field!r}: {phrase!r} already "
                        f"names {prev[0]} {prev[1]!r}"
                    )
                continue
            self.owner.setdefault(key, (tgt.kind, tgt.id))
            self.add(variant, tgt)

    def _surfaces(self, key: str) -> set[tuple[str, ...] | None]:
        return {t.surface for t in self.keys.get(key, ())}

    def add(self, phrase: str, target: _Target) -> None:
        key = normalize_key(phrase)
        if not key:
            raise ValueError("has no letters or digits")
        node = self.root
        for tok in key.split(" "):
            node = node.setdefault(tok, {})
        targets: list[_Target] = node.setdefault("", [])
        if target not in targets:
            targets.append(target)
        self.keys.setdefault(key, targets)

    def lookup(self, name: str) -> list[_Target]:
        toks = _tokens(name)
        while toks and toks[-1][2] in _SUFFIX_WORDS and len(toks) > 1:
            toks.pop()
        key = " ".join(t[2] for t in toks)
        surface = tuple(name[s:e] for s, e, _ in toks)
        return [t for t in self.keys.get(key, ()) if t.surface is None or t.surface == surface]

    def scan(self, text: str) -> Iterator[tuple[int, int, list[_Target]]]:
        original = text
        text = text.replace("(s)", "s  ")  # "inhibitor(s)": same length, so offsets hold
        toks = _tokens(text)
        n = len(toks)
        i = 0
        while i < n:
            start = toks[i][0]
            if (start > 0 and text[start - 1].isalnum()) or toks[i][2] not in self.root:
                i += 1
                continue
            node = self.root
            best: tuple[int, list[_Target]] | None = None
            j = i
            while j < n:
                if j > i:
                    gap = text[toks[j - 1][1] : toks[j][0]]
                    if len(gap) > _MAX_GAP or not all(c in _GAP_CHARS for c in gap):
                        break
                child = node.get(toks[j][2])
                if child is None:
                    break
                node = child
                end = toks[j][1]
                if "" in node and (end == len(text) or not text[end].isalnum()):
                    surface = tuple(text[s:e] for s, e, _ in toks[i : j + 1])
                    hits = [t for t in node[""] if t.surface is None or t.surface == surface]
                    if hits:
                        best = (j, hits)
                j += 1
            if best is None:
                i += 1
                continue
            j, hits = best
            end = toks[j][1]
            if text[end - 1 : end + 2] == "s  " and original[end - 1 : end + 2] == "(s)":
                end += 2
            yield start, end, hits
            i = j + 1


_CACHE_SIZE = 512

#: minimum similarity (0-100) for a drug name to be suggested
SUGGEST_CUTOFF = 87.0


def _suggest_score(a: str, b: str, *, score_cutoff: float | None = None, **_: Any) -> float:
    """Jaro-Winkler similarity (0-100), floored by the indel ratio so that names sharing only a
    prefix ("ribociclib" / "ribavirin") need a close overall spelling too."""
    if fuzz.ratio(a, b) < 70:
        return 0.0
    return float(JaroWinkler.similarity(a, b) * 100)


# --- the loaded lexicon ------------------------------------------------------------------------

_M = TypeVar("_M", bound=BaseModel)


def _validate(model: type[_M], raw: object, filename: str, list_key: str, name_key: str) -> _M:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = list(err["loc"])
        where = ""
        if len(loc) >= 2 and loc[0] == list_key and isinstance(loc[1], int):
            entries = raw.get(list_key) if isinstance(raw, dict) else None
            entry = entries[loc[1]] if isinstance(entries, list) else None
            label = entry.get(name_key) if isinstance(entry, dict) else None
            where = (
                f" entry {label!r} ({list_key}[{loc[1]}])" if label else f" {list_key}[{loc[1]}]"
            )
            loc = loc[2:]
        field = ".".join(str(p) for p in loc) or "(top level)"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            sub: type[BaseModel] = model
            for part in err["loc"][:-1]:
                if isinstance(part, str) and part in sub.model_fields:
                    ann = sub.model_fields[part].annotation
                    inner = getattr(ann, "__args__", (ann,))[0]
                    if isinstance(inner, type) and issubclass(inner, BaseModel):
                        sub = inner
            msg = f"unknown field; allowed fields: {', '.join(sub.model_fields)}"
        n = len(exc.errors())
        more = f" (and {n - 1} more problem{'s' if n > 2 else ''})" if n > 1 else ""
        raise DataFileError(f"{filename}:{where} field {field!r}: {msg}{more}") from None


class Lexicon:
    """The three data files, validated and indexed. Build with `load_lexicon`."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        raws = {}
        for fname in DATA_FILES:
            try:
                raws[fname] = yaml.safe_load(texts[fname])
            except yaml.YAMLError as exc:
                raise DataFileError(f"{fname}: not valid YAML: {exc}") from None
        cfile = _validate(
            ClassesFile, raws["drug_classes.yaml"], "drug_classes.yaml", "classes", "id"
        )
        dfile = _validate(DrugsFile, raws["drugs.yaml"], "drugs.yaml", "drugs", "name")
        gfile = _validate(GenesFile, raws["genes.yaml"], "genes.yaml", "genes", "symbol")
        digest = hashlib.sha256("\0".join(texts[f] for f in DATA_FILES).encode()).hexdigest()
        self.version = f"c{cfile.version}.d{dfile.version}.g{gfile.version}-{digest[:10]}"
        self.class_entries = {c.id: c for c in cfile.classes}
        self.drug_entries = {d.name: d for d in dfile.drugs}
        self.gene_entries = {g.symbol: g for g in gfile.genes}
        self.family_entries = {f.name: f for f in gfile.families}
        self._mentions: dict[str, tuple[Mention, ...]] = {}  # the parser scans each text twice
        self._build_classes(cfile)
        self._build_drugs(dfile)
        self._build_genes(gfile)

    # classes
    def _build_classes(self, cfile: ClassesFile) -> None:
        f = "drug_classes.yaml"
        ids: set[str] = set()
        for c in cfile.classes:
            if c.id in ids:
                raise DataFileError(f"{f}: entry {c.id!r}: field 'id': defined twice")
            ids.add(c.id)
        for c in cfile.classes:
            for p in c.parents:
                if p not in ids:
                    raise DataFileError(
                        f"{f}: entry {c.id!r}: field 'parents': unknown class {p!r}"
                    )
        entries = self.class_entries
        ancestors: dict[str, frozenset[str]] = {}

        def walk(cid: str, path: tuple[str, ...]) -> frozenset[str]:
            if cid in path:
                cycle = " > ".join((*path[path.index(cid) :], cid))
                raise DataFileError(f"{f}: entry {cid!r}: field 'parents': cycle {cycle}")
            if cid not in ancestors:
                out: set[str] = set()
                for p in entries[cid].parents:
                    out |= {p} | walk(p, (*path, cid))
                ancestors[cid] = frozenset(out)
            return ancestors[cid]

        for cid in entries:
            walk(cid, ())
        self.ancestors = ancestors
        desc: dict[str, set[str]] = {cid: set() for cid in entries}
        for cid, anc in ancestors.items():
            for a in anc:
                desc[a].add(cid)
        self.descendants = {cid: frozenset(d) for cid, d in desc.items()}

        line: dict[str, bool] = {}

        def line_of(cid: str) -> bool:
            if cid not in line:
                e = entries[cid]
                if e.line is not None:
                    line[cid] = e.line
                elif not e.parents:
                    raise DataFileError(
                        f"{f}: entry {cid!r}: field 'line': a class without parents must say "
                        "whether it counts as a line of therapy (true or false)"
                    )
                else:
                    line[cid] = any(line_of(p) for p in e.parents)
            return line[cid]

        self.classes = {
            c.id: DrugClass(
                id=c.id,
                label=c.label,
                parents=tuple(c.parents),
                line=line_of(c.id),
                synonyms=tuple(c.synonyms),
                description=c.description,
            )
            for c in cfile.classes
        }

    # drugs
    def _build_drugs(self, dfile: DrugsFile) -> None:
        f = "drugs.yaml"
        self.drugs: dict[str, Drug] = {}
        self.trie = _Trie(f)
        for c in self.classes.values():
            self.trie.file = "drug_classes.yaml"
            for ph in (c.label, *c.synonyms):
                self.trie.register(
                    ph,
                    _Target(c.id, "class", None),
                    c.id,
                    "synonyms",
                    cased=_is_cased(ph),
                    plurals=True,
                )
        self.trie.file = f
        for d in dfile.drugs:
            if d.name in self.drugs:
                raise DataFileError(f"{f}: entry {d.name!r}: field 'name': defined twice")
            if d.name in self.classes:
                raise DataFileError(f"{f}: entry {d.name!r}: field 'name': is a class id")
            for cid in d.classes:
                if cid not in self.classes:
                    raise DataFileError(
                        f"{f}: entry {d.name!r}: field 'classes': unknown class {cid!r}"
                    )
            drug = Drug(
                name=d.name,
                synonyms=tuple(dict.fromkeys((*d.brands, *d.codes, *d.synonyms))),
                classes=tuple(d.classes),
                brands=tuple(d.brands),
                codes=tuple(d.codes),
                line=d.line,
                description=d.description,
            )
            self.drugs[d.name] = drug
            for field, names in (
                ("name", [d.name]),
                ("brands", d.brands),
                ("codes", d.codes),
                ("synonyms", d.synonyms),
                ("misspellings", d.misspellings),
            ):
                for ph in names:
                    self.trie.register(
                        ph, _Target(d.name, "drug", None), d.name, field, cased=_is_cased(ph)
                    )
        for ph in dfile.stop_phrases:
            self.trie.register(ph, _Target("", _STOP, None), ph, "stop_phrases", cased=False)
        self._drug_choices: dict[str, str] = {}
        for drug in self.drugs.values():
            for ph in (drug.name, *drug.synonyms):
                self._drug_choices.setdefault(normalize_key(ph), ph)
        self._drug_keys = list(self._drug_choices)

    # genes
    def _build_genes(self, gfile: GenesFile) -> None:
        f = "genes.yaml"
        self.genes: dict[str, Gene] = {}
        self.gene_trie = trie = _Trie(f)

        for g in gfile.genes:
            if g.symbol in self.genes:
                raise DataFileError(f"{f}: entry {g.symbol!r}: field 'symbol': defined twice")
            aliases = [a if isinstance(a, AliasEntry) else AliasEntry(name=a) for a in g.aliases]
            self.genes[g.symbol] = Gene(
                symbol=g.symbol,
                name=g.name,
                aliases=tuple(a.name for a in aliases if not a.protein),
                protein_names=tuple(a.name for a in aliases if a.protein),
            )
            trie.register(
                g.symbol,
                _Target(g.symbol, "gene", None),
                g.symbol,
                "symbol",
                cased=g.cased or _is_cased(g.symbol),
            )
            for a in aliases:
                trie.register(
                    a.name,
                    _Target(g.symbol, "gene", None, a.protein),
                    g.symbol,
                    "aliases",
                    cased=a.cased or _is_cased(a.name),
                )
        self.families: dict[str, tuple[str, ...]] = {}
        for fam in gfile.families:
            for sym in fam.genes:
                if sym not in self.genes:
                    raise DataFileError(
                        f"{f}: entry {fam.name!r}: field 'genes': unknown gene {sym!r}"
                    )
            self.families[fam.name] = tuple(fam.genes)
            for ph in (fam.name, *fam.aliases):
                trie.register(
                    ph,
                    _Target(fam.name, "gene_family", None),
                    fam.name,
                    "aliases",
                    cased=_is_cased(ph),
                )
        for ph in gfile.stop_phrases:
            trie.register(ph, _Target("", _STOP, None), ph, "stop_phrases", cased=False)
        self._gene_choices: dict[str, str] = {}
        for gene in self.genes.values():
            for ph in (gene.symbol, *gene.aliases):
                self._gene_choices.setdefault(normalize_key(ph), gene.symbol)

    # --- lookups --------------------------------------------------------------------------------

    def drug(self, name: str | Drug) -> Drug:
        """The drug a name denotes; `UnknownTerm` (with suggestions) when there is none."""
        if isinstance(name, Drug):
            return name
        found = self.resolve_drug(name)
        if found is None:
            raise UnknownTerm("drug", "", self.suggest_drugs(name))
        return found

    def resolve_drug(self, name: str) -> Drug | None:
        for t in self.trie.lookup(name):
            if t.kind == "drug":
                return self.drugs[t.id]
        m = _FDA_SUFFIX.match(name.strip())
        if m:  # "amivantamab-vmjw": the FDA's four-letter suffix, for biologics only
            head = self.resolve_drug(m.group(1))
            if head is not None and _BIOLOGIC_CLASSES & self._all_classes(head):
                return head
            return None
        return self._resolve_described(name)

    def _all_classes(self, drug: Drug) -> set[str]:
        return set(drug.classes).union(*(self.ancestors[c] for c in drug.classes))

    def _resolve_described(self, name: str) -> Drug | None:
        """One drug named with a dose, a form, a schedule or a second name in brackets:
        "Gefitinib 250 mg", "weekly paclitaxel", "Herceptin (trastuzumab)". Every name found
        must denote the same drug (class names it belongs to are fine, "MEK inhibitor
        GDC-0973") and every other word must be a dose, form or schedule word."""
        drug: Drug | None = None
        covered = []
        for m in self.find_drug_mentions(name):
            covered.append((m.start, m.end))
            if m.kind == "drug":
                if drug is not None and drug.name != m.id:
                    return None
                drug = self.drugs[m.id]
        if drug is None:
            return None
        classes = self._all_classes(drug)
        for m in self.find_drug_mentions(name):
            if m.kind == "class" and m.id not in classes:
                return None
        for start, _end, tok in _tokens(name):
            if any(a <= start < b for a, b in covered):
                continue
            if tok not in _NOISE_WORDS and not tok.isdigit():
                return None
        return drug

    def resolve_class(self, phrase: str) -> DrugClass | None:
        if phrase in self.classes:
            return self.classes[phrase]
        for t in self.trie.lookup(phrase):
            if t.kind == "class":
                return self.classes[t.id]
        return None

    def get_class(self, class_id: str) -> DrugClass:
        try:
            return self.classes[class_id]
        except KeyError:
            raise UnknownTerm("drug class id", class_id, self._suggest_class(class_id)) from None

    def _suggest_class(self, class_id: str) -> list[str]:
        hits = process.extract(
            class_id, list(self.classes), scorer=fuzz.ratio, limit=3, score_cutoff=70
        )
        return [h[0] for h in hits]

    def suggest_drugs(self, name: str, limit: int = 3) -> list[str]:
        key = normalize_key(name)
        if not key:
            return []
        hits = process.extract(
            key,
            self._drug_keys,
            scorer=_suggest_score,
            limit=limit * 3,
            score_cutoff=SUGGEST_CUTOFF,
        )
        out: list[str] = []
        seen: set[str] = set()
        for k, _score, _i in hits:
            surface = self._drug_choices[k]
            drug = self.resolve_drug(surface)
            if drug is None or drug.name in seen:
                continue
            seen.add(drug.name)
            out.append(surface)
            if len(out) == limit:
                break
        return out

    def resolve_gene(self, name: str, *, protein: bool = False) -> str | None:
        for t in self.gene_trie.lookup(name):
            if t.kind == "gene" and (protein or not t.protein):
                return t.id
        return None

    def gene_family(self, name: str) -> tuple[str, ...]:
        if name in self.families:
            return self.families[name]
        for t in self.gene_trie.lookup(name):
            if t.kind == "gene_family":
                return self.families[t.id]
            if t.kind == "gene" and not t.protein:
                return (t.id,)
        return ()

    def suggest_genes(self, name: str, limit: int = 3) -> list[str]:
        key = normalize_key(name)
        if not key:
            return []
        hits = process.extract(
            key, list(self._gene_choices), scorer=fuzz.ratio, limit=limit * 3, score_cutoff=75
        )
        return list(dict.fromkeys(self._gene_choices[h[0]] for h in hits))[:limit]

    def find_drug_mentions(self, text: str) -> list[Mention]:
        cached = self._mentions.get(text)
        if cached is None:
            cached = tuple(
                Mention(start, end, hits[0].id, hits[0].kind, text[start:end])  # type: ignore[arg-type]
                for start, end, hits in self.trie.scan(text)
                if hits[0].kind != _STOP
            )
            if len(self._mentions) >= _CACHE_SIZE:
                self._mentions.clear()
            self._mentions[text] = cached
        return list(cached)

    def find_gene_mentions(self, text: str, *, skip_drug_names: bool = True) -> list[Mention]:
        skip = [(m.start, m.end) for m in self.find_drug_mentions(text)] if skip_drug_names else []
        out = []
        for start, end, hits in self.gene_trie.scan(text):
            if hits[0].kind == _STOP:
                continue
            if any(a < end and start < b for a, b in skip):
                continue  # "EGFR" in "EGFR TKI", "CDK4/6" in "CDK4/6 inhibitor": a drug class
            t = min(hits, key=lambda h: h.protein)  # a gene reading beats a protein one
            out.append(Mention(start, end, t.id, t.kind, text[start:end], t.protein))  # type: ignore[arg-type]
        return out


# --- loading -----------------------------------------------------------------------------------


def load_lexicon(directory: str | Path | None = None) -> Lexicon:
    """Load and validate the data files from `directory` (default: the bundled ones)."""
    texts: dict[str, str] = {}
    for fname in DATA_FILES:
        if directory is None:
            ref = resources.files("criteria.data").joinpath(fname)
            texts[fname] = ref.read_text(encoding="utf-8")
        else:
            path = Path(directory) / fname
            try:
                texts[fname] = path.read_text(encoding="utf-8")
            except OSError as exc:
                raise DataFileError(f"{fname}: cannot read {path}: {exc.strerror}") from None
    return Lexicon(texts)


@cache
def default_lexicon() -> Lexicon:
    """The bundled lexicon, loaded and validated once per process."""
    return load_lexicon()


def __getattr__(name: str) -> str:
    if name == "LEXICON_VERSION":
        return default_lexicon().version
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- module-level API (the bundled lexicon) ----------------------------------------------------


def resolve_drug(name: str) -> Drug | None:
    """The drug a generic, brand or code name denotes (exact after normalisation), else None."""
    return default_lexicon().resolve_drug(name)


def suggest_drugs(name: str, limit: int = 3) -> list[str]:
    """Known drug names close to `name`, best first, for "did you mean" (never resolution)."""
    return default_lexicon().suggest_drugs(name, limit)


def resolve_class(phrase: str) -> DrugClass | None:
    """The class a class id or phrase ("CDK4/6 inhibitors", "SERDs", "taxane") names, else None."""
    return default_lexicon().resolve_class(phrase)


def get_class(class_id: str) -> DrugClass:
    """The class with this id; `UnknownTerm` for an unknown id."""
    return default_lexicon().get_class(class_id)


def class_label(class_id: str) -> str:
    """The human label of a class id, e.g. 'CDK4/6 inhibitor'."""
    return default_lexicon().get_class(class_id).label


def class_ancestors(class_id: str) -> frozenset[str]:
    """Every class above `class_id` (not itself)."""
    lex = default_lexicon()
    lex.get_class(class_id)
    return lex.ancestors[class_id]


def class_descendants(class_id: str) -> frozenset[str]:
    """Every class below `class_id` (not itself)."""
    lex = default_lexicon()
    lex.get_class(class_id)
    return lex.descendants[class_id]


def is_subclass(class_id: str, of: str) -> bool:
    """True when `class_id` is `of` or lies below it ("oral_serd" is a subclass of "serd")."""
    lex = default_lexicon()
    lex.get_class(of)
    return class_id == of or of in class_ancestors(class_id)


def drug_classes(drug: str | Drug) -> frozenset[str]:
    """A drug's direct classes plus all their ancestors. `UnknownTerm` for an unknown drug."""
    lex = default_lexicon()
    d = lex.drug(drug)
    out = set(d.classes)
    for c in d.classes:
        out |= lex.ancestors[c]
    return frozenset(out)


def drugs_in_class(class_id: str) -> tuple[Drug, ...]:
    """Every drug in the class or any class below it, by name."""
    lex = default_lexicon()
    lex.get_class(class_id)
    wanted = {class_id} | lex.descendants[class_id]
    return tuple(
        sorted(
            (d for d in lex.drugs.values() if wanted.intersection(d.classes)), key=lambda d: d.name
        )
    )


def counts_as_line(item: str | Drug | DrugClass) -> bool:
    """Whether a drug or class counts as a line of systemic anticancer therapy.

    A class id or DrugClass gives the class's flag (set in the file or inherited from its
    parents); a drug uses its own `line:` override if it has one, else counts when any of its
    classes does. Goserelin (ovarian suppression) and denosumab (bone) do not count.
    """
    lex = default_lexicon()
    if isinstance(item, DrugClass):
        return item.line
    if isinstance(item, str) and item in lex.classes:
        return lex.classes[item].line
    d = lex.drug(item)
    if d.line is not None:
        return d.line
    return any(lex.classes[c].line for c in d.classes)


def all_drugs() -> tuple[Drug, ...]:
    return tuple(default_lexicon().drugs.values())


def all_classes() -> tuple[DrugClass, ...]:
    return tuple(default_lexicon().classes.values())


def find_drug_mentions(text: str) -> list[Mention]:
    """Drugs and drug classes named in `text`, left to right; the longest name wins."""
    return default_lexicon().find_drug_mentions(text)


def resolve_gene(name: str, *, protein: bool = False) -> str | None:
    """The HGNC symbol a gene name or alias denotes, exactly (never fuzzy), else None.

    Names of the protein or receptor status ("ER", "estrogen receptor", "PgR") resolve only with
    `protein=True`: "ER-positive" is a receptor status, "ESR1 mutation" is about the gene.
    """
    return default_lexicon().resolve_gene(name, protein=protein)


def gene_aliases(symbol: str) -> tuple[str, ...]:
    """The other names of a gene (aliases, then protein names); `UnknownTerm` if unknown."""
    lex = default_lexicon()
    gene = lex.genes.get(symbol)
    if gene is None:
        raise UnknownTerm("gene symbol", symbol, lex.suggest_genes(symbol))
    return gene.aliases + gene.protein_names


def gene_family(name: str) -> tuple[str, ...]:
    """The genes a family name denotes ("BRCA1/2", "NTRK", "RAS"); one gene for a gene name."""
    return default_lexicon().gene_family(name)


def suggest_genes(name: str, limit: int = 3) -> list[str]:
    """Gene symbols whose names are close to `name`: suggestions only, never resolution."""
    return default_lexicon().suggest_genes(name, limit)


def find_gene_mentions(text: str, *, skip_drug_names: bool = True) -> list[Mention]:
    """Genes and gene families named in `text`; case matters for names that are also words.

    Genes inside a drug or class name ("EGFR TKI", "CDK4/6 inhibitor", "HER2-directed ADC")
    are left out unless `skip_drug_names=False`.
    """
    return default_lexicon().find_gene_mentions(text, skip_drug_names=skip_drug_names)


def _iter_examples(lex: Lexicon) -> Iterable[tuple[str, str, str, str, bool]]:
    """(file, entry, kind, example, expected) for every match/no_match example in the files."""
    for c in lex.class_entries.values():
        yield from (("class", c.id, "class", ex, True) for ex in c.match)
        yield from (("class", c.id, "class", ex, False) for ex in c.no_match)
    for d in lex.drug_entries.values():
        yield from (("drug", d.name, "drug", ex, True) for ex in d.match)
        yield from (("drug", d.name, "drug", ex, False) for ex in d.no_match)
    for g in lex.gene_entries.values():
        yield from (("gene", g.symbol, "gene", ex, True) for ex in g.match)
        yield from (("gene", g.symbol, "gene", ex, False) for ex in g.no_match)
    for f in lex.family_entries.values():
        yield from (("family", f.name, "gene_family", ex, True) for ex in f.match)
        yield from (("family", f.name, "gene_family", ex, False) for ex in f.no_match)
