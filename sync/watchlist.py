"""Watch lists: named lists of trials to follow, as YAML or as plain text.

YAML (the format of the bundled `sync/data/review_watchlist.yaml`):

    name: my-site-trials            # letters, digits, '-', '_' and '.'
    title: Trials our clinic follows    # optional
    strategies:                     # optional; when present, every trial's strategy must be one
      er_targeting: Estrogen receptor targeting
    trials:
      - nct_id: NCT04072952
        name: VERITAC               # optional
        strategy: er_targeting      # optional
        drugs: [vepdegestrant]      # optional
        note: free text             # optional

Plain text: one NCT id per line; `#` starts a comment; anything after the id on a line is kept as
the trial's name. The list is named after the file.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from sync.shape import normalize_nct_id
from trialmatch.errors import WatchlistError

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
BUNDLED = "review_watchlist.yaml"


class WatchEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    nct_id: str
    name: str | None = None
    strategy: str | None = None
    drugs: tuple[str, ...] = ()
    note: str | None = None

    @field_validator("nct_id", mode="before")
    @classmethod
    def _nct(cls, value: Any) -> str:
        normal = normalize_nct_id(value) if isinstance(value, str) else None
        if normal is None:
            raise ValueError("must be an NCT id such as NCT04072952")
        return normal


class Watchlist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str | None = None
    strategies: dict[str, str] = Field(default_factory=dict)
    trials: tuple[WatchEntry, ...] = Field(min_length=1)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not _NAME.match(value):
            raise ValueError("use letters, digits, '-', '_' and '.' only, starting with a letter")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Watchlist:
        seen: set[str] = set()
        for entry in self.trials:
            if entry.nct_id in seen:
                raise ValueError(f"{entry.nct_id} is listed twice")
            seen.add(entry.nct_id)
            if self.strategies and entry.strategy and entry.strategy not in self.strategies:
                raise ValueError(
                    f"{entry.nct_id}: strategy {entry.strategy!r} is not declared under "
                    f"`strategies` (declared: {', '.join(sorted(self.strategies))})"
                )
        return self

    @property
    def ids(self) -> list[str]:
        return [entry.nct_id for entry in self.trials]


def bundled_watchlist() -> Watchlist:
    """The watch list of every trial the founding review names by NCT id."""
    text = resources.files("sync").joinpath("data", BUNDLED).read_text(encoding="utf-8")
    return parse_watchlist(text, source=f"sync/data/{BUNDLED}")


def load_watchlist(path: str | Path) -> Watchlist:
    """Read a watch list file (YAML or plain text; see the module docstring)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise WatchlistError(f"cannot read watch list {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise WatchlistError(f"{path} is not UTF-8 text; a watch list is YAML or text") from error
    return parse_watchlist(text, source=str(path), default_name=_slug(path.stem))


def parse_watchlist(text: str, *, source: str, default_name: str = "watchlist") -> Watchlist:
    if _looks_like_plain_list(text):
        return _plain(text, source, default_name)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise WatchlistError(f"{source}: not valid YAML ({error})") from error
    if not isinstance(data, dict):
        raise WatchlistError(
            f"{source}: expected a YAML mapping with `name` and `trials`, or a plain list of "
            "NCT ids, one per line"
        )
    try:
        return Watchlist.model_validate(data)
    except ValidationError as error:
        raise WatchlistError(f"{source}: {_describe(error)}") from error


def _looks_like_plain_list(text: str) -> bool:
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            return normalize_nct_id(words[0]) is not None
    return False


def _plain(text: str, source: str, name: str) -> Watchlist:
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        first, _, rest = content.partition(" ")
        nct_id = normalize_nct_id(first)
        if nct_id is None:
            raise WatchlistError(
                f"{source}, line {number}: expected an NCT id (e.g. NCT04072952) at the start "
                "of the line"
            )
        entries.append({"nct_id": nct_id, "name": rest.strip() or None})
    try:
        return Watchlist.model_validate({"name": name, "trials": entries})
    except ValidationError as error:
        raise WatchlistError(f"{source}: {_describe(error)}") from error


def _describe(error: ValidationError) -> str:
    allowed = {
        "Watchlist": "name, title, strategies, trials",
        "WatchEntry": "nct_id, name, strategy, drugs, note",
    }
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"]) or "file"
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            owner = "WatchEntry" if "trials" in [str(p) for p in item["loc"]] else "Watchlist"
            message = f"unknown key; allowed keys: {allowed[owner]}"
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def _slug(stem: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-.") or "watchlist"
    return slug if slug[0].isalnum() else "w" + slug
