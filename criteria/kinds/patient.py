"""The person: performance status, age, sex, menopausal status, life expectancy."""

from __future__ import annotations

import re

from criteria import cues
from criteria.extract import Draft, ItemView
from criteria.fastre import Fast, gate_words, pattern_words
from trialmatch.vocab import Section

# --- performance status -------------------------------------------------------------------------

_MENOPAUSE_WORDS = gate_words("menopaus")
_VALUE = (
    r"(?P<cmp>>=|<=|>|<|=)?\s*(?P<a>\d{1,3})\s*%?"
    r"(?:\s*(?:-|to|~|or|,|and)\s*(?P<b>\d{1,3})\s*%?)?(?:\s*(?:,|or|,\s*or|and)\s*(?P<c>\d{1,3}))?"
    r"(?:\s*(?:,|or|,\s*or|and)\s*(?P<d>\d{1,3}))?"
    r"(?:\s*(?:or|and)\s*(?P<post>higher|greater|more|above|better|less|lower|below|under))?"
)
_ECOG = Fast(
    r"\b(?:ECOG|Eastern Cooperative Oncology Group|WHO|World Health Organi[sz]ation|Zubrod)"
    r"(?:\s*[(\[](?:ECOG|WHO)[)\]])?(?:[\s-]*(?:(?:performance|status|standard|score|scale|grade|PS"
    r"|criteria|of|is|must be|level|value|within|between|range|ranging from|from|equal to"
    r"|equals)\b|[:=]|\((?:ECOG |WHO )?PS\)))*\s*:?\s*" + _VALUE
)
_ECOG_WORDS = re.compile(r"\bECOG\b|Eastern Cooperative|\bWHO\b|Zubrod", re.I)
_AGE_WORD_RE = re.compile(r"\bage\b|\baged\b", re.I)
_YEARS_OLD = re.compile(r"\b(?:years?|yrs?)\s+old\b|\bof age\b", re.I)
_PS_GENERIC = Fast(
    r"\b(?:performance status|performance score|PS)(?:\s*\((?:PS|ECOG|WHO)\))?\s*(?:of|is|:|="
    r"|score)?\s*" + _VALUE,
    first=True,
)
_KARNOFSKY = Fast(
    r"\b(?:Karnofsky|KPS|Lansky)(?:\s*\((?:KPS)\))?(?:[\s-]*(?:(?:performance|status|score|scale"
    r"|index|PS|of|is)\b|[:=]|\((?:KPS|LPS)\)))*\s*:?\s*" + _VALUE
)
_KARNOFSKY_WORDS = pattern_words(_KARNOFSKY)


def _bounds(match: re.Match[str], step: int) -> tuple[int | None, int | None]:
    cmp, a, b, c, d, post = (match.group(k) for k in ("cmp", "a", "b", "c", "d", "post"))
    first = int(a)
    if b is not None or c is not None:
        values = [int(v) for v in (a, b, c, d) if v is not None]
        return min(values), max(values)
    if post:
        cmp = ">=" if post.lower() in {"higher", "greater", "more", "above", "better"} else "<="
        if post.lower() == "better" and step == 1:
            cmp = "<="  # "ECOG 2 or better": ECOG scores fall as patients do better
    if cmp == "<=":
        return None, first
    if cmp == "<":
        return None, first - step
    if cmp == ">=":
        return first, None
    if cmp == ">":
        return first + step, None
    return first, first


def read_performance(view: ItemView) -> list[Draft]:
    w = view.w
    out: list[Draft] = []
    karnofsky_spans: list[tuple[int, int]] = []
    for match in _KARNOFSKY.finditer(w) if view.has(_KARNOFSKY_WORDS) else ():
        low, high = _bounds(match, 10)
        if (low is not None and low > 100) or (high is not None and high > 100):
            continue
        karnofsky_spans.append(match.span())
        if (low, high) == (100, 100) and match.group("cmp") is None:
            continue
        if match.group("cmp") is None and match.group("b") is None and not match.group("post"):
            # "Karnofsky 70%": a minimum; excluded, the older layout's "Karnofsky [<=] 50%"
            a = int(match.group("a"))
            low, high = (None, a) if view.section == Section.EXCLUSION else (a, None)
        # "ECOG or Karnofsky performance status 0, 1, 2": scores of 0-5 are ECOG's
        scale = "ecog" if high is not None and high <= 5 else "karnofsky"
        out.append(_ps(view, match, scale, low, high))
    matches = list(_ECOG.finditer(w))
    if (not matches and _ECOG_WORDS.search(w)) or (not matches and not karnofsky_spans):
        matches = [
            m
            for m in _PS_GENERIC.finditer(w)
            if not any(s <= m.start() < e for s, e in karnofsky_spans)
        ]
    for match in matches:
        low, high = _bounds(match, 1)
        if (low is not None and low > 5) or (high is not None and high > 5):
            continue
        if match.group("cmp") is None and match.group("b") is None and not match.group("post"):
            # "ECOG 1": up to 1; excluded, the older layout's "performance status [>=] 3"
            a = int(match.group("a"))
            low, high = (a, None) if view.section == Section.EXCLUSION else (0, a)
        out.append(_ps(view, match, "ecog", low, high))
    return out


