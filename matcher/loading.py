"""Reading patient profiles from files: YAML or JSON for one patient; JSON arrays, JSON Lines,
YAML lists and CSV (see `matcher.csv_layout`) for cohorts.

Every error is a `ProfileError` whose message names the record, the field, the offending value's
type and what is accepted, and never the value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from rapidfuzz import process

from matcher.profile import _ID, Profile
from trialmatch.errors import ProfileError


def parse_profile(data: object, where: str = "profile") -> Profile:
    """Validate one profile given as a mapping; `where` names it in error messages."""
    if not isinstance(data, Mapping):
        raise ProfileError(f"{where}: a profile must be a mapping of fields (got {_type(data)})")
    try:
        return Profile.model_validate(dict(data))
    except ValidationError as error:
        raise ProfileError(_describe(error, data, where)) from None


def load_profile(path: str | Path) -> Profile:
    """One patient from a YAML or JSON file."""
    records = list(_records(Path(path)))
    if len(records) != 1:
        raise ProfileError(
            f"{path}: expected one profile, found {len(records)}; use `trialmatch cohort` for many"
        )
    where, data = records[0]
    return parse_profile(data, where)


def load_profiles(path: str | Path) -> list[Profile]:
    """Every patient in a file: a single profile, a JSON array, JSON Lines, a YAML list or CSV.

    Ids must be unique within the file.
    """
    profiles: list[Profile] = []
    seen: set[str] = set()
    for where, data in _records(Path(path)):
        profile = parse_profile(data, where)
        if profile.id in seen:
            raise ProfileError(f"{where}: id is used by an earlier record; ids must be unique")
        seen.add(profile.id)
        profiles.append(profile)
    if not profiles:
        raise ProfileError(f"{path}: no profiles found")
    return profiles


def _records(path: Path) -> Iterator[tuple[str, object]]:
    if not path.is_file():
        raise ProfileError(f"{path}: no such file")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from matcher.csv_layout import read_csv

        yield from read_csv(path)
        return
    text = path.read_text(encoding="utf-8")
    if suffix in {".jsonl", ".ndjson"}:
        yield from _json_lines(path, text)
        return
    try:
        data = json.loads(text) if suffix == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        line = (
            error.lineno
            if isinstance(error, json.JSONDecodeError)
            else (mark.line + 1 if mark else "?")
        )
        raise ProfileError(
            f"{path}: not valid {suffix.lstrip('.') or 'YAML'} (line {line})"
        ) from None
    yield from _unpack(path, data)


def _json_lines(path: Path, text: str) -> Iterator[tuple[str, object]]:
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            yield f"{path.name} line {number}", json.loads(line)
        except json.JSONDecodeError:
            raise ProfileError(f"{path.name} line {number}: not valid JSON") from None


def _unpack(path: Path, data: object) -> Iterable[tuple[str, object]]:
    if isinstance(data, list):
        return ((f"{path.name} record {n}", item) for n, item in enumerate(data, 1))
    return [(path.name, data)]


# --- messages without values --------------------------------------------------------------------


def _describe(error: ValidationError, data: object, where: str) -> str:
    ident = data.get("id") if isinstance(data, Mapping) else None
    # the id names the record only when it is a valid pseudonymous reference (never a name)
    label = f"{where} (id {ident})" if isinstance(ident, str) and _ID.match(ident) else where
    lines = []
    for problem in error.errors(include_input=False, include_url=False):
        loc = problem["loc"]
        field = _dotted(loc)
        offending = _lookup(data, loc)
        if problem["type"] == "extra_forbidden":
            lines.append(f"{field}: unknown field{_field_hint(loc, data)}")
            continue
        message = problem["msg"].removeprefix("Value error, ")
        got = "" if offending is _MISSING else f" (got {_type(offending)})"
        lines.append(f"{field}: {message}{got}")
    return f"{label}: invalid profile\n  " + "\n  ".join(lines)


_UNION_TAGS = {"GeneFinding", "MarkerFinding", "Her2Test"}


def _dotted(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in _UNION_TAGS or str(part).startswith(("literal[", "function-")):
            continue
        else:
            text += f".{part}" if text else str(part)
    return text or "profile"


_MISSING = object()


def _lookup(data: object, loc: tuple[int | str, ...]) -> object:
    node: Any = data
    for part in loc:
        in_map = isinstance(node, Mapping) and part in node
        in_list = isinstance(node, list | tuple) and isinstance(part, int) and part < len(node)
        if in_map or in_list:
            node = node[part]
        elif isinstance(part, str) and not isinstance(node, Mapping | list | tuple):
            continue
        else:
            return _MISSING
    return node


def _type(value: object) -> str:
    return {
        str: "text",
        int: "a whole number",
        float: "a number",
        bool: "true/false",
        list: "a list",
        dict: "a mapping",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _field_hint(loc: tuple[int | str, ...], data: object) -> str:
    """'did you mean' for a misspelt field, from the fields allowed at that place."""
    from matcher import profile as model

    parent: Any = model.Profile
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(parent, "model_fields", {}).get(part)
        if field is None:
            break
        parent = _model_in(field.annotation)
    allowed = list(getattr(parent, "model_fields", {}))
    if not allowed:
        return ""
    best = process.extractOne(str(loc[-1]), allowed, score_cutoff=60)
    suggestion = f"; did you mean `{best[0]}`?" if best else ""
    return f"{suggestion} (accepted here: {', '.join(allowed)})"


def _model_in(annotation: Any) -> Any:
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if hasattr(candidate, "model_fields"):
            return candidate
        inner = _model_in_args(candidate)
        if inner is not None:
            return inner
    return None


def _model_in_args(annotation: Any) -> Any:
    for arg in getattr(annotation, "__args__", ()):
        if hasattr(arg, "model_fields"):
            return arg
        meta = getattr(arg, "__origin__", None)
        if meta is not None and hasattr(meta, "model_fields"):
            return meta
    if hasattr(annotation, "__metadata__"):
        return _model_in(annotation.__origin__)
    return None
