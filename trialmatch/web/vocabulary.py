"""The contract's vocabulary for the forms' autocompletion: drug, class and gene names from
`criteria.lexicon`, markers and lab keys from `matcher.profile`. Built once per process."""

from __future__ import annotations

from functools import cache
from typing import Any


@cache
def form_vocabulary() -> dict[str, Any]:
    """{"drugs": [...], "classes": [...], "genes": [...], "markers": [...], "labs": {...}}.

    Drugs list canonical names first, then brand and code names (all accepted in a profile).
    Genes list symbols, then aliases longer than two letters.
    """
    from criteria import lexicon
    from matcher.profile import MARKERS, lab_units

    drugs = lexicon.all_drugs()
    names = sorted({d.name for d in drugs}, key=str.lower)
    other = sorted({n for d in drugs for n in (*d.brands, *d.codes)} - set(names), key=str.lower)
    genes = lexicon.default_lexicon().genes
    symbols = sorted(genes)
    aliases = sorted(
        {a for g in genes.values() for a in g.aliases if len(a) > 2} - set(symbols), key=str.lower
    )
    return {
        "drugs": names + other,
        "classes": sorted({c.label for c in lexicon.all_classes()}, key=str.lower),
        "genes": symbols + aliases,
        "markers": sorted(set(MARKERS.values())),
        "labs": lab_units(),
    }
