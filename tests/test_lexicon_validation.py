"""A bad data file fails on load with a message naming the file, the entry and the field."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from criteria import lexicon as lx
from trialmatch.errors import DataFileError

FILES = lx.DATA_FILES


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    for name in FILES:
        text = resources.files("criteria.data").joinpath(name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_bundled_files_load_from_a_directory(data_dir: Path) -> None:
    lex = lx.load_lexicon(data_dir)
    assert lex.version == lx.default_lexicon().version


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        (
            "drugs.yaml",
            "- {name: ribociclib, brands",
            "- {name: ribociclib, brnds",
            ["drugs.yaml", "'ribociclib'", "'brnds'", "allowed fields: name, brands, codes"],
        ),
        (
            "drugs.yaml",
            "classes: [cdk4_6_inhibitor],\n   match: [Kisqali",
            "classes: [cdk46_inhibitor],\n   match: [Kisqali",
            ["drugs.yaml", "'ribociclib'", "'classes'", "unknown class 'cdk46_inhibitor'"],
        ),
        (
            "drugs.yaml",
            "- {name: abemaciclib, brands: [Verzenio, Verzenios], codes: [LY2835219]",
            "- {name: abemaciclib, brands: [Verzenio, Kisqali], codes: [LY2835219]",
            [
                "drugs.yaml",
                "'abemaciclib'",
                "'brands'",
                "'Kisqali' already names drug 'ribociclib'",
            ],
        ),
        (
            "drugs.yaml",
            "- {name: tamoxifen, brands:",
            "- {name: 12, brands:",
            ["drugs.yaml", "drugs[0]", "'name'"],
        ),
        (
            "drug_classes.yaml",
            "- id: taxane\n  label: taxane\n  parents: [chemotherapy, microtubule_inhibitor]",
            "- id: taxane\n  label: taxane\n  parents: [chemotherapy, microtubule_inhibitors]",
            [
                "drug_classes.yaml",
                "'taxane'",
                "'parents'",
                "unknown class 'microtubule_inhibitors'",
            ],
        ),
        (
            "drug_classes.yaml",
            "- id: serd\n  label: SERD\n  parents: [er_degrader]",
            "- id: serd\n  label: SERD\n  parents: [oral_serd]",
            ["drug_classes.yaml", "'parents'", "cycle"],
        ),
        (
            "drug_classes.yaml",
            "- id: corticosteroid\n  label: corticosteroid\n  line: false",
            "- id: corticosteroid\n  label: corticosteroid",
            ["drug_classes.yaml", "'corticosteroid'", "'line'"],
        ),
        (
            "drug_classes.yaml",
            "- id: taxane\n",
            "- id: Taxane!\n",
            ["drug_classes.yaml", "'Taxane!'", "'id'"],
        ),
        (
            "genes.yaml",
            "- {symbol: ERBB3, name: erb-b2 receptor tyrosine kinase 3, aliases: [HER3,",
            "- {symbol: ERBB3, name: erb-b2 receptor tyrosine kinase 3, aliases: [HER2,",
            ["genes.yaml", "'ERBB3'", "'aliases'", "'HER2' already names gene 'ERBB2'"],
        ),
        (
            "genes.yaml",
            "- {name: RAS, genes: [KRAS, NRAS, HRAS]",
            "- {name: RAS, genes: [KRAS, NRAS, HRAS2]",
            ["genes.yaml", "'RAS'", "'genes'", "unknown gene 'HRAS2'"],
        ),
        (
            "drugs.yaml",
            "- {name: CMF, drugs: [cyclophosphamide, methotrexate, fluorouracil]",
            "- {name: CMF, drugs: [cyclophosphamide, methotrexate, 5-FU]",
            ["drugs.yaml", "'CMF'", "'drugs'", "unknown drug '5-FU'"],
        ),
        ("genes.yaml", "version: 1\n", "version: one\n", ["genes.yaml", "'version'"]),
        (
            "drugs.yaml",
            "version: 1\ndrugs:\n",
            "version: 1\ndrugs: [\n",
            ["drugs.yaml", "not valid YAML"],
        ),
    ],
    ids=[
        "unknown-field",
        "unknown-class",
        "name-collision",
        "bad-type",
        "unknown-parent",
        "cycle",
        "root-without-line",
        "bad-id",
        "gene-alias-collision",
        "unknown-family-gene",
        "regimen-unknown-drug",
        "bad-version",
        "bad-yaml",
    ],
)
def test_bad_file_is_rejected_by_name(
    data_dir: Path, file: str, old: str, new: str, expected: list[str]
) -> None:
    _edit(data_dir / file, old, new)
    with pytest.raises(DataFileError) as err:
        lx.load_lexicon(data_dir)
    for part in expected:
        assert part in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"drug_classes\.yaml: cannot read"):
        lx.load_lexicon(tmp_path)


def test_version_changes_with_content(data_dir: Path) -> None:
    _edit(
        data_dir / "drugs.yaml",
        "- {name: LSZ102, classes: [oral_serd]}",
        "- {name: LSZ102, codes: [LSZ-102], classes: [oral_serd]}",
    )
    assert lx.load_lexicon(data_dir).version != lx.default_lexicon().version
