"""Import throughput and database size, on the real studies and on a synthetic 20,000.

    python benchmarks/bench_import.py             # real studies x repeats, then 20,000 synthetic
    python benchmarks/bench_import.py --n 5000 --parse

Prints studies per second (wall clock and CPU time of this one process: the import is
single-threaded) for import excluding criteria parsing, and MB per 1,000 studies after a WAL
checkpoint, with the share of each table when SQLite's dbstat is available. Skips cleanly when
../shared is absent.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sync.importer import import_paths
from sync.store import open_database

try:
    from benchmarks.synthetic import shared_dir, write_jsonl
except ModuleNotFoundError:  # run as a script: benchmarks/ itself is first on sys.path
    from synthetic import shared_dir, write_jsonl  # type: ignore[no-redef]


def _timed_import(db_path: Path, paths: list[Path], parse: bool) -> dict[str, Any]:
    db = open_database(db_path, create=True)
    wall, cpu = time.perf_counter(), time.process_time()
    report = import_paths(db, paths, parse=parse, batch=1000)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return {"studies": report.seen, "wall": wall, "cpu": cpu, "bytes": db_path.stat().st_size}


def _table_shares(db_path: Path) -> list[tuple[str, float]]:
    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
        ).fetchall()
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()
    total = sum(size for _, size in rows) or 1
    groups: dict[str, int] = {}
    for name, size in rows:
        key = "studies_fts (all parts)" if name.startswith("studies_fts") else name
        key = "indexes" if key.startswith(("sqlite_autoindex", "idx_")) else key
        groups[key] = groups.get(key, 0) + size
    return [(k, v / total) for k, v in sorted(groups.items(), key=lambda kv: -kv[1])]


def _line(label: str, result: dict[str, Any]) -> str:
    n = result["studies"]
    return (
        f"{label}: {n} studies in {result['wall']:.2f} s wall / {result['cpu']:.2f} s CPU = "
        f"{n / result['wall']:,.0f} studies/s wall, {n / result['cpu']:,.0f} studies/s CPU; "
        f"{result['bytes'] / 1e6 / n * 1000:.1f} MB per 1,000 studies"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20000, help="synthetic studies (default 20000)")
    parser.add_argument("--repeat", type=int, default=10, help="real-set repeats (default 10)")
    parser.add_argument("--parse", action="store_true", help="also measure with criteria parsing")
    args = parser.parse_args(argv)
    ctgov = shared_dir()
    if ctgov is None:
        print("skipped: ../shared/ctgov is not beside this checkout", file=sys.stderr)
        return 0
    real = sorted((ctgov / "studies").glob("NCT*.json"))
    modes = [False, True] if args.parse else [False]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for parse in modes:
            what = "with criteria parsing" if parse else "excluding criteria parsing"
            totals = {"studies": 0, "wall": 0.0, "cpu": 0.0, "bytes": 0}
            for i in range(args.repeat):
                result = _timed_import(folder / f"real-{parse}-{i}.db", real, parse)
                for key in ("studies", "wall", "cpu"):
                    totals[key] += result[key]
                totals["bytes"] += result["bytes"]
            print(_line(f"real studies ({len(real)} x {args.repeat}), {what}", totals))
        jsonl = folder / "synthetic.jsonl"
        started = time.perf_counter()
        write_jsonl(jsonl, args.n)
        made = time.perf_counter() - started
        print(
            f"synthetic set: {args.n} studies made in {made:.1f} s "
            f"({jsonl.stat().st_size / 1e6:.0f} MB of JSON Lines)"
        )
        for parse in modes:
            what = "with criteria parsing" if parse else "excluding criteria parsing"
            db_path = folder / f"synthetic-{parse}.db"
            result = _timed_import(db_path, [jsonl], parse)
            print(_line(f"synthetic {args.n}, {what}", result))
            shares = _table_shares(db_path)
            if shares:
                print("  space: " + ", ".join(f"{name} {share:.0%}" for name, share in shares[:6]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
