"""Offline loading (`trialmatch import`): the same store, history and run log as sync, from files.

Reads API v2 study JSON files, folders of them (recursively), saved `/studies` response pages
(`{"studies": [...], ...}`, also wrapped as `{"response": {...}}`), flattened trial records
(`sync.flat`), JSON arrays of these, JSON Lines (one per line), and the registry's bulk download
zip of per-study JSON files.
Studies are written in batches, one transaction per batch; a file that cannot be read stops the
run (recorded as failed, with the file named) and keeps every batch written before it.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import msgspec
import sqlite_utils

from sync import store
from sync.flat import CRITERIA_KEYS, NotFlat, is_flat, study_from_flat
from sync.parsed import load_parser, reparse_stale
from sync.runs import (
    Interrupted,
    Outcome,
    RunKind,
    RunReport,
    finish_run,
    record_progress,
    start_run,
)
from sync.shape import NotAStudy, Shaped, shape_raw
from trialmatch.errors import ImportFormatError, RunFailed

log = logging.getLogger("trialmatch.sync")

ACCEPTED = (
    "API v2 study JSON (.json), saved /studies pages, flattened trial records (nct_id with "
    "eligibility_text or eligibility_lines), JSON arrays of them, JSON Lines (.jsonl/.ndjson), "
    "folders of these, or the registry's bulk download zip (.zip)"
)
_JSON = {".json"}
_LINES = {".jsonl", ".ndjson"}
_ZIP = {".zip"}

OnBatch = Callable[[int], None]


def import_paths(
    db: sqlite_utils.Database,
    paths: Sequence[str | Path],
    *,
    parse: bool = True,
    batch: int = 500,
    on_batch: OnBatch | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> RunReport:
    """Import studies from files and folders; returns the run report, raises `RunFailed`."""
    if not paths:
        raise ImportFormatError(f"nothing to import; give files or folders: {ACCEPTED}")
    files = list(expand(paths))  # fails before the run starts if a path is missing
    report = start_run(db, RunKind.IMPORT, [str(p) for p in paths])
    parser = load_parser() if parse else None
    pending: list[Shaped] = []

    def flush() -> None:
        def count(result: store.SaveResult) -> None:
            report.count_page(result, len(pending))
            record_progress(db, report)

        store.save_studies(db, pending, run_id=report.id, parser=parser, before_commit=count)
        if on_batch is not None:
            on_batch(len(pending))
        pending.clear()

    try:
        for where, data in studies_in_files(files):
            try:
                pending.append(shape_raw(data))
            except NotAStudy as error:
                raise ImportFormatError(f"{where}: {error}; accepted: {ACCEPTED}") from None
            if len(pending) >= batch:
                if should_stop is not None and should_stop():
                    raise Interrupted("stopped on request")
                flush()
        if pending:
            flush()
    except (ImportFormatError, Interrupted) as error:
        outcome = Outcome.FAILED if isinstance(error, ImportFormatError) else Outcome.INTERRUPTED
        finish_run(db, report, outcome, f"{error}{_kept(report)}")
        _after(db, parse)
        raise RunFailed(report.summary(), report) from error
    except KeyboardInterrupt:
        finish_run(db, report, Outcome.INTERRUPTED, f"interrupted{_kept(report)}")
        raise
    except Exception as error:
        finish_run(db, report, Outcome.FAILED, f"{type(error).__name__}: {error}{_kept(report)}")
        raise
    finish_run(db, report, Outcome.COMPLETED)
    _after(db, parse)
    return report


def _kept(report: RunReport) -> str:
    return f"; {report.seen} studies imported before it are kept" if report.seen else ""


def _after(db: sqlite_utils.Database, parse: bool) -> None:
    if parse:
        reparse_stale(db)
    if not store.search_index_consistent(db):
        store.rebuild_search_index(db)


def expand(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files to read: each file given, and every readable file under each folder (sorted)."""
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in _JSON | _LINES | _ZIP
            )
            if not found:
                raise ImportFormatError(f"{path}: no .json, .jsonl, .ndjson or .zip files in it")
            yield from found
        elif path.is_file():
            yield path
        else:
            raise ImportFormatError(f"{path}: no such file or folder")


