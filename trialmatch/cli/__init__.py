"""The `trialmatch` command line: argument parsing and messages only; the work is in the library.

Each subcommand lives in a module of this package that adds itself to `main`. Project errors
(`trialmatch.errors.TrialmatchError`) become a one-line message and exit status 1.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from trialmatch import __version__
from trialmatch.errors import TrialmatchError


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except TrialmatchError as error:
            click.echo(f"Error: {error}", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="trialmatch")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
def main(verbose: int) -> None:
    """Find clinical trials for patients, and explain why, criterion by criterion."""
    from trialmatch.cli.common import interactive

    # on a terminal progress shows as bars, so only warnings are logged; otherwise progress is
    # reported as plain INFO lines
    base = logging.WARNING if interactive() else logging.INFO
    level = max(logging.DEBUG, base - 10 * verbose)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(message)s", force=True)


def _register() -> None:
    from trialmatch.cli import commands

    commands.register(main)


_register()
