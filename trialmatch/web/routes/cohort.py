"""Cohort: upload a file of profiles, watch the progress, download the CSV or JSON Lines."""

from __future__ import annotations

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from trialmatch.errors import InvalidOption, ProfileError
from trialmatch.web.jobs import OUTPUT_TYPES, Job, JobStore
from trialmatch.web.render import render
from trialmatch.web.routes.common import trial_set
from trialmatch.web.routes.patient import match_options
from trialmatch.web.security import checked_form, csrf_token

COHORT_SUFFIXES = (".json", ".jsonl", ".ndjson", ".yaml", ".yml", ".csv")


def _jobs(request: Request) -> JobStore:
    store: JobStore = request.app.state.jobs
    return store


def _form(request: Request, error: str | None = None, status_code: int = 200) -> Response:
    return render(
        request,
        "cohort.html",
        {
            "error": error,
            "suffixes": ", ".join(COHORT_SUFFIXES),
            "formats": list(OUTPUT_TYPES),
            "values": {},
            "default_top": "",
            "today": "",
        },
        status_code=status_code,
    )


async def cohort_form(request: Request) -> Response:
    return _form(request)


async def cohort_start(request: Request) -> Response:
    from matcher import load_profiles

    form = await checked_form(request)
    upload = form.get("cohort_file")
    fmt = str(form.get("format") or "csv")
    try:
        if fmt not in OUTPUT_TYPES:
            raise InvalidOption("format", " or ".join(OUTPUT_TYPES), "not an output format")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise ProfileError("cohort file: choose a file to upload")
        suffix = "." + upload.filename.lower().rsplit(".", 1)[-1]
        if suffix not in COHORT_SUFFIXES:
            raise ProfileError(f"cohort file: accepted types are {', '.join(COHORT_SUFFIXES)}")
        options = match_options(form)
        path = _jobs(request).new_input(suffix)
        path.write_bytes(await upload.read())
        try:
            profiles = await run_in_threadpool(load_profiles, path)
        except ProfileError as error:  # it names our temporary file: name the upload instead
            text = (
                str(error).replace(str(path), upload.filename).replace(path.name, upload.filename)
            )
            raise ProfileError(text) from None
        finally:
            path.unlink(missing_ok=True)
        trials = await run_in_threadpool(trial_set, request)
    except (ProfileError, InvalidOption) as error:
        return _form(request, str(error), status_code=400)
    job = _jobs(request).start(csrf_token(request), profiles, fmt, trials, options)
    return RedirectResponse(f"/cohort/jobs/{job.id}", status_code=303)


def _job(request: Request) -> Job:
    job = _jobs(request).get(request.path_params["job_id"], csrf_token(request))
    if job is None:
        raise HTTPException(404, "no such cohort job in this session (jobs are kept for an hour)")
    return job


async def job_page(request: Request) -> Response:
    return render(request, "cohort_job.html", {"job": _job(request).public()})


async def job_progress(request: Request) -> Response:
    return JSONResponse(_job(request).public())


async def job_download(request: Request) -> Response:
    job = _job(request)
    if job.state != "done":
        raise HTTPException(409, "this cohort job has not finished")
    _jobs(request).take(job)
    return FileResponse(
        job.output,
        media_type=OUTPUT_TYPES[job.format],
        filename=f"trialmatch-cohort.{job.format}",
        background=BackgroundTask(job.output.unlink, missing_ok=True),
    )


ROUTES = [
    Route("/cohort", cohort_form, methods=["GET"]),
    Route("/cohort", cohort_start, methods=["POST"]),
    Route("/cohort/jobs/{job_id}.json", job_progress, methods=["GET"]),
    Route("/cohort/jobs/{job_id}", job_page, methods=["GET"]),
    Route("/cohort/jobs/{job_id}/download", job_download, methods=["GET"]),
]
