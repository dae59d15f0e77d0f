"""The layout of an eligibility text: sections, items, nesting, continuation lines, cohort labels.

Works on the text exactly as received (escaped markdown) so that every item keeps the offsets of
its lines; the words are unescaped only for recognising headers. Three layouts are read:
markdown bullets (`* `, `- `, `1. `, nested by indentation), numbered or plain paragraphs, and
the older registry layout (one criterion per line, 2-space indents, no bullets) in which a line
ending with a colon introduces the lines that follow it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from criteria.context import PERMISSION
from criteria.text import number, unescape
from trialmatch.vocab import Section

_BULLET = re.compile(
    r"(?P<indent>[ \t]*)(?P<marker>(?:\\?[*\-+•·▪◦●■□➢►o]|\d{1,2}\\?[.)](?!\d)|\(\d{1,2}\\?\)"
    r"|[a-zA-Z]\\?[.)](?![a-zA-Z]\.)|\\?\([a-zA-Z]{1,4}\\?\)|[ivxIVX]{1,4}\\?[.)]))(?:[ \t]+|$)"
)
_ALNUM = re.compile(r"[^\W_]")
_INTRO_END = re.compile(
    r"(?::|\b(?:following|either|one of|any of|all of|as follows|criteria|below))\s*[.;]?$",
    re.IGNORECASE,
)
#: An introduction that says how many lines follow it ("If the patient meets the following 3
#: criteria, she is eligible."), with or without a colon.
_COUNTED_INTRO = re.compile(
    r"\b(?:the\s+)?following\s+(?P<n>[2-9]|two|three|four|five|six)\s+(?:criteria|conditions"
    r"|requirements)\b",
    re.IGNORECASE,
)

_STRONG_INTRO = re.compile(
    r"\b(?:the following|as follows|if they|who|below|one of|any of|all of|either)\b[^:]*:?\s*$",
    re.IGNORECASE,
)
#: An introduction whose flattened bullets are alternatives or a definition ("Must have had
#: either:", "Refractory to X, defined as:", "meets one of the following:").
_ROUTES_INTRO = re.compile(
    r"\b(?:either|one of(?: the following)?|any (?:one )?of the following|defined as(?: follows)?"
    r"|as follows)\s*:\s*$",
    re.IGNORECASE,
)
_FRAGMENT_START = re.compile(
    r"(?:[a-z0-9(]|(?:are|is|was|were|have|has|had|be|being|received|receiving|meet|meets"
    r"|and|or|a|an|any|with|without)\b)",
)


#: "* Or patients with HR+/HER2- breast cancer after two lines ...": the alternative to the item
#: before ("or if ..." is a condition, not an alternative).
_LEADING_OR = re.compile(r"^\W*or\b(?!\s+(?:if|when|where|unless)\b)", re.IGNORECASE)


def _ends_with_or(words: str) -> bool:
    """A bullet that ends with "or" (after it only non-word characters): the next bullet is its
    alternative. What `(?:^|[\\s,;])or\\W*$` (ignoring case) finds, read from the end of the
    string: the pattern would be tried at every position of the item."""
    end = len(words)
    while end and not (words[end - 1].isalnum() or words[end - 1] == "_"):  # not "\W"
        end -= 1
    if end < 2 or words[end - 2 : end].lower() != "or":
        return False
    return end == 2 or words[end - 3].isspace() or words[end - 3] in ",;"


# --- headers -------------------------------------------------------------------------------------

_SECTION_HEADER = re.compile(
    r"^(?P<pre>[^:.;]{0,80}?)\b(?P<which>inclusion|exclusion|eligibility|ineligibility)"
    r"(?:\s+(?:and|&|/)\s+(?:exclusion|inclusion))?(?:\s+criteri(?:a|on)s?)?\b"
    r"(?P<post>[^.;]{0,80}?)\s*:?\s*(?:\([^)]{0,80}\))?\s*[:.]?\s*$",
    re.IGNORECASE,
)
#: A protocol section number before a header ("4.2 Exclusion Criteria").
_SECTION_NUMBER = re.compile(r"^(?:\d{1,2}\.){1,3}\d{0,2}\.?\s+(?=[A-Za-z])")
#: "Major surgery within 4 weeks of inclusion": the word names a moment, not a section.
_TIME_OF = re.compile(
    r"\b(?:of|within|before|after|at|since|from|until|to|for|upon|prior to|following)\s*"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
_SENTENCE_VERB = re.compile(
    r"\b(?:does|do|did|apply|applies|are|is|must|will|should|may|can|might|were|was|have|has|had"
    r"|meet|meets|met|be)\b",
    re.IGNORECASE,
)
_SENTENCE_HEADER = re.compile(
    r"\b(?:inclusion criteria|exclusion criteria|not (?:be )?eligible|ineligible|excluded|exclude"
    r"|cannot join|can join|can take part|cannot take part|eligible to participate|must meet all"
    r"|enter the study|be enrolled|be included|eligibility criteria)\b",
    re.IGNORECASE,
)
_EXCLUSION_CUE = re.compile(
    r"\b(?:exclu\w*|not (?:be )?eligible|ineligible|cannot|not enter|will not|must not|not be"
    r"|can ?not)\b",
    re.IGNORECASE,
)
_COHORT = re.compile(
    r"\b(?i:(?:dose[- ]escalation|dose[- ]expansion|expansion|extension|escalation|randomi[sz]ed"
    r"|safety run-in|run-in)\s+)?(?i:cohorts?|parts?|arms?|phases?|groups?|substud(?:y|ies))"
    r"\s+(?:[A-Z0-9]{1,3}[a-z]?|I{1,3}V?|IV|V|[ivx]{1,4})\b"
    r"(?:\s*(?:to|and|or|-|,|&|/)\s*(?:[A-Z0-9]{1,3}[a-z]?)\b)*",
)
_FOR_COHORT = re.compile(
    r"^(?:for|in)\s+(?:the\s+)?(?P<label>[^:]{2,70}?\b(?:cohorts?|parts?|arms?|phases?|groups?"
    r"|patients|participants|subjects)\b[^:]{0,40}?)\s*(?:only)?\s*:",
    re.IGNORECASE,
)
#: "For the 1st-line expansion cohort ONLY, ...", "For Cohorts 5a, 5b, and 7, subjects must ...",
#: "For phase II, prior chemotherapy for advanced disease" (a phase of the trial enrols its own).
_FOR_COHORT_COMMA = re.compile(
    r"^(?:for|in)\s+(?:the\s+)?(?P<label>(?:[\w/+-]+\s+){0,5}?(?:cohorts?|parts?|arms?|groups?)"
    r"(?:\s+(?!only\b)[A-Z0-9]{1,3}[a-z]?\b(?:\s*(?:,|and|or|&)\s*(?:and\s+)?[A-Z0-9]{1,3}[a-z]?\b)*)?"
    r"|phases?\s+(?:I{1,3}V?|IV|[1-4])[ab]?\b)"
    r"(?P<note>)(?:\s+(?:portion|patients|participants|subjects))?(?:\s+only)?\s*,\s+(?=\S)",
    re.IGNORECASE,
)
_TOPIC_HEADER = re.compile(r"^[A-Z][A-Z0-9 ,/&()'-]{3,60}:?$")
_INLINE_COHORT = re.compile(
    r"^(?:\*\*)?(?:for\s+)?(?:the\s+)?(?P<label>(?:[\w/+-]+\s+){0,5}?(?:cohorts?|parts?|arms?"
    r"|phases?|groups?|substudy)(?:\s+(?!only\b)[A-Z0-9]{1,3}[a-z]?\b)?(?:\s*(?:and|or|,|&)\s*[A-Z0-9]{1,3}"
    r"\b)*|(?:cohorts?|parts?|arms?|phases?|groups?)\s+[A-Z0-9]{1,3}[a-z]?)"
    r"(?:\s*\((?P<note>[^()]{0,100})\))?(?:\s+(?:portion|patients|participants|subjects))?"
    r"(?:\s+only)?\s*(?:\*\*)?"
    r"\s*(?::\s+(?=\S)|:(?=[A-Z])|,\s*(?=(?:one|any|all|either|at least|each)\b[^:]{0,30}:\s*$))",
    re.IGNORECASE,
)


#: "(For cohort B): Primary tumour of at least 1 cm", "(Cohort A only) Measurable disease",
#: "(in Cohort 2) Progression after one prior ALK inhibitor".
_BRACKETED_LEAD = re.compile(
    r"^\(\s*(?:(?:for|in)\s+)?(?:the\s+)?(?P<label>(?:cohorts?|parts?|arms?|groups?)\s+[A-Z0-9]{1,3}[a-z]?"
    r"(?:\s*(?:,|and|or|&)\s*[A-Z0-9]{1,3}[a-z]?)*)(?P<note>)(?:\s+only)?\s*\)\s*:?\s*(?=\S)",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Header:
    span: tuple[int, int]
    section: Section | None
    cohort: str | None


@dataclass(slots=True)
class Item:
    """One source item: its lines (offsets into the original text) and where it sits."""

    index: int
    section: Section
    lines: list[tuple[int, int]]
    indent: int
    bullet: bool
    cohort: str | None = None
    parent: int | None = None
    children: list[int] = field(default_factory=list)
    intro: bool = False
    or_previous: int | None = None  #: an "OR" line joins this item to that one as alternatives
    #: its words as last read, with how many lines it had then (`_words` reads them often)
    said: tuple[int, str] = (0, "")

    @property
    def span(self) -> tuple[int, int]:
        return self.lines[0][0], self.lines[-1][1]


@dataclass(frozen=True, slots=True)
class Layout:
    items: list[Item]
    headers: list[Header]


@dataclass(slots=True)
class _Line:
    start: int  # content start (after any bullet marker)
    end: int  # content end (trailing space removed)
    indent: int
    bullet: bool
    words: str  # unescaped content


def _lines(text: str) -> list[_Line | None]:
    out: list[_Line | None] = []
    pieces = text.split("\n")  # the lines, without their "\n"
    if pieces[-1] == "":
        pieces.pop()  # a final newline (or an empty text) opens no line
    next_start = 0
    for piece in pieces:
        base, next_start = next_start, next_start + len(piece) + 1
        raw = piece.rstrip("\r")
        if not _ALNUM.search(raw) or raw.strip() == "<!-- -->":
            out.append(None)
            continue
        bullet = _BULLET.match(raw)
        if bullet and bullet.end() < len(raw.rstrip()):
            indent = len(bullet.group("indent").expandtabs(4))
            start = bullet.end()
            is_bullet = True
        else:
            stripped = raw.lstrip()
            indent = len(raw[: len(raw) - len(stripped)].expandtabs(4))
            start = len(raw) - len(stripped)
            is_bullet = False
        content = raw[start:].rstrip()
        glued = _GLUED_HEADER.search(content) if "riteria" in content else None
        if (
            glued is not None
            and is_bullet
            and len(content[: glued.start()].split()) >= 4
            and not _HEADER_QUALIFIER.search(content, 0, glued.start())
        ):
            # "* Negative pregnancy test Exclusion Criteria": the next section's header lost its
            # line break; it opens the section all the same
            head = content[: glued.start()].rstrip()
            out.append(_line(base + start, head, indent, is_bullet))
            out.append(_line(base + start + glued.start() + 1, glued.group(0).strip(), 0, False))
            continue
        out.append(_line(base + start, content, indent, is_bullet))
    return out


#: A section header at the end of an item's line, after the item's own words (at least four of
#: them: "Key Inclusion Criteria" and "Core Phase Exclusion Criteria" are headers whole).
_GLUED_HEADER = re.compile(r"\s(?:Key\s+)?(?:Inclusion|Exclusion)\s+Criteria\s*:?\s*$")


#: Words that make a header of what comes before "Inclusion Criteria" ("Cohort 2 Specific").
_HEADER_QUALIFIER = re.compile(
    r"(?:specific|key|main|major|additional|general|other|core phase|(?:cohort|part|phase|arm|"
    r"group|module)\s*[\w.-]{0,4}:?)\s*$",
    re.IGNORECASE,
)


def _line(start: int, content: str, indent: int, is_bullet: bool) -> _Line:
    words = unescape(content).replace("：", ":").replace("；", ";")
    return _Line(start, start + len(content), indent, is_bullet, words)


#: Words without which neither header pattern can match (a cheap test before them).
_HEADER_WORD = re.compile(
    r"inclusion|exclusion|eligib|exclud|join|take part|must meet all|enter the study|enrolled"
    r"|included|contraindication"
)
#: "Contraindications:" alone on a line (older layout): the exclusions follow.
_CONTRAINDICATIONS = re.compile(r"^contra-?indications?\s*(?:to\s+(?:the\s+)?study)?\s*:?$", re.I)


def section_header(words: str) -> Header | None:
    """A line that opens the inclusion or exclusion section (returns section and cohort)."""
    stripped = words.strip().strip("*#_ ").strip()
    if stripped[:1].isdigit():  # (every "\d" is a digit: the test never skips a number)
        stripped = _SECTION_NUMBER.sub("", stripped)
    if len(stripped) > 200 or _HEADER_WORD.search(stripped.lower()) is None:
        return None  # both kinds of header need one of these words
    if _CONTRAINDICATIONS.match(stripped):
        return Header((0, 0), Section.EXCLUSION, None)
    match = _SECTION_HEADER.match(stripped)
    if (
        match
        and not _SENTENCE_VERB.search(match.group("pre") + " " + match.group("post"))
        and not (_TIME_OF.search(match.group("pre")) and "criteri" not in stripped.lower())
        # "Prior treatment with, ineligibility for, or unavailability of ...": one of a list
        and not match.group("pre").rstrip().endswith(",")
    ):
        which = match.group("which").lower()
        section = (
            Section.EXCLUSION if which in {"exclusion", "ineligibility"} else Section.INCLUSION
        )
        if which == "inclusion" and re.search(r"\bexclusion\b", match.group(0), re.IGNORECASE):
            section = Section.INCLUSION
        return Header((0, 0), section, _cohort_in(stripped))
    if stripped.endswith(":") and len(stripped) <= 200 and _SENTENCE_HEADER.search(stripped):
        section = Section.EXCLUSION if _EXCLUSION_CUE.search(stripped) else Section.INCLUSION
        return Header((0, 0), section, _cohort_in(stripped))
    return None


def _cohort_in(words: str) -> str | None:
    match = _COHORT.search(words)
    if match:
        return match.group(0).strip()
    match = _FOR_COHORT.match(words.strip())
    return match.group("label").strip() if match else None


_ONLY = re.compile(r"\s+only$", re.IGNORECASE)


#: "Phase II Triple-negative Cohort - as of 2012 this cohort is closed to accrual".
_CLOSED_COHORT = re.compile(
    r"^(?P<label>(?:[\w/+-]+\s+){0,6}?(?:cohort|part|arm|group)(?:\s+[A-Z0-9]{1,3}[a-z]?)?)\b"
    r"\s*(?:[-–:,(]|\bis\b)[^.;]{0,60}?\b(?:closed|no longer (?:open|enrolling|recruiting"
    r"|accruing))\b[^.;]{0,30}[.)]?$",
    re.IGNORECASE,
)
#: A heading of the older layout that is only a cohort's name ("Phase II HER2-amplified Cohort").
_COHORT_HEADING = re.compile(
    r"^(?:phase\s+(?:I{1,3}V?|IV|[1-4])[ab]?\s+)?(?:[\w/+-]+\s+){0,3}cohort"
    r"(?:\s+with\s+[\w -]{1,30})?$",
    re.IGNORECASE,
)


def cohort_label(words: str, legacy: bool = False) -> str | None:
    """A line that is only a cohort, part or arm label ('Cohort A:', 'For the naive cohort:').
    A closed cohort's label says so ('Phase II TNBC Cohort - closed' is 'Phase II TNBC Cohort
    (closed)'); in the older layout a cohort's name alone on a line is its label."""
    stripped = words.strip().strip("*_ ").strip()
    low = stripped.lower()
    # Cheap tests first: each pattern needs its words ("closed" only in ASCII text, as
    # IGNORECASE matches "ſ" as "s"; "cohort" and "no longer" have no such letter).
    closed = (
        _CLOSED_COHORT.match(stripped)
        if "closed" in low or "no longer" in low or not stripped.isascii()
        else None
    )
    if closed and len(stripped.split()) <= 16:
        return closed.group("label").strip() + " (closed)"
    if (
        legacy
        and "cohort" in low
        and _COHORT_HEADING.match(stripped)
        and len(stripped.split()) <= 10
    ):
        return stripped
    if not stripped.endswith(":") or len(stripped.split()) > 12:
        return None
    body = stripped[:-1].strip()
    match = _COHORT.search(body)
    if match and len(body) - len(match.group(0)) <= 40:
        return _ONLY.sub("", body)
    match = _FOR_COHORT.match(stripped)
    return match.group("label").strip() if match else None


_COHORT_WORD = re.compile(r"cohort|part|arm|phase|group|substud")
#: "For RMC-4630 + Cobimetinib only - Participants ...", "For the combination arm only: ...".
_ARM_WORD = re.compile(r"\s+(?:arms?|cohorts?|groups?)$", re.IGNORECASE)
_FOR_ONLY = re.compile(
    r"^(?:\*\*)?for\s+(?:the\s+)?(?P<label>[^:;,.()]{2,60}?)\s+only\s*(?:-+|–|:)\s*(?=\S)",
    re.IGNORECASE,
)


def leading_cohort(words: str) -> tuple[str, int] | None:
    """A cohort label that opens an item, and where the item's own words start: 'Part 2 only:
    ...', 'Cohort 3 (first-line cohort): ...', 'Part 1A (drug X alone), one of:'. The label is
    returned without its note in brackets or 'only', so that one cohort has one name."""
    arm = _FOR_ONLY.match(words)
    if arm is not None:  # "For RMC-4630 + Cobimetinib only - ...": an arm named by its drugs
        return _ARM_WORD.sub("", arm.group("label").strip()), arm.end()
    if _COHORT_WORD.search(words.lower()) is None:
        return None  # no label without its noun
    match = (
        _INLINE_COHORT.match(words)
        or _FOR_COHORT_COMMA.match(words)
        or _BRACKETED_LEAD.match(words)
    )
    if not match:
        return None
    label = match.group("label").strip()
    if not (_COHORT.search(label) or re.search(r"cohort|arm|part|group|phase", label, re.I)):
        return None
    note = match.group("note")
    if note and re.search(r"\bclosed\b", note, re.IGNORECASE):
        label += " (closed)"  # "Cohort C (closed to enrolment): ...": the one note kept
    return label, match.end()


def inline_cohort(words: str) -> str | None:
    """A cohort label that opens an item: 'Part 2 only: ...', 'For the naive cohort: ...'."""
    found = leading_cohort(words)
    return found[0] if found else None


def _is_topic_header(line: _Line, legacy: bool) -> bool:
    """An upper-case heading ("PATIENT CHARACTERISTICS:", "INFORMATION FOR PARTICIPANTS")."""
    words = line.words.strip()
    if line.bullet or not _TOPIC_HEADER.match(words) or sum(ch.isalpha() for ch in words) < 4:
        return False
    if words.endswith(":"):
        return legacy or len(words.split()) <= 6
    return 2 <= len(words.split()) <= 6 and not any(ch.isdigit() for ch in words)


_LABEL = re.compile(r"^[A-Za-z][\w /,&()'-]{0,40}:$")
#: The older registry layout's topic labels, sometimes written without their colon.
_PDQ_LABEL = re.compile(
    r"^(?:age|sex|gender|menopausal status|performance status|life expectancy|ha?ematopoietic"
    r"|hepatic|renal|cardiovascular|cardiac|pulmonary|neurologic|gastrointestinal|metabolic|other"
    r"|surgery|radiotherapy|chemotherapy|endocrine therapy|hormonal therapy|biologic therapy"
    r"|immunotherapy|prior concurrent therapy|disease characteristics|patient characteristics)$",
    re.IGNORECASE,
)
_CONNECTOR = re.compile(r"^\W*(?:or|and|and/or)\W*$", re.IGNORECASE)


def is_label(words: str) -> bool:
    """A topic label that introduces the lines below it ('Hepatic:', 'Prior therapy:')."""
    stripped = words.strip()
    return (bool(_LABEL.match(stripped)) and len(words.split()) <= 4) or bool(
        _PDQ_LABEL.match(stripped)
    )


#: In a layout without bullets (where a list's entries stand at the level of its introduction),
#: a line that states a criterion of its own ends the list: the patient is its subject, or it is
#: a kind of criterion never listed as an alternative or a condition ("Patient must have either:"
#: / "Measurable disease" / "Bone lesions only" / "Patient has an ECOG performance status 2").
_OWN_CRITERION = re.compile(
    r"(?:the\s+)?(?:patients?|participants?|subjects?)\s+(?:must|should|shall|has|have|is|are"
    r"|will|may)\b|(?:ECOG|Eastern Cooperative|Karnofsky|Zubrod|(?:WHO\s+)?performance status"
    r"|life expectancy|signed|written informed|informed consent|willing|able to|ability to)\b",
    re.IGNORECASE,
)


#: The conditions of a permission ("... may participate if they meet all of the following:")
#: describe the patient it is about; a line about patients again is a criterion of its own.
_ON_CONDITION = re.compile(r"[^.]{0,40}?\b(?:if|provided|when|as long as)\b", re.IGNORECASE)
_PATIENTS_AGAIN = re.compile(r"(?:patients?|participants?|subjects?)\s+(?:who|with|whose)\b", re.I)


def _lets_in_on_condition(words: str) -> bool:
    permission = PERMISSION.search(words)
    return permission is not None and _ON_CONDITION.match(words, permission.end()) is not None


#: Words a criterion does not end with: the line goes on below ("... any other concurrent
#: systemic therapy, including" / "hormonal agents"; "... at doses greater than" / "those used
#: for replacement"). Lower case only: "Hepatitis A" ends a criterion.
_DANGLING_WORDS = ("including", "such as", "e.g.", "i.e.", "of", "with", "without", "to", "the",
                   "a", "an", "for", "in", "than", "by", "from", "that", "which", "who", "whom",
                   "whose", "as", "at", "on", "per", "via", "between", "within", "except",
                   "excluding", "other", "any", "are", "is", "be", "must", "if", "unless",
                   "using")  # fmt: skip
_DANGLING_END = re.compile(
    r"(?:^|\s)(?:" + "|".join(re.escape(word) for word in _DANGLING_WORDS) + r")\s*$"
)
#: An introduction without its colon ("postmenopausal is defined as" / "A prior bilateral
#: oophorectomy, or" / ...): its entries stay entries, none joins it.
_OPEN_INTRO_END = re.compile(
    r"\b(?:defined|consisting|composed|comprised|as follows|the following|one of|any of|either)"
    r"(?:\s+(?:as|of|by))?\s*$",
    re.IGNORECASE,
)
#: "and" / "or" at the end: the next line goes on when it starts in lower case ("... PI3K
#: inhibitors, or" / "other agents targeting AKT"); in upper case it is the other alternative.
_CONJUNCTIONS = ("and", "or", "and/or", "nor", "but")
_CONJUNCTION_END = re.compile(
    r"(?:^|[\s,;])(?:" + "|".join(_CONJUNCTIONS) + r")\s*$", re.IGNORECASE
)
#: A line that ends its sentence or clause: the next line is a criterion of its own.
_CLOSED_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)[.;:!?]$")
#: How far from its end a match of each end pattern can start in a line without trailing spaces
#: (where "$" is the end, so "\s*" takes nothing): one separating character and the longest word.
#: `_continuation_rule` searches only there: a search from the line's start tries every position
#: for nothing, and made up most of its time. The look-behinds and "\s" still see the characters
#: before, and "^" can match only when the search starts at 0, as it must.
_CLOSED_REACH = 1
_CONJUNCTION_REACH = 1 + max(len(word) for word in _CONJUNCTIONS)
_DANGLING_REACH = 1 + max(len(word) for word in _DANGLING_WORDS)
#: A line that opens with a word no criterion opens with ("with metastatic disease", "than
#: 1.5 x ULN", "those used for", "where W is the weight"): the line above goes on.
_CONTINUING_START = re.compile(
    r"(?:with|without|of|to|than|by|and|or|nor|but|that|which|who|whom|whose|where|as|from"
    r"|plus|including|excluding|unless|except|those|respectively|i\.e\.|e\.g\.)\b"
    r"(?!\s+situ\b)"
)
#: A formula line under the criterion that uses it ("Female CrCl = ((140 - age) x weight x
#: 0.85) / (72 x creatinine)"): a short name, "=", then arithmetic with brackets.
_FORMULA = re.compile(
    r"^[^=<>≤≥]{1,50}?(?<![<>=!])=(?![<>=])\s*(?=[^=]*[(\[])(?=(?:[^=]*?(?:\s[x×*/+-]\s|[×*/])){2})"
)


def _bracket_depth(words: str) -> int:
    return words.count("(") + words.count("[") - words.count(")") - words.count("]")


def _closes_bracket(words: str) -> bool:
    """The line closes a bracket it did not open ("intent) with the following ...")."""
    depth = 0
    for ch in words:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth < 0:
                return True
    return False


def _continues(above: str, words: str, in_list: bool = False) -> bool:
    """In the older layout (one line per element, no bullets), a line that only carries on the
    line above: the words above stop mid-phrase, or a bracket opened above closes here, or the
    line opens with a word that no criterion opens with, or it is a formula the line above
    uses. "Is receiving any other concurrent therapy, including" / "hormonal agents" is one
    criterion; "Prior tamoxifen" / "cardiac arrhythmia" are two, and so are "have an order
    for treatment; and" / "are willing to travel" (entries of a list)."""
    return _continuation_rule(above, words, in_list) is not None


