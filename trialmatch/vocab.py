"""The project's one vocabulary.

Every label that the parser, the matcher, the database and the command line share is defined
here once, as an Enum whose values are the strings users see in JSON and tables.
"""

from __future__ import annotations

from enum import StrEnum


class Section(StrEnum):
    """Which part of the eligibility text a criterion came from."""

    INCLUSION = "inclusion"
    EXCLUSION = "exclusion"


class Kind(StrEnum):
    """What a parsed criterion is about. `UNRECOGNIZED` keeps text the parser did not understand."""

    CANCER_TYPE = "cancer_type"
    DISEASE_STAGE = "disease_stage"
    RECEPTOR = "receptor"
    BIOMARKER = "biomarker"
    PRIOR_THERAPY = "prior_therapy"
    LINE_COUNT = "line_count"
    PERFORMANCE_STATUS = "performance_status"
    AGE = "age"
    SEX = "sex"
    MENOPAUSAL_STATUS = "menopausal_status"
    CNS_METASTASES = "cns_metastases"
    MEASURABLE_DISEASE = "measurable_disease"
    VISCERAL_CRISIS = "visceral_crisis"
    LAB = "lab"
    ORGAN_FUNCTION = "organ_function"
    COMORBIDITY = "comorbidity"
    LIFE_EXPECTANCY = "life_expectancy"
    ADMINISTRATIVE = "administrative"
    UNRECOGNIZED = "unrecognized"


class Result(StrEnum):
    """Whether a criterion's statement holds for a patient (contract section 2)."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"
    NOT_APPLICABLE = "not_applicable"


class Verdict(StrEnum):
    """A trial's verdict for a patient (contract section 2)."""

    ELIGIBLE = "eligible"
    POSSIBLY_ELIGIBLE = "possibly_eligible"
    INELIGIBLE = "ineligible"


class OverallStatus(StrEnum):
    """ClinicalTrials.gov API v2 `overallStatus` values."""

    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING"
    COMPLETED = "COMPLETED"
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION"
    NOT_YET_RECRUITING = "NOT_YET_RECRUITING"
    RECRUITING = "RECRUITING"
    SUSPENDED = "SUSPENDED"
    TERMINATED = "TERMINATED"
    WITHDRAWN = "WITHDRAWN"
    AVAILABLE = "AVAILABLE"
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE"
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE"
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING"
    WITHHELD = "WITHHELD"
    UNKNOWN = "UNKNOWN"


#: Statuses under which a trial can take a new patient; `match` lists only these by default.
OPEN_STATUSES: tuple[OverallStatus, ...] = (
    OverallStatus.RECRUITING,
    OverallStatus.NOT_YET_RECRUITING,
)


class Phase(StrEnum):
    """ClinicalTrials.gov API v2 `phases` values, in ascending order."""

    NA = "NA"
    EARLY_PHASE1 = "EARLY_PHASE1"
    PHASE1 = "PHASE1"
    PHASE2 = "PHASE2"
    PHASE3 = "PHASE3"
    PHASE4 = "PHASE4"


class StudyType(StrEnum):
    INTERVENTIONAL = "INTERVENTIONAL"
    OBSERVATIONAL = "OBSERVATIONAL"
    EXPANDED_ACCESS = "EXPANDED_ACCESS"


class TrialSex(StrEnum):
    """ClinicalTrials.gov `eligibilityModule.sex`."""

    FEMALE = "FEMALE"
    MALE = "MALE"
    ALL = "ALL"
