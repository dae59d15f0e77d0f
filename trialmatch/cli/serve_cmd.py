"""`trialmatch serve`: the coordinators' web app (trialmatch.web) under uvicorn."""

from __future__ import annotations

from pathlib import Path

import click

from trialmatch.cli.common import db_option, err_console, patients_db_option, patients_path


def register(group: click.Group) -> None:
    group.add_command(serve)


@click.command()
@db_option
@patients_db_option
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to serve on. Any address but loopback needs TRIALMATCH_WEB_SECRET "
    "and TRIALMATCH_WEB_PASSWORD set (a login).",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--cohort-workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Worker processes for cohort uploads.",
)
def serve(
    db_path: Path, patients_db: Path | None, host: str, port: int, cohort_workers: int
) -> None:
    """Serve the web app: search, trials, patients, saved patients and alerts, cohorts, status.

    The trial database is opened read-only. Example: trialmatch serve --db trialmatch.db
    """
    import uvicorn

    from trialmatch.web import WebConfig, create_app

    config = WebConfig.from_env(
        db_path,
        patients_path(patients_db, db_path),
        host=host,
        port=port,
        cohort_workers=cohort_workers,
    )
    app = create_app(config)
    out = err_console()
    if not db_path.exists():
        out.print(
            f"[yellow]No trial database at {db_path} yet[/yellow]: pages will say so until "
            "`trialmatch sync` or `trialmatch import` creates it."
        )
    shown = f"[{host}]" if ":" in host else host
    out.print(f"trialmatch web app on http://{shown}:{port}/  (Ctrl+C stops it)")
    if config.login_required:
        out.print(f"login required: user {config.user!r}")
    # access_log=False: uvicorn's access log would record full URLs; the app logs route
    # patterns only (trialmatch.web.access), never query strings or form contents.
    uvicorn.run(
        app,
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
        server_header=False,
        proxy_headers=False,
    )
