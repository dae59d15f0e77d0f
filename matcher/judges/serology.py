"""Hepatitis B and C serology in a patient's condition entry, read against what an item counts.

A resolved (past) infection, hepatitis B core antibody positive with the surface antigen
(HBsAg) negative, is not the HBsAg-positive, chronic or active hepatitis B most exclusions are
about; it is the "history of hepatitis B" some items name, and then the HBV DNA they ask about
(in the same sentence or in one that lets such patients in) settles it. An item about the
HBsAg-negative state itself ("HBsAg negative, anti-HBc positive and HBV DNA positive") is
settled by the DNA too, and left open when the entry does not give it.

Likewise a cured hepatitis C (a sustained virological response after antiviral treatment, HCV
RNA undetectable) is no current infection: it meets only an item that counts a past infection
("history of hepatitis C", "anti-HCV antibody positive"), and it has had the adequate therapy
some items ask for.
"""

from __future__ import annotations

import re

from matcher.judgement import Judgement, met, not_met, unknown

_ANTIGEN = (
    r"(?:HBs\s?Ag|HBs\s+antigen|hepatitis\s+B\s+(?:virus\s+)?(?:surface|serum)\s+antigen"
    r"|\bBsAg\b)"
)
#: "HBsAg negative", "HBsAg: non-reactive", "HBsAg-", "negative for HBsAg".
_ANTIGEN_NEGATIVE = re.compile(
    _ANTIGEN + r"(?:\s*(?:test|result|status))?\s*[:=]?\s*(?:negative|non-?reactive|not detected"
    r"|neg\b|[-−](?![\w-]))"
    r"|\b(?:negative|non-?reactive)\s+(?:for\s+)?(?:an?\s+|the\s+)?" + _ANTIGEN,
    re.I,
)
#: An item's words that count a past infection: "history of hepatitis B", "anti-HBc positive".
_PAST = re.compile(
    r"\bhistory\b|\bprior\b|\bprevious|\bpast\b|\bresolved\b|\bever\b|\boccult\b|\bexpos\w+"
    r"|core\s+antibod\w*|anti-?\s?HBc|\bHBc\s?Ab\b",
    re.I,
)
#: An item's words on HBV replication: "negative PCR test is required", "HBV DNA >= 2000".
_NUCLEIC = re.compile(r"\bDNA\b|\bPCR\b|viral load|\bcopies\b|\bIU\s*/\s*m[lL]\b", re.I)
#: A patient's words that the virus is not found: "HBV DNA undetectable", "PCR negative".
_NOT_FOUND = re.compile(
    r"\b(?:DNA|PCR|viral load)\b[^,;]{0,20}?\b(?:undetectable|negative|not detected|below)"
    r"|\bundetectable\b[^,;]{0,15}?\b(?:DNA|viral load)",
    re.I,
)
#: ... and that it replicates: "HBV DNA 3000 IU/mL", "detectable HBV DNA".
_FOUND = re.compile(
    r"\b(?:DNA|viral load)\b[^,;]{0,20}?(?:(?<!un)\bdetectable|\bpositive|\d)"
    r"|(?<!un)\bdetectable\b",
    re.I,
)
#: An item about treatment for the infection: "current treatment with anti-viral therapy for
#: HBV", "receiving nucleos(t)ide analogues".
_TREATMENT_ASKED = re.compile(
    r"\banti-?\s?viral|\bnucleos\(?t?\)?ide|\b(?:treatment|therapy)\s+(?:for|of|against)\b", re.I
)
_ANTIVIRAL = re.compile(
    r"\banti-?\s?viral|entecavir|tenofovir|lamivudine|adefovir|telbivudine|\bnucleos\(?t?\)?ide"
    r"|prophyla\w+",
    re.I,
)
_NO_ANTIVIRAL = re.compile(
    r"\b(?:no|without|off|not on|never (?:on|needed|required))\s+(?:\w+\s+)?(?:anti-?\s?viral"
    r"|treatment|therapy|prophyla\w+)|untreated",
    re.I,
)


#: An item that accepts the infection once it is treated: "Has a negative test or adequate
#: therapy for HIV, hepatitis B, and/or hepatitis C", "unless adequately treated".
_TREATMENT_ACCEPTED = re.compile(
    r"\badequate(?:ly)?\s+(?:anti-?\s?viral\s+|antiretroviral\s+)?(?:therapy|treatment|treated)\b",
    re.I,
)
#: Antiretroviral therapy for HIV, as patients' records say it.
_ANTIRETROVIRAL = re.compile(r"antiretroviral|\b(?:c|HA)?ART\b")


