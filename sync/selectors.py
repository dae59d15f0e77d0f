"""What a sync run fetches: NCT ids, watch lists and registry queries, and what is followed.

A `Selection` is what the user asked for. Watch lists and queries given once are remembered in the
`follows` table (unless the caller says not to) and refreshed by every later run that names no
selector, together with every trial the database already holds ("known trials").
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlite_utils

from sync.runs import utcnow
from sync.shape import normalize_nct_id
from sync.watchlist import WatchEntry, Watchlist
from trialmatch.errors import InvalidOption
from trialmatch.vocab import OPEN_STATUSES, OverallStatus

STATUS_ACCEPTED = ", ".join(s.value for s in OverallStatus)


def parse_statuses(values: str | Iterable[str]) -> tuple[str, ...]:
    """'recruiting,NOT_YET_RECRUITING' -> ('RECRUITING', 'NOT_YET_RECRUITING'), validated."""
    items = values.split(",") if isinstance(values, str) else list(values)
    out: list[str] = []
    for item in items:
        for part in item.split(","):
            name = part.strip().upper().replace("-", "_").replace(" ", "_")
            if not name:
                continue
            if name not in OverallStatus.__members__:
                raise InvalidOption("--status", STATUS_ACCEPTED, "not a registry status")
            if name not in out:
                out.append(name)
    return tuple(out)


def parse_ids(values: Iterable[str]) -> tuple[str, ...]:
    """NCT ids from options (repeatable, comma or space separated), normalised and validated."""
    out: list[str] = []
    for value in values:
        for part in value.replace(",", " ").split():
            nct_id = normalize_nct_id(part)
            if nct_id is None:
                raise InvalidOption("--id", "NCT ids such as NCT04072952", "not an NCT id")
            if nct_id not in out:
                out.append(nct_id)
    return tuple(out)


@dataclass(frozen=True)
class Query:
    """A registry search: `query.cond`, `query.term`, `query.intr` and a status filter."""

    cond: str | None = None
    term: str | None = None
    intr: str | None = None
    status: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not (self.cond or self.term or self.intr or self.status):
            raise InvalidOption(
                "query", "at least one of --cond, --term, --intr or --status", "empty query"
            )
        object.__setattr__(self, "status", parse_statuses(self.status))

    @property
    def spec(self) -> dict[str, Any]:
        return {k: v for k, v in (("cond", self.cond), ("term", self.term), ("intr", self.intr),
                                  ("status", list(self.status))) if v}  # fmt: skip

    @property
    def key(self) -> str:
        return "query:" + json.dumps(self.spec, sort_keys=True, ensure_ascii=False)

    @property
    def label(self) -> str:
        return " ".join(
            f"{k}={','.join(v) if isinstance(v, list) else json.dumps(v, ensure_ascii=False)}"
            for k, v in self.spec.items()
        )

    def params(self, since: date | None) -> dict[str, str]:
        """Request parameters. With `since`, only studies updated since then and no status
        filter, so that trials which closed are seen closing."""
        params = {
            f"query.{k}": v
            for k, v in (("cond", self.cond), ("term", self.term), ("intr", self.intr))
            if v
        }
        if since is not None:
            params["filter.advanced"] = f"AREA[LastUpdatePostDate]RANGE[{since.isoformat()},MAX]"
            params["sort"] = "LastUpdatePostDate:asc"
        elif self.status:
            params["filter.overallStatus"] = "|".join(self.status)
        return params

    @classmethod
    def from_spec(cls, spec: dict[str, Any]) -> Query:
        return cls(
            cond=spec.get("cond"),
            term=spec.get("term"),
            intr=spec.get("intr"),
            status=tuple(spec.get("status") or ()),
        )


#: What a new database follows when `trialmatch sync` is run with no selector.
DEFAULT_QUERY = Query(cond="breast cancer", status=tuple(s.value for s in OPEN_STATUSES))


@dataclass(frozen=True)
class Selection:
    ids: tuple[str, ...] = ()
    watchlists: tuple[Watchlist, ...] = ()
    queries: tuple[Query, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.ids or self.watchlists or self.queries)

    def describe(self) -> list[str]:
        return (
            [f"id:{i}" for i in self.ids]
            + [f"watchlist:{w.name}" for w in self.watchlists]
            + [q.key for q in self.queries]
        )


# --- the follows table -------------------------------------------------------------------------


@dataclass(frozen=True)
class Follow:
    key: str
    kind: str
    label: str
    watermark: str | None
    added_at: str
    trials: int | None = None  # for watch lists: how many trials the list holds


@dataclass
class Followed:
    """Everything a database follows."""

    watchlists: list[Watchlist] = field(default_factory=list)
    queries: list[Query] = field(default_factory=list)
    follows: list[Follow] = field(default_factory=list)
    known_trials: int = 0


def follow_watchlist(db: sqlite_utils.Database, watchlist: Watchlist) -> None:
    """Remember a watch list (replacing a previous list of the same name). Call in a transaction."""
    key = f"watchlist:{watchlist.name}"
    spec = {"name": watchlist.name, "title": watchlist.title, "strategies": watchlist.strategies}
    _upsert_follow(db, key, "watchlist", watchlist.title or watchlist.name, spec)
    db.execute("DELETE FROM watchlist WHERE list = ?", [watchlist.name])
    db.conn.executemany(
        "INSERT INTO watchlist (list, nct_id, name, strategy, note) VALUES (?, ?, ?, ?, ?)",
        [(watchlist.name, e.nct_id, e.name, e.strategy, e.note) for e in watchlist.trials],
    )


def follow_query(db: sqlite_utils.Database, query: Query) -> None:
    _upsert_follow(db, query.key, "query", query.label, query.spec)


def _upsert_follow(
    db: sqlite_utils.Database, key: str, kind: str, label: str, spec: dict[str, Any]
) -> None:
    db.execute(
        "INSERT INTO follows (key, kind, label, spec, added_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(key) DO UPDATE SET label = excluded.label, spec = excluded.spec",
        [key, kind, label, json.dumps(spec, ensure_ascii=False), utcnow()],
    )


def unfollow(db: sqlite_utils.Database, key: str) -> bool:
    """Stop following a watch list (`watchlist:NAME`) or query (its key as `--list` shows it).
    The trials stay in the database (and, as known trials, keep being refreshed)."""
    with db.atomic():
        found = db.execute("SELECT kind, spec FROM follows WHERE key = ?", [key]).fetchone()
        if not found:
            return False
        if found[0] == "watchlist":
            db.execute("DELETE FROM watchlist WHERE list = ?", [json.loads(found[1])["name"]])
        db.execute("DELETE FROM follows WHERE key = ?", [key])
    return True


def followed(db: sqlite_utils.Database) -> Followed:
    out = Followed()
    rows = db.execute(
        "SELECT key, kind, label, spec, watermark, added_at FROM follows ORDER BY added_at, key"
    ).fetchall()
    for key, kind, label, spec_text, watermark, added_at in rows:
        spec = json.loads(spec_text)
        count = None
        if kind == "watchlist":
            entries = db.execute(
                "SELECT nct_id, name, strategy, note FROM watchlist WHERE list = ? ORDER BY rowid",
                [spec["name"]],
            ).fetchall()
            count = len(entries)
            if entries:
                out.watchlists.append(
                    Watchlist(
                        name=spec["name"],
                        title=spec.get("title"),
                        strategies=spec.get("strategies") or {},
                        trials=tuple(
                            WatchEntry(nct_id=i, name=n, strategy=s, note=t)
                            for i, n, s, t in entries
                        ),
                    )
                )
        else:
            out.queries.append(Query.from_spec(spec))
        out.follows.append(Follow(key, kind, label, watermark, added_at, count))
    out.known_trials = db.execute("SELECT count(*) FROM studies").fetchone()[0]
    return out


def watermark(db: sqlite_utils.Database, key: str) -> str | None:
    if key == KNOWN_KEY:
        row = db.execute("SELECT value FROM meta WHERE key = ?", [KNOWN_KEY]).fetchone()
    else:
        row = db.execute("SELECT watermark FROM follows WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


#: The watermark of the "known trials" refresh lives in `meta` under this key.
KNOWN_KEY = "watermark:known"


def set_watermarks(db: sqlite_utils.Database, keys: Sequence[str], value: str, run_id: int) -> None:
    with db.atomic():
        for key in keys:
            if key == KNOWN_KEY:
                db.execute(
                    "INSERT INTO meta (key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [key, value],
                )
            else:
                db.execute(
                    "UPDATE follows SET watermark = ?, last_run_id = ? WHERE key = ?",
                    [value, run_id, key],
                )
