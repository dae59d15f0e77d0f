"""Agreement with hand judgements on real trials: the 40 HR+/HER2- advanced breast cancer trials.

    python benchmarks/real_trials.py [--shared ../shared] [--show]

Builds a temporary database from `ctgov/hr-her2neg-advanced-breast.jsonl` (each record made into
a minimal API v2 study: identifiers, titles, conditions, phases, eligibility text; the records
carry no sex, age or sites, so only the eligibility text and conditions decide), matches the
patients in `benchmarks/real_trials/patients` as of 2026-11-24 over every status, and compares
with `benchmarks/real_trials/expected.yaml`: a trial the reviewer says fits must not come out
ineligible, one they say excludes the patient must. Prints the agreement, the trials each
patient should reach against those the tool lists, and (with --show) each disagreement with the
criteria that decide it. Skips, saying so, when ../shared is absent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

import yaml

from matcher import load_profile, load_trials, match_patient
from sync.importer import import_paths
from sync.store import open_database

HERE = Path(__file__).resolve().parent / "real_trials"
AS_OF = dt.date(2026, 11, 24)
COLLECTION = "hr-her2neg-advanced-breast.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared"
    )
    parser.add_argument("--show", action="store_true", help="every disagreement, with its reasons")
    args = parser.parse_args()
    source = args.shared / "ctgov" / COLLECTION
    if not source.exists():
        print(f"skipped: {source} not found")
        return 0
    expected = yaml.safe_load((HERE / "expected.yaml").read_text(encoding="utf-8"))["patients"]
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "trials.db", create=True)
        import_paths(db, [source])  # flattened records, read by `sync.flat`
        db.close()
        trials = load_trials(Path(tmp) / "trials.db")
    checked = agreed = 0
    missed: list[tuple[str, str, str]] = []
    wrongly: list[tuple[str, str, str]] = []
    reach: list[str] = []
    for name, judged in expected.items():
        profile = load_profile(HERE / "patients" / f"{name}.yaml")
        report = match_patient(profile, trials, as_of=AS_OF, statuses=None, include_ineligible=True)
        verdicts = {m.trial.nct_id: m.result for m in report.matches}
        listed = 0
        for nct, fits in [(n, True) for n in judged["fits"]] + [
            (n, False) for n in judged["excluded"]
        ]:
            result = verdicts[nct]
            got = result.verdict.value != "ineligible"
            checked += 1
            listed += got and fits
            if got == fits:
                agreed += 1
                continue
            reasons = "; ".join(
                result.judged[d.index].judgement.explanation[:90] for d in result.decisive[:3]
            )
            (missed if fits else wrongly).append((name, nct, reasons))
        reach.append(f"  {name:24} should reach {len(judged['fits']):2}, the tool lists {listed:2}")
    print(f"pairs checked {checked}, agreed {agreed} ({agreed / checked:.0%})")
    print(f"wrongly ineligible {len(missed)}, wrongly listed {len(wrongly)}")
    print("\n".join(reach))
    if args.show:
        for title, rows in (("wrongly ineligible", missed), ("wrongly listed", wrongly)):
            print(f"\n{title}:")
            for name, nct, reasons in rows:
                print(f"  {name} {nct}: {reasons}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
