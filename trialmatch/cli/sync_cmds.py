"""Commands over the trial database: sync, import, schedule, search, show, changes.

Argument parsing and messages only; the work is in `sync.*`.
"""

from __future__ import annotations

import importlib
import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from trialmatch.cli.common import Progress, console, db_option, patients_db_option, patients_path
from trialmatch.errors import InvalidOption

# --- shared pieces --------------------------------------------------------------------------------


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _base_url_option(command: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--base-url",
        envvar="TRIALMATCH_CTGOV_URL",
        show_envvar=True,
        default=None,
        help="API v2 root (default https://clinicaltrials.gov/api/v2); a mirror or a stand-in.",
    )(command)


def _rate_option(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--retries",
        type=click.IntRange(0, 20),
        default=5,
        show_default=True,
        help="Retries of a failing request (429, 5xx, HTML, broken JSON) before the run fails.",
    )(command)
    return click.option(
        "--max-rate",
        type=click.FloatRange(min=0.01),
        default=1.0,
        show_default=True,
        help="At most this many requests per second to the registry.",
    )(command)


def _after_option(command: Callable[..., Any]) -> Callable[..., Any]:
    command = click.option(
        "--no-rematch",
        is_flag=True,
        help="Do not re-match the saved patients after a completed run.",
    )(command)
    command = patients_db_option(command)
    return click.option(
        "--after",
        "hooks",
        multiple=True,
        metavar="MODULE:FUNCTION",
        help="Call this with the run report after each completed run (repeatable).",
    )(command)


def _hooks(
    specs: tuple[str, ...], db_path: Path, patients_db: Path | None, no_rematch: bool
) -> list[Callable[[Any], None]]:
    """The after-run hooks: those named with --after, then the re-matching of saved patients
    (a no-op when the patients' database does not exist)."""
    hooks = [_load_hook(spec) for spec in specs]
    if not no_rematch:
        try:
            from matcher.alerts import after_sync_hook
        except ImportError:
            return hooks
        hooks.append(after_sync_hook(patients_path(patients_db, db_path), db_path))
    return hooks


def _load_hook(spec: str) -> Callable[[Any], None]:
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise InvalidOption("--after", "MODULE:FUNCTION, e.g. mypkg.hooks:rematch", "malformed")
    try:
        hook = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError):
        raise InvalidOption(
            "--after", "an importable MODULE:FUNCTION", f"cannot import {spec}"
        ) from None
    if not callable(hook):
        raise InvalidOption("--after", "a callable taking the run report", "not callable")
    return hook


def _client(base_url: str | None, max_rate: float, retries: int) -> Any:
    from sync.client import CtgovClient

    return CtgovClient(base_url, min_interval=1.0 / max_rate, max_retries=retries)


class _PageProgress:
    """One progress bar (or stream of log lines) per fetch label. Its total grows by each
    listing's `totalCount` (page 1), so that many id batches under one label share a bar."""

    def __init__(self) -> None:
        self.label: str | None = None
        self.bar: Progress | None = None

    def __call__(self, label: str, page: Any) -> None:
        if label != self.label:
            self.close()
            self.label = label
            self.bar = Progress(f"fetching {label}", None, every=1000)
            self.bar.__enter__()
        assert self.bar is not None
        if page.number == 1 and page.total_count is not None:
            self.bar.set_total((self.bar.total or 0) + page.total_count)
        self.bar.advance(len(page.studies))

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__()
            self.bar = None


def _report_out(report: Any, as_json: bool) -> None:
    if as_json:
        _emit_json(report.to_dict())
        return
    for note in report.notes:
        click.echo(note, err=True)
    click.echo(report.summary())
    for error in report.errors[:10]:
        click.echo(f"  ! {error}", err=True)
    if len(report.errors) > 10:
        click.echo(f"  ... and {len(report.errors) - 10} more errors (--json lists all)", err=True)


# --- sync ---------------------------------------------------------------------------------------


