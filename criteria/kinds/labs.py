"""Laboratory and measured thresholds: analyte, comparator, value and unit as written.

Analyte names come from `criteria/data/phrases.yaml` (`analytes:`). Names joined by "/", "and",
"or" or a comma share the threshold that follows them ("AST/ALT <= 3 x ULN" is two criteria). A
second threshold for a named situation ("<= 5 x ULN with liver metastases", "(< 3 mg/dL for
Gilbert's syndrome)", ", but INR <= 3.0 if taking warfarin") is kept as an exception; the drugs
and conditions named in it say when it applies, so no criterion is made of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from criteria import cues
from criteria.extract import LAB_SITUATIONS, Draft, ItemView
from criteria.fastre import Fast, gate_words
from criteria.phrases import phrases
from trialmatch.vocab import Section


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    analytes: tuple[str, ...]


_DIGIT = re.compile(r"\d")
_EXPAND = {"transaminases": ("ast", "alt")}
#: "1,500" groups thousands; "1,5" (a comma and one or two digits) is a decimal comma
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+|,\d{1,2}(?!\d))?|\.\d+"
_ULN = (
    r"(?:x|\*|times|fold)?\s*(?:of\s+)?(?:the\s+)?(?:institutional\s+|upper\s+)?(?:ULN|UNL|LLN|IULN|ULRR"
    r"|upper limits? of (?:the )?\(?(?:institutional\)? )?normal(?: range| limits?| values?)?"
    r"|lower limits? of (?:the )?normal(?: range)?|upper normal limits?|upper limit of the "
    r"(?:reference|normal) range|normal upper limit|N\b)(?:\s*\((?:x\s*)?(?:ULN|LLN)\))?"
)
_UNIT = (
    r"(?P<unit>" + _ULN + r"|x\s*10\s*\^?\s*\d+\s*(?:/\s*(?:[µμu]?L|mm\^?3|mm³|cu\.? ?mm|kg))?"
    r"|%|(?:(?:cells|kg|mg|g|grams?|gm|µmol|umol|μmol|mmol|mEq|ng|pg|mIU|IU|units?|U|mL|mls"
    r"|µg|ug|mcg|micrograms?)(?![^\W\d_])|/)[\w/.^µμ0-9²³]*(?:\s*/\s*[\w.^²³]+)*(?:\s*1\.73\s*m\s*[²2])?|/\s*(?:mm\^?3|mm³|[µμu]L|L|mcL"
    r"|dL|cu\.? ?mm|microliter|HPF)\b|msec\b|ms\b|mmHg|mm Hg|bpm|beats|kg\b|seconds?|sec\b)?"
)


def _number(text: str) -> float:
    """'1,500' is 1500, '1,5' is 1.5 (`_NUMBER` admits a decimal comma with one or two digits)."""
    head, comma, tail = text.partition(",")
    if comma and len(tail) <= 2:
        return float(f"{head}.{tail}")
    return float(text.replace(",", ""))


_THRESHOLD = Fast(
    r"^(?P<gap>[^;<>=\d]{0,45}?|[^;<>=\d]{0,30}?\bwithin\s+\d{1,3}\s+(?:days?|weeks?)\s+(?:prior\s+to"
    r"|before)\s+[^;<>=\d]{0,45}?)(?P<cmp>>=|<=|>|<|=)\s*(?P<value>" + _NUMBER + r")\s*" + _UNIT
)
_POSTFIX = Fast(
    r"^(?P<gap>[^;<>=\d]{0,25}?)(?P<value>"
    + _NUMBER
    + r")\s*"
    + _UNIT
    + r"\s*(?:or|and)\s*(?P<dir>more|greater|higher|above|over|less|lower|below|under|fewer)\b"
)
_EXCEPTION = Fast(
    r"^\s*(?:\((?P<paren>[^()]*(?:\([^()]*\)[^()]*)*)\)|(?:[,;]\s*|(?=or|and|but|unless))"
    r"(?P<alt>(?:(?:or|and|but|unless)\s+)?(?:(?P<named>[\w/-]+(?:\s+[\w/-]+)?)\s*)?"
    r"(?P<cmp><=|<|>=|>)\s*(?:[^,;.()]|\.(?=\d)){0,80}?"
    r"(?P<sit>\b(?:if|with|in|for|when|due to|unless|Gilbert|patients|subjects|liver|hepatic"
    r"|bone)\b)(?:[^,;.()]|\.(?=\d)){0,80}))"
)
_SITUATION = Fast(
    r"\b(?:if|with|in|for|when|due to|unless|Gilbert|patients|subjects|liver|hepatic|bone"
    r"|except)\b"
)
_GAP_OK = Fast(
    r"^[\s,:()\[\]\-]*(?:(?:\([^)]{0,60}\)|level|levels|count|absolute|value|values|must|be|should|of|is"
    r"|are|at screening|rate|"
    r"serum|plasma|blood|total|concentration|[\w'-]+ formula|by \w+|on (?:the )?screening ECG"
    r"|according to [\w ]+|measured|calculated|estimated|by|using|the|a|an|either|to|mL/min"
    r"|performed|obtained|done|assessed|within \d{1,3} (?:days?|weeks?) (?:prior to|before)"
    r" (?:the )?(?:randomi[sz]ation|registration|enrol\w*|study entry|day 1|(?:the )?start"
    r" of (?:study )?treatment))"
    r"[\s,:()\[\]\-]*)*$"
)
#: "Total bilirubin within normal institutional limits", "creatinine normal", "creatinine
#: within the upper limits of normal", "not exceeding the ULN" (no multiple): at most the ULN.
_WITHIN_NORMAL = Fast(
    r"^\s*(?:levels?\s+|values?\s+)?(?:(?:must|should)\s+be\s+|is\s+|are\s+)?(?:(?:within|in)\s+"
    r"(?:the\s+)?(?:institutional\s+)?normal\s+(?:institutional\s+)?(?:limits?|range)|normal\b"
    r"|wnl\b"
    r"|(?:within|not\s+(?:exceeding|above|greater\s+than|more\s+than|higher\s+than)"
    r"|no\s+(?:greater|more|higher)\s+than|(?:at\s+or\s+)?below|<=|<|less\s+than"
    r"|under|up\s+to)\s+(?:the\s+)?(?:institutional\s+|site\s+)?(?:upper\s+limits?\s+of\s+"
    r"(?:the\s+)?(?:institutional\s+)?normal(?:\s+range)?|ULN|IULN|upper\s+normal\s+limits?)"
    r"(?!\s*(?:[x×*]|times|\d)))"
)


def _same_analytes(
    extra: re.Match[str], stop: int, group: list[_Mention], following: list[_Mention]
) -> bool:
    """'..., but PT-INR <= 3.0 if ...': the words before the second threshold name an analyte
    of the first ("PT-INR" is read as PT and INR)."""
    start, end = stop + extra.start("named"), stop + extra.end("named")
    return any(start <= m.start < end and _shares(m, group) for m in following)


def _shares(mention: _Mention, group: list[_Mention]) -> bool:
    return any(a in m.analytes for m in group for a in mention.analytes)


#: "Platelet count 100,000/mm³", "AST and ALT 2.5 times ULN": a threshold whose comparator was
#: lost (the older registry layout drops "≥" and "≤"). Read only for analytes whose limit can
#: go one way, and only when the value and its unit end the item.
_BARE = Fast(
    r"^(?P<gap>[^;<>=\d]{0,25}?)(?P<value>"
    + _NUMBER
    + r")\s*"
    + _UNIT
    # (a method may follow: "LVEF 50% by echocardiogram or MUGA scan within 28 days")
    + r"(?=\s*(?:\([^()]{0,60}\))?\s*(?:(?:by|on|using|as\s+(?:measured|assessed|determined))\b"
    r"[^;]*)?[.;]?\s*$)"
)
_AT_LEAST = frozenset(
    {"anc", "platelets", "hemoglobin", "wbc", "lymphocytes", "creatinine_clearance", "albumin",
     "lvef", "oxygen_saturation"}
)  # fmt: skip
_AT_MOST = frozenset(
    {"bilirubin", "ast", "alt", "alkaline_phosphatase", "creatinine", "inr", "ptt", "pt"}
)


def _bare(tail: str, group: list[_Mention]) -> tuple[re.Match[str] | None, str | None]:
    found = _BARE.match(tail, tail.lower())
    if found is None or not found.group("unit") or not _GAP_OK.match(found.group("gap")):
        return None, None
    names = {a for m in group for a in m.analytes}
    if names <= _AT_LEAST:
        return found, ">="
    if names <= _AT_MOST:
        return found, "<="
    return None, None


_JOIN = Fast(r"^[\s\])]*(?:\([^()]{0,25}\)\s*)?(?:/|,|and/or|and|or|&)\s*$|^\s*$")
#: An alias in brackets between names: "AST (serum glutamic oxaloacetic transaminase [SGOT])".
_ALIAS = re.compile(r"\s*\)?\s*\(\s*(?:serum\s+|plasma\s+)?[a-z\s-]{0,40}|\s*\[\s*", re.IGNORECASE)


def _mentions(w: str, low: str, candidates: frozenset[int]) -> list[_Mention]:
    raw: list[tuple[int, int, str]] = []
    analytes = phrases().analytes
    for position in sorted(candidates):
        analyte = analytes[position]
        for match in analyte.finditer(w, low) if analyte.gated.others_present(low) else ():
            raw.append((match.start(), match.end(), analyte.name))
    raw.sort(key=lambda t: (t[0], -(t[1] - t[0])))
    chosen: list[tuple[int, int, str]] = []
    for start, end, name in raw:
        if chosen and start < chosen[-1][1]:
            continue
        if (
            chosen
            and name == chosen[-1][2]
            and _RESTATED.fullmatch(w, chosen[-1][1], start)
            and not _CLOSES.match(w, end)  # "prothrombin time (PT)": an alias, read as such
            and not _OWN_LIMIT.match(w, end)  # "prolonged QT (mean QTc > 470 msec)"
        ):
            continue  # "QTcF interval (QT interval using Fridericia's correction) < 450 ms"
        chosen.append((start, end, name))
    return [_Mention(s, e, _EXPAND.get(n, (n,))) for s, e, n in chosen]


#: The same analyte named again in a bracket right after it: a gloss, not a second value.
#: "(QTc > 450 msec) for men and > 470 msec for women", "(in males), >= 13 g/dL in females".
_OTHER_SEX_LIMIT = re.compile(
    r"\s*\(?\s*(?:for|in)\s+(?:men|males?|male patients)\s*\)?\s*(?:,|;|and|or)?\s*"
    r"(?P<alt>(?:>=|<=|>|<)\s*\d+(?:\.\d+)?\s*[\w/%]*\s*\(?(?:for|in)\s+(?:women|females?"
    r"|female patients)\)?)"
    r"|\s*\(?\s*(?:for|in)\s+(?:women|females?|female patients)\s*\)?\s*(?:,|;|and|or)?\s*"
    r"(?P<alt2>(?:>=|<=|>|<)\s*\d+(?:\.\d+)?\s*[\w/%]*\s*\(?(?:for|in)\s+(?:men|males?"
    r"|male patients)\)?)",
    re.IGNORECASE,
)
_RESTATED = re.compile(r"\s*\(\s*(?:[\w'-]+\s+){0,3}")
_CLOSES = re.compile(r"\s*\)")
_OWN_LIMIT = re.compile(r"[^()]*?(?:>=|<=|>|<|=)")


#: A threshold written before its analyte: "fewer than 100 x 10^9/L platelets".
_PREFIX = Fast(
    r"(?P<cmp>>=|<=|>|<|=)\s*(?P<value>" + _NUMBER + r")\s*" + _UNIT + r"\s*(?:of\s+)?(?:the\s+)?$"
)


_LEAD = re.compile(r"(?:^|[,;:(]|\band\b|\bor\b)\s*$")
#: "(WBC of 3,000 or more) with at least 1500 granulocytes": a count before its cells.
_COUNT_PREFIX = re.compile(
    r"(?:^|[,;:(]|\band\b|\bor\b|\bwith\b)\s*(?P<cmp>>=|<=|>|<)\s*"
    r"(?P<value>\d{1,3}(?:,\d{3})+|\d{3,})(?P<unit>)\s*$"
)
_COUNTS = frozenset({"anc", "wbc", "platelets", "lymphocytes"})


def _prefixed(view: ItemView, mentions: list[_Mention]) -> tuple[list[Draft], set[int]]:
    """Analytes whose threshold comes first; returns their drafts and their positions."""
    w = view.w
    out: list[Draft] = []
    used: set[int] = set()
    previous = 0
    for index, mention in enumerate(mentions):
        gap = w[previous : mention.start]
        previous = mention.end
        if not gap or not _DIGIT.search(gap):
            continue
        found = _PREFIX.search(gap, gap.lower())
        if (
            found is None
            or not found.group("unit")
            or found.group("unit").endswith(".")  # the end of a sentence, not of a unit
            or not _LEAD.search(gap[: found.start()])
        ):
            # "more than 1 EGFR TKI": a number before a name is a threshold only with its unit,
            # at the start of a list entry; or a cell count of hundreds or more ("with at least
            # 1500 granulocytes")
            found = _COUNT_PREFIX.search(gap) if set(mention.analytes) <= _COUNTS else None
            if found is None:
                continue
        if index > 0:
            # the numbers may be the previous analyte's own threshold ("ANC >= 1500 platelets")
            own = _THRESHOLD.match(gap) or _POSTFIX.match(gap)
            if own is None or own.end() > found.start():
                continue
        start = mention.start - len(gap) + found.start()
        unit_raw = found.group("unit") or ""
        unit_at = mention.start - len(gap) + found.start("unit")
        unit = view.evidence(unit_at, unit_at + len(unit_raw)) if unit_raw else None
        used.add(index)
        for analyte in mention.analytes:
            out.append(
                view.draft(
                    "lab",
                    start,
                    mention.end,
                    analyte=analyte,
                    comparator=found.group("cmp"),
                    value=_number(found.group("value")),
                    unit=unit or None,
                    uln_multiple=bool(re.search(r"ULN|upper|IULN|ULRR", unit_raw, re.I)),
                    lln_multiple=bool(re.search(r"LLN|lower limit", unit_raw, re.I)),
                    exceptions=view.exception_texts(start),
                )
            )
    return out, used


_ALLOWED_AFTER = re.compile(
    r"\s*(?:is|are|will be)\s+(?:also\s+)?(?:acceptable|allowed|permitted|eligible)\b",
    re.IGNORECASE,
)
_PER_LITRE = re.compile(r"^/\s*L$", re.IGNORECASE)
_LAB_NEGATION = re.compile(
    r"(?:\b(?:must|should|may|shall)\s+not\s+(?:have|show|be)\b[^.;\d]{0,25}"
    r"|(?:^|[.;:]\s*)no\s+(?:evidence\s+of\s+)?(?:[a-z]+\s+){0,3})$",
    re.IGNORECASE,
)
_SECONDS = re.compile(r"^(?:s|sec|secs|seconds?)\b", re.IGNORECASE)
#: A value that opens a condition ("If LVEF is > 70%, ...", "When creatinine is above ..."),
#: not a limit of its own.
_CONDITION_BEFORE = re.compile(
    r"(?:^|[.;:(,]\s*)(?:(?:that is|i\.e\.?)\s*,?\s*)?(?:if|when|whenever|in case"
    r"|in patients whose|for patients whose)\s+(?:the\s+|their\s+|baseline\s+|screening\s+"
    r"|serum\s+|plasma\s+)*$"
    # "clearance is only required when creatinine is > 1.5 x ULN"
    r"|\b(?:only|required|needed|necessary|performed|done)\s+(?:only\s+)?(?:if|when|in case)\s+"
    r"(?:the\s+|serum\s+|plasma\s+)*$"
    # "..., or clearance >= 60 mL/min for patients with creatinine levels above 1.5 x ULN"
    r"|\b(?:for|in)\s+(?:patients?|subjects?|participants?|those)\s+(?:with|who have|having)\s+"
    r"(?:an?\s+|the\s+|serum\s+|plasma\s+|baseline\s+)*$",
    re.IGNORECASE,
)
#: A value named in a note about how it is measured, not as a threshold of its own.
_ONLY_CONTEXT = re.compile(
    r"(?:\b(?:determination|determining|measurement|measuring|assessment) of (?:a |the )?"
    r"|\[\s*note\b[^\]]{0,80})$",
    re.IGNORECASE,
)


def _within_normal(
    view: ItemView, group: list[_Mention], end: int, tail: str, following: list[_Mention]
) -> tuple[list[Draft], int]:
    """'Total bilirubin within normal institutional limits': at most 1 x ULN (an inclusion's
    limit for analytes whose limit is an upper one). Also returns where its words end, a
    situation's limit after it included ("<= ULN; or <= 3 x ULN with Gilbert's syndrome")."""
    names = tuple(dict.fromkeys(a for m in group for a in m.analytes))
    found = _WITHIN_NORMAL.match(tail, tail.lower())
    if found is None or view.section != Section.INCLUSION or not set(names) <= _AT_MOST:
        return [], end
    stop = end + found.end()
    exceptions = view.exception_texts(group[0].start)
    situation = _situation_after(view, stop, "<=", group, following)
    if situation is not None:
        exceptions = tuple(dict.fromkeys((situation[0], *exceptions)))
    drafts = [
        view.draft(
            "lab",
            group[0].start,
            stop,
            analyte=analyte,
            comparator="<=",
            value=1.0,
            unit=None,
            uln_multiple=True,
            exceptions=exceptions,
        )
        for analyte in names
    ]
    return drafts, situation[1] if situation is not None else stop


