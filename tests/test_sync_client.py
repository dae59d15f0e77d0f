"""The API client: the exact requests it sends, retries, backoff, rate limit, error handling.

A hand-made session answers with prepared responses and records what was asked; clock and sleep
are fakes, so nothing waits and nothing touches the network."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest
import requests

from sync.client import USER_AGENT, CtgovClient, RateLimiter, default_base_url
from trialmatch.errors import ApiError, ApiRequestRejected


def _response(
    status: int,
    body: str,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body.encode()
    response.headers.update({"Content-Type": content_type, **(headers or {})})
    response.url = "https://example.test/api/v2/studies"
    response.reason = "reason"
    return response


class FakeSession(requests.Session):
    def __init__(self, responses: Iterable[requests.Response | Exception]) -> None:
        super().__init__()
        self.queue = list(responses)
        self.calls: list[tuple[str, dict[str, str], Any]] = []

    def get(self, url: str, params: Any = None, timeout: Any = None, **_: Any) -> Any:  # type: ignore[override]
        self.calls.append((url, dict(params or {}), timeout))
        item = self.queue.pop(0)
        if isinstance(item, Exception):
            raise item
        return item


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _client(responses: Iterable[Any], **options: Any) -> tuple[CtgovClient, FakeSession, Clock]:
    session = FakeSession(responses)
    clock = Clock()
    options.setdefault("min_interval", 0.0)
    client = CtgovClient(
        "https://example.test/api/v2",
        session=session,
        clock=clock,
        sleep=clock.sleep,
        rng=lambda: 0.5,
        **options,
    )
    return client, session, clock


def _study(nct_id: str) -> dict[str, Any]:
    return {"protocolSection": {"identificationModule": {"nctId": nct_id}}}


def _page(ids: list[str], token: str | None = None, total: int | None = None) -> str:
    body: dict[str, Any] = {"studies": [_study(i) for i in ids]}
    if total is not None:
        body["totalCount"] = total
    if token:
        body["nextPageToken"] = token
    return json.dumps(body)


def test_paging_follows_next_page_token_until_absent_with_the_same_parameters() -> None:
    client, session, _ = _client(
        [
            _response(200, _page(["NCT00000001", "NCT00000002"], "tok-A", total=5)),
            _response(200, _page(["NCT00000003", "NCT00000004"], "tok-B")),
            _response(200, _page(["NCT00000005"])),
        ]
    )
    pages = list(client.pages({"query.cond": "breast cancer"}, page_size=2))
    assert [p.number for p in pages] == [1, 2, 3]
    assert pages[0].total_count == 5 and pages[1].total_count is None
    assert [p.next_page_token for p in pages] == ["tok-A", "tok-B", None]
    sent = [params for _, params, _ in session.calls]
    base = {"query.cond": "breast cancer", "pageSize": "2", "countTotal": "true"}
    assert sent == [base, {**base, "pageToken": "tok-A"}, {**base, "pageToken": "tok-B"}]
    assert all(url == "https://example.test/api/v2/studies" for url, _, _ in session.calls)


@pytest.mark.parametrize("size", [0, 1001])
def test_page_size_outside_the_api_range_is_refused(size: int) -> None:
    client, _, _ = _client([])
    with pytest.raises(ValueError, match="page_size"):
        list(client.pages({}, page_size=size))


def test_every_request_has_timeouts_and_a_descriptive_user_agent() -> None:
    client, session, _ = _client([_response(200, _page([]))], timeout=(3.0, 20.0))
    list(client.pages({}))
    assert session.calls[0][2] == (3.0, 20.0)
    assert session.headers["User-Agent"] == USER_AGENT
    assert "trialmatch/" in USER_AGENT and "ClinicalTrials.gov" in USER_AGENT


def test_429_waits_what_retry_after_says_then_succeeds() -> None:
    client, session, clock = _client(
        [
            _response(429, "slow down", "text/plain", {"Retry-After": "12"}),
            _response(200, _page([])),
        ]
    )
    list(client.pages({}))
    assert clock.sleeps == [12.0]
    assert len(session.calls) == 2


def test_retry_after_as_an_http_date_is_honoured() -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    client, _, clock = _client(
        [_response(503, "busy", "text/plain", {"Retry-After": when}), _response(200, _page([]))]
    )
    list(client.pages({}))
    assert 25 <= clock.sleeps[0] <= 31


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_transient_statuses_back_off_exponentially_then_give_up(status: int) -> None:
    client, session, clock = _client(
        [_response(status, "no") for _ in range(4)], max_retries=3, backoff_base=1.0
    )
    with pytest.raises(ApiError, match=f"after 4 attempts.*HTTP {status}"):
        client.get_json("/studies")
    assert len(session.calls) == 4
    assert clock.sleeps == [1.0, 2.0, 4.0]  # rng 0.5 = no jitter


def test_jitter_spreads_the_backoff_by_a_quarter_either_way() -> None:
    low, _, low_clock = _client([_response(500, ""), _response(200, "{}")])
    low._rng = lambda: 0.0
    low.get_json("/x")
    high, _, high_clock = _client([_response(500, ""), _response(200, "{}")])
    high._rng = lambda: 1.0
    high.get_json("/x")
    assert low_clock.sleeps == [0.75] and high_clock.sleeps == [1.25]


def test_backoff_is_capped() -> None:
    client, _, clock = _client(
        [_response(500, "")] * 8 + [_response(200, "{}")], max_retries=8, backoff_cap=5.0
    )
    client.get_json("/x")
    assert max(clock.sleeps) == 5.0


def test_a_400_is_not_retried_and_its_text_body_is_the_reason() -> None:
    body = "Error parsing query in query.term: Unknown area name: `Colour`"
    client, session, _ = _client([_response(400, body, "text/plain")])
    with pytest.raises(ApiRequestRejected) as caught:
        client.get_json("/studies", {"query.term": "AREA[Colour]red"})
    assert caught.value.status == 400
    assert caught.value.reason == body
    assert body in str(caught.value)
    assert len(session.calls) == 1


def test_a_404_for_one_study_means_none() -> None:
    client, _, _ = _client([_response(404, "NCT number NCT09999999 not found", "text/plain")])
    assert client.study("NCT09999999") is None


def test_other_4xx_are_not_retried() -> None:
    client, session, _ = _client([_response(403, "forbidden", "text/plain")])
    with pytest.raises(ApiRequestRejected, match="403"):
        client.get_json("/studies")
    assert len(session.calls) == 1


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("<!DOCTYPE html><html><body>maintenance</body></html>", "text/html"),
        ("<html><body>maintenance</body></html>", "application/json"),
        ('{"studies": [{"protocolSection": {"identi', "application/json"),
    ],
    ids=["html-200", "html-labelled-json", "truncated-json"],
)
def test_a_200_without_readable_json_is_retried(body: str, content_type: str) -> None:
    client, session, clock = _client(
        [_response(200, body, content_type), _response(200, _page(["NCT00000001"]))]
    )
    pages = list(client.pages({}))
    assert len(pages[0].studies) == 1
    assert len(session.calls) == 2 and len(clock.sleeps) == 1


def test_connection_errors_and_timeouts_are_retried() -> None:
    client, session, _ = _client(
        [requests.ConnectionError("refused"), requests.ReadTimeout("slow"), _response(200, "{}")]
    )
    assert client.get_json("/x") == {}
    assert len(session.calls) == 3


def test_the_rate_limiter_spaces_requests() -> None:
    client, _, clock = _client([_response(200, "{}")] * 3, min_interval=1.0)
    for _ in range(3):
        client.get_json("/x")
    assert clock.sleeps == [1.0, 1.0]


def test_rate_limiter_does_not_wait_when_enough_time_passed() -> None:
    clock = Clock()
    limiter = RateLimiter(2.0, clock=clock, sleep=clock.sleep)
    limiter.wait()
    clock.now += 5
    limiter.wait()
    assert clock.sleeps == []


def test_base_url_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIALMATCH_CTGOV_URL", "http://127.0.0.1:9/api/v2")
    assert default_base_url() == "http://127.0.0.1:9/api/v2"
    assert CtgovClient(session=FakeSession([])).base_url == "http://127.0.0.1:9/api/v2"
    monkeypatch.delenv("TRIALMATCH_CTGOV_URL")
    assert default_base_url() == "https://clinicaltrials.gov/api/v2"
