"""Building trials in memory for matcher tests (no database needed)."""

from __future__ import annotations

import json
from typing import Any

from matcher.trials import (
    Interner,
    Site,
    Trial,
    TrialSet,
    _required_genes,
    early_conditions,
    names_cancer,
    places_routes,
    title_limits,
    treats,
    trial_categories,
)


def make_trials(*specs: dict[str, Any]) -> TrialSet:
    """Each spec: nct_id, criteria (list of criterion dicts, without span/item/text if you like;
    each is its own item unless it gives `item`),
    and optional overall_status, phases, conditions, sex, min_age, max_age, sites, study_type,
    primary_purpose."""
    interner = Interner()
    trials = []
    for spec in specs:
        raw = [
            {"text": c.get("text", "(test)"), "span": [0, 1], "item": n, **c}
            for n, c in enumerate(spec.get("criteria", []))
        ]
        keys, places, joined = interner.add(json.loads(json.dumps(raw)))
        conditions = tuple(spec.get("conditions", ["Breast Cancer"]))
        trials.append(
            Trial(
                nct_id=spec["nct_id"],
                title=spec.get("title", spec["nct_id"]),
                acronym=None,
                overall_status=spec.get("overall_status", "RECRUITING"),
                phases=tuple(spec.get("phases", ["PHASE2"])),
                conditions=conditions,
                sex=spec.get("sex", "ALL"),
                min_age=spec.get("min_age", 18),
                max_age=spec.get("max_age"),
                sites=tuple(Site(*s) for s in spec.get("sites", [])),
                keys=keys,
                places=places,
                categories=trial_categories(conditions, spec.get("title")),
                cohorts=tuple(places_routes(places)),
                cohort_labels=places_routes(places),
                parsed=spec.get("parsed", True),
                criteria_json=json.dumps(raw),
                required_genes=_required_genes(keys, places, interner.criteria),
                joined=joined,
                treats=treats(spec.get("study_type"), spec.get("primary_purpose")),
                about_cancer=names_cancer(conditions, spec.get("title")),
                early_conditions=early_conditions(conditions),
                title_limits=title_limits((interner.criteria[k] for k in keys), spec.get("title")),
            )
        )
    return TrialSet(trials, interner.criteria, path=":memory:", last_sync=None)
