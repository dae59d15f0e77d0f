"""Shape: the database schema, declared as data and created idempotently.

`ensure_schema(db)` creates what is missing (tables, columns, indexes, the full-text index) and
runs the numbered migrations a database written by an older version still needs; it never drops
data. A database written by a newer trialmatch is refused with `DatabaseError`.

Column meanings (the contract other packages rely on) are in `TABLES` below; JSON columns hold
JSON text (arrays or objects).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlite_utils

from trialmatch.errors import DatabaseError

#: Bump when a migration is added to MIGRATIONS.
SCHEMA_VERSION = 2


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, str]
    pk: str | tuple[str, ...]
    indexes: tuple[tuple[str, ...], ...] = ()
    doc: str = ""
    not_null: frozenset[str] = field(default_factory=frozenset)


TABLES: tuple[Table, ...] = (
    Table(
        "studies",
        {
            "nct_id": "TEXT",
            "brief_title": "TEXT",
            "official_title": "TEXT",
            "acronym": "TEXT",
            "overall_status": "TEXT",  # API enum string (trialmatch.vocab.OverallStatus)
            "phases": "TEXT",  # JSON array of API phase strings; [] when the study has none
            "study_type": "TEXT",
            "primary_purpose": "TEXT",  # designInfo.primaryPurpose (TREATMENT, SUPPORTIVE_CARE...)
            "conditions": "TEXT",  # JSON array
            "keywords": "TEXT",  # JSON array
            "interventions": "TEXT",  # JSON array of {"name", "type", "other_names"}
            "sponsor": "TEXT",
            "start_date": "TEXT",  # yyyy, yyyy-MM or yyyy-MM-dd as the registry gives it
            "completion_date": "TEXT",
            "last_update_posted": "TEXT",
            "enrollment": "INTEGER",
            "sex": "TEXT",  # ALL | FEMALE | MALE
            "minimum_age_years": "REAL",
            "maximum_age_years": "REAL",
            "healthy_volunteers": "INTEGER",  # 0/1, null when the registry does not say
            "eligibility_text": "TEXT",  # eligibilityCriteria exactly as received (escaped md)
            "brief_summary": "TEXT",
            "version_holder": "TEXT",  # derivedSection.miscInfoModule.versionHolder
            "content_hash": "TEXT",  # sha256 of the study JSON without versionHolder
            "first_seen_at": "TEXT",  # UTC ISO time this database first stored the study
            "changed_at": "TEXT",  # UTC ISO time the stored content last changed
            "run_id": "INTEGER",  # the run that last wrote the row
            "raw": "TEXT",  # the study JSON exactly as received (compact serialisation)
        },
        pk="nct_id",
        indexes=(("overall_status",), ("last_update_posted",), ("changed_at",)),
        doc="one row per trial",
    ),
    Table(
        "locations",
        {
            "nct_id": "TEXT",
            "seq": "INTEGER",  # position in the registry's list
            "facility": "TEXT",
            "city": "TEXT",
            "state": "TEXT",
            "zip": "TEXT",
            "country": "TEXT",
            "status": "TEXT",  # the site's recruitment status, often absent
            "lat": "REAL",
            "lon": "REAL",
        },
        pk=("nct_id", "seq"),
        indexes=(("country",), ("lat", "lon")),
        doc="one row per trial site",
    ),
    Table(
        "criteria",
        {
            "nct_id": "TEXT",
            "parser_version": "TEXT",
            "parsed_at": "TEXT",
            "criteria": "TEXT",  # JSON list: criteria.model.dump_criteria(parse_criteria(text))
        },
        pk="nct_id",
        indexes=(("parser_version",),),
        doc="parsed eligibility criteria per trial",
    ),
    Table(
        "study_versions",
        {
            "id": "INTEGER",
            "nct_id": "TEXT",
            "run_id": "INTEGER",  # the run that replaced this version
            "replaced_at": "TEXT",
            "last_update_posted": "TEXT",
            "content_hash": "TEXT",
            "raw": "TEXT",
        },
        pk="id",
        indexes=(("nct_id",),),
        doc="previous versions of studies whose content changed",
    ),
    Table(
        "changes",
        {
            "id": "INTEGER",
            "run_id": "INTEGER",
            "nct_id": "TEXT",
            "changed_at": "TEXT",
            "field": "TEXT",  # trialmatch.sync.history.ChangeField
            "before": "TEXT",
            "after": "TEXT",
            "detail": "TEXT",  # JSON, e.g. the sites added, removed or changed
        },
        pk="id",
        indexes=(("changed_at",), ("nct_id",)),
        doc="what changed, per trial and field, and when",
    ),
    Table(
        "runs",
        {
            "id": "INTEGER",
            "kind": "TEXT",  # sync | import
            "started_at": "TEXT",
            "finished_at": "TEXT",
            "selectors": "TEXT",  # JSON list of what the run fetched or read
            "pages": "INTEGER",
            "seen": "INTEGER",
            "new": "INTEGER",
            "changed": "INTEGER",
            "unchanged": "INTEGER",
            "skipped": "INTEGER",
            "errors": "TEXT",  # JSON list of messages
            "outcome": "TEXT",  # running | completed | failed | interrupted
            "message": "TEXT",
        },
        pk="id",
        indexes=(("outcome", "started_at"),),
        doc="one row per sync or import run",
    ),
    Table(
        "follows",
        {
            "key": "TEXT",
            "kind": "TEXT",  # watchlist | query
            "label": "TEXT",
            "spec": "TEXT",  # JSON: the query parameters, or the watch list's name and source
            "added_at": "TEXT",
            "watermark": "TEXT",  # yyyy-MM-dd: start of the last complete run that covered it
            "last_run_id": "INTEGER",
        },
        pk="key",
        doc="what `trialmatch sync` with no selector refreshes",
    ),
    Table(
        "watchlist",
        {
            "list": "TEXT",
            "nct_id": "TEXT",
            "name": "TEXT",
            "strategy": "TEXT",
            "note": "TEXT",
        },
        pk=("list", "nct_id"),
        doc="the trials on each followed watch list",
    ),
    Table("meta", {"key": "TEXT", "value": "TEXT"}, pk="key", doc="schema version and state"),
)

#: The full-text index: its own content (plain text assembled from the studies row); its rowid is
#: the number in the NCT id. Filled by `sync.store`, page by page, never by triggers.
FTS_TABLE = "studies_fts"
FTS_COLUMNS = ("title", "conditions", "interventions", "eligibility")
FTS_SQL = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
    + ", ".join(FTS_COLUMNS)
    + ", tokenize='porter unicode61 remove_diacritics 2')"
)


#: Steps that bring a database from version n-1 to n, beyond adding missing tables, columns and
#: indexes (which ensure_schema always does). Each step must be safe on any older database.
def _primary_purpose(db: sqlite_utils.Database) -> None:
    """Schema 2 added `studies.primary_purpose`: fill it from the stored study JSON."""
    db.execute(
        "UPDATE studies SET primary_purpose = "
        "json_extract(raw, '$.protocolSection.designModule.designInfo.primaryPurpose') "
        "WHERE primary_purpose IS NULL"
    )


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {2: _primary_purpose}


def schema_version(db: sqlite_utils.Database) -> int:
    if "meta" not in db.table_names():
        return 0 if "studies" in db.table_names() else -1
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def needs_work(db: sqlite_utils.Database) -> bool:
    """True when ensure_schema would change something (cheap: used by read-only opens)."""
    if schema_version(db) != SCHEMA_VERSION:
        return True
    names = set(db.table_names())
    return any(t.name not in names for t in TABLES) or FTS_TABLE not in names


def ensure_schema(db: sqlite_utils.Database) -> bool:
    """Create or migrate the schema. Returns True when the full-text index must be rebuilt."""
    version = schema_version(db)
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"the database was written by a newer trialmatch (schema {version}, this version "
            f"reads up to {SCHEMA_VERSION}): upgrade trialmatch"
        )
    with db.atomic():
        for table in TABLES:
            _ensure_table(db, table)
        rebuild = FTS_TABLE not in db.table_names()
        db.execute(FTS_SQL)
        for step in range(max(version, 0) + 1, SCHEMA_VERSION + 1):
            if step in MIGRATIONS:
                MIGRATIONS[step](db)
                rebuild = True
        db.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [str(SCHEMA_VERSION)],
        )
    return rebuild


def _ensure_table(db: sqlite_utils.Database, table: Table) -> None:
    t = db.table(table.name)
    if not t.exists():
        t.create(dict(table.columns), pk=table.pk, not_null=set(table.not_null))
    else:
        have = {c.name for c in t.columns}
        for name, kind in table.columns.items():
            if name not in have:
                t.add_column(name, kind)
    existing = {tuple(index.columns) for index in t.indexes}
    for columns in table.indexes:
        if columns not in existing:
            t.create_index(list(columns), if_not_exists=True)
