"""Shared test fixtures. No test touches the network: sockets are blocked (pytest-socket) and
vcrpy replays cassettes with record mode "none", so a missing cassette fails loudly."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CASSETTES = REPO / "cassettes"


def pytest_configure(config: pytest.Config) -> None:
    # Block every socket except Unix ones for the whole run; tests that serve on loopback
    # opt in with @pytest.mark.enable_socket and allow only 127.0.0.1.
    config.option.disable_socket = True
    config.option.allow_unix_socket = True


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, object]:
    return {"record_mode": "none", "decode_compressed_response": True}


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(CASSETTES)


@pytest.fixture
def shared_dir() -> Path:
    """../shared beside the checkout; tests that need it skip cleanly when it is absent."""
    if not (SHARED / "ctgov").is_dir():
        pytest.skip("../shared/ctgov is not beside this checkout")
    return SHARED
