"""Genes: exact lookup with aliases, protein names kept apart, families, suggestions only."""

from __future__ import annotations

import pytest

from criteria import lexicon as lx
from trialmatch.errors import UnknownTerm


@pytest.mark.parametrize(
    ("name", "symbol"),
    [
        ("HER2", "ERBB2"),
        ("HER-2", "ERBB2"),
        ("her2", "ERBB2"),
        ("HER2/neu", "ERBB2"),
        ("ERBB2", "ERBB2"),
        ("HER3", "ERBB3"),
        ("ERBB3", "ERBB3"),
        ("HER1", "EGFR"),
        ("c-MET", "MET"),
        ("MET", "MET"),
        ("p53", "TP53"),
        ("MEK1", "MAP2K1"),
        ("Rb", "RB1"),
        ("cyclin E1", "CCNE1"),
        ("ESR1", "ESR1"),
    ],
)
def test_resolve_gene(name: str, symbol: str) -> None:
    assert lx.resolve_gene(name) == symbol


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ERBB2", "ERBB3"),
        ("HER2", "HER3"),
        ("FGFR1", "FGFR2"),
        ("BRCA1", "BRCA2"),
        ("CCNE1", "CCNE2"),
        ("CDK4", "CDK6"),
    ],
)
def test_one_letter_apart_is_never_confused(a: str, b: str) -> None:
    assert lx.resolve_gene(a) != lx.resolve_gene(b)
    assert lx.resolve_gene(a) is not None and lx.resolve_gene(b) is not None


@pytest.mark.parametrize(
    "name", ["ERBB5", "HER5", "ERB2", "PIK3C", "BRCA", "met", "kit", "ret", "ar", "ER"]
)
def test_unknown_or_ambiguous_names_do_not_resolve(name: str) -> None:
    assert lx.resolve_gene(name) is None


@pytest.mark.parametrize(
    ("name", "symbol"),
    [
        ("ER", "ESR1"),
        ("estrogen receptor", "ESR1"),
        ("PgR", "PGR"),
        ("PR", "PGR"),
        ("PD-L1", "CD274"),
        ("TROP2", "TACSTD2"),
    ],
)
def test_protein_names_resolve_only_when_asked(name: str, symbol: str) -> None:
    assert lx.resolve_gene(name) is None
    assert lx.resolve_gene(name, protein=True) == symbol


def test_gene_aliases() -> None:
    aliases = lx.gene_aliases("ERBB2")
    assert "HER2" in aliases and "neu" in aliases
    assert "ER" in lx.gene_aliases("ESR1")  # protein names come last
    with pytest.raises(UnknownTerm):
        lx.gene_aliases("HER2")  # a symbol is asked for, not an alias


@pytest.mark.parametrize(
    ("name", "genes"),
    [
        ("BRCA1/2", ("BRCA1", "BRCA2")),
        ("BRCA", ("BRCA1", "BRCA2")),
        ("NTRK", ("NTRK1", "NTRK2", "NTRK3")),
        ("FGFR1-4", ("FGFR1", "FGFR2", "FGFR3", "FGFR4")),
        ("RAS", ("KRAS", "NRAS", "HRAS")),
        ("HER2", ("ERBB2",)),
        ("nonsense", ()),
    ],
)
def test_gene_family(name: str, genes: tuple[str, ...]) -> None:
    assert lx.gene_family(name) == genes


def test_suggest_genes_suggests_but_never_resolves() -> None:
    assert "ERBB2" in lx.suggest_genes("ERBB-22") or "ERBB2" in lx.suggest_genes("ERRB2")
    assert lx.resolve_gene("ERRB2") is None
    assert lx.suggest_genes("xyzzy") == []
