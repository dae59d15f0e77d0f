"""The drug class tree: what a drug is, what it counts as, and what a class contains."""

from __future__ import annotations

import pytest

from criteria import lexicon as lx
from trialmatch.errors import UnknownTerm


@pytest.mark.parametrize(
    ("drug", "cls"),
    [
        ("ribociclib", "cdk4_6_inhibitor"),
        ("Kisqali", "cdk4_6_inhibitor"),
        ("palbociclib", "cdk_inhibitor"),
        ("fulvestrant", "serd"),
        ("fulvestrant", "injectable_serd"),
        ("fulvestrant", "endocrine_therapy"),
        ("elacestrant", "oral_serd"),
        ("RAD1901", "serd"),
        ("camizestrant", "oral_serd"),
        ("ARV-471", "er_protac"),
        ("vepdegestrant", "er_degrader"),
        ("vepdegestrant", "endocrine_therapy"),
        ("letrozole", "nonsteroidal_aromatase_inhibitor"),
        ("exemestane", "steroidal_aromatase_inhibitor"),
        ("anastrozole", "aromatase_inhibitor"),
        ("tamoxifen", "serm"),
        ("paclitaxel", "taxane"),
        ("paclitaxel", "chemotherapy"),
        ("nab-paclitaxel", "taxane"),
        ("capecitabine", "fluoropyrimidine"),
        ("capecitabine", "chemotherapy"),
        ("epirubicin", "anthracycline"),
        ("carboplatin", "platinum_chemotherapy"),
        ("eribulin", "microtubule_inhibitor"),
        ("T-DXd", "antibody_drug_conjugate"),
        ("T-DXd", "adc_topoisomerase_i_payload"),
        ("T-DXd", "topoisomerase_i_inhibitor"),
        ("T-DXd", "her2_targeted_therapy"),
        ("DS-8201a", "her2_adc"),
        ("T-DM1", "adc_microtubule_payload"),
        ("sacituzumab govitecan", "trop2_adc"),
        ("IMMU-132", "topoisomerase_i_inhibitor"),
        ("irinotecan", "topoisomerase_i_inhibitor"),
        ("alpelisib", "pi3k_alpha_inhibitor"),
        ("GDC-0077", "pi3k_inhibitor"),
        ("capivasertib", "akt_inhibitor"),
        ("everolimus", "mtor_inhibitor"),
        ("everolimus", "pi3k_akt_mtor_inhibitor"),
        ("olaparib", "parp_inhibitor"),
        ("pembrolizumab", "anti_pd1"),
        ("atezolizumab", "immune_checkpoint_inhibitor"),
        ("osimertinib", "egfr_tki_third_generation"),
        ("gefitinib", "egfr_tki"),
        ("lorlatinib", "alk_inhibitor"),
        ("crizotinib", "met_inhibitor"),
        ("bevacizumab", "antiangiogenic_therapy"),
        ("goserelin", "gnrh_agonist"),
        ("goserelin", "ovarian_function_suppression"),
        ("denosumab", "bone_modifying_agent"),
    ],
)
def test_drug_is_in_class(drug: str, cls: str) -> None:
    assert cls in lx.drug_classes(drug)


@pytest.mark.parametrize(
    ("drug", "cls"),
    [
        ("T-DXd", "chemotherapy"),  # an ADC is not counted as chemotherapy by class
        ("T-DXd", "taxane"),
        ("T-DM1", "taxane"),
        ("trastuzumab", "antibody_drug_conjugate"),
        ("fulvestrant", "oral_serd"),
        ("vepdegestrant", "serd"),  # a PROTAC degrades ER but is not a SERD
        ("tamoxifen", "serd"),
        ("letrozole", "steroidal_aromatase_inhibitor"),
        ("palbociclib", "endocrine_therapy"),
        ("goserelin", "aromatase_inhibitor"),
        ("denosumab", "systemic_anticancer_therapy"),
        ("osimertinib", "egfr_tki_first_generation"),
        ("alpelisib", "akt_inhibitor"),
        ("olaparib", "chemotherapy"),
    ],
)
def test_drug_is_not_in_class(drug: str, cls: str) -> None:
    assert cls not in lx.drug_classes(drug)


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("goserelin", False),
        ("leuprolide", False),
        ("gnrh_agonist", False),
        ("ovarian_function_suppression", False),
        ("denosumab", False),
        ("zoledronic acid", False),
        ("bone_modifying_agent", False),
        ("trilaciclib", False),
        ("dexamethasone", False),
        ("letrozole", True),
        ("fulvestrant", True),
        ("ribociclib", True),
        ("paclitaxel", True),
        ("T-DXd", True),
        ("pembrolizumab", True),
        ("endocrine_therapy", True),
        ("chemotherapy", True),
        ("taxane", True),
        ("cdk4_6_inhibitor", True),
        ("investigational_agent", True),
    ],
)
def test_counts_as_line(item: str, expected: bool) -> None:
    assert lx.counts_as_line(item) is expected


def test_counts_as_line_takes_records() -> None:
    drug = lx.resolve_drug("goserelin")
    assert drug is not None and lx.counts_as_line(drug) is False
    cls = lx.resolve_class("taxanes")
    assert cls is not None and lx.counts_as_line(cls) is True


