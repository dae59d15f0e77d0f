"""The sync entry point: fetch what was asked for (or what the database follows) and save it.

    report = sync(db, Selection(ids=("NCT04072952",)), client=CtgovClient())

Incremental by default: a followed query asks only for studies updated since its watermark minus
one day (`AREA[LastUpdatePostDate]RANGE[...]`, with no status filter so that trials which close are
seen closing), and known trials are asked for by id with the same date filter. Watermarks advance
only when a run completes. `full=True` ignores them; `since` replaces them for this run.

A run that fails keeps every page saved before the failure, is recorded as failed with the reason,
and raises `RunFailed` (its `report` says what was done).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

import sqlite_utils

from sync import store
from sync.client import CtgovClient, Page
from sync.parsed import LoadedParser, load_parser, reparse_stale
from sync.runs import (
    Interrupted,
    Outcome,
    RunKind,
    RunReport,
    finish_run,
    record_progress,
    start_run,
)
from sync.selectors import (
    DEFAULT_QUERY,
    KNOWN_KEY,
    Selection,
    follow_query,
    follow_watchlist,
    followed,
    set_watermarks,
    watermark,
)
from sync.shape import NotAStudy, Shaped, shape_raw
from sync.watchlist import bundled_watchlist
from trialmatch.errors import ApiError, ApiRequestRejected, RunFailed

log = logging.getLogger("trialmatch.sync")

OnPage = Callable[[str, Page], None]


def sync(
    db: sqlite_utils.Database,
    selection: Selection | None = None,
    *,
    client: CtgovClient,
    full: bool = False,
    since: date | None = None,
    follow: bool = True,
    page_size: int = 1000,
    id_batch: int = 100,
    parse: bool = True,
    on_page: OnPage | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> RunReport:
    """Run one sync. With an empty `selection`, refresh what the database follows (on a new
    database: the bundled review watch list and open breast cancer trials)."""
    selection = selection or Selection()
    notes: list[str] = []
    refresh = selection.empty
    if refresh:
        selection, notes = _followed_selection(db)
    if follow and (not refresh or notes):  # what was asked for, or a new database's defaults
        with db.atomic():
            for watchlist in selection.watchlists:
                follow_watchlist(db, watchlist)
            for query in selection.queries:
                follow_query(db, query)
    report = start_run(db, RunKind.SYNC, selection.describe() + (["known"] if refresh else []))
    report.notes += notes
    run = _Run(db, client, report, load_parser() if parse else None, on_page, should_stop)
    started = datetime.fromisoformat(report.started_at.replace("Z", "+00:00")).date()
    advance: list[str] = []
    try:
        ids = list(dict.fromkeys([*selection.ids, *_watchlist_ids(selection)]))
        if refresh:
            listed = set(ids)
            ids += [i for (i,) in db.execute("SELECT nct_id FROM studies") if i not in listed]
        if ids:
            key_since = _since(db, KNOWN_KEY, full, since)
            run.fetch_ids(ids, key_since, id_batch, page_size)
            if refresh and _advances(db, KNOWN_KEY, key_since):
                advance.append(KNOWN_KEY)
        for query in selection.queries:
            query_since = _since(db, query.key, full, since)
            keep = None
            if query_since is not None and query.status:
                wanted = set(query.status)
                keep = lambda s, w=wanted: s.overall_status in w  # noqa: E731
            run.fetch(query.label, query.params(query_since), page_size, keep)
            if follow and _advances(db, query.key, query_since):
                advance.append(query.key)
    except (ApiError, Interrupted, KeyboardInterrupt) as error:
        outcome = Outcome.FAILED if isinstance(error, ApiError) else Outcome.INTERRUPTED
        reason = str(error) or "stopped on request"
        if isinstance(error, KeyboardInterrupt):
            reason = "interrupted by the user"
        finish_run(db, report, outcome, reason + _kept(report))
        if isinstance(error, KeyboardInterrupt):
            raise
        _after_run(db, parse)
        raise RunFailed(report.summary(), report) from error
    except Exception as error:
        finish_run(db, report, Outcome.FAILED, f"{type(error).__name__}: {error}" + _kept(report))
        raise
    set_watermarks(db, advance, started.isoformat(), report.id)
    finish_run(db, report, Outcome.COMPLETED)
    _after_run(db, parse)
    return report


def _kept(report: RunReport) -> str:
    if not report.pages:
        return "; nothing was written"
    return f"; the {report.pages} page{'s' if report.pages != 1 else ''} saved before it are kept"


def _after_run(db: sqlite_utils.Database, parse: bool) -> None:
    if parse:
        reparse_stale(db)
    if not store.search_index_consistent(db):
        log.warning("full-text index out of step with the studies table: rebuilding it")
        store.rebuild_search_index(db)


def _followed_selection(db: sqlite_utils.Database) -> tuple[Selection, list[str]]:
    current = followed(db)
    if current.follows:
        return Selection(watchlists=tuple(current.watchlists), queries=tuple(current.queries)), []
    ran_before = db.execute("SELECT 1 FROM runs WHERE kind = 'sync' LIMIT 1").fetchone()
    if ran_before:
        return Selection(), []
    review = bundled_watchlist()
    note = (
        f"new database: following the review watch list ({len(review.trials)} trials) and "
        f"{DEFAULT_QUERY.label}; `trialmatch sync --list` shows what is followed"
    )
    log.info(note)
    return Selection(watchlists=(review,), queries=(DEFAULT_QUERY,)), [note]


def _watchlist_ids(selection: Selection) -> list[str]:
    return [entry.nct_id for w in selection.watchlists for entry in w.trials]


def _since(db: sqlite_utils.Database, key: str, full: bool, since: date | None) -> date | None:
    """The LastUpdatePostDate lower bound for a selector (None = fetch everything)."""
    if full:
        return None
    if since is not None:
        return since
    mark = watermark(db, key)
    return date.fromisoformat(mark) - timedelta(days=1) if mark else None


def _advances(db: sqlite_utils.Database, key: str, used: date | None) -> bool:
    """Whether a completed fetch from `used` may move the watermark to the run's start: only if
    it covered everything since the previous watermark."""
    mark = watermark(db, key)
    return used is None or mark is None or used <= date.fromisoformat(mark) - timedelta(days=1)


class _Run:
    def __init__(
        self,
        db: sqlite_utils.Database,
        client: CtgovClient,
        report: RunReport,
        parser: LoadedParser | None,
        on_page: OnPage | None,
        should_stop: Callable[[], bool] | None,
    ) -> None:
        self.db = db
        self.client = client
        self.report = report
        self.parser = parser
        self.on_page = on_page
        self.should_stop = should_stop

    def fetch(
        self,
        label: str,
        params: dict[str, str],
        page_size: int,
        keep_new: store.Keep | None = None,
    ) -> set[str]:
        """Every page of one request; returns the NCT ids received. A page token the registry
        rejects (tokens expire when its data refresh) restarts the listing once from page 1."""
        restarted = False
        while True:
            seen: set[str] = set()
            try:
                for page in self.client.pages(params, page_size=page_size):
                    seen |= self.save(page.studies, keep_new)
                    if self.on_page is not None:
                        self.on_page(label, page)
                return seen
            except ApiRequestRejected as error:
                if error.status != 400 or "pageToken" not in error.url or restarted:
                    raise
                restarted = True
                log.warning("%s: page token rejected (%s); starting again", label, error.reason)

    def fetch_ids(self, ids: Sequence[str], since: date | None, batch: int, page_size: int) -> None:
        """Fetch trials by id through `filter.ids`. Trials the database lacks are always fetched
        whole; those it holds only if updated since `since`."""
        known = {i for (i,) in self.db.execute("SELECT nct_id FROM studies")}
        new = [i for i in ids if i not in known]
        old = [i for i in ids if i in known]
        for group, group_since in ((new, None), (old, since)):
            for start in range(0, len(group), batch):
                self.fetch_batch(group[start : start + batch], group_since, page_size)

    def fetch_batch(self, chunk: Sequence[str], since: date | None, page_size: int) -> None:
        """One `filter.ids` request. Ids it does not return are asked for one by one (a 404 is
        recorded as an error; an alias is followed). The registry has been seen to reject a whole
        batch with 400 when one id in it is unknown, so a rejected batch is split in halves."""
        params = {"filter.ids": ",".join(chunk)}
        if since is not None:
            params["filter.advanced"] = f"AREA[LastUpdatePostDate]RANGE[{since.isoformat()},MAX]"
        label = "trials by id" + (" (updated only)" if since else "")
        try:
            got = self.fetch(label, params, min(page_size, len(chunk)))
        except ApiRequestRejected as error:
            if error.status != 400:
                raise
            if len(chunk) == 1:
                self.fetch_one(chunk[0])
                return
            log.info("batch of %d ids rejected (%s): splitting it", len(chunk), error.reason)
            middle = len(chunk) // 2
            self.fetch_batch(chunk[:middle], since, page_size)
            self.fetch_batch(chunk[middle:], since, page_size)
            return
        if since is None:
            for missing in (i for i in chunk if i not in got):
                self.fetch_one(missing)

    def fetch_one(self, nct_id: str) -> None:
        self._check_stop()
        study = self.client.study(nct_id)
        if study is None:
            self.report.errors.append(f"{nct_id}: not found in the registry (404)")
            log.warning("%s: not found in the registry", nct_id)
            with self.db.atomic():
                record_progress(self.db, self.report)
            return
        saved = self.save([study], None)
        if saved and nct_id not in saved:
            self.report.notes.append(f"{nct_id} is an alias of {', '.join(sorted(saved))}")

    def save(self, studies: list[bytes], keep_new: store.Keep | None) -> set[str]:
        """Save one page (JSON bytes per study, as received); returns the NCT ids in it."""
        self._check_stop()
        valid: list[Shaped] = []
        for study in studies:
            try:
                valid.append(shape_raw(study))
            except NotAStudy as error:
                self.report.errors.append(
                    f"the registry sent something that is not a study: {error}"
                )
        report = self.report

        def count(result: store.SaveResult) -> None:
            report.count_page(result, len(studies), len(studies) - len(valid))
            record_progress(self.db, report)

        store.save_studies(
            self.db,
            valid,
            run_id=report.id,
            parser=self.parser,
            keep_new=keep_new,
            before_commit=count,
        )
        return {s.nct_id for s in valid}

    def _check_stop(self) -> None:
        if self.should_stop is not None and self.should_stop():
            raise Interrupted("stopped on request")
