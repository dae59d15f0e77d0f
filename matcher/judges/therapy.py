"""Judges for the treatment history: prior therapies and counts of lines."""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable

from criteria import lexicon
from criteria.model import LineCount, PriorTherapy
from matcher.facts import ANY_SCOPES, Regimen, TreatmentHistory, months_between
from matcher.judgement import CLASS_LEVEL, Judgement, met, not_met, unknown
from matcher.patient import Patient
from trialmatch.vocab import Result, Section

#: Classes too broad to count as what a trial "selects for".
_BROAD = {
    "endocrine_therapy",
    "chemotherapy",
    "systemic_anticancer_therapy",
    "any",
    "targeted_therapy",
}

_EARLY = {"adjuvant", "neoadjuvant"}
#: "anticancer agents (or any investigational drug)", "endocrine therapy": classes named in
#: general, which ovarian suppression alone does not meet
_ANY = {"systemic_anticancer_therapy", "investigational_agent", "endocrine_therapy"}


def _label(class_or_agent: str) -> str:
    try:
        return lexicon.class_label(class_or_agent)
    except KeyError:
        return class_or_agent


def wanted_words(c: PriorTherapy) -> str:
    """'palbociclib or a CDK4/6 inhibitor'."""
    words = [*c.agents, *(_label(k) for k in c.classes)]
    text = " or ".join(words) or "systemic therapy"
    if c.except_agents or c.except_classes:
        text += (
            " (except "
            + ", ".join([*c.except_agents, *(_label(k) for k in c.except_classes)])
            + ")"
        )
    return text


#: Treatments a cancer treatment history records although they are no systemic drug.
_RECORDED = ("radiotherapy", "investigational_agent")


def _named_in_conditions(c: PriorTherapy, p: Patient) -> Judgement | None:
    """A condition entry that names a drug the criterion asks about ("anticoagulation with
    apixaban" for "use of anticoagulants"): such medicines live in `conditions`, not in the
    cancer-treatment history. Where the criterion asks for current or long-term use ("within 14
    days", "long-term use of corticosteroids"), an entry that does not say the drug is taken now
    or for long ("pneumonitis treated with prednisone": a course, of unknown length and date)
    leaves it open."""
    wanted = set(c.classes)
    for words in p.profile.conditions or ():
        found = [
            start
            for drug, classes, start in _drugs_named(words)
            if drug in c.agents or classes & wanted
        ]
        if not found:
            continue
        before = words[max(0, found[0] - 30) : found[0]]
        around = words[max(0, found[0] - 30) : found[0] + 40]  # "on prednisone 5 mg daily"
        if c.daily_dose:
            dosed = _dose_above(c.daily_dose, around)
            if dosed is None:
                return unknown(
                    f"{words} (among the patient's conditions): the criterion counts only a "
                    f"daily dose {c.daily_dose}; the entry does not give the dose",
                    f"daily dose of {wanted_words(c)}",
                )
            if not dosed:
                return not_met(
                    f"{words} (among the patient's conditions): not above the criterion's daily "
                    f"dose ({c.daily_dose})"
                )
        if (effect := _BY_EFFECT.search(c.text)) is not None:
            # "anticoagulants precluding intramuscular injections": only those that do
            return unknown(
                f"{words} (among the patient's conditions): the criterion counts it only where it "
                f"is '{effect.group(0)}'; for the investigator",
                f"whether the {wanted_words(c)} use counts",
            )
        if _LONG_TERM.search(c.evidence or c.text) and not _TAKEN_FOR_LONG.search(around):
            return unknown(
                f"{words} (among the patient's conditions): the criterion is about long-term "
                "use; the entry does not say for how long",
                f"duration of {wanted_words(c)} use",
            )
        if c.within_days is not None and not _TAKEN_NOW.search(before):
            return unknown(
                f"{words} (among the patient's conditions): the criterion is about use within "
                f"{c.within_days} days; the entry does not say when",
                f"dates of {wanted_words(c)} use",
            )
        return met(f"{words} (among the patient's conditions)")
    return None


#: A medicine counted by what it does to the trial's treatment: "precluding intramuscular
#: injections", "that would interfere with the study drug".
_BY_EFFECT = re.compile(
    r"\b(?:precluding|(?:that|which)\s+(?:would|may|might|could)\s+(?:preclude|interfere"
    r"|prevent)|contraindicating)\b[^,;.]{0,60}",
    re.I,
)
_MG = re.compile(r"(\d+(?:\.\d+)?)\s*mg\b", re.I)


def _dose_above(limit: str, entry: str) -> bool | None:
    """Whether the dose an entry gives is above a criterion's daily-dose limit ("> 10 mg/day",
    ">= 20 mg per day"); None when either gives no number of milligrams."""
    wanted, given = _MG.search(limit), _MG.search(entry)
    if wanted is None or given is None:
        return None
    bound, dose = float(wanted.group(1)), float(given.group(1))
    return dose >= bound if ">=" in limit else dose > bound


#: A criterion about long use of a medicine: "long-term", "chronic", "prolonged".
_LONG_TERM = re.compile(r"\blong[- ]?term\b|\bchronic\b|\bprolonged\b", re.I)
#: Words before a medicine in a condition entry that say it is taken now: "on apixaban",
#: "anticoagulated with", "maintained on", "daily".
_TAKEN_NOW = re.compile(
    r"\b(?:on|taking|takes|receiving|currently|ongoing|daily|maintained|maintenance|chronic"
    r"|long[- ]?term|continuous|anticoagulated)\b(?:\s+\w+){0,3}\s*$",
    re.I,
)
#: ... and for long: "long-term", "chronic", "maintenance", "daily".
_TAKEN_FOR_LONG = re.compile(
    r"\b(?:chronic|long[- ]?term|maintenance|maintained|daily|continuous)\b", re.I
)