def _ps(
    view: ItemView, match: re.Match[str], scale: str, low: int | None, high: int | None
) -> Draft:
    return view.draft(
        "performance_status",
        match.start(),
        match.end(),
        scale=scale,
        min=low,
        max=high,
        negated=view.negated(match.start(), match.end()),
    )


# --- age ----------------------------------------------------------------------------------------

_AGE_WORD = r"(?:years?|yrs?|y/o|y\.o\.)"
_AGE_PATTERNS = (
    re.compile(
        r"\b(?:aged?)\s+from\s+(?P<a>\d{2})\s*(?:\w+\s+){0,2}?to\s+(?P<b>\d{2,3})\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:aged?|age)\s*(?:of|at|:|is|=|must be|should be|range)?\s*(?:between\s*)?"
        r"(?P<a>\d{2})\s*(?:" + _AGE_WORD + r"\s*)?(?:-|to|~|and)\s*(?P<b>\d{2,3})\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:between\s*)?(?P<a>\d{2})\s*(?:" + _AGE_WORD + r"\s*)?(?:-|to|~|and)\s*(?P<b>\d{2,3})"
        r"\s*" + _AGE_WORD + r"(?:\s*(?:of age|old|of age or older))?",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:aged?|age)\s*(?:of|at|:|is|=|must be|should be)?\s*(?P<cmp>>=|<=|>"
        r"|<)\s*(?P<v>\d{1,3})",
        re.IGNORECASE,
    ),
    re.compile(
        r"(?P<cmp>>=|<=|>|<)\s*(?P<v>\d{1,3})\s*" + _AGE_WORD + r"(?:\s*(?:of age|old|of age at|"
        r"at (?:the )?time|age))?",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?P<v>\d{1,3})\s*(?:" + _AGE_WORD + r"\s*)?(?:of age\s*)?(?P<post>or|and)\s*"
        r"(?P<dir>older|over|above|greater|more|under|younger|below|less)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(?P<v>\d{2})\s*(?P<plus>\+)\s*" + _AGE_WORD, re.IGNORECASE),
    re.compile(r"\b(?P<minimum>minimum|min\.?)\s+age\s*(?:of|:|is)?\s*(?P<v>\d{1,3})", re.I),
    # "under the age of 18", "younger than 21 years": the number itself is not allowed
    re.compile(
        r"\b(?P<pre>under|below|younger\s+than|less\s+than|over|older\s+than|above)\s+"
        r"(?:(?:the\s+)?age\s+of\s+(?P<v>\d{2})\b|(?P<v2>\d{2})\s*" + _AGE_WORD + r")",
        re.IGNORECASE,
    ),
)
#: The last pattern ("under the age of 18") reads an age only where it opens the item, and says
#: who is (not) eligible: "If a subject under the age of 60 reports ...", "patients older than 70
#: should have ...", "under the age of 50 at diagnosis" say something else.
_PRE_AGE = len(_AGE_PATTERNS) - 1
_AGE_OPENING = re.compile(
    r"\W*(?:(?:female|male)\s+)?(?:patients?|women|men|subjects?|participants?|persons?|girls?"
    r"|boys?|people|individuals?|adults?)?\s*(?:who\s+are\s+|aged\s+)?",
    re.IGNORECASE,
)
_AGE_QUALIFIED_AFTER = re.compile(
    r"\s*(?:years?\s*)?(?:of\s+age\s*|old\s*)?,?\s*(?:with|who|whose|should|must|at\s+(?:the\s+"
    r"time\s+of\s+)?diagnosis|that|if|when|reports?|may|can)\b",
    re.IGNORECASE,
)
#: Patterns that read a number of years as an age only when the item talks about age.
_NEED_CONTEXT = frozenset({2, 4, 5})
_AGE_CONTEXT = Fast(r"\bages?\b|\byears? old|\byears? of age|\badults?\b|\bolder\b|\baged\b")
_ADULT = Fast(
    r"\badults?\b(?! (?:dose|formulation|weight))|\b(?:age|years?) of (?:legal )?majority\b"
    r"|\blegal (?:adult )?age\b"
)
_NOT_AGE = Fast(
    r"\b(?:since|after|ago|history|within|prior|before|for|last|of (?:smoking|menopause"
    r"|amenorrh))\b[^.]{0,15}$|amenorrh|menopaus|menses|period|interval|smok|pack"
)


