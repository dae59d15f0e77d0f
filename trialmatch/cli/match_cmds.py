"""`trialmatch match`, `cohort`, `patients`, `alerts` and `demo`: thin wrappers over `matcher`."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click
from rich.table import Table

from trialmatch.cli.common import (
    console,
    db_option,
    err_console,
    patients_db_option,
    patients_path,
)
from trialmatch.errors import TrialmatchError
from trialmatch.vocab import OPEN_STATUSES, OverallStatus


def register(group: click.Group) -> None:
    for command in (match, cohort, patients, alerts, demo):
        group.add_command(command)


def _statuses(value: str) -> tuple[str, ...] | None:
    if value.strip().lower() == "any":
        return None
    statuses = tuple(s.strip().upper() for s in value.split(",") if s.strip())
    bad = [s for s in statuses if s not in OverallStatus.__members__]
    if bad:
        raise click.BadParameter(
            f"unknown status; accepted: any, or a comma list of {', '.join(OverallStatus)}",
            param_hint="--status",
        )
    return statuses


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            "must be a date written YYYY-MM-DD", param_hint="--as-of"
        ) from None


status_option = click.option(
    "--status",
    "status",
    default=",".join(OPEN_STATUSES),
    show_default=True,
    help="Overall statuses to consider: 'any', or a comma list of API values.",
)
as_of_option = click.option(
    "--as-of", "as_of", metavar="YYYY-MM-DD", help="Judge dates as of this day (default: today)."
)


@click.command()
@click.argument("profile", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@click.option("--json", "as_json", is_flag=True, help="Print the contract's JSON.")
@click.option(
    "--all", "include_all", is_flag=True, help="Also list ineligible trials, with reasons."
)
@status_option
@click.option("--top", type=click.IntRange(min=1), help="Show only the first N trials.")
@as_of_option
@click.option(
    "--explain",
    "explain",
    metavar="NCT_ID",
    multiple=True,
    help="Also print every criterion's result for these trials.",
)
def match(
    profile: Path,
    db_path: Path,
    as_json: bool,
    include_all: bool,
    status: str,
    top: int | None,
    as_of: str | None,
    explain: tuple[str, ...],
) -> None:
    """Rank the trials for one patient (a YAML or JSON profile), with reasons.

    Example: trialmatch match patient.yaml --top 10
    """
    from matcher import load_profile, load_trials, match_patient
    from matcher.report import report_json

    patient = load_profile(profile)
    trials = load_trials(_existing(db_path))
    report = match_patient(
        patient,
        trials,
        as_of=_date(as_of),
        statuses=_statuses(status),
        include_ineligible=include_all,
        top=top,
    )
    if as_json:
        click.echo(json.dumps(report_json(report), indent=2, ensure_ascii=False))
        return
    from trialmatch.cli.match_view import print_details, print_report

    print_report(console(), report)
    for nct_id in explain:
        print_details(console(), report, nct_id.upper())


def _existing(path: Path) -> Path:
    if not path.exists():
        from trialmatch.errors import DatabaseMissing

        raise DatabaseMissing(str(path))
    return path


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@db_option
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write: .csv or .jsonl.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: the number of CPUs).",
)
@click.option("--all", "include_all", is_flag=True, help="Also write ineligible pairs.")
@status_option
@click.option("--top", type=click.IntRange(min=1), help="Keep only each patient's first N trials.")
@as_of_option
def cohort(
    file: Path,
    db_path: Path,
    output: Path,
    workers: int | None,
    include_all: bool,
    status: str,
    top: int | None,
    as_of: str | None,
) -> None:
    """Match many patients (JSON array, JSON Lines, YAML list or CSV) against every trial.

    Writes one row per patient and trial. Example: trialmatch cohort cohort.jsonl -o out.csv
    """
    from matcher import load_profiles, load_trials
    from matcher.cohort import run_cohort
    from trialmatch.cli.common import progress

    if output.suffix.lower() not in {".csv", ".jsonl"}:
        raise click.BadParameter("must end in .csv or .jsonl", param_hint="--output")
    profiles = load_profiles(file)
    trials = load_trials(_existing(db_path))
    with progress("matching patients", total=len(profiles), every=50) as bar:
        summary = run_cohort(
            profiles,
            trials,
            output,
            workers=workers,
            as_of=_date(as_of),
            statuses=_statuses(status),
            include_ineligible=include_all,
            top=top,
            on_patient=bar.advance,
        )
    out = err_console()
    out.print(
        f"{summary.patients} patients x {summary.trials} trials -> {summary.rows} rows in {output}"
    )
    out.print(
        f"eligible pairs per patient: mean {summary.eligible_mean:.1f}, "
        f"max {summary.eligible_max}; possibly eligible: mean {summary.possible_mean:.1f}; "
        f"{summary.seconds:.1f} s"
    )


# --- saved patients ----------------------------------------------------------------------------


@click.group()
def patients() -> None:
    """Saved patients, re-matched after every sync (kept apart from the trial database)."""


@patients.command("add")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@patients_db_option
@db_option
@click.option("--no-match", is_flag=True, help="Save without matching now.")
def patients_add(
    files: tuple[Path, ...], patients_db: Path | None, db_path: Path, no_match: bool
) -> None:
    """Save patients from profile files (one or many per file); replaces a saved profile with the
    same id. Example: trialmatch patients add pt-0001.yaml"""
    from matcher import load_profiles
    from matcher.alerts import rematch
    from sync.patients_db import open_patients, save_profiles

    profiles = [p for f in files for p in load_profiles(f)]
    patients_db = patients_path(patients_db, db_path)
    store = open_patients(patients_db, create=True)
    try:
        added = save_profiles(store, profiles)
        click.echo(f"saved {added} patient(s) in {patients_db}")
        if not no_match and db_path.exists():
            changes = rematch(store, db_path, ids=[p.id for p in profiles])
            click.echo(f"matched against {db_path}: {len(changes)} change(s) recorded")
    finally:
        store.close()


@patients.command("list")
@patients_db_option
@db_option
@click.option("--json", "as_json", is_flag=True)
def patients_list(patients_db: Path | None, db_path: Path, as_json: bool) -> None:
    """List saved patients (ids, when saved, current match counts)."""
    from sync.patients_db import list_patients, open_patients

    store = open_patients(patients_path(patients_db, db_path))
    try:
        rows = list_patients(store)
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    table = Table("id", "saved", "last matched", "eligible", "possibly")
    for row in rows:
        table.add_row(
            row["id"],
            row["saved_at"],
            row["matched_at"] or "-",
            str(row["eligible"]),
            str(row["possibly"]),
        )
    console().print(table)


@patients.command("remove")
@click.argument("ids", nargs=-1, required=True)
@patients_db_option
@db_option
def patients_remove(ids: tuple[str, ...], patients_db: Path | None, db_path: Path) -> None:
    """Remove saved patients and their match history."""
    from sync.patients_db import open_patients, remove_patients

    store = open_patients(patients_path(patients_db, db_path))
    try:
        removed = remove_patients(store, list(ids))
    finally:
        store.close()
    click.echo(f"removed {removed} patient(s)")


@click.command()
@patients_db_option
@db_option
@click.option(
    "--since", metavar="YYYY-MM-DD", help="Changes since this day (default: since you last asked)."
)
@click.option("--patient", "patient_id", help="Only this patient.")
@click.option("--json", "as_json", is_flag=True)
def alerts(
    patients_db: Path | None,
    db_path: Path,
    since: str | None,
    patient_id: str | None,
    as_json: bool,
) -> None:
    """What changed for saved patients: new, lost and changed matches.

    Example: trialmatch alerts --since 2026-11-01
    """
    from sync.patients_db import list_alerts, open_patients

    store = open_patients(patients_path(patients_db, db_path))
    try:
        rows = list_alerts(
            store, since=_since(since), patient_id=patient_id, mark_seen=since is None
        )
    finally:
        store.close()
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo("no changes" + (f" since {since}" if since else " since you last asked"))
        return
    for row in rows:
        click.echo(f"{row['created_at'][:16]}  {row['patient_id']}  {row['message']}")


def _since(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    day = _date(value)
    assert day is not None
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


# --- demo ---------------------------------------------------------------------------------------


@click.command()
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Keep the demo database here (default: a temporary file).",
)
@click.option("--top", type=click.IntRange(min=1), default=5, show_default=True)
@click.option(
    "--as-of",
    "as_of",
    default="2026-11-24",
    show_default=True,
    help="The demo judges dates as of this day, so its output is reproducible.",
)
def demo(db_path: Path | None, top: int, as_of: str) -> None:
    """Offline demo: import the bundled sample trials and match the bundled example patients."""
    from trialmatch.cli.match_view import run_demo

    try:
        run_demo(console(), db_path, top=top, as_of=_date(as_of))
    except TrialmatchError:
        raise
    except KeyboardInterrupt:
        sys.exit(130)