@functools.lru_cache(maxsize=4096)
def _drugs_named(words: str) -> tuple[tuple[str, frozenset[str], int], ...]:
    """The drugs a condition entry names, with their classes and where each is named (read once
    per entry: the same profile is judged against every criterion of every trial)."""
    found = []
    for mention in lexicon.find_drug_mentions(words):
        if mention.kind == "drug":
            try:
                found.append((mention.id, lexicon.drug_classes(mention.id), mention.start))
            except KeyError:
                continue
    return tuple(found)


def _concomitant(c: PriorTherapy) -> bool:
    """Whether every drug and class the criterion names is a medicine other than a cancer
    treatment (an antacid, an antiarrhythmic, a steroid, a bisphosphonate)."""
    return other_medicines_only(c.agents, c.classes)


def other_medicines_only(agents: Iterable[str], classes: Iterable[str]) -> bool:
    """Whether these drugs and classes (some at least) are all medicines other than cancer
    treatments (`_concomitant`, for a criterion's raw fields too)."""
    agents, classes = tuple(agents), tuple(classes)
    if not agents and not classes:
        return False
    for agent in agents:
        try:
            if "systemic_anticancer_therapy" in lexicon.drug_classes(agent):
                return False
        except KeyError:
            return False
    return not any(
        lexicon.is_subclass(k, "systemic_anticancer_therapy")
        or any(lexicon.is_subclass(k, r) for r in _RECORDED)
        for k in classes
    )


#: "must have had a treatment-free interval of 6 months or more": "free" names the
#: interval, it denies nothing
_FREE_INTERVAL = re.compile(
    r"\b(?:treatment|therapy|disease|chemotherapy|platinum|progression|relapse|recurrence)"
    r"[- ]free\s+(?:interval|period|survival)\b",
    re.IGNORECASE,
)


def interval_read_as_no(criterion: object) -> bool:
    """An inclusion setting a minimum treatment-free interval whose parse is negated only
    because "treatment free" reads like "free of treatment": a negated minimum interval would
    ask for relapse soon after the therapy, which such words never say."""
    return (
        isinstance(criterion, PriorTherapy)
        and criterion.section is Section.INCLUSION
        and criterion.relapse_after_months is not None
        and criterion.relapse_within_months is None
        and _FREE_INTERVAL.search(criterion.text) is not None
        and not _NEGATING_INTERVAL.search(criterion.text)
    )


#: Words that do deny the interval: "no treatment-free interval", "must not have ...".
_NEGATING_INTERVAL = re.compile(
    r"\b(?:no|not|without|never)\s+(?:\w+\s+){0,3}?(?:treatment|therapy|disease|chemotherapy"
    r"|platinum|progression|relapse|recurrence)[- ]free\b",
    re.IGNORECASE,
)


def _interval_after(c: PriorTherapy) -> bool:
    """An inclusion that sets a disease-free interval after early therapy ('relapse more than 12
    months after completing adjuvant X'), which only those who had X must meet."""
    return (
        c.section == Section.INCLUSION
        and (not c.negated or interval_read_as_no(c))
        and c.any_of is None  # one of several ways in is a way in, not a condition
        and c.relapse_after_months is not None
        and c.relapse_within_months is None
        and (set(c.settings) <= _EARLY or _IF_GIVEN.match(c.evidence or c.text) is not None)
    )


#: "If a taxane had been given (in any setting), progression must have come >= 12 months after"
#: "Patients who have received prior adjuvant chemotherapy must have ..." says the same.
_IF_GIVEN = re.compile(
    r"^\W*(?:if|when|where|for patients who"
    r"|(?:patients|subjects|participants)\s+who\s+(?:have\s+|had\s+)?(?:received|had|undergone))\b",
    re.IGNORECASE,
)


def _local(c: PriorTherapy) -> bool:
    """Whether the criterion names only radiotherapy (of some kind)."""
    return (
        not c.agents
        and bool(c.classes)
        and all(lexicon.is_subclass(k, "radiotherapy") for k in c.classes)
    )


def _agent_in(c: PriorTherapy, agent: str) -> bool:
    if agent in c.except_agents:
        return False
    classes = lexicon.drug_classes(agent)
    if classes & set(c.except_classes):
        return False
    if not c.agents and not c.classes:
        return lexicon.counts_as_line(agent)
    if agent in c.agents:
        return True
    hit = classes & set(c.classes)
    if hit and hit <= _ANY:
        # reached only through "anticancer therapy" or "endocrine therapy" in general (also
        # beside other classes: "chemotherapy or other antitumour therapy within 4 weeks"):
        # ovarian suppression and bone agents, which go on through many trials (premenopausal
        # trials require them), are not what it asks about
        return lexicon.counts_as_line(agent)
    return bool(hit)


def _describe(regimen: Regimen, c: PriorTherapy) -> str:
    """'palbociclib (CDK4/6 inhibitor) + letrozole in the metastatic setting, progression'."""
    names = []
    for agent in regimen.agents:
        hit = sorted(lexicon.drug_classes(agent) & set(c.classes))
        names.append(f"{agent} ({_label(hit[0])})" if hit and agent not in c.agents else agent)
    where = f" in the {regimen.setting} setting" if regimen.setting else " (setting not given)"
    outcome = {
        "progression": ", progressed",
        "toxicity": ", stopped for toxicity",
        "completed": ", completed",
        "ongoing": ", ongoing",
    }.get(regimen.outcome or "", "")
    return " + ".join(names) + where + outcome


