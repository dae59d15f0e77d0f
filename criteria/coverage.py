"""How much of a text the parser understood, and whether it kept every line.

Used by the corpus tests, `benchmarks/bench_parse.py` and `trialmatch criteria --text`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from criteria.model import Criterion
from criteria.parser import parse_criteria
from criteria.structure import layout
from criteria.text import unescape

_SPACE = re.compile(r"\s+")
_ALNUM = re.compile(r"[^\W_]")


def unrepresented_lines(text: str, criteria: list[Criterion]) -> list[str]:
    """Source lines (neither headers nor blank) whose words appear in no criterion's text."""
    shape = layout(text)
    header_starts = {h.span[0] for h in shape.headers}
    texts = "\n".join(c.text for c in criteria)
    missing: list[str] = []
    offset = 0
    for raw in text.split("\n"):
        start = offset
        offset += len(raw) + 1
        if not _ALNUM.search(raw) or raw.strip() == "<!-- -->":
            continue
        content_start = start + len(raw) - len(raw.lstrip())
        if any(content_start <= h < start + len(raw) + 1 for h in header_starts):
            continue
        words = _SPACE.sub(" ", unescape(raw)).strip()
        words = re.sub(
            r"^(?:[*\-+•·▪◦●■□➢►o]|\d{1,2}[.)]|\(\w{1,4}\)|\w[.)]|[ivxIVX]{1,4}[.)])\s+", "", words
        )
        if words and words not in texts:
            missing.append(words)
    return missing


@dataclass(frozen=True, slots=True)
class Study:
    collection: str  #: file stem, e.g. "hr-her2neg-advanced-breast"
    nct_id: str
    text: str


def corpus(folder: Path) -> Iterator[Study]:
    """Every eligibility text under a `shared/ctgov` folder: the JSON Lines collections (the older
    layout's `eligibility_lines` joined with newlines) and the full study files."""
    for path in sorted(folder.glob("*.jsonl")):
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                row = json.loads(line)
                text = row.get("eligibility_text")
                if text is None and "eligibility_lines" in row:
                    text = "\n".join(row["eligibility_lines"])
                if text:
                    yield Study(path.stem, str(row.get("nct_id", "")), text)
    for path in sorted((folder / "studies").glob("*.json")):
        study = json.loads(path.read_text(encoding="utf-8"))
        protocol = study.get("protocolSection", {})
        text = protocol.get("eligibilityModule", {}).get("eligibilityCriteria")
        nct = protocol.get("identificationModule", {}).get("nctId", path.stem)
        if text:
            yield Study("studies", nct, text)


@dataclass(slots=True)
class Coverage:
    studies: int = 0
    criteria: int = 0
    typed: int = 0
    items: int = 0
    typed_items: int = 0
    missing_lines: int = 0

    def add(self, criteria: list[Criterion], missing: int = 0) -> None:
        self.studies += 1
        criteria = [c for c in criteria if c.item >= 0]  # (not the abridged list's notice)
        self.criteria += len(criteria)
        self.typed += sum(c.kind != "unrecognized" for c in criteria)
        by_item: dict[int, bool] = {}
        for c in criteria:
            by_item[c.item] = by_item.get(c.item, False) or c.kind != "unrecognized"
        self.items += len(by_item)
        self.typed_items += sum(by_item.values())
        self.missing_lines += missing

    @property
    def typed_share(self) -> float:
        return self.typed / self.criteria if self.criteria else 0.0

    @property
    def item_share(self) -> float:
        return self.typed_items / self.items if self.items else 0.0


def measure(texts: list[str]) -> Coverage:
    coverage = Coverage()
    for text in texts:
        parsed = parse_criteria(text)
        coverage.add(parsed, len(unrepresented_lines(text, parsed)))
    return coverage
