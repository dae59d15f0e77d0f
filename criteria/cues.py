"""Cues that change what a phrase means: negation, exceptions, settings, time windows, hedges.

All functions read the normalised working string (see `criteria.text`), so comparators are
already ">=", "<=", ... and number words are digits.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

from criteria.fastre import Fast, gate_words

# --- negation -----------------------------------------------------------------------------------

#: Words before a phrase, in the same clause, that turn the statement around.
_NEG_BEFORE = Fast(
    r"\b(?:no|not|never|without|none|neither|nor|absence of|free of|lack of|lacking|excluding"
    r"|must not|should not|may not|cannot|can not|did not|does not|do not|has not|have not"
    r"|had not|is not|are not|was not|were not|naive to|na[iï]ve (?:to|from|of)"
    r"|(?:had|have|has|did|does|do|is|are|was|were|must|should)n['’]t"
    r"|(?:sero-?)?negative for"
    r"|negative (?:tests?|results?|screen\w*)(?: (?:or|and/or)(?: \w+){1,3}?)? for"
    r"|untreated (?:with|by))\b",
    first=True,
)
#: Phrases with a negation word that do not negate ("no more than" is already "<=").
_NOT_NEGATION = Fast(
    r"\b(?:not (?:amenable|candidates?|eligible for|suitable for|limited to|be limited to"
    r"|otherwise|applicable|specified|required|necessary|only|necessarily|considered|exceed)"
    r"|not\s+a\s+candidate|whether or not|if not|or not|non[- ]?small|no (?:longer|later|more|less)"
    r"|not (?:yet )?(?:recovered|resolved)|not been (?:recovered|resolved)|no evidence of disease"
    r"|no other (?:standard|therapeutic|treatment) options?|no (?:standard|available|curative)"
    r"|not (?:be )?(?:a )?(?:suitable|appropriate) candidates?"
    r"|not[\s-]+(?:\w+\s+)?(?:irradiated|chosen|biopsied|selected|used for)"
    r"|(?:do|does|did) not exist|(?:is|are|was|were) not (?:\w+\s+)?(?:available|possible|feasible)"
    # "resistance to, lack of response to, or intolerance of X": a failure of X, not its absence
    r"|lack of (?:response|benefit|efficacy|clinical benefit))\b"
)
#: "no or one prior line", "no or <= 1 earlier line": a count from zero, not a negation. It is
#: matched in the whole text: the count's own phrase may begin at its "<=" or number, inside it.
_NONE_OR_COUNT = re.compile(
    r"(?:no|none|zero|0)\s+or\s+(?:<=|at most|up to|(?:one|1)\b)", re.IGNORECASE
)
#: Clause boundaries: negation does not cross them.
#: A full stop after "e.g.", "i.e.", "etc." or "vs." ends no sentence.
ABBREVIATION = r"(?<!e\.g)(?<!i\.e)(?<!\betc)(?<!\bvs)(?<!\bapprox)"
#: A full stop that ends no abbreviation: what `ABBREVIATION + r"\."` matches, written stop first
#: (the look-behinds include the stop), so that the engine tries them only where there is a stop
#: instead of at every position (several times faster over a whole item).
FULL_STOP = r"\.(?<!e\.g\.)(?<!i\.e\.)(?<!\betc\.)(?<!\bvs\.)(?<!\bapprox\.)"
#: A sentence ends at "; " or at a full stop (not an abbreviation's) before a space.
SENTENCE_END = re.compile(r";\s|" + FULL_STOP + r"\s")


def sentence_start(w: str, position: int) -> int:
    """Where the sentence containing `position` begins."""
    ends = [m.end() for m in SENTENCE_END.finditer(w, 0, position)]
    return ends[-1] if ends else 0


def sentence_stop(w: str, position: int) -> int:
    """Where the sentence containing `position` ends (its end mark, or the end of `w`)."""
    end = SENTENCE_END.search(w, position)
    return end.start() if end else len(w)


#: Clause boundaries, in two passes that together find what one alternation would (the first
#: starts at a punctuation mark, which the regular expression engine looks for quickly).
_CLAUSE_MARK = re.compile(
    r"[;:!?.)](?:(?<=[;:!?])\s|(?<=[;:])|(?<=\.)(?<!e\.g\.)(?<!i\.e\.)(?<!\betc\.)(?<!\bvs\.)"
    r"(?<!\bapprox\.)\s|(?<=\))\s*,|(?<=\))\s)"
)
_CLAUSE_WORD = re.compile(r"\s(?:but|however|although|whereas|unless|except)\b")
_CLAUSE_WORD_GATE = re.compile(r" (?:but|how|alth|wher|unl|exc)")
#: The same boundaries as one pattern (for `clause_spans` callers that need a single regex).
_CLAUSE = re.compile(
    r"[;:!?]\s|" + ABBREVIATION + r"\.\s|[;:]|\s(?:but|however|although|whereas|unless"
    r"|except)\b|\)\s*,|\)\s"
)
#: Words after a phrase that turn it around ("brain metastases are not allowed").
#: "(was) not eligible for standard treatment" says what the patient could not have; "not
#: eligible for the trial" excludes.
_FOR_TREATMENT = (
    r"(?!\s+for\s+(?!(?:the\s+|this\s+)?(?:study|trial|protocol|phase|part|cohort|arm|enrol"
    r"|participation)))"
)
_NEG_AFTER = Fast(
    r"^[^;.]{0,60}?\b(?:(?:should|must|shall|may)\s+not\s+have\s+been\s+(?:given|received"
    r"|administered)|(?:is|are|will be|be|were|was)\s+(?:not\s+(?:allowed|permitted"
    r"|eligible"
    + _FOR_TREATMENT
    + r"|acceptable|included|(?:been\s+)?(?:performed|given|received|administered|used|done))"
    r"|excluded|ineligible"
    + _FOR_TREATMENT
    + r"|prohibited|not allowed)|not allowed|not permitted|excluded|ineligible"
    + _FOR_TREATMENT
    + r"|prohibited|are not eligible"
    + _FOR_TREATMENT
    + r")\b"
)
_NAIVE = Fast(r"^[\s-]*(?:na[iï]ve|free|untreated|unexposed)\b")


@lru_cache(maxsize=256)
def _clause_ends(work: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of every clause boundary in the string, computed once per string."""
    spans = [match.span() for match in _CLAUSE_MARK.finditer(work)]
    if _CLAUSE_WORD_GATE.search(work):
        words = [m.span() for m in _CLAUSE_WORD.finditer(work)]
        merged: list[tuple[int, int]] = []
        for span in sorted(spans + words):
            # a word boundary right after a mark that took its space is no boundary of its own
            if merged and span[0] < merged[-1][1]:
                continue
            merged.append(span)
        spans = merged
    return tuple(spans)


