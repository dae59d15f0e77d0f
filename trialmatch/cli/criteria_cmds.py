"""`trialmatch criteria` and `trialmatch reparse`: parsed eligibility criteria.

Argument parsing and output only; parsing is `criteria.parse_criteria`, storage is `sync.parsed`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

import click
from rich.table import Table

from trialmatch.cli.common import console, db_option
from trialmatch.errors import InvalidOption

_MODES = "an NCT id, --stats, or --text FILE (one of them)"


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _table(criteria: list[Any], title: str | None = None) -> Table:
    from criteria.describe import describe

    table = Table(title=title, show_lines=False, expand=False)
    table.add_column("#", justify="right", style="dim")
    table.add_column("section")
    table.add_column("kind")
    table.add_column("key fields")
    table.add_column("text", overflow="fold", max_width=70)
    previous = None
    for c in criteria:
        same = c.item == previous
        previous = c.item
        label = c.kind.value if c.cohort is None else f"{c.kind.value} ({c.cohort})"
        table.add_row(
            "" if same or c.item < 0 else str(c.item),
            "" if same else c.section.value,
            label,
            describe(c),
            "" if same else c.text,
        )
    return table


def _stored(db: Any, nct_id: str) -> tuple[str, list[Any]]:
    """The trial's criteria: the stored parse when it is current, else a fresh one."""
    from criteria import PARSER_VERSION, parse_criteria
    from criteria.model import CRITERIA
    from sync.show import trial_detail

    trial = trial_detail(db, nct_id)
    row = db.execute(
        "SELECT parser_version, criteria FROM criteria WHERE nct_id = ?", [trial.nct_id]
    ).fetchone()
    if row is not None and row[0] == PARSER_VERSION and row[1]:
        return trial.nct_id, list(CRITERIA.validate_json(row[1]))
    if row is not None:
        click.echo(
            f"note: the stored parse is from parser {row[0]}; showing a fresh parse "
            f"(parser {PARSER_VERSION}); `trialmatch reparse` updates the database",
            err=True,
        )
    return trial.nct_id, parse_criteria(trial.eligibility_text or "")


@click.command("criteria")
@db_option
@click.argument("nct_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="JSON (CONTRACTS.md section 3).")
@click.option("--stats", is_flag=True, help="Coverage over the database: criteria per kind.")
@click.option(
    "--text",
    "text_file",
    type=click.File("r", encoding="utf-8"),
    default=None,
    metavar="FILE|-",
    help="Parse this eligibility text (a file, or - for standard input); no database needed.",
)
@click.option("--top", type=click.IntRange(1, 500), default=20, show_default=True,
              help="With --stats: how many unrecognized phrasings to list.")  # fmt: skip
def criteria_command(
    db_path: Path,
    nct_id: str | None,
    as_json: bool,
    stats: bool,
    text_file: IO[str] | None,
    top: int,
) -> None:
    """A trial's eligibility criteria as typed, explained criteria.

    Shows each criterion's section, kind, key fields and the words it came from. With --stats,
    reports how much of the database's criteria text the parser understands; with --text,
    parses a text directly (for rule authors).

    \b
    Examples:
      trialmatch criteria NCT05654623
      trialmatch criteria NCT05654623 --json
      trialmatch criteria --stats
      echo "* ECOG 0-1" | trialmatch criteria --text -
    """
    chosen = sum([nct_id is not None, stats, text_file is not None])
    if chosen != 1:
        raise InvalidOption("criteria", _MODES, "give exactly one")
    if text_file is not None:
        _from_text(text_file.read(), as_json)
        return
    from sync.store import open_database

    db = open_database(db_path, readonly=True)
    if stats:
        _stats(db, as_json, top)
        return
    assert nct_id is not None
    normal, parsed = _stored(db, nct_id)
    if as_json:
        from criteria.model import dump_criteria

        _emit_json(dump_criteria(parsed))
        return
    console().print(_table(parsed, title=f"{normal}: {len(parsed)} criteria"))


def _from_text(text: str, as_json: bool) -> None:
    from criteria import parse_criteria
    from criteria.coverage import Coverage, unrepresented_lines
    from criteria.model import dump_criteria

    parsed = parse_criteria(text)
    if as_json:
        _emit_json(dump_criteria(parsed))
        return
    coverage = Coverage()
    missing = unrepresented_lines(text, parsed)
    coverage.add(parsed, len(missing))
    out = console()
    out.print(_table(parsed))
    out.print(
        f"{coverage.criteria} criteria from {coverage.items} items; "
        f"{coverage.typed_share:.0%} of criteria and {coverage.item_share:.0%} of items typed"
    )
    for line in missing:
        out.print(f"not represented: {line}")


def _stats(db: Any, as_json: bool, top: int) -> None:
    from criteria import PARSER_VERSION
    from sync.parsed import criteria_stats

    result = criteria_stats(db, top=top)
    if as_json:
        _emit_json({"parser_version": PARSER_VERSION, **result.to_dict()})
        return
    out = console()
    kinds = Table(title=f"{result.trials} trials, {result.criteria} criteria")
    kinds.add_column("kind")
    kinds.add_column("criteria", justify="right")
    kinds.add_column("share", justify="right")
    for kind, count in result.by_kind.items():
        kinds.add_row(kind, str(count), f"{count / result.criteria:.1%}" if result.criteria else "")
    out.print(kinds)
    out.print(f"unrecognized: {result.unrecognized_share:.1%} of criteria")
    versions = ", ".join(f"{v} ({n})" for v, n in result.parser_versions.items())
    out.print(f"parser versions stored: {versions or 'none'} (current {PARSER_VERSION})")
    if result.top_unrecognized:
        common = Table(title="most common unrecognized phrasings")
        common.add_column("count", justify="right")
        common.add_column("text (numbers as #)", overflow="fold", max_width=90)
        for text, count in result.top_unrecognized:
            common.add_row(str(count), text)
        out.print(common)


@click.command("reparse")
@db_option
@click.option(
    "--all", "everything", is_flag=True, help="Re-parse every trial, not only stale ones."
)
def reparse_command(db_path: Path, everything: bool) -> None:
    """Parse stored trials' criteria again with the current parser.

    By default only trials parsed by another parser version (or not parsed yet) are redone;
    `trialmatch sync` and `trialmatch import` do the same automatically.

    \b
    Examples:
      trialmatch reparse
      trialmatch reparse --all
    """
    from criteria import PARSER_VERSION
    from sync.parsed import reparse_all, reparse_stale
    from sync.store import open_database

    db = open_database(db_path)
    count = reparse_all(db) if everything else reparse_stale(db)
    click.echo(f"re-parsed {count} trials with parser {PARSER_VERSION}")


def register(group: click.Group) -> None:
    group.add_command(criteria_command)
    group.add_command(reparse_command)