@click.command("sync")
@db_option
@click.option(
    "--id", "ids", multiple=True, metavar="NCT_ID", help="A trial by NCT id (repeatable)."
)
@click.option(
    "--watchlist",
    "watchlists",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A watch list file: YAML as in the bundled review list, or NCT ids one per line.",
)
@click.option("--cond", help="Registry query on conditions (query.cond).")
@click.option("--term", help="Registry query on any field (query.term).")
@click.option("--intr", help="Registry query on interventions (query.intr).")
@click.option("--status", help="Status filter, e.g. RECRUITING,NOT_YET_RECRUITING.")
@click.option("--full", is_flag=True, help="Ignore the incremental watermark: fetch everything.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Fetch what changed since then.")
@click.option("--no-follow", is_flag=True, help="Do not remember these watch lists and queries.")
@click.option("--list", "list_only", is_flag=True, help="Show what the database follows; no sync.")
@click.option(
    "--unfollow", metavar="KEY", help="Stop following a watch list or query (see --list)."
)
@click.option("--no-parse", is_flag=True, help="Store trials without parsing their criteria.")
@click.option("--page-size", type=click.IntRange(1, 1000), default=1000, show_default=True)
@_base_url_option
@_rate_option
@_after_option
@click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON.")
def sync_command(
    db_path: Path,
    ids: tuple[str, ...],
    watchlists: tuple[Path, ...],
    cond: str | None,
    term: str | None,
    intr: str | None,
    status: str | None,
    full: bool,
    since: Any,
    no_follow: bool,
    list_only: bool,
    unfollow: str | None,
    no_parse: bool,
    page_size: int,
    base_url: str | None,
    max_rate: float,
    retries: int,
    hooks: tuple[str, ...],
    patients_db: Path | None,
    no_rematch: bool,
    as_json: bool,
) -> None:
    """Pull studies from the ClinicalTrials.gov API v2 into the database.

    Selectors: --id, --watchlist and a query (--cond/--term/--intr/--status). With none, refresh
    what the database follows: its watch lists, saved queries and every trial it holds (a new
    database starts with the bundled review watch list and open breast cancer trials).
    Incremental by default: only what changed since the last complete run.

    \b
    Examples:
      trialmatch sync --id NCT05654623 --id NCT04964934
      trialmatch sync --cond "breast cancer" --status RECRUITING,NOT_YET_RECRUITING
      trialmatch sync                  # refresh everything followed
    """
    from sync import selectors
    from sync.run import sync
    from sync.runs import run_hooks
    from sync.store import open_database
    from sync.watchlist import load_watchlist

    after = _hooks(hooks, db_path, patients_db, no_rematch)

    if unfollow or list_only:
        db = open_database(db_path)
        if unfollow:
            if not selectors.unfollow(db, unfollow):
                raise InvalidOption(
                    "--unfollow", "a key shown by `trialmatch sync --list`", "unknown"
                )
            click.echo(f"no longer following {unfollow}")
        else:
            _show_followed(db, as_json)
        return
    queries: tuple[selectors.Query, ...] = ()
    if cond or term or intr or status:
        queries = (
            selectors.Query(
                cond=cond, term=term, intr=intr, status=selectors.parse_statuses(status or "")
            ),
        )
    selection = selectors.Selection(
        ids=selectors.parse_ids(ids),
        watchlists=tuple(load_watchlist(path) for path in watchlists),
        queries=queries,
    )
    db = open_database(db_path, create=True)
    progress = _PageProgress()
    try:
        report = sync(
            db,
            selection,
            client=_client(base_url, max_rate, retries),
            full=full,
            since=since.date() if since else None,
            follow=not no_follow,
            page_size=page_size,
            parse=not no_parse,
            on_page=progress,
        )
    finally:
        progress.close()
    _report_out(report, as_json)
    run_hooks(report, after)


def _show_followed(db: Any, as_json: bool) -> None:
    from sync.runs import list_runs
    from sync.selectors import KNOWN_KEY, followed, watermark

    current = followed(db)
    runs = list_runs(db, limit=5)
    if as_json:
        _emit_json(
            {
                "follows": [f.__dict__ for f in current.follows],
                "known_trials": current.known_trials,
                "known_trials_watermark": watermark(db, KNOWN_KEY),
                "recent_runs": [r.to_dict() for r in runs],
            }
        )
        return
    if not current.follows:
        click.echo("Nothing followed yet: `trialmatch sync` with no selector starts the defaults.")
    for f in current.follows:
        if f.kind == "watchlist":
            click.echo(f"{f.key} ({f.trials} trials)\n    {f.label}; refreshed by id each run")
        else:
            click.echo(f"{f.key}\n    {f.label}; up to date as of {f.watermark or 'never'}")
    click.echo(
        f"known trials: {current.known_trials}; up to date as of "
        f"{watermark(db, KNOWN_KEY) or 'never'}"
    )
    if runs:
        click.echo("recent runs:")
        for run in runs:
            click.echo(f"  {run.started_at}  {run.summary()}")


# --- import -------------------------------------------------------------------------------------