_CHILDREN_ITEM = re.compile(r"^\W*(?:children|child|paediatric|pediatric|minors?)\b", re.I)
_SOMEONE_ELSE = re.compile(
    r"\b(?:child(?:ren)?|infants?|bab(?:y|ies)|relatives?|family|household|siblings?|parents?"
    r"|contacts?|death|died|diagnosed at|onset)\b[^.;]{0,35}$"
    r"|\b(?!(?:patients?|women|men|participants?|subjects?|adults?|females?|males?|people"
    r"|persons?|years?|\w*patients?)\b)[a-z]{4,}\s*\(\s*(?:aged?)?\s*$",
    re.IGNORECASE,
)


#: "Patients aged 15-17 years must weigh at least 50 kg": an age naming whom a rule is for.
_SUBGROUP_AGE_BEFORE = re.compile(
    r"\b(?:patients?|participants?|subjects?|those|children|adolescents)\s+(?:aged?\s+)?$", re.I
)
#: "For adolescents (who are) under 18 years of age, ...": whom the rest of the sentence is for.
_FOR_SUBGROUP_BEFORE = re.compile(
    r"(?:(?:^|[.;:]\s*)\W*(?:for|in|if)|\bfor)\s+(?:the\s+)?(?:\w+\s+)?(?:patients?|participants?"
    r"|subjects?|those|children|adolescents|minors|adults|women|men)\s+"
    r"(?:who\s+are\s+|aged?\s+|of\s+)?$",
    re.IGNORECASE,
)
_SUBGROUP_RULE_AFTER = re.compile(
    r"\s*(?:years?\s*(?:old|of\s+age)?\s*)?(?:must|should|need|will|may|are\s+required|require)\b",
    re.I,
)


def read_age(view: ItemView) -> list[Draft]:
    w = view.w
    if not _AGE_CONTEXT.search(w):
        return []
    for index, pattern in enumerate(_AGE_PATTERNS):
        for match in pattern.finditer(w):
            around = w[max(0, match.start() - 40) : match.end() + 30]
            if (
                _NOT_AGE.search(around)
                and not _AGE_WORD_RE.search(around)
                and not _YEARS_OLD.search(match.group(0))
            ):
                continue  # "2 years since menopause"; but "18 ~ 75 years old, postmenopausal"
            if _OTHER_UNIT.match(w, match.end()):
                continue  # "amenorrhoeic for 12 or more months": a duration, not an age
            if _SUBGROUP_AGE_BEFORE.search(w, max(0, match.start() - 25), match.start()) and (
                _SUBGROUP_RULE_AFTER.match(w, match.end())
            ):
                continue  # "(Age 15-70.) Patients aged 15-17 years must weigh >= 50 kg": whom for
            if _FOR_SUBGROUP_BEFORE.search(w, max(0, match.start() - 45), match.start()):
                continue  # "For adolescents under 18 years of age, assent and parental consent"
            if _SOMEONE_ELSE.search(w, max(0, match.start() - 45), match.start()) and not (
                _CHILDREN_ITEM.match(w)  # "Children (< 18 years old)": the patient's age
            ):
                continue  # "children 3 years of age and under", "death under 40 in relatives",
                # "atrophic gastritis (age < 60)": someone else's age, or a condition's
            if index == _PRE_AGE and (
                not _AGE_OPENING.fullmatch(w, 0, match.start())
                or _AGE_QUALIFIED_AFTER.match(w, match.end())
            ):
                continue
            groups = match.groupdict()
            low: float | None = None
            high: float | None = None
            if groups.get("a") and groups.get("b"):
                low, high = float(groups["a"]), float(groups["b"])
                if not 10 <= low < high <= 120:
                    continue
            else:
                value = float(groups.get("v") or groups["v2"])
                if not 1 <= value <= 120:
                    continue
                cmp = groups.get("cmp")
                if groups.get("pre"):
                    cmp = "<" if groups["pre"].lower().startswith(("u", "b", "y", "l")) else ">"
                direction = (groups.get("dir") or "").lower()
                upward = direction in {"older", "over", "above", "greater", "more"}
                if upward or groups.get("plus") or groups.get("minimum"):
                    cmp = ">="
                elif direction in {"under", "younger", "below", "less"}:
                    cmp = "<="
                if cmp == ">=":
                    low = value
                elif cmp == ">":
                    low = value + 1
                elif cmp == "<=":
                    high = value
                elif cmp == "<":
                    high = value - 1
                else:
                    continue
            if (
                index in _NEED_CONTEXT
                and not _AGE_CONTEXT.search(around)
                and (low is None or index == 5)
            ):
                continue
            end = match.end()
            if low is not None and high is None:
                cap = _AGE_CAP_AFTER.match(w, end)  # "≥ 18 years old and < 60 years old"
                if cap is not None and low < float(cap.group("v")) <= 120:
                    value = float(cap.group("v"))
                    high = value - 1 if cap.group("cmp") == "<" else value
                    end = cap.end()
            adult_floor = low is not None and low <= 21 and high is None
            if not adult_floor and (
                _defines_menopause(view, match.start(), match.end())
                or (view.has(_MENOPAUSE_WORDS) and _menopause_item(w))
            ):
                if _DEFINITION_ONLY.match(w):
                    return []  # "Women under 50 would be considered postmenopausal if ..."
                # "postmenopausal, defined as aged > 50 and amenorrhoeic": the age is one way of
                # being postmenopausal, which is what the item states
                return [_defined_status(view, match.start(), match.end())]
            return [
                view.draft(
                    "age",
                    match.start(),
                    end,
                    min_years=low,
                    max_years=high,
                    negated=view.negated(match.start(), match.end()),
                )
            ]
    adult = _ADULT.search(w)
    if adult and view.section == Section.INCLUSION and not cues.negated_before(w, adult.start()):
        return [view.draft("age", adult.start(), adult.end(), min_years=18.0)]
    bare = _BARE_ADULT_AGE.match(w) if view.section == Section.INCLUSION else None
    if bare is not None:
        return [view.draft("age", *bare.span("age"), min_years=float(bare.group("v")))]
    return []