Found = tuple[str, bytes]  # (where it came from, the study's JSON)


def studies_in_files(files: Iterable[Path]) -> Iterator[Found]:
    for path in files:
        yield from studies_in_file(path)


def studies_in_file(path: Path) -> Iterator[Found]:
    suffix = path.suffix.lower()
    if suffix in _ZIP:
        yield from _zip(path)
    elif suffix in _LINES:
        with path.open("rb") as handle:
            yield from _lines(handle, str(path))
    elif suffix in _JSON:
        yield from studies_in(path.read_bytes(), str(path))
    else:
        raise ImportFormatError(
            f"{path}: not a format trialmatch import reads; accepted: {ACCEPTED}"
        )


def _zip(path: Path) -> Iterator[Found]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise ImportFormatError(f"{path}: not a readable zip file ({error})") from error
    with archive:
        names = sorted(n for n in archive.namelist() if not n.endswith("/"))
        readable = [n for n in names if Path(n).suffix.lower() in _JSON | _LINES]
        if not readable:
            raise ImportFormatError(f"{path}: the zip holds no .json or .jsonl files")
        for name in readable:
            where = f"{path}!{name}"
            if Path(name).suffix.lower() in _LINES:
                with archive.open(name) as member:
                    yield from _lines(member, where)
            else:
                yield from studies_in(archive.read(name), where)


def _lines(lines: Iterable[bytes], where: str) -> Iterator[Found]:
    for number, line in enumerate(lines, 1):
        if line and not line.isspace():  # isspace(), unlike strip(), copies nothing
            yield from studies_in(line, f"{where}, line {number}")


_TOP = msgspec.json.Decoder(dict[str, msgspec.Raw] | list[msgspec.Raw])
_LIST = msgspec.json.Decoder(list[msgspec.Raw])


def studies_in(data: bytes, where: str) -> Iterator[Found]:
    """The studies in one JSON document: a study, a page, a wrapped page, or a list of them.
    Only the top levels are decoded here; each study comes back as its own JSON bytes."""
    try:
        top = _TOP.decode(data)
    except msgspec.ValidationError:
        raise ImportFormatError(
            f"{where}: a JSON value that is not an object or a list; accepted: {ACCEPTED}"
        ) from None
    except msgspec.DecodeError as error:
        raise ImportFormatError(f"{where}: not valid JSON ({error})") from None
    if isinstance(top, list):
        for position, item in enumerate(top):
            yield from studies_in(bytes(item), f"{where}, item {position}")
        return
    if "protocolSection" in top:
        yield where, data
        return
    if "response" in top and "studies" not in top:
        yield from studies_in(bytes(top["response"]), f"{where}, response")
        return
    if is_flat(set(top)):
        try:
            study = study_from_flat(msgspec.json.decode(data))
        except NotFlat as error:
            raise ImportFormatError(f"{where}: a flattened trial record, but {error}") from None
        yield where, msgspec.json.encode(study)
        return
    if "studies" in top:
        try:
            items = _LIST.decode(top["studies"])
        except msgspec.ValidationError:
            raise ImportFormatError(f"{where}: `studies` is not a list") from None
        for position, item in enumerate(items):
            yield f"{where}, item {position} of `studies`", bytes(item)
        return
    raise ImportFormatError(f"{where}: {_what(set(top))}; accepted: {ACCEPTED}")


def _what(keys: set[str]) -> str:
    if keys & {"nct_id", *CRITERIA_KEYS}:
        return "a flattened record needs `nct_id` and `eligibility_text` (or `eligibility_lines`)"
    listed = ", ".join(sorted(keys)[:6])
    return f"a JSON object with keys {listed or '(none)'}, not a study or a /studies page"
