"""Sections, items, nesting, continuation lines, cohort labels and spans."""

from __future__ import annotations

import pytest

from criteria import PARSER_VERSION, parse_criteria
from criteria.coverage import unrepresented_lines

BULLETS = (
    "Inclusion Criteria:\n\n"
    "* Adults with a solid tumour\n"
    "* Able to swallow tablets\n\n"
    "Exclusion Criteria:\n\n"
    "* Pregnant \\> 12 weeks\n"
)


def test_sections_and_items() -> None:
    parsed = parse_criteria(BULLETS)
    assert list(dict.fromkeys((c.section, c.item) for c in parsed)) == [
        ("inclusion", 0),
        ("inclusion", 1),
        ("exclusion", 2),
    ]


def test_a_section_of_plain_lines_in_a_bulleted_text_has_one_item_per_line() -> None:
    """The older layout can mix: a bulleted inclusion list, then an exclusion section with one
    criterion per line and no bullets. Each of those lines is an item, not one long item."""
    mixed = (
        "Inclusion Criteria:\n"
        "  * Metastatic breast cancer\n"
        "Exclusion Criteria:\n"
        "  Has received an anti-PD-1 antibody before\n"
        "  Has known active hepatitis B\n"
        "  Has had a live vaccine in the 30 days before the first dose\n"
    )
    parsed = parse_criteria(mixed)
    excluded = {c.item for c in parsed if c.section == "exclusion"}
    assert len(excluded) == 3
    pd1 = next(c for c in parsed if c.kind == "prior_therapy" and c.classes)
    assert pd1.within_days is None  # the vaccine's 30 days are not the antibody's


def test_plain_lines_after_a_dashed_line_of_the_older_layout_are_items_of_their_own() -> None:
    """The older layout writes a sub-element with a dash ("  - With metastatic disease") among
    plain lines, with no blank lines: the plain lines after it are criteria of their own (read
    as its continuation, 50 lines became 6 items and "ECOG 0-1" or "no prior chemotherapy for
    metastatic disease" were lost inside them)."""
    legacy = (
        "DISEASE CHARACTERISTICS:\n"
        "  Invasive breast cancer, confirmed by histology\n"
        "  - With metastatic disease\n"
        "  At least one measurable lesion\n"
        "  No active brain metastases\n"
        "PATIENT CHARACTERISTICS:\n"
        "  ECOG 0-1\n"
        "  Not pregnant\n"
        "  No peripheral neuropathy above grade 1\n"
        "PRIOR CONCURRENT THERAPY:\n"
        "  No prior chemotherapy for metastatic disease\n"
    )
    parsed = parse_criteria(legacy)
    assert len({c.item for c in parsed}) == 8
    kinds = {c.kind for c in parsed}
    assert {"performance_status", "cns_metastases", "prior_therapy"} <= kinds


def test_an_exclusion_naming_only_the_advanced_stages_the_trial_asks_for_is_their_setting() -> None:
    """'Over 2 endocrine lines for unresectable locally advanced or metastatic disease (Cohort
    1)', in a trial for locally advanced or metastatic disease: the stage words
    are the setting of the lines, never an exclusion every patient of the trial meets."""
    text = (
        "Inclusion Criteria:\n\n"
        "* Locally advanced or metastatic breast cancer\n\n"
        "Exclusion Criteria:\n\n"
        "* Over 2 endocrine lines given for unresectable locally advanced or metastatic "
        "disease in Cohort 1; over 1 line in Cohort 2. A note on counting: adjuvant therapy "
        "is not a line for advanced disease\n"
    )
    parsed = parse_criteria(text)
    assert not [c for c in parsed if c.section == "exclusion" and c.kind == "disease_stage"]
    assert [c for c in parsed if c.section == "exclusion" and c.kind == "line_count"]


def test_text_is_unescaped_and_span_points_into_the_original() -> None:
    last = parse_criteria(BULLETS)[-1]
    assert last.text == "Pregnant > 12 weeks"
    start, end = last.span
    assert BULLETS[start:end] == "Pregnant \\> 12 weeks"


