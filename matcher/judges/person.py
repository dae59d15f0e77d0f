"""Judges for the person and the disease course: age, sex, menopause, performance status, CNS
metastases, measurable disease, visceral crisis, life expectancy, administrative items."""

from __future__ import annotations

import re
from functools import lru_cache

from criteria import lexicon
from criteria.kinds.disease import bone_allowance_lytic_only
from criteria.model import (
    Administrative,
    Age,
    CnsMetastases,
    LifeExpectancy,
    MeasurableDisease,
    MenopausalStatus,
    PerformanceStatus,
    Sex,
    Unrecognized,
    VisceralCrisis,
)
from criteria.parser import ABRIDGED
from matcher.judgement import Judgement, compare_range, met, not_applicable, not_met, unknown
from matcher.patient import Patient
from trialmatch.vocab import Section


def age(c: Age, p: Patient) -> Judgement:
    years = p.profile.age
    if years is None:
        return unknown("age not given", "age")
    if c.section is Section.EXCLUSION and not c.negated:
        # "Age < 18 years" excludes the ages it names: say whether the patient's is one of them
        # ("age 60: not under 18"), not that it breaks a maximum the trial never set
        low_ok = c.min_years is None or years >= c.min_years
        high_ok = c.max_years is None or years <= c.max_years
        named = _ages_named(c.min_years, c.max_years)
        return (met if low_ok and high_ok else not_met)(
            f"age {years:g}: {'' if low_ok and high_ok else 'not '}{named}"
        )
    if c.min_years is not None and years < c.min_years:
        return not_met(f"age {years:g}; the minimum is {c.min_years:g}")
    if c.max_years is not None and years > c.max_years:
        return not_met(f"age {years:g}; the maximum is {c.max_years:g}")
    return met(f"age {years:g}")


def _ages_named(low: float | None, high: float | None) -> str:
    """'under 18' (max 17), '75 or older', '18 to 40'."""
    if low is not None and high is not None:
        return f"{low:g} to {high:g}"
    if high is not None:
        return f"under {high + 1:g}" if float(high).is_integer() else f"at most {high:g}"
    return f"{low:g} or older"


def sex(c: Sex, p: Patient) -> Judgement:
    given = p.profile.sex
    if given is None:
        return unknown("sex not given", "sex")
    if given == c.sex:
        return met(f"patient is {given}")
    return not_met(f"patient is {given}; the criterion is about {c.sex} patients")


def menopausal_status(c: MenopausalStatus, p: Patient) -> Judgement:
    if p.profile.sex == "male":
        return not_applicable("menopausal status does not apply to a man")
    status = p.profile.menopausal_status
    if status is None:
        return unknown("menopausal status not given", "menopausal status")
    wanted = " or ".join(c.statuses)
    return met(status) if status in c.statuses else not_met(f"{status}; criterion: {wanted}")


#: ECOG grade -> the Karnofsky scores it corresponds to (Oken et al. 1982 conversion).
_KARNOFSKY = {0: (90, 100), 1: (70, 80), 2: (50, 60), 3: (30, 40), 4: (10, 20)}


def performance_status(c: PerformanceStatus, p: Patient) -> Judgement:
    ecog = p.profile.ecog
    if ecog is None:
        return unknown("ECOG performance status not given", "ECOG performance status")
    low, high = (ecog, ecog) if c.scale == "ecog" else _KARNOFSKY[ecog]
    checks = []
    if c.min is not None:
        checks.append(compare_range(low, high, ">=", c.min))
    if c.max is not None:
        checks.append(compare_range(low, high, "<=", c.max))
    said = f"ECOG {ecog}" + ("" if c.scale == "ecog" else f" (Karnofsky {low}-{high})")
    wanted = _range_words(c.min, c.max)
    if False in checks:
        return not_met(f"{said}; criterion: {c.scale.replace('ecog', 'ECOG')} {wanted}")
    if None in checks:
        return unknown(
            f"{said} straddles the Karnofsky threshold {wanted}", "Karnofsky performance status"
        )
    return met(said)


