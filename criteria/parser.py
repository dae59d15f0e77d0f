"""`parse_criteria`: eligibility text in, typed and explained criteria out.

Stages: `structure.layout` finds sections, items, nesting and cohort labels; `text.normalise`
makes each item's wording uniform while keeping an offset map; `extract.extract_item` applies the
phrase rules and returns drafts; this module turns drafts into `criteria.model` objects that carry
section, text, span, item index, cohort and evidence. An item that yields nothing typed becomes one
`Unrecognized` criterion with its text intact, so nothing the registry says is ever dropped.
"""

from __future__ import annotations

import logging
import re

from pydantic import ValidationError

from criteria.context import Context, intro_context
from criteria.extract import Draft, extract_item
from criteria.model import Criterion, Unrecognized
from criteria.structure import Item, Layout, is_label, layout, leading_cohort
from criteria.text import normalise, unescape
from trialmatch.vocab import Section

log = logging.getLogger(__name__)

#: Bump whenever the output for some text can change; stored parses are redone when it changes.
PARSER_VERSION = "0.17.0"

_SPACE = re.compile(r"\s+")
#: An introduction this short is repeated in front of each child so that the child reads alone.
_PREFIX_MAX = 100


def _item_words(text: str, item: Item) -> str:
    return _SPACE.sub(" ", " ".join(unescape(text[s:e]).strip() for s, e in item.lines)).strip()


def parse_criteria(text: str) -> list[Criterion]:
    """Parse an eligibility text (the API's `eligibilityCriteria`, escaped markdown or legacy
    layout) into typed criteria in source order. Deterministic; never raises on any string."""
    if not isinstance(text, str) or not text.strip():
        return []
    try:
        shape = layout(text)
    except Exception:  # a layout bug must not lose the text: keep it whole, unrecognised
        log.exception("criteria layout failed; keeping the text as one unrecognised item")
        return [_whole(text)]
    return _parse_layout(text, shape)


def _whole(text: str) -> Criterion:
    stripped = text.strip()
    start = text.index(stripped[:1]) if stripped else 0
    return Unrecognized(
        section=Section.INCLUSION,
        text=_SPACE.sub(" ", unescape(stripped)),
        span=(start, start + len(stripped)),
        item=0,
        reason="layout not understood",
    )


def _parse_layout(text: str, shape: Layout) -> list[Criterion]:
    words = [_item_words(text, item) for item in shape.items]
    contexts: dict[int, Context] = {}
    prefixes: dict[int, str] = {}
    out: list[Criterion] = []
    group_counter = [0]
    for item in shape.items:
        own = words[item.index]
        inherited = contexts.get(item.parent) if item.parent is not None else None
        shown = own
        read = own
        if item.parent is not None and item.parent in prefixes:
            shown = f"{prefixes[item.parent]} {own}"
            if is_label(prefixes[item.parent]):
                read = (
                    shown  # a topic label ("Hepatic:") helps read the child; logic words would not
                )
        label = leading_cohort(own) if item.cohort else None
        if label is not None:
            # the label names the cohort (and often its study drugs), not the patient
            read = " " * label[1] + read[label[1] :] if read is own else read
        if item.intro:
            context = intro_context(own, inherited, group_counter)
            contexts[item.index] = context
        try:
            drafts = extract_item(normalise(read), item.section, inherited, group_counter)
        except Exception:  # one bad item must not lose the others
            log.exception("criteria rule failed on item %d", item.index)
            drafts = []
        if item.intro:
            typed = [d for d in drafts if d.kind != "unrecognized"]
            if (not typed or is_label(own)) and len(own) <= _PREFIX_MAX:
                # A pure introduction ("Prior treatment with:"): its meaning goes to the children
                # through the context, and its words in front of each child's text.
                prefixes[item.index] = shown if item.parent in prefixes else own
                continue
        built = _build(item, shown, drafts)
        if item.or_previous is not None:
            built = _join_alternatives(out, built, item.or_previous, group_counter)
        out.extend(built)
    return out


def _join_alternatives(
    out: list[Criterion], built: list[Criterion], previous: int, counter: list[int]
) -> list[Criterion]:
    """An "OR" line between two items: their criteria share one `any_of` group."""
    before = [i for i, c in enumerate(out) if c.item == previous]
    group = next((out[i].any_of for i in before if out[i].any_of is not None), None)
    if group is None:
        counter[0] += 1
        group = counter[0]
    for i in before:
        out[i] = out[i].model_copy(update={"any_of": group})
    return [c.model_copy(update={"any_of": group}) for c in built]


def _build(item: Item, shown: str, drafts: list[Draft]) -> list[Criterion]:
    common = {
        "section": item.section.value,
        "text": shown,
        "span": item.span,
        "item": item.index,
        "cohort": item.cohort,
    }
    built: list[Criterion] = []
    for draft in drafts:
        try:
            built.append(draft.build(common))
        except ValidationError:
            log.exception("criteria draft %s did not validate", draft.kind)
    if not any(c.kind != "unrecognized" for c in built):
        return [Unrecognized(**common, reason=_reason(drafts))]  # type: ignore[arg-type]
    return [c for c in built if c.kind != "unrecognized"]


def _reason(drafts: list[Draft]) -> str | None:
    for draft in drafts:
        if draft.kind == "unrecognized":
            reason = draft.fields.get("reason")
            return str(reason) if reason else None
    return None
