"""What a list introduction passes to its children.

"Prior treatment with:", "Any of the following:", "Must not have received any of:" and "Patients
with:" carry meaning that the registry often stores on a parent item (or on a line before
flattened sibling bullets). The parser reads that meaning once, as a `Context`, and applies it to
each child: alternatives share an `any_of` group, a negation turns the child's statement around,
and a prior-therapy introduction makes a bare drug name a `PriorTherapy` criterion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from criteria.text import normalise

#: "any of the following", "at least one of these", "one or more of", "either" (a bare "one"
#: or "any" is not enough: "adequate function one week before ...", "any prior therapy:").
_ANY_OF = re.compile(
    r"\b(?:any|one|1|either|at least (?:one|1)|>= ?1)(?:\s*\(?\s*or\s+more\s*\)?)?\s+"
    r"(?:of\b|(?:the\s+)?(?:following|below|these)\b)|\beither\b",
    re.IGNORECASE,
)
#: "Hormone refractory [*a] or life-threatening metastases [*b]." over children that define
#: each marked term: the children are the alternatives.
_MARKED_ALTERNATIVES = re.compile(
    r"\[\s*\*\s*\w\s*\][^\[\]]{0,80}?\bor\b[^\[\]]{1,80}?\[\s*\*\s*\w\s*\]", re.IGNORECASE
)
_ALL_OF = re.compile(r"\ball (?:of )?(?:the )?following\b|\bboth\b", re.IGNORECASE)
#: "Endocrine-resistant disease, defined as:", "Postmenopausal status is defined by:": the
#: children are the ways to have that status, each enough on its own (a checklist defines a
#: function or a level instead: "adequate organ function, defined as:").
DEFINED_STATUS = re.compile(
    r"\b(?:resistan\w*|refractor\w*|sensitiv\w*|post-?menopaus\w*|menopaus\w*"
    r"|(?:non-?|not of )child-?bearing|HER-?2[\s-]*(?:positive|negative|low|\+|-))"
    r"[^:.;]{0,40}?\bdefined\s+(?:as|by)\b(?:\s+follows)?\s*:?\s*$",
    re.IGNORECASE,
)
_NONE_OF = re.compile(
    r"\bnone of\b|\bmust not (?:have )?(?:had|received|be|meet)\b|\bno (?:prior|previous)\b"
    r"|\bnot (?:have )?(?:had|received)\b|(?<!\bor )\bwithout\b"
    r"|\bno (?:other )?(?:concurrent|concomitant|current)\b",
    re.IGNORECASE,
)
_THERAPY = re.compile(
    r"\b(?:treat(?:ed|ment)s?|therap(?:y|ies)|regimens?|received|receiving|exposure|exposed"
    r"|progress\w*|pretreated|agents?|drugs?|lines?|relapse\w*|recurr\w*)\b",
    re.IGNORECASE,
)


#: "At least the following periods must have passed since the last dose of prior therapy:",
#: "Washout periods:": each child ("Chemotherapy: 3 weeks") is a washout.
WASHOUT_INTRO = re.compile(
    r"\b(?:periods?|intervals?|times?)\s+(?:\w+\s+){0,3}?(?:has|have|must have|should have)\s+"
    r"(?:passed|elapsed)|\b(?:passed|elapsed)\s+since\s+(?:the\s+)?(?:last|final|end|completion"
    r"|prior)|\bwash-?out\s+(?:periods?|intervals?|times?)\b",
    re.IGNORECASE,
)


#: "Prior treatment with, ineligibility for, or commercial unavailability of X", "progression
#: on, intolerance to, or ineligibility for standard treatment": having had X is one way in;
#: the others (a physician's judgement, what is available) are not in a treatment history.
OR_INELIGIBLE = re.compile(
    r"\b(?:or|and/or)\s+(?:(?:be|is|are|was|were|deemed|considered)\s+)?"
    r"(?:(?:medically|clinically|otherwise)\s+)?"
    r"(?:ineligib\w*|unsuitab\w*|not (?:be\s+)?(?:a\s+)?(?:candidates?|suitable|eligible)"
    r"|(?:commercial(?:ly)?\s+)?unavailab\w*|not (?:commercially )?available|contraindicat\w*"
    r"|refus\w*|unable to (?:receive|tolerate))\b",
    re.IGNORECASE,
)
#: An introduction that lists methods of contraception ("Acceptable methods of contraception
#: include:", "highly effective contraception, such as:").
_CONTRACEPTION = re.compile(
    r"\b(?:methods?|forms?|types?|means)\b[^.:;]{0,40}\b(?:contracept|birth control)"
    r"|\b(?:contracept\w*|birth control)\b[^.:;]{0,60}?\b(?:methods?|forms?|types?|means|such as"
    r"|include|including|e\.g)\b",
    re.IGNORECASE,
)


#: Words that let a patient in ("is eligible", "are allowed", "may participate").
PERMISSION = re.compile(
    r"\b(?:(?:is|are|be|remains?)\s+eligible|(?:is|are)\s+(?:allowed|permitted)|may\s+(?:be\s+)?"
    r"(?:enrolled|included|enrol|enroll|enter|participate))\b",
    re.IGNORECASE,
)
_FOLLOWING = re.compile(r"\b(?:following|below|these)\b", re.IGNORECASE)
_BRACKETS = re.compile(r"\([^()]*\)")


@dataclass(frozen=True, slots=True)
class Context:
    """Meaning an introduction passes to its children."""

    intro: str  #: the introduction as written
    any_of: int | None = None  #: shared group number when the children are alternatives
    negated: bool = False  #: "none of the following", "must not have received"
    therapy: bool = False  #: children are therapies ("Prior treatment with:")
    intro_work: str = ""  #: the introduction, normalised (for settings, relations, windows)
    washout: bool = False  #: children are washouts ("... must have passed since the last dose:")
    contraception: bool = False  #: children are methods of contraception
    #: "or ineligibility for" as the introduction words it: another way in than having had X
    other_way_in: str = ""
    #: the children are the conditions of a permission ("... is eligible if the following 3
    #: criteria are met"): under an exclusion they let patients in, they exclude no one
    permits: bool = False


def intro_context(words: str, parent: Context | None, counter: list[int]) -> Context:
    """Read an introduction ('Prior treatment with any of the following:')."""
    work = normalise(words).work
    any_of: int | None = None
    negated = bool(_NONE_OF.search(work))
    if (
        (_ANY_OF.search(work) or _MARKED_ALTERNATIVES.search(words))
        and not _ALL_OF.search(work)
        and not negated
    ):
        # "none of" / "no X, including any of the following": each child is ruled out on its
        # own; as alternatives, lacking one would do
        counter[0] += 1
        any_of = counter[0]
    therapy = bool(_THERAPY.search(work))
    washout = bool(WASHOUT_INTRO.search(work))
    if parent is not None:
        negated = negated != parent.negated
        therapy = therapy or parent.therapy
        washout = washout or parent.washout
        if any_of is None:
            any_of = parent.any_of
    other_way_in = OR_INELIGIBLE.search(words)
    main = _BRACKETS.sub(" ", work)  # "(patients whose X is stable are allowed)": an aside
    permits = PERMISSION.search(main) is not None and _FOLLOWING.search(main) is not None
    return Context(
        words,
        any_of,
        negated,
        therapy,
        work,
        washout,
        _CONTRACEPTION.search(words) is not None,
        other_way_in.group(0).strip() if other_way_in else "",
        permits or (parent is not None and parent.permits),
    )
