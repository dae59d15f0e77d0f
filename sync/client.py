"""Fetch: the ClinicalTrials.gov API v2 client. HTTP only; nothing here touches the database.

One `requests.Session`, explicit connect/read timeouts, a client-side rate limit (at most one
request per `min_interval` seconds), retries with exponential backoff and jitter on 429/500/502/
503/504 (honouring `Retry-After`), on connection errors, on a 200 that carries HTML instead of JSON
and on a truncated JSON body. Other 4xx answers are not retried: they raise `ApiRequestRejected`
with the registry's plain-text reason.

Clock, sleep and randomness are injectable so that tests run without real waiting.
"""

from __future__ import annotations

import json
import logging
import os
import random
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import msgspec
import requests

from trialmatch import __version__
from trialmatch.errors import ApiError, ApiRequestRejected

log = logging.getLogger("trialmatch.sync")
T = TypeVar("T")

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
BASE_URL_ENV = "TRIALMATCH_CTGOV_URL"
USER_AGENT = (
    f"trialmatch/{__version__} (clinical trial matching; open-source mirror of ClinicalTrials.gov; "
    "+https://github.com/trialmatch/trialmatch)"
)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_PAGE_SIZE = 1000


def default_base_url() -> str:
    """`$TRIALMATCH_CTGOV_URL` if set, else the public API."""
    return os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL


