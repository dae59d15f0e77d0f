"""The cohort CSV layout: every row of the bundled CSV reads as its JSON Lines twin."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from matcher.loading import load_profiles
from trialmatch.errors import ProfileError

FOLDER = resources.files("trialmatch.sample").joinpath("patients")


def test_bundled_csv_equals_its_jsonl_twin() -> None:
    with resources.as_file(FOLDER) as folder:
        from_csv = load_profiles(Path(folder) / "cohort.csv")
        from_jsonl = load_profiles(Path(folder) / "cohort.jsonl")
    assert len(from_csv) == len(from_jsonl) >= 20
    for a, b in zip(from_csv, from_jsonl, strict=True):
        assert a == b, a.id


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "c.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_empty_is_unknown_and_none_is_an_empty_list(tmp_path: Path) -> None:
    path = write(tmp_path, "id,treatments,conditions,ecog\na,none,,\n")
    profile = load_profiles(path)[0]
    assert profile.treatments == () and profile.conditions is None and profile.ecog is None


def test_markers_and_percentages(tmp_path: Path) -> None:
    path = write(
        tmp_path, 'id,biomarkers,er\na,"PD-L1=12 CPS;AR=60%;MSI=high;ESR1:D538G::ctdna",95\n'
    )
    profile = load_profiles(path)[0]
    assert profile.receptors and profile.receptors.er_percent == 95
    labels = [f.label() for f in profile.biomarkers or ()]
    assert labels == ["PD-L1 12 CPS", "AR 60%", "MSI high", "ESR1 D538G"]


def test_unknown_column_is_named_with_a_suggestion(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="did you mean `menopausal_status`"):
        load_profiles(write(tmp_path, "id,menopausal\na,post\n"))


def test_bad_cells_name_row_and_column_not_value(tmp_path: Path) -> None:
    with pytest.raises(ProfileError) as caught:
        load_profiles(write(tmp_path, "id,ecog,treatments\na,1,\nb,x7,\n"))
    message = str(caught.value)
    assert "row 2" in message and "`ecog`" in message and "x7" not in message
    with pytest.raises(ProfileError, match="AGENTS@SETTING"):
        load_profiles(write(tmp_path, "id,treatments\na,letrozole\n"))


def test_her2_category_and_test_cannot_both_be_given(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="not both"):
        load_profiles(write(tmp_path, "id,her2,her2_ihc\na,low,1+\n"))


def test_symptomatic_brain_metastases_column(tmp_path: Path) -> None:
    path = write(tmp_path, "id,brain_metastases,brain_metastases_symptomatic\na,active,no\n")
    diagnosis = load_profiles(path)[0].diagnosis
    assert diagnosis is not None
    assert diagnosis.brain_metastases == "active"
    assert diagnosis.brain_metastases_symptomatic is False