@lru_cache(maxsize=256)
def _boundary_ends(work: str) -> tuple[int, ...]:
    """Where each clause boundary ends (increasing: the boundaries do not overlap)."""
    return tuple(end for _, end in _clause_ends(work))


def clause_start(work: str, position: int) -> int:
    """Where the clause containing `position` begins: the end of the last boundary before it."""
    ends = _boundary_ends(work)
    index = bisect_right(ends, position)
    return ends[index - 1] if index else 0


_NEW_VERB = re.compile(
    r"\b(?:and|who|which|that)\s+(?:has|have|had|is|are|must|with)\b"
    # "no deterioration over 2 weeks and a minimum life expectancy": a new, plain conjunct
    r"|\band\s+(?:an?|the)\s+(?:minimum|maximum|minimal|life|stable)\b"
    r"|,\s*(?:the\s+|all\s+)?(?:patients?|participants?|subjects?)\s+(?:must|should|shall|will"
    r"|may|has|have|is|are)\b"
)


def negated_before(work: str, start: int, window: int = 70) -> bool:
    """A negation cue in the same clause shortly before `start`."""
    begin = max(clause_start(work, start), start - window)
    before = work[begin:start]
    for match in _NEG_BEFORE.finditer(before):
        rest = before[match.start() :]
        if _NOT_NEGATION.match(rest) or _NONE_OR_COUNT.match(work, begin + match.start()):
            continue
        if _WITH_OR.search(before, 0, match.start()):
            continue  # "with or without brain metastases": either will do
        # "no ... or ..." reaches over lists, but not over a second verb phrase or a new
        # subject ("with no barriers to access, patients must have received X")
        between = before[match.end() :]
        if _NEW_VERB.search(between) or _EITHER_WAY.search(between):
            continue  # (or "without X, with or without Y": Y either way)
        if match.group(0).lower() == "without" and _AFTER_EVENT.search(between):
            continue  # "without T790M after first-generation TKI failure": the TKI was had
        return True
    return False


