"""The web app's safety rules: loopback by default, a login elsewhere, CSRF on every form,
no caching, no patient data in URLs or logs, and the trial database never written."""

from __future__ import annotations

import hashlib
import logging
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.routing import Route

from tests.browser.support import client, sample_patient_file, text_of, token
from trialmatch.errors import InvalidOption
from trialmatch.web import WebConfig, create_app
from trialmatch.web.config import ENV_PASSWORD, ENV_SECRET, is_loopback

SECRET = "s" * 40
PASSWORD = "correct horse battery"


@pytest.fixture
def web(sample_db: Path, tmp_path: Path) -> Iterator[Any]:
    with client(sample_db, tmp_path / "patients.db") as test_client:
        yield test_client


def _post_routes() -> list[str]:
    app = create_app(WebConfig(db_path=Path("unused.db"), patients_db=Path("unused-p.db")))
    return sorted(
        {r.path for r in app.routes if isinstance(r, Route) and "POST" in (r.methods or set())}
    )


# --- binding and login ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("192.168.1.20", False),
        ("example.org", False),
    ],
)
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serving_beyond_this_machine_needs_a_secret_and_login(tmp_path: Path) -> None:
    with pytest.raises(InvalidOption, match="needs a configured secret and login"):
        WebConfig.from_env(tmp_path / "t.db", tmp_path / "p.db", host="0.0.0.0", environ={})
    with pytest.raises(InvalidOption, match="needs a configured secret and login"):
        WebConfig.from_env(
            tmp_path / "t.db", tmp_path / "p.db", host="0.0.0.0", environ={ENV_SECRET: SECRET}
        )
    with pytest.raises(InvalidOption, match=ENV_PASSWORD):
        WebConfig.from_env(
            tmp_path / "t.db",
            tmp_path / "p.db",
            host="0.0.0.0",
            environ={ENV_SECRET: SECRET, ENV_PASSWORD: "short"},
        )
    ok = WebConfig.from_env(
        tmp_path / "t.db",
        tmp_path / "p.db",
        host="0.0.0.0",
        environ={ENV_SECRET: SECRET, ENV_PASSWORD: PASSWORD},
    )
    assert ok.login_required
    local = WebConfig.from_env(tmp_path / "t.db", tmp_path / "p.db", environ={})
    assert local.host == "127.0.0.1" and not local.login_required