#: The upper bound that follows a lower one: "(≥ 18 years old) and < 60 years old".
_AGE_CAP_AFTER = re.compile(
    r"(?:\s*(?:years?|yrs?)(?:\s+(?:old|of age))?)?"
    r"\s*(?:,\s*)?(?:and|but)\s+(?:(?:aged?|age is)\s+)?(?P<cmp><=|<)\s*(?P<v>\d{2,3})\b"
    r"(?:\s*(?:years?|yrs?)(?:\s+(?:old|of age))?)?",
    re.IGNORECASE,
)


#: "Age 18 years" as a whole inclusion item: the older registry layout drops the "≥" of an
#: adult floor ("Age ≥ 18 years"); an age of 18 to 21 alone can only be that floor.
_BARE_ADULT_AGE = re.compile(
    r"^\W*(?P<age>aged?\s*:?\s*(?P<v>1[89]|2[01])\s*(?:years?|yrs?)(?:\s+(?:old|of age))?)"
    r"\s*\.?\s*$",
    re.IGNORECASE,
)


#: An age that is part of what "postmenopausal" means: "women under 50 are considered
#: postmenopausal if ...", "age < 60 and amenorrhoeic for 12 months", "postmenopausal is defined
#: as a) aged >= 60 ...".
_MENOPAUSE_AGE_AFTER = re.compile(
    r"^[^.;]{0,30}?\b(?:and|with|plus|but)\s+(?:\w+\s+){0,3}?(?:amenorrh\w*"
    r"|no (?:menses|menstrua\w*|periods?))"
    r"|^[^.;]{0,50}?\b(?:consider\w*|regarded|deemed|classed|classified)\s+"
    r"(?:as\s+|to be\s+)?(?:post[\s-]*)?menopaus|^[^.;]{0,50}?\bmenopausal (?:if|when|provided)\b",
    re.IGNORECASE,
)
_MENOPAUSE_AGE_BEFORE = re.compile(
    r"menopaus\w*[^;]{0,60}?\b(?:defin\w+|means|meaning|i\.e\.|as follows|by either|by one of)\b"
    r"[^;]{0,120}$"
    r"|\b(?:deemed|considered)\s+(?:to be\s+)?(?:post[\s-]*)?menopaus\w*\s+(?:by|if|when)\b"
    r"[^;]{0,40}$",
    re.IGNORECASE,
)


_OTHER_UNIT = re.compile(r"\s*(?:months?|weeks?|days?|cycles?|periods?|menses)\b", re.I)
#: An item that defines menopause with the usual markers: its ages (other than adulthood) are
#: part of the definition (`_menopause_item`: a definition, and a marker in the same clause
#: after its start).
_MENOPAUSE_DEFINITION = re.compile(
    r"menopaus\w*[^;]{0,60}?\bdefin|\bdefin\w*[^;]{0,40}?menopaus|consider\w* (?:as |to be )?"
    r"(?:post[\s-]*)?menopaus",
    re.IGNORECASE,
)
_MENOPAUSE_MARKER = re.compile(
    r"[^;]*\b(?:amenorrh\w*|FSH|estradiol|oestradiol|oophorectom\w*|menses)\b", re.IGNORECASE
)


def _menopause_item(w: str) -> bool:
    """Whether a definition of menopause starts at a position followed by a marker in the same
    clause. One pattern "(?=marker ahead)definition" says the same but tries the look-ahead at
    every position, each time reading to the end of the clause (milliseconds on a long item);
    here the rare starts of a definition are found first and only they look ahead."""
    pos = 0
    while (definition := _MENOPAUSE_DEFINITION.search(w, pos)) is not None:
        if _MENOPAUSE_MARKER.match(w, definition.start()):
            return True
        pos = definition.start() + 1
    return False