def _situation_after(
    view: ItemView, stop: int, cmp: str, group: list[_Mention], following: list[_Mention]
) -> tuple[str, int] | None:
    """A second limit for a situation right after a threshold ("(<= 3 x ULN with Gilbert's
    syndrome)", "; or <= 5 x ULN if liver metastases"): its words and where they end."""
    w = view.w
    extra = _EXCEPTION.match(w[stop:])
    if extra is None:
        return None
    if extra.group("alt") and (
        extra.group("cmp")[0] != cmp[0]
        or (extra.group("named") and not _same_analytes(extra, stop, group, following))
    ):
        # "and platelets >= 100 in ...": the next threshold; "<= 1.5 x ULN or > 1.5 x ULN
        # with a clearance >= 60": alternatives, not a second limit for a situation
        return None
    extra_end = stop + extra.end()
    if extra.group("alt"):
        # flattened lists run on: "... if liver metastases Total bilirubin <= 1.5"
        situation = stop + extra.start("sit")
        extra_end = next(
            (m.start for m in following if m.start > situation
             and m.start < extra_end and not _shares(m, group)),
            extra_end,
        )  # fmt: skip
    body = w[stop + extra.start() : extra_end]
    if not (_SITUATION.search(body) or "<" in body or ">" in body):
        return None
    # "(<= 3 if on warfarin)": the drug says when, not what the patient must have had
    view.memo.setdefault(LAB_SITUATIONS, []).append((stop + extra.start(), extra_end))
    return view.evidence(stop + extra.start(), extra_end).strip("() ,;"), extra_end


