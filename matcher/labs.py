"""Laboratory values: the profile's `labs` keys, their units, and how a trial's threshold in
another unit, or in multiples of the upper limit of normal, is compared with them
(`matcher/data/labs.yaml`)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from trialmatch.errors import DataFileError


class SiUnit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: str
    factor: float


class LabEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    label: str
    unit: str
    aliases: tuple[str, ...] = ()
    analytes: tuple[str, ...] = ()
    uln: tuple[float, float] | None = None
    si: SiUnit | None = None
    family: str | None = None
    relative: str | None = None  # for "_xuln" keys: the key of the absolute value


class LabFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    labs: tuple[LabEntry, ...]


@cache
def lab_table() -> dict[str, LabEntry]:
    text = resources.files("matcher.data").joinpath("labs.yaml").read_text(encoding="utf-8")
    try:
        entries = LabFile.model_validate(yaml.safe_load(text)).labs
    except ValidationError as error:
        problem = error.errors(include_input=False)[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise DataFileError(f"matcher/data/labs.yaml: {where}: {problem['msg']}") from None
    table = {entry.key: entry for entry in entries}
    for entry in entries:
        if entry.relative is not None and entry.relative not in table:
            raise DataFileError(f"matcher/data/labs.yaml: {entry.key}: unknown `relative` key")
    return table


@cache
def _names() -> dict[str, str]:
    names: dict[str, str] = {}
    for entry in lab_table().values():
        for name in (entry.key, *entry.aliases):
            names[name.lower()] = entry.key
    return names


def canonical_key(name: str) -> str | None:
    """The profile key a lab name means ('neutrophils' -> 'anc'), or None."""
    return _names().get(name.strip().lower().replace(" ", "_").replace("-", "_"))


def accepted_keys() -> list[str]:
    return list(lab_table())


@cache
def entries_for(analyte: str) -> tuple[LabEntry | None, LabEntry | None]:
    """The absolute and the ULN-relative profile entries that answer a parser analyte id."""
    absolute = next(
        (e for e in lab_table().values() if e.relative is None and analyte in e.analytes), None
    )
    relative = None
    if absolute is not None:
        relative = next((e for e in lab_table().values() if e.relative == absolute.key), None)
    return absolute, relative


#: "x 10^4/mm3", "10e3/uL": a count's power of ten, and a unit per microlitre (= per mm3).
#: "10^4", "10**4", "10e4"; also "x104" where the caret was lost ("10 x 104/mm3" is 10 x 10^4)
_POWER = re.compile(r"10(?:\^|\*\*|e|\*)(\d{1,2})|^[x×*]10([3-9]|1[0-2])(?=/|$)")
_PER_MICROLITRE = re.compile(r"/(?:mm3|mm\^3|ul|mcl|cumm|cmm)\b")


def _exponent(power: re.Match[str]) -> int:
    return int(power.group(1) or power.group(2))


def to_unit(entry: LabEntry, value: float, unit: str | None) -> float:
    """A trial's threshold, written in `unit`, in the entry's unit."""
    u = (unit or "").lower().replace(" ", "").replace("µ", "u").replace("μ", "u")
    if entry.family == "count":
        power = _POWER.search(u)
        if power is not None and _PER_MICROLITRE.search(u):
            return value * 10 ** _exponent(power) / 1000  # "10 x 10^4/mm3" is 100 x 10^9/L
        if power is not None and u.endswith("/l"):
            return value * 10 ** _exponent(power) / 1e9
        if power is not None and "/" not in u and _exponent(power) < 6:
            # "platelets >= 10 x 10^4" with no volume: counts per litre are written in 10^9 or
            # 10^12, so a small power counts cells per microlitre
            return value * 10 ** _exponent(power) / 1000
        if any(s in u for s in ("10^9", "10⁹", "10*9", "10e9", "g/l", "10^3/u", "10³/u", "k/u")):
            return value
        if any(s in u for s in ("mm", "/ul", "/mcl", "cells")) or value >= 500:
            return value / 1000
        return value
    if entry.family == "hemoglobin":
        if "mmol" in u:
            return value * 1.611
        if ("g/l" in u and "dl" not in u) or value > 30:
            return value / 10
        return value
    if entry.family == "hba1c":
        if "mmol/mol" in u or value > 20:
            return value / 10.929 + 2.15
        return value
    if entry.si is not None:
        si = entry.si.unit.lower()
        if si.replace("umol", "mol") in u.replace("umol", "mol") or (
            si.startswith("mmol") and "mmol" in u
        ):
            return value / entry.si.factor
    return value
