"""Search for coordinators: full text plus filters, each hit with why it matched; facet counts.

    hits = search(db, "ESR1 mutation", status="RECRUITING", drug="elacestrant",
                  near=(42.36, -71.06, 50))

- `text` is matched against titles, conditions and keywords, intervention names and eligibility
  text (FTS5, English stemming). Words are ANDed; `OR` between words, "quoted phrases" and a
  trailing `*` for a prefix work as in FTS5. Hits are ranked by relevance (titles weigh most).
- `drug` matches intervention names and expands the drug's generic, brand and code names (and a
  drug class such as "CDK4/6 inhibitor" to its members) through `criteria.lexicon`;
  `intervention` matches intervention names literally.
- `gene` matches the gene's symbol and aliases anywhere in the indexed text.
- `country` is a site country as the registry writes it ("United States"); `near=(lat, lon, km)`
  keeps trials with a site within `km` and reports the nearest.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import sqlite_utils
import yaml

from sync import schema
from sync.selectors import parse_statuses
from trialmatch.errors import InvalidOption, UnknownTerm
from trialmatch.vocab import Phase

PHASE_ACCEPTED = "early1, 1, 2, 3, 4, na (or PHASE1 ... as the registry writes them); 1/2 for both"


@dataclass(frozen=True)
class SearchHit:
    nct_id: str
    title: str | None
    acronym: str | None
    overall_status: str | None
    phases: list[str]
    conditions: list[str]
    sponsor: str | None
    last_update_posted: str | None
    why: list[str] = field(default_factory=list)
    snippet: str | None = None
    distance_km: float | None = None
    nearest_site: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Filters:
    """Validated search filters (see `search`)."""

    text: str | None = None
    status: tuple[str, ...] = ()
    phase: tuple[str, ...] = ()
    condition: str | None = None
    intervention: str | None = None
    drug: str | None = None
    gene: str | None = None
    country: tuple[str, ...] = ()
    near: tuple[float, float, float] | None = None


def search(
    db: sqlite_utils.Database,
    text: str | None = None,
    *,
    status: str | Iterable[str] | None = None,
    phase: str | Iterable[str] | None = None,
    condition: str | None = None,
    intervention: str | None = None,
    drug: str | None = None,
    gene: str | None = None,
    country: str | None = None,
    near: tuple[float, float, float] | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[SearchHit]:
    """Trials matching the text and every filter given, best first (see the module docstring)."""
    filters = make_filters(
        db, text, status, phase, condition, intervention, drug, gene, country, near
    )
    plan = _plan(db, filters)
    select = (
        "SELECT s.nct_id, s.brief_title, s.acronym, s.overall_status, s.phases, s.conditions, "
        "s.sponsor, s.last_update_posted, s.interventions"
    )
    if plan.match:
        select += (
            f", snippet({schema.FTS_TABLE}, -1, '[', ']', '…', 14), "
            f"bm25({schema.FTS_TABLE}, 10.0, 4.0, 4.0, 1.0) AS score"
        )
    else:
        select += ", NULL, NULL AS score"
    if filters.near:
        select += (
            ", (SELECT l.seq FROM locations l WHERE l.nct_id = s.nct_id AND l.lat IS NOT NULL "
            "ORDER BY tm_distance_km(l.lat, l.lon, ?, ?) LIMIT 1) AS nearest"
        )
    sql = f"{select} {plan.source} WHERE {plan.where} ORDER BY {plan.order} LIMIT ? OFFSET ?"
    near_params = list(filters.near[:2]) if filters.near else []
    rows = db.execute(
        sql, [*near_params, *plan.params, *plan.order_params, int(limit), int(offset)]
    ).fetchall()
    return [_hit(db, row, filters, plan) for row in rows]


def facets(
    db: sqlite_utils.Database,
    text: str | None = None,
    *,
    status: str | Iterable[str] | None = None,
    phase: str | Iterable[str] | None = None,
    condition: str | None = None,
    intervention: str | None = None,
    drug: str | None = None,
    gene: str | None = None,
    country: str | None = None,
    near: tuple[float, float, float] | None = None,
    top: int = 20,
) -> dict[str, list[tuple[str, int]]]:
    """Counts of matching trials by status, phase, study type and site country (top `top`)."""
    filters = make_filters(
        db, text, status, phase, condition, intervention, drug, gene, country, near
    )
    plan = _plan(db, filters)
    matching = f"SELECT s.nct_id {plan.source} WHERE {plan.where}"
    queries = {
        "status": "SELECT s.overall_status, count(*) FROM studies s "
        f"WHERE s.nct_id IN ({matching}) GROUP BY 1 ORDER BY 2 DESC",
        "phase": "SELECT p.value, count(*) FROM studies s, json_each(s.phases) p "
        f"WHERE s.nct_id IN ({matching}) GROUP BY 1 ORDER BY 2 DESC",
        "study_type": "SELECT s.study_type, count(*) FROM studies s "
        f"WHERE s.nct_id IN ({matching}) GROUP BY 1 ORDER BY 2 DESC",
        "country": "SELECT l.country, count(DISTINCT l.nct_id) FROM locations l "
        f"WHERE l.nct_id IN ({matching}) AND l.country IS NOT NULL GROUP BY 1 ORDER BY 2 DESC "
        f"LIMIT {int(top)}",
    }
    return {
        name: [(value or "(none)", count) for value, count in db.execute(sql, plan.params)]
        for name, sql in queries.items()
    }


# --- filters ------------------------------------------------------------------------------------


def make_filters(
    db: sqlite_utils.Database,
    text: str | None,
    status: str | Iterable[str] | None,
    phase: str | Iterable[str] | None,
    condition: str | None,
    intervention: str | None,
    drug: str | None,
    gene: str | None,
    country: str | None,
    near: tuple[float, float, float] | None,
) -> Filters:
    if near is not None:
        lat, lon, km = (float(v) for v in near)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180 and km > 0):
            raise InvalidOption(
                "--near", "LAT,LON,KM with -90<=LAT<=90, -180<=LON<=180 and KM > 0", "out of range"
            )
        near = (lat, lon, km)
    return Filters(
        text=(text or "").strip() or None,
        status=parse_statuses(status) if status else (),
        phase=parse_phases(phase) if phase else (),
        condition=(condition or "").strip() or None,
        intervention=(intervention or "").strip() or None,
        drug=(drug or "").strip() or None,
        gene=(gene or "").strip() or None,
        country=resolve_country(db, country) if country else (),
        near=near,
    )


def parse_phases(values: str | Iterable[str]) -> tuple[str, ...]:
    items = [values] if isinstance(values, str) else list(values)
    out: list[str] = []
    for item in items:
        for part in re.split(r"[,/|]", item):
            name = part.strip().upper().replace(" ", "").replace("_", "")
            if not name:
                continue
            name = {"EARLY1": "EARLYPHASE1", "N/A": "NA"}.get(name, name)
            if name.isdigit():
                name = f"PHASE{name}"
            candidates = {p.value.replace("_", ""): p.value for p in Phase}
            if name not in candidates:
                raise InvalidOption("--phase", PHASE_ACCEPTED, "not a phase")
            if candidates[name] not in out:
                out.append(candidates[name])
    return tuple(out)


@cache
def country_groups() -> dict[str, frozenset[str]]:
    """Lower-cased country name -> every name of the same country (sync/data/countries.yaml)."""
    text = resources.files("sync").joinpath("data", "countries.yaml").read_text(encoding="utf-8")
    groups = yaml.safe_load(text)["groups"]
    out: dict[str, frozenset[str]] = {}
    for group in groups:
        names = frozenset(str(name) for name in group)
        for name in names:
            out[name.lower()] = names
    return out


def resolve_country(db: sqlite_utils.Database, name: str) -> tuple[str, ...]:
    """The spellings, as the database's sites write them, of the country `name` denotes."""
    given = name.strip()
    names = {n.lower() for n in country_groups().get(given.lower(), frozenset({given}))}
    known = [c for (c,) in db.execute("SELECT DISTINCT country FROM locations") if c]
    found = tuple(sorted(c for c in known if c.lower() in names))
    if found:
        return found
    from rapidfuzz import process

    close = [c for c, score, _ in process.extract(given, known, limit=3) if score >= 60]
    accepted = "a site country in the database" + (f", e.g. {' or '.join(close)}" if close else "")
    raise InvalidOption("--country", accepted, "no trial site in that country")