def _defined_status(view: ItemView, start: int, end: int) -> Draft:
    """The menopausal status an age helps define: the status the item or its introduction
    names ("premenopausal status is defined as ..."), postmenopausal unless another is named."""
    intro = view.context.intro_work if view.context is not None else ""
    named = _STATUS_NAMED.search(view.w) or _STATUS_NAMED.search(intro)
    status = f"{named.group(1).lower()}menopausal" if named else "postmenopausal"
    return view.draft("menopausal_status", start, end, statuses=(status,), negated=False)


_STATUS_NAMED = re.compile(r"\b(pre|peri|post)[\s-]*menopaus", re.IGNORECASE)


#: Ways of being postmenopausal that a definition lists ("Postmenopausal, defined as one of:
#: bilateral oophorectomy; no menses for 12 months; FSH in the postmenopausal range").
_MENOPAUSE_ROUTE = Fast(
    r"\b(?:oophorectom\w*|ovariectom\w*|amenorrh\w*|menses|menstrua\w*|FSH|follicle[- ]stimulating"
    r"|estradiol|oestradiol)"
)


def read_menopause_route(view: ItemView) -> list[Draft]:
    """A child of a menopause definition that names one way of reaching the status."""
    intro = view.context.intro_work.lower() if view.context is not None else ""
    if "menopaus" not in intro or not ("defin" in intro or "following" in intro):
        return []
    if "menopaus" in view.low:
        return []  # read_menopause reads the item's own words
    found = _MENOPAUSE_ROUTE.search(view.w, view.low)
    if found is None:
        return []  # ("no menses for 12 months" is the route itself, not its negation)
    return [_defined_status(view, found.start(), found.end())]


_MENSES_WORDS = gate_words("menopaus", "amenorrh", "menses")


def _defines_menopause(view: ItemView, start: int, end: int) -> bool:
    w = view.w
    intro = view.context.intro_work.lower() if view.context is not None else ""
    if not view.has(_MENSES_WORDS) and "menopaus" not in intro:
        return False
    if _MENOPAUSE_AGE_AFTER.search(w[end : end + 80]):
        return True
    if _MENOPAUSE_AGE_BEFORE.search(w[max(0, start - 200) : start]):
        return True
    return "menopaus" in intro and ("defin" in intro or "following" in intro)


# --- sex ----------------------------------------------------------------------------------------

#: (The first alternative is tried only at the start; the others, behind a look-ahead for the
#: letters they start with, at the few positions holding one: without it the engine tried all
#: three at every position of the item, and the search took twice as long.)
_SEX = Fast(
    r"^(?:\W*(?:\w+[\s,]+){0,4}?)\b(?P<s>women|woman|females?|men|males?|ladies|girls|boys)\b"
    r"|(?=[sgmp])(?:\b(?:sex|gender)\s*:\s*(?P<s2>female|male|women|men)\b"
    r"|\bmust be (?:a\s+)?(?P<s3>female|male|women|men|woman|man)\b"
    r"|\b(?:pre|peri|post)[\s-]*menopausal\s+(?P<s4>women|woman|females?)\b)"
)
#: An excluded kind of woman or man, not a sex: "premenopausal women", "women with lupus".
_KIND_OF_WOMAN_BEFORE = re.compile(
    r"\b(?:(?:pre|peri|post)[\s-]*menopausal|pregnant|lactating|nursing|breast-?feeding"
    r"|fertile|sexually active)\s+(?:(?:or|and|and/or)\s+\w+\s+)?$",
    re.I,
)
_KIND_OF_WOMAN_AFTER = re.compile(
    r"\s+(?:patients?\s+)?(?:with|who|whose|having|of\s+(?:child|reproductive)|in\s+whom|that"
    # "Women previously diagnosed with breast cancer (will not be eligible unless ...)"
    r"|(?:previously|currently|already|recently)?\s*(?:diagnosed|treated|known|found|taking"
    r"|receiving|on|planning|undergoing)\b"
    # "Women participating in this study are not allowed to receive ...": a rule of the study
    r"|(?:participating|enrolled|taking\s+part)\s+in\b|in\s+(?:this|the)\s+(?:study|trial)\b)",
    re.I,
)
_SUBGROUP_BEFORE = re.compile(r"\b(?:for|in|if|among|of)\s+(?:all\s+)?$", re.I)
_SUBGROUP_AFTER = re.compile(
    r"\s+(?:patients?\s+|participants?\s+|subjects?\s+)?(?:must|should|may|can|could|will|need"
    r"|who|are|is|receiving|on|taking|amenable|treated|under)\b",
    re.I,
)
_BOTH = Fast(
    r"\b(?:male or fem(?:ale|al)|fem(?:ale|al) or male|men (?:and|or) women|women (?:and|or) men"
    r"|both (?:sexes|genders)|males? (?:and|or) females?|females? (?:and|or) males?"
    r"|any (?:sex|gender)|all (?:sexes|genders))\b"
)
_BOTH_WORDS = pattern_words(_BOTH)
#: Both sexes named as people who may take part ("Postmenopausal women, or men, aged 18 or
#: over", "Adult men, and women of any menopausal status"): no requirement on sex.
_FEMALE_WORD = Fast(r"\b(?:women|woman|females?|ladies)\b")
_MALE_WORD = Fast(r"\b(?:men|man|males?)\b(?!\s+(?:partners?|sexual))")
_SEX_NOT_POPULATION = Fast(
    r"^\W*(?:\w+\s+){0,2}?(?:women|woman|females?|men|males?)\s+(?:\w+\s+){0,3}?(?:of (?:child|"
    r"reproductive)|who (?:are|can|could|have|is|were|did|do|does|had|will|would|may|must)"
    r"|(?:must|should|will) (?:use|agree|be "
    r"willing)|with (?:a )?(?:partners?|childbearing)|able to (?:become|father|conceive)|partners?"
    r"|participants? (?:of|who|must))"
)
#: The sex word is the subject of a condition on a subgroup ("Women must be postmenopausal",
#: "Premenopausal women agree to take a GnRH agonist"), not the population.
_SEX_SUBJECT = Fast(
    r"^\W*(?:(?:pre|peri|post)[\w-]*[\s,/-]+(?:(?:and|or|and/or)\s+)?){0,3}(?:women|woman|females?"
    r"|men|males?)\s+(?:patients?\s+|participants?\s+|subjects?\s+)?(?:must|should|may|can|could"
    r"|will|need|agree|are (?:eligible|allowed|required|permitted)|is (?:eligible|allowed|required)"
    r"|take|receive|start|continue)\b"
)


