"""Agreement with the hand-judged vignettes (tests/vignettes/expectations.yaml).

    python benchmarks/vignettes.py            # the agreement table
    python benchmarks/vignettes.py --show     # and every disagreement with its deciding criteria
    python benchmarks/vignettes.py --show pt-esr1-01   # only cases whose patient or trial matches

Imports the bundled sample into a temporary database, matches every example patient against every
sample trial as of 2026-11-24, and compares verdicts with the hand judgements.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from collections import Counter
from importlib import resources
from pathlib import Path

import yaml

from matcher import load_profile, load_trials, match_patient
from sync.importer import import_paths
from sync.store import open_database

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 24)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--show", nargs="?", const="", default=None, metavar="FILTER")
    args = parser.parse_args()
    sample = resources.files("trialmatch.sample")
    with tempfile.TemporaryDirectory() as tmp, resources.as_file(sample) as folder:
        path = Path(tmp) / "sample.db"
        db = open_database(path, create=True)
        import_paths(db, [Path(folder) / "studies"])
        db.close()
        trials = load_trials(path)
        patients = {
            p.id: p
            for p in (load_profile(f) for f in sorted((Path(folder) / "patients").glob("*.yaml")))
        }
    results = {
        pid: {
            m.trial.nct_id: m.result
            for m in match_patient(
                p, trials, as_of=AS_OF, statuses=None, include_ineligible=True
            ).matches
        }
        for pid, p in patients.items()
    }
    cases = yaml.safe_load(
        (ROOT / "tests" / "vignettes" / "expectations.yaml").read_text(encoding="utf-8")
    )
    table: Counter[tuple[str, str]] = Counter()
    for case in cases:
        result = results[case["patient"]][case["trial"]]
        table[(case["verdict"], result.verdict.value)] += 1
        if (
            args.show is not None
            and result.verdict.value != case["verdict"]
            and args.show in case["patient"] + case["trial"]
        ):
            print(
                f"== {case['patient']} {case['trial']}: "
                f"expected {case['verdict']}, got {result.verdict.value}"
            )
            print(f"   why expected: {case['deciding']}")
            for decision in result.decisive[:4]:
                item = result.judged[decision.index].item
                print(
                    f"   [{item.section.value} {item.kind}{' negated' if item.negated else ''}]"
                    f" {item.text[:120]!r}"
                )
                print(
                    f"      -> {decision.judgement.result.value}: "
                    f"{decision.judgement.explanation[:160]}"
                )
    verdicts = ("eligible", "possibly_eligible", "ineligible")
    agree = sum(table[(v, v)] for v in verdicts)
    print(f"agreement: {agree} of {len(cases)} ({agree / len(cases):.0%})")
    print(f"{'expected':<20}" + "".join(f"{'got ' + v:>24}" for v in verdicts))
    for want in verdicts:
        print(f"{want:<20}" + "".join(f"{table[(want, got)]:>24}" for got in verdicts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
