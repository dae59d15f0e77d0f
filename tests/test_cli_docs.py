"""Docs stay honest: every command has help and a README section, and the README's first two
commands are the ones CI runs."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from trialmatch.cli import main

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def _commands() -> list[tuple[str, click.Command]]:
    found = []
    for name, command in main.commands.items():
        found.append((name, command))
        if isinstance(command, click.Group):
            found += [(f"{name} {sub}", c) for sub, c in command.commands.items()]
    return found


@pytest.mark.parametrize(
    ("name", "command"), _commands(), ids=lambda x: x if isinstance(x, str) else ""
)
def test_every_command_has_help_and_is_in_the_readme(name: str, command: click.Command) -> None:
    assert (command.help or "").strip(), f"`trialmatch {name}` has no help text"
    assert f"trialmatch {name}" in README, f"`trialmatch {name}` is not in the README"
    result = CliRunner().invoke(main, [*name.split(), "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output


def test_the_contracts_commands_exist() -> None:
    wanted = {
        "sync",
        "import",
        "schedule",
        "search",
        "show",
        "criteria",
        "match",
        "cohort",
        "patients",
        "alerts",
        "serve",
    }
    assert wanted <= set(main.commands)


def test_ci_runs_the_readme_test_command() -> None:
    blocks = README.split("```bash", 1)[1].split("```", 1)[0].strip().splitlines()
    commands = [line for line in blocks if line and not line.startswith("#")]
    assert len(commands) == 2, "the README opens with two commands: the demo and the tests"
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci
    assert "trialmatch demo" in commands[0]


def test_every_command_takes_db() -> None:
    for name, command in _commands():
        if name in {"demo", "patients"}:
            continue  # demo makes its own database; `patients` is a group
        params = {p.name for p in command.params}
        assert "db_path" in params, f"`trialmatch {name}` takes no --db"