def treatment_accepted(sentence: str, words: str) -> Judgement | None:
    """An item that accepts adequate therapy for a viral infection, against a patient whose
    entry says it is treated ("core antibody positive, HBV DNA undetectable, on entecavir
    prophylaxis"; "HIV on antiretroviral therapy"). The item counts the infection without such
    therapy, which this patient does not have; with a virus still found, whether the therapy is
    adequate is for the investigator. None when the item accepts no therapy or the entry names
    none."""
    if not _TREATMENT_ACCEPTED.search(sentence):
        return None
    treated = (_ANTIVIRAL.search(words) or _ANTIRETROVIRAL.search(words)) and not (
        _NO_ANTIVIRAL.search(words)
    )
    if not treated:
        return None
    if _FOUND.search(words) and not _NOT_FOUND.search(words):
        return unknown(
            f"{words}: on antiviral therapy with the virus still found; whether the therapy is "
            "adequate, as the criterion asks, is for the investigator",
            "whether the antiviral therapy is adequate",
        )
    return not_met(f"{words}: on antiviral therapy, which the criterion accepts")


def surface_antigen_negative(words: str) -> bool:
    """Whether a patient's entry says HBsAg is negative, and nothing in it says the virus
    replicates (an HBsAg-negative entry with detectable DNA is an occult infection)."""
    return _ANTIGEN_NEGATIVE.search(words) is not None and _FOUND.search(words) is None


#: An item's words that something is found: "positive for HBV-DNA", "anti-HBc positive".
_POSITIVE = re.compile(r"\bpositive\b|\breactive\b|\bdetectable\b", re.I)
#: Words that let patients in: "... are eligible", "is allowed".
_LETS_IN = re.compile(
    r"\b(?:eligible|allowed|permitted|may (?:be )?(?:enrol|enter|particip))", re.I
)
#: "active, previously treated or both", "treated or untreated".
_TREATED_EITHER_WAY = re.compile(r"\bpreviously treated\b|\btreated or untreated\b", re.I)


def _by_dna(sentence: str, words: str) -> Judgement:
    """An item about an HBsAg-negative infection with the virus found, against an HBsAg-negative
    patient: what the entry says of HBV DNA decides."""
    if not _NUCLEIC.search(sentence):
        return unknown(
            f"{words}: the criterion is about an HBsAg-negative infection of the kind it names; "
            "the profile does not say which antibodies are found",
            "hepatitis B antibodies",
        )
    if _NOT_FOUND.search(words):
        return not_met(f"{words}: HBV DNA not found; the criterion is about an infection with it")
    return unknown(
        f"{words}: the criterion is about an HBsAg-negative infection with HBV DNA found; the "
        "profile does not give HBV DNA",
        "HBV DNA",
    )


def hepatitis_b(said: str, sentence: str, words: str, item: str = "") -> Judgement | None:
    """An item about hepatitis B against an HBsAg-negative patient (see the module's note).

    `said`: the item's words about hepatitis B; `sentence`: the whole sentence they stand in;
    `words`: the patient's entry; `item`: the whole item, whose other sentences may let a past
    infection in ("...; those HBsAg negative with HBV DNA not found are eligible"). None when
    the entry does not say HBsAg is negative.
    """
    if not surface_antigen_negative(words):
        return None
    if _ANTIGEN_NEGATIVE.search(sentence) and _POSITIVE.search(sentence):
        # "HBsAg negative, anti-HBc positive and HBV DNA positive": the item is about an
        # HBsAg-negative (occult or resolved) infection itself; the DNA settles it
        return _by_dna(sentence, words)
    if _TREATED_EITHER_WAY.search(sentence):
        # "hepatitis B (active, previously treated or both)": a past infection counts too
        return unknown(
            f"{words}: a past infection, which the criterion counts when it was treated; "
            "whether it was is not given",
            "whether the hepatitis B was treated",
        )
    if re.search(_ANTIGEN, said, re.I):
        # "HBsAg positive", "Negative HBsAg test" (negated by the parser): the item names the
        # surface antigen, and the patient's is negative
        return not_met(f"{words}: HBsAg negative, so not the HBsAg-positive hepatitis B named")
    if _TREATMENT_ASKED.search(said):
        if _ANTIVIRAL.search(words) and not _NO_ANTIVIRAL.search(words):
            return met(f"{words}: on antiviral therapy, as the criterion says")
        if _NO_ANTIVIRAL.search(words):
            return not_met(f"{words}: no antiviral therapy, which is what the criterion is about")
        return unknown(
            f"{words}: the criterion is about antiviral therapy for hepatitis B; the profile "
            "does not say whether the patient takes any",
            "hepatitis B antiviral therapy",
        )
    if _PAST.search(said):
        # "history of hepatitis B, negative PCR required": a past infection the item counts,
        # unless the DNA it asks about is not found
        let_in = _NUCLEIC.search(item) is not None and _LETS_IN.search(item) is not None
        if not _NUCLEIC.search(sentence) and not let_in:
            return None
        if _NOT_FOUND.search(words):
            return not_met(
                f"{words}: a past infection with the virus not found, which the criterion allows"
            )
        if not _FOUND.search(words):
            return unknown(
                f"{words}: a past infection, which the criterion allows with HBV DNA not found; "
                "the profile does not give HBV DNA",
                "HBV DNA",
            )
        return None
    return not_met(
        f"{words}: HBsAg negative, a resolved infection at most, not the current (chronic or "
        "active) hepatitis B the criterion is about"
    )