# --- the query ------------------------------------------------------------------------------------


@dataclass
class _Plan:
    source: str
    where: str
    params: list[Any]
    order: str
    match: str | None
    order_params: list[Any] = field(default_factory=list)
    drug_names: tuple[str, ...] = ()


def _plan(db: sqlite_utils.Database, f: Filters) -> _Plan:
    clauses: list[str] = []
    params: list[Any] = []
    drug_names: tuple[str, ...] = ()
    parts = []
    if f.text:
        parts.append(f"({fts_query(f.text)})")
    if f.condition:
        parts.append(f"conditions : ({fts_query(f.condition)})")
    if f.intervention:
        parts.append(f"interventions : ({fts_query(f.intervention)})")
    if f.drug:
        drug_names = drug_terms(f.drug)
        parts.append(f"interventions : ({_any_phrase(drug_names)})")
    if f.gene:
        parts.append(f"({_any_phrase(gene_terms(f.gene))})")
    match = " AND ".join(parts) or None
    if match:
        source = (
            f"FROM {schema.FTS_TABLE} JOIN studies s "
            f"ON s.nct_id = printf('NCT%08d', {schema.FTS_TABLE}.rowid)"
        )
        clauses.append(f"{schema.FTS_TABLE} MATCH ?")
        params.append(match)
    else:
        source = "FROM studies s"
    if f.status:
        clauses.append(f"s.overall_status IN ({', '.join('?' * len(f.status))})")
        params += f.status
    if f.phase:
        clauses.append(
            "EXISTS (SELECT 1 FROM json_each(s.phases) p "
            f"WHERE p.value IN ({', '.join('?' * len(f.phase))}))"
        )
        params += f.phase
    if f.country:
        # a set built once, not a correlated subquery per study (which SQLite would run over
        # the country index: every site of the country for every study)
        clauses.append(
            "s.nct_id IN (SELECT l.nct_id FROM locations l "
            f"WHERE l.country IN ({', '.join('?' * len(f.country))}))"
        )
        params += f.country
    order = "score" if match else "s.last_update_posted DESC, s.nct_id"
    order_params: list[Any] = []
    if f.near:
        _register_distance(db)
        lat, lon, km = f.near
        box = _bounding_box(lat, lon, km)
        clauses.append(
            "s.nct_id IN (SELECT l.nct_id FROM locations l "
            "WHERE l.lat BETWEEN ? AND ? AND l.lon BETWEEN ? AND ? "
            "AND tm_distance_km(l.lat, l.lon, ?, ?) <= ?)"
        )
        params += [*box, lat, lon, km]
        if not match:
            order = (
                "(SELECT min(tm_distance_km(l.lat, l.lon, ?, ?)) FROM locations l "
                "WHERE l.nct_id = s.nct_id), s.nct_id"
            )
            order_params = [lat, lon]
    where = " AND ".join(clauses) or "1"
    return _Plan(source, where, params, order, match, order_params, drug_names)


