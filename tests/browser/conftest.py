"""Browser tests: the app served by uvicorn on 127.0.0.1 in a thread, driven through Debian's
chromium by Playwright. No browser is ever downloaded: without /usr/bin/chromium (or
$TRIALMATCH_CHROMIUM) and the `browser` extra these tests skip, saying what to install.
Screenshots go to test-artifacts/browser/ (not committed)."""

from __future__ import annotations

import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
INSTALL = (
    "install Debian's chromium (`apt-get install -y chromium`) and the browser extra "
    "(`pip install -e '.[browser]'`); no browser is downloaded"
)


def chromium_path() -> str | None:
    given = os.environ.get("TRIALMATCH_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


@pytest.fixture(scope="module")
def base_url(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on 127.0.0.1 (a free port), with the sample trials and an empty patients file."""
    import uvicorn

    from trialmatch.web import WebConfig, create_app

    patients = tmp_path_factory.mktemp("browser") / "patients.db"
    app = create_app(WebConfig(db_path=sample_db, patients_db=patients))
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="warning",
            access_log=False,
            lifespan="on",
        )
    )
    thread = threading.Thread(target=server.run, name="trialmatch-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        pytest.skip(f"no chromium found: {INSTALL}")
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        pytest.skip(f"playwright is not installed: {INSTALL}")
    with sync_playwright() as driver:
        try:
            launched = driver.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except Error as error:
            pytest.skip(
                f"chromium at {executable} would not start ({error.message.splitlines()[0]})"
            )
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1360, "height": 900}, accept_downloads=True
    )
    # generous waits: CI machines are small and may be busy (2 cores)
    context.set_default_timeout(60_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    # script errors and console errors (a CSP violation is one); an HTTP error status that the
    # test provokes on purpose (400 for an invalid profile) is not
    tab.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and not msg.text.startswith("Failed to load resource")
            else None
        ),
    )
    yield tab
    context.close()
    assert not errors, f"the page reported errors: {errors}"


def screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    # a full-page shot leaves chromium's scroll position stale: the next click would miss
    page.evaluate("window.scrollTo(0, 0)")
    return path