class RateLimiter:
    """At most one call per `min_interval` seconds (measured between call starts)."""

    def __init__(
        self,
        min_interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if min_interval < 0:
            raise ValueError("min_interval must be >= 0 seconds")
        self.min_interval = min_interval
        self._clock = clock
        self._sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        now = self._clock()
        if self._last is not None:
            delay = self._last + self.min_interval - now
            if delay > 0:
                self._sleep(delay)
                now += delay
        self._last = now


@dataclass(frozen=True)
class Page:
    """One `/studies` page: its studies (JSON bytes each, as received), the token that fetched
    it and the token for the next."""

    number: int
    studies: list[bytes]
    total_count: int | None
    page_token: str | None
    next_page_token: str | None


class _Transient(Exception):
    """A failure worth retrying; `delay` is the server's Retry-After, if it gave one."""

    def __init__(self, reason: str, delay: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.delay = delay


class CtgovClient:
    """A polite client for the ClinicalTrials.gov API v2.

    `base_url` defaults to `$TRIALMATCH_CTGOV_URL`, else https://clinicaltrials.gov/api/v2.
    """

    def __init__(
        self,
        base_url: str | None = None,
        *,
        session: requests.Session | None = None,
        min_interval: float = 1.0,
        timeout: tuple[float, float] = (10.0, 60.0),
        max_retries: int = 5,
        backoff_base: float = 1.0,
        backoff_cap: float = 30.0,
        jitter: float = 0.25,
        max_retry_after: float = 300.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.base_url = (base_url or default_base_url()).rstrip("/")
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.session.headers["Accept"] = "application/json"
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.jitter = jitter
        self.max_retry_after = max_retry_after
        self.limiter = RateLimiter(min_interval, clock=clock, sleep=sleep)
        self._sleep = sleep
        self._rng = rng
        #: Every request sent, as (path, params): what tests and the run log inspect.
        self.sent: list[tuple[str, dict[str, str]]] = []

    # --- one request --------------------------------------------------------------------------

    def get_json(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """GET `base_url + path` and return the decoded JSON, retrying transient failures."""
        return self.request(path, params, json.loads)

    def request(
        self,
        path: str,
        params: Mapping[str, str] | None,
        decode: Callable[[bytes], T],
    ) -> T:
        """GET `base_url + path` and `decode` the body, retrying transient failures: 429/5xx,
        connection errors, an HTML page instead of JSON, and a body `decode` cannot read."""
        url = self.base_url + path
        params = dict(params or {})
        last_reason = ""
        retry_after: float | None = None
        for attempt in range(self.max_retries + 1):
            if attempt:
                delay = self._backoff(attempt, retry_after)
                log.warning(
                    "ClinicalTrials.gov: %s; retry %d of %d in %.1f s",
                    last_reason,
                    attempt,
                    self.max_retries,
                    delay,
                )
                self._sleep(delay)
            self.limiter.wait()
            self.sent.append((path, params))
            try:
                status, body = self._attempt(url, params)
                try:
                    return decode(body)
                except msgspec.ValidationError:
                    raise
                except (ValueError, msgspec.DecodeError) as error:
                    raise _Transient(
                        f"HTTP {status} with an unreadable JSON body ({len(body)} bytes: {error})"
                    ) from error
            except _Transient as transient:
                last_reason = transient.reason
                retry_after = transient.delay
        raise ApiError(
            f"ClinicalTrials.gov kept failing after {self.max_retries + 1} attempts "
            f"({last_reason}); nothing after the last saved page was written, try again later"
        )

    def _attempt(self, url: str, params: dict[str, str]) -> tuple[int, bytes]:
        try:
            response = self.session.get(url, params=params, timeout=self.timeout)
        except (requests.ConnectionError, requests.Timeout) as error:
            raise _Transient(f"{type(error).__name__} reaching {self.base_url}") from error
        status = response.status_code
        if status in RETRY_STATUSES:
            raise _Transient(f"HTTP {status}", _retry_after(response.headers.get("Retry-After")))
        if 400 <= status < 600:
            raise ApiRequestRejected(status, _reason(response), response.url)
        body = response.content
        head = body.lstrip()[:512].lower()
        content_type = response.headers.get("Content-Type", "")
        if "html" in content_type or head.startswith(b"<") or b"<html" in head:
            raise _Transient(f"HTTP {status} with an HTML page instead of JSON")
        return status, body

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(retry_after, self.max_retry_after)
        base = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return max(0.0, base * (1 + self.jitter * (2 * self._rng() - 1)))

    # --- the endpoints we use -----------------------------------------------------------------

    def study(self, nct_id: str) -> bytes | None:
        """One study's JSON by id (`/studies/{id}`); None when the registry answers 404.

        A 301 for an alias id is followed, so the study returned may carry its canonical id.
        """
        try:
            return self.request(f"/studies/{nct_id}", None, _one_object)
        except ApiRequestRejected as error:
            if error.status == 404:
                return None
            raise

    def pages(self, params: Mapping[str, str], *, page_size: int = MAX_PAGE_SIZE) -> Iterator[Page]:
        """Every page of `/studies` for `params`, following `nextPageToken` until it is absent.

        Every request asks for `countTotal` (the registry answers it on page 1 only) and repeats
        the same parameters, adding `pageToken` from page 2 on. Each study comes back as its
        JSON exactly as received.
        """
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
        base = {**params, "pageSize": str(page_size), "countTotal": "true"}
        token: str | None = None
        number = 1
        while True:
            query = base if token is None else {**base, "pageToken": token}
            try:
                envelope = self.request("/studies", query, _PAGE.decode)
            except msgspec.ValidationError as error:
                raise ApiError(
                    f"ClinicalTrials.gov answered /studies with something other than a page of "
                    f"studies ({error}); is --base-url pointing at the API v2 root?"
                ) from None
            next_token = envelope.next_page_token or None
            yield Page(
                number=number,
                studies=[bytes(raw) for raw in envelope.studies],
                total_count=envelope.total_count,
                page_token=token,
                next_page_token=next_token,
            )
            if next_token is None:
                return
            token = next_token
            number += 1


class _Envelope(msgspec.Struct, rename="camel"):
    studies: list[msgspec.Raw]
    next_page_token: str | None = None
    total_count: int | None = None


_PAGE = msgspec.json.Decoder(_Envelope)
_OBJECT = msgspec.json.Decoder(dict[str, msgspec.Raw])


def _one_object(body: bytes) -> bytes:
    _OBJECT.decode(body)  # a JSON object, whole (raises on a truncated body)
    return body


def _retry_after(value: str | None) -> float | None:
    """`Retry-After` in seconds: either delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _reason(response: requests.Response) -> str:
    """The registry's reason for a 4xx: its plain-text body, shortened; else the status text."""
    text = response.text.strip()
    if not text or text.lstrip().startswith("<"):
        return response.reason or f"HTTP {response.status_code}"
    return text[:500]