def fts_query(text: str) -> str:
    """User text -> a safe FTS5 expression: words ANDed, "phrases" and OR kept, `word*` prefix."""
    tokens = re.findall(r'"[^"]*"|\S+', text)
    out: list[str] = []
    for token in tokens:
        if token == "OR" and out and out[-1] != "OR":
            out.append("OR")
            continue
        prefix = token.endswith("*") and len(token) > 1
        body = token.rstrip("*") if prefix else token
        words = re.findall(r"\w+", body.strip('"'))
        if not words:
            continue
        out.append(f'"{" ".join(words)}"' + ("*" if prefix else ""))
    while out and out[-1] == "OR":
        out.pop()
    if not out:
        raise InvalidOption("TEXT", "words to search for", "nothing searchable in it")
    return " ".join(out)


def _any_phrase(names: Sequence[str]) -> str:
    phrases = []
    for name in names:
        words = re.findall(r"\w+", name)
        if words:
            phrases.append(f'"{" ".join(words)}"')
    return " OR ".join(dict.fromkeys(phrases)) or '""'


def drug_terms(name: str) -> tuple[str, ...]:
    """The names to look for: a drug's generic, brand and code names, or every drug in a class;
    the name as given when the lexicon does not know it."""
    try:
        from criteria import lexicon
    except ImportError:
        return (name,)
    drug = lexicon.resolve_drug(name)
    if drug is not None:
        return _drug_names(drug)
    drug_class = lexicon.resolve_class(name)
    if drug_class is not None:
        names: list[str] = []
        for member in lexicon.drugs_in_class(drug_class.id):
            names += _drug_names(member)
        return tuple(names) or (name,)
    return (name,)


