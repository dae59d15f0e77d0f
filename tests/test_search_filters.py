"""Search for coordinators: text, every filter, why each hit matched, facets, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from criteria import lexicon
from sync.importer import import_paths
from sync.search import facets, parse_phases, search
from sync.store import open_database
from trialmatch.cli import main
from trialmatch.errors import InvalidOption

FIXTURES = Path(__file__).resolve().parent.parent / "cassettes" / "studies"
BOSTON = (42.3601, -71.0589)


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("search") / "trials.db"
    database = open_database(path, create=True)
    import_paths(database, sorted(FIXTURES.glob("NCT*.json")), parse=False)
    database.close()
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(db_path, readonly=True)
    yield database
    database.close()


def _ids(hits: list) -> set[str]:  # type: ignore[type-arg]
    return {h.nct_id for h in hits}


def test_text_matches_titles_keywords_and_eligibility_with_a_snippet(
    db: sqlite_utils.Database,
) -> None:
    hits = search(db, "ESR1")
    assert _ids(hits) == {"NCT05654623", "NCT04964934"}
    assert all(h.why and h.why[0].startswith("text: ") and "[ESR1]" in h.why[0] for h in hits)


def test_words_are_anded_and_or_phrases_and_prefixes_work(db: sqlite_utils.Database) -> None:
    assert _ids(search(db, "palbociclib camizestrant")) == {"NCT04964934"}
    assert _ids(search(db, "camizestrant OR talazoparib")) == {"NCT04964934", "NCT03990896"}
    assert _ids(search(db, '"interstitial lung disease"')) == {"NCT05104866"}
    assert "NCT05104866" in _ids(search(db, "pneumon*"))


def test_stemming_finds_other_word_forms(db: sqlite_utils.Database) -> None:
    assert "NCT05104866" in _ids(search(db, "conjugates"))


@pytest.mark.parametrize(
    "text",
    ['HER2- "ER positive (advanced) NOT: x*', "AND OR NOT", "a:b", "((( cancer", "NEAR(x y)"],
)
def test_any_text_is_safe_to_search(db: sqlite_utils.Database, text: str) -> None:
    search(db, text)


def test_text_with_nothing_searchable_is_refused(db: sqlite_utils.Database) -> None:
    with pytest.raises(InvalidOption, match="TEXT"):
        search(db, "--- ***")


def test_status_filter_accepts_any_case(db: sqlite_utils.Database) -> None:
    hits = search(db, status="recruiting,not_yet_recruiting")
    assert {h.overall_status for h in hits} == {"RECRUITING", "NOT_YET_RECRUITING"}
    assert len(hits) == 5


def test_a_bad_status_names_the_accepted_values(db: sqlite_utils.Database) -> None:
    with pytest.raises(InvalidOption, match=r"--status.*accepted: ACTIVE_NOT_RECRUITING"):
        search(db, status="open")


@pytest.mark.parametrize(
    ("given", "phases"),
    [
        ("2", ("PHASE2",)),
        ("1/2", ("PHASE1", "PHASE2")),
        ("phase3, early1", ("PHASE3", "EARLY_PHASE1")),
        ("PHASE4", ("PHASE4",)),
        ("na", ("NA",)),
    ],
)
def test_phases_are_read_leniently(given: str, phases: tuple[str, ...]) -> None:
    assert parse_phases(given) == phases


def test_phase_filter_keeps_trials_with_any_of_the_phases(db: sqlite_utils.Database) -> None:
    assert _ids(search(db, phase="1")) == {"NCT04072952", "NCT05252416", "NCT05216432"}
    with pytest.raises(InvalidOption, match="--phase"):
        search(db, phase="7")


def test_condition_and_intervention_filters(db: sqlite_utils.Database) -> None:
    assert _ids(search(db, condition="ovarian")) == {"NCT05252416"}
    assert _ids(search(db, intervention="fulvestrant")) == {"NCT05654623", "NCT05252416"}


@dataclass
class FakeDrug:
    name: str
    synonyms: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()


@dataclass
class FakeClass:
    id: str


def test_a_drug_is_expanded_to_its_brand_and_code_names(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    fulvestrant = FakeDrug("fulvestrant", brands=("Faslodex",), codes=("ICI 182,780",))
    monkeypatch.setattr(lexicon, "resolve_drug", lambda n: fulvestrant if n == "faslodex" else None)
    hits = search(db, drug="faslodex")
    assert _ids(hits) == {"NCT05654623", "NCT05252416"}
    assert all("drug faslodex: intervention Fulvestrant" in h.why for h in hits)


def test_a_drug_class_is_expanded_to_its_members(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lexicon, "resolve_drug", lambda n: None)
    monkeypatch.setattr(lexicon, "resolve_class", lambda n: FakeClass("cdk46_inhibitor"))
    members = (FakeDrug("palbociclib", brands=("Ibrance",)), FakeDrug("ribociclib"))
    monkeypatch.setattr(lexicon, "drugs_in_class", lambda c: members)
    hits = search(db, drug="CDK4/6 inhibitors")
    assert _ids(hits) == {"NCT04964934", "NCT04072952", "NCT05252416"}


def test_an_unknown_drug_is_searched_as_written(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lexicon, "resolve_drug", lambda n: None)
    monkeypatch.setattr(lexicon, "resolve_class", lambda n: None)
    assert _ids(search(db, drug="RLY-2608")) == {"NCT05216432"}


def test_a_gene_is_expanded_to_its_aliases(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lexicon, "resolve_gene", lambda n: "PIK3CA" if n == "p110a" else None)
    monkeypatch.setattr(lexicon, "gene_aliases", lambda s: ("p110a", "PI3K alpha", "PI"))
    hits = search(db, gene="p110a")
    assert _ids(hits) == {"NCT05216432"}
    assert "gene p110a (or an alias) mentioned" in hits[0].why


def test_an_unknown_gene_is_refused_with_suggestions(
    db: sqlite_utils.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lexicon, "resolve_gene", lambda n: None)
    monkeypatch.setattr(lexicon, "suggest_genes", lambda n, limit=3: ["ESR1"])
    with pytest.raises(InvalidOption, match=r"--gene: unknown gene; accepted: .*e\.g\. ESR1"):
        search(db, gene="ESR")


def test_the_real_lexicon_expands_a_brand_name(db: sqlite_utils.Database) -> None:
    hits = search(db, drug="Kisqali")
    assert _ids(hits) == {"NCT05252416"}


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        ("Korea", {"NCT04964934", "NCT05104866", "NCT04895358"}),
        ("south korea", {"NCT04964934", "NCT05104866", "NCT04895358"}),
        (
            "US",
            {
                "NCT05654623",
                "NCT04964934",
                "NCT04072952",
                "NCT03990896",
                "NCT05252416",
                "NCT04895358",
                "NCT05216432",
            },
        ),
        ("france", {"NCT04964934", "NCT05252416"}),
    ],
)
def test_country_accepts_the_registry_spellings_and_common_names(
    db: sqlite_utils.Database, country: str, expected: set[str]
) -> None:
    assert _ids(search(db, country=country)) == expected


def test_an_unknown_country_suggests_one_in_the_database(db: sqlite_utils.Database) -> None:
    with pytest.raises(InvalidOption, match=r"--country.*e\.g\. Canada"):
        search(db, country="Canadia")


def test_near_keeps_trials_with_a_site_in_range_nearest_first(db: sqlite_utils.Database) -> None:
    hits = search(db, near=(*BOSTON, 25.0))
    assert _ids(hits) == {"NCT05654623", "NCT04072952", "NCT05252416", "NCT05216432"}
    assert all(h.distance_km is not None and h.distance_km < 5 for h in hits)
    assert (
        hits[0].nearest_site and hits[0].nearest_site["facility"] == "Harborview Cancer Institute"
    )
    far = search(db, near=(45.76, 4.84, 30.0))  # Lyon
    assert _ids(far) == {"NCT04964934", "NCT05252416"}
    assert any(r.startswith("site ") and "km away: Centre Rhone Oncologie" in r for r in far[0].why)


@pytest.mark.parametrize("near", [(91.0, 0.0, 10.0), (0.0, 181.0, 10.0), (0.0, 0.0, 0.0)])
def test_near_out_of_range_is_refused(db: sqlite_utils.Database, near: tuple) -> None:  # type: ignore[type-arg]
    with pytest.raises(InvalidOption, match="--near"):
        search(db, near=near)


def test_filters_combine(db: sqlite_utils.Database) -> None:
    hits = search(db, "breast", status="RECRUITING", phase="3", near=(29.76, -95.37, 50.0))
    assert _ids(hits) == {"NCT04895358"}


def test_facets_count_the_matching_trials(db: sqlite_utils.Database) -> None:
    counts = facets(db, status="RECRUITING,NOT_YET_RECRUITING")
    assert dict(counts["status"]) == {"RECRUITING": 4, "NOT_YET_RECRUITING": 1}
    assert dict(counts["phase"]) == {"PHASE3": 2, "PHASE1": 2, "PHASE2": 2}
    assert ("United States", 5) in counts["country"]
    assert dict(counts["study_type"]) == {"INTERVENTIONAL": 5}


def test_limit_and_offset_page_through_hits(db: sqlite_utils.Database) -> None:
    every = [h.nct_id for h in search(db, limit=100)]
    assert len(every) == 9
    assert [h.nct_id for h in search(db, limit=3, offset=3)] == every[3:6]


def test_the_command_prints_lines_json_and_facets(db_path: Path) -> None:
    runner = CliRunner()
    plain = runner.invoke(main, ["search", "--db", str(db_path), "ESR1", "--open"])
    assert plain.exit_code == 0, plain.output
    assert plain.output.startswith("NCT05654623\tRECRUITING\tPHASE3\t")
    data = json.loads(
        runner.invoke(
            main, ["search", "--db", str(db_path), "--phase", "3", "--json", "--facets"]
        ).output
    )
    assert {h["nct_id"] for h in data["hits"]} >= {"NCT05654623", "NCT04895358"}
    assert data["facets"]["phase"] == [{"value": "PHASE3", "count": 4}]
    bad = runner.invoke(main, ["search", "--db", str(db_path), "--near", "north"])
    assert bad.exit_code == 1 and "--near" in bad.output
