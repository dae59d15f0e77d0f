"""One judge per criterion kind. `evaluate` judges a criterion's positive statement and applies
its negation; kinds without a judge are `unknown`, never silently met."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, get_args

from criteria import lexicon
from criteria.model import Criterion, PriorTherapy, TherapySetting
from matcher.judgement import Judgement, unknown
from matcher.judges import health, person, therapy, tumour
from matcher.patient import Patient
from trialmatch.vocab import Kind, Result, Section

JUDGES: dict[Kind, Callable[[Any, Patient], Judgement]] = {
    Kind.CANCER_TYPE: tumour.cancer_type,
    Kind.DISEASE_STAGE: tumour.disease_stage,
    Kind.RECEPTOR: tumour.receptor,
    Kind.BIOMARKER: tumour.biomarker,
    Kind.PRIOR_THERAPY: therapy.prior_therapy,
    Kind.LINE_COUNT: therapy.line_count,
    Kind.PERFORMANCE_STATUS: person.performance_status,
    Kind.AGE: person.age,
    Kind.SEX: person.sex,
    Kind.MENOPAUSAL_STATUS: person.menopausal_status,
    Kind.CNS_METASTASES: person.cns_metastases,
    Kind.MEASURABLE_DISEASE: person.measurable_disease,
    Kind.VISCERAL_CRISIS: person.visceral_crisis,
    Kind.LAB: health.lab,
    Kind.ORGAN_FUNCTION: health.organ_function,
    Kind.COMORBIDITY: health.comorbidity,
    Kind.LIFE_EXPECTANCY: person.life_expectancy,
    Kind.ADMINISTRATIVE: person.administrative,
    Kind.UNRECOGNIZED: person.unrecognized,
}


#: Kinds whose judges read the criterion's exceptions themselves.
_READS_EXCEPTIONS = {Kind.LAB, Kind.COMORBIDITY, Kind.CNS_METASTASES}


def evaluate(criterion: Criterion, patient: Patient) -> Judgement:
    """Whether the criterion's statement holds for the patient, and why.

    A criterion with an exception the judge cannot weigh ("unless contraindicated") never
    blocks: where it would, the result is unknown and the explanation quotes the exception.
    """
    if isinstance(criterion, PriorTherapy) and criterion.exceptions:
        criterion = _settings_excepted(criterion)
    judge = JUDGES.get(criterion.kind)
    if judge is None:
        return unknown(f"no judge for criteria of kind {criterion.kind}", str(criterion.kind))
    judgement = judge(criterion, patient)
    if criterion.negated and not _double_negative(criterion):
        judgement = judgement.negate()
    if _required_comorbidity(criterion) and judgement.result is Result.NOT_MET:
        return unknown(
            f"{judgement.explanation}; the text reads as requiring the condition, which a "
            "cancer trial rarely does (an exclusion listed under inclusion, or a lost 'no'): "
            "check the text",
            "whether the trial really requires this condition",
        )
    if (
        not criterion.exceptions
        and _blocks(criterion, judgement)
        and not _structured(criterion)
        and (lost := _unless_after(criterion)) is not None
    ):
        return _lost_exception(criterion, judgement, lost, patient)
    if criterion.exceptions and _blocks(criterion, judgement) and not _structured(criterion):
        quoted = "; ".join(criterion.exceptions)
        return unknown(
            f"{judgement.explanation}; but the criterion makes an exception ({quoted}) "
            "that the profile cannot settle",
            "the criterion's exception (check by hand)",
        )
    return judgement


#: Kinds for which an exclusion of the condition's absence cannot be meant: "must not have
#: uncontrolled diabetes", "absence of HIV infection" under an exclusion header exclude the
#: condition, they do not exclude everyone without it.
_ONLY_PRESENCE_EXCLUDES = {Kind.COMORBIDITY, Kind.CNS_METASTASES, Kind.VISCERAL_CRISIS}


def _required_comorbidity(criterion: Criterion) -> bool:
    """An inclusion that asks the patient to HAVE a comorbidity ("History of congestive heart
    failure" under inclusion): in the registry's texts this is nearly always an exclusion
    placed under the wrong header or a negation the words lost, so it never blocks alone."""
    return (
        criterion.kind is Kind.COMORBIDITY
        and criterion.section is Section.INCLUSION
        and not criterion.negated
        and criterion.any_of is None
    )


def _double_negative(criterion: Criterion) -> bool:
    return (
        criterion.section is Section.EXCLUSION and criterion.kind in _ONLY_PRESENCE_EXCLUDES
    ) or therapy.interval_read_as_no(criterion)


def _blocks(criterion: Criterion, judgement: Judgement) -> bool:
    wanted = Result.MET if criterion.section is Section.EXCLUSION else Result.NOT_MET
    return judgement.result is wanted


#: "HER2-positive disease, unless the patient already had trastuzumab or cannot have it": an
#: exception clause after the criterion's own words.
_UNLESS = re.compile(r"\bunless\b([^.;]*)", re.IGNORECASE)
#: The exception's words that it is met by therapy received: "was previously received",
#: "prior treatment with", "has received".
_RECEIVED = re.compile(
    r"\b(?:received|previously|prior|pretreated|pre-treated|treated with|has had|had)\b", re.I
)


_RECEIVED_FILLER = re.compile(
    r"\b(?:was|were|has|have|been|already|the|a|an|patients?|subjects?|they|she|he|or|and"
    r"|therapy|treatment)\b|[\s,()/-]",
    re.IGNORECASE,
)


def _unless_after(criterion: Criterion) -> str | None:
    """An 'unless' clause after the criterion's evidence, in its sentence, that the parse did
    not keep as an exception (None when there is none)."""
    evidence = criterion.evidence or ""
    at = criterion.text.find(evidence) if evidence else -1
    if at < 0:
        return None
    found = _UNLESS.search(criterion.text, at + len(evidence))
    # close after the words it qualifies ("HER2/neu positive disease unless ..."), not a clause
    # about something later in the sentence
    if found is None or not re.fullmatch(
        r"[\s\w/-]{0,30}", criterion.text[at + len(evidence) : found.start()]
    ):
        return None
    return found.group(1).strip(" ,)") or None


def _lost_exception(
    criterion: Criterion, judgement: Judgement, exception: str, patient: Patient
) -> Judgement:
    """A blocking result whose criterion has an 'unless' clause the parse lost: settled when
    the clause names a drug the patient received ("unless trastuzumab was previously
    received"), else unknown, quoting it (an exception never blocks unweighed)."""
    received = patient.received
    if received is not None and _RECEIVED.search(exception):
        agents, _ = received
        drugs = [m for m in lexicon.find_drug_mentions(exception) if m.kind == "drug"]
        for mention in drugs:
            if mention.id in agents:
                lets_in = Result.NOT_MET if criterion.section is Section.EXCLUSION else Result.MET
                return Judgement(
                    lets_in,
                    f"{judgement.explanation}; but the criterion makes an exception "
                    f"({exception}) and the patient received {mention.id}",
                )
        rest = exception
        for mention in reversed(drugs):
            rest = rest[: mention.start] + rest[mention.end :]
        if drugs and not _RECEIVED_FILLER.sub("", _RECEIVED.sub("", rest)):
            # "unless trastuzumab was previously received", and it was not: the block stands
            return Judgement(
                judgement.result,
                f"{judgement.explanation}; the criterion's exception ({exception}) does not "
                "apply: not in the treatment history",
            )
    return unknown(
        f"{judgement.explanation}; but the criterion makes an exception ({exception}) "
        "that the profile cannot settle",
        "the criterion's exception (check by hand)",
    )


def _structured(criterion: Criterion) -> bool:
    """True when the criterion's exceptions are carried in its fields and judged."""
    if criterion.kind in _READS_EXCEPTIONS:
        return True
    return bool(
        getattr(criterion, "except_agents", ())
        or getattr(criterion, "except_classes", ())
        or getattr(criterion, "except_variants", ())
    )


#: "with the exception of neoadjuvant or adjuvant therapy": an exception that names settings
#: only. Every other word of it must be one of these for the exception to be read.
_EARLY_SETTING = re.compile(
    r"\b(?:neo-?\s?adjuvant|adjuvant|peri-?operative|curative(?:-intent)?|early(?:-stage)?)\b",
    re.IGNORECASE,
)
_ADVANCED_SETTING = re.compile(
    r"\b(?:metasta\w*|advanced|recurren\w*|stage\s*IV|palliative|first[- ]line)\b", re.IGNORECASE
)
_SETTING_FILLER = re.compile(
    r"\b(?:with|the|exceptions?|of|except|for|unless|other|than|excluding|or|and|in|an?|"
    r"setting|therapy|therapies|treatments?|regimens?|given|intent|systemic|disease)\b|[\s,;/()\-.]",
    re.IGNORECASE,
)


def _settings_excepted(criterion: PriorTherapy) -> PriorTherapy:
    """A prior-therapy criterion whose only exceptions are the early settings ("no prior
    systemic therapy, except neoadjuvant or adjuvant") reads as the same criterion limited to
    the other settings, which the judge settles. Any other exception is left as it is."""
    if set(criterion.settings) == {"metastatic"} and all(
        _EARLY_SETTING.search(e) and not _ADVANCED_SETTING.search(e) for e in criterion.exceptions
    ):
        # "no chemotherapy for stage IV disease (unless given as adjuvant therapy, completed
        # > 12 months before)": the exception is about therapy the criterion does not count
        return criterion.model_copy(update={"exceptions": ()})
    for exception in criterion.exceptions:
        rest = _SETTING_FILLER.sub("", _EARLY_SETTING.sub("", exception))
        if rest or not _EARLY_SETTING.search(exception):
            return criterion
    kept = tuple(s for s in (criterion.settings or get_args(TherapySetting)) if s == "metastatic")
    if not kept:
        return criterion
    return criterion.model_copy(update={"settings": kept, "exceptions": ()})
