"""The `criteria` table: each trial's eligibility text parsed into typed criteria.

Parsing happens at import/sync time (inside the page's transaction) and again whenever the
parser's version changes (`reparse_stale`, run at the end of every sync and import). The parser is
`criteria.parse_criteria`, imported lazily so that the store works while it is being developed; if
it cannot be imported, studies are stored unparsed and `reparse_stale` fills them in later.
"""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from sync.runs import utcnow
from trialmatch.vocab import Kind

log = logging.getLogger("trialmatch.sync")

Parser = Callable[[str], list[dict[str, Any]]]


@dataclass(frozen=True)
class LoadedParser:
    version: str
    parse: Parser


_warned: list[str] = []


def load_parser() -> LoadedParser | None:
    """The criteria parser and its version, or None when the `criteria` package cannot load."""
    try:
        from criteria import PARSER_VERSION, parse_criteria
        from criteria.model import dump_criteria
    except ImportError as error:
        if str(error) not in _warned:
            _warned.append(str(error))
            log.warning("criteria parser unavailable (%s); storing trials unparsed", error)
        return None

    def parse(text: str) -> list[dict[str, Any]]:
        return dump_criteria(parse_criteria(text))

    return LoadedParser(PARSER_VERSION, parse)


def parse_into(
    db: sqlite_utils.Database,
    items: Iterable[tuple[str, str | None]],
    parser: LoadedParser,
) -> list[str]:
    """Parse (nct_id, eligibility_text) pairs and upsert their `criteria` rows.

    Call inside a transaction. Returns one error message per text the parser failed on; those
    trials keep no criteria row (so the next `reparse_stale` tries again).
    """
    now = utcnow()
    rows = []
    errors = []
    for nct_id, text in items:
        try:
            parsed = parser.parse(text or "")
        except Exception as error:  # the parser is another stage's code: report, keep going
            errors.append(f"{nct_id}: criteria parser failed ({type(error).__name__})")
            log.warning("%s: criteria parser failed: %s", nct_id, type(error).__name__)
            db.execute("DELETE FROM criteria WHERE nct_id = ?", [nct_id])
            continue
        rows.append((nct_id, parser.version, now, json.dumps(parsed, ensure_ascii=False)))
    db.conn.executemany(
        "INSERT INTO criteria (nct_id, parser_version, parsed_at, criteria) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(nct_id) DO UPDATE SET parser_version = excluded.parser_version, "
        "parsed_at = excluded.parsed_at, criteria = excluded.criteria",
        rows,
    )
    return errors


def reparse_stale(db: sqlite_utils.Database, *, batch: int = 500) -> int:
    """Parse every trial with no criteria row or one from another parser version. Returns how
    many were parsed."""
    parser = load_parser()
    if parser is None:
        return 0
    sql = (
        "SELECT s.nct_id, s.eligibility_text FROM studies s LEFT JOIN criteria c "
        "ON c.nct_id = s.nct_id WHERE c.nct_id IS NULL OR c.parser_version IS NOT ?"
    )
    return _reparse(db, sql, [parser.version], parser, batch)


def reparse_all(db: sqlite_utils.Database, *, batch: int = 500) -> int:
    """Parse every trial again, whatever its stored parser version."""
    parser = load_parser()
    if parser is None:
        return 0
    return _reparse(db, "SELECT nct_id, eligibility_text FROM studies", [], parser, batch)


def _reparse(
    db: sqlite_utils.Database,
    sql: str,
    params: Sequence[Any],
    parser: LoadedParser,
    batch: int,
) -> int:
    todo: list[tuple[str, str | None]] = db.execute(sql, params).fetchall()
    for start in range(0, len(todo), batch):
        with db.atomic():
            parse_into(db, todo[start : start + batch], parser)
    if todo:
        log.info("criteria parsed for %d trials (parser %s)", len(todo), parser.version)
    return len(todo)


@dataclass(frozen=True)
class CriteriaStats:
    """How well the stored criteria are understood."""

    trials: int
    criteria: int
    by_kind: dict[str, int]
    unrecognized: int
    unrecognized_share: float
    top_unrecognized: list[tuple[str, int]] = field(default_factory=list)
    parser_versions: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "trials": self.trials,
            "criteria": self.criteria,
            "by_kind": self.by_kind,
            "unrecognized": self.unrecognized,
            "unrecognized_share": self.unrecognized_share,
            "top_unrecognized": [
                {"text": text, "count": count} for text, count in self.top_unrecognized
            ],
            "parser_versions": self.parser_versions,
        }


_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_LEAD = re.compile(r"^[\s*\-•·\d.)(]+")
_SPACE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Group near-identical criterion texts: lower case, numbers as '#', no bullets or spacing."""
    text = _LEAD.sub("", text.lower())
    text = _NUMBER.sub("#", text)
    return _SPACE.sub(" ", text).strip(" .;:")


def criteria_stats(db: sqlite_utils.Database, *, top: int = 20) -> CriteriaStats:
    """Counts of stored criteria per kind, the share `unrecognized`, and the `top` most common
    unrecognized texts (normalised with `normalize_text`)."""
    kinds: Counter[str] = Counter()
    unrecognized: Counter[str] = Counter()
    versions: Counter[str] = Counter()
    trials = 0
    for version, stored in db.execute("SELECT parser_version, criteria FROM criteria"):
        trials += 1
        versions[version] += 1
        for item in json.loads(stored or "[]"):
            kind = item.get("kind", Kind.UNRECOGNIZED.value)
            kinds[kind] += 1
            if kind == Kind.UNRECOGNIZED.value:
                unrecognized[normalize_text(item.get("text", ""))] += 1
    total = sum(kinds.values())
    count = kinds.get(Kind.UNRECOGNIZED.value, 0)
    return CriteriaStats(
        trials=trials,
        criteria=total,
        by_kind=dict(kinds.most_common()),
        unrecognized=count,
        unrecognized_share=round(count / total, 4) if total else 0.0,
        top_unrecognized=unrecognized.most_common(top),
        parser_versions=dict(versions),
    )
