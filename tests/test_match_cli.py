"""The matcher's commands as a user runs them: match, cohort, patients, alerts, demo."""

from __future__ import annotations

import csv
import json
import shutil
import stat
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from trialmatch.cli import main

PATIENTS = resources.files("trialmatch.sample").joinpath("patients")


@pytest.fixture
def trials_db(tmp_path: Path, sample_db: Path) -> Path:
    path = tmp_path / "trials.db"
    shutil.copy(sample_db, path)
    return path


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def patient(name: str) -> str:
    with resources.as_file(PATIENTS.joinpath(name)) as path:
        return str(path)


def test_match_prints_a_ranked_table_and_open_questions(trials_db: Path) -> None:
    out = run("match", patient("pt-esr1-01.yaml"), "--db", str(trials_db), "--as-of", "2026-11-24")
    assert "pt-esr1-01" in out and "NCT" in out
    assert "What would settle the unknowns" in out


def test_match_json_follows_the_contract(trials_db: Path) -> None:
    out = run(
        "match",
        patient("pt-esr1-01.yaml"),
        "--db",
        str(trials_db),
        "--json",
        "--all",
        "--status",
        "any",
        "--as-of",
        "2026-11-24",
    )
    report = json.loads(out)
    assert report["patient_id"] == "pt-esr1-01"
    assert report["generated_at"].endswith("Z") and report["database"]["trials"] == 28
    first = report["matches"][0]
    assert set(first) >= {
        "rank",
        "nct_id",
        "title",
        "overall_status",
        "phases",
        "verdict",
        "score",
        "targets",
        "criteria",
        "nearest_site",
    }
    assert {c["result"] for m in report["matches"] for c in m["criteria"]} <= {
        "met",
        "not_met",
        "unknown",
        "not_applicable",
    }
    assert {m["verdict"] for m in report["matches"]} == {
        "eligible",
        "possibly_eligible",
        "ineligible",
    } or "ineligible" in {m["verdict"] for m in report["matches"]}
    ranks = [m["rank"] for m in report["matches"]]
    assert ranks == list(range(1, len(ranks) + 1))
    for criterion in first["criteria"]:
        assert set(criterion) >= {"section", "text", "kind", "result", "explanation"}


def test_match_top_and_default_listing(trials_db: Path) -> None:
    report = json.loads(
        run("match", patient("pt-esr1-01.yaml"), "--db", str(trials_db), "--json", "--top", "2")
    )
    assert len(report["matches"]) <= 2
    assert all(m["verdict"] != "ineligible" for m in report["matches"])
    assert all(
        m["overall_status"] in {"RECRUITING", "NOT_YET_RECRUITING"} for m in report["matches"]
    )


def test_match_explains_one_trial(trials_db: Path) -> None:
    report = json.loads(run("match", patient("pt-esr1-01.yaml"), "--db", str(trials_db), "--json"))
    nct = report["matches"][0]["nct_id"]
    out = run("match", patient("pt-esr1-01.yaml"), "--db", str(trials_db), "--explain", nct)
    assert "explanation" in out and nct in out


def test_match_errors_are_one_line_and_name_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["match", patient("pt-esr1-01.yaml"), "--db", str(tmp_path / "none.db")]
    )
    assert result.exit_code == 1 and "run `trialmatch sync`" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: pt-x\nsex: wmn\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["match", str(bad), "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "sex" in result.output and "wmn" not in result.output


def test_cohort_writes_rows_and_a_summary(trials_db: Path, tmp_path: Path) -> None:
    out_csv = tmp_path / "out.csv"
    result = CliRunner().invoke(
        main,
        [
            "cohort",
            patient("cohort.csv"),
            "--db",
            str(trials_db),
            "-o",
            str(out_csv),
            "--workers",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert rows and set(rows[0]) >= {
        "patient_id",
        "rank",
        "nct_id",
        "verdict",
        "score",
        "targets",
        "reasons",
    }
    assert "eligible pairs per patient" in result.output
    out_jsonl = tmp_path / "out.jsonl"
    run(
        "cohort",
        patient("cohort.jsonl"),
        "--db",
        str(trials_db),
        "-o",
        str(out_jsonl),
        "--workers",
        "1",
    )
    from_jsonl = [json.loads(line) for line in out_jsonl.read_text(encoding="utf-8").splitlines()]
    assert [(r["patient_id"], r["nct_id"], r["verdict"]) for r in from_jsonl] == [
        (r["patient_id"], r["nct_id"], r["verdict"]) for r in rows
    ]


def test_patients_and_alerts(trials_db: Path, tmp_path: Path) -> None:
    store = tmp_path / "patients.db"
    out = run(
        "patients",
        "add",
        patient("pt-esr1-01.yaml"),
        "--patients-db",
        str(store),
        "--db",
        str(trials_db),
    )
    assert "saved 1 patient" in out and "change(s) recorded" in out
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    assert "pt-esr1-01" in run("patients", "list", "--patients-db", str(store))
    alerts = run("alerts", "--patients-db", str(store))
    assert "new: NCT" in alerts
    assert "no changes" in run("alerts", "--patients-db", str(store))
    assert "new: NCT" in run("alerts", "--patients-db", str(store), "--since", "2000-01-01")
    assert "removed 1" in run("patients", "remove", "pt-esr1-01", "--patients-db", str(store))


def test_demo_runs_offline() -> None:
    out = run("demo", "--top", "2")
    assert "Imported 28 sample trials" in out
    assert out.count("What would settle the unknowns") >= 1
    assert "pt-esr1-01" in out and "pt-naive-01" in out
