"""A synthetic registry for benchmarks: N API v2 studies made from the real ones in ../shared.

Each synthetic study is a real study from `../shared/ctgov/studies/` (cycled) under a new id
(NCT9xxxxxxx, outside the registry's current range) with the eligibility text of a real record
from the flattened `../shared/ctgov/*.jsonl` files, so that sizes, site lists and criteria text are
realistic. Nothing here is committed: the set is made on demand.

    python benchmarks/synthetic.py --out /tmp/synth.db --n 20000     # a database (import)
    python benchmarks/synthetic.py --jsonl /tmp/synth.jsonl --n 20000  # JSON Lines of studies

Importable: `from benchmarks.synthetic import synthetic_studies, shared_dir` (run from the
repository root). Exits 0 with a message when ../shared is absent.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


def shared_dir() -> Path | None:
    """../shared/ctgov beside the checkout, or None when it is absent."""
    folder = SHARED / "ctgov"
    return folder if (folder / "studies").is_dir() else None


def real_study_texts(ctgov: Path) -> list[str]:
    """The real study objects, as JSON text (parsed again for each copy: cheap deep copies)."""
    return [p.read_text(encoding="utf-8") for p in sorted((ctgov / "studies").glob("NCT*.json"))]


def real_eligibility_texts(ctgov: Path) -> list[str]:
    """Eligibility texts from the flattened records (markdown ones as given, legacy ones joined)."""
    texts: list[str] = []
    for path in sorted(ctgov.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            if record.get("eligibility_text"):
                texts.append(record["eligibility_text"])
            elif record.get("eligibility_lines"):
                texts.append("\n".join(record["eligibility_lines"]))
    return texts


def synthetic_studies(
    n: int, *, seed: int = 0, ctgov: Path | None = None
) -> Iterator[dict[str, Any]]:
    """`n` synthetic studies with ids NCT90000000, NCT90000001, ..."""
    folder = ctgov or shared_dir()
    if folder is None:
        raise FileNotFoundError("../shared/ctgov is not beside this checkout")
    bases = real_study_texts(folder)
    texts = real_eligibility_texts(folder)
    rng = random.Random(seed)
    for i in range(n):
        study = json.loads(bases[i % len(bases)])
        protocol = study["protocolSection"]
        protocol["identificationModule"]["nctId"] = f"NCT9{i:07d}"
        if texts:
            protocol.setdefault("eligibilityModule", {})["eligibilityCriteria"] = rng.choice(texts)
        yield study


def write_jsonl(path: Path, n: int, seed: int = 0) -> int:
    with path.open("w", encoding="utf-8") as handle:
        for study in synthetic_studies(n, seed=seed):
            handle.write(json.dumps(study, ensure_ascii=False, separators=(",", ":")) + "\n")
    return n


def build_database(out: Path, n: int, *, parse: bool = False, seed: int = 0) -> dict[str, Any]:
    """Import `n` synthetic studies into a new database at `out` (replaced if present)."""
    from sync.importer import import_paths
    from sync.store import open_database

    for suffix in ("", "-wal", "-shm"):
        Path(f"{out}{suffix}").unlink(missing_ok=True)
    jsonl = out.with_suffix(".synthetic.jsonl")
    write_jsonl(jsonl, n, seed)
    db = open_database(out, create=True)
    started = time.perf_counter()
    report = import_paths(db, [jsonl], parse=parse, batch=1000)
    seconds = time.perf_counter() - started
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    jsonl.unlink()
    return {"studies": report.new, "seconds": round(seconds, 2), "bytes": out.stat().st_size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20000, help="how many studies (default 20000)")
    parser.add_argument("--out", type=Path, help="write a trial database here")
    parser.add_argument("--jsonl", type=Path, help="write the studies as JSON Lines here")
    parser.add_argument("--parse", action="store_true", help="parse criteria while importing")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if shared_dir() is None:
        print("skipped: ../shared/ctgov is not beside this checkout", file=sys.stderr)
        return 0
    if not (args.out or args.jsonl):
        parser.error("give --out DB and/or --jsonl FILE")
    if args.jsonl:
        write_jsonl(args.jsonl, args.n, args.seed)
        print(f"{args.n} studies written to {args.jsonl}")
    if args.out:
        result = build_database(args.out, args.n, parse=args.parse, seed=args.seed)
        print(
            f"{result['studies']} studies imported into {args.out} in {result['seconds']} s "
            f"({result['bytes'] / 1e6:.1f} MB)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
