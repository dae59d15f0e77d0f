"""The app keeps the trial set in memory and reloads it when the database file changes (a sync
ran); facet counts cached for a search are dropped at the same moment."""

from __future__ import annotations

import json
import shutil
import time
from importlib import resources
from pathlib import Path

from tests.browser.support import client, text_of
from trialmatch.web.state import FacetCache


def _add_trial(db_path: Path, nct_id: str) -> None:
    """Write one more study into the database, the way a sync would."""
    from sync.importer import import_paths
    from sync.store import open_database

    source = resources.files("trialmatch.sample").joinpath("studies", "NCT04072952.json")
    study = json.loads(source.read_text(encoding="utf-8"))
    study["protocolSection"]["identificationModule"]["nctId"] = nct_id
    study["protocolSection"]["identificationModule"]["briefTitle"] = "Reload check study"
    folder = db_path.parent / "incoming"
    folder.mkdir()
    (folder / f"{nct_id}.json").write_text(json.dumps(study), encoding="utf-8")
    db = open_database(db_path)
    try:
        import_paths(db, [folder])
    finally:
        db.close()


def test_trial_set_and_search_follow_the_database(sample_db: Path, tmp_path: Path) -> None:
    db_path = tmp_path / "trials.db"
    shutil.copy(sample_db, db_path)
    with client(db_path, tmp_path / "patients.db") as web:
        cache = web.app.state.trials
        before = len(cache.get())
        assert "Reload check study" not in web.get("/search?q=reload").text
        _add_trial(db_path, "NCT99990001")
        page = text_of(web.get("/search?q=reload+check").text)
        assert "Reload check study" in page  # search reads the database directly
        deadline = time.monotonic() + 30
        while len(cache.get()) == before and time.monotonic() < deadline:
            cache.wait_idle()
            time.sleep(0.05)
        assert len(cache.get()) == before + 1
        assert "NCT99990001" in {t.nct_id for t in cache.get().trials}


def test_facet_cache_keeps_results_until_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "file.db"
    path.write_bytes(b"one")
    cache = FacetCache(path, size=2)
    calls: list[str] = []

    def compute(value: str) -> str:
        calls.append(value)
        return value

    assert cache.get("a", lambda: compute("a1")) == "a1"
    assert cache.get("a", lambda: compute("a2")) == "a1"
    cache.get("b", lambda: compute("b1"))
    cache.get("c", lambda: compute("c1"))  # past the size: "a" is the least recently used
    assert cache.get("a", lambda: compute("a3")) == "a3"
    path.write_bytes(b"changed, and longer")
    assert cache.get("a", lambda: compute("a4")) == "a4"
    assert calls == ["a1", "b1", "c1", "a3", "a4"]
