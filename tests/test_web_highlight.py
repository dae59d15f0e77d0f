"""The trial page's highlighting: the eligibility text cut at the parsed criteria's spans."""

from __future__ import annotations

from typing import Any

import pytest

from criteria.model import CRITERIA
from trialmatch.web.highlight import fields, segments


def _criteria(*items: tuple[str, int, int]) -> list[Any]:
    raw = []
    for n, (kind, start, end) in enumerate(items):
        entry: dict[str, Any] = {
            "section": "inclusion",
            "text": "t",
            "span": [start, end],
            "item": n,
            "kind": kind,
        }
        if kind == "performance_status":
            entry.update(scale="ecog", max=1)
        raw.append(entry)
    return list(CRITERIA.validate_python(raw))


TEXT = "* ECOG 0-1\n* Able to swallow pills"


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        ((), [(TEXT, None)]),
        (
            (("performance_status", 2, 10),),
            [("* ", None), ("ECOG 0-1", "performance_status"), ("\n* Able to swallow pills", None)],
        ),
        (
            (("unrecognized", 13, 34),),
            [("* ECOG 0-1\n* ", None), ("Able to swallow pills", "unrecognized")],
        ),
        (
            (("unrecognized", 2, 10), ("performance_status", 2, 10)),
            [("* ", None), ("ECOG 0-1", "performance_status"), ("\n* Able to swallow pills", None)],
        ),
        ((("performance_status", 0, 500),), [(TEXT, "performance_status")]),
    ],
    ids=["no-criteria", "one-span", "unrecognized", "recognized-wins", "span-past-end"],
)
def test_segments(items: tuple[tuple[str, int, int], ...], expected: list[tuple[str, Any]]) -> None:
    got = [(s.text, s.kind) for s in segments(TEXT, _criteria(*items))]
    assert got == expected
    assert "".join(text for text, _ in got) == TEXT


def test_overlapping_spans_split_into_pieces_covered_by_each() -> None:
    pieces = segments("abcdefgh", _criteria(("unrecognized", 0, 6), ("performance_status", 4, 8)))
    assert [(p.text, p.covering) for p in pieces] == [("abcd", (0,)), ("ef", (0, 1)), ("gh", (1,))]


def test_markdown_escapes_are_removed_and_never_split() -> None:
    raw = r"* Age \>= 18 years"
    # a span that ends right after the backslash must not leave it dangling
    pieces = segments(raw, _criteria(("unrecognized", 2, 7)))
    assert "".join(p.text for p in pieces) == "* Age >= 18 years"
    assert all(not p.text.endswith("\\") for p in pieces)


def test_fields_leave_out_where_the_criterion_came_from() -> None:
    (criterion,) = _criteria(("performance_status", 0, 4))
    assert fields(criterion) == [("scale", "ecog"), ("max", "1")]