def prior_therapy(c: PriorTherapy, p: Patient) -> Judgement:
    judged = _with_continuing(c, p, _from_history(c, p))
    if judged.result is Result.MET or not any(is_radiotherapy(k) for k in c.classes):
        return judged
    # radiotherapy is no systemic drug: the profile records it, if at all, among the conditions
    # ("brain metastases treated with stereotactic radiosurgery 6 months ago")
    found = _radiotherapy_in_conditions(c, p)
    if found is None or found.result is Result.MET:
        return found or judged
    if _non_systemic(c):
        return found  # the history's silence about radiotherapy says nothing
    if judged.result is Result.NOT_MET:
        return Judgement(found.result, f"{found.explanation}; {judged.explanation}", found.missing)
    return judged


def _with_continuing(c: PriorTherapy, p: Patient, judged: Judgement) -> Judgement:
    """A washout of therapy in general ("hormonal therapy within 2 weeks") does not count ongoing
    ovarian suppression or bone agents (see `_agent_in`); the explanation says so, so that a
    coordinator sees the goserelin was weighed, and can check the protocol."""
    if c.within_days is None or p.history is None or judged.result is Result.MET:
        return judged
    wanted = set(c.classes)
    continuing = sorted(
        {
            agent
            for r in p.history.regimens
            if r.outcome == "ongoing" or (r.end is None and r.start is not None)
            for agent in r.agents
            if (hit := lexicon.drug_classes(agent) & wanted)
            and hit <= _ANY
            and not lexicon.counts_as_line(agent)
            and agent not in c.except_agents
        }
    )
    if not continuing:
        return judged
    note = (
        f"; continuing {' + '.join(continuing)} is not counted (ovarian suppression and bone "
        "agents usually go on through a trial: check the protocol)"
    )
    return Judgement(judged.result, judged.explanation + note, judged.missing)


def is_radiotherapy(k: str) -> bool:
    try:
        return lexicon.is_subclass(k, "radiotherapy")
    except KeyError:
        return False


def _non_systemic(c: PriorTherapy) -> bool:
    """Whether the criterion names only radiotherapy and medicines other than cancer drugs
    ("completed all therapy (surgery, radiotherapy, and/or steroids)"): the profile's treatment
    history, of systemic anticancer therapy (contract section 1), cannot show their absence."""
    if c.agents or not c.classes:
        return False
    return all(
        is_radiotherapy(k)
        or not (
            lexicon.is_subclass(k, "systemic_anticancer_therapy")
            or lexicon.is_subclass(k, "investigational_agent")
        )
        for k in c.classes
    )


#: Where radiotherapy was given, as criteria and condition entries name it.
_RADIOTHERAPY_SITES = {
    # ("thoracic spine", "thoracic vertebra T8": a bone site, not a chest field)
    "chest": re.compile(
        r"\b(?:chest|thora\w*(?!\s+(?:spine|vertebra\w*))|lungs?|pulmonar\w*|mediastin\w*)\b", re.I
    ),
    "brain": re.compile(
        r"\b(?:brain|crani\w*|intracranial|cerebr\w*|CNS|radiosurgery|SRS|gamma knife)\b", re.I
    ),
    "bone": re.compile(r"\b(?:bones?|skelet\w*|spin\w*|vertebr\w*)\b", re.I),
    "breast": re.compile(r"\b(?:breasts?|chest wall)\b", re.I),
    "pelvis": re.compile(r"\bpelv\w*\b", re.I),
}


def _sites(words: str) -> set[str]:
    """The body sites named in some words ("chest radiation", "SRS to brain metastases")."""
    return {site for site, pattern in _RADIOTHERAPY_SITES.items() if pattern.search(words)}


#: "6 months ago", "2 weeks ago": when a treatment a condition entry names was given.
_AGO = re.compile(r"\b(\d+(?:\.\d+)?)\s*(day|week|month|year)s?\s+ago\b", re.I)
_DAYS_PER = {"day": 1, "week": 7, "month": 30.4, "year": 365.25}
_PALLIATIVE = re.compile(r"\bpalliat", re.I)
#: A radiotherapy criterion that lets palliative radiotherapy in: "exceptions will be made for
#: palliative radiotherapy", "palliative radiotherapy is allowed".
_PALLIATIVE_EXCEPTED = re.compile(
    r"\b(?:except\w*|other than|allowed|permitted|acceptable)\b[^.;]{0,40}\bpalliat"
    r"|\bpalliat\w*\s+(?:\w+\s+){0,3}(?:is|are)\s+(?:allowed|permitted|acceptable)",
    re.I,
)
#: A date in an entry: "completed 2026-11-01", "ended 2026-10".
_ISO_DATE = re.compile(r"\b(20\d\d|19\d\d)-(\d\d)(?:-(\d\d))?\b")


def _days_since(words: str, after: int, as_of: dt.date) -> tuple[float, float] | None:
    """How long ago (fewest and most days) an entry says its radiotherapy was: "3 weeks ago",
    or a date ("completed 2026-11-01"; a month alone spans its days). None when it says
    neither."""
    ago = _AGO.search(words, after)
    if ago is not None:
        days = float(ago.group(1)) * _DAYS_PER[ago.group(2).lower()]
        return days, days
    found = _ISO_DATE.search(words, after)
    if found is None:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    try:
        if found.group(3):
            day = dt.date(year, month, int(found.group(3)))
            return float((as_of - day).days), float((as_of - day).days)
        first = dt.date(year, month, 1)
        last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    except ValueError:
        return None
    return float((as_of - last).days), float((as_of - first).days)


@functools.lru_cache(maxsize=4096)
def _radiotherapy_named(words: str) -> tuple[tuple[str, int], ...]:
    """The radiotherapy classes a condition entry names ("prior radiotherapy to the breast",
    "SRS to two lesions"), with where each is named."""
    return tuple(
        (mention.id, mention.start)
        for mention in lexicon.find_drug_mentions(words)
        if mention.kind == "class" and is_radiotherapy(mention.id)
    )