def _continuation_rule(above: str, words: str, in_list: bool = False) -> str | None:
    above = above.rstrip()
    if _FORMULA.match(words):
        return "formula"
    size = len(above)
    if _CLOSED_END.search(above, max(0, size - _CLOSED_REACH)):
        return None
    conjunction = _CONJUNCTION_END.search(above, max(0, size - _CONJUNCTION_REACH))
    if conjunction is not None:
        # "..., PI3K inhibitors, or" / "other agents": one list; "...; or" / "have a pacemaker",
        # "..., or" / "are pregnant", "creatinine <= ULN OR" / "creatinine clearance > 60" and
        # the entries under "defined as:" ("no menses for 9 months or" / "...") are alternatives
        if (
            in_list
            or above[: conjunction.start() + 1].rstrip().endswith(";")
            or not conjunction.group(0).strip(" ,;").islower()
            or not words[:1].islower()
            or _CLAUSE_START.match(words)
        ):
            return None
        return "conjunction"
    if _DANGLING_END.search(above, max(0, size - _DANGLING_REACH)) and not (
        _OPEN_INTRO_END.search(above) or _OWN_CRITERION.match(words)
    ):
        return "dangling"
    if _bracket_depth(above) > 0 and _closes_bracket(words):
        return "bracket"
    start = _CONTINUING_START.match(words)
    if start is None or above.split()[0].lower() == start.group(0).lower():
        return None  # "with breast cancer on an AI" / "with no metastases": parallel entries
    return "start"


