"""How the web app is configured, and the rule that keeps it on this machine unless it has a login.

The app binds to 127.0.0.1 by default. Serving on any other address needs a secret (signing the
session cookie) and a password (the login); both come from the environment, never from the
command line, where other users of the machine could read them in the process list.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from trialmatch.errors import InvalidOption

#: Environment variables the app reads (only in `WebConfig.from_env`, never at import).
ENV_SECRET = "TRIALMATCH_WEB_SECRET"
ENV_USER = "TRIALMATCH_WEB_USER"
ENV_PASSWORD = "TRIALMATCH_WEB_PASSWORD"

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_USER = "coordinator"
MIN_SECRET = 32
MIN_PASSWORD = 12

LOOPBACK_NAMES = frozenset({"localhost"})


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost': addresses other machines cannot reach."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class WebConfig:
    """Everything `create_app` needs. Build with `WebConfig.from_env` (or directly in tests)."""

    db_path: Path
    patients_db: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    user: str = DEFAULT_USER
    password: str | None = field(default=None, repr=False)
    #: Seconds between checks of the trial database file for changes (reloads the trial set).
    reload_check_seconds: float = 2.0
    #: Worker processes for cohort uploads (1 = in the server process).
    cohort_workers: int = 1
    #: The largest upload accepted, in bytes (profiles and cohorts).
    max_upload_bytes: int = 20 * 1024 * 1024

    @property
    def login_required(self) -> bool:
        """A login is needed when a password is configured, and always off this machine."""
        return self.password is not None or not is_loopback(self.host)

    @property
    def allowed_hosts(self) -> list[str]:
        """Host headers the app answers to. On loopback only loopback names, which stops a web
        page elsewhere from reaching the app through DNS rebinding."""
        if is_loopback(self.host):
            return ["127.0.0.1", "localhost", "[::1]", "testserver"]
        return ["*"]

    def check(self) -> WebConfig:
        """Refuse a configuration that would expose patient data; returns self."""
        if not 0 <= self.port <= 65535:
            raise InvalidOption("--port", "a port number from 0 to 65535", "out of range")
        if is_loopback(self.host):
            if self.password is not None and len(self.password) < MIN_PASSWORD:
                raise InvalidOption(
                    ENV_PASSWORD, f"a password of at least {MIN_PASSWORD} characters", "too short"
                )
            return self
        accepted = (
            f"127.0.0.1 or localhost; another address only with {ENV_SECRET} (at least "
            f"{MIN_SECRET} characters) and {ENV_PASSWORD} (at least {MIN_PASSWORD}) set"
        )
        if len(self.secret) < MIN_SECRET or self.password is None:
            raise InvalidOption(
                "--host",
                accepted,
                "serving beyond this machine needs a configured secret and login",
            )
        if len(self.password) < MIN_PASSWORD:
            raise InvalidOption(
                ENV_PASSWORD, f"a password of at least {MIN_PASSWORD} characters", "too short"
            )
        return self

    @classmethod
    def from_env(
        cls,
        db_path: Path,
        patients_db: Path,
        *,
        host: str = DEFAULT_HOST,
        port: int = DEFAULT_PORT,
        environ: Mapping[str, str] | None = None,
        cohort_workers: int = 1,
    ) -> WebConfig:
        """Read the secret, user and password from the environment, then `check()`."""
        env = os.environ if environ is None else environ
        secret = env.get(ENV_SECRET) or ""
        if not is_loopback(host) and not secret:
            raise InvalidOption(
                "--host",
                f"127.0.0.1 or localhost, or set {ENV_SECRET} and {ENV_PASSWORD}",
                "serving beyond this machine needs a configured secret and login",
            )
        return cls(
            db_path=Path(db_path),
            patients_db=Path(patients_db),
            host=host,
            port=port,
            secret=secret or secrets.token_urlsafe(32),
            user=env.get(ENV_USER) or DEFAULT_USER,
            password=env.get(ENV_PASSWORD) or None,
            cohort_workers=cohort_workers,
        ).check()