_AFTER_EVENT = re.compile(
    r"(?<!\bthe )(?<!\bor )(?<!\band )\b(?:after|following)\s+(?:\w+\s+){0,4}$", re.IGNORECASE
)
_WITH_OR = re.compile(r"\bwith\s*(?:or|/)\s*$", re.IGNORECASE)
_EITHER_WAY = re.compile(r"\bwith\s*(?:or|/)\s*without\b", re.IGNORECASE)
_ALLOWED_IF = re.compile(
    r"\b(?:allowed|permitted|eligible|acceptable)\s+(?:only\s+)?(?:if|provided|when|as long as)\b",
    re.IGNORECASE,
)


def negated_after(work: str, end: int) -> bool:
    """'... are not allowed', '... excluded', '(HIV) negative' right after the phrase; not the
    words of a bracket opened after it ("EGFR TKI (third-generation TKIs are not included)"),
    which speak of the bracket's own subject."""
    found = _NEG_AFTER.match(work[end:])
    if found is not None:
        said = work[end : end + found.end()]
        if said.count("(") > said.count(")") or _ALLOWED_IF.search(said):
            found = None  # "X is allowed if it was not given with Y": the "not" is the if's
    return bool(found or _NEGATIVE_AFTER.match(work[end:]))


#: "HIV negative", "HIV (test) seronegative", "hepatitis B-negative".
_NEGATIVE_AFTER = re.compile(
    r"^\s*(?:infection\s+|virus\s+|(?:surface\s+)?antigen\s+|antibod(?:y|ies)\s+)?"
    r"(?:\([^()]{1,12}\)\s*)?(?:test\s+|status\s+)?-?\s*"
    r"(?:sero-?)?negative\b",
    re.IGNORECASE,
)


def naive_after(work: str, end: int) -> bool:
    """'CDK4/6 inhibitor-naive', 'treatment-naive'."""
    return bool(_NAIVE.match(work[end:]))


# --- permissions and hedges ---------------------------------------------------------------------

_PERMISSIVE = Fast(
    r"\b(?:(?:is|are|will be|may be|can be|would be)\s+(?:\w+\s+)?(?:allowed|permitted|eligible"
    r"|acceptable|accepted|included|enrolled|allowable)|allowed|permitted|acceptable|eligible"
    r"|may (?:have|be|receive|enrol|participate|continue)|can (?:have|be|participate)"
    r"|is not an exclusion|are not excluded|regardless of|irrespective of|with or without)\b"
)
_REQUIRED_NEG = Fast(
    r"\b(?:not (?:be )?(?:allowed|permitted|eligible|acceptable)|ineligible|not be (?:included"
    r"|enrolled))\b"
)


def permissive(clause: str) -> bool:
    """A clause that allows rather than requires ('treated brain metastases are allowed')."""
    return bool(_PERMISSIVE.search(clause)) and not _REQUIRED_NEG.search(clause)


# --- exceptions ---------------------------------------------------------------------------------

