"""How many of the pairs clinical audits judged wrongly excluded the tool now lists, and how
many of those a later review judged wrongly listed it still lists.

Two reviewers matched realistic patients against every real trial in ../shared/ctgov and read,
for each trial that came out ineligible, the criteria that blocked it.
`audits/wrongly_excluded.json` keeps the (trial, patient) pairs where every blocking criterion
was a misreading of the text (ids and pattern codes only). A third review read every pair listed
for the breast patients on the modern set; `audits/wrongly_listed.json` keeps the pairs whose
text clearly excludes the patient. This script rebuilds a database from the same texts with the
current parser, matches the same patients and prints, per collection, how many wrongly excluded
pairs are no longer ineligible, how many pairs are ineligible in all, and how many wrongly
listed pairs are still listed.

    python benchmarks/audit_recheck.py [--shared ../shared]

The legacy collection has 999 older breast trials (12 breast patients); the modern set has the
full API studies, the saved search pages, the EGFR/ALK NSCLC collection and the HR+/HER2-
collection (the 12 breast patients and 3 NSCLC patients in `audits/patients`). It takes a few
minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import tempfile
from pathlib import Path

from matcher import load_profile, load_trials, match_patient
from sync.importer import import_paths
from sync.store import open_database

HERE = Path(__file__).resolve().parent
AS_OF = dt.date(2026, 11, 24)


def verdicts(tmp: Path, sources: list[Path], patients: list[Path]) -> dict[tuple[str, str], str]:
    db = open_database(tmp / "trials.db", create=True)
    import_paths(db, sources)  # study folders and flattened records (`sync.flat`)
    db.close()
    trials = load_trials(tmp / "trials.db")
    out = {}
    for path in patients:
        report = match_patient(
            load_profile(path), trials, as_of=AS_OF, statuses=None, include_ineligible=True
        )
        for match in report.matches:
            out[(match.trial.nct_id, path.stem)] = match.result.verdict.value
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument(
        "--show", action="store_true", help="also list the wrongly listed pairs still listed"
    )
    args = parser.parse_args()
    ctgov = args.shared / "ctgov"
    if not ctgov.is_dir():
        print(f"skipped: {ctgov} not found")
        return 0
    audits = json.loads((HERE / "audits" / "wrongly_excluded.json").read_text(encoding="utf-8"))
    listed_audit = json.loads((HERE / "audits" / "wrongly_listed.json").read_text(encoding="utf-8"))
    breast = sorted((HERE / "real_trials" / "patients").glob("*.yaml"))
    nsclc = sorted((HERE / "audits" / "patients").glob("*.yaml"))
    runs: tuple[tuple[str, list[Path], list[Path]], ...] = (
        ("legacy", [ctgov / "nli4ct-breast-legacy-layout.jsonl"], breast),
        (
            "modern",
            [
                ctgov / "studies",
                ctgov / "responses",
                ctgov / "egfr-alk-nsclc.jsonl",
                ctgov / "hr-her2neg-advanced-breast.jsonl",
            ],
            breast + nsclc,
        ),
    )
    for name, sources, patients in runs:
        with tempfile.TemporaryDirectory() as tmp:
            got = verdicts(Path(tmp), sources, patients)
        pairs = audits[name]["pairs"]
        listed = sum(got.get((p["trial"], p["patient"])) not in (None, "ineligible") for p in pairs)
        ineligible = sum(v == "ineligible" for v in got.values())
        print(
            f"{name}: {listed} of {len(pairs)} wrongly excluded pairs now listed; "
            f"{ineligible} of {len(got)} pairs ineligible"
        )
        if name in listed_audit:
            wrong = listed_audit[name]["pairs"]
            still = sum(
                got.get((p["trial"], p["patient"])) not in (None, "ineligible") for p in wrong
            )
            print(f"{name}: {still} of {len(wrong)} wrongly listed pairs still listed")
            if args.show:
                for p in wrong:
                    if got.get((p["trial"], p["patient"])) not in (None, "ineligible"):
                        print(f"  still listed: {p['trial']} {p['patient']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
