"""Drug names: exact resolution after normalisation, and suggestions with a high cutoff."""

from __future__ import annotations

import pytest

from criteria import lexicon as lx

LEX = lx.default_lexicon()


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("ARV-471", "vepdegestrant"),
        ("ARV471", "vepdegestrant"),
        ("ARV 471", "vepdegestrant"),
        ("AZD9833", "camizestrant"),
        ("GDC-0077", "inavolisib"),
        ("DS-8201a", "trastuzumab deruxtecan"),
        ("IMMU-132", "sacituzumab govitecan"),
        ("RAD1901", "elacestrant"),
        ("LY3484356", "imlunestrant"),
        ("T-DM1", "trastuzumab emtansine"),
        ("Kisqali®", "ribociclib"),
        ("IBRANCE™", "palbociclib"),
        ("  Faslodex ", "fulvestrant"),
        ("osimertinib mesylate", "osimertinib"),
        ("Osimertinib Mesylate Tablets", "osimertinib"),
        ("erlotinib hydrochloride", "erlotinib"),
        ("eribulin mesylate", "eribulin"),
        ("PEMETREXED DISODIUM", "pemetrexed"),
        ("5-FU", "fluorouracil"),
        ("S-1", "tegafur/gimeracil/oteracil"),
    ],
)
def test_resolve_drug(name: str, canonical: str) -> None:
    drug = lx.resolve_drug(name)
    assert drug is not None and drug.name == canonical


@pytest.mark.parametrize(
    "name",
    [
        "",
        "placebo",
        "chemotherapy",
        "trastuzumab deruxtecan biosimilar-like",
        "ARV-47",
        "sg",
        "ai",
        "letrozole/anastrozole",
        "Palbociclib + Letrozole",
        "carboplatin or cisplatin",
        "anti-HER2 therapy",
        "paclitaxel-like",
        "Gefitinib and placebo",
    ],
)
def test_not_a_drug(name: str) -> None:
    assert lx.resolve_drug(name) is None


def _code_variants() -> list[pytest.param]:  # type: ignore[valid-type]
    out = []
    for drug in LEX.drugs.values():
        for code in drug.codes:
            if "-" in code:
                for variant in (code.replace("-", ""), code.replace("-", " ")):
                    out.append(pytest.param(variant, drug.name, id=f"{drug.name}:{variant}"))
    return out


@pytest.mark.parametrize(("variant", "canonical"), _code_variants())
def test_every_code_name_resolves_without_its_hyphen(variant: str, canonical: str) -> None:
    drug = lx.resolve_drug(variant)
    assert drug is not None and drug.name == canonical


def test_drug_record_shape() -> None:
    drug = lx.resolve_drug("Enhertu")
    assert drug is not None
    assert drug.name == "trastuzumab deruxtecan"
    assert "T-DXd" in drug.synonyms and "DS-8201a" in drug.synonyms and "Enhertu" in drug.synonyms
    assert drug.classes == ("her2_adc", "adc_topoisomerase_i_payload")


@pytest.mark.parametrize(
    ("typo", "suggestion"),
    [
        ("Fluvestrin", "fulvestrant"),
        ("palbocyclib", "palbociclib"),
        ("Kisqaly", "Kisqali"),
        ("exemestone", "exemestane"),
        ("Loratinib", "lorlatinib"),
    ],
)
def test_suggest_drugs(typo: str, suggestion: str) -> None:
    assert lx.suggest_drugs(typo)[0] == suggestion


@pytest.mark.parametrize("name", ["ribavirin", "amoxicillin", "hello", "", "breast cancer"])
def test_suggest_drugs_has_a_high_cutoff(name: str) -> None:
    assert lx.suggest_drugs(name) == []


def test_suggest_drugs_limit() -> None:
    assert len(lx.suggest_drugs("Loratinib", limit=1)) == 1
    assert len(lx.suggest_drugs("Loratinib", limit=3)) <= 3


def test_lexicon_version_is_stable_and_content_based() -> None:
    assert LEX.version == lx.LEXICON_VERSION
    assert lx.LEXICON_VERSION.startswith("c1.d1.g1-")


@pytest.mark.parametrize(
    ("name", "agents"),
    [
        ("AC", ("doxorubicin", "cyclophosphamide")),
        ("ddAC-T", ("doxorubicin", "cyclophosphamide", "paclitaxel")),
        ("FEC100", ("fluorouracil", "epirubicin", "cyclophosphamide")),
        ("EC", ("epirubicin", "cyclophosphamide")),  # the bare name is taken when asked for
        ("palbociclib + letrozole", ("palbociclib", "letrozole")),
        ("Kisqali/Femara", ("ribociclib", "letrozole")),
        ("Paclitaxel + carboplatin", ("paclitaxel", "carboplatin")),
        ("letrozole", ("letrozole",)),
        ("letrozole or anastrozole", None),  # a choice, not a combination
        ("Gefitinib and placebo", None),
        ("chemotherapy", None),
    ],
)
def test_resolve_regimen(name: str, agents: tuple[str, ...] | None) -> None:
    found = lx.resolve_regimen(name)
    assert (tuple(d.name for d in found) if found is not None else None) == agents


def test_regimens_read_as_each_agent_in_text() -> None:
    text = "prior AC-T; approved by the EC; TC 220 mg/dL; TC regimen"
    found = [(m.text, m.id) for m in lx.find_drug_mentions(text)]
    assert found == [
        ("AC-T", "doxorubicin"),
        ("AC-T", "cyclophosphamide"),
        ("AC-T", "paclitaxel"),
        ("TC regimen", "docetaxel"),
        ("TC regimen", "cyclophosphamide"),
    ]
    assert lx.resolve_drug("AC") is None  # a regimen is not one drug