def _radiotherapy_in_conditions(c: PriorTherapy, p: Patient) -> Judgement | None:
    """What the condition entries that name radiotherapy say about a criterion naming it, or
    None when none does. An entry's radiotherapy meets a criterion class it falls under (SRS is
    radiotherapy); a time window needs the entry to say when ("6 months ago"). An exclusion of
    radiotherapy in general with no window (or an inclusion of its absence) is usually about a
    site or extent the parsed fields do not keep ("to more than 25% of the bone marrow"), so a
    generic entry leaves it open."""
    wanted = [k for k in c.classes if is_radiotherapy(k)]
    asked_sites = _sites(c.evidence or c.text)
    for words in p.profile.conditions or ():
        named = [
            (kind, start)
            for kind, start in _radiotherapy_named(words)
            if any(lexicon.is_subclass(kind, k) for k in wanted)
            and not any(lexicon.is_subclass(kind, k) for k in c.except_classes)
        ]
        if not named:
            continue
        said = f"{words} (among the patient's conditions)"
        if asked_sites:
            given_sites = _sites(words)
            if given_sites and not given_sites & asked_sites:
                continue  # "chest radiation" is not the brain radiosurgery an entry names
            if not given_sites:
                return unknown(
                    f"{said}: the criterion is about radiotherapy to the "
                    f"{' or '.join(sorted(asked_sites))}; the entry does not say where",
                    "site of prior radiotherapy",
                )
        if _PALLIATIVE_EXCEPTED.search(c.text) and _PALLIATIVE.search(words):
            # "... Exceptions will be made for palliative radiotherapy to <30% of the marrow"
            return unknown(
                f"{said}: palliative, which the criterion lets in on its own terms; for the "
                "investigator",
                "details of prior radiotherapy",
            )
        if c.within_days is not None:
            days = _days_since(words, named[0][1], p.as_of)
            if days is None:
                return unknown(
                    f"{said}: the criterion is about radiotherapy within {c.within_days} days; "
                    "the entry does not say when",
                    "dates of radiotherapy",
                )
            low, high = days
            if low > c.within_days:
                return not_met(f"{said}: not within {c.within_days} days")
            if high >= c.within_days:
                # "2 weeks ago" against a 14-day window: the first dose, still to come, decides
                edge = (
                    "at the edge of the criterion's"
                    if low == high
                    else "the entry gives the month only, which straddles the criterion's"
                )
                return unknown(
                    f"{said}: {edge} {c.within_days} days; the date of the first dose decides",
                    "dates of radiotherapy",
                )
            return met(said)
        generic = all(kind == "radiotherapy" for kind, _ in named) and "radiotherapy" in wanted
        if (c.section == Section.EXCLUSION) != c.negated and generic and not asked_sites:
            return unknown(
                f"{said}: whether it is the radiotherapy the exclusion means (a site, an "
                "extent) is for the investigator",
                "details of prior radiotherapy",
            )
        return met(said)
    return None


def _from_history(c: PriorTherapy, p: Patient) -> Judgement:
    history = p.history
    wanted = wanted_words(c)
    if _concomitant(c) and (named := _named_in_conditions(c, p)) is not None:
        # "atrial fibrillation on apixaban": a medicine the conditions name is taken
        return named
    if history is None:
        return unknown(f"treatment history not given (criterion: {wanted})", "treatment history")
    relevant = [r for r in history.regimens if any(_agent_in(c, a) for a in r.agents)]
    if c.most_recent and relevant:
        latest = history.latest
        if latest not in relevant:
            last = f"the most recent is {latest.describe()}" if latest else "no line of therapy"
            return not_met(
                f"{'; '.join(_describe(r, c) for r in relevant)}: not the most recent therapy "
                f"({last}); the criterion asks for {_asked(c, wanted)}"
            )
        relevant = [latest]
    if _interval_after(c) and not any(
        r.setting is None or not c.settings or r.setting in c.settings for r in relevant
    ):
        # "for patients who had adjuvant chemotherapy, relapse more than 6 months after it": a
        # condition on those who had it, which asks nothing of the others
        return met(
            f"no {wanted}{' in the ' + '/'.join(c.settings) + ' setting' if c.settings else ''}"
            " in the treatment history: the disease-free interval it sets applies to those who "
            "had it"
        )
    conjugates = _conjugates_as_chemotherapy(c, history, relevant)
    if not relevant and not conjugates:
        if (c.section == Section.INCLUSION) != c.negated and _concomitant(c):
            # a profile's history lists cancer treatments; its silence about an antacid or an
            # anticoagulant settles nothing where it would decide against the patient: an
            # inclusion that seems to require one (nearly always a list of drugs to avoid, or a
            # condition on those who take them), or an exclusion of those not taking one
            return unknown(
                f"{wanted} is not a cancer treatment: whether the patient takes it is not recorded",
                f"use of {wanted}",
            )
        if c.section == Section.INCLUSION and not c.negated and (_local(c) or _non_systemic(c)):
            # the profile's history is of systemic therapy (contract): its silence about
            # radiotherapy does not show that the patient never had any
            return unknown(
                f"no {wanted} in the treatment history, which need not list radiotherapy",
                f"history of {wanted}",
            )
        if _local(c) or _concomitant(c) or _non_systemic(c):
            # the history holds systemic anticancer therapy (contract): say so rather than claim
            # the patient never had radiotherapy or takes no anticoagulant
            return not_met(
                f"no {wanted} recorded (the profile's treatment history lists systemic "
                "anticancer therapy only; check by hand)"
            )
        return not_met(f"no {wanted} in the treatment history")
    if c.cumulative_dose:
        # the history records which drugs, not how much of them
        given = "; ".join(_describe(r, c) for r in relevant or conjugates)
        return unknown(
            f"{given}: the criterion is about the cumulative dose ({c.cumulative_dose}), "
            "which the profile does not record",
            f"cumulative dose of {wanted}",
        )
    settings = set(c.settings)
    sure: list[tuple[Regimen, str]] = []
    maybe: list[tuple[Regimen, str]] = []
    refusals: list[str] = []
    for regimen in relevant:
        described = _describe(regimen, c)
        partners = _partners(c, regimen)
        if partners:
            refusals.append(f"{described}: given with {' + '.join(partners)}, not alone")
            continue
        if settings and regimen.setting not in settings:
            if regimen.setting is None:
                maybe.append((regimen, f"{described}: setting not given"))
            elif regimen.setting == "neoadjuvant" and "adjuvant" in settings:
                # many trials say "adjuvant" for all therapy around surgery
                maybe.append(
                    (regimen, f"{described}: given before surgery; the criterion says adjuvant")
                )
            else:
                refusals.append(described)
            continue
        verdict, why = _conditions(c, regimen, history, p)
        if verdict is True:
            sure.append((regimen, described + why))
        elif verdict is None:
            maybe.append((regimen, described + why))
        else:
            refusals.append(described + why)
    for regimen in conjugates:
        if settings and regimen.setting not in settings and regimen.setting is not None:
            continue
        verdict, why = _conditions(c, regimen, history, p)
        if verdict is not False:
            maybe.append((regimen, f"{_describe(regimen, c)}{why}: {_CONJUGATE_NOTE}"))
    if sure:
        regimen, why = sure[-1]
        # progression on a named agent or class is what post-progression trials select for
        specific = c.relation == "progressed" and not (set(c.classes) <= _BROAD and not c.agents)
        return met(
            f"received {why}",
            target=_target(c, regimen) if specific else None,
            level=CLASS_LEVEL if specific else 0,
        )
    if maybe:
        return unknown("; ".join(why for _, why in maybe), _missing(c))
    return not_met("; ".join(refusals) + f"; the criterion asks for {_asked(c, wanted)}")


