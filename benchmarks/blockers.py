"""What blocks the example patients in real trials: a precision worklist for the parser.

    python benchmarks/synthetic.py --out /tmp/synth.db --n 2000 --parse   # real texts, new ids
    python benchmarks/blockers.py --db /tmp/synth.db [--patient pt-esr1-01] [--top 40]

Matches every bundled example patient against every trial (any status) and counts, over distinct
eligibility texts, the criterion that makes each trial ineligible (the first blocking one), with
the explanation and an example of the text. A blocker that a coordinator would not accept is a
misreading to fix; the count says how often it costs a patient a trial.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections import Counter
from importlib import resources
from pathlib import Path

from matcher import load_profile, load_trials, match_patient

AS_OF = dt.date(2026, 11, 24)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--patient", default=None, help="only this example patient")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args()
    trials = load_trials(args.db)
    folder = resources.files("trialmatch.sample").joinpath("patients")
    with resources.as_file(folder) as path:
        patients = [load_profile(f) for f in sorted(Path(path).glob("*.yaml"))]
    counts: Counter[tuple[str, str, str, str]] = Counter()
    examples: dict[tuple[str, str, str, str], str] = {}
    for profile in patients:
        if args.patient and profile.id != args.patient:
            continue
        seen: set[str] = set()
        report = match_patient(profile, trials, as_of=AS_OF, statuses=None, include_ineligible=True)
        for match in report.matches:
            result = match.result
            if result.verdict.value != "ineligible" or not result.decisive:
                continue
            first = result.decisive[0]
            item = result.judged[first.index]
            if item.source == "registry" or item.item.text in seen:
                continue
            seen.add(item.item.text)
            key = (
                profile.id,
                item.item.section.value,
                str(item.item.kind),
                first.judgement.explanation[:70],
            )
            counts[key] += 1
            examples[key] = item.item.text[:140]
    for key, count in counts.most_common(args.top):
        patient, section, kind, why = key
        print(f"{count:4d}  {patient}  [{section} {kind}] {why}")
        print(f"        {examples[key]!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
