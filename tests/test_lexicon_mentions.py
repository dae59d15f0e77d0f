"""Finding drug, class and gene mentions in eligibility sentences."""

from __future__ import annotations

import pytest

from criteria import lexicon as lx


def _ids(text: str) -> list[tuple[str, str]]:
    return [(m.kind, m.id) for m in lx.find_drug_mentions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Disease progression on a CDK4/6 inhibitor plus an AI",
            [("class", "cdk4_6_inhibitor"), ("class", "aromatase_inhibitor")],
        ),
        ("no previous fulvestrant or any other SERD", [("drug", "fulvestrant"), ("class", "serd")]),
        # the longest name wins: not "trastuzumab" + something
        ("prior trastuzumab deruxtecan is not allowed", [("drug", "trastuzumab deruxtecan")]),
        (
            "prior non-steroidal aromatase inhibitor",
            [("class", "nonsteroidal_aromatase_inhibitor")],
        ),
        (
            "prior oral SERDs such as ARV471 or AZD-9833",
            [("class", "oral_serd"), ("drug", "vepdegestrant"), ("drug", "camizestrant")],
        ),
        ("letrozole/anastrozole", [("drug", "letrozole"), ("drug", "anastrozole")]),
        ("platinum-based doublet chemotherapy", [("class", "platinum_chemotherapy")]),
        ("PD-1/PD-L1 inhibitors", [("class", "pd1_pdl1_inhibitor")]),
        ("an anti-PD-1 antibody", [("class", "anti_pd1")]),
        ("ERBB2-mutant tumours", []),
        # short names match only in their own case, and never inside words
        ("the aid of a caregiver; said; AIDS", []),
        ("et al. described", []),
        ("met all criteria", []),
        ("PI3Kα inhibitor", [("class", "pi3k_alpha_inhibitor")]),
        ("PI3K-alpha inhibitor", [("class", "pi3k_alpha_inhibitor")]),
    ],
)
def test_find_drug_mentions(text: str, expected: list[tuple[str, str]]) -> None:
    assert _ids(text) == expected


def test_mention_spans_point_at_the_words() -> None:
    text = "Prior Kisqali®, T-DXd or CDK4/6 inhibitor(s) allowed."
    mentions = lx.find_drug_mentions(text)
    assert [text[m.start : m.end] for m in mentions] == ["Kisqali", "T-DXd", "CDK4/6 inhibitor(s)"]
    assert [m.text for m in mentions] == ["Kisqali", "T-DXd", "CDK4/6 inhibitor(s)"]


def test_mentions_do_not_cross_punctuation() -> None:
    # "aromatase" and "inhibitor" separated by a comma are not one name
    assert _ids("aromatase, inhibitor") == []


def test_gene_mentions() -> None:
    text = "ESR1 mutation or PIK3CA/AKT1/PTEN alteration; ER-positive, HER2-negative; BRCA1/2"
    found = [(m.id, m.kind, m.protein) for m in lx.find_gene_mentions(text)]
    assert found == [
        ("ESR1", "gene", False),
        ("PIK3CA", "gene", False),
        ("AKT1", "gene", False),
        ("PTEN", "gene", False),
        ("ESR1", "gene", True),  # "ER" names the receptor, flagged as a protein reading
        ("ERBB2", "gene", False),
        ("BRCA1/2", "gene_family", False),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "patients who met the criteria",
        "a kit for testing",
        "return to baseline",
        "atm machine",
        "the alk phosphatase",
        "ERBB-related",
        "eGFR of at least 60 mL/min",  # estimated glomerular filtration rate, not the gene
        "reactive oxygen species (ROS)",
        "prior treatment with AR 67",  # a drug code, not the androgen receptor
    ],
)
def test_gene_mentions_ignore_ordinary_words(text: str) -> None:
    assert lx.find_gene_mentions(text) == []


def test_mentions_on_large_text_are_fast_enough() -> None:
    # not a timing test: a smoke check that a 40 kB text is scanned in one pass without error
    text = "Prior letrozole, CDK4/6 inhibitor and T-DXd; ESR1 Y537S; ECOG 0-1. " * 600
    assert len(lx.find_drug_mentions(text)) == 1800
    assert len(lx.find_gene_mentions(text)) == 600


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a bracketed abbreviation inside a name is stepped over: one mention, whole span
        (
            "a phosphatidylinositol 3-kinase (PI3K) inhibitor",
            ["phosphatidylinositol 3-kinase (PI3K) inhibitor"],
        ),
        (
            "with a luteinizing hormone-releasing hormone (LHRH) agonist",
            ["luteinizing hormone-releasing hormone (LHRH) agonist"],
        ),
        # ...but a trailing abbreviation is a mention of its own
        ("an aromatase inhibitor (AI) or tamoxifen", ["aromatase inhibitor", "AI", "tamoxifen"]),
        # brackets that are part of the name still work
        ("poly(ADP-ribose) polymerase inhibitors", ["poly(ADP-ribose) polymerase inhibitors"]),
    ],
)
def test_bracketed_abbreviations(text: str, expected: list[str]) -> None:
    assert [m.text for m in lx.find_drug_mentions(text)] == expected


@pytest.mark.parametrize(
    "text",
    [
        "FSH and estradiol in the postmenopausal range",
        "plasma estradiol and FSH must be premenopausal",
        "mammalian target of rapamycin (mTOR) pathway activation",
        "insulin-like growth factor 1 receptor expression",
        "hormone receptor-positive disease",
    ],
)
def test_stop_phrases_hide_drug_words_that_name_no_drug(text: str) -> None:
    assert lx.find_drug_mentions(text) == []


def test_stop_phrases_do_not_hide_the_drug_itself() -> None:
    assert _ids("prior high-dose estradiol") == [("class", "estrogen_therapy")]
    assert _ids("sirolimus (rapamycin)") == [("drug", "sirolimus"), ("drug", "sirolimus")]