_INVOLVEMENT_WORDS = gate_words("metasta", "involvement")
_NORMAL_WORDS = gate_words("normal", "wnl")


def read(view: ItemView) -> list[Draft]:
    w = view.w
    if _DIGIT.search(w) is None and not view.has(_NORMAL_WORDS):
        return []
    mentions = _mentions(w, view.low, view.analyte_candidates)
    out, used = _prefixed(view, mentions)
    mentions = [m for index, m in enumerate(mentions) if index not in used]
    i = 0
    while i < len(mentions):
        group = [mentions[i]]
        while i + 1 < len(mentions):
            between = w[group[-1].end : mentions[i + 1].start]
            # a parenthesised alias ("AST (SGOT)") or a list ("AST/ALT", "AST and ALT")
            if _JOIN.match(between) or _ALIAS.fullmatch(between):
                group.append(mentions[i + 1])
                i += 1
                continue
            break
        i += 1
        end = group[-1].end
        while w[end : end + 1] in (")", "]"):
            end += 1
        next_start = mentions[i].start if i < len(mentions) else len(w)
        tail = w[end:next_start] if next_start > end else w[end:]
        threshold = _THRESHOLD.match(tail)
        cmp: str | None = None
        if threshold and _GAP_OK.match(threshold.group("gap")):
            cmp = threshold.group("cmp")
        else:
            threshold = _POSTFIX.match(tail)
            if threshold and _GAP_OK.match(threshold.group("gap")):
                direction = threshold.group("dir").lower()
                up = direction in {"more", "greater", "higher", "above", "over"}
                cmp = ">=" if up else "<="
        if (threshold is None or cmp is None) and view.section == Section.INCLUSION:
            threshold, cmp = _bare(tail, group)
        if threshold is None or cmp is None:
            drafts, stop = _within_normal(view, group, end, tail, mentions[i:])
            out += drafts
            while i < len(mentions) and mentions[i].start < stop:
                i += 1  # the names in a situation's limit belong to it
            continue
        if view.section == Section.EXCLUSION and view.in_exception(group[0].start):
            continue  # "unresolved toxicity, except alopecia and haemoglobin >= 9": not a bar
        if _ONLY_CONTEXT.search(w, max(0, group[0].start - 90), group[0].start):
            continue  # "[Note: no transfusion within 14 days before the haemoglobin >= 9 test]"
        if _CONDITION_BEFORE.search(w, max(0, group[0].start - 40), group[0].start):
            continue  # "If LVEF is greater than 70%, an ECHO should be done as well": a condition
        if _ALLOWED_AFTER.match(w, end + threshold.end()):
            continue  # "bilirubin > 2.0 is acceptable in the setting of Gilbert's": an allowance
        value = _number(threshold.group("value"))
        unit_raw = threshold.group("unit")
        unit_start = end + threshold.start("unit") if unit_raw else None
        unit = view.evidence(unit_start, end + threshold.end("unit")) if unit_start else None
        uln = bool(unit_raw and re.search(r"ULN|UNL|upper|IULN|ULRR|\bN\b", unit_raw, re.I))
        lln = bool(unit_raw and re.search(r"LLN|lower limit", unit_raw, re.I))
        if unit_raw and _PER_LITRE.match(unit_raw) and value >= 1e6:
            value, unit = value / 1e9, "x 10^9/L"  # "1,500,000,000/L" is 1.5 x 10^9/L
        if (
            "qtc" in (a for m in group for a in m.analytes)
            and value < 2
            and (not unit_raw or _SECONDS.match(unit_raw))
        ):
            value, unit = round(value * 1000), "ms"  # "QTc > 0.47 seconds" is 470 ms
        stop = end + threshold.end()
        exceptions: list[str] = []
        other_sex = _OTHER_SEX_LIMIT.match(w, stop)
        if other_sex is not None:
            # "QTc > 450 msec for men and > 470 msec for women": the limit written first is for
            # one sex, the other's is carried as an exception the matcher reads with the sex
            exceptions.append(other_sex.group("alt") or other_sex.group("alt2"))
            stop = other_sex.end()
        found = _situation_after(view, stop, cmp, group, mentions[i:])
        if found is not None:
            exceptions.append(found[0])
            # "(or ALT and AST <= 5 x ULN if liver metastases)": the names in the exception
            # belong to it, not to new thresholds
            while i < len(mentions) and mentions[i].start < found[1]:
                i += 1
        exceptions.extend(view.exception_texts(group[0].start))
        analytes = tuple(dict.fromkeys(a for m in group for a in m.analytes))
        # "Must not have QTc > 470 ms" in an inclusion item: the threshold is what bars
        negated = view.section == Section.INCLUSION and bool(
            _LAB_NEGATION.search(w, max(0, group[0].start - 40), group[0].start)
        )
        for analyte in analytes:
            out.append(
                view.draft(
                    "lab",
                    group[0].start,
                    stop,
                    analyte=analyte,
                    comparator=cmp,
                    value=value,
                    unit=unit or None,
                    uln_multiple=uln,
                    lln_multiple=lln,
                    exceptions=tuple(dict.fromkeys(exceptions)),
                    negated=negated,
                )
            )
    if len(out) > 1 and view.has(_INVOLVEMENT_WORDS):
        out = _limits_with_metastases(out, view)
    return out


