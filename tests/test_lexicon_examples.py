"""Every `match:` / `no_match:` example in the lexicon data files, one test each.

The test id names the file, the entry and the example, so a lexicon edit that breaks an entry
fails by name (e.g. `drug:vepdegestrant:match:ARV471`).
"""

from __future__ import annotations

import pytest

from criteria import lexicon as lx

LEX = lx.default_lexicon()


def _cases() -> list[pytest.param]:  # type: ignore[valid-type]
    cases = []
    for c in LEX.class_entries.values():
        cases += [
            pytest.param("class", c.id, ex, True, id=f"class:{c.id}:match:{ex}") for ex in c.match
        ]
        cases += [
            pytest.param("class", c.id, ex, False, id=f"class:{c.id}:no_match:{ex}")
            for ex in c.no_match
        ]
    for d in LEX.drug_entries.values():
        cases += [
            pytest.param("drug", d.name, ex, True, id=f"drug:{d.name}:match:{ex}") for ex in d.match
        ]
        cases += [
            pytest.param("drug", d.name, ex, False, id=f"drug:{d.name}:no_match:{ex}")
            for ex in d.no_match
        ]
    for g in LEX.gene_entries.values():
        cases += [
            pytest.param("gene", g.symbol, ex, True, id=f"gene:{g.symbol}:match:{ex}")
            for ex in g.match
        ]
        cases += [
            pytest.param("gene", g.symbol, ex, False, id=f"gene:{g.symbol}:no_match:{ex}")
            for ex in g.no_match
        ]
    for r in LEX.regimen_entries.values():
        cases += [
            pytest.param("regimen", r.name, ex, True, id=f"regimen:{r.name}:match:{ex}")
            for ex in r.match
        ]
        cases += [
            pytest.param("regimen", r.name, ex, False, id=f"regimen:{r.name}:no_match:{ex}")
            for ex in r.no_match
        ]
    for f in LEX.family_entries.values():
        cases += [
            pytest.param("family", f.name, ex, True, id=f"family:{f.name}:match:{ex}")
            for ex in f.match
        ]
        cases += [
            pytest.param("family", f.name, ex, False, id=f"family:{f.name}:no_match:{ex}")
            for ex in f.no_match
        ]
    return cases


def _found(kind: str, example: str) -> set[str]:
    """What the lexicon reads in the example, in the way the entry's examples are defined."""
    if kind == "class":  # class examples are texts in which the class must (not) be mentioned
        return {m.id for m in LEX.find_drug_mentions(example) if m.kind == "class"}
    if kind == "drug":  # drug examples are names given to resolve_drug
        drug = LEX.resolve_drug(example)
        return {drug.name} if drug else set()
    if kind == "regimen":  # regimen examples are names given to resolve_regimen
        agents = LEX.resolve_regimen(example)
        names = tuple(d.name for d in agents or ())
        return {r.name for r in LEX.regimens.values() if r.drugs == names}
    if kind == "gene":
        symbol = LEX.resolve_gene(example)
        return {symbol} if symbol else set()
    fam = LEX.gene_family(example)
    return {name for name, genes in LEX.families.items() if genes == fam}


@pytest.mark.parametrize(("kind", "entry", "example", "expected"), _cases())
def test_example(kind: str, entry: str, example: str, expected: bool) -> None:
    found = _found(kind, example)
    if expected:
        assert entry in found, f"{example!r} should name {kind} {entry!r}; found {sorted(found)}"
    else:
        assert entry not in found, f"{example!r} must not name {kind} {entry!r}"


def test_every_class_has_examples() -> None:
    missing = [c.id for c in LEX.class_entries.values() if not c.match or not c.no_match]
    assert not missing, f"classes without both match and no_match examples: {missing}"


def test_there_are_many_examples() -> None:
    # guards against the parametrisation silently collecting nothing
    assert len(_cases()) > 600