@pytest.mark.parametrize(
    ("header", "section"),
    [
        ("Inclusion Criteria:", "inclusion"),
        ("Key Inclusion Criteria:", "inclusion"),
        ("Inclusion Criteria", "inclusion"),
        ("inclusion criteria :", "inclusion"),
        ("EXCLUSION CRITERIA:", "exclusion"),
        ("Key exclusion Criteria:", "exclusion"),
        ("Exclusion Criteria - Phase 2:", "exclusion"),
        ("Main Exclusion Criteria:", "exclusion"),
        ("Exclusion criteria for the lung cohort:", "exclusion"),
        ("People cannot take part in this study if they:", "exclusion"),
        ("Any of these will make a person ineligible:", "exclusion"),
    ],
)
def test_header_variants(header: str, section: str) -> None:
    parsed = parse_criteria(f"{header}\n\n* Has a tumour that can be measured\n")
    items = [c for c in parsed if c.item >= 0]
    assert [c.section for c in items] == [section]
    assert items[0].text == "Has a tumour that can be measured"


@pytest.mark.parametrize(
    ("header", "abridged"),
    [("Key Inclusion Criteria:", True), ("Main Exclusion Criteria:", True),
     ("Inclusion Criteria:", False), ("Key inclusion criteria for Cohort A:", True)],
)  # fmt: skip
def test_a_list_of_key_criteria_leaves_a_notice(header: str, abridged: bool) -> None:
    parsed = parse_criteria(f"{header}\n\n* Has a tumour that can be measured\n")
    notices = [c for c in parsed if c.kind == "unrecognized" and c.reason == "abridged"]
    assert len(notices) == int(abridged)
    if abridged:
        assert notices[0].item == -1 and notices[0].text == header


def test_text_without_header_is_inclusion() -> None:
    parsed = parse_criteria("Adults only.\nMust be able to attend visits.")
    assert [c.section for c in parsed] == ["inclusion", "inclusion"]


def test_continuation_lines_join_their_item() -> None:
    text = (
        "Inclusion Criteria:\n\n"
        "1. Bone marrow working well, meaning\n"
        "   neutrophils above the usual limit\n"
        "2. Able to come to the clinic\n"
    )
    parsed = parse_criteria(text)
    assert parsed[0].text == "Bone marrow working well, meaning neutrophils above the usual limit"
    assert text[parsed[0].span[0] : parsed[0].span[1]].endswith("usual limit")
    assert len({c.item for c in parsed}) == 2


def test_escaped_numbered_items() -> None:
    text = "Exclusion Criteria:\n\n1\\. First thing\n2\\. Second thing\n"
    assert [c.text for c in parse_criteria(text)] == ["First thing", "Second thing"]


def test_short_intro_is_carried_into_nested_children() -> None:
    text = "Exclusion Criteria:\n\n* Earlier use of:\n  * a study drug\n  * a blood thinner\n"
    assert [c.text for c in parse_criteria(text)] == [
        "Earlier use of: a study drug",
        "Earlier use of: a blood thinner",
    ]


@pytest.mark.parametrize(
    ("label", "cohort"),
    [
        ("Cohort B:", "Cohort B"),
        ("Part 2 only:", "Part 2"),
        ("For the first-line cohort:", "first-line cohort"),
    ],
)
def test_cohort_label_lines(label: str, cohort: str) -> None:
    text = f"Inclusion Criteria:\n\n* Adults\n\n{label}\n\n* Tumour sample available\n"
    parsed = parse_criteria(text)
    assert [c.cohort for c in parsed] == [None, cohort]


