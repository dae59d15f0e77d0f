"""Web app speed: search pages and single-patient match pages over real HTTP on 127.0.0.1.

    python benchmarks/synthetic.py --out /tmp/synth.db --n 20000 --parse   # build it first
    python benchmarks/bench_web.py --db /tmp/synth.db

Serves the app with uvicorn on a free loopback port in this process, then times each page
`--rounds` times with a keep-alive HTTP session (the way a browser asks): typical searches, a
trial page, the status page, and the patient page POSTed with each bundled example patient.
Prints the first (cold) request, median, 95th percentile and max per page, and whether search and
match pages stay under the budget (300 ms) on both the first request and the 95th percentile.
A search's first page holds its hits; the facet counts arrive by a second request (timed on its
own as "counts", no budget) and are cached, so repeats of the search carry them inline. A page
far over budget (5 s) is measured once. Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Any

import requests
import uvicorn

from trialmatch.web import WebConfig, create_app

BUDGET_MS = 300.0
SLOW_MS = 5000.0
AS_OF = "2026-11-24"

SEARCHES: tuple[tuple[str, str], ...] = (
    ("browse, no query", "/search"),
    ("text: breast cancer", "/search?q=breast+cancer"),
    ("text + status", "/search?q=ESR1+mutation&status=RECRUITING&status=NOT_YET_RECRUITING"),
    ("drug class", "/search?drug=CDK4%2F6+inhibitor"),
    ("gene + phase", "/search?gene=PIK3CA&phase=PHASE3"),
    ("country + text", "/search?q=fulvestrant&country=United+States"),
    ("distance 100 km", "/search?q=breast&lat=42.34&lon=-71.10&km=100"),
    ("page 3", "/search?q=cancer&page=3"),
)


def serve(db: Path, patients: Path) -> tuple[str, uvicorn.Server, threading.Thread]:
    app = create_app(WebConfig(db_path=db, patients_db=patients))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise SystemExit("the server did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return f"http://127.0.0.1:{port}", server, thread


def timed(name: str, call: Any, rounds: int) -> list[float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        response = call()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{response.request.method} {response.url}: {response.status_code}")
        times.append(elapsed)
        if elapsed > SLOW_MS:  # far over budget: one measurement says enough
            break
    print(summary(name, times, None)[0], file=sys.stderr, flush=True)
    return times


def summary(name: str, times: list[float], budget: float | None) -> tuple[str, bool]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    ok = budget is None or max(p95, times[0]) < budget
    flag = "" if budget is None else ("  ok" if ok else "  OVER BUDGET")
    line = (
        f"{name:<30} first {times[0]:8.1f} ms   median {statistics.median(times):8.1f} ms   "
        f"p95 {p95:8.1f} ms   max {max(times):8.1f} ms{flag}"
    )
    return line, ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="trial database to serve")
    parser.add_argument("--rounds", type=int, default=20, help="requests per page (default 20)")
    parser.add_argument("--only", choices=("search", "match"), help="time only these pages")
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"no database at {args.db}: build one with benchmarks/synthetic.py", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        base, server, thread = serve(args.db, Path(tmp) / "patients.db")
        trials = server.config.app.state.trials.current
        print(
            f"serving {args.db} at {base}: {len(trials.trials)} trials loaded in "
            f"{time.perf_counter() - started:.1f} s"
        )
        session = requests.Session()
        try:
            results = run(session, base, args.rounds, args.only)
        finally:
            server.should_exit = True
            thread.join(timeout=10)
    all_ok = True
    for name, times, budget in results:
        line, ok = summary(name, times, budget)
        all_ok &= ok
        print(line)
    verdict = "within" if all_ok else "NOT within"
    print(
        f"search and match pages {verdict} the {BUDGET_MS:.0f} ms budget "
        "(first request and 95th percentile)"
    )
    return 0 if all_ok else 1


Timings = list[tuple[str, list[float], float | None]]


def run(session: requests.Session, base: str, rounds: int, only: str | None = None) -> Timings:
    results: Timings = []
    for name, path in SEARCHES if only in {None, "search"} else ():
        label = f"search: {name}"
        first = timed(label + " (page)", lambda p=path: session.get(base + p), 1)
        # the counts the page fetches after its hits (computed once, then cached)
        query = path.partition("?")[2]
        counts = timed(
            label + " (counts)", lambda q=query: session.get(f"{base}/search/facets?{q}"), 1
        )
        results.append((label + " counts", counts, None))
        times = first + timed(label, lambda p=path: session.get(base + p), rounds - 1)
        results.append((label, times, BUDGET_MS))
    if only == "search":
        return results
    first = re.search(r'href="/trial/(NCT\d{8})"', session.get(base + "/search?q=breast").text)
    if first:
        url = f"{base}/trial/{first.group(1)}"
        results.append(("trial page", timed("trial page", lambda: session.get(url), rounds), None))
    status = timed("status page", lambda: session.get(base + "/status"), rounds)
    results.append(("status page", status, None))
    token = re.search(r'name="csrf_token" value="([^"]+)"', session.get(base + "/patient").text)
    assert token, "no CSRF token on the patient page"
    folder = resources.files("trialmatch.sample").joinpath("patients")
    with resources.as_file(folder) as patients:
        for file in sorted(Path(patients).glob("*.yaml")):
            form = {
                "csrf_token": token.group(1),
                "profile_text": file.read_text(),
                "as_of": AS_OF,
                "top": "50",
                "scope": "open",
            }
            label = f"match: {file.stem}"
            times = timed(
                label, lambda f=form: session.post(base + "/patient/match", data=f), rounds
            )
            results.append((label, times, BUDGET_MS))
    return results


if __name__ == "__main__":
    sys.exit(main())