#: An item that only says who counts as postmenopausal ("Women under 50 would be considered
#: postmenopausal if ..."), for a rule elsewhere (contraception): no status is asked for.
_DEFINITION_ONLY = re.compile(
    r"^(?:(?!menopaus)[^.;]){0,80}?\b(?:consider\w*|regarded|deemed)\s+(?:as\s+|to be\s+)?"
    r"(?:post[\s-]*)?menopaus",
    re.IGNORECASE,
)
_SEX_IN_DEFINITION = re.compile(
    r"^\W*(?:women|woman|females?)\b[^.;]{0,60}?\b(?:consider\w*|regarded|deemed|defined)\s+"
    r"(?:as\s+|to be\s+)?(?:post[\s-]*)?menopaus",
    re.IGNORECASE,
)


_MENOPAUS_WORDS = gate_words("menopaus")


#: "(women) under the age of 18", "(men) younger than 21 years", "(patients) aged < 18".
_AGE_AFTER_SEX = re.compile(
    r"\s*(?:who\s+are\s+|aged\s+)?(?:under|below|younger\s+than|less\s+than|<|over|older"
    r"\s+than|above|>)\s*(?:the\s+age\s+of\s+)?\d{2}\b",
    re.IGNORECASE,
)


def read_sex(view: ItemView) -> list[Draft]:
    w = view.w
    if view.has(_BOTH_WORDS) and _BOTH.search(w, view.low):
        return []
    match = _SEX.search(w, view.low)
    if match is None:
        return []
    if view.has(_MENOPAUSE_WORDS) and _SEX_IN_DEFINITION.match(w):
        return []  # "Women under 50 are considered postmenopausal if ...": a definition
    if view.section == Section.EXCLUSION and _AGE_AFTER_SEX.match(w, match.end()):
        return []  # "Women under the age of 18 are not eligible": an age limit, not a sex one
    if (
        view.section == Section.EXCLUSION
        and match.group("s")
        and (
            _KIND_OF_WOMAN_BEFORE.search(w, max(0, match.start("s") - 30), match.start("s"))
            or _KIND_OF_WOMAN_AFTER.match(w, match.end())
        )
    ):
        return []  # "Women with scleroderma", "Premenopausal women": the kind excluded
    if match.group("s4") and (
        view.section != Section.INCLUSION
        or _SUBGROUP_AFTER.match(w, match.end())
        or _SUBGROUP_BEFORE.search(w, max(0, match.start() - 12), match.start())
    ):
        # "Premenopausal women" excluded, "premenopausal women receiving an LHRH agonist",
        # "... female patients can be enrolled if": the menopausal status says it, or a
        # condition on a subgroup
        return []
    if (match.group("s") or match.group("s4")) and (
        _SEX_NOT_POPULATION.search(w, view.low)
        or _SEX_SUBJECT.search(w, view.low)
        or (_FEMALE_WORD.search(w, view.low) and _MALE_WORD.search(w, view.low))
    ):
        return []
    # "18 ~ 75 years old, postmenopausal women": the population is women (s4)
    word = match.group("s") or match.group("s2") or match.group("s3") or match.group("s4")
    word = word.lower()
    sex = "female" if word.startswith(("wom", "fem", "lad", "girl")) else "male"
    named = "s" if match.group("s") else "s4" if match.group("s4") else None
    start = match.start(named) if named else match.start()
    return [
        view.draft("sex", start, match.end(), sex=sex, negated=view.negated(start, match.end()))
    ]


