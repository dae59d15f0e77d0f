"""Typed criteria: what the parser produces and the matcher judges.

One `Criterion` is one statement about the patient, tied to the words it came from. A source item
("* HR-positive, HER2-negative advanced breast cancer") can yield several criteria (receptor ER/PR,
receptor HER2, disease stage, cancer type); they share `item` and `text`, and each one's `evidence`
names the words that produced it.

Reading a criterion:
- `section` says whether the item sits under inclusion or exclusion.
- The statement is the kind's fields read positively ("has received a CDK4/6 inhibitor in the
  metastatic setting"); `negated` turns it around ("has NOT received ..."). For an exclusion
  criterion the statement is what excludes.
- `any_of`: criteria that share this group number are alternatives (the item says "A or B").
- `route`: within one item's `any_of` group, criteria sharing this number are one way in and
  hold together ("progression on a first-generation EGFR TKI without T790M; or progression on
  osimertinib": the first way in is two criteria, both needed).
- `exceptions` keeps "except ...", "unless ...", "other than ..." clauses as written; kinds that can
  act on them also carry structured fields (for example `except_agents`).
- `cohort` is the cohort, part or arm label that governs the criterion, when the text has one.
- `span` is [start, end) in the study's `eligibilityCriteria` exactly as received (escaped
  markdown), so a user interface can highlight the source.

The JSON form (`criterion.model_dump(mode="json", exclude_none=True)`) is the contract's
parsed-criteria shape (CONTRACTS.md section 3).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from trialmatch.vocab import Kind, Section

Comparator = Literal[">=", ">", "<=", "<", "="]


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    section: Section
    text: str
    span: tuple[int, int]
    item: int = Field(description="index of the source item, shared by criteria from one item")
    negated: bool = False
    any_of: int | None = None
    route: int | None = Field(
        default=None, description="one way in of an item's any_of group: its criteria hold together"
    )
    cohort: str | None = None
    exceptions: tuple[str, ...] = ()
    evidence: str | None = Field(default=None, description="the words that produced this criterion")


class CancerType(_Base):
    kind: Literal[Kind.CANCER_TYPE] = Kind.CANCER_TYPE
    cancer: str = Field(description="canonical cancer name, e.g. 'breast cancer'")
    histology: str | None = None


DiseaseStageName = Literal["early", "locally_advanced", "advanced", "metastatic", "unresectable"]


class DiseaseStage(_Base):
    kind: Literal[Kind.DISEASE_STAGE] = Kind.DISEASE_STAGE
    stages: tuple[DiseaseStageName, ...] = Field(description="any of these stages")
    not_curable: bool = Field(
        default=False, description="'not amenable to curative treatment / resection'"
    )
    presentation: Literal["de_novo", "recurrent"] | None = None


#: Receptors that type breast cancers only (HER2 types gastric and other cancers too).
BREAST_ONLY_RECEPTORS = frozenset({"ER", "PR", "HR", "TNBC"})


class Receptor(_Base):
    kind: Literal[Kind.RECEPTOR] = Kind.RECEPTOR
    receptor: Literal["ER", "PR", "HR", "HER2", "TNBC"]
    status: Literal["positive", "negative", "low", "ultralow", "zero"]
    min_percent: float | None = None
    max_percent: float | None = None
    ihc: tuple[str, ...] = Field(default=(), description="IHC scores named, e.g. ('1+', '2+')")
    ish: Literal["positive", "negative"] | None = None


Alteration = Literal[
    "mutation",
    "amplification",
    "deletion",
    "fusion",
    "overexpression",
    "expression",
    "alteration",
]


class Biomarker(_Base):
    """A gene alteration ('ESR1 mutation', 'PIK3CA H1047R') or a scored marker (PD-L1 CPS >= 10)."""

    kind: Literal[Kind.BIOMARKER] = Kind.BIOMARKER
    genes: tuple[str, ...] = Field(default=(), description="canonical symbols; any of them")
    alteration: Alteration | None = None
    variants: tuple[str, ...] = Field(
        default=(), description="protein changes, codons or exons as normalised, e.g. 'Y537S'"
    )
    variants_are_examples: bool = Field(
        default=False,
        description="the variants are examples ('e.g.', 'such as', 'including'), not a restriction",
    )
    except_variants: tuple[str, ...] = Field(
        default=(),
        description="variants the criterion leaves out, normalised like `variants` ('an EGFR "
        "mutation other than an exon 20 insertion', 'sensitising EGFR mutations'); an "
        "extension of the contract",
    )
    marker: str | None = Field(default=None, description="PD-L1, TMB, MSI-H, dMMR, HRD, AR, TROP2")
    comparator: Comparator | None = None
    value: float | None = None
    unit: str | None = Field(default=None, description="as written: CPS, TPS, IC, %, mut/Mb")
    origin: Literal["germline", "somatic"] | None = None
    specimen: Literal["tissue", "ctdna"] | None = None


TherapySetting = Literal["neoadjuvant", "adjuvant", "metastatic"]
TherapyRelation = Literal["received", "progressed", "intolerant", "responded"]


class PriorTherapy(_Base):
    """Prior systemic therapy: an agent or class, how it went, in which setting, and when."""

    kind: Literal[Kind.PRIOR_THERAPY] = Kind.PRIOR_THERAPY
    agents: tuple[str, ...] = Field(default=(), description="canonical generic names; any of them")
    classes: tuple[str, ...] = Field(default=(), description="drug class ids; any of them")
    relation: TherapyRelation = "received"
    settings: tuple[TherapySetting, ...] = Field(default=(), description="empty = any setting")
    except_agents: tuple[str, ...] = ()
    except_classes: tuple[str, ...] = ()
    within_days: int | None = Field(
        default=None, description="received within this many days before enrolment (washout)"
    )
    within_half_lives: float | None = Field(
        default=None,
        description="received within this many of the drug's half-lives before enrolment "
        "(a washout given only in half-lives, whose length in days depends on the drug)",
    )
    cumulative_dose: str | None = Field(
        default=None,
        description="a limit on the cumulative dose, in words ('cumulative dose of doxorubicin "
        "> 360 mg/m2'): about the dose received, which a treatment history does not record",
    )
    daily_dose: str | None = Field(
        default=None,
        description="a limit on the daily dose, in words ('prednisone > 10 mg/day or "
        "equivalent'): only use above it (or below, as written) counts",
    )
    min_duration_months: float | None = Field(
        default=None, description="'at least 6 months on endocrine therapy'"
    )
    max_duration_months: float | None = Field(
        default=None,
        description="'progression within 6 months of starting it': on it for less than this",
    )
    relapse_within_months: float | None = Field(
        default=None, description="'relapse within 12 months of completing adjuvant therapy'"
    )
    relapse_after_months: float | None = Field(
        default=None, description="'relapse more than 12 months after completing adjuvant therapy'"
    )
    most_recent: bool = Field(
        default=False,
        description="the therapy must be the patient's latest ('osimertinib as the most recent "
        "line of treatment', 'X must be the last regimen before enrolment'); an extension of "
        "the contract",
    )
    line: int | None = Field(
        default=None,
        ge=1,
        description="the therapy was the patient's Nth line for advanced disease ('within 6 "
        "months of starting first-line endocrine therapy', 'X as second-line treatment'); an "
        "extension of the contract",
    )
    single_agent: bool = Field(
        default=False,
        description="the therapy was given alone ('a single-agent EGFR TKI', 'osimertinib "
        "monotherapy'): a regimen that added another anticancer drug does not count; an "
        "extension of the contract",
    )


class LineCount(_Base):
    """Number of prior lines of therapy ('at most 1 prior chemotherapy for advanced disease')."""

    kind: Literal[Kind.LINE_COUNT] = Kind.LINE_COUNT
    scope: str = Field(description="'any', 'endocrine_therapy', 'chemotherapy' or a drug class id")
    settings: tuple[TherapySetting, ...] = Field(default=(), description="empty = any setting")
    min: int | None = None
    max: int | None = None
    except_scopes: tuple[str, ...] = Field(
        default=(),
        description="classes or agents the count leaves out ('2 lines other than endocrine "
        "therapy', 'ALK inhibitors other than crizotinib'); an extension of the contract",
    )
    adjuvant_counts: bool | None = Field(
        default=None,
        description="what the trial says of (neo)adjuvant therapy: True when relapse during or "
        "soon after it counts as a line for advanced disease, False when it is no such line "
        "('adjuvant endocrine therapy is not considered a line for ABC'), None when the trial "
        "does not say; an extension of the contract",
    )


class PerformanceStatus(_Base):
    kind: Literal[Kind.PERFORMANCE_STATUS] = Kind.PERFORMANCE_STATUS
    scale: Literal["ecog", "karnofsky"]
    min: int | None = None
    max: int | None = None


class Age(_Base):
    kind: Literal[Kind.AGE] = Kind.AGE
    min_years: float | None = None
    max_years: float | None = None


class Sex(_Base):
    kind: Literal[Kind.SEX] = Kind.SEX
    sex: Literal["female", "male"]


class MenopausalStatus(_Base):
    kind: Literal[Kind.MENOPAUSAL_STATUS] = Kind.MENOPAUSAL_STATUS
    statuses: tuple[Literal["premenopausal", "perimenopausal", "postmenopausal"], ...]


CnsState = Literal["any", "active", "untreated", "symptomatic", "progressing", "leptomeningeal"]


class CnsMetastases(_Base):
    """Brain/CNS metastases. `states` narrows which ones ('active or untreated'); 'any' = all."""

    kind: Literal[Kind.CNS_METASTASES] = Kind.CNS_METASTASES
    states: tuple[CnsState, ...] = ("any",)


class MeasurableDisease(_Base):
    kind: Literal[Kind.MEASURABLE_DISEASE] = Kind.MEASURABLE_DISEASE
    or_bone_only: bool = False
    standard: str | None = Field(default=None, description="e.g. 'RECIST 1.1'")


class VisceralCrisis(_Base):
    kind: Literal[Kind.VISCERAL_CRISIS] = Kind.VISCERAL_CRISIS


class Lab(_Base):
    """A laboratory or measured threshold: analyte, comparator, value, unit as written."""

    kind: Literal[Kind.LAB] = Kind.LAB
    analyte: str = Field(description="canonical id: anc, platelets, hemoglobin, bilirubin, ...")
    comparator: Comparator
    value: float
    unit: str | None = None
    uln_multiple: bool = Field(default=False, description="value is a multiple of the ULN")
    lln_multiple: bool = False


class OrganFunction(_Base):
    """'Adequate organ function' with no threshold in the item itself."""

    kind: Literal[Kind.ORGAN_FUNCTION] = Kind.ORGAN_FUNCTION
    systems: tuple[str, ...] = Field(default=(), description="bone marrow, hepatic, renal, ...")


class Comorbidity(_Base):
    kind: Literal[Kind.COMORBIDITY] = Kind.COMORBIDITY
    condition: str = Field(description="canonical id, e.g. 'diabetes', 'interstitial_lung_disease'")
    within_years: float | None = None


class LifeExpectancy(_Base):
    kind: Literal[Kind.LIFE_EXPECTANCY] = Kind.LIFE_EXPECTANCY
    min_weeks: float | None = None


class Administrative(_Base):
    """Consent, contraception, pregnancy tests, tissue samples, compliance: never block a match."""

    kind: Literal[Kind.ADMINISTRATIVE] = Kind.ADMINISTRATIVE
    topic: str = Field(
        description="consent, contraception, pregnancy, tissue, compliance, definition (words "
        "that define a term the other criteria use), ..."
    )


class Unrecognized(_Base):
    kind: Literal[Kind.UNRECOGNIZED] = Kind.UNRECOGNIZED
    reason: str | None = None


Criterion = Annotated[
    CancerType
    | DiseaseStage
    | Receptor
    | Biomarker
    | PriorTherapy
    | LineCount
    | PerformanceStatus
    | Age
    | Sex
    | MenopausalStatus
    | CnsMetastases
    | MeasurableDisease
    | VisceralCrisis
    | Lab
    | OrganFunction
    | Comorbidity
    | LifeExpectancy
    | Administrative
    | Unrecognized,
    Field(discriminator="kind"),
]

#: Validates and loads criteria from their JSON form (`CRITERIA.validate_json(stored)`).
CRITERIA: TypeAdapter[list[Criterion]] = TypeAdapter(list[Criterion])


def dump_criteria(criteria: list[Criterion]) -> list[dict[str, object]]:
    """The contract's JSON form: defaults that carry no information are left out."""
    return [c.model_dump(mode="json", exclude_none=True, exclude_defaults=False) for c in criteria]