#: Metastases in an organ that a laboratory limit is relaxed for ("ALT <= 5 x ULN for liver
#: metastases"), and a clause that speaks of their absence ("In absence of liver metastases").
_ORGAN_METASTASES = re.compile(
    r"\b(?:liver|hepatic|bone|osseous)\s+(?:metasta\w*|mets\b|involvement)", re.IGNORECASE
)
_ABSENT_BEFORE = re.compile(
    r"\b(?:absence of|without|no|not have|free of)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
)


def _limits_with_metastases(drafts: list[Draft], view: ItemView) -> list[Draft]:
    """A second limit for patients with liver or bone metastases, written as a clause of its own
    ("ALT and AST <= 2.5 x ULN; ALT and AST <= 5 x ULN for liver metastasis", "In absence of
    liver metastases, AST < 2.5 x ULN. If the patient had liver metastases, AST < 5 x ULN"):
    the usual limit keeps the second as its exception (as it does when the second is written in
    brackets), and the second is no limit for everyone."""
    w = view.w

    def with_metastases(draft: Draft) -> bool:
        begin = cues.sentence_start(w, draft.start)
        found = _ORGAN_METASTASES.search(w, begin, cues.sentence_stop(w, draft.start))
        return found is not None and not _ABSENT_BEFORE.search(w, begin, found.start())

    relaxed = [d for d in drafts if d.fields["uln_multiple"] and with_metastases(d)]
    if not relaxed:
        return drafts
    relaxed_ids = {id(d) for d in relaxed}
    usual_analytes = {d.fields["analyte"] for d in drafts if id(d) not in relaxed_ids}
    out: list[Draft] = []
    for draft in drafts:
        if id(draft) in relaxed_ids:
            if draft.fields["analyte"] not in usual_analytes:
                out.append(draft)  # a relaxed limit with no usual one beside it stays a limit
            continue
        second = draft.fields["uln_multiple"] and next(
            (
                r
                for r in relaxed
                if r.fields["analyte"] == draft.fields["analyte"]
                and r.fields["comparator"][0] == draft.fields["comparator"][0]
                and r.fields["value"] > draft.fields["value"]
            ),
            None,
        )
        if second:
            said = view.evidence(
                cues.sentence_start(w, second.start), cues.sentence_stop(w, second.start)
            ).strip("() ,;")
            fields = {**draft.fields, "exceptions": (*draft.fields["exceptions"], said)}
            draft = Draft(draft.kind, fields, draft.evidence, draft.start, draft.end)
        out.append(draft)
    return sorted(out, key=lambda d: d.start)
