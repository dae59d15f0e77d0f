"""Patient profiles: strict validation whose errors name the field and never echo the value."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from matcher.loading import load_profile, load_profiles, parse_profile
from matcher.profile import GeneFinding, MarkerFinding, PartialDate
from trialmatch.errors import ProfileError

FULL = """
id: pt-0001
age: 61
sex: female
menopausal_status: postmenopausal
ecog: 1
diagnosis:
  cancer: breast cancer
  histology: ductal
  stage: metastatic
  metastatic_sites: [bone, liver]
  brain_metastases: none
  measurable_disease: true
  visceral_crisis: false
receptors:
  er: positive
  pr: negative
  her2: {ihc: "1+", ish: negative}
biomarkers:
  - {gene: ESR1, alteration: Y537S, origin: somatic, specimen: ctdna}
  - {gene: PIK3CA, alteration: p.H1047R}
  - {gene: BRCA2, alteration: mutation, origin: germline}
  - {gene: CCNE1, alteration: amplification}
  - {marker: PD-L1, value: 12, unit: CPS}
  - {marker: AR, value: 60, unit: "%"}
tested_negative: [AKT1, PTEN]
treatments:
  - agents: [letrozole, palbociclib]
    setting: metastatic
    start: 2022-02
    end: 2024-01
    outcome: progression
