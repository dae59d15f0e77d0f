"""The gold set: criterion texts written for this project, modelled on real registry patterns,
with the structure the parser must produce. One test per case (file:id).

Case keys (tests/gold/*.yaml): `id`, `text`, `section` (inclusion, the default, or exclusion),
`whole` (the text is a whole eligibility text with its own headers), `expect` (criteria that must
be produced: only the keys given are compared, lists as lists), `forbid` (criteria, given the
same way, that must not be produced), `absent` (kinds that must not be produced) and
`unrecognized: true` (nothing typed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from criteria import parse_criteria
from criteria.model import dump_criteria

GOLD = Path(__file__).parent / "gold"
_KEYS = {"id", "text", "section", "whole", "expect", "forbid", "absent", "unrecognized"}


def _cases() -> list[Any]:
    params = []
    for path in sorted(GOLD.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            unknown = set(case) - _KEYS
            assert not unknown, f"{path.name}: {case.get('id')}: unknown keys {unknown}"
            params.append(pytest.param(case, id=f"{path.stem}:{case['id']}"))
    return params


def _text(case: dict[str, Any]) -> str:
    if case.get("whole"):
        return str(case["text"])
    header = "Exclusion Criteria:" if case.get("section") == "exclusion" else "Inclusion Criteria:"
    body = str(case["text"])
    bullet = "" if body.lstrip().startswith(("*", "-")) or "\n" in body else "* "
    return f"{header}\n\n{bullet}{body}\n"


def _matches(criterion: dict[str, Any], expected: dict[str, Any]) -> bool:
    for key, value in expected.items():
        got = criterion.get(key)
        if isinstance(value, list):
            value = list(value)
            got = list(got) if isinstance(got, (list, tuple)) else got
        if (
            isinstance(value, float | int)
            and isinstance(got, float | int)
            and not isinstance(value, bool)
        ):
            if abs(float(got) - float(value)) > 0.05:
                return False
            continue
        if got != value:
            return False
    return True


@pytest.mark.parametrize("case", _cases())
def test_gold(case: dict[str, Any]) -> None:
    parsed = dump_criteria(parse_criteria(_text(case)))
    shown = [{k: v for k, v in c.items() if k not in {"span", "text"}} for c in parsed]
    for expected in case.get("expect", []):
        assert any(_matches(c, expected) for c in parsed), f"missing {expected}; got {shown}"
    for forbidden in case.get("forbid", []):
        found = any(_matches(c, forbidden) for c in parsed)
        assert not found, f"unexpected {forbidden}; got {shown}"
    kinds = {c["kind"] for c in parsed}
    for kind in case.get("absent", []):
        assert kind not in kinds, f"unexpected {kind}; got {shown}"
    if case.get("unrecognized"):
        assert kinds == {"unrecognized"}, f"expected nothing typed; got {shown}"


def test_gold_set_is_large_enough() -> None:
    assert len(_cases()) >= 200