def _partners(c: PriorTherapy, regimen: Regimen) -> list[str]:
    """For a single-agent criterion ('a single-agent EGFR TKI'), the regimen's other anticancer
    drugs: osimertinib with carboplatin and pemetrexed was no single-agent EGFR TKI."""
    if not c.single_agent:
        return []
    return [a for a in regimen.agents if not _agent_in(c, a) and lexicon.counts_as_line(a)]


_CONJUGATE_NOTE = (
    "an antibody-drug conjugate with a cytotoxic payload, which some trials count as "
    "chemotherapy and others do not"
)


def _conjugates_as_chemotherapy(
    c: PriorTherapy, history: TreatmentHistory, relevant: list[Regimen]
) -> list[Regimen]:
    """T-DXd or sacituzumab govitecan for advanced disease, where a criterion names chemotherapy
    (not a drug): whether it counts is the trial's call, as for line counts (`adc_lines`)."""
    if "chemotherapy" not in c.classes or "chemotherapy" in c.except_classes:
        return []
    return [r for r in history.adc_lines if r not in relevant]


def _asked(c: PriorTherapy, wanted: str) -> str:
    """What a prior-therapy criterion asks for, in words: 'progression on a CDK4/6 inhibitor
    in the metastatic setting, within 6 months of starting it'."""
    verb = {"progressed": "progression on ", "intolerant": "intolerance of "}.get(c.relation, "")
    verb = {"responded": "response to "}.get(c.relation, verb)
    text = verb + wanted
    if c.settings:
        text += f" in the {'/'.join(c.settings)} setting"
    conditions = []
    if c.within_days is not None:
        conditions.append("now" if c.within_days == 0 else f"within {c.within_days} days")
    if c.within_half_lives is not None:
        conditions.append(f"within {c.within_half_lives:g} half-lives")
    if c.min_duration_months is not None:
        conditions.append(f"for at least {c.min_duration_months:g} months")
    if c.max_duration_months is not None:
        conditions.append(f"within {c.max_duration_months:g} months of starting it")
    if c.relapse_within_months is not None:
        conditions.append(f"relapse within {c.relapse_within_months:g} months of its end")
    if c.relapse_after_months is not None:
        conditions.append(f"relapse more than {c.relapse_after_months:g} months after its end")
    if c.most_recent:
        conditions.append("as the most recent therapy")
    if c.line is not None:
        conditions.append(f"as line {c.line} for advanced disease")
    if c.single_agent:
        conditions.append("as a single agent")
    if c.negated:
        # "must be discontinued at least 8 days before": what the criterion bars, said so
        return " ".join(["no " + text, ", ".join(conditions)]).strip()
    return ", ".join([text, *conditions])


def _target(c: PriorTherapy, regimen: Regimen) -> str:
    agents = [a for a in regimen.agents if _agent_in(c, a)]
    verb = "progressed on" if c.relation == "progressed" else "received"
    return f"{verb} {' + '.join(agents)}"


def _missing(c: PriorTherapy) -> str:
    if c.within_days is not None or c.within_half_lives is not None:
        return "treatment dates"
    if (
        c.min_duration_months
        or c.max_duration_months
        or c.relapse_within_months
        or c.relapse_after_months
    ):
        return "treatment and relapse dates"
    if c.relation != "received":
        return "treatment outcomes"
    return "treatment settings"


