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


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A trial database holding the bundled sample, imported and parsed once per test run."""
    from importlib import resources

    from sync.importer import import_paths
    from sync.store import open_database

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    db = open_database(path, create=True)
    try:
        with resources.as_file(resources.files("trialmatch.sample").joinpath("studies")) as folder:
            import_paths(db, [Path(folder)])
    finally:
        db.close()
    return path


@pytest.fixture(scope="session")
def sample_trials(sample_db: Path):  # type: ignore[no-untyped-def]
    from matcher import load_trials

    return load_trials(sample_db)


@pytest.fixture(scope="session")
def sample_patients() -> dict[str, object]:
    """The bundled example patients by id."""
    from importlib import resources

    from matcher import load_profile

    folder = resources.files("trialmatch.sample").joinpath("patients")
    with resources.as_file(folder) as path:
        return {p.id: p for p in (load_profile(f) for f in sorted(Path(path).glob("*.yaml")))}