#: An entry of a list of clauses ("are pregnant or nursing", "have a pacemaker").
_CLAUSE_START = re.compile(
    r"(?:are|is|was|were|have|has|had|be|must|will|can|cannot|should|may|do|does|did|agree"
    r"|receive[ds]?|undergo|undergoing|meet|meets)\b"
)


def _leaves_list(entries: list[str], words: str) -> bool:
    """In the older layout, after list entries written in lower case ("tumour size > 2 cm" /
    "age < 35 years"), a long line with a capital is no entry of that list but a criterion of
    its own ("Had a known HER2 status before signing the consent")."""
    return (
        len(entries) >= 2
        and all(entry[:1].islower() for entry in entries)
        and words[:1].isupper()
        and len(words.split()) > 8
    )


def _is_fragment(words: str) -> bool:
    return bool(_FRAGMENT_START.match(words)) or len(words.split()) <= 6


def _mostly_plain(text: str, lines: list[_Line | None]) -> bool:
    """The older layout (one line per element, no blank lines) with a few dashed lines among
    many plain ones ("  - Clinical evidence of metastatic disease" under a plain line): its plain
    lines are elements of their own, not what the dashed line above goes on with. (Numbered
    lines are another matter: in texts wrapped at a fixed width, the plain lines after one carry
    on its sentence.)"""
    if None in lines:
        return False
    bullets = [line for line in lines if line is not None and line.bullet]
    if any(
        text[max(0, line.start - 4) : line.start].rstrip()[-1:] not in _DASHES for line in bullets
    ):
        return False
    plain = len(lines) - len(bullets)
    return plain >= 6 and plain >= 2 * len(bullets)


