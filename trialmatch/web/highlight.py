"""The eligibility text cut into pieces by the parsed criteria's spans, so the trial page can
show the original words with each criterion's source highlighted by kind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from sync.shape import unescape
from trialmatch.vocab import Kind

#: Fields that say where a criterion came from rather than what it asks.
_SOURCE_FIELDS = {"section", "text", "span", "item", "evidence", "kind"}


@dataclass(frozen=True)
class Segment:
    """A run of the source text covered by the same criteria (`covering` are their indices)."""

    text: str
    covering: tuple[int, ...]
    kind: str | None  # the kind the run is coloured by; None where no criterion covers it

    @property
    def unrecognized(self) -> bool:
        return self.kind == Kind.UNRECOGNIZED.value


def segments(raw: str, criteria: Sequence[Any]) -> list[Segment]:
    """Split `raw` (the eligibility text as stored, escaped markdown) at every span boundary.

    Each piece is unescaped for reading. A piece covered by several criteria is coloured by the
    first recognised one; a piece covered only by unrecognised criteria is marked unrecognised.
    """
    size = len(raw)
    spans = [(_clip(c.span[0], size), _clip(c.span[1], size)) for c in criteria]
    cuts = {0, size}
    for start, end in spans:
        cuts.update((_no_split(raw, start), _no_split(raw, end)))
    points = sorted(cuts)
    pieces: list[tuple[int, int, tuple[int, ...]]] = []
    for start, end in pairwise(points):
        if start >= end:
            continue
        covering = tuple(i for i, (a, b) in enumerate(spans) if a <= start and end <= b and a < b)
        if pieces and pieces[-1][2] == covering:
            pieces[-1] = (pieces[-1][0], end, covering)
        else:
            pieces.append((start, end, covering))
    return [
        Segment(unescape(raw[a:b]), covering, _kind(criteria, covering))
        for a, b, covering in pieces
    ]


def _clip(value: int, size: int) -> int:
    return max(0, min(int(value), size))


def _no_split(raw: str, cut: int) -> int:
    """Move a cut that would separate a markdown escape from the character it escapes."""
    if 0 < cut < len(raw) and raw[cut - 1] == "\\" and (cut < 2 or raw[cut - 2] != "\\"):
        return cut - 1
    return cut


def _kind(criteria: Sequence[Any], covering: tuple[int, ...]) -> str | None:
    if not covering:
        return None
    for index in covering:
        kind = str(getattr(criteria[index].kind, "value", criteria[index].kind))
        if kind != Kind.UNRECOGNIZED.value:
            return kind
    return Kind.UNRECOGNIZED.value


def fields(criterion: Any) -> list[tuple[str, str]]:
    """What a criterion asks, as (field, value) pairs for display: defaults and source left out."""
    data = criterion.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    out = []
    for name, value in data.items():
        if name in _SOURCE_FIELDS:
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        out.append((name.replace("_", " "), str(value)))
    return out