#: Fragments without which `exceptions` finds nothing (a fast gate).
EXCEPTION_WORDS = gate_words(
    "except",
    "unless",
    "other than",
    "apart from",
    "excluding",
    "excluded are",
    "but not",
    "save for",
    "not including",
    "beyond",
    "in addition to",
)
_EXCEPTION = Fast(
    r"(?:\(\s*)?\b(?:except(?:ion)?(?:\s+(?:for|of|in|that|when|if))?|with the exception of"
    r"|in addition to"
    r"|unless|other than|apart from|excluding|excluded are|but not(?! limited)|save for"
    r"|not including|(?<!weeks )(?<!week )(?<!days )(?<!day )(?<!months )(?<!years )"
    r"beyond(?= (?:the |a |\d+ |first |initial )?(?:\w+[\s-]+){0,3}?"
    r"(?:regimens?|lines?|therap|treatment|chemotherap|inhibitors?|TKIs?))"
    r"|with the exceptions? of)\b",
    first=True,
)
#: An exception that can open an item before its rule ("Except for alopecia, any ...").
_OPENING_EXCEPTION = re.compile(r"(?:with the exceptions? of|except(?:ion)?(?: for| of)?)$", re.I)
#: Where the rule after such an opening exception starts.
_RULE_AFTER_COMMA = re.compile(
    r",\s*(?=(?:any|all|the|patients?|subjects?|participants?|unresolved|persistent|ongoing"
    r"|residual|toxicit\w*|adverse)\b)",
    re.IGNORECASE,
)
_EXCEPTION_END = re.compile(r"\)|;|\.(?:\s|$)|\s(?:and|or)\s+(?:no|must|have|has|is|are)\b")


@dataclass(frozen=True, slots=True)
class Exception_:
    start: int  #: where the exception clause starts in the working string
    end: int
    body_start: int  #: where its content starts (after "except for")


def exceptions(work: str) -> list[Exception_]:
    """'except ...', 'unless ...', 'other than ...' clauses, with their extent."""
    found: list[Exception_] = []
    for match in _EXCEPTION.finditer(work):
        if found and match.start() < found[-1].end:
            continue
        if match.group(0).lower().endswith("addition to") and not _OTHER_BEFORE.search(
            work, max(0, match.start() - 60), match.start()
        ):
            continue  # "X in addition to Y" is both; "any other X in addition to Y", X but Y
        opened = work[match.start()] == "("
        if not opened and _COLON_AFTER.match(work, match.end()):
            # "... cord compression. Except: stable CNS disease (no progression for 4 weeks), no
            # radiotherapy within 4 weeks, ...": the sentence describes who is let in, brackets
            # and all
            stop = _SENTENCE_STOP.search(work, match.end())
            found.append(
                Exception_(match.start(), stop.start() if stop else len(work), match.end())
            )
            continue
        if opened:
            close = work.find(")", match.end())
            end = close + 1 if close != -1 else len(work)
        else:
            stop = _EXCEPTION_END.search(work, match.end())
            end = stop.start() if stop else len(work)
            rule = _RULE_AFTER_COMMA.search(work, match.end(), end)
            if (
                rule is not None
                and not work[: match.start()].strip(" *-•\t")
                and _OPENING_EXCEPTION.match(match.group(0))
            ):
                end = rule.start()  # "With the exception of alopecia, any unresolved toxicity":
                # the exception that opens an item ends where the rule begins
            # a parenthesis opened inside the exception closes inside it
            if work.count("(", match.end(), end) > work.count(")", match.end(), end):
                close = work.find(")", end)
                end = close + 1 if close != -1 else len(work)
            elif work.count(")", match.end(), end) > work.count("(", match.end(), end):
                end = work.find(")", match.end())
        if _CROSS_REFERENCE.fullmatch(work, match.end(), max(end, match.end())):
            continue  # "with the exception noted below": the next items state it
        if match.group(0).lower().endswith("addition to"):
            comma = work.find(",", match.end(), end)
            end = comma if comma != -1 else end  # "in addition to steroids, or ...": one name
        found.append(Exception_(match.start(), max(end, match.end()), match.end()))
    return found


_COLON_AFTER = re.compile(r"\s?:")
_SENTENCE_STOP = re.compile(r";|\.(?:\s|$)")
_OTHER_BEFORE = re.compile(r"\b(?:other|another|additional)\b[^.;,]*$", re.IGNORECASE)
#: What an exception says when it only points elsewhere: "(with the exception) noted below".
_CROSS_REFERENCE = re.compile(
    r"\s*(?:(?:as\s+)?(?:noted|listed|described|specified|stated|given|outlined|detailed)\s+)?"
    r"(?:below|above|hereafter|in\s+the\s+following)\W*",
    re.IGNORECASE,
)