_DASHES = frozenset("-+*•·")


def _bullets_until_next_section(lines: list[_Line | None], start: int) -> bool:
    """Whether a bulleted line comes before the next inclusion or exclusion header."""
    for line in lines[start:]:
        if line is None:
            continue
        if line.bullet:
            return True
        header = section_header(line.words.strip())
        if header is not None and header.section is not None:
            return False
    return False


def layout(text: str) -> Layout:
    """Split an eligibility text into headers and items, with nesting and cohort labels."""
    lines = _lines(text)
    bulleted = any(line is not None and line.bullet for line in lines)
    bulleted = bulleted and not _mostly_plain(text, lines)
    bullet_mode = bulleted and _bullets_until_next_section(lines, 0)
    items: list[Item] = []
    headers: list[Header] = []
    section = Section.INCLUSION
    cohort: str | None = None
    stack: list[Item] = []  # open items, innermost last
    intro: Item | None = None  # an item whose following siblings are its (flattened) children
    intro_strong = False
    intro_lets_in = False  #: it lets patients in on conditions ("... may enter if:")
    intro_count = 0  #: how many lines the introduction says follow it (0: not said)
    previous: Item | None = None
    blank = True
    joined_or = False

    #: a label nested under an item ("3. Patients with:" / "   Phase 3 only:"): its indentation
    #: and the cohort before it, which an item less indented than the label returns to
    label_indent: int | None = None
    label_nests: bool | None = None  #: whether the label's items are nested under it
    outer_cohort: str | None = None

    def add(line: _Line, indent: int, bullet: bool) -> Item:
        nonlocal cohort, label_indent, label_nests
        if label_indent is not None and bullet:
            if label_nests is None:
                # its first item says how it governs: nested under it ("   * ...") or, at the
                # top level right after it ("9. ..."), every later item as a plain label does
                label_nests = line.indent >= label_indent
                if not label_nests:
                    label_indent = None
            elif line.indent < label_indent:
                cohort, label_indent = outer_cohort, None  # "4. Pathology confirmation ..."
        item = Item(len(items), section, [(line.start, line.end)], indent, bullet, cohort)
        own = inline_cohort(line.words)
        if own:
            item.cohort = own
        while stack and stack[-1].indent >= indent:
            stack.pop()
        if stack:
            item.parent = stack[-1].index
            if not own and stack[-1].cohort != cohort:
                item.cohort = stack[-1].cohort  # "Part 1A, one of:" governs its children
        items.append(item)
        stack.append(item)
        return item

    for position, line in enumerate(lines):
        if line is None:
            blank = True
            continue
        words = line.words.strip()
        header = None if (line.bullet and len(words) > 60) else section_header(words)
        if header is not None:
            if bulleted and header.section is not None:
                # a section of plain lines in an otherwise bulleted text ("Exclusion Criteria:"
                # then one criterion per line) has items of its own, not one long item
                bullet_mode = _bullets_until_next_section(lines, position + 1)
            section = header.section or section
            cohort = header.cohort
            label_indent = None
            headers.append(Header((line.start, line.end), section, cohort))
            stack.clear()
            intro, previous, blank = None, None, False
            continue
        label = (
            cohort_label(words, not bullet_mode)
            if not line.bullet or len(words) < 60 or "closed" in words.lower()
            else None
        )
        if label is not None and not _has_nested_children(lines, position, line):
            if label_indent is None:
                outer_cohort = cohort
            label_indent = line.indent if line.indent > 0 and bullet_mode else None
            label_nests = None
            cohort = label
            headers.append(Header((line.start, line.end), None, cohort))
            stack.clear()
            intro, previous, blank = None, None, False
            continue
        if _is_topic_header(line, not bullet_mode):
            headers.append(Header((line.start, line.end), None, None))
            stack.clear()
            intro, previous, blank = None, None, False
            continue
        if _CONNECTOR.match(words):
            # "OR" on a line of its own: the items around it are alternatives
            headers.append(Header((line.start, line.end), None, cohort))
            joined_or = words.strip(" .;:*").upper() != "AND"
            continue
        if (
            not bullet_mode
            and previous is not None
            and not blank
            and _continues(_words(text, previous), words, previous.parent is not None)
        ):
            previous.lines.append((line.start, line.end))
            if intro is previous and not previous.children and _FORMULA.match(words):
                # "... (by the formula below):" introduced the formula, not the lines after it
                previous.intro = False
                intro = items[previous.parent] if previous.parent is not None else None
                if intro is not None:
                    intro_words = _words(text, intro)
                    intro_strong = bool(_STRONG_INTRO.search(intro_words)) or is_label(intro_words)
                    intro_lets_in = _lets_in_on_condition(intro_words)
                    intro_count = 0
            continue
        if bullet_mode and not line.bullet and previous is not None:
            next_bullet = _next_is_bullet(lines, position)
            if not (words.endswith(":") and next_bullet) and (
                line.indent > 0
                or not blank
                or words[:1].islower()
                or words.lower().startswith(("note", "(", "and ", "or "))
            ):
                previous.lines.append((line.start, line.end))
                if (
                    previous is intro
                    and bullet_mode
                    and not words.lower().startswith(("note", "("))
                ):
                    # "* ... meeting one of the following:" with its ways in on its own lines:
                    # the bullets after it are not its children
                    intro = None
                blank = False
                continue
        if bullet_mode and not line.bullet:
            # A plain line in a bulleted text: an item of its own, or the introduction of the
            # bullets below it (which then become its children).
            item = add(line, -1 if words.endswith(":") else line.indent, False)
            if words.endswith(":") and _next_is_bullet(lines, position):
                item.intro = True
                item.indent = -1
            intro = None
        elif bullet_mode:
            _close_enumerated_intro(stack, items, text, line.indent)
            item = add(line, line.indent, True)
        else:
            item = add(line, 0, False)  # layouts without bullets: indentation is not reliable
        if joined_or and previous is not None:
            item.or_previous = previous.index
            joined_or = False
        # (every match holds "follow": most lines are not searched)
        counted = _COUNTED_INTRO.search(words) if "follow" in words.lower() else None
        labelled = words.endswith(":") or is_label(words) or counted is not None
        if intro is not None and item.parent == intro.index and item.indent > intro.indent:
            intro = None  # its children are nested: the items after them are not its children
        if item.parent is None and intro is not None and item.indent == intro.indent:
            sibling_label = labelled and is_label(_words(text, intro))
            if not bullet_mode and (
                (_OWN_CRITERION.match(words) and not is_label(_words(text, intro)))
                # "Patient has an ECOG PS <= 2" after "must have either:"
                or (_PATIENTS_AGAIN.match(words) and intro_lets_in)
                # "Patients who had radiotherapy <= 4 weeks before" after "... may participate
                # if all of the following:"
            ):
                sibling_label = True  # a criterion of its own
            if (
                not bullet_mode
                and not is_label(_words(text, intro))
                and _leaves_list([_words(text, items[c]) for c in intro.children], words)
            ):
                sibling_label = True
            if intro_count:  # "the following 3 criteria": that many lines, whatever they say
                sibling_label = len(intro.children) >= intro_count
            if not sibling_label and (
                (intro_strong and not bullet_mode)
                or _is_fragment(words)
                or (bullet_mode and _next_route(text, items, intro))
            ):
                item.parent = intro.index
                if item.cohort == cohort and intro.cohort != cohort:
                    item.cohort = intro.cohort
            else:
                intro = None
        if (
            previous is not None
            and section == Section.INCLUSION
            and item.or_previous is None
            and previous.parent == item.parent
            and previous.indent == item.indent
            and (_ends_with_or(_words(text, previous)) or _LEADING_OR.match(words))
        ):
            item.or_previous = previous.index  # "* A, or" / "* B", "* A" / "* Or B": alternatives
        elif (
            previous is not None
            and section == Section.INCLUSION
            and item.or_previous is None
            and previous.parent is not None
            and not items[previous.parent].intro  # "defined as:" lists its own alternatives
            and items[previous.parent].parent == item.parent
            and items[previous.parent].indent == item.indent
            and _ends_with_or(_words(text, previous))
        ):
            # "* A measurable lesion" / "  * 20 mm ..., or" / "* Bone lesions ...": the "or"
            # that ends A's last sub-line joins A and the next item
            item.or_previous = previous.parent
        if item.parent is not None:
            items[item.parent].children.append(item.index)
            if not items[item.parent].intro:
                parent_words = _words(text, items[item.parent])
                items[item.parent].intro = bool(
                    _INTRO_END.search(parent_words) or _COUNTED_INTRO.search(parent_words)
                )
        if labelled and not words.endswith(":") and item.parent is not None and intro_strong:
            labelled = False  # "Radiotherapy" in a list "including any of the following:" is an
            # entry of that list, not the topic label of the lines after it
        if labelled:
            # Nested children (deeper indentation) find this item through the stack; flattened
            # ones (same indentation, as the registry often stores them) through `intro`.
            intro = item
            intro_strong = bool(_STRONG_INTRO.search(words)) or is_label(words)
            intro_lets_in = not bullet_mode and _lets_in_on_condition(words)
            intro_count = number(counted.group("n")) if counted else 0
            item.intro = True
        previous = item
        blank = False
    for item in items:
        if item.intro and not item.children:
            item.intro = False
    return Layout(items, headers)


