"""Parser benchmark over every real eligibility text in ../shared/ctgov.

Prints, per collection and overall: studies, criteria, the share of criteria typed (not
`unrecognized`), the share of source items with at least one typed criterion (the honest measure),
lines not represented, and studies parsed per second on one core (CPU time of this process, best
of --repeat runs, parse only; the parser's memory of items already read is cleared before each
run, so that only items repeated across studies are read once).

    python benchmarks/bench_parse.py [--shared ../shared] [--repeat 3] [--top 15]
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict
from pathlib import Path

from criteria import PARSER_VERSION, parse_criteria
from criteria.coverage import Coverage, corpus, unrepresented_lines
from criteria.parser import clear_memo


def main() -> None:
    here = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=here.parent / "shared")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--top", type=int, default=15, help="most common unrecognized texts")
    args = parser.parse_args()
    folder = args.shared / "ctgov"
    if not folder.is_dir():
        raise SystemExit(f"no corpus at {folder}")
    studies = list(corpus(folder))
    texts = [s.text for s in studies]
    parse_criteria(texts[0])  # load data files once, outside the timing

    best = float("inf")
    for _ in range(args.repeat):
        clear_memo()  # each run starts cold: only items repeated across studies are remembered
        start = time.process_time()
        for text in texts:
            parse_criteria(text)
        best = min(best, time.process_time() - start)

    by_set: dict[str, Coverage] = defaultdict(Coverage)
    unrecognized: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for study in studies:
        parsed = parse_criteria(study.text)
        missing = len(unrepresented_lines(study.text, parsed))
        by_set[study.collection].add(parsed, missing)
        by_set["ALL"].add(parsed, missing)
        for c in parsed:
            kinds[c.kind.value] += 1
            if c.kind == "unrecognized":
                unrecognized[c.text[:90]] += 1

    print(f"parser {PARSER_VERSION}")
    print(f"{'collection':32} {'studies':>7} {'criteria':>8} {'typed':>6} {'items typed':>11} "
          f"{'lines lost':>10}")  # fmt: skip
    for name, cov in sorted(by_set.items(), key=lambda kv: kv[0] == "ALL"):
        print(f"{name:32} {cov.studies:7d} {cov.criteria:8d} {cov.typed_share:6.1%} "
              f"{cov.item_share:11.1%} {cov.missing_lines:10d}")  # fmt: skip
    print(f"speed: {len(texts) / best:.0f} studies/s on one core "
          f"({best:.2f} s CPU for {len(texts)} studies, best of {args.repeat})")  # fmt: skip
    print("criteria per kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    print("most common unrecognized items:")
    for text, count in unrecognized.most_common(args.top):
        print(f"  {count:4d}  {text}")


if __name__ == "__main__":
    main()