def _range_words(low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return f"{low}-{high}"
    return f">= {low}" if low is not None else f"<= {high}"


#: States an active brain metastasis has by the profile's definition (untreated or progressing).
_ACTIVE_STATES = {"active", "untreated", "progressing"}
_ACTIVE_WORDS = r"(?:uncontrolled|active|untreated|progressive|progressing|unstable)"
#: Two states stacked on one noun, which asks for both: "uncontrolled symptomatic brain
#: metastases", "symptomatic and progressing CNS metastases" (not "symptomatic or untreated").
_BOTH_STATES = re.compile(
    rf"\b{_ACTIVE_WORDS}\s+(?:and\s+)?symptomatic\b|\bsymptomatic\s+(?:and\s+)?{_ACTIVE_WORDS}\b",
    re.I,
)


def cns_metastases(c: CnsMetastases, p: Patient) -> Judgement:
    """Whether the patient has brain metastases of the states named.

    `active` means untreated or progressing, which says nothing about symptoms: a criterion
    about symptomatic ones (or ones needing steroids) is unknown for active metastases unless
    the profile's `brain_metastases_symptomatic` settles it. Treated, stable metastases count
    as asymptomatic unless that field says otherwise. An exception the parser could not turn
    into states ("unless they meet specific stability criteria") leaves treated, stable ones
    unknown: the exception is written for them.
    """
    states = set(c.states) if c.states != ("any",) or c.exceptions else _states_after(c)
    lepto = _leptomeningeal(p)
    diagnosis = p.profile.diagnosis
    brain = diagnosis.brain_metastases if diagnosis else None
    if lepto is not None and (
        "leptomeningeal" in states
        or ("any" in states and not c.exceptions and brain in {None, "none"})
    ):
        return _leptomeningeal_judgement(c, lepto)
    qualified = states & (_ACTIVE_STATES | {"symptomatic"})
    if lepto is not None and brain in {None, "none"} and qualified:
        return _qualified_cns_leptomeningeal(c, lepto, states)
    if diagnosis is None or brain is None:
        return unknown("brain metastases not recorded", "brain metastases")
    symptomatic = diagnosis.brain_metastases_symptomatic if brain != "none" else False
    words = {
        "none": "no brain metastases",
        "treated_stable": "treated, stable brain metastases",
        "active": "active brain metastases",
    }[brain]
    if symptomatic is not None and brain != "none":
        words += " (symptomatic)" if symptomatic else " (asymptomatic)"
    if brain == "none":
        return not_met(words)
    steroids = _steroid_use(p) if _names_steroid(" ".join((c.text, *c.exceptions))) else None
    if steroids and ("symptomatic" in states or ("any" in states and c.exceptions)):
        # "... unless not receiving steroids for them": a patient on dexamethasone fails it
        return met(f"{words}; on steroids ({steroids})")
    if "any" in states:
        if c.exceptions and brain == "treated_stable":
            return unknown(
                f"{words}; but the criterion makes an exception ({'; '.join(c.exceptions)}) "
                "that the profile cannot settle",
                "the criterion's exception (check by hand)",
            )
        return met(words)
    if "symptomatic" in states and states & _ACTIVE_STATES and _BOTH_STATES.search(c.text):
        # "uncontrolled symptomatic brain metastases": both at once, not either
        if symptomatic is False or brain != "active":
            return not_met(f"{words}; the criterion is about ones both active and symptomatic")
        if symptomatic is None:
            return unknown(
                f"{words}; whether they cause symptoms or need steroids is not recorded",
                "whether the brain metastases are symptomatic",
            )
        return met(words)
    if brain == "active" and states & _ACTIVE_STATES == {"progressing"}:
        # "stable for less than 4 weeks": the profile's active covers untreated ones too
        if symptomatic and "symptomatic" in states:
            return met(words)
        return unknown(
            f"{words}; whether they are progressing (not stable) is not recorded",
            "whether the brain metastases are stable",
        )
    if brain == "active" and states & _ACTIVE_STATES:
        return met(words)
    if "symptomatic" in states:
        if symptomatic:
            return met(words)
        if symptomatic is None and brain == "active":
            return unknown(
                f"{words}; whether they cause symptoms or need steroids is not recorded",
                "whether the brain metastases are symptomatic",
            )
    if "leptomeningeal" in states:
        # the brain metastases do not meet it; leptomeningeal disease the profile does not
        # mention (in the metastatic sites or the conditions) is unknown, not absent
        return unknown(
            f"{words}; leptomeningeal involvement not recorded", "leptomeningeal disease"
        )
    if states & (_ACTIVE_STATES | {"symptomatic"}):
        return not_met(f"{words}; the criterion is about {' or '.join(sorted(states))} ones")
    return unknown(f"{words}; criterion states {', '.join(sorted(states))}", "brain metastases")


#: States written after the noun that a reading of "any" brain metastases has lost: "brain
#: metastasis accompanied by clinical symptoms or requiring active treatment".
_SYMPTOMS_AFTER = re.compile(
    r"^\W*(?:that\s+(?:are|is)\s+|which\s+(?:are|is)\s+)?(?:accompanied\s+by|with|causing)\s+"
    r"(?:\w+\s+){0,2}symptoms\b|^\W*(?:that\s+(?:are|is)\s+)?symptomatic\b",
    re.IGNORECASE,
)
_TREATMENT_AFTER = re.compile(
    r"\b(?:requir\w*|need\w*)\s+(?:active|immediate|urgent|current)\s+(?:treatment|therapy"
    r"|intervention)\b",
    re.IGNORECASE,
)


def _states_after(c: CnsMetastases) -> set[str]:
    """The criterion's states, with those its words give after the noun when the parse read
    brain metastases of any kind: symptoms ("accompanied by clinical symptoms") make it about
    symptomatic ones, and "requiring active treatment" about active ones (needing treatment
    now: treated, stable metastases do not)."""
    at = c.text.find(c.evidence) if c.evidence else -1
    if at < 0:
        return set(c.states)
    after = re.split(r"[;.]", c.text[at + len(c.evidence) :])[0]
    states = set()
    if _SYMPTOMS_AFTER.search(after) or re.search(r"\bor\s+symptomatic\b", after, re.I):
        states.add("symptomatic")
    if _TREATMENT_AFTER.search(after):
        states.add("active")
    return states or set(c.states)


#: Leptomeningeal disease in a metastatic site ("leptomeninges") or a condition entry
#: ("leptomeningeal metastases treated with intrathecal methotrexate", "carcinomatous meningitis").
_LEPTO = re.compile(
    r"\blepto-?mening\w*|\bmeninge[sa]l?\b|\b(?:carcinomatous|neoplastic|malignant)\s+meningitis"
    r"|\bmeningeal\s+(?:carcinomatosis|metasta\w*|disease|spread)|\bLMD\b",
    re.IGNORECASE,
)
#: A denial before it in the same entry: "no leptomeningeal disease", "LMD ruled out".
_LEPTO_DENIED = re.compile(r"\b(?:no|not|without|negative|ruled\s+out|free\s+of)\b", re.I)
#: Words that qualify a trial's mention of leptomeningeal disease, so that having it is not
#: enough ("active leptomeningeal disease", "symptomatic ... leptomeningeal metastases").
_LEPTO_QUALIFIER = re.compile(
    r"\b(?:active|uncontrolled|untreated|symptomatic|progressi\w*|unstable|poorly\s+controlled"
    r"|clinically\s+(?:manifest\w*|significant|evident|apparent)|requiring|need\w*"
    r"|with\s+(?:clinical\s+)?symptoms)\b",
    re.IGNORECASE,
)
#: The patient's words that say the disease is still active ("progressing leptomeningeal ...").
_LEPTO_ACTIVE = re.compile(
    r"\b(?:active|progressi\w*|symptomatic|untreated|uncontrolled|worsening)\b", re.I
)


def _leptomeningeal(p: Patient) -> str | None:
    """Where the profile records leptomeningeal disease ("metastatic sites" or the condition
    entry's words), or None when it does not."""
    diagnosis = p.profile.diagnosis
    for words in p.profile.conditions or ():  # first: an entry's words may say how it is
        found = _LEPTO.search(words)
        if found and not _LEPTO_DENIED.search(words[: found.start()]):
            return words
    for site in (diagnosis.metastatic_sites or ()) if diagnosis else ():
        if _LEPTO.search(site):
            return "metastatic sites"
    return None


def _leptomeningeal_judgement(c: CnsMetastases, recorded: str) -> Judgement:
    """A CNS criterion naming leptomeningeal disease (or CNS metastases of any kind) for a
    patient whose profile records it: met, unless every mention of it in the text is qualified
    ("active leptomeningeal disease") and the patient's words do not say it is."""
    said = f"leptomeningeal disease ({recorded})"  # "(metastatic sites)" or the entry's words
    if "leptomeningeal" not in c.states:
        return met(said)  # brain or CNS metastases of any kind
    mentions = list(_LEPTO.finditer(c.text))
    if not mentions or any(not _lepto_qualified(c.text, m) for m in mentions):
        return met(said)
    if recorded != "metastatic sites" and _LEPTO_ACTIVE.search(recorded):
        return met(said)
    return unknown(
        f"{said}; whether it is as the criterion qualifies it (active, symptomatic) is not "
        "recorded",
        "whether the leptomeningeal disease is active or symptomatic",
    )


#: A criterion about the central nervous system as a whole ("symptomatic CNS metastases"), which
#: leptomeningeal disease is part of (brain metastases alone are the parenchyma's).
_CNS_WORDS = re.compile(r"\bCNS\b|central nervous system|intracranial", re.I)


def _qualified_cns_leptomeningeal(c: CnsMetastases, recorded: str, states: set[str]) -> Judgement:
    """A criterion about active or symptomatic CNS metastases for a patient whose only CNS
    disease is leptomeningeal: met when the criterion is about the CNS and the patient's words
    say the disease is active or symptomatic; otherwise for the investigator, never "no brain
    metastases"."""
    said = f"leptomeningeal disease ({recorded})"  # "(metastatic sites)" or the entry's words
    wanted = " or ".join(sorted(states))
    if _CNS_WORDS.search(c.evidence or c.text) and (
        recorded != "metastatic sites" and _LEPTO_ACTIVE.search(recorded)
    ):
        return met(f"{said}: {wanted} CNS disease")
    return unknown(
        f"{said}; whether it counts as the {wanted} CNS metastases the criterion names is for "
        "the investigator",
        "whether the leptomeningeal disease is active or symptomatic",
    )


def _lepto_qualified(text: str, mention: re.Match[str]) -> bool:
    """Whether qualifying words stand with this mention, in its clause (back to a comma,
    semicolon or sentence start, and on to the next one)."""
    before = re.split(r"[,;.:]", text[: mention.start()])[-1]
    after = re.split(r"[,;.:]", text[mention.end() :])[0]
    return bool(_LEPTO_QUALIFIER.search(before) or _LEPTO_QUALIFIER.search(after))


@lru_cache(maxsize=4096)
def _names_steroid(words: str) -> bool:
    """Whether the words name a corticosteroid, as the drug lexicon knows them ("steroids",
    "glucocorticoids", "dexamethasone")."""
    for mention in lexicon.find_drug_mentions(words):
        if mention.id == _STEROID_CLASS:
            return True
        if mention.kind == "drug" and _STEROID_CLASS in lexicon.drug_classes(mention.id):
            return True
    return False


_STEROID_CLASS = "corticosteroid"
#: A condition entry that names a steroid as taken now: a dose, or "on", "taking", "currently"
#: ("dexamethasone 2 mg daily"; "radiation pneumonitis treated with steroids" is a past course)
_STEROID_NOW = re.compile(
    r"\b(?:on|taking|takes|receiving|currently|ongoing|daily|\d+(?:\.\d+)?\s*mg)\b", re.I
)
_STEROID_STOPPED = re.compile(
    r"\b(?:off|no|stopped|tapered|discontinued|ceased|without|treated with|resolved|past)\b", re.I
)


def _steroid_use(p: Patient) -> str | None:
    """The condition entry that records current steroid use, if any."""
    for words in p.profile.conditions or ():
        if (
            _STEROID_NOW.search(words)
            and not _STEROID_STOPPED.search(words)
            and _names_steroid(words)
        ):
            return words
    return None


#: Bone disease allowed only when it is all there is: "bone-only", "only bone metastases",
#: "simple bone metastases", "bone as the sole site".
_BONE_ONLY = re.compile(
    r"\bbone[- ]only\b|\bonly\s+(?:\w+\s+){0,2}bone|\bbone\s+(?:\w+\s+){0,2}only\b"
    r"|\bsimple\s+bone|\bbone\s+(?:\w+\s+){0,3}(?:sole|exclusive)|\b(?:solely|exclusively)\s+"
    r"(?:\w+\s+){0,2}bone|\bcan\s+only\s+be\s+bone",
    re.IGNORECASE,
)


#: A measurable lesion asked for in the brain ("at least one measurable brain metastasis >= 1 cm
#: per RANO-BM"): RECIST measurability elsewhere does not answer it.
_IN_THE_BRAIN = re.compile(
    r"\b(?:measurable|target)\s+(?:\w+\s+){0,2}?(?:brain|intracranial|CNS|cerebral)\b"
    r"|\b(?:brain|intracranial|CNS|cerebral)\s+(?:\w+\s+){0,2}?(?:lesions?|metastas[ie]s)\s+"
    r"(?:that\s+(?:is|are)\s+)?measurable|\bRANO",
    re.I,
)


def measurable_disease(c: MeasurableDisease, p: Patient) -> Judgement:
    diagnosis = p.profile.diagnosis
    measurable = diagnosis.measurable_disease if diagnosis else None
    if _IN_THE_BRAIN.search(c.evidence or c.text):
        brain = diagnosis.brain_metastases if diagnosis else None
        if brain == "none":
            return not_met("no brain metastases; the criterion asks for a measurable brain lesion")
        return unknown(
            "whether a brain lesion is measurable as the criterion asks is not recorded",
            "measurable brain lesion",
        )
    if measurable is True:
        return met("measurable disease (RECIST 1.1)")
    sites = set(diagnosis.metastatic_sites or ()) if diagnosis else set()
    bone_only = bool(sites) and sites <= {"bone", "bones", "skeletal"}
    if c.or_bone_only and bone_only:
        if bone_allowance_lytic_only(c.text):
            return unknown(
                "bone-only disease; the criterion allows it only with lytic (or mixed) bone "
                "lesions, and the profile does not say which kind they are",
                "whether the bone lesions are lytic, mixed or blastic",
            )
        return met("bone-only disease, which the criterion allows")
    if measurable is False:
        if c.or_bone_only and not sites:
            return unknown(
                "no measurable disease; metastatic sites not given (bone-only allowed)",
                "metastatic sites",
            )
        if c.or_bone_only and sites & {"bone", "bones", "skeletal"}:
            if _BONE_ONLY.search(c.text):
                # "measurable disease or only bone metastases": other sites are not bone-only
                return not_met(
                    f"no measurable disease; bone lesions with other sites "
                    f"({', '.join(sorted(sites))}), and the criterion allows bone-only disease"
                )
            # bone lesions beside other sites that cannot be measured (a treated brain lesion):
            # whether they are the bone disease the criterion allows is for the investigator
            return unknown(
                f"no measurable disease; bone lesions with other sites ({', '.join(sorted(sites))})"
                ", and the criterion allows bone disease",
                "whether the bone disease qualifies",
            )
        return not_met(
            "no measurable disease" + (f" (sites: {', '.join(sorted(sites))})" if sites else "")
        )
    return unknown("measurable disease not recorded", "measurable disease (RECIST 1.1)")


def visceral_crisis(c: VisceralCrisis, p: Patient) -> Judgement:
    diagnosis = p.profile.diagnosis
    crisis = diagnosis.visceral_crisis if diagnosis else None
    if crisis is None:
        return unknown("visceral crisis not recorded", "visceral crisis")
    return met("visceral crisis") if crisis else not_met("no visceral crisis")


def life_expectancy(c: LifeExpectancy, p: Patient) -> Judgement:
    weeks = f" of at least {c.min_weeks:g} weeks" if c.min_weeks else ""
    return unknown(
        f"life expectancy{weeks} is the investigator's estimate; not in the profile",
        "life expectancy (investigator's estimate)",
    )


def administrative(c: Administrative, p: Patient) -> Judgement:
    return not_applicable(f"administrative ({c.topic}): settled at screening, never blocks a match")


def unrecognized(c: Unrecognized, p: Patient) -> Judgement:
    if c.reason == ABRIDGED:
        return unknown(
            "the registry lists only the trial's key criteria: the protocol's others are for the "
            "site to check",
            "the protocol's full criteria",
        )
    return unknown(
        "not understood by the parser: read the text", "criteria the parser could not read"
    )