def test_a_label_nested_under_an_item_ends_with_that_item() -> None:
    """'3. Patients with:' then indented 'Part 2 only:' and its bullets: item 4 is everyone's; a
    nested label followed at once by top-level items governs them, as a plain label does."""
    text = (
        "Inclusion Criteria:\n\n1. Adults\n2. Patients with:\n\n   Part 1 only:\n"
        "   * No prior systemic therapy\n\n   Part 2 only:\n   * One prior line\n"
        "3. Life expectancy of at least 12 weeks\n"
    )
    assert [(c.kind, c.cohort) for c in parse_criteria(text)][-3:] == [
        ("prior_therapy", "Part 1"),
        ("line_count", "Part 2"),
        ("life_expectancy", None),
    ]
    governing = (
        "Inclusion Criteria:\n\n1. Adults\n\n   Part B:\n2. One prior line\n"
        "3. Life expectancy of at least 12 weeks\n"
    )
    assert [c.cohort for c in parse_criteria(governing)][-2:] == ["Part B", "Part B"]


def test_a_one_line_lettered_list_is_the_whole_list_of_its_introduction() -> None:
    """'... one of these cancers:' / '- A. Breast cancer B. Gastric cancer' / '- Older than 18':
    the line after the lettered list is a criterion of its own, not one more choice."""
    text = (
        "Inclusion Criteria:\n"
        "  All patients: must have one of these cancers:\n"
        "  - A. Metastatic breast cancer B. Advanced gastric cancer\n"
        "  - Performance: ECOG performance status 0 or 1\n"
        "Exclusion Criteria\n"
        "  Pregnancy\n"
    )
    (ecog,) = [c for c in parse_criteria(text) if c.kind == "performance_status"]
    assert ecog.any_of is None


def test_inline_cohort_label() -> None:
    parsed = parse_criteria("Inclusion Criteria:\n\n* Cohort C: tumour sample available\n")
    assert parsed[0].cohort == "Cohort C"


def test_legacy_layout_lines_are_items() -> None:
    text = "Inclusion Criteria:\n  Adults\n  Able to attend\nExclusion Criteria:\n  Pregnant\n"
    parsed = parse_criteria(text)
    assert [(c.section, c.text) for c in parsed] == [
        ("inclusion", "Adults"),
        ("inclusion", "Able to attend"),
        ("exclusion", "Pregnant"),
    ]


@pytest.mark.parametrize("text", ["", "   \n\n", "*", "\\", "Inclusion Criteria:", ":::\n* \n"])
def test_degenerate_input_never_raises(text: str) -> None:
    for criterion in parse_criteria(text):
        assert criterion.text


def test_every_line_is_represented() -> None:
    assert unrepresented_lines(BULLETS, parse_criteria(BULLETS)) == []


def test_deterministic() -> None:
    assert parse_criteria(BULLETS) == parse_criteria(BULLETS)


def test_version_is_a_string() -> None:
    assert PARSER_VERSION.count(".") == 2


def _noise(seed: int) -> str:
    import random

    rng = random.Random(seed)
    alphabet = "abcXYZ 019.,;:()[]*-+/\\<>=≥≤×–•：\n\t  İß"
    return "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 300)))


@pytest.mark.parametrize("seed", range(40))
def test_noise_never_raises_and_keeps_its_words(
    seed: int, caplog: pytest.LogCaptureFixture
) -> None:
    text = _noise(seed)
    parsed = parse_criteria(text)
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert unrepresented_lines(text, parsed) == []


def test_brain_metastases_excluded_unless_children_hold_are_read_from_the_children() -> None:
    """'CNS involvement. If the patient meets the following 3 criteria she is eligible: treated
    >= 28 days before; stable; no steroids' (exclusion): the children say what excludes, and
    the parent's 'any brain metastases' (which no profile could settle) goes."""
    text = (
        "Exclusion Criteria:\n\n"
        "* Patient has CNS involvement. If all of the following 3 criteria hold, the patient is "
        "eligible.\n\n"
        "  1. earlier treatment (radiotherapy and/or surgery) for CNS metastases finished >= 28 "
        "days before the start of the study and\n"
        "  2. the CNS tumour is clinically stable at screening and\n"
        "  3. Patient is not taking steroids or enzyme-inducing anti-epileptic drugs for brain "
        "metastases\n"
    )
    cns = [c for c in parse_criteria(text) if c.kind == "cns_metastases"]
    assert cns and all(c.states != ("any",) for c in cns)
