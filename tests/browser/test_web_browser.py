"""End to end in a real headless chromium: search, open a trial, enter a patient and read the
ranked result with its explanations, upload a cohort and download the result."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.browser.conftest import screenshot
from tests.browser.support import SAMPLE_PATIENTS

pytestmark = [pytest.mark.browser, pytest.mark.allow_hosts(["127.0.0.1"])]


def test_search_filter_and_open_a_trial(page: Any) -> None:
    page.goto("/search")
    page.fill("#q", "ESR1 mutation")
    page.press("#q", "Enter")
    page.wait_for_selector("li.hit")
    first = page.locator("li.hit").count()
    assert first >= 1
    assert page.locator("li.hit .why mark").count() >= 1  # why each trial matched
    page.locator(".facets a[href*='status=RECRUITING']").first.click()  # counts arrive by fetch
    page.wait_for_url("**status=RECRUITING**")
    assert page.locator(".facets a.selected").count() == 1
    assert page.locator("li.hit").count() <= first
    screenshot(page, "search")
    page.locator("a.hit-title").first.click()
    page.wait_for_selector("#criteria")
    assert page.locator(".eligibility-text mark").count() >= 1
    assert page.locator("li.criterion").count() >= 1
    page.locator("li.criterion").first.hover()
    assert page.locator(".eligibility-text mark.active").count() >= 1  # the source lights up
    assert page.locator("#sites").is_visible() and page.locator("#changes").is_visible()
    screenshot(page, "trial")


def test_enter_a_patient_and_read_the_ranked_result(page: Any) -> None:
    page.goto("/patient")
    page.fill("#patient-form input[name=id]", "pt-browser-01")
    page.fill("input[name=age]", "64")
    page.select_option("select[name=sex]", "female")
    page.select_option("select[name=menopausal_status]", "postmenopausal")
    page.select_option("select[name=ecog]", "1")
    page.fill("input[name=dx_cancer]", "breast cancer")
    page.select_option("select[name=dx_stage]", "metastatic")
    page.select_option("select[name=er]", "positive")
    page.select_option("select[name=her2_ihc]", "0")
    gene = page.locator("input[name='bm-0-gene']")
    gene.click()
    # the gene names are offered as one types (a datalist filled from the vocabulary)
    page.wait_for_function("document.querySelectorAll('#dl-genes option').length > 20")
    assert page.locator("#dl-genes option[value='ESR1']").count() == 1
    gene.type("ESR1")
    page.fill("input[name='bm-0-alteration']", "Y537S")
    page.fill("input[name='tx-0-agents']", "letrozole, palbociclib")
    page.select_option("select[name='tx-0-setting']", "metastatic")
    page.select_option("select[name='tx-0-outcome']", "progression")
    page.click("button.add-row[data-group='tx']")
    assert page.locator("input[name='tx-2-agents']").count() == 1
    screenshot(page, "patient-form")
    page.keyboard.press("Escape")  # close the completion list left open by the new row
    page.click("#match-button")
    page.wait_for_selector("h1:has-text('Trials for')")
    assert "pt-browser-01" not in page.url  # the profile travelled in the POST body
    matches = page.locator("li.match")
    assert matches.count() >= 1
    assert matches.first.locator(".verdict").inner_text().strip() in {
        "eligible",
        "possibly eligible",
    }
    matches.first.locator("details.criteria-results summary").click()
    table = matches.first.locator("table.results-table")
    assert table.is_visible()
    assert table.locator("tbody tr").count() >= 1
    assert table.locator("tbody tr").first.locator("td").nth(4).inner_text().strip()
    screenshot(page, "patient-result")
    page.emulate_media(media="print")
    screenshot(page, "patient-result-print")
    assert not page.locator("header.top").is_visible()


def test_profile_file_upload_and_error_naming_the_field(page: Any, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: pt-bad-01\necog: 9\n")
    page.goto("/patient")
    page.set_input_files("input[name=profile_file]", str(bad))
    page.click("#upload-form button.primary")
    page.wait_for_selector("#profile-error")
    assert "ecog" in page.inner_text("#profile-error")
    good = SAMPLE_PATIENTS / "pt-esr1-01.yaml"
    page.set_input_files("input[name=profile_file]", str(good))
    page.click("#upload-form button.primary")
    page.wait_for_selector("h1:has-text('Trials for')")
    assert "pt-esr1-01" in page.inner_text("h1")


def test_upload_a_cohort_and_download_the_rows(page: Any, tmp_path: Path) -> None:
    profiles = [yaml.safe_load(p.read_text()) for p in sorted(SAMPLE_PATIENTS.glob("*.yaml"))]
    source = tmp_path / "cohort.jsonl"
    source.write_text("\n".join(json.dumps(p, default=str) for p in profiles))
    page.goto("/cohort")
    page.set_input_files("input[name=cohort_file]", str(source))
    page.click("#cohort-form button.primary")
    page.wait_for_selector("#job-download:not(.hidden)", timeout=60_000)
    progress = page.locator("#job-progress")
    assert progress.get_attribute("max") == str(len(profiles))
    assert page.inner_text("#job-done") == str(len(profiles))
    screenshot(page, "cohort")
    with page.expect_download() as info:
        page.click("#job-download")
    saved = tmp_path / "out.csv"
    info.value.save_as(saved)
    rows = list(csv.DictReader(saved.open()))
    assert rows and {r["patient_id"] for r in rows} <= {p["id"] for p in profiles}


def test_status_page(page: Any) -> None:
    page.goto("/status")
    assert "trials" in page.inner_text(".cards")
    screenshot(page, "status")
