"""A local stand-in for the ClinicalTrials.gov API v2, with injectable faults.

For tests, demos and air-gapped trials of `trialmatch sync`: it serves a folder of API v2 study
JSON files the way the registry does (`/studies` paged by `nextPageToken` with `totalCount` on page
1, `filter.ids`, simple `query.cond` / `query.term` / `query.intr` substring matching,
`filter.overallStatus`, `filter.advanced=AREA[LastUpdatePostDate]RANGE[date,MAX]`, and
`/studies/{id}` with a plain-text 404), and can answer a share of requests with the registry's
failure modes: 429 with Retry-After, 500/502/503, a 200 carrying HTML, a truncated JSON body, and
a stall (no answer until `release` is set or 30 seconds pass).

    python -m sync.standin trialmatch/sample/studies --port 8765 --faults 0.3
    TRIALMATCH_CTGOV_URL=http://127.0.0.1:8765/api/v2 trialmatch sync --cond cancer

It is not the registry: search is substring matching, and sorting is by NCT id.
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from sync.shape import study_id

FAULTS = ("429", "500", "502", "503", "html", "truncated")
STALL = "stall"  # not among the random faults: it makes the client time out
_RANGE = re.compile(r"^AREA\[LastUpdatePostDate\]RANGE\[(\d{4}-\d{2}-\d{2}|MIN),\s*MAX\]$")

#: fault(request_number, path, params) -> a fault name from FAULTS, or None to answer normally.
FaultPlan = Callable[[int, str, dict[str, str]], str | None]


def random_faults(rate: float, seed: int = 0, kinds: Iterable[str] = FAULTS) -> FaultPlan:
    """Each request fails with probability `rate`, with a fault drawn from `kinds`."""
    rng = random.Random(seed)
    choices = list(kinds)

    def plan(number: int, path: str, params: dict[str, str]) -> str | None:
        return rng.choice(choices) if rng.random() < rate else None

    return plan


@dataclass
class Registry:
    """The studies the stand-in serves, by NCT id."""

    studies: dict[str, dict[str, Any]] = field(default_factory=dict)
    version: int = 1  # bump to expire page tokens, as a registry data refresh does

    @classmethod
    def from_folder(cls, folder: str | Path) -> Registry:
        registry = cls()
        for path in sorted(Path(folder).glob("*.json")):
            registry.put(json.loads(path.read_text(encoding="utf-8")))
        return registry

    def put(self, study: dict[str, Any]) -> None:
        nct_id = study_id(study)
        if nct_id is None:
            raise ValueError("not an API v2 study")
        self.studies[nct_id] = study

    def select(self, params: dict[str, str]) -> list[dict[str, Any]]:
        """Studies matching the request's filters, by NCT id. ValueError = a 400."""
        found = [self.studies[k] for k in sorted(self.studies)]
        if "filter.ids" in params:
            ids = set(re.split(r"[,|]", params["filter.ids"]))
            for nct_id in ids:
                if not re.match(r"^NCT\d{8}$", nct_id):
                    raise ValueError("Item in parameter `filter.ids` has incorrect format")
            found = [s for s in found if study_id(s) in ids]
        for key, where in (("query.cond", _conditions), ("query.intr", _interventions)):
            if params.get(key):
                needle = params[key].lower().strip('"')
                found = [s for s in found if needle in where(s)]
        if params.get("query.term"):
            needle = params["query.term"].lower().strip('"')
            found = [s for s in found if needle in json.dumps(s).lower()]
        if params.get("filter.overallStatus"):
            wanted = set(re.split(r"[,|]", params["filter.overallStatus"]))
            found = [s for s in found if _get(s, "statusModule", "overallStatus") in wanted]
        if params.get("filter.advanced"):
            match = _RANGE.match(params["filter.advanced"].strip())
            if not match:
                raise ValueError("Error parsing query in filter.advanced: unsupported expression")
            low = "" if match.group(1) == "MIN" else match.group(1)
            found = [
                s
                for s in found
                if (_get(s, "statusModule", "lastUpdatePostDateStruct", "date") or "") >= low
            ]
        return found


def _get(study: dict[str, Any], *path: str) -> Any:
    obj: Any = study.get("protocolSection") or {}
    for key in path:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def _conditions(study: dict[str, Any]) -> str:
    names = _get(study, "conditionsModule", "conditions") or []
    title = _get(study, "identificationModule", "briefTitle") or ""
    return " ".join([*names, title]).lower()


def _interventions(study: dict[str, Any]) -> str:
    items = _get(study, "armsInterventionsModule", "interventions") or []
    return " ".join(
        " ".join([i.get("name") or "", *(i.get("otherNames") or [])]) for i in items
    ).lower()


