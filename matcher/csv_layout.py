"""The cohort CSV layout (documented in `trialmatch/sample/patients/CSV.md`): one patient per row,
turned into the same mapping a YAML profile would give.

An empty cell is unknown (the key is left out); `none` is an empty list. Errors name the row and
the column, never the cell's value.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from rapidfuzz import process

from trialmatch.errors import ProfileError

_TEXT = {
    "id",
    "sex",
    "menopausal_status",
    "cancer",
    "histology",
    "stage",
    "brain_metastases",
    "her2",
    "her2_ihc",
    "her2_ish",
    "postal_code",
    "country",
}
_DIAGNOSIS = {
    "cancer",
    "histology",
    "stage",
    "de_novo",
    "metastatic_sites",
    "brain_metastases",
    "brain_metastases_symptomatic",
    "measurable_disease",
    "visceral_crisis",
}
_BOOLEAN = {"de_novo", "brain_metastases_symptomatic", "measurable_disease", "visceral_crisis"}
_LISTS = {"metastatic_sites", "tested_negative", "conditions"}
COLUMNS = (
    "id",
    "age",
    "sex",
    "menopausal_status",
    "ecog",
    "cancer",
    "histology",
    "stage",
    "de_novo",
    "metastatic_sites",
    "brain_metastases",
    "brain_metastases_symptomatic",
    "measurable_disease",
    "visceral_crisis",
    "er",
    "pr",
    "her2",
    "her2_ihc",
    "her2_ish",
    "biomarkers",
    "tested_negative",
    "treatments",
    "labs",
    "conditions",
    "lat",
    "lon",
    "postal_code",
    "country",
)
_TRUE = {"yes", "true", "y", "1"}
_FALSE = {"no", "false", "n", "0"}


class _CellError(ValueError):
    """A cell cannot be read; the message says what is accepted (never the value)."""


def read_csv(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return
        names = [_column(name) for name in header]
        for number, cells in enumerate(reader, 1):
            if not any(cell.strip() for cell in cells):
                continue
            where = f"{path.name} row {number}"
            yield where, _row(dict(zip(names, (c.strip() for c in cells), strict=False)), where)


def _column(name: str) -> str:
    key = name.strip().lower()
    if key not in COLUMNS:
        best = process.extractOne(key, COLUMNS, score_cutoff=70)
        hint = f"; did you mean `{best[0]}`?" if best else ""
        raise ProfileError(
            f"CSV header: unknown column `{key}`{hint} (accepted: {', '.join(COLUMNS)})"
        )
    return key


def _row(cells: dict[str, str], where: str) -> dict[str, Any]:
    profile: dict[str, Any] = {}
    diagnosis: dict[str, Any] = {}
    receptors: dict[str, Any] = {}
    location: dict[str, Any] = {}
    for column, cell in cells.items():
        if cell == "":
            continue
        try:
            value = _READERS.get(column, _text)(cell)
        except _CellError as error:
            raise ProfileError(f"{where}, column `{column}`: {error}") from None
        if column in _DIAGNOSIS:
            diagnosis[column] = value
        elif column in {"er", "pr"}:
            receptors[column if isinstance(value, str) else f"{column}_percent"] = value
        elif column == "her2":
            receptors["her2"] = value
        elif column in {"her2_ihc", "her2_ish"}:
            receptors.setdefault("her2", {})
            if not isinstance(receptors["her2"], dict):
                raise ProfileError(
                    f"{where}: fill either `her2` or `her2_ihc`/`her2_ish`, not both"
                )
            receptors["her2"][column.removeprefix("her2_")] = value
        elif column in {"lat", "lon", "postal_code", "country"}:
            location[column] = value
        else:
            profile[column] = value
    if "her2" in cells and cells["her2"] and isinstance(receptors.get("her2"), dict):
        raise ProfileError(f"{where}: fill either `her2` or `her2_ihc`/`her2_ish`, not both")
    for key, part in (("diagnosis", diagnosis), ("receptors", receptors), ("location", location)):
        if part:
            profile[key] = part
    return profile


def _text(cell: str) -> str:
    return cell


def _number(cell: str) -> float | int:
    try:
        number = float(cell)
    except ValueError:
        raise _CellError("must be a number") from None
    return int(number) if number.is_integer() else number


def _integer(cell: str) -> int:
    number = _number(cell)
    if not isinstance(number, int):
        raise _CellError("must be a whole number")
    return number


def _boolean(cell: str) -> bool:
    lowered = cell.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise _CellError("must be yes or no (true/false, y/n, 1/0 are accepted too)")


def _items(cell: str) -> list[str]:
    if cell.lower() == "none":
        return []
    return [item.strip() for item in cell.split(";") if item.strip()]


def _receptor(cell: str) -> str | float | int:
    if cell.lower() in {"positive", "low", "negative"}:
        return cell.lower()
    try:
        return _number(cell)
    except _CellError:
        raise _CellError("must be positive, low, negative, or a percentage 0-100") from None


_MARKER = re.compile(r"^(?P<marker>[^=]+)=(?P<value>-?\d+(?:\.\d+)?)\s*(?P<unit>.*)$")


def _biomarkers(cell: str) -> list[dict[str, Any]]:
    findings = []
    for position, item in enumerate(_items(cell), 1):
        if "=" in item:
            found = _MARKER.match(item)
            if found:
                marker: dict[str, Any] = {
                    "marker": found["marker"].strip(),
                    "value": _number(found["value"]),
                }
                if found["unit"].strip():
                    marker["unit"] = found["unit"].strip()
            else:
                name, _, status = item.partition("=")
                if not status.strip():
                    raise _CellError(f"item {position}: write MARKER=VALUE [UNIT] or MARKER=STATUS")
                marker = {"marker": name.strip(), "status": status.strip().lower()}
            findings.append(marker)
            continue
        parts = [p.strip() for p in item.split(":")]
        if len(parts) < 2 or not parts[0] or not parts[1] or len(parts) > 4:
            raise _CellError(f"item {position}: write GENE:ALTERATION[:ORIGIN[:SPECIMEN]]")
        finding: dict[str, Any] = {"gene": parts[0], "alteration": parts[1]}
        for key, value in zip(("origin", "specimen"), parts[2:], strict=False):
            if value:
                finding[key] = value.lower()
        findings.append(finding)
    return findings


def _treatments(cell: str) -> list[dict[str, Any]]:
    regimens = []
    for position, item in enumerate(_items(cell), 1):
        agents, at, rest = item.partition("@")
        if not at or not agents.strip():
            raise _CellError(f"item {position}: write AGENTS@SETTING[:OUTCOME[:START[:END]]]")
        fields = [f.strip() for f in rest.split(":")]
        if len(fields) > 4 or not fields[0]:
            raise _CellError(f"item {position}: write AGENTS@SETTING[:OUTCOME[:START[:END]]]")
        regimen: dict[str, Any] = {
            "agents": [a.strip() for a in agents.split("+") if a.strip()],
            "setting": fields[0].lower(),
        }
        for key, value in zip(("outcome", "start", "end"), fields[1:], strict=False):
            if value:
                regimen[key] = value.lower() if key == "outcome" else value
        regimens.append(regimen)
    return regimens


def _labs(cell: str) -> dict[str, float | int]:
    labs: dict[str, float | int] = {}
    for position, item in enumerate(_items(cell), 1):
        key, eq, value = item.partition("=")
        if not eq:
            raise _CellError(f"item {position}: write key=number")
        try:
            labs[key.strip()] = _number(value.strip())
        except _CellError:
            raise _CellError(f"the value for `{key.strip()}` must be a number") from None
    return labs


_READERS: dict[str, Callable[[str], Any]] = {
    "age": _number,
    "ecog": _integer,
    "lat": _number,
    "lon": _number,
    "er": _receptor,
    "pr": _receptor,
    "biomarkers": _biomarkers,
    "treatments": _treatments,
    "labs": _labs,
    **{name: _boolean for name in _BOOLEAN},
    **{name: _items for name in _LISTS},
    **{name: _text for name in _TEXT},
}
