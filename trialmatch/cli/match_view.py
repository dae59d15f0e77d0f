"""How match results look in a terminal, and the offline demo."""

from __future__ import annotations

import datetime as dt
import tempfile
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.table import Table

from matcher.match import MatchReport
from matcher.report import why
from trialmatch.vocab import Result, Verdict

_VERDICT_STYLE = {
    Verdict.ELIGIBLE: ("eligible", "green"),
    Verdict.POSSIBLY_ELIGIBLE: ("possibly", "yellow"),
    Verdict.INELIGIBLE: ("ineligible", "red"),
}
_RESULT_STYLE = {
    Result.MET: "green",
    Result.NOT_MET: "red",
    Result.UNKNOWN: "yellow",
    Result.NOT_APPLICABLE: "dim",
}


def print_report(out: Console, report: MatchReport) -> None:
    """The ranked table, then what would settle the unknowns."""
    db = report.database
    out.print(
        f"[bold]{report.patient_id}[/bold]: {len(report.matches)} trial(s) listed of "
        f"{db.get('trials')} in {db.get('path')} (as of {report.as_of}; last sync "
        f"{db.get('last_sync') or 'never'})"
    )
    if report.other_status:
        out.print(
            f"  {report.other_status} trial(s) left out for their status (`--status`; "
            "`--status any` includes them)"
        )
    if not report.matches:
        out.print(
            "  no eligible or possibly eligible trials;"
            " `--all` lists the ineligible ones with reasons"
        )
        return
    table = Table(show_lines=False, expand=False, pad_edge=False)
    for name, kwargs in (
        ("#", {"justify": "right"}),
        ("verdict", {}),
        ("score", {"justify": "right"}),
        ("trial", {"max_width": 48}),
        ("why", {"max_width": 60}),
        ("nearest site", {"max_width": 32}),
    ):
        table.add_column(name, **kwargs)
    for m in report.matches:
        trial = m.result.trial
        label, style = _VERDICT_STYLE[m.verdict]
        name = f"{trial.nct_id} {trial.acronym or ''}".strip()
        phases = "/".join(trial.phases) or "no phase"
        title = f"{name}\n[dim]{trial.title[:90]}\n{trial.overall_status}, {phases}[/dim]"
        site = "-"
        if m.nearest is not None:
            s = m.nearest.site
            site = ", ".join(x for x in (s.city, s.country) if x)
            if m.nearest.distance_km is not None:
                site += f" ({m.nearest.distance_km:.0f} km)"
        table.add_row(
            str(m.rank), f"[{style}]{label}[/{style}]", f"{m.score:.2f}", title, why(m.result), site
        )
    out.print(table)
    if report.open_questions:
        out.print(
            "[bold]What would settle the unknowns[/bold]"
            " (possibly eligible trials it would help decide):"
        )
        for q in report.open_questions[:8]:
            sole = f" (the only open question in {q.sole})" if q.sole else ""
            out.print(f"  {q.fact}: {q.trials} trial{'s' if q.trials != 1 else ''}{sole}")


def print_details(out: Console, report: MatchReport, nct_id: str) -> None:
    """Every criterion of one listed trial with its result and explanation."""
    match = next((m for m in report.matches if m.result.trial.nct_id == nct_id), None)
    if match is None:
        out.print(f"{nct_id} is not in this list (try --all or --status any)")
        return
    result = match.result
    out.print(f"\n[bold]{nct_id}[/bold] {result.trial.title}")
    out.print(
        f"verdict: {result.verdict.value}" + (f" via {result.cohort}" if result.cohort else "")
    )
    table = Table("section", "kind", "result", "criterion", "explanation", show_lines=True)
    for j in result.judged:
        style = _RESULT_STYLE[j.judgement.result]
        cohort = f" [{j.item.cohort}]" if j.item.cohort else ""
        table.add_row(
            j.item.section.value,
            str(j.item.kind),
            f"[{style}]{j.judgement.result.value}[/{style}]",
            j.item.text[:160] + cohort,
            j.judgement.explanation,
        )
    out.print(table)


def run_demo(out: Console, db_path: Path | None, *, top: int, as_of: dt.date | None) -> None:
    """Import the bundled sample into a database, then match every bundled example patient."""
    from matcher import load_profile, load_trials, match_patient
    from sync.importer import import_paths
    from sync.store import open_database

    sample = resources.files("trialmatch.sample")
    with tempfile.TemporaryDirectory() as tmp:
        path = db_path or Path(tmp) / "demo.db"
        db = open_database(path, create=True)
        try:
            with resources.as_file(sample.joinpath("studies")) as studies:
                report = import_paths(db, [Path(studies)])
        finally:
            db.close()
        out.print(f"[bold]Imported {report.seen} sample trials[/bold] into {path}\n")
        trials = load_trials(path)
        with resources.as_file(sample.joinpath("patients")) as folder:
            files = sorted(Path(folder).glob("*.yaml"))
            for file in files:
                profile = load_profile(file)
                out.rule(f"{profile.id}  ({file.name})")
                out.print(f"[dim]{_summary(file)}[/dim]")
                print_report(out, match_patient(profile, trials, as_of=as_of, top=top))
                out.print()


def _summary(file: Path) -> str:
    """The comment block at the top of an example patient's file, which says who they are."""
    lines = []
    for line in file.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line.lstrip("# ").rstrip())
    return " ".join(lines)
