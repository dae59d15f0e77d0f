"""Building trials in memory for matcher tests (no database needed)."""

from __future__ import annotations

import json
from typing import Any

from criteria.model import CRITERIA
from matcher.trials import Site, Trial, TrialSet, _Interner, trial_categories


def make_trials(*specs: dict[str, Any]) -> TrialSet:
    """Each spec: nct_id, criteria (list of criterion dicts, without span/item/text if you like),
    and optional overall_status, phases, conditions, sex, min_age, max_age, sites."""
    interner = _Interner()
    trials = []
    for spec in specs:
        raw = []
        for n, c in enumerate(spec.get("criteria", [])):
            raw.append({"text": c.get("text", "(test)"), "span": [0, 1], "item": n, **c})
        criteria = tuple(CRITERIA.validate_python(json.loads(json.dumps(raw))))
        keys = tuple(interner.key(r, c) for r, c in zip(raw, criteria, strict=True))
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
                criteria=criteria,
                keys=keys,
                categories=trial_categories(conditions),
                cohorts=tuple(sorted({c.cohort for c in criteria if c.cohort})),
                parsed=spec.get("parsed", True),
            )
        )
    return TrialSet(trials, interner.criteria, path=":memory:", last_sync=None)
