"""Patient: a profile from the form, a pasted or uploaded YAML/JSON file; the ranked trials with
verdicts, targets, every criterion's result and explanation, and what would settle the unknowns.

Profiles travel only in POST bodies: the form page refuses query strings, and nothing about the
patient is put in a URL, the session cookie or the log.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import yaml
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from trialmatch.errors import InvalidOption, ProfileError
from trialmatch.vocab import OPEN_STATUSES
from trialmatch.web.profile_form import (
    form_to_profile,
    profile_to_form,
    read_profile_text,
    row_counts,
)
from trialmatch.web.render import render
from trialmatch.web.routes.common import config, trial_set
from trialmatch.web.security import checked_form
from trialmatch.web.vocabulary import form_vocabulary

DEFAULT_TOP = 50
PROFILE_SUFFIXES = (".yaml", ".yml", ".json")


def refuse_query(request: Request) -> None:
    if request.url.query:
        raise HTTPException(
            400, "patient data is accepted only in a form's POST body, never in the address"
        )


def form_page(
    request: Request,
    values: dict[str, str] | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    values = values or {}
    return render(
        request,
        "patient_form.html",
        {
            "values": values,
            "rows": row_counts(values),
            "error": error,
            "vocab": form_vocabulary(),
            "today": dt.date.today().isoformat(),
            "default_top": DEFAULT_TOP,
        },
        status_code=status_code,
    )


async def patient_form(request: Request) -> Response:
    refuse_query(request)
    return form_page(request)


async def vocabulary(request: Request) -> Response:
    return JSONResponse(form_vocabulary())


# --- reading what was posted ---------------------------------------------------------------------


async def profile_from_post(form: FormData, max_bytes: int) -> dict[str, Any]:
    """The profile mapping from an uploaded file, pasted text, stored JSON, or the form fields."""
    upload = form.get("profile_file")
    if isinstance(upload, UploadFile) and upload.filename:
        name = upload.filename.lower()
        if not name.endswith(PROFILE_SUFFIXES):
            raise ProfileError(
                "profile file: accepted types are .yaml, .yml and .json "
                "(a cohort file goes to the Cohort page)"
            )
        data = await upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise ProfileError("profile file: too large for one profile")
        return _mapping(
            read_profile_text(_decode(data, "profile file"), "profile file"), "profile file"
        )
    pasted = form.get("profile_text")
    if isinstance(pasted, str) and pasted.strip():
        return _mapping(read_profile_text(pasted, "pasted profile"), "pasted profile")
    stored = form.get("profile_json")
    if isinstance(stored, str) and stored.strip():
        try:
            return _mapping(json.loads(stored), "profile")
        except json.JSONDecodeError:
            raise ProfileError(
                "profile: the page's stored profile is damaged; enter it again"
            ) from None
    return form_to_profile(form)


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ProfileError(f"{where}: not UTF-8 text") from None


def _mapping(data: Any, where: str) -> dict[str, Any]:
    if isinstance(data, list):
        raise ProfileError(f"{where}: holds {len(data)} profiles; use the Cohort page for many")
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: a profile must be a mapping of fields")
    return data


def match_options(form: FormData) -> dict[str, Any]:
    """as_of, statuses, include_ineligible and top from the form's options."""
    as_of_text = str(form.get("as_of") or "").strip()
    try:
        as_of = dt.date.fromisoformat(as_of_text) if as_of_text else None
    except ValueError:
        raise InvalidOption("as of", "a date written YYYY-MM-DD", "not a date") from None
    scope = str(form.get("scope") or "open")
    if scope not in {"open", "any"}:
        raise InvalidOption("trials", "open (recruiting or not yet) or any", "not a choice")
    top_text = str(form.get("top") or "").strip()
    if top_text and (not top_text.isdigit() or int(top_text) < 1):
        raise InvalidOption("show", "a number of trials from 1, or blank for all", "not a number")
    return {
        "as_of": as_of,
        "statuses": tuple(OPEN_STATUSES) if scope == "open" else None,
        "include_ineligible": form.get("include_ineligible") == "yes",
        "top": int(top_text) if top_text else None,
    }


def _options_echo(form: FormData) -> dict[str, str]:
    return {k: str(form.get(k) or "") for k in ("as_of", "scope", "top", "include_ineligible")}


# --- the result --------------------------------------------------------------------------------


def run_match(request: Request, data: dict[str, Any], options: dict[str, Any]) -> dict[str, Any]:
    """Validate the profile and match it; the template's context."""
    from matcher import match_patient, parse_profile
    from matcher.report import match_json, report_json, why

    profile = parse_profile(data, "profile")
    trials = trial_set(request)
    report = match_patient(profile, trials, **options)
    body = report_json(report)
    matches = [
        {**match_json(m), "why": why(m.result), "counts": _counts(m)} for m in report.matches
    ]
    return {
        "report": body,
        "matches": matches,
        "considered": report.considered,
        "profile": profile,
        # the profile as entered (it validated): carried by the page's buttons, shown as YAML
        "profile_json": json.dumps(data, default=str, ensure_ascii=False),
        "profile_yaml": yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
        "options": options,
    }


def _counts(match: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for judged in match.result.judged:
        key = judged.judgement.result.value
        counts[key] = counts.get(key, 0) + 1
    return counts


async def patient_match(request: Request) -> Response:
    refuse_query(request)
    form = await checked_form(request)
    max_bytes = config(request).max_upload_bytes
    data: dict[str, Any] | None = None
    try:
        data = await profile_from_post(form, max_bytes)
        options = match_options(form)
        context = await run_in_threadpool(run_match, request, data, options)
    except (ProfileError, InvalidOption) as error:
        if data is not None and not _from_fields(form):
            values = {**profile_to_form(data), **_options_echo(form)}
        else:
            values = {k: v for k, v in form.items() if isinstance(v, str)}
        return form_page(request, values, str(error), status_code=400)
    context["options_echo"] = _options_echo(form)
    return render(request, "patient_result.html", context)


def _from_fields(form: FormData) -> bool:
    upload = form.get("profile_file")
    has_upload = isinstance(upload, UploadFile) and bool(upload.filename)
    pasted = str(form.get("profile_text") or "").strip()
    stored = str(form.get("profile_json") or "").strip()
    return not (has_upload or pasted or stored)


async def patient_edit(request: Request) -> Response:
    """The form filled in from a profile (a result page's 'edit', or a file to review)."""
    refuse_query(request)
    form = await checked_form(request)
    try:
        data = await profile_from_post(form, config(request).max_upload_bytes)
    except ProfileError as error:
        return form_page(request, {}, str(error), status_code=400)
    return form_page(request, {**profile_to_form(data), **_options_echo(form)})


ROUTES = [
    Route("/patient", patient_form, methods=["GET"]),
    Route("/patient/match", patient_match, methods=["POST"]),
    Route("/patient/edit", patient_edit, methods=["POST"]),
    Route("/vocabulary.json", vocabulary, methods=["GET"]),
]
