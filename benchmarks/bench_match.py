"""Matching speed: one patient against every trial, and a cohort against every trial.

    python benchmarks/bench_match.py --db /tmp/synth.db            # build it first with
    python benchmarks/synthetic.py --out /tmp/synth.db --n 20000   # (skips without ../shared)

Prints the load time, per-patient match times (median, 95th percentile, max) over the bundled
example patients and synthetic ones, and a cohort run of `--cohort` synthetic patients with
`--workers` processes (wall time, peak memory of the parent and children).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import statistics
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path
from typing import Any

from matcher import load_profile, load_trials, match_patient, parse_profile
from matcher.cohort import run_cohort
from matcher.profile import Profile

AS_OF = dt.date(2026, 11, 24)

REGIMENS = [
    (["letrozole", "palbociclib"], "metastatic"),
    (["anastrozole", "ribociclib"], "metastatic"),
    (["fulvestrant", "abemaciclib"], "metastatic"),
    (["fulvestrant"], "metastatic"),
    (["exemestane", "everolimus"], "metastatic"),
    (["alpelisib", "fulvestrant"], "metastatic"),
    (["capecitabine"], "metastatic"),
    (["paclitaxel"], "metastatic"),
    (["eribulin"], "metastatic"),
    (["trastuzumab deruxtecan"], "metastatic"),
    (["sacituzumab govitecan"], "metastatic"),
    (["olaparib"], "metastatic"),
    (["tamoxifen"], "adjuvant"),
    (["letrozole"], "adjuvant"),
    (["doxorubicin", "cyclophosphamide"], "adjuvant"),
    (["docetaxel", "cyclophosphamide"], "neoadjuvant"),
]
FINDINGS = [
    {"gene": "ESR1", "alteration": "Y537S"},
    {"gene": "ESR1", "alteration": "D538G"},
    {"gene": "PIK3CA", "alteration": "H1047R"},
    {"gene": "PIK3CA", "alteration": "E545K"},
    {"gene": "AKT1", "alteration": "E17K"},
    {"gene": "PTEN", "alteration": "loss"},
    {"gene": "BRCA2", "alteration": "mutation", "origin": "germline"},
    {"gene": "BRCA1", "alteration": "mutation", "origin": "germline"},
    {"gene": "PALB2", "alteration": "mutation", "origin": "germline"},
    {"gene": "FGFR1", "alteration": "amplification"},
    {"gene": "CCNE1", "alteration": "amplification"},
    {"gene": "ERBB2", "alteration": "L755S"},
    {"gene": "RB1", "alteration": "loss"},
]


def synthetic_patient(rng: random.Random, n: int) -> Profile:
    """A plausible, varied profile; every field is sometimes left out (unknown)."""
    data: dict[str, Any] = {"id": f"syn-{n:05d}"}
    maybe = lambda p: rng.random() < p  # noqa: E731
    if maybe(0.9):
        data["age"] = rng.randint(28, 88)
    data["sex"] = "male" if maybe(0.02) else "female"
    if data["sex"] == "female" and maybe(0.8):
        data["menopausal_status"] = rng.choice(
            ["premenopausal", "postmenopausal", "postmenopausal"]
        )
    if maybe(0.85):
        data["ecog"] = rng.choice([0, 0, 1, 1, 2])
    cancer = (
        "breast cancer"
        if maybe(0.85)
        else rng.choice(["non-small cell lung cancer", "colorectal cancer"])
    )
    data["diagnosis"] = {
        "cancer": cancer,
        "stage": rng.choice(["metastatic"] * 4 + ["locally advanced", "early"]),
    }
    if maybe(0.7):
        data["diagnosis"]["brain_metastases"] = rng.choice(
            ["none"] * 5 + ["treated_stable", "active"]
        )
        data["diagnosis"]["measurable_disease"] = maybe(0.8)
    if cancer == "breast cancer":
        data["receptors"] = {
            "er": rng.choice(["positive"] * 6 + ["low", "negative"]),
            "her2": rng.choice(
                [
                    "negative",
                    "low",
                    {"ihc": "1+"},
                    {"ihc": "2+", "ish": "negative"},
                    {"ihc": "0"},
                    {"ihc": "3+"},
                ]
            ),
        }
    found = rng.sample(FINDINGS, k=rng.choice([0, 0, 1, 1, 2]))
    genes = {f["gene"] for f in found}
    if found:
        data["biomarkers"] = found
    negatives = [
        g
        for g in ("ESR1", "PIK3CA", "AKT1", "PTEN", "BRCA1", "BRCA2")
        if g not in genes and maybe(0.3)
    ]
    if negatives:
        data["tested_negative"] = negatives
    if maybe(0.9):
        history = []
        year = 2018
        for agents, setting in rng.sample(REGIMENS, k=rng.choice([0, 1, 2, 2, 3, 4])):
            start = year
            year += rng.randint(1, 2)
            history.append(
                {
                    "agents": agents,
                    "setting": setting,
                    "start": f"{start}-0{rng.randint(1, 9)}",
                    "end": f"{year}-0{rng.randint(1, 9)}",
                    "outcome": rng.choice(["progression", "completed", "toxicity"]),
                }
            )
        data["treatments"] = history
    if maybe(0.5):
        data["labs"] = {
            "anc": round(rng.uniform(0.8, 6), 1),
            "platelets": rng.randint(60, 400),
            "hemoglobin": round(rng.uniform(8, 14), 1),
            "hba1c": round(rng.uniform(4.8, 9), 1),
        }
    if maybe(0.6):
        data["conditions"] = rng.sample(
            ["type 2 diabetes", "hypertension", "atrial fibrillation", "asthma"],
            k=rng.choice([0, 1]),
        )
    if maybe(0.7):
        data["location"] = {"lat": rng.uniform(25, 49), "lon": rng.uniform(-123, -70)}
    return parse_profile(data)


def example_patients() -> list[Profile]:
    folder = resources.files("trialmatch.sample").joinpath("patients")
    with resources.as_file(folder) as path:
        return [load_profile(f) for f in sorted(Path(path).glob("*.yaml"))]


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--patients", type=int, default=40, help="synthetic single-patient runs")
    parser.add_argument("--cohort", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not args.db.exists():
        print(f"no database at {args.db}: build it with benchmarks/synthetic.py", file=sys.stderr)
        return 2

    started = time.perf_counter()
    trials = load_trials(args.db)
    load = time.perf_counter() - started
    print(
        f"loaded {len(trials)} trials ({len(trials.semantic)} distinct criteria) in {load:.2f} s; "
        f"peak memory {peak_mb()[0]:.0f} MB"
    )

    rng = random.Random(7)
    patients = example_patients() + [synthetic_patient(rng, n) for n in range(args.patients)]
    times = []
    listed = []
    for profile in patients:
        t0 = time.perf_counter()
        report = match_patient(profile, trials, as_of=AS_OF)
        times.append(time.perf_counter() - t0)
        listed.append(len(report.matches))
    times.sort()
    print(
        f"one patient, default listing ({len(patients)} patients): "
        f"median {statistics.median(times):.3f} s, "
        f"p95 {times[int(len(times) * 0.95) - 1]:.3f} s, max {times[-1]:.3f} s; "
        f"trials listed per patient: median {statistics.median(listed):.0f}"
    )
    t0 = time.perf_counter()
    match_patient(patients[0], trials, as_of=AS_OF, include_ineligible=True, statuses=None)
    print(
        "one patient with --all --status any (every trial judged in full): "
        f"{time.perf_counter() - t0:.3f} s"
    )

    cohort = [synthetic_patient(rng, 10_000 + n) for n in range(args.cohort)]
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "cohort.csv"
        summary = run_cohort(cohort, trials, out, workers=args.workers, as_of=AS_OF)
        size = out.stat().st_size / 1e6
    own, kids = peak_mb()
    print(
        f"cohort: {summary.patients} patients x {summary.trials} trials, "
        f"{args.workers} workers: "
        f"{summary.seconds:.1f} s, {summary.rows} rows ({size:.1f} MB); eligible per patient mean "
        f"{summary.eligible_mean:.1f}, possibly {summary.possible_mean:.1f}; peak memory parent "
        f"{own:.0f} MB, largest worker {kids:.0f} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
