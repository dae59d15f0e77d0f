"""Parser speed of two source trees, measured alternately on this machine.

One tree's number alone is noisy on a shared machine; runs alternated with another tree (say a
clean checkout of the previous commit) show the difference. Each run is a fresh process that
parses every real eligibility text in ../shared/ctgov twice and keeps the lower CPU time.

    python benchmarks/ab_parse.py TREE_A TREE_B [--rounds 3] [--shared ../shared]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

_RUN = r"""
import sys, time
from pathlib import Path
from criteria import parse_criteria
from criteria.coverage import corpus
from criteria.parser import clear_memo
texts = [s.text for s in corpus(Path(sys.argv[1]) / "ctgov")]
parse_criteria(texts[0])
best = float("inf")
for _ in range(2):
    clear_memo()
    start = time.process_time()
    for text in texts:
        parse_criteria(text)
    best = min(best, time.process_time() - start)
print(f"{best:.3f} {len(texts)}")
"""


def _run(tree: Path, shared: Path) -> tuple[float, int]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(shared)],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, studies = done.stdout.split()
    return float(seconds), int(studies)


def main() -> None:
    here = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs=2, type=Path)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--shared", type=Path, default=here.parent / "shared")
    args = parser.parse_args()
    if not (args.shared / "ctgov").is_dir():
        raise SystemExit(f"no corpus at {args.shared / 'ctgov'}")
    times: dict[Path, list[float]] = {tree: [] for tree in args.trees}
    studies = 0
    for _ in range(args.rounds):
        for tree in args.trees:
            seconds, studies = _run(tree.resolve(), args.shared.resolve())
            times[tree].append(seconds)
    for tree, values in times.items():
        best = min(values)
        runs = ", ".join(f"{v:.2f}" for v in values)
        print(f"{tree}: {runs} s CPU; best {best:.2f} s = {studies / best:.0f} studies/s")


if __name__ == "__main__":
    main()