#: A patient's words that hepatitis C is cured: "cured with sofosbuvir/velpatasvir", "SVR12",
#: "sustained virological response", "HCV RNA undetectable".
_HCV_CURED = re.compile(
    r"\bcured\b|\bSVR\s?\d*\b|sustained virolog\w* respon\w*|\beradicat\w*"
    r"|\bRNA\b[^,;]{0,20}?\b(?:undetectable|negative|not detected)"
    r"|\bundetectable\b[^,;]{0,15}?\bRNA\b",
    re.I,
)
#: ... and that it is back or never went: "relapsed", "HCV RNA 2e5 IU/mL", "not cured".
_HCV_PRESENT = re.compile(
    r"\brelaps\w*|\breinfect\w*|\bnot cured\b|\bfailed\b|\bactive\b|viraemi|viremi"
    r"|\bRNA\b[^,;]{0,20}?(?:(?<!un)\bdetectable|\bpositive|\d)",
    re.I,
)
#: An item's words that count the infection while it is there: "active", "chronic", "current".
_HCV_CURRENT = re.compile(
    r"\bactive\b|\bchronic\b|\bcurrent\w*|\bongoing\b|\buncontrolled\b|\buntreated\b"
    r"|replicat\w*",
    re.I,
)
#: ... that count a past one: "history of hepatitis C", "anti-HCV antibody positive".
_HCV_PAST = re.compile(
    r"\bhistory\b|\bprior\b|\bprevious|\bpast\b|\bresolved\b|\bever\b|\bexpos\w+"
    r"|antibod\w*|anti-?\s?HCV|\bHCV\s?Ab\b|seropositiv\w*",
    re.I,
)


_HCV_LEAD = re.compile(
    r"(?P<current>" + _HCV_CURRENT.pattern + r")|\bhistory\b|\bprior\b|\bprevious|\bpast\b"
    r"|\bever\b",
    re.I,
)


def hepatitis_c_cured(words: str) -> bool:
    """Whether a patient's entry says hepatitis C is cured, and nothing in it says it is back."""
    return _HCV_CURED.search(words) is not None and _HCV_PRESENT.search(words) is None


def hepatitis_c(said: str, lead: str, words: str) -> Judgement | None:
    """An item about hepatitis C against a patient whose hepatitis C is cured (see the module's
    note).

    `said`: the item's words about hepatitis C; `lead`: its sentence up to them (a list's
    opening, "known history of HIV, hepatitis B or hepatitis C", is every element's); `words`:
    the patient's entry. None when the entry does not say the infection is cured, or when the
    item counts a past infection.
    """
    if not hepatitis_c_cured(words):
        return None
    if _NUCLEIC.search(said):
        return not_met(f"{words}: cured, the virus not found, which the criterion asks about")
    current = f"{words}: cured, so not the current hepatitis C the criterion is about"
    if _HCV_CURRENT.search(said):
        return not_met(current)
    if _HCV_PAST.search(said):
        return None
    # the list's own qualifier, the one nearest before hepatitis C: "known history of HIV,
    # hepatitis B or hepatitis C" counts a past infection, "known history of HIV or active
    # hepatitis B or C" a current one
    qualifiers = list(_HCV_LEAD.finditer(lead))
    if qualifiers:
        return not_met(current) if qualifiers[-1].group("current") else None
    return not_met(
        f"{words}: cured after a completed course of treatment, so no hepatitis C infection now "
        "(nor one lacking therapy)"
    )
