"""Route tests: every page of the web app through the framework's test client, on the bundled
sample database. What the pages show must be what the library returns."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import client, text_of


@pytest.fixture(scope="module")
def web(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    patients = tmp_path_factory.mktemp("web-pages") / "patients.db"
    with client(sample_db, patients) as test_client:
        yield test_client


def test_home_goes_to_search(web: Any) -> None:
    response = web.get("/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/search"


def test_search_lists_every_trial_without_a_query(web: Any, sample_db: Path) -> None:
    from sync.store import open_database

    db = open_database(sample_db, readonly=True)
    total = db.execute("SELECT count(*) FROM studies").fetchone()[0]
    db.close()
    page = text_of(web.get("/search?counts=1").text)
    assert f"{total} of {total} trials" in page
    assert text_of(web.get("/search/facets").text).startswith(f"{total} of {total} trials")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=elacestrant", "NCT03778931"),
        ("q=NTRK+fusion", "NCT02576431"),
        ("drug=ARV-471", "NCT04072952"),
        ("drug=Orserdu", "NCT03778931"),
        ("gene=ESR1&status=RECRUITING", "NCT04964934"),
        ("condition=lung&phase=3", "NCT04035486"),
    ],
    ids=[
        "text",
        "text-gene-words",
        "drug-code-name",
        "drug-brand",
        "gene-status",
        "condition-phase",
    ],
)
def test_search_finds_the_trial_and_says_why(
    web: Any, sample_db: Path, query: str, expected: str
) -> None:
    from urllib.parse import parse_qs

    from sync.search import search
    from sync.store import open_database

    response = web.get(f"/search?{query}")
    assert response.status_code == 200
    assert f"/trial/{expected}" in response.text
    # the page lists exactly the library's hits, in its order
    args = {k: v if k in {"status", "phase"} else v[0] for k, v in parse_qs(query).items()}
    text = args.pop("q", None)
    db = open_database(sample_db, readonly=True)
    hits = search(db, text, limit=25, **args)
    db.close()
    order = [h.nct_id for h in hits]
    shown = [n for n in order if f'href="/trial/{n}"' in response.text]
    assert shown == order
    assert 'aria-label="Why it matched"' in response.text


def test_search_facets_count_and_toggle(web: Any) -> None:
    # the first time a search is asked, the page says it is counting and where to fetch the
    # counts; once counted, they are part of the page
    first = web.get("/search?q=breast").text
    assert 'data-facets-url="/search/facets?q=breast"' in first
    assert "Counting matching trials" in first
    assert "/search?q=breast&amp;counts=1" in first  # for pages without script
    fragment = web.get("/search/facets?q=breast").text
    assert "Status" in fragment and "Phase" in fragment and "Site country" in fragment
    assert "/search?q=breast&amp;status=RECRUITING" in fragment
    assert "<html" not in fragment
    again = web.get("/search?q=breast").text
    assert "data-facets-url" not in again
    assert "/search?q=breast&amp;status=RECRUITING" in again
    narrowed = web.get("/search?q=breast&status=RECRUITING&counts=1").text
    assert 'class="selected" aria-current="true"' in narrowed


def test_search_highlights_matched_words(web: Any) -> None:
    html = web.get("/search?q=camizestrant").text
    assert "<mark>camizestrant</mark>" in html.lower()


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("phase=7", "--phase"),
        ("status=OPENISH", "--status"),
        ("gene=NOTAGENE1", "--gene"),
        ("lat=42&lon=-71", "distance"),
        ("lat=north&lon=-71&km=5", "distance"),
        ("page=0", "page"),
        ("country=Atlantis", "--country"),
    ],
    ids=["phase", "status", "gene", "distance-incomplete", "distance-text", "page", "country"],
)
def test_search_bad_filter_is_a_clear_400(web: Any, query: str, named: str) -> None:
    response = web.get(f"/search?{query}")
    assert response.status_code == 400
    assert named in text_of(response.text)
    assert "accepted" in text_of(response.text)


def test_search_by_distance_reports_kilometres(web: Any) -> None:
    response = web.get("/search?lat=42.34&lon=-71.10&km=50")
    assert response.status_code == 200
    assert " km" in text_of(response.text)


def test_trial_page_shows_detail_criteria_sites_and_changes(web: Any, sample_db: Path) -> None:
    from sync.show import trial_detail
    from sync.store import open_database

    db = open_database(sample_db, readonly=True)
    trial = trial_detail(db, "NCT04072952", with_changes=True)
    db.close()
    response = web.get("/trial/NCT04072952")
    assert response.status_code == 200
    page = text_of(response.text)
    assert trial.brief_title and trial.brief_title in page
    assert trial.sponsor and trial.sponsor in page
    assert f"Sites ({len(trial.sites)})" in page
    assert "Changes recorded in syncs" in page and "added to the database" in page
    # the original text is there, highlighted by the parsed criteria's spans
    assert 'class="eligibility-text"' in response.text
    assert response.text.count('<li class="criterion') >= 1
    assert '<mark class="k-' in response.text


def test_trial_page_marks_unrecognized_criteria(web: Any, sample_db: Path) -> None:
    from sync.store import open_database
    from trialmatch.web.routes.trial import stored_criteria

    db = open_database(sample_db, readonly=True)
    ids = [r[0] for r in db.execute("SELECT nct_id FROM studies ORDER BY nct_id")]
    with_unknown = None
    for nct_id in ids:
        criteria, _ = stored_criteria(db, nct_id)
        if criteria and any(c.kind == "unrecognized" for c in criteria):
            with_unknown = nct_id
            break
    db.close()
    if with_unknown is None:
        pytest.skip("the parser understands every sample criterion")
    html = web.get(f"/trial/{with_unknown}").text
    assert "not understood" in text_of(html)
    assert 'class="k-unrecognized"' in html or "k-unrecognized" in html


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        ("/trial/NCT09999999", 404, "NCT09999999 is not in the database"),
        ("/trial/banana", 400, "NCT_ID"),
        ("/trial?nct=nonsense", 400, "an NCT id"),
        ("/no-such-page", 404, "no such page"),
    ],
    ids=["unknown-trial", "not-an-id", "lookup-not-an-id", "unknown-page"],
)
def test_errors_are_pages_that_say_what_is_wrong(
    web: Any, path: str, status: int, words: str
) -> None:
    response = web.get(path)
    assert response.status_code == status
    assert words in text_of(response.text)


def test_trial_lookup_and_loose_ids_land_on_the_canonical_page(web: Any) -> None:
    response = web.get("/trial?nct=nct4072952", follow_redirects=False)
    assert response.headers["location"] == "/trial/NCT04072952"
    loose = web.get("/trial/nct4072952", follow_redirects=False)
    assert loose.status_code == 301
    assert loose.headers["location"] == "/trial/NCT04072952"


def test_status_page_reports_sync_counts_size_and_coverage(web: Any, sample_db: Path) -> None:
    from sync.parsed import criteria_stats
    from sync.store import open_database

    db = open_database(sample_db, readonly=True)
    stats = criteria_stats(db)
    trials = db.execute("SELECT count(*) FROM studies").fetchone()[0]
    db.close()
    page = text_of(web.get("/status").text)
    assert f"{trials} trials" in page
    assert f"{stats.criteria} criteria in {stats.trials} trials" in page
    assert "Recent runs" in page and "import" in page and "completed" in page
    assert "KB" in page or "MB" in page


def test_patient_form_offers_the_vocabulary(web: Any) -> None:
    html = web.get("/patient").text
    for name in ("bm-0-gene", "tx-0-agents", "lab-0-key", "her2_ihc"):
        assert f'name="{name}"' in html
    assert 'list="dl-drugs"' in html and 'list="dl-genes"' in html
    assert ">hba1c (%)<" in html  # lab keys with their units, from matcher.profile.lab_units()
    vocab = web.get("/vocabulary.json").json()
    assert {"palbociclib", "Ibrance", "ARV-471"} <= set(vocab["drugs"])
    assert {"ESR1", "PIK3CA"} <= set(vocab["genes"])
    assert "PD-L1" in vocab["markers"]
    assert vocab["labs"]["hba1c"] == "%"


def test_saved_patients_page_before_any_is_saved(web: Any) -> None:
    page = text_of(web.get("/patients").text)
    assert "No patients saved yet" in page


def test_cohort_page_has_an_upload_form(web: Any) -> None:
    html = web.get("/cohort").text
    assert 'enctype="multipart/form-data"' in html and 'name="cohort_file"' in html


def test_static_files_are_served(web: Any) -> None:
    assert "--accent" in web.get("/static/app.css").text
    assert "vocabulary.json" in web.get("/static/app.js").text


def test_pages_work_without_a_database(tmp_path: Path) -> None:
    with client(tmp_path / "missing.db", tmp_path / "patients.db") as test_client:
        response = test_client.get("/search")
        assert response.status_code == 503
        assert "trialmatch sync" in text_of(response.text)
        assert test_client.get("/patient").status_code == 200


def test_vocabulary_is_json(web: Any) -> None:
    response = web.get("/vocabulary.json")
    assert response.headers["content-type"].startswith("application/json")
    assert json.loads(response.text)["classes"]