def _drug_names(drug: Any) -> tuple[str, ...]:
    return (
        drug.name,
        *getattr(drug, "synonyms", ()),
        *getattr(drug, "brands", ()),
        *getattr(drug, "codes", ()),
    )


def gene_terms(name: str) -> tuple[str, ...]:
    """A gene's symbol and aliases; `InvalidOption` with suggestions when the lexicon does not
    know the gene, the name as given when no lexicon is installed."""
    try:
        from criteria import lexicon
    except ImportError:
        return (name,)
    symbol = lexicon.resolve_gene(name)
    if symbol is None:
        close = lexicon.suggest_genes(name)
        accepted = "a gene symbol or alias" + (f", e.g. {' or '.join(close)}" if close else "")
        raise InvalidOption("--gene", accepted, "unknown gene")
    try:
        aliases = lexicon.gene_aliases(symbol)
    except UnknownTerm:
        aliases = ()
    # aliases of two letters or fewer ("ER") would match ordinary words: leave them out
    return (symbol, *(a for a in aliases if len(a) > 2))


def _hit(db: sqlite_utils.Database, row: tuple[Any, ...], f: Filters, plan: _Plan) -> SearchHit:
    nct_id, title, acronym, status, phases, conditions, sponsor, updated, interventions = row[:9]
    snippet = row[9]
    why: list[str] = []
    if snippet:
        why.append(f"{'text' if f.text else 'matched'}: {snippet}")
    if f.drug:
        wanted = {n.lower() for n in plan.drug_names}
        for item in json.loads(interventions or "[]"):
            names = [item.get("name"), *(item.get("other_names") or [])]
            if any(n and n.lower() in wanted for n in names) or any(
                n and any(w in n.lower() for w in wanted) for n in names
            ):
                why.append(f"drug {f.drug}: intervention {item.get('name')}")
                break
        else:
            why.append(f"drug {f.drug}: named among the interventions")
    if f.gene:
        why.append(f"gene {f.gene} (or an alias) mentioned")
    if f.condition:
        why.append(f"condition {f.condition}")
    distance = nearest = None
    if f.near and row[11] is not None:
        site = db.execute(
            "SELECT facility, city, state, country, status, lat, lon FROM locations "
            "WHERE nct_id = ? AND seq = ?",
            [nct_id, row[11]],
        ).fetchone()
        if site:
            distance = round(_haversine(site[5], site[6], f.near[0], f.near[1]), 1)
            nearest = dict(
                zip(("facility", "city", "state", "country", "status"), site[:5], strict=True)
            )
            nearest["distance_km"] = distance
            place = ", ".join(p for p in (site[0], site[1]) if p)
            why.append(f"site {distance} km away: {place}")
    if f.country:
        why.append(f"site in {' / '.join(f.country)}")
    return SearchHit(
        nct_id=nct_id,
        title=title,
        acronym=acronym,
        overall_status=status,
        phases=json.loads(phases or "[]"),
        conditions=json.loads(conditions or "[]"),
        sponsor=sponsor,
        last_update_posted=updated,
        why=why,
        snippet=snippet,
        distance_km=distance,
        nearest_site=nearest,
    )


# --- distance -----------------------------------------------------------------------------------

_EARTH_KM = 6371.0088


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def _distance_sql(lat1: Any, lon1: Any, lat2: Any, lon2: Any) -> float | None:
    if None in (lat1, lon1, lat2, lon2):
        return None
    return _haversine(float(lat1), float(lon1), float(lat2), float(lon2))


def _register_distance(db: sqlite_utils.Database) -> None:
    db.conn.create_function("tm_distance_km", 4, _distance_sql, deterministic=True)


def _bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min lat, max lat, min lon, max lon) containing every point within km (a cheap prefilter)."""
    dlat = math.degrees(km / _EARTH_KM)
    cos = math.cos(math.radians(lat))
    if abs(lat) + dlat >= 89 or cos <= 0.01:
        return (lat - dlat, lat + dlat, -180.0, 180.0)
    dlon = math.degrees(km / (_EARTH_KM * cos))
    if lon - dlon < -180 or lon + dlon > 180:
        return (lat - dlat, lat + dlat, -180.0, 180.0)
    return (lat - dlat, lat + dlat, lon - dlon, lon + dlon)