@pytest.mark.parametrize(
    ("child", "parent", "expected"),
    [
        ("oral_serd", "serd", True),
        ("oral_serd", "endocrine_therapy", True),
        ("serd", "serd", True),
        ("serd", "oral_serd", False),
        ("taxane", "chemotherapy", True),
        ("taxane", "microtubule_inhibitor", True),
        ("adc_topoisomerase_i_payload", "topoisomerase_i_inhibitor", True),
        ("adc_topoisomerase_i_payload", "chemotherapy", False),
        ("her2_adc", "her2_targeted_therapy", True),
        ("gnrh_agonist", "endocrine_therapy", True),
        ("cdk4_6_inhibitor", "endocrine_therapy", False),
    ],
)
def test_is_subclass(child: str, parent: str, expected: bool) -> None:
    assert lx.is_subclass(child, of=parent) is expected


def test_drugs_in_class_includes_subclasses() -> None:
    names = {d.name for d in lx.drugs_in_class("serd")}
    assert {"fulvestrant", "elacestrant", "camizestrant", "imlunestrant", "giredestrant"} <= names
    assert "vepdegestrant" not in names
    assert "vepdegestrant" in {d.name for d in lx.drugs_in_class("er_degrader")}
    cdk = {d.name for d in lx.drugs_in_class("cdk4_6_inhibitor")}
    assert {"palbociclib", "ribociclib", "abemaciclib"} <= cdk
    assert "letrozole" not in cdk


def test_class_ancestors_and_descendants() -> None:
    assert lx.class_ancestors("oral_serd") >= {"serd", "er_degrader", "endocrine_therapy"}
    assert "oral_serd" not in lx.class_ancestors("oral_serd")
    assert {"oral_serd", "injectable_serd"} <= lx.class_descendants("serd")


@pytest.mark.parametrize(
    ("phrase", "class_id"),
    [
        ("CDK4/6 inhibitors", "cdk4_6_inhibitor"),
        ("CDK 4/6i", "cdk4_6_inhibitor"),
        ("cyclin-dependent kinase 4/6 inhibitor", "cdk4_6_inhibitor"),
        ("SERDs", "serd"),
        ("AI", "aromatase_inhibitor"),
        ("aromatase inhibitors", "aromatase_inhibitor"),
        ("non-steroidal AI", "nonsteroidal_aromatase_inhibitor"),
        ("hormonal therapy", "endocrine_therapy"),
        ("anti-estrogen", "endocrine_therapy"),
        ("taxane", "taxane"),
        ("platinum-based chemotherapy", "platinum_chemotherapy"),
        ("anthracyclines", "anthracycline"),
        ("immune checkpoint inhibitor", "immune_checkpoint_inhibitor"),
        ("anti-PD-1/PD-L1", "pd1_pdl1_inhibitor"),
        ("PARP inhibitor", "parp_inhibitor"),
        ("antibody-drug conjugate", "antibody_drug_conjugate"),
        ("topoisomerase I inhibitor", "topoisomerase_i_inhibitor"),
        ("oral_serd", "oral_serd"),  # an id resolves to itself
    ],
)
def test_resolve_class(phrase: str, class_id: str) -> None:
    cls = lx.resolve_class(phrase)
    assert cls is not None and cls.id == class_id


def test_class_label() -> None:
    assert lx.class_label("cdk4_6_inhibitor") == "CDK4/6 inhibitor"
    assert lx.class_label("oral_serd") == "oral SERD"


def test_unknown_ids_raise_with_suggestions() -> None:
    with pytest.raises(UnknownTerm) as err:
        lx.class_ancestors("oral_serds")
    assert "oral_serd" in err.value.suggestions
    with pytest.raises(UnknownTerm):
        lx.is_subclass("serd", of="no_such_class")


def test_unknown_drug_error_does_not_echo_the_name() -> None:
    # drug names from a profile are health data: the message suggests, it does not repeat
    with pytest.raises(UnknownTerm) as err:
        lx.drug_classes("Kisqaly")
    assert "Kisqaly" not in str(err.value)
    assert err.value.suggestions == ("Kisqali",)


def test_unknown_term_is_a_key_error_with_a_plain_message() -> None:
    with pytest.raises(KeyError) as err:
        lx.class_label("systemic_therapy")
    assert str(err.value).startswith("unknown drug class id 'systemic_therapy'")


@pytest.mark.parametrize(
    ("drug", "cls", "path"),
    [
        (
            "T-DXd",
            "topoisomerase_i_inhibitor",
            ("adc_topoisomerase_i_payload", "topoisomerase_i_inhibitor"),
        ),
        ("ribociclib", "cdk4_6_inhibitor", ("cdk4_6_inhibitor",)),
        (
            "elacestrant",
            "endocrine_therapy",
            ("oral_serd", "serd", "er_degrader", "endocrine_therapy"),
        ),
        ("letrozole", "chemotherapy", ()),
    ],
)
def test_class_path_explains_membership(drug: str, cls: str, path: tuple[str, ...]) -> None:
    assert lx.class_path(drug, cls) == path
