"""Which of a trial's cohort, part and arm labels a patient is judged under together.

Registry texts label criteria with overlapping names: "Part A and Part B" (both parts), "Part B"
(every cohort of part B), "Cohort B1", "Cohort B2". Judged as unrelated cohorts, a patient fitting
Cohort B1 would be judged without the criteria of "Part B" and "Part A and Part B". So each label
is read into identifiers (part a, part b, cohort b1), the trial's routes are its most specific
identifiers (a, b1, b2 here: b is refined by b1 and b2), and a label applies to a route when one
of its identifiers is the route's or refines into it ("b" into "b1", "1" into "1a", never "1"
into "12"; "Part 1" and "Cohort 1" are different routes). A label that names no identifier is a
route of its own, as before. A closed cohort is no route. A label that names a kind of patient
("Patients with prostate cancer") is a condition: when every label is one, patients whom none
names are judged by the unlabelled criteria alone; so are they when labels appear only on
exclusions (no labelled inclusion says who the labelled cohort is).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_FAMILY = r"(?:parts?|cohorts?|arms?|groups?|modules?|strat(?:um|a)|sub-?studies|sub-?study)"
_ID = r"[a-z]?\d+[a-z]?|[a-z](?![a-z])"
_NAMED = re.compile(
    rf"\b({_FAMILY})\s+((?:{_ID})(?:\s*(?:,|and|&|/|or|\+)\s*(?:{_FAMILY}\s+)?(?:{_ID}))*)\b",
    re.IGNORECASE,
)
_CLOSED = re.compile(r"\bclosed\b", re.IGNORECASE)
_SPLIT = re.compile(rf"\s*(?:,|and|&|/|or|\+)\s*(?:{_FAMILY}\s+)?", re.IGNORECASE)


Id = tuple[str, str]  #: (family, identifier): ('part', 'b'), ('cohort', 'b1')


def identifiers(label: str) -> tuple[Id, ...]:
    """'Part A and Part B' -> (part a, part b); 'Cohort B1 only' -> (cohort b1,);
    'HER2-low cohort' -> ()."""
    found: list[Id] = []
    for match in _NAMED.finditer(label):
        family = _family(match.group(1))
        found += [(family, i.lower()) for i in _SPLIT.split(match.group(2)) if i]
    return tuple(dict.fromkeys(found))


def _family(word: str) -> str:
    word = word.lower().replace("-", "")
    return {"strata": "stratum", "substudies": "substudy"}.get(word, word.rstrip("s"))


def refines(general: Id, specific: Id) -> bool:
    """Is `specific` the route `general` names, or one of its sub-routes (part b -> cohort b1)?"""
    (family, name), (other_family, other) = general, specific
    if name == other:
        return family == other_family
    if not other.startswith(name):
        return False
    return name[-1].isdigit() != other[len(name)].isdigit()


def routes(
    labels: Iterable[str], entry_labels: Iterable[str] | None = None, *, others: bool = False
) -> dict[str, frozenset[str]]:
    """For each route (a display name), the labels whose criteria apply to it.

    `entry_labels`: the labels of inclusion criteria, when some are labelled. Only they make
    routes: a label met only in the exclusions ("In phase II: earlier third-generation TKIs")
    narrows the routes it names, and is no way in that skips every labelled inclusion.
    `others`: the labelled inclusions are only extra ways in among unlabelled ones, so the
    patients no label names have a route of their own (the unlabelled criteria alone)."""
    labels = sorted(set(labels))
    given = None if entry_labels is None else sorted(set(entry_labels))
    entries = labels if given is None else given or labels
    ids = {label: identifiers(label) for label in labels}
    every = {i for label in entries for i in ids[label]}
    leaves = sorted(i for i in every if not any(o != i and refines(i, o) for o in every))
    out: dict[str, frozenset[str]] = {}
    for leaf in leaves:
        applying = frozenset(label for label in labels if any(refines(i, leaf) for i in ids[label]))
        out[_name(leaf, applying, ids)] = applying
    for label in entries:
        if not ids[label]:
            out[label] = frozenset({label})
    # exclusions alone naming two routes ("... in Cohort 1; ... in Cohort 2") share the trial's
    # patients out between them: no one is in neither
    partitioned = given == [] and len(out) >= 2
    if labels and (
        others or (given == [] and not partitioned) or all(is_condition(label) for label in labels)
    ):
        # "Patients with prostate cancer" labels what only those patients must meet; "For the
        # endocrine-naive cohort: (excluded) earlier endocrine therapy", with no labelled
        # inclusion, binds only that cohort: everyone else is judged by the unlabelled
        # criteria alone
        out[OTHERS] = frozenset()
    open_routes = {name: applying for name, applying in out.items() if not _closed(name)}
    return open_routes or out


#: The route of patients whom no condition label names (reported as no cohort).
OTHERS = ""
_CONDITION = re.compile(
    r"^(?:patients|subjects|participants|women|men|people|those)\s+with\b", re.IGNORECASE
)


def is_condition(label: str) -> bool:
    """A label that names a kind of patient ("Patients with GBM or anaplastic astrocytoma"), as
    the parser writes for an item that only such patients must meet, not a cohort to enrol in."""
    return bool(_CONDITION.match(label))


def _closed(name: str) -> bool:
    """A cohort the registry text says is closed ('Cohort A (closed)') enrols nobody: it is no
    route, unless every route is closed (then the trial's status says the rest)."""
    return bool(_CLOSED.search(name))


def _name(leaf: Id, applying: frozenset[str], ids: dict[str, tuple[Id, ...]]) -> str:
    """The label that names only this route, else 'Part A' made from the first label naming it."""
    for label in sorted(applying):
        if ids[label] == (leaf,):
            return label
    return f"{leaf[0].capitalize()} {leaf[1].upper()}"