def _window_open(regimen: Regimen, days: int) -> str:
    """Why a washout window is not settled: no end date, or one too coarse to tell."""
    if regimen.end is None:
        return f", end date not given ({days}-day window)"
    return f", ended {regimen.end}: the exact day decides the {days}-day window"


def _conditions(
    c: PriorTherapy, regimen: Regimen, history: TreatmentHistory, p: Patient
) -> tuple[bool | None, str]:
    """Whether one matching regimen meets the relation and time conditions, and what was used."""
    checks: list[tuple[bool | None, str]] = [_relation(c, regimen, history, p)]
    if c.within_days is not None:
        recent = history.ongoing_or_ended_within(regimen, c.within_days)
        checks.append((recent, "" if recent is not None else _window_open(regimen, c.within_days)))
    if c.within_half_lives is not None:
        checks.append(_half_life_window(c.within_half_lives, regimen, history))
    if c.min_duration_months is not None or c.max_duration_months is not None:
        checks.append(_time_on_fits(c, regimen, history))
    if c.line is not None:
        checks.append(_line_fits(c, regimen, history))
    if c.relapse_within_months is not None or c.relapse_after_months is not None:
        months = history.months_to_relapse(regimen)
        if months is None:
            checks.append((None, ", time from the end of treatment to relapse not known"))
        else:
            ok = True
            if c.relapse_within_months is not None:
                ok = months <= c.relapse_within_months
            if c.relapse_after_months is not None:
                ok = ok and months > c.relapse_after_months
            checks.append((ok, f", relapse {months:.0f} months after its end"))
    why = "".join(text for _, text in checks)
    if any(v is False for v, _ in checks):
        return False, why
    if any(v is None for v, _ in checks):
        return None, why
    return True, why


def _line_place(regimens: list[Regimen], switched: frozenset[int]) -> tuple[int, int]:
    """The place (lowest, highest) of the line that follows these regimens among the lines for
    advanced disease: one after each metastatic-setting line; one whose setting is not given
    may or may not be one. `switched`: regimens that continue the line before them."""
    lines = [r for r in regimens if r.counts_as_line and r.index not in switched]
    low = 1 + sum(r.setting == "metastatic" for r in lines)
    return low, low + sum(r.setting is None for r in lines)


def _line_fits(
    c: PriorTherapy, regimen: Regimen, history: TreatmentHistory
) -> tuple[bool | None, str]:
    """'Within 6 months of starting first-line endocrine therapy': the regimen (from the start
    of its course, see `_course`) must be that line for advanced disease. 'First-line endocrine
    therapy' can also mean the first endocrine line (after chemotherapy, say): a regimen that is
    only that is left unknown."""
    n = c.line or 0
    if regimen.setting in _EARLY:
        if set(c.settings) & _EARLY:
            # "a taxane as adjuvant or as first-line therapy": the line is the other setting's
            return True, ""
        return False, f", given as {regimen.setting} therapy, not as line {n} for advanced disease"
    first, _ = _course(c, regimen, history)
    earlier = list(history.regimens[: first.index])
    low, high = _line_place(earlier, history.switched)
    said = f", line {low} for advanced disease" if low == high else f", line {low}-{high}"
    if low == high == n:
        return True, said
    if low <= n <= high:
        return None, said + " (settings of earlier regimens not given)"
    own_low, own_high = _line_place(
        [r for r in earlier if any(_agent_in(c, a) for a in r.agents)], history.switched
    )
    if own_low <= n <= own_high and c.classes:
        return None, f"{said}, but line {n} of {wanted_words(c)}: which the trial means is open"
    return False, said


#: The longest elimination half-life among the drugs washouts are written for (fulvestrant and
#: some antibodies: 40-50 days), to tell when a washout counted in half-lives is surely over.
_LONGEST_HALF_LIFE_DAYS = 50


def _half_life_window(
    half_lives: float, regimen: Regimen, history: TreatmentHistory
) -> tuple[bool | None, str]:
    """'Within 5 half-lives of enrolment': met while on it, not met once even the longest-lived
    drug would be gone, unknown in between (the days depend on the drug)."""
    if history.ongoing_or_ended_within(regimen, 0):
        return True, ", still on it"
    longest = round(half_lives * _LONGEST_HALF_LIFE_DAYS)
    if history.ongoing_or_ended_within(regimen, longest) is False:
        return False, f", ended more than {longest} days ago"
    return None, f", {half_lives:g} half-lives: how many days depends on the drug"


def _time_on_fits(
    c: PriorTherapy, regimen: Regimen, history: TreatmentHistory
) -> tuple[bool | None, str]:
    """'At least 6 months on endocrine therapy', 'progression within 6 months of starting it':
    time on the therapy over the whole course the regimen belongs to (see `_course`), to its
    end, or today if ongoing. Month-precise dates give a range."""
    first, last = _course(c, regimen, history)
    if first.start is None or (last.end is None and last.outcome != "ongoing"):
        return None, ", time on treatment not known"
    end_early = end_late = history.as_of
    if last.end is not None:
        end_early, end_late = last.end.earliest(), last.end.latest()
    # a start month that runs past today (or past the end) bounds the time below by none
    shortest = max(0.0, months_between(first.start.latest(), end_early))
    longest = max(0.0, months_between(first.start.earliest(), end_late))
    span = (
        f"{longest:.0f}" if round(shortest) == round(longest) else f"{shortest:.0f}-{longest:.0f}"
    )
    said = f", {span} months on treatment"
    low, high = c.min_duration_months, c.max_duration_months
    if (low is not None and longest < low) or (high is not None and shortest > high):
        return False, said
    if (low is None or shortest >= low) and (high is None or longest <= high):
        return True, said
    return None, said