# --- menopausal status --------------------------------------------------------------------------

_MENOPAUSE = Fast(
    r"\b(?P<pre>(?:(?:pre|peri|post)\s*-?\s*(?:/|,|or|and|and/or)?\s*)+)menopaus\w*"
    r"|\b(?P<any>any|regardless of|irrespective of|all)\s+(?:\w+\s+)?menopausal status"
    r"|\bmenopausal status\s*:?\s*(?P<st>pre|peri|post)\w*"
    r"|\b(?P<ooph>bilateral (?:surgical )?oophorectomy)"
    r"|\bmenopausal status\s+(?:is\s+|was\s+|are\s+)?(?P<free>not (?:limited|restricted|required"
    r"|specified)|unrestricted|no (?:limit|restriction)s?)"
    # "amenorrhoea for at least 12 months", "12 months or more without spontaneous menses"
    r"|(?P<amen>\b(?:amenorrh\w*|no\s+(?:spontaneous\s+)?(?:menses|menstrua\w*(?:\s+(?:bleeding"
    r"|periods?))?|periods?))\s+(?:for\s+)?(?:>=\s*|more than\s+|over\s+)?(?:12|twelve|1[3-9]|24)"
    r"\s+(?:consecutive\s+)?months|\b(?:>=\s*)?(?:12|twelve|24)\s+(?:consecutive\s+)?months?\s+"
    r"(?:or (?:more|longer)\s+)?(?:without|with no|of no)\s+(?:spontaneous\s+)?"
    r"(?:menses|menstrua\w*(?:\s+(?:bleeding|periods?))?|periods?))",
    first=True,  # its alternatives open in seven ways: the look-ahead halves the search
)
_OOPHORECTOMY_PLANNED = re.compile(r"\b(?:candidate|plan\w*|schedul\w*|will|for|consent)\b", re.I)
#: "Surgically sterile (hysterectomy and/or bilateral oophorectomy)": childbearing potential.
_STERILE = re.compile(r"\b(?:steril\w*|hysterectom\w*|tubal|childbearing|child-bearing)", re.I)
_SUPPRESSION = Fast(
    r"\b(?:GnRH|LHRH|LH-?RH|gonadotropin[- ]releasing|luteini[sz]ing[- ]hormone[- ]releasing"
    r"|ovarian (?:function )?(?:suppression|ablation)|OFS\b|goserelin|leuprolide|leuprorelin"
    r"|triptorelin|oophorectomy)"
)
#: A menopausal status named for a subgroup that may join on a condition ("pre- and
#: perimenopausal women may join if they agree to ovarian suppression"): allowed, not required.
_CONDITIONAL = Fast(
    r"\b(?:if|when|for|in)\s+(?:\w+\s+){0,3}?(?:pre|peri)[\s-]*(?:/|or|and)?\s*(?:peri)?[\s-]*"
    r"menopaus"
    r"|\b(?:pre|peri)[\s/-]*(?:(?:or|and|and/or)\s+|/\s*)?(?:peri)?[\s-]*menopausal\s+"
    r"(?:\w+\s+){0,2}(?:must|should|will|need|are required|require|receiv|on\b|treated|may|can"
    r"|could|agree|accept|take|taking|start|continue|are eligible|is eligible|are allowed|who)"
    r"|\b(?:not|non)[\s-]*post[\s-]*menopausal"
)
#: Ovarian suppression named as a way to qualify ("postmenopausal, or receiving ovarian
#: suppression", "postmenopausal through surgery or ovarian function suppression") rather than
#: as something absent ("amenorrhoea in the absence of ... ovarian suppression").
_ROUTE = Fast(
    r"\b(?:GnRH|LHRH|LH-?RH|gonadotropin[- ]releasing|luteini[sz]ing[- ]hormone[- ]releasing"
    r"|ovarian (?:function )?suppression|OFS\b|goserelin|leuprolide|leuprorelin|triptorelin)"
)
_SUPPRESSION_ABSENT = Fast(
    r"\b(?:absence of|without|not (?:due to|induced by|caused by|secondary to|on|receiving)|no)\b"
    r"[^.;)]{0,60}$"
)


_WHO_INTRO = re.compile(r"\b(?:female|women|woman)\b[^:]{0,40}\bwho\b", re.IGNORECASE)
_STATUS_FOR = re.compile(r"\bpost[\s-]*menopausal\s+for\s+(?:at least\s+|>=\s*)?\d", re.IGNORECASE)