def inside(spans: list[Exception_], position: int) -> Exception_ | None:
    for span in spans:
        if span.body_start <= position < span.end:
            return span
    return None


# --- settings, windows, durations ---------------------------------------------------------------

_UNIT_DAYS = {"day": 1, "week": 7, "wk": 7, "month": 30, "mo": 30, "year": 365, "yr": 365}
_DURATION = r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>days?|d\b|weeks?|wks?|months?|mos?\b|years?|yrs?)"
#: "5 half-lives", "5 x the terminal half-life", "5 × t1/2": a washout that depends on the drug
_HALF_LIFE = (
    r"\s*(?:x|×|times)?\s*(?:(?:the|its|their|drug|drug-elimination|elimination|terminal|phase"
    r"|plasma)\s+){0,3}(?:half[- ]?li(?:ves|fe)|t\s*1/2|t½)"
)
_ABOUT = r"(?:approximately\s+|approx\.?\s*|about\s+|~\s*)?"
_WITHIN = Fast(
    r"(?:\bwithin(?:\s+at\s+least|\s*>=)?|\b(?:in|during) the (?:last|past|previous|preceding)|<=?"
    r"|\blast|\bfor)"
    r"\s*(?:\(\s*)?(?:the\s+)?(?:last\s+|past\s+|previous\s+|prior\s+|preceding\s+)?"
    + _DURATION
    + r"(?:\s*\))?(?:\s*(?:or\s+"
    + _ABOUT
    + r"\d+"
    + _HALF_LIFE
    + r"[^,;]*?"
    r"|\(\s*" + _ABOUT + r"\d+" + _HALF_LIFE + r"[^)]*\))?)"
    r"(?=\s*(?:\w+\s+){0,3}(?:before|prior|of|from|preceding|since|until|to)\b"
    r"|\s*after\s+(?:the\s+)?(?:latest|last|previous|prior|final)\b|\s*$|\s*[,;.()]"
    # "within 4 weeks or concurrently": the window, and use now besides
    r"|\s*or\s+(?:concurrent|concomitant|simultaneous|current|ongoing)\w*)",
    first=True,
)
_BEFORE = Fast(
    r"(?:<=?|\b)" + _DURATION + r"\s+(?:\w+\s+){0,2}(?:before|prior to|preceding)\b", first=True
)


_A_DURATION = re.compile(_DURATION, re.IGNORECASE)


def duration_days(text: str) -> int | None:
    """The first duration written in `text`, in days ("Chemotherapy: 3 weeks" -> 21)."""
    found = _A_DURATION.search(text)
    return days(float(found.group("n")), found.group("unit")) if found else None


def days(n: float, unit: str) -> int:
    key = unit.lower().rstrip("s") if unit.lower() not in {"d", "mos"} else unit.lower()
    key = {"d": "day", "mos": "mo"}.get(key, key)
    return round(n * _UNIT_DAYS.get(key, 1))


def within_days(work: str) -> tuple[int, int, int] | None:
    """'within 14 days before the first dose' -> (14, start, end) in the working string."""
    match = next(
        (
            m
            for m in _WITHIN.finditer(work)
            if not _AGE_BEFORE.search(work, 0, m.start()) and not _AGE_AFTER.match(work, m.end())
        ),
        None,
    )
    match = match or _BEFORE.search(work)
    if not match:
        return None
    return days(float(match.group("n")), match.group("unit")), match.start(), match.end()


_HALF_LIVES = Fast(r"\b(?P<half_lives>\d+(?:\.\d+)?)" + _HALF_LIFE)
_OR_BOUND = r"\s*[,(]?\s*or\s+(?:at least\s+|(?:no|not) (?:more|less) than\s+|[<>]=?\s*)?" + _ABOUT
#: a number of days given beside the half-lives: "5 half-lives or 3 months, whichever is longer"
_HALF_LIVES_OR_DAYS = (
    Fast(
        r"\b\d+(?:\.\d+)?" + _HALF_LIFE + r"(?:\s+of\s+(?:the\s+)?\w+)?"
        r"(?:" + _OR_BOUND + r"|\s+(?:is|are)\s+|\s*=\s*)" + _DURATION
    ),
    Fast(_DURATION + _OR_BOUND + r"\d+(?:\.\d+)?" + _HALF_LIFE),
)
HALF_LIFE_WORDS = gate_words("half", "t1/2", "t½")