def test_serve_command_refuses_an_open_address_without_login(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from trialmatch.cli import main

    result = CliRunner().invoke(
        main,
        ["serve", "--db", str(tmp_path / "t.db"), "--host", "0.0.0.0"],
        env={ENV_SECRET: "", ENV_PASSWORD: ""},
    )
    assert result.exit_code == 1
    assert "needs a configured secret and login" in result.output


def test_login_guards_every_page_when_required(sample_db: Path, tmp_path: Path) -> None:
    with client(sample_db, tmp_path / "p.db", secret=SECRET, password=PASSWORD) as web:
        for path in (
            "/search",
            "/trial/NCT04072952",
            "/patient",
            "/patients",
            "/status",
            "/cohort",
        ):
            response = web.get(path, follow_redirects=False)
            assert response.status_code == 303, path
            assert response.headers["location"] == "/login"
        assert web.post("/patient/match", data={}).status_code == 401
        csrf = token(web, "/login")
        wrong = web.post(
            "/login", data={"csrf_token": csrf, "user": "coordinator", "password": "no"}
        )
        assert wrong.status_code == 401
        assert "wrong user name or password" in text_of(wrong.text)
        right = web.post(
            "/login",
            data={"csrf_token": csrf, "user": "coordinator", "password": PASSWORD},
            follow_redirects=False,
        )
        assert right.status_code == 303
        assert web.get("/search").status_code == 200
        logout = web.post(
            "/logout", data={"csrf_token": token(web, "/search")}, follow_redirects=False
        )
        assert logout.headers["location"] == "/login"
        assert web.get("/search", follow_redirects=False).status_code == 303


def test_repeated_failed_logins_are_throttled(sample_db: Path, tmp_path: Path) -> None:
    with client(sample_db, tmp_path / "p.db", secret=SECRET, password=PASSWORD) as web:
        csrf = token(web, "/login")
        codes = [
            web.post("/login", data={"csrf_token": csrf, "user": "x", "password": "y"}).status_code
            for _ in range(6)
        ]
        assert codes[:5] == [401] * 5 and codes[5] == 429
        blocked = web.post(
            "/login", data={"csrf_token": csrf, "user": "coordinator", "password": PASSWORD}
        )
        assert blocked.status_code == 429


def test_other_host_names_are_refused_on_loopback(web: Any) -> None:
    """DNS rebinding: a page elsewhere that resolves its name to 127.0.0.1 gets nothing."""
    response = web.get("/search", headers={"host": "attacker.example"})
    assert response.status_code == 400


# --- cross-site request forgery -----------------------------------------------------------------


@pytest.mark.parametrize("path", _post_routes())
def test_every_form_refuses_a_post_without_the_token(web, path: str) -> None:
    response = web.post(path, data={"id": "pt-x"})
    assert response.status_code == 403


@pytest.mark.parametrize("path", _post_routes())
def test_every_form_refuses_a_cross_site_post(web: Any, path: str) -> None:
    csrf = token(web)
    response = web.post(
        path, data={"csrf_token": csrf, "id": "pt-x"}, headers={"sec-fetch-site": "cross-site"}
    )
    assert response.status_code == 403
    other = web.post(
        path, data={"csrf_token": csrf, "id": "pt-x"}, headers={"origin": "http://evil.example"}
    )
    assert other.status_code == 403


def test_a_token_from_another_session_is_refused(sample_db: Path, tmp_path: Path) -> None:
    with (
        client(sample_db, tmp_path / "p.db") as first,
        client(sample_db, tmp_path / "p.db") as second,
    ):
        stolen = token(first)
        token(second)
        response = second.post("/patient/match", data={"csrf_token": stolen, "id": "pt-x"})
        assert response.status_code == 403


# --- caching, headers, URLs and logs -------------------------------------------------------------

PAGES = [
    "/search",
    "/search?q=breast",
    "/trial/NCT04072952",
    "/status",
    "/patient",
    "/patients",
    "/cohort",
    "/vocabulary.json",
    "/static/app.css",
    "/trial/NCT09999999",
]


@pytest.mark.parametrize("path", PAGES)
def test_responses_are_not_cacheable_and_locked_down(web: Any, path: str) -> None:
    response = web.get(path)
    assert response.headers["cache-control"] == "no-store"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_pages_carry_no_inline_script(web: Any) -> None:
    for path in ("/search", "/patient", "/trial/NCT04072952", "/status"):
        html = web.get(path).text
        assert "<script>" not in html and " onclick=" not in html


def test_patient_data_is_never_taken_from_the_address(web: Any) -> None:
    response = web.get("/patient?id=pt-1&age=61")
    assert response.status_code == 400
    assert "POST body" in text_of(response.text)
    assert web.get("/patient/match?id=pt-1").status_code == 405
    csrf = token(web)
    posted = web.post("/patient/match?id=pt-1", data={"csrf_token": csrf, "id": "pt-1"})
    assert posted.status_code == 400


def test_forms_post_profiles_and_patient_ids(web: Any) -> None:
    html = web.get("/patient").text
    assert html.count('method="post"') >= 2
    assert 'action="/patient/match"' in html


def test_access_log_names_routes_not_urls_or_data(
    web: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="trialmatch.web.access")
    csrf = token(web)
    web.get("/search?q=secretword")
    web.get("/trial/NCT04072952")
    web.post(
        "/patient/match",
        data={
            "csrf_token": csrf,
            "id": "pt-logcheck",
            "age": "73.25",
            "bm-0-gene": "ESR1",
            "bm-0-alteration": "Y537S",
        },
    )
    lines = [r.getMessage() for r in caplog.records if r.name == "trialmatch.web.access"]
    assert any(line.startswith("GET /search 200") for line in lines)
    assert any(line.startswith("GET /trial/{nct_id} 200") for line in lines)
    assert any(line.startswith("POST /patient/match 200") for line in lines)
    # everything the server logged (the test client's own httpx log is not the server's)
    everything = " ".join(
        r.getMessage() for r in caplog.records if r.name.startswith(("trialmatch", "uvicorn"))
    )
    for secret in ("secretword", "pt-logcheck", "Y537S", "NCT04072952", "73.25"):
        assert secret not in everything


def test_invalid_profile_errors_name_the_field_not_the_value(web: Any) -> None:
    csrf = token(web)
    response = web.post(
        "/patient/match", data={"csrf_token": csrf, "id": "pt-1", "age": "sixty-one-years"}
    )
    assert response.status_code == 400
    message = text_of(response.text.split('id="profile-error"')[1].split("</div>")[0])
    assert "age" in message
    assert "sixty-one-years" not in message


def test_oversized_uploads_are_refused(sample_db: Path, tmp_path: Path) -> None:
    with client(sample_db, tmp_path / "p.db", max_upload_bytes=10_000) as web:
        csrf = token(web)
        response = web.post(
            "/patient/match",
            data={"csrf_token": csrf},
            files={"profile_file": ("big.yaml", b"#" * 20_000, "text/yaml")},
        )
        assert response.status_code == 413


# --- files ----------------------------------------------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_trial_database_is_never_written(sample_db: Path, tmp_path: Path) -> None:
    before = {p.name: _digest(p) for p in sample_db.parent.iterdir() if p.is_file()}
    patients = tmp_path / "patients.db"
    with client(sample_db, patients) as web:
        csrf = token(web)
        for path in ("/search?q=breast", "/trial/NCT04072952", "/status", "/patients"):
            assert web.get(path).status_code == 200
        profile = sample_patient_file("pt-esr1-01")
        web.post(
            "/patient/match",
            data={"csrf_token": csrf},
            files={"profile_file": (profile.name, profile.read_bytes(), "text/yaml")},
        )
        saved = web.post(
            "/patients/save",
            data={"csrf_token": csrf, "profile_json": '{"id": "pt-save-1", "age": 60}'},
            follow_redirects=False,
        )
        assert saved.status_code == 303
    after = {p.name: _digest(p) for p in sample_db.parent.iterdir() if p.is_file()}
    assert after == before
    assert patients.exists()
    assert stat.S_IMODE(patients.stat().st_mode) == 0o600


def test_database_is_opened_read_only(sample_db: Path) -> None:
    import sqlite3

    from trialmatch.web.state import trial_db

    with trial_db(sample_db) as db, pytest.raises(sqlite3.OperationalError, match="readonly"):
        db.execute("UPDATE studies SET brief_title = 'x'")
