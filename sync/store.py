"""Save: open the database and write pages of studies, idempotently, one transaction per page.

A page is written whole or not at all: studies rows, their sites, the previous versions and the
recorded changes of studies that changed, their parsed criteria, their full-text rows and the run's
counters all commit together. Saving the same page twice changes nothing.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlite_utils

from sync import history, schema, shape
from sync.parsed import LoadedParser, parse_into
from sync.runs import utcnow
from trialmatch.errors import DatabaseError, DatabaseMissing

log = logging.getLogger("trialmatch.sync")

_CHUNK = 500  # ids per `IN (...)` query


def open_database(
    path: str | Path, *, create: bool = False, readonly: bool = False
) -> sqlite_utils.Database:
    """Open the trial database.

    Raises `DatabaseMissing` when the file is absent and `create` is False. A writable open
    switches the file to WAL and creates or migrates the schema; a read-only open works on a file
    the process cannot write (and on a read-only directory) but refuses a database that needs
    migrating.
    """
    path = Path(path)
    memory = str(path) == ":memory:"
    if not memory and not path.exists():
        if not create or readonly:
            raise DatabaseMissing(str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        if readonly:
            return _open_readonly(path)
        conn = sqlite3.connect(str(path), timeout=30.0)
        db = sqlite_utils.Database(conn)
        if not memory:
            db.enable_wal()
        db.execute("PRAGMA synchronous = NORMAL")
        if schema.ensure_schema(db):
            rebuild_search_index(db)
        return db
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"{path} is not a usable trialmatch database ({error})") from error


def _open_readonly(path: Path) -> sqlite_utils.Database:
    uri = "file:" + quote(str(path.resolve()))
    last: sqlite3.Error | None = None
    # mode=ro needs the WAL's shared-memory file; when it cannot be created (read-only directory,
    # another user's file) fall back to immutable=1, which reads the file as it stands.
    for suffix in ("?mode=ro", "?mode=ro&immutable=1"):
        try:
            conn = sqlite3.connect(uri + suffix, uri=True, check_same_thread=False)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as error:
            last = error
            continue
        db = sqlite_utils.Database(conn)
        version = schema.schema_version(db)
        if version > schema.SCHEMA_VERSION:
            raise DatabaseError(
                f"{path} was written by a newer trialmatch (schema {version}): upgrade trialmatch"
            )
        if schema.needs_work(db):
            raise DatabaseError(
                f"{path} needs upgrading to this trialmatch's schema: run any writing command "
                "once (e.g. `trialmatch sync --list`)"
            )
        return db
    raise DatabaseError(f"cannot open {path} read-only ({last})")


def integrity_check(db: sqlite_utils.Database) -> str:
    """`PRAGMA integrity_check`: 'ok' for a sound database."""
    return "; ".join(str(row[0]) for row in db.execute("PRAGMA integrity_check").fetchall())


@dataclass
class SaveResult:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


Keep = Callable[[shape.Shaped], bool]


def save_studies(
    db: sqlite_utils.Database,
    studies: Sequence[dict[str, Any] | bytes | shape.Shaped],
    *,
    run_id: int,
    parser: LoadedParser | None = None,
    keep_new: Keep | None = None,
    before_commit: Callable[[SaveResult], None] | None = None,
) -> SaveResult:
    """Write one page of API v2 studies in one transaction.

    Studies may be decoded (dicts), JSON bytes, or already shaped; each must be a study with a
    valid `nctId` (`shape.NotAStudy` otherwise, before anything is written). `keep_new` can
    refuse studies the database does not hold yet (they count as skipped). `parser` parses the
    criteria of new and changed studies. `before_commit` runs inside the transaction (the run log
    uses it so that its counters commit with the page).
    """
    incoming: dict[str, shape.Shaped] = {}
    for study in studies:
        if isinstance(study, shape.Shaped):
            shaped = study
        elif isinstance(study, bytes):
            shaped = shape.shape_raw(study)
        else:
            shaped = shape.shape_dict(study)
        incoming[shaped.nct_id] = shaped
    now = utcnow()
    result = SaveResult()
    with db.atomic():
        known = _hashes(db, list(incoming))
        writes: list[shape.Shaped] = []
        for nct_id, shaped in incoming.items():
            if nct_id not in known and keep_new is not None and not keep_new(shaped):
                result.skipped += 1
                continue
            if known.get(nct_id) == shaped.content_hash:
                result.unchanged += 1
                continue
            (result.changed if nct_id in known else result.new).append(nct_id)
            writes.append(shaped)
        if writes:
            _record_history(db, writes, result, run_id, now)
            _write(db, writes, result.changed, run_id, now)
            if parser is not None:
                texts = [(s.nct_id, s.eligibility_text) for s in writes]
                result.errors += parse_into(db, texts, parser)
            else:  # stale criteria must not outlive the text they came from
                db.conn.executemany(
                    "DELETE FROM criteria WHERE nct_id = ?", [(i,) for i in result.changed]
                )
            _index(db, writes, result.changed)
        if before_commit is not None:
            before_commit(result)
    return result


_UPSERT = (
    f"INSERT INTO studies ({', '.join(shape.STUDY_COLUMNS)}, first_seen_at, changed_at, run_id) "
    f"VALUES ({', '.join('?' * (len(shape.STUDY_COLUMNS) + 3))}) ON CONFLICT(nct_id) DO UPDATE SET "
    + ", ".join(f"{c} = excluded.{c}" for c in shape.STUDY_COLUMNS[1:])
    + ", changed_at = excluded.changed_at, run_id = excluded.run_id"
)
_INSERT_SITE = (
    f"INSERT INTO locations ({', '.join(shape.LOCATION_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(shape.LOCATION_COLUMNS))})"
)


def _hashes(db: sqlite_utils.Database, ids: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found.update(
            db.execute(
                f"SELECT nct_id, content_hash FROM studies WHERE nct_id IN ({_marks(chunk)})",
                chunk,
            ).fetchall()
        )
    return found


def _write(
    db: sqlite_utils.Database,
    writes: list[shape.Shaped],
    changed: list[str],
    run_id: int,
    now: str,
) -> None:
    conn = db.conn
    conn.executemany(_UPSERT, [(*s.row, now, now, run_id) for s in writes])
    ids = changed  # new studies have no sites to replace
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        conn.execute(f"DELETE FROM locations WHERE nct_id IN ({_marks(chunk)})", chunk)
    conn.executemany(_INSERT_SITE, [site for s in writes for site in s.sites])


def _record_history(
    db: sqlite_utils.Database,
    writes: list[shape.Shaped],
    result: SaveResult,
    run_id: int,
    now: str,
) -> None:
    """Keep the previous version of each changed study and record what changed."""
    conn = db.conn
    changes: list[tuple[Any, ...]] = [
        (run_id, nct_id, now, history.ChangeField.ADDED.value, None, None, None)
        for nct_id in result.new
    ]
    changed = set(result.changed)
    columns = ("last_update_posted", "content_hash", "raw", *history.TRACKED.values())
    for shaped in writes:
        nct_id = shaped.nct_id
        if nct_id not in changed:
            continue
        old_values = conn.execute(
            f"SELECT {', '.join(columns)} FROM studies WHERE nct_id = ?", [nct_id]
        ).fetchone()
        old = dict(zip(columns, old_values, strict=True))
        old_sites = conn.execute(
            f"SELECT {', '.join(shape.LOCATION_COLUMNS)} FROM locations WHERE nct_id = ? "
            "ORDER BY seq",
            [nct_id],
        ).fetchall()
        conn.execute(
            "INSERT INTO study_versions (nct_id, run_id, replaced_at, last_update_posted, "
            "content_hash, raw) VALUES (?, ?, ?, ?, ?, ?)",
            [nct_id, run_id, now, old["last_update_posted"], old["content_hash"], old["raw"]],
        )
        new = dict(zip(shape.STUDY_COLUMNS, shaped.row, strict=True))
        for field_, before, after, detail in history.diff(old, new, old_sites, shaped.sites):
            changes.append((run_id, nct_id, now, field_.value, before, after, _json(detail)))
    conn.executemany(
        "INSERT INTO changes (run_id, nct_id, changed_at, field, before, after, detail) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        changes,
    )


# --- full-text index ------------------------------------------------------------------------------

# The index's rowid is the number in the NCT id (NCT04072952 -> 4072952): stable across VACUUM,
# unlike the studies table's implicit rowid.
_FTS_FIELDS = (
    "nct_id",
    "brief_title",
    "official_title",
    "acronym",
    "conditions",
    "keywords",
    "interventions",
    "eligibility_text",
)
_FTS_SOURCE = ", ".join(_FTS_FIELDS)


def fts_rowid(nct_id: str) -> int:
    return int(nct_id[3:])


def _fts_rows(rows: Sequence[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    out = []
    for values in rows:
        record = dict(zip(_FTS_FIELDS, values, strict=True))
        out.append((fts_rowid(record["nct_id"]), *shape.search_text(record)))
    return out


_FTS_INSERT = (
    f"INSERT INTO {schema.FTS_TABLE} (rowid, {', '.join(schema.FTS_COLUMNS)}) "
    f"VALUES (?, {', '.join('?' * len(schema.FTS_COLUMNS))})"
)


def _index(db: sqlite_utils.Database, writes: list[shape.Shaped], changed: list[str]) -> None:
    """(Re-)index the studies just written (inside their transaction)."""
    rowids = [(fts_rowid(nct_id),) for nct_id in changed]
    db.conn.executemany(f"DELETE FROM {schema.FTS_TABLE} WHERE rowid = ?", rowids)
    db.conn.executemany(_FTS_INSERT, [(fts_rowid(s.nct_id), *s.search) for s in writes])


def rebuild_search_index(db: sqlite_utils.Database, *, batch: int = 2000) -> int:
    """Rebuild the whole full-text index from the studies table. Returns the rows indexed."""
    with db.atomic():
        db.execute(f"DELETE FROM {schema.FTS_TABLE}")
        cursor = db.conn.execute(f"SELECT {_FTS_SOURCE} FROM studies")
        count = 0
        while rows := cursor.fetchmany(batch):
            db.conn.executemany(_FTS_INSERT, _fts_rows(rows))
            count += len(rows)
        db.execute(f"INSERT INTO {schema.FTS_TABLE}({schema.FTS_TABLE}) VALUES ('optimize')")
    return count


def search_index_consistent(db: sqlite_utils.Database) -> bool:
    """True when the full-text index has exactly one row per study."""
    studies = db.execute("SELECT count(*) FROM studies").fetchone()[0]
    indexed = db.execute(f"SELECT count(*) FROM {schema.FTS_TABLE}").fetchone()[0]
    return bool(studies == indexed)


def _marks(items: Sequence[Any]) -> str:
    return ", ".join("?" * len(items))


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False)