def _next_route(text: str, items: list[Item], intro: Item) -> bool:
    """In a bulleted text, a bullet right after "either:" / "defined as:" / "one of the
    following:" at the same indentation is that introduction's first child, and the bullets after
    it are further children while the child before ends with "or" ("* relapse within 12 months
    of adjuvant X, or" / "* progression on X for advanced disease")."""
    if not _ROUTES_INTRO.search(_words(text, intro)):
        return False
    if not intro.children:
        return True
    return _ends_with_or(_words(text, items[intro.children[-1]]))


#: A line that holds a whole lettered list ("A." may be its bullet): "Breast cancer ... B.
#: Colorectal cancer ...".
_ENUMERATED = re.compile(r"\sB[.)]\s+[A-Z]")


def _close_enumerated_intro(stack: list[Item], items: list[Item], text: str, indent: int) -> None:
    """'... one of the following types:' whose only child holds the whole lettered list on one
    line ('A. breast ... B. colorectal ... C. ...'): the bullets after it are not its children."""
    for depth in range(len(stack) - 1, -1, -1):
        opened = stack[depth]
        if opened.indent >= indent:
            continue
        if (
            opened.intro
            and len(opened.children) == 1
            and _ENUMERATED.search(_words(text, items[opened.children[0]]))
        ):
            del stack[depth:]
        return


def _words(text: str, item: Item) -> str:
    """The item's words (unescaped), read again only when it has gained a line."""
    count, words = item.said
    if count != len(item.lines):
        words = unescape(" ".join(text[s:e].strip() for s, e in item.lines))
        item.said = (len(item.lines), words)
    return words


def _next_is_bullet(lines: list[_Line | None], position: int) -> bool:
    for line in lines[position + 1 :]:
        if line is not None:
            return line.bullet
    return False


def _has_nested_children(lines: list[_Line | None], position: int, current: _Line) -> bool:
    """A bulleted 'Cohort A:' with deeper bullets below is a list intro, not a bare label."""
    if not current.bullet:
        return False
    for line in lines[position + 1 :]:
        if line is not None:
            return line.bullet and line.indent > current.indent
    return False