@click.command("import")
@db_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--no-parse", is_flag=True, help="Store trials without parsing their criteria.")
@click.option(
    "--batch",
    type=click.IntRange(1, 100000),
    default=500,
    show_default=True,
    help="Studies per transaction.",
)
@_after_option
@click.option("--json", "as_json", is_flag=True, help="Print the run report as JSON.")
def import_command(
    db_path: Path,
    paths: tuple[Path, ...],
    no_parse: bool,
    batch: int,
    hooks: tuple[str, ...],
    patients_db: Path | None,
    no_rematch: bool,
    as_json: bool,
) -> None:
    """Load studies offline: API v2 study JSON files, folders of them, saved /studies pages,
    JSON Lines, or the registry's bulk download zip.

    \b
    Example:
      trialmatch import trialmatch/sample/studies
    """
    from sync.importer import import_paths
    from sync.runs import run_hooks
    from sync.store import open_database

    after = _hooks(hooks, db_path, patients_db, no_rematch)
    db = open_database(db_path, create=True)
    with Progress("importing", None, every=5000) as advance:
        report = import_paths(db, paths, parse=not no_parse, batch=batch, on_batch=advance)
    _report_out(report, as_json)
    run_hooks(report, after)


# --- schedule -----------------------------------------------------------------------------------


@click.command("schedule")
@db_option
@click.option("--at", default="02:00", show_default=True, help="Daily time, HH:MM (24-hour).")
@click.option("--timezone", default="UTC", show_default=True, help="IANA zone for --at.")
@click.option("--run-now", is_flag=True, help="Also run once immediately on start.")
@_after_option
@_base_url_option
@_rate_option
def schedule_command(
    db_path: Path,
    at: str,
    timezone: str,
    run_now: bool,
    hooks: tuple[str, ...],
    patients_db: Path | None,
    no_rematch: bool,
    base_url: str | None,
    max_rate: float,
    retries: int,
) -> None:
    """Run the nightly refresh in the foreground until stopped (Ctrl-C or SIGTERM).

    Each day at --at it runs what a bare `trialmatch sync` runs. Without a resident process,
    call `trialmatch sync` from cron or a systemd timer instead.

    \b
    Example:
      trialmatch schedule --at 02:30 --timezone Europe/Paris
    """
    import logging

    from sync.schedule import NightlySync, build_scheduler, run_forever

    if logging.getLogger().level > logging.INFO:
        logging.getLogger("trialmatch").setLevel(logging.INFO)  # one line per run, at least
    stop = threading.Event()
    job = NightlySync(
        db_path,
        client_factory=lambda: _client(base_url, max_rate, retries),
        after=_hooks(hooks, db_path, patients_db, no_rematch),
        stop=stop,
    )
    scheduler = build_scheduler(job, at=at, timezone=timezone, run_now=run_now)
    click.echo(f"nightly sync of {db_path} at {at} {timezone}; Ctrl-C or SIGTERM stops", err=True)
    run_forever(scheduler, stop)


# --- search -------------------------------------------------------------------------------------


def _near(value: str | None) -> tuple[float, float, float] | None:
    if not value:
        return None
    try:
        lat, lon, km = (float(part) for part in value.split(","))
    except ValueError:
        raise InvalidOption("--near", "LAT,LON,KM such as 42.34,-71.10,50", "unreadable") from None
    return lat, lon, km


@click.command("search")
@db_option
@click.argument("text", required=False)
@click.option("--status", help="Overall status(es), e.g. RECRUITING,NOT_YET_RECRUITING.")
@click.option("--open", "open_only", is_flag=True, help="Recruiting or not yet recruiting only.")
@click.option("--phase", help="Phase(s): early1, 1, 2, 3, 4; comma-separated for any of them.")
@click.option("--condition", help="Words in the trial's conditions or keywords.")
@click.option("--intervention", help="Words in an intervention name, literally.")
@click.option("--drug", help="A drug or drug class; brand and code names are expanded.")
@click.option("--gene", help="A gene; its aliases are expanded.")
@click.option("--country", help="A site country, e.g. 'United States' or US.")
@click.option("--near", metavar="LAT,LON,KM", help="A site within KM of this point.")
@click.option("--limit", type=click.IntRange(1, 10000), default=25, show_default=True)
@click.option("--facets", "with_facets", is_flag=True, help="Also count hits by status, phase...")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
def search_command(
    db_path: Path,
    text: str | None,
    status: str | None,
    open_only: bool,
    phase: str | None,
    condition: str | None,
    intervention: str | None,
    drug: str | None,
    gene: str | None,
    country: str | None,
    near: str | None,
    limit: int,
    with_facets: bool,
    as_json: bool,
) -> None:
    """Full-text search of the trials, with filters; shows why each trial matched.

    \b
    Examples:
      trialmatch search "ESR1 mutation" --open --phase 2,3
      trialmatch search --drug palbociclib --country US --json
      trialmatch search "breast cancer" --near 42.34,-71.10,50
    """
    from sync.search import facets, search
    from sync.store import open_database
    from trialmatch.vocab import OPEN_STATUSES

    db = open_database(db_path, readonly=True)
    statuses = [s.value for s in OPEN_STATUSES] if open_only else (status or None)
    filters: dict[str, Any] = dict(
        status=statuses,
        phase=phase,
        condition=condition,
        intervention=intervention,
        drug=drug,
        gene=gene,
        country=country,
        near=_near(near),
    )
    hits = search(db, text, limit=limit, **filters)
    counts = facets(db, text, **filters) if with_facets else None
    if as_json:
        data: dict[str, Any] = {"hits": [h.to_dict() for h in hits]}
        if counts is not None:
            data["facets"] = {
                k: [{"value": v, "count": n} for v, n in c] for k, c in counts.items()
            }
        _emit_json(data)
        return
    _hits_table(hits)
    if counts:
        for name, values in counts.items():
            click.echo(f"{name}: " + ", ".join(f"{v} {n}" for v, n in values))