def _course(
    c: PriorTherapy, regimen: Regimen, history: TreatmentHistory
) -> tuple[Regimen, Regimen]:
    """The first and last regimen of the course this one belongs to: neighbours in the same
    setting that give one of the same agents the criterion is about, each starting within a
    month of the previous one's end (adjuvant anastrozole with abemaciclib, then anastrozole
    alone, is one course of anastrozole).

    A progression ends a course, and for advanced disease so does a partner drug the regimen
    before did not give (exemestane + abemaciclib, then everolimus + exemestane): that is a new
    line that reuses a drug, and its time runs from its own start. A partner swapped for
    toxicity continues the line (`TreatmentHistory.switched`)."""
    agents = {a for a in regimen.agents if _agent_in(c, a)}

    def joined(before: Regimen, after: Regimen) -> bool:
        if before.outcome == "progression":
            return False
        added = {a for a in after.agents if lexicon.counts_as_line(a)} - set(before.agents)
        if after.setting not in _EARLY and added and after.index not in history.switched:
            return False
        return (
            before.setting == after.setting
            and bool(agents & set(before.agents) & set(after.agents))
            and before.end is not None
            and after.start is not None
            and months_between(before.end.latest(), after.start.earliest()) <= 1
        )

    first = last = regimen
    for earlier in reversed(history.regimens[: regimen.index]):
        if not joined(earlier, first):
            break
        first = earlier
    for later in history.regimens[regimen.index + 1 :]:
        if not joined(last, later):
            break
        last = later
    return first, last


#: "... while on it, or within 12 months after it": after it counts too.
_OR_AFTER = re.compile(r"\bor\s+(?:\w+\s+){0,2}(?:within|after|following|since)\b", re.I)
_STRICTLY_ON = re.compile(
    r"\bwhile\s+(?:on|receiving|being\s+treated|taking)\b|\bduring\s+(?:the\s+)?(?:treatment|therapy"
    r"|administration)\s+with\b|\bdiscontinu\w*\s+(?:\w+\s+)?(?:due\s+to|because\s+of|for)\s+"
    r"(?:disease\s+)?progress",
    re.IGNORECASE,
)
#: Stages that, after early-setting therapy, mean the disease came back (a locally advanced
#: cancer after adjuvant therapy is a recurrence).
_RECURRED = frozenset({"metastatic", "locally advanced"})


def _relation(
    c: PriorTherapy, regimen: Regimen, history: TreatmentHistory, p: Patient
) -> tuple[bool | None, str]:
    if c.relation == "received":
        return True, ""
    if c.relation == "intolerant":
        if regimen.outcome is None:
            return None, " (outcome not given)"
        return regimen.outcome == "toxicity", ""
    if c.relation == "responded":
        return None, " (response not recorded in the profile)"
    # progressed on or after: progression on this regimen or on any later one, or relapse after
    # (neo)adjuvant therapy
    if regimen.outcome == "progression":
        return True, ""
    later = history.regimens[regimen.index + 1 :]
    said = c.evidence or c.text
    if (
        _STRICTLY_ON.search(said)
        and not _OR_AFTER.search(said)
        and regimen.outcome in {"completed", "toxicity"}
    ):
        # "progression while receiving a taxane", "stopped X because of progression": on it,
        # not after a course that was completed or stopped for toxicity
        return False, " (no progression while on it)"
    if any(r.outcome == "progression" for r in later):
        return True, ", progressed on later therapy"
    if regimen.setting in _EARLY and (
        any(r.setting == "metastatic" for r in later) or p.stage in _RECURRED
    ):
        if c.relapse_within_months is not None or c.relapse_after_months is not None:
            return True, ", relapsed afterwards"  # the criterion's own window decides
        # a relapse during or soon after (neo)adjuvant therapy is progression on it; one long
        # after it (endocrine-sensitive disease, a relapse years after adjuvant osimertinib) is
        # not, by the usual convention, and trials differ on what counts
        early = history.early_relapse(regimen)
        if early:
            return True, ", relapsed during or within 12 months of it"
        when = "more than 12 months after it" if early is False else "afterwards, date unknown"
        return None, f", relapsed {when}: whether that is progression on it is for the investigator"
    if not later and regimen.outcome in {"completed", "toxicity"} and regimen.setting != "adjuvant":
        # the latest therapy was stopped: whether the disease has grown since is not recorded
        return None, f" ({regimen.outcome}; progression since is not recorded)"
    if regimen.outcome in {"ongoing", "completed", "toxicity"} and all(r.outcome for r in later):
        return False, " (no progression recorded)"
    return None, " (outcome not given)"


# --- line counts --------------------------------------------------------------------------------


def _scope_label(scope: str) -> str:
    return "systemic therapy" if scope in ANY_SCOPES else _label(scope)


