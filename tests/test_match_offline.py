"""Matching never touches the network: every socket call is recorded and refused."""

from __future__ import annotations

import datetime as dt
import socket
from pathlib import Path
from typing import Any

import pytest

from matcher import load_trials, match_patient
from matcher.report import report_json


def test_matching_makes_no_network_call(
    monkeypatch: pytest.MonkeyPatch, sample_db: Path, sample_patients: dict[str, Any]
) -> None:
    attempts: list[str] = []

    def refuse(name: str):  # type: ignore[no-untyped-def]
        def call(*args: object, **kwargs: object) -> None:
            attempts.append(name)
            raise OSError(f"network call attempted: {name}")

        return call

    for name in ("socket", "create_connection", "getaddrinfo", "gethostbyname"):
        monkeypatch.setattr(socket, name, refuse(name))
    trials = load_trials(sample_db)
    for profile in sample_patients.values():
        report = match_patient(
            profile, trials, as_of=dt.date(2026, 11, 24), include_ineligible=True
        )
        report_json(report)
    assert attempts == []
    assert len(sample_patients) >= 6
