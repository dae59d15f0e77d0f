"""The lexicon against the real registry records in ../shared (skipped when absent).

Every drug-type intervention of every real study must name a known drug or drug class, except
the few listed below that are not anticancer drugs (placebo, saline, contrast agents, drugs of
non-oncology studies that share the corpus). A new study with an unknown agent fails here by name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from criteria import lexicon as lx

CTGOV = Path(__file__).resolve().parent.parent.parent / "shared" / "ctgov"
DRUG_TYPES = {"DRUG", "BIOLOGICAL", "COMBINATION_PRODUCT", "GENETIC", "", None}

#: interventions of drug type in the corpus that are not anticancer drugs (or not drugs at all)
NOT_ANTICANCER = {
    "oxytocin", "recombinant human growth hormone", "growth hormone",
    "nnz-2591", "get73", "dupilumab", "certolizumab pegol", "ferumoxtran-10", "iohexol",
    "magnesium: magnésium upsa action continue®", "exercise", "hypofractionated radiation therapy",
    "amo-01", "shank3 mutation", "parent-infant inter(x)action intervention (pixi)", "rb001",
    "psychoeducational", "tumor biopsies", "ctdna analysis", "treatment",
    "biomolecular profile of bone metastases", "insulin-like growth factor-1 (igf-1)",
}  # fmt: skip
PLACEBO = re.compile(r"placebo|saline", re.IGNORECASE)


def _interventions() -> Iterator[str]:
    def from_study(study: dict[str, object]) -> Iterator[str]:
        ps = study.get("protocolSection", study)
        assert isinstance(ps, dict)
        for iv in ps.get("armsInterventionsModule", {}).get("interventions", []) or []:
            if iv.get("type") in DRUG_TYPES:
                yield iv["name"]

    for path in sorted((CTGOV / "studies").glob("*.json")):
        yield from from_study(json.loads(path.read_text(encoding="utf-8")))
    for path in sorted((CTGOV / "responses").glob("*.json")):
        for study in json.loads(path.read_text(encoding="utf-8"))["response"].get("studies", []):
            yield from from_study(study)
    for name in ("hr-her2neg-advanced-breast.jsonl", "egfr-alk-nsclc.jsonl"):
        for line in (CTGOV / name).read_text(encoding="utf-8").splitlines():
            for iv in json.loads(line).get("interventions") or []:
                if iv.get("type") in DRUG_TYPES:
                    yield iv["name"]


def _names() -> list[str]:
    if not CTGOV.is_dir():
        return []
    return sorted({n for n in _interventions() if not PLACEBO.search(n)} - set())


NAMES = _names()


@pytest.mark.corpus
@pytest.mark.skipif(not NAMES, reason="../shared/ctgov is not beside this checkout")
@pytest.mark.parametrize("name", NAMES or ["(none)"])
def test_every_real_intervention_names_a_known_drug(name: str) -> None:
    if name.lower() in NOT_ANTICANCER:
        assert lx.resolve_drug(name) is None  # keep the list honest: drop names we now know
        return
    found = lx.resolve_drug(name) is not None or lx.find_drug_mentions(name)
    assert found, f"intervention {name!r} names no known drug or class: add it to drugs.yaml"


@pytest.mark.corpus
@pytest.mark.skipif(not NAMES, reason="../shared/ctgov is not beside this checkout")
def test_single_agent_interventions_resolve_exactly() -> None:
    # an intervention naming one agent (with a dose or form) resolves as a whole, so that the
    # matcher and `search --drug` see the same drug the registry lists
    single = [
        n for n in NAMES if n.lower() not in NOT_ANTICANCER and len(lx.find_drug_mentions(n)) == 1
    ]
    unresolved = [n for n in single if lx.resolve_drug(n) is None and
                  lx.find_drug_mentions(n)[0].kind == "drug"]  # fmt: skip
    assert len(single) > 150
    assert unresolved == []


@pytest.mark.corpus
@pytest.mark.skipif(not NAMES, reason="../shared/ctgov is not beside this checkout")
def test_eligibility_texts_scan_without_error() -> None:
    texts = []
    for name in ("hr-her2neg-advanced-breast.jsonl", "egfr-alk-nsclc.jsonl"):
        for line in (CTGOV / name).read_text(encoding="utf-8").splitlines():
            texts.append(json.loads(line).get("eligibility_text") or "")
    found = 0
    for text in texts:
        for m in lx.find_drug_mentions(text) + lx.find_gene_mentions(text):
            assert text[m.start : m.end] == m.text
            found += 1
    assert found > 2000