def _hits_table(hits: Sequence[Any]) -> None:
    out = console()
    if not hits:
        click.echo("No trials match.")
        return
    if not out.is_terminal:
        for h in hits:
            click.echo(f"{h.nct_id}\t{h.overall_status}\t{','.join(h.phases)}\t{h.title}")
            for reason in h.why:
                click.echo(f"\t  {reason}")
        return
    from rich.table import Table

    table = Table(show_lines=True)
    for column in ("NCT id", "status", "phases", "title", "why it matched"):
        table.add_column(column, overflow="fold")
    for h in hits:
        title = h.title or ""
        if h.acronym:
            title += f" ({h.acronym})"
        table.add_row(
            h.nct_id, h.overall_status or "", ", ".join(h.phases), title, "\n".join(h.why)
        )
    out.print(table)


# --- show and changes -----------------------------------------------------------------------------


@click.command("show")
@db_option
@click.argument("nct_id")
@click.option("--changes", "with_changes", is_flag=True, help="Also list the recorded changes.")
@click.option("--json", "as_json", is_flag=True, help="The trial as JSON.")
def show_command(db_path: Path, nct_id: str, with_changes: bool, as_json: bool) -> None:
    """One trial in full: status, phases, arms, interventions, sites, eligibility text.

    \b
    Example:
      trialmatch show NCT05654623 --changes
    """
    from sync.show import render_text, trial_detail
    from sync.store import open_database

    db = open_database(db_path, readonly=True)
    trial = trial_detail(db, nct_id, with_changes=with_changes)
    if as_json:
        _emit_json(trial.to_dict())
    else:
        click.echo(render_text(trial))


@click.command("changes")
@db_option
@click.option(
    "--since",
    default="24h",
    show_default=True,
    help="A date (2026-11-23), a UTC time, or a duration back from now (24h, 7d).",
)
@click.option("--id", "nct_id", metavar="NCT_ID", help="Only this trial.")
@click.option("--field", "fields", multiple=True, help="Only these kinds of change (repeatable).")
@click.option("--limit", type=click.IntRange(1, 100000), default=500, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON instead of lines.")
def changes_command(
    db_path: Path,
    since: str,
    nct_id: str | None,
    fields: tuple[str, ...],
    limit: int,
    as_json: bool,
) -> None:
    """What changed in the database's trials since a time ("since last night": --since 24h).

    Kinds of change: added, status, eligibility, sites, phases, title, enrollment,
    interventions, other.

    \b
    Example:
      trialmatch changes --since 24h --field status --field eligibility
    """
    from sync.history import ChangeField, changes_since
    from sync.shape import normalize_nct_id
    from sync.store import open_database

    kinds = []
    for name in fields:
        if name not in {f.value for f in ChangeField}:
            raise InvalidOption("--field", ", ".join(f.value for f in ChangeField), "unknown")
        kinds.append(ChangeField(name))
    normal = None
    if nct_id:
        normal = normalize_nct_id(nct_id)
        if normal is None:
            raise InvalidOption("--id", "an NCT id such as NCT04072952", "not an NCT id")
    db = open_database(db_path, readonly=True)
    found = changes_since(db, since, nct_id=normal, fields=kinds, limit=limit)
    if as_json:
        _emit_json([c.to_dict() for c in found])
        return
    if not found:
        click.echo("No changes recorded in that time.")
    for change in found:
        title = f"  {change.title}" if change.title else ""
        click.echo(f"{change.changed_at}  {change.nct_id}{title}\n    {change.summary()}")


def register(group: click.Group) -> None:
    for command in (
        sync_command,
        import_command,
        schedule_command,
        search_command,
        show_command,
        changes_command,
    ):
        group.add_command(command)