class StandIn(ThreadingHTTPServer):
    """`with StandIn(registry) as server: server.base_url ...` serves on 127.0.0.1 in a thread."""

    daemon_threads = True

    def __init__(
        self, registry: Registry, *, port: int = 0, faults: FaultPlan | None = None
    ) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.registry = registry
        self.faults = faults
        self.requests: list[tuple[str, dict[str, str], int]] = []  # (path, params, status)
        self.release = threading.Event()  # ends stalls
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/api/v2"

    def __enter__(self) -> StandIn:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.shutdown()
        self.server_close()

    def record(self, path: str, params: dict[str, str], status: int) -> int:
        with self._lock:
            self.requests.append((path, params, status))
            return len(self.requests)


class _Handler(BaseHTTPRequestHandler):
    server: StandIn
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        params = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        number = len(self.server.requests) + 1
        fault = self.server.faults(number, url.path, params) if self.server.faults else None
        if fault:
            self._fault(fault, url.path, params)
            return
        if url.path.rstrip("/") == "/api/v2/studies":
            self._studies(url.path, params)
        elif m := re.match(r"^/api/v2/studies/([^/]+)$", url.path):
            self._study(url.path, params, m.group(1))
        else:
            self._send(url.path, params, 404, "text/plain", f"no such endpoint: {url.path}")

    def _studies(self, path: str, params: dict[str, str]) -> None:
        registry = self.server.registry
        try:
            size = int(params.get("pageSize", "10"))
            if not 0 <= size <= 1000:
                raise ValueError("pageSize must be between 0 and 1000")
            found = registry.select(params)
            offset = 0
            if "pageToken" in params:
                offset = _read_token(params["pageToken"], registry.version)
        except ValueError as error:
            self._send(path, params, 400, "text/plain", str(error))
            return
        page = found[offset : offset + size] if size else []
        body: dict[str, Any] = {"studies": page}
        if params.get("countTotal") == "true" and "pageToken" not in params:
            body["totalCount"] = len(found)
        if size and offset + size < len(found):
            body["nextPageToken"] = _token(offset + size, registry.version)
        self._send(path, params, 200, "application/json", json.dumps(body))

    def _study(self, path: str, params: dict[str, str], nct_id: str) -> None:
        if not re.match(r"^[Nn][Cc][Tt]0*[1-9]\d{0,7}$", nct_id):
            self._send(path, params, 400, "text/plain", "Parameter `nctId` has incorrect format")
            return
        study = self.server.registry.studies.get(nct_id.upper())
        if study is None:
            self._send(path, params, 404, "text/plain", f"NCT number {nct_id} not found")
        else:
            self._send(path, params, 200, "application/json", json.dumps(study))

    def _fault(self, fault: str, path: str, params: dict[str, str]) -> None:
        if fault == "429":
            self._send(path, params, 429, "text/plain", "Too Many Requests", {"Retry-After": "1"})
        elif fault in ("500", "502", "503", "504"):
            self._send(path, params, int(fault), "text/plain", "Service unavailable")
        elif fault == "html":
            html = "<!DOCTYPE html><html><body><h1>Maintenance</h1></body></html>"
            self._send(path, params, 200, "text/html; charset=utf-8", html)
        elif fault == STALL:
            self.server.release.wait(30)
            self._send(path, params, 503, "text/plain", "stalled")
        elif fault == "truncated":
            self._send(path, params, 200, "application/json", '{"studies": [{"protocolSection":')
        else:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")

    def _send(
        self,
        path: str,
        params: dict[str, str],
        status: int,
        content_type: str,
        body: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.server.record(path, params, status)
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)


def _token(offset: int, version: int) -> str:
    return base64.urlsafe_b64encode(f"{version}:{offset}".encode()).decode().rstrip("=")


def _read_token(token: str, version: int) -> int:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        made_for, offset = (int(part) for part in text.split(":"))
    except (ValueError, UnicodeDecodeError):
        raise ValueError("Invalid pageToken") from None
    if made_for != version:
        raise ValueError("The pageToken has expired; start again from the first page")
    return offset


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m sync.standin", description=__doc__.split("\n")[0]
    )
    parser.add_argument("folder", help="a folder of API v2 study JSON files")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--faults", type=float, default=0.0, help="share of requests that fail")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    registry = Registry.from_folder(args.folder)
    faults = random_faults(args.faults, args.seed) if args.faults else None
    server = StandIn(registry, port=args.port, faults=faults)
    print(f"serving {len(registry.studies)} studies at {server.base_url} (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