def half_life_window(work: str) -> tuple[int | None, float | None]:
    """A washout counted in half-lives: (days, None) when the text also gives a number of days
    ("5 half-lives or 4 weeks, whichever is shorter": the days are the part a reader can check),
    else (None, half-lives) ("completed within 5 half-lives of enrolment"), else (None, None)."""
    for pattern in _HALF_LIVES_OR_DAYS:
        if (both := pattern.search(work)) is not None:
            return days(float(both.group("n")), both.group("unit")), None
    match = _HALF_LIVES.search(work)
    return (None, float(match.group("half_lives"))) if match else (None, None)


#: "age < 60 years" is an age, not a time window
_AGE_BEFORE = re.compile(r"\bage[ds]?\s*(?:of\s*|is\s*|:\s*)?$", re.IGNORECASE)
_AGE_AFTER = re.compile(r"\s*(?:of\s+age|old)\b", re.IGNORECASE)  #: "under 40 years of age"


def months(n: float, unit: str) -> float:
    unit = unit.lower()
    if unit.startswith(("y",)):
        return n * 12
    if unit.startswith(("w", "wk")):
        return round(n / 4.345, 2)
    if unit.startswith("d"):
        return round(n / 30.44, 2)
    return n


_SETTINGS = (
    (
        "neoadjuvant",
        Fast(
            r"\b(?:neo-?\s*adjuvant|pre-?operative|peri-?operative|neo/adjuvant)"
            r"|\(neo\)\s*-?adjuvant|\bneo\s*\(\s*adjuvant\s*\)"
        ),
    ),
    (
        "adjuvant",
        Fast(
            r"(?<!neo)(?<!neo-)\badjuvant|\(neo\)\s*-?adjuvant|neo/\s*adjuvant"
            r"|\bneo\s*\(\s*adjuvant\s*\)"
            r"|\b(?:post|peri)-?operative"
            r"|\bearly(?:[- ]stage)? (?:breast )?(?:cancer|disease|setting)"
            # "in the early or advanced setting", "localized or metastatic setting"
            r"|\b(?:early|locali[sz]ed)(?:[- ]stage)?\s*(?:,|or|and|/)\s*(?:[\w-]+,?\s+){0,5}?"
            r"(?:settings?|disease|nsclc|cancer|breast cancer)\b"
            r"|\bcurative(?:[- ]intent)?"
            r"\s+(?:setting|treatment|therapy)"
            # "(TKI) prior to developing metastatic disease": before it, so in the early setting
            r"|\b(?:prior to|before)\s+(?:the\s+)?(?:develop\w*|diagnosis|onset|occurrence)\s+"
            r"(?:of\s+)?(?:metastatic|advanced|recurrent)"
        ),
    ),
    (
        "metastatic",
        Fast(
            r"(?<!non-)(?<!non )(?<!developing )(?<!development of )(?<!onset of )"
            r"(?<!prior to diagnosis of )(?<!before diagnosis of )"
            r"\b(?:metastatic|advanced|recurrent|palliative|stage (?:IV|4)|m?BC\b"
            r"|ABC\b"
            r"|(?:first|second|third|1st|2nd|3rd|later)[- ]line|locally advanced|unresectable"
            r"|non-curative|incurable)"
        ),
    ),
)


_SETTING_WORDS = (
    "adjuvant",
    "operative",
    "early",
    "curative",
    "metasta",
    "advanced",
    "recurr",
    "palliat",
    "stage",
    "bc",
    "line",
    "unresect",
    "incurab",
    "locali",
)


_SETTING_GATE = re.compile("|".join(_SETTING_WORDS))


def settings_in(words: str) -> tuple[str, ...]:
    """Therapy settings named in a span of the working string, in a fixed order."""
    low = words.lower()
    if _SETTING_GATE.search(low) is None:
        return ()
    return tuple(name for name, pattern in _SETTINGS if pattern.search(words, low))
