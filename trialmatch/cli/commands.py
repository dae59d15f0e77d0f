"""The list of subcommand modules. Each module defines `register(group)`."""

from __future__ import annotations

import importlib

import click

#: Modules of trialmatch.cli that add subcommands, in the order they appear in `--help`.
MODULES = ("sync_cmds", "criteria_cmds", "match_cmds", "serve_cmd")


def register(group: click.Group) -> None:
    for name in MODULES:
        importlib.import_module(f"trialmatch.cli.{name}").register(group)