labs: {hba1c: 5.9}
conditions: [type 2 diabetes]
location: {postal_code: "02215", country: US}
"""


def write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(data: dict[str, object]) -> str:
    with pytest.raises(ProfileError) as caught:
        parse_profile(data, "test")
    return str(caught.value)


def test_the_contract_example_loads(tmp_path: Path) -> None:
    profile = load_profile(write(tmp_path, FULL))
    assert profile.id == "pt-0001"
    assert profile.diagnosis and profile.diagnosis.stage == "metastatic"
    esr1, pik3ca = profile.biomarkers[0], profile.biomarkers[1]  # type: ignore[index]
    assert isinstance(esr1, GeneFinding) and esr1.variant == "Y537S"
    assert isinstance(pik3ca, GeneFinding) and pik3ca.variant == "H1047R"
    assert isinstance(profile.biomarkers[4], MarkerFinding)  # type: ignore[index]
    assert profile.treatments and profile.treatments[0].start == PartialDate(year=2022, month=2)


def test_only_id_is_required() -> None:
    profile = parse_profile({"id": "pt-x"})
    assert profile.treatments is None and profile.biomarkers is None


def test_missing_id_is_named() -> None:
    assert "id: Field required" in error_of({"age": 50})


def test_unknown_field_gets_did_you_mean_and_the_accepted_fields() -> None:
    message = error_of({"id": "pt-1", "menopausal_stat": "postmenopausal"})
    assert "menopausal_stat: unknown field" in message
    assert "did you mean `menopausal_status`" in message


def test_unknown_nested_field_suggests_from_its_own_level() -> None:
    message = error_of({"id": "pt-1", "diagnosis": {"stgae": "metastatic"}})
    assert "diagnosis.stgae" in message and "did you mean `stage`" in message


def test_errors_name_type_and_accepted_values_but_never_the_value() -> None:
    message = error_of({"id": "pt-1", "sex": "femael", "age": "sixty-one"})
    assert "sex" in message and "'female' or 'male'" in message
    assert "femael" not in message and "sixty-one" not in message
    assert "(got text)" in message


def test_misspelt_drug_is_an_error_with_a_suggestion() -> None:
    message = error_of({"id": "pt-1", "treatments": [{"agents": ["palbocilib"]}]})
    assert "treatments[0].agents" in message
    assert "did you mean palbociclib" in message


def test_brand_and_code_names_resolve_to_generic_names() -> None:
    profile = parse_profile(
        {"id": "pt-1", "treatments": [{"agents": ["Kisqali", "ARV-471", "DS-8201a"]}]}
    )
    assert profile.treatments and profile.treatments[0].agents == (
        "ribociclib",
        "vepdegestrant",
        "trastuzumab deruxtecan",
    )


def test_unknown_gene_is_an_error_never_a_fuzzy_match() -> None:
    message = error_of({"id": "pt-1", "biomarkers": [{"gene": "ESR7", "alteration": "mutation"}]})
    assert "biomarkers[0].gene" in message and "not a gene symbol" in message
    profile = parse_profile(
        {"id": "pt-1", "biomarkers": [{"gene": "HER2", "alteration": "amplification"}]}
    )
    assert profile.biomarkers and profile.biomarkers[0].gene == "ERBB2"  # type: ignore[union-attr]


def test_gene_both_found_and_ruled_out_is_rejected() -> None:
    message = error_of(
        {
            "id": "pt-1",
            "biomarkers": [{"gene": "ESR1", "alteration": "mutation"}],
            "tested_negative": ["ESR1"],
        }
    )
    assert "both" in message


@pytest.mark.parametrize(
    ("given", "stage"),
    [
        ("IV", "metastatic"),
        ("stage IIIB", "locally advanced"),
        ("IIA", "early"),
        ("locally advanced", "locally advanced"),
        ("metastatic", "metastatic"),
    ],
)
def test_stage_accepts_words_and_ajcc_groups(given: str, stage: str) -> None:
    profile = parse_profile({"id": "pt-1", "diagnosis": {"stage": given}})
    assert profile.diagnosis and profile.diagnosis.stage == stage


def test_her2_category_or_test_results() -> None:
    assert parse_profile({"id": "a", "receptors": {"her2": "low"}}).receptors.her2 == "low"  # type: ignore[union-attr]
    test = parse_profile(
        {"id": "a", "receptors": {"her2": {"ihc": 2, "ish": "negative"}}}
    ).receptors.her2  # type: ignore[union-attr]
    assert test.ihc == "2+"  # type: ignore[union-attr]


@pytest.mark.parametrize("value", [2022, "2022-03", "2022-03-15", dt.date(2022, 3, 15)])
def test_dates_take_year_month_or_day(value: object) -> None:
    profile = parse_profile({"id": "a", "treatments": [{"agents": ["letrozole"], "start": value}]})
    assert (
        profile.treatments
        and profile.treatments[0].start
        and profile.treatments[0].start.year == 2022
    )


def test_end_before_start_is_rejected() -> None:
    message = error_of(
        {"id": "a", "treatments": [{"agents": ["letrozole"], "start": "2023-01", "end": "2022-01"}]}
    )
    assert "`end` is before `start`" in message


def test_unknown_lab_key_suggests_the_known_ones() -> None:
    message = error_of({"id": "a", "labs": {"hba1": 6.1}})
    assert "did you mean hba1c" in message


def test_ids_must_be_pseudonymous_references() -> None:
    assert "pseudonymous" in error_of({"id": "Jane Doe"})


def test_cohort_formats_json_array_jsonl_yaml_list(tmp_path: Path) -> None:
    people = [{"id": "a", "age": 50}, {"id": "b", "sex": "male"}]
    array = write(tmp_path, json.dumps(people), "c.json")
    lines = write(tmp_path, "\n".join(json.dumps(p) for p in people) + "\n", "c.jsonl")
    yaml_list = write(tmp_path, "- id: a\n  age: 50\n- id: b\n  sex: male\n", "c.yaml")
    for path in (array, lines, yaml_list):
        assert [p.id for p in load_profiles(path)] == ["a", "b"]


def test_cohort_errors_name_the_record(tmp_path: Path) -> None:
    path = write(tmp_path, '{"id": "a"}\n{"id": "b", "ecog": 7}\n', "c.jsonl")
    with pytest.raises(ProfileError) as caught:
        load_profiles(path)
    assert (
        "line 2" in str(caught.value)
        and "ecog" in str(caught.value)
        and "7" not in str(caught.value).split("ecog")[1].split("(")[0]
    )


def test_duplicate_ids_in_a_cohort_are_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, '{"id": "a"}\n{"id": "a"}\n', "c.jsonl")
    with pytest.raises(ProfileError, match="unique"):
        load_profiles(path)


def test_bad_yaml_says_where(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="line"):
        load_profile(write(tmp_path, "id: a\n  bad: [\n"))


def test_an_invalid_id_is_never_repeated_in_the_message() -> None:
    message = error_of({"id": "Jane Doe", "age": 50})
    assert "Jane" not in message


@pytest.mark.parametrize(
    ("alteration", "kind"),
    [
        ("frameshift", "mutation"),
        ("homozygous deletion", "deletion"),
        ("exon 19 deletion", "mutation"),
        ("amplified", "amplification"),
        ("rearrangement", "fusion"),
        ("p.E545K", "mutation"),
    ],
)
def test_alteration_words_map_to_their_type(alteration: str, kind: str) -> None:
    finding = parse_profile({"id": "a", "biomarkers": [{"gene": "EGFR", "alteration": alteration}]})
    assert finding.biomarkers and finding.biomarkers[0].kind == kind  # type: ignore[union-attr]


def test_forgiving_spellings_of_contract_values() -> None:
    profile = parse_profile(
        {
            "id": "a",
            "receptors": {"er": 90, "her2": "2+"},
            "biomarkers": [
                {"marker": "MSI", "value": "high"},
                {"marker": "PD-L1", "value": "12", "unit": "CPS"},
            ],
            "treatments": [{"agents": ["letrozole"], "setting": "advanced"}],
        }
    )
    assert profile.receptors and profile.receptors.er_percent == 90
    assert profile.receptors.her2 and profile.receptors.her2.ihc == "2+"  # type: ignore[union-attr]
    assert [f.label() for f in profile.biomarkers or ()] == ["MSI high", "PD-L1 12 CPS"]
    assert profile.treatments and profile.treatments[0].setting == "metastatic"


@pytest.mark.parametrize(
    "alteration", ["D770_N771insSVD", "A767_V769dupASV", "L747_P753delinsS", "p.(E746_A750del)"]
)
def test_protein_changes_over_a_range_are_accepted(alteration: str) -> None:
    """Molecular reports write insertions and deletions over a range of codons (HGVS)."""
    profile = parse_profile(
        {"id": "pt-v", "biomarkers": [{"gene": "EGFR", "alteration": alteration}]}
    )
    assert profile.biomarkers[0].alteration == alteration.removeprefix("p.").strip("()")


@pytest.mark.parametrize("alteration", ["EML4-ALK", "EML4::ALK", "EML4-ALK v3", "KIF5B-RET fusion"])
def test_a_fusion_written_as_its_partners_is_a_fusion(alteration: str) -> None:
    gene = alteration.split("-")[-1].split(":")[-1].split()[0]
    profile = parse_profile(
        {"id": "pt-f", "biomarkers": [{"gene": gene, "alteration": alteration}]}
    )
    assert profile.biomarkers[0].kind == "fusion"


def test_a_kind_of_sarcoma_is_read_as_sarcoma() -> None:
    from matcher.patient import Patient

    profile = parse_profile({"id": "pt-1", "diagnosis": {"cancer": "leiomyosarcoma"}})
    assert Patient(profile).cancer == "sarcoma"


def test_a_cancer_name_trialmatch_cannot_place_is_an_error_that_says_what_to_write() -> None:
    message = error_of({"id": "pt-1", "diagnosis": {"cancer": "melanomma"}})
    assert "diagnosis.cancer: names no cancer trialmatch recognises" in message
    assert "did you mean melanoma" in message and "sarcoma" in message  # the accepted names
    assert "melanomma" not in message
    plain = error_of({"id": "pt-1", "diagnosis": {"cancer": "chordoma of the sacrum"}})
    assert "accepted:" in plain and "chordoma" not in plain
    # free text stays free where it names any cancer, tumour or carcinoma
    parse_profile({"id": "pt-1", "diagnosis": {"cancer": "Merkel cell carcinoma"}})


def test_tested_negative_takes_a_gene_and_a_variant() -> None:
    profile = parse_profile({"id": "pt-1", "tested_negative": ["ALK", "EGFR p.T790M"]})
    assert profile.tested_negative == ("ALK", "EGFR T790M")
    # the driver found, the resistance variant ruled out: no conflict
    parse_profile({"id": "pt-1", "biomarkers": [{"gene": "EGFR", "alteration": "L858R"}],
                   "tested_negative": ["EGFR T790M"]})  # fmt: skip
    clash = error_of({"id": "pt-1", "biomarkers": [{"gene": "EGFR", "alteration": "T790M"}],
                      "tested_negative": ["EGFR T790M"]})  # fmt: skip
    assert "both in `biomarkers` and in `tested_negative`" in clash


def test_a_variant_without_its_gene_says_how_to_write_it() -> None:
    message = error_of({"id": "pt-1", "tested_negative": ["KRAS", "C797S"]})
    assert "tested_negative: entry 2 is a variant without its gene" in message
    assert '"EGFR T790M"' in message and "C797S" not in message
