"""`import`: every accepted file shape, the run log, clear errors, and the real registry files."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner

from sync.importer import import_paths
from sync.runs import Outcome, RunKind, list_runs
from sync.store import integrity_check, open_database
from trialmatch.cli import main
from trialmatch.errors import ImportFormatError, RunFailed

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "cassettes" / "studies"
SAMPLE = REPO / "trialmatch" / "sample" / "studies"
IDS = sorted(p.stem for p in FIXTURES.glob("NCT*.json"))


def _studies() -> list[dict[str, Any]]:
    return [json.loads((FIXTURES / f"{i}.json").read_text()) for i in IDS]


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_database(tmp_path / "trials.db", create=True)
    yield database
    database.close()


def _stored(db: sqlite_utils.Database) -> list[str]:
    return [row[0] for row in db.execute("SELECT nct_id FROM studies ORDER BY nct_id")]


def _one_file_per_study(tmp: Path) -> list[Path]:
    folder = tmp / "studies"
    folder.mkdir()
    for study in _studies():
        nct_id = study["protocolSection"]["identificationModule"]["nctId"]
        (folder / f"{nct_id}.json").write_text(json.dumps(study, indent=1))
    return [folder]


def _page(tmp: Path) -> list[Path]:
    (tmp / "page.json").write_text(json.dumps({"studies": _studies(), "nextPageToken": "x"}))
    return [tmp / "page.json"]


def _wrapped_page(tmp: Path) -> list[Path]:
    body = {"source": "saved", "response": {"studies": _studies(), "totalCount": len(IDS)}}
    (tmp / "saved.json").write_text(json.dumps(body))
    return [tmp / "saved.json"]


def _array(tmp: Path) -> list[Path]:
    (tmp / "all.json").write_text(json.dumps(_studies()))
    return [tmp / "all.json"]


def _jsonl(tmp: Path) -> list[Path]:
    lines = [json.dumps(s) for s in _studies()]
    (tmp / "studies.jsonl").write_text("\n".join(lines[:4]) + "\n\n" + "\n".join(lines[4:]) + "\n")
    return [tmp / "studies.jsonl"]


def _bulk_zip(tmp: Path) -> list[Path]:
    path = tmp / "ctg-studies.json.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for study in _studies():
            nct_id = study["protocolSection"]["identificationModule"]["nctId"]
            archive.writestr(f"ctg-studies.json/{nct_id}.json", json.dumps(study))
    return [path]


def _mixed_files(tmp: Path) -> list[Path]:
    studies = _studies()
    (tmp / "a.json").write_text(json.dumps(studies[0]))
    (tmp / "b.jsonl").write_text("\n".join(json.dumps({"studies": [s]}) for s in studies[1:4]))
    (tmp / "c.json").write_text(json.dumps({"studies": studies[4:]}))
    return [tmp / "a.json", tmp / "b.jsonl", tmp / "c.json"]


SHAPES: dict[str, Callable[[Path], list[Path]]] = {
    "folder-of-study-files": _one_file_per_study,
    "studies-page": _page,
    "wrapped-page": _wrapped_page,
    "json-array": _array,
    "json-lines": _jsonl,
    "bulk-download-zip": _bulk_zip,
    "several-files": _mixed_files,
}


@pytest.mark.parametrize("shape", SHAPES)
def test_every_accepted_shape_imports_every_study_once(
    db: sqlite_utils.Database, tmp_path: Path, shape: str
) -> None:
    paths = SHAPES[shape](tmp_path)
    report = import_paths(db, paths, parse=False, batch=4)
    assert report.ok and report.kind is RunKind.IMPORT
    assert report.new == len(IDS) and report.pages == -(-len(IDS) // 4)
    assert _stored(db) == IDS
    again = import_paths(db, paths, parse=False)
    assert again.new == 0 and again.unchanged == len(IDS)


def test_a_later_version_is_a_change_with_history(db: sqlite_utils.Database) -> None:
    import_paths(db, [FIXTURES / "NCT05654623.json"], parse=False)
    report = import_paths(db, [FIXTURES / "later" / "NCT05654623.json"], parse=False)
    assert report.changed == 1
    assert db.execute("SELECT count(*) FROM study_versions").fetchone()[0] == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("broken.json", '{"studies": [', "not valid JSON"),
        (
            "flat.jsonl",
            '{"nct_id": "NCT01783444", "title": "x"}\n',
            "flattened record needs `nct_id` and `eligibility_text`",
        ),
        (
            "lines.jsonl",
            '{"nct_id": "NCT01783444", "eligibility_lines": "one string"}\n',
            "`eligibility_lines` must be a list of strings",
        ),
        (
            "phase.jsonl",
            '{"nct_id": "NCT01783444", "eligibility_text": "x", "phase": [2]}\n',
            "`phase` must be a list of strings",
        ),
        (
            "id.jsonl",
            '{"nct_id": "trial 7", "eligibility_text": "x"}\n',
            "`nct_id` must be an NCT number",
        ),
        ("odd.json", '{"hello": "world"}', "keys hello, not a study or a /studies page"),
        ("page.json", '{"studies": [{"protocolSection": {}}]}', "item 0 of `studies`"),
        ("notes.txt", "hello", "not a format trialmatch import reads"),
        ("number.json", "42", "not an object or a list"),
    ],
)
def test_an_unreadable_file_fails_the_run_naming_the_file(
    db: sqlite_utils.Database, tmp_path: Path, name: str, content: str, message: str
) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(_studies()[0]))
    bad = tmp_path / name
    bad.write_text(content)
    with pytest.raises(RunFailed) as failed:
        import_paths(db, [good, bad], parse=False, batch=1)
    report = failed.value.report
    assert report.outcome is Outcome.FAILED
    assert name in report.message and message in report.message
    assert "1 studies imported before it are kept" in report.message
    assert _stored(db) == [IDS[0]]
    assert integrity_check(db) == "ok"


def test_missing_paths_and_empty_folders_are_refused_before_a_run(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    with pytest.raises(ImportFormatError, match="no such file or folder"):
        import_paths(db, [tmp_path / "absent.json"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(ImportFormatError, match=r"no \.json, \.jsonl, \.ndjson or \.zip files"):
        import_paths(db, [tmp_path / "empty"])
    assert list_runs(db) == []


def test_a_zip_without_json_is_refused(db: sqlite_utils.Database, tmp_path: Path) -> None:
    path = tmp_path / "x.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "nothing here")
    with pytest.raises(RunFailed, match=r"holds no \.json"):
        import_paths(db, [path])


def test_the_bundled_sample_imports(db: sqlite_utils.Database) -> None:
    if not SAMPLE.is_dir():
        pytest.skip("the bundled sample has not landed")
    report = import_paths(db, [SAMPLE], parse=False)
    assert report.ok and report.new == len(list(SAMPLE.glob("*.json"))) >= 20


def test_the_command_prints_the_run_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["import", "--db", str(tmp_path / "t.db"), "--no-parse", str(FIXTURES)]
    )
    assert result.exit_code == 0, result.output
    assert f"import run 1 completed: {len(IDS) + 1} studies seen" in result.output


def test_the_command_reports_a_bad_file_and_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    result = CliRunner().invoke(main, ["import", "--db", str(tmp_path / "t.db"), str(bad)])
    assert result.exit_code == 1
    assert "Error: import run 1 failed" in result.output and "bad.json" in result.output


@pytest.mark.corpus
def test_the_real_registry_files_import_whole(db: sqlite_utils.Database, shared_dir: Path) -> None:
    studies = sorted((shared_dir / "ctgov" / "studies").glob("NCT*.json"))
    report = import_paths(db, studies, parse=False)
    assert report.ok and report.new == len(studies)
    for path in studies:
        stored = db.execute("SELECT raw FROM studies WHERE nct_id = ?", [path.stem]).fetchone()[0]
        assert json.loads(stored) == json.loads(path.read_text())
    sites = sum(
        len(
            json.loads(p.read_text())["protocolSection"]
            .get("contactsLocationsModule", {})
            .get("locations", [])
        )
        for p in studies
    )
    assert db.execute("SELECT count(*) FROM locations").fetchone()[0] == sites
    pages = sorted((shared_dir / "ctgov" / "responses").glob("*.json"))
    assert import_paths(db, pages, parse=False).ok


def test_after_hooks_get_the_report_of_a_completed_import(tmp_path: Path) -> None:
    runner = CliRunner()
    args = [
        "import",
        "--db",
        str(tmp_path / "t.db"),
        "--no-parse",
        str(FIXTURES / "NCT03990896.json"),
    ]
    result = runner.invoke(main, [*args, "--after", "builtins:print"])
    assert result.exit_code == 0, result.output
    assert "RunReport(id=1, kind=<RunKind.IMPORT: 'import'>" in result.output
    bad = runner.invoke(main, [*args, "--after", "no_such_module:hook"])
    assert bad.exit_code == 1 and "--after" in bad.output and "MODULE:FUNCTION" in bad.output


@pytest.mark.corpus
def test_the_synthetic_benchmark_set_is_new_ids_over_real_shapes(
    db: sqlite_utils.Database, shared_dir: Path
) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("synthetic", REPO / "benchmarks" / "synthetic.py")
    assert spec and spec.loader
    synthetic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synthetic)
    studies = list(synthetic.synthetic_studies(150, ctgov=shared_dir / "ctgov"))
    ids = [s["protocolSection"]["identificationModule"]["nctId"] for s in studies]
    assert len(set(ids)) == 150 and all(i.startswith("NCT9") for i in ids)
    path = Path(db.conn.execute("PRAGMA database_list").fetchone()[2]).parent / "s.jsonl"
    path.write_text("\n".join(json.dumps(s) for s in studies))
    assert import_paths(db, [path], parse=False).new == 150


def test_saved_patients_are_rematched_after_a_completed_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from matcher import alerts

    calls: list[tuple[Any, ...]] = []

    def factory(patients_db: Path, trials_db: Path) -> Callable[[Any], None]:
        return lambda report: calls.append((patients_db, trials_db, report.new))

    monkeypatch.setattr(alerts, "after_sync_hook", factory)
    db, patients = tmp_path / "t.db", tmp_path / "p.db"
    args = ["import", "--db", str(db), "--no-parse", "--patients-db", str(patients)]
    result = CliRunner().invoke(main, [*args, str(FIXTURES / "NCT03990896.json")])
    assert result.exit_code == 0, result.output
    assert calls == [(patients, db, 1)]
    CliRunner().invoke(main, [*args, "--no-rematch", str(FIXTURES / "NCT04964934.json")])
    assert len(calls) == 1


# --- flattened trial records (`sync.flat`) -------------------------------------------------------

_FLAT = {
    "nct_id": "NCT09000001",
    "brief_title": "Oral SERD after a CDK4/6 inhibitor",
    "acronym": "FLAT-1",
    "conditions": ["Breast Cancer"],
    "phase": ["PHASE3"],
    "enrollment_count": 420,
    "start_year": "2024",
    "eligibility_text": "Inclusion Criteria:\n\n* ER-positive, HER2-negative breast cancer\n"
    "* ECOG 0 or 1\n\nExclusion Criteria:\n\n* Prior fulvestrant",
    "interventions": [{"name": "Study SERD", "type": "DRUG", "description": "orally once daily"}],
    "arm_groups": [
        {"label": "SERD", "type": "EXPERIMENTAL", "interventions": ["Drug: Study SERD"]}
    ],
    "_source": "written for this test",
}
_LEGACY = {
    "nct_id": "NCT09000002",
    "eligibility_lines": ["INCLUSION CRITERIA", "  Stage IV breast cancer", "  Age over 18"],
}


def test_flattened_records_import_as_the_studies_they_describe(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = tmp_path / "curated.jsonl"
    path.write_text(json.dumps(_FLAT) + "\n" + json.dumps(_LEGACY) + "\n")
    report = import_paths(db, [path])
    assert report.new == 2
    row = db["studies"].get("NCT09000001")
    assert row["brief_title"] == _FLAT["brief_title"] and row["acronym"] == "FLAT-1"
    assert json.loads(row["phases"]) == ["PHASE3"]
    assert json.loads(row["conditions"]) == ["Breast Cancer"]
    assert row["enrollment"] == 420 and row["start_date"] == "2024"
    assert row["eligibility_text"] == _FLAT["eligibility_text"]
    assert json.loads(row["interventions"])[0]["name"] == "Study SERD"
    assert row["overall_status"] is None  # a flat record states no status: never guessed
    legacy = db["studies"].get("NCT09000002")
    assert (
        legacy["eligibility_text"] == "INCLUSION CRITERIA\n  Stage IV breast cancer\n  Age over 18"
    )
    assert db.execute("SELECT count(*) FROM criteria").fetchone()[0] == 2  # parsed on import


def test_a_flattened_record_list_in_one_json_file_imports(
    db: sqlite_utils.Database, tmp_path: Path
) -> None:
    path = tmp_path / "curated.json"
    path.write_text(json.dumps([_FLAT, _LEGACY]))
    assert import_paths(db, [path], parse=False).new == 2


def test_match_says_how_many_trials_its_status_filter_left_out(tmp_path: Path) -> None:
    path = tmp_path / "curated.jsonl"
    path.write_text(json.dumps(_FLAT) + "\n")
    database = tmp_path / "flat.db"
    runner = CliRunner()
    assert runner.invoke(main, ["import", str(path), "--db", str(database)]).exit_code == 0
    profile = REPO / "trialmatch" / "sample" / "patients" / "pt-esr1-01.yaml"
    out = runner.invoke(main, ["match", str(profile), "--db", str(database)]).output
    assert "1 trial(s) left out for their status" in out and "--status any" in out
    out = runner.invoke(main, ["match", str(profile), "--db", str(database), "--status", "any"])
    assert "left out for their status" not in out.output
