"""Drugs, drug classes and genes: domain knowledge kept as data, looked up exactly.

The package: `records` (the files' shapes and the records handed out), `names` (normalisation
and the phrase trie), `core` (the loaded `Lexicon`) and this module (the bundled lexicon's
functions, which is what other code calls).

The knowledge lives in three YAML files in `criteria/data/` (drugs.yaml, drug_classes.yaml,
genes.yaml). They are loaded once with importlib.resources, validated with pydantic
(`extra="forbid"`), checked for consistency (unknown class ids, cycles, one phrase naming two
things) and cached. A bad file raises `DataFileError` naming the file, the entry and the field.

Lookups are exact after normalisation, never fuzzy: case, ®/™, hyphens and spaces, and salt or
dosage-form suffixes ("osimertinib mesylate tablets") are ignored; short all-letter names (three
letters or fewer, such as "AI", "SG", "MET") must match their case, so that "ai" or "met" in
ordinary words never reads as a drug class or a gene. Fuzzy matching (rapidfuzz) only suggests.

Typical use::

    resolve_drug("ARV-471").name                       # 'vepdegestrant'
    is_subclass("oral_serd", of="endocrine_therapy")     # True
    "cdk4_6_inhibitor" in drug_classes("Kisqali")        # True
    counts_as_line("goserelin")                          # False: ovarian suppression alone
    find_drug_mentions("after a CDK4/6i and fulvestrant")  # two Mention objects
    resolve_gene("HER2")                                 # 'ERBB2'
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from criteria.lexicon.core import DATA_FILES, Lexicon
from criteria.lexicon.names import normalize_key
from criteria.lexicon.records import Drug, DrugClass, Gene, Mention, Regimen
from trialmatch.errors import DataFileError, UnknownTerm

__all__ = [
    "DATA_FILES",
    "LEXICON_VERSION",
    "Drug",
    "DrugClass",
    "Gene",
    "Lexicon",
    "Mention",
    "Regimen",
    "all_classes",
    "all_drugs",
    "class_ancestors",
    "class_descendants",
    "class_label",
    "class_path",
    "could_mention_drug",
    "could_mention_gene",
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
    "resolve_regimen",
    "suggest_drugs",
    "suggest_genes",
]

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


def resolve_regimen(name: str) -> tuple[Drug, ...] | None:
    """The agents of a regimen ("AC", "FOLFOX"), a combination ("palbociclib + letrozole") or
    one drug; None when the name holds anything else (a choice: "letrozole or anastrozole")."""
    return default_lexicon().resolve_regimen(name)


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


def class_path(drug: str | Drug, class_id: str) -> tuple[str, ...]:
    """How a drug belongs to a class, as class ids from the drug's direct class up to
    `class_id` (shortest path; empty when it does not belong). For explanations:
    class_path("T-DXd", "topoisomerase_i_inhibitor") ->
    ("adc_topoisomerase_i_payload", "topoisomerase_i_inhibitor")."""
    lex = default_lexicon()
    lex.get_class(class_id)
    frontier: list[tuple[str, ...]] = [(c,) for c in lex.drug(drug).classes]
    while frontier:
        for path in frontier:
            if path[-1] == class_id:
                return path
        frontier = [(*p, parent) for p in frontier for parent in lex.classes[p[-1]].parents]
    return ()


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


def could_mention_drug(text: str, tokens: list[str] | None = None) -> bool:
    """Whether a drug or class name can start in `text`: a cheap test to skip
    `find_drug_mentions` on text that cannot name one (it never says False wrongly).
    `tokens`: the text's lower-case letter and digit runs, in order, if the caller has them
    (`criteria.fastre.Words.sequence`)."""
    return default_lexicon().could_mention_drug(text, tokens)


def could_mention_gene(text: str, tokens: list[str] | None = None) -> bool:
    """Whether a gene or gene family name can start in `text` (see `could_mention_drug`)."""
    return default_lexicon().could_mention_gene(text, tokens)


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