_DEFINITION_WORDS = gate_words("consider", "regarded", "deemed")


def read_menopause(view: ItemView) -> list[Draft]:
    w = view.w
    if view.has(_DEFINITION_WORDS) and _DEFINITION_ONLY.match(w):
        return []  # "Women under 50 would be considered postmenopausal if ...": a definition
    statuses: list[str] = []
    first, last = len(w), 0
    for match in _MENOPAUSE.finditer(w, view.low):
        if view.in_exception(match.start()):
            continue
        if match.group("ooph"):
            if (
                view.section == Section.INCLUSION
                and not cues.negated_before(w, match.start())
                and not _OOPHORECTOMY_PLANNED.search(w[max(0, match.start() - 40) : match.start()])
                and not _STERILE.search(w)
            ):
                # "(Postmenopausal, defined as:) prior bilateral oophorectomy"
                first, last = min(first, match.start()), max(last, match.end())
                statuses.append("postmenopausal")
            continue
        if match.group("amen"):
            if view.section == Section.INCLUSION and not cues.negated_before(w, match.start(), 20):
                # a year without periods: postmenopausal
                first, last = min(first, match.start()), max(last, match.end())
                statuses.append("postmenopausal")
            continue
        first, last = min(first, match.start()), max(last, match.end())
        if match.group("any"):
            statuses += ["premenopausal", "perimenopausal", "postmenopausal"]
            continue
        if match.group("free"):
            # "Menopausal status is not limited (pre-, peri- or post-)": no requirement
            return [
                view.draft("administrative", match.start(), match.end(), topic="no_requirement")
            ]
        prefix = (match.group("pre") or match.group("st") or "").lower()
        for stem in re.findall(r"pre|peri|post", prefix):
            statuses.append(f"{stem}menopausal")
    if not statuses:
        return []
    intro = view.context.intro_work if view.context is not None else ""
    if _WHO_INTRO.search(intro) and _STATUS_FOR.search(w):
        # "Female participants who: are postmenopausal for at least 1 year, OR are surgically
        # sterile, OR agree to contraception": who needs contraception, not a requirement
        return [view.draft("administrative", first, last, topic="contraception")]
    out: list[Draft] = []
    suppression = _SUPPRESSION.search(w)
    conditional = _CONDITIONAL.search(w)
    way = _ROUTE.search(w, view.low) if suppression is not None else None
    route = (
        way is not None
        and view.section == Section.INCLUSION
        and not _SUPPRESSION_ABSENT.search(w[cues.clause_start(w, way.start()) : way.start()])
        and not view.negated(first, last)
    )
    only_conditional = (
        conditional is not None and "postmenopausal" not in statuses and len(set(statuses)) < 3
    )
    younger = {"premenopausal", "perimenopausal"} & set(statuses)
    if suppression and (route or conditional or younger):
        # "Pre/perimenopausal women must receive a GnRH agonist": a treatment plan, never a bar
        out.append(
            view.draft(
                "administrative",
                min(first, suppression.start()),
                max(last, suppression.end()),
                topic="ovarian_suppression",
            )
        )
    if only_conditional:
        return out
    if route:
        # ovarian suppression is the way in for women who are not postmenopausal
        statuses += ["premenopausal", "perimenopausal"]
    order = ("premenopausal", "perimenopausal", "postmenopausal")
    unique = tuple(s for s in order if s in statuses)
    negated = view.negated(first, last)
    out.insert(0, view.draft("menopausal_status", first, last, statuses=unique, negated=negated))
    return out


# --- life expectancy ----------------------------------------------------------------------------

_LIFE = Fast(
    r"\b(?:life expectancy|(?:expected|predicted|estimated|anticipated) (?:survival|life span)"
    r"|(?:expected|anticipated|estimated|predicted) "
    r"(?:to )?(?:survival|survive|live))(?:\s+(?:duration|time|period))?\s*(?:of|:|is|must be|"
    r"should be|estimated (?:at|to be)|for)?\s*(?P<cmp>>=|>|=|<=|<)?\s*(?:>=|>)?\s*"
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<u>weeks?|wks?|months?|mos?|years?|days?)"
)


def read_life_expectancy(view: ItemView) -> list[Draft]:
    match = _LIFE.search(view.w)
    if match is None:
        return []
    n = float(match.group("n"))
    unit = match.group("u").lower()
    weeks = n
    if unit.startswith("m"):
        weeks = round(n * 30.44 / 7, 1)
    elif unit.startswith("y"):
        weeks = round(n * 52.18, 1)
    elif unit.startswith("d"):
        weeks = round(n / 7, 1)
    # "life expectancy < 6 months" states the opposite of a minimum: the negated minimum
    below = (match.group("cmp") or "").startswith("<")
    negated = below != view.negated(match.start(), match.end())
    return [
        view.draft("life_expectancy", match.start(), match.end(), min_weeks=weeks, negated=negated)
    ]