def line_count(c: LineCount, p: Patient) -> Judgement:
    history = p.history
    scope = _scope_label(c.scope)
    bounds = _bounds_text(c)
    if history is None:
        return unknown(
            f"treatment history not given (criterion: {bounds} lines of {scope})",
            "treatment history",
        )
    early_only = bool(c.settings) and set(c.settings) <= _EARLY
    adjuvant_counts = c.adjuvant_counts
    note = ""
    if adjuvant_counts is None and _for_advanced_disease(c):
        adjuvant_counts = False  # "lines given for metastatic disease": not the adjuvant one
    # "(either in the metastatic or the adjuvant setting)": every regimen of those settings
    every = bool(set(c.settings) & _EARLY) and "metastatic" in c.settings
    if early_only or every:
        counted = [
            (r, history.kept(r, c.scope, c.except_scopes))
            for r in history.regimens
            if (r.setting in c.settings or (every and r.setting is None))
            and r.counts_as_line
            and r.index not in history.switched
            and (c.scope in ANY_SCOPES or c.scope in r.classes)
        ]
        fewest = sum(1 for _, kept in counted if kept)
        most = sum(1 for _, kept in counted if kept is not False)
        reasons = [r.describe() for r, kept in counted if kept is not False]
        where = f"in the {'/'.join(c.settings)} setting"
    else:
        fewest, most, reasons = history.advanced_lines(c.scope, c.except_scopes, adjuvant_counts)
        where = "for advanced disease"
        if adjuvant_counts is False and c.adjuvant_counts is None and history.early_relapses():
            note = " (a relapse on (neo)adjuvant therapy is not counted: the criterion counts "
            note += "lines given for advanced disease)"
    count = str(fewest) if fewest == most else f"{fewest} to {most}"
    if c.except_scopes:
        scope += " other than " + " or ".join(_label(x) for x in c.except_scopes)
    said = f"{count} line{'s' if most != 1 else ''} of {scope} {where}"
    if reasons:
        said += ": " + "; ".join(reasons)
    continued = [history.regimens[i].describe() for i in sorted(history.switched)]
    if continued and reasons:
        # maintenance, or a switch for toxicity (`TreatmentHistory.switched`)
        said += f" ({'; '.join(continued)}: continuing the line before, not a new one)"
    said += note
    low_ok = (
        None if c.min is None else (True if fewest >= c.min else (False if most < c.min else None))
    )
    high_ok = (
        None if c.max is None else (True if most <= c.max else (False if fewest > c.max else None))
    )
    if low_ok and c.min and _PROGRESSED_ON_LINES.search(c.text):
        low_ok = _progressed_lines(c, history)
        if low_ok is not True:
            said += " (not all of them ended in progression)"
    checks = [x for x, bound in ((low_ok, c.min), (high_ok, c.max)) if bound is not None]
    if any(x is False for x in checks):
        return not_met(f"{said}; criterion: {bounds}")
    if all(x is True for x in checks):
        return met(said)
    if c.scope == "chemotherapy" and history.adc_lines:
        return unknown(
            f"{said}; whether the trial counts an antibody-drug conjugate as chemotherapy is "
            "for the investigator",
            "whether an antibody-drug conjugate counts as a chemotherapy line",
        )
    if adjuvant_counts is None and history.early_relapses():
        return unknown(
            f"{said}; whether this trial counts relapse on (neo)adjuvant therapy as a line is "
            "for the investigator",
            "whether relapse on (neo)adjuvant therapy counts as a line",
        )
    if history.relapse_date is None and any(
        r.setting in _EARLY and r.counts_as_line for r in history.regimens
    ):
        return unknown(
            f"{said}; when the disease relapsed after the (neo)adjuvant therapy is not given (a "
            "relapse on it, or a dated first treatment for advanced disease, would say; a "
            "relapse during or soon after it may count as a line)",
            "when the disease relapsed",
        )
    return unknown(
        f"{said}; settings or dates of some regimens not given", "treatment settings and dates"
    )


#: A count of lines given for advanced disease: "administered for the treatment of metastatic
#: disease", "given to treat advanced disease", "in the advanced setting", "for MBC".
_FOR_ADVANCED = re.compile(
    r"\b(?:for|in|to\s+treat)\s+(?:the\s+)?(?:treatment\s+of\s+)?(?:(?:locally|unresectable)\s+)?"
    r"(?:advanced|metastatic)\b(?:\s*(?:,|or|and/or|/)\s*(?:\w+\s+)?(?:advanced|metastatic"
    r"|recurrent|unresectable))?\s+(?:disease|setting|(?:breast\s+)?cancer)"
    r"|\bfor\s+(?:m|a)BC\b",
    re.IGNORECASE,
)


def _for_advanced_disease(c: LineCount) -> bool:
    """Whether the count is of lines given for advanced disease: its settings say so, or, when
    the parser set none, the words from the count to the end of its clause do ("at least 2
    lines of ET ... administered for the treatment of metastatic disease"; not a later count's
    "for advanced disease" after a ';')."""
    if c.settings:
        return set(c.settings) == {"metastatic"}
    at = c.text.find(c.evidence) if c.evidence else -1
    clause = re.split(r"[;:]|\.(?:\s|$)", c.text[max(at, 0) :])[0]
    return at >= 0 and _FOR_ADVANCED.search(clause) is not None and "any setting" not in clause


#: "Disease progression on at least 2 previous lines of endocrine therapy": lines that ended
#: in progression, not lines stopped for toxicity.
_PROGRESSED_ON_LINES = re.compile(
    r"\bprogress\w*\s+(?:on|after|following|during|with)\s+(?:at\s+least|>=|≥|a\s+minimum\s+of)"
    r"\s*(?:\d+|one|two|three)\b",
    re.IGNORECASE,
)


def _progressed_lines(c: LineCount, history: TreatmentHistory) -> bool | None:
    """Whether at least `c.min` of the advanced-disease lines in scope ended in progression."""
    lines = [
        r
        for r in history.regimens
        if r.setting in (c.settings or ("metastatic",))
        and r.counts_as_line
        and (c.scope in ANY_SCOPES or c.scope in r.classes)
    ]
    progressed = sum(1 for r in lines if r.outcome == "progression")
    open_ended = sum(1 for r in lines if r.outcome is None)
    minimum = c.min or 0
    if progressed >= minimum:
        return True
    return None if progressed + open_ended >= minimum else False


def _bounds_text(c: LineCount) -> str:
    if c.min is not None and c.max is not None:
        return f"{c.min} to {c.max}" if c.min != c.max else f"exactly {c.min}"
    if c.min is not None:
        return f"at least {c.min}"
    if c.max is not None:
        return f"at most {c.max}"
    return "any number of"
