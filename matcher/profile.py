"""The patient profile (CONTRACTS.md section 1) as strict pydantic models.

Omitted means unknown: every field but `id` is optional, and `None` is never read as "no".
Lists are complete where present (`treatments: []` is treatment-naive; no `treatments` key is
unknown). Unknown fields, genes and drugs are errors with a "did you mean"; error messages name
the field, the offending value's type and what is accepted, never the value itself
(`hide_input_in_errors`), because profiles hold health data.

Extensions to the contract (documented in the README): `diagnosis.de_novo` (bool),
`diagnosis.brain_metastases_symptomatic` (bool), a `status` on marker findings
(`{marker: MSI, status: high}`), variant-level `tested_negative` entries ("EGFR T790M"), and the
`labs` keys of `matcher/data/labs.yaml`.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_serializer,
    model_validator,
)

from criteria import lexicon

_STRICT = ConfigDict(extra="forbid", hide_input_in_errors=True, frozen=True)


def lab_units() -> dict[str, str]:
    """Lab keys a profile may give (aliases are accepted too), with the unit each number is in."""
    from matcher.labs import lab_table

    return {key: entry.unit for key, entry in lab_table().items()}


# --- partial dates ------------------------------------------------------------------------------


class PartialDate(BaseModel):
    """YYYY, YYYY-MM or YYYY-MM-DD. Comparisons use the earliest day the date can mean, except
    `latest()` which gives the last day (for "within N days" windows)."""

    model_config = ConfigDict(frozen=True)

    year: int
    month: int | None = None
    day: int | None = None

    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        if self.month is None:
            return dt.date(self.year, 12, 31)
        if self.day is not None:
            return dt.date(self.year, self.month, self.day)
        first_next = dt.date(self.year + self.month // 12, self.month % 12 + 1, 1)
        return first_next - dt.timedelta(days=1)

    def middle(self) -> dt.date:
        early, late = self.earliest(), self.latest()
        return early + (late - early) / 2

    @model_serializer
    def _as_text(self) -> str:
        """Dates serialise as written: '2022', '2022-02', '2022-02-15'."""
        return str(self)

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def _to_partial_date(value: Any) -> Any:
    if isinstance(value, PartialDate) or value is None:
        return value
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return PartialDate(year=value.year, month=value.month, day=value.day)
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2200:
        return PartialDate(year=value)
    if isinstance(value, str) and (m := _DATE.match(value.strip())):
        year, month, day = (int(g) if g else None for g in m.groups())
        try:
            dt.date(year or 1, month or 1, day or 1)
        except ValueError:
            raise ValueError("is not a real date; use YYYY, YYYY-MM or YYYY-MM-DD") from None
        return PartialDate(year=year or 0, month=month, day=day)
    raise ValueError("must be a date written YYYY, YYYY-MM or YYYY-MM-DD")


Date = Annotated[PartialDate, BeforeValidator(_to_partial_date)]


# --- tumour -------------------------------------------------------------------------------------

Stage = Literal["early", "locally advanced", "metastatic"]

_STAGE_WORDS = {
    "early": "early",
    "locally advanced": "locally advanced",
    "locally_advanced": "locally advanced",
    "metastatic": "metastatic",
}


def _to_stage(value: Any) -> Any:
    """Accept the contract's words and AJCC stage groups (I-II early, III locally advanced, IV)."""
    if not isinstance(value, str):
        return value
    text = value.strip().lower()
    if text in _STAGE_WORDS:
        return _STAGE_WORDS[text]
    ajcc = re.fullmatch(r"(?:stage\s*)?(iv|iii|ii|i|0)[abc]?\d?", text)
    if ajcc:
        group = ajcc.group(1)
        return {"iv": "metastatic", "iii": "locally advanced"}.get(group, "early")
    raise ValueError("must be one of early, locally advanced, metastatic, or an AJCC stage (I-IV)")


class Diagnosis(BaseModel):
    model_config = _STRICT

    cancer: str | None = Field(default=None, description="free text, e.g. 'breast cancer'")
    histology: str | None = None
    stage: Annotated[Stage | None, BeforeValidator(_to_stage)] = None
    de_novo: bool | None = Field(
        default=None, description="extension: metastatic at first diagnosis (true) or recurrent"
    )
    metastatic_sites: tuple[str, ...] | None = None
    brain_metastases: Literal["none", "treated_stable", "active"] | None = None
    brain_metastases_symptomatic: bool | None = Field(
        default=None,
        description="extension: whether the brain metastases cause symptoms (or need steroids)",
    )
    measurable_disease: bool | None = None
    visceral_crisis: bool | None = None

    @field_validator("cancer")
    @classmethod
    def _known_cancer(cls, value: str | None) -> str | None:
        """Free text, but it must name a cancer trialmatch recognises (an organ, a kind such as
        sarcoma, or at least "cancer", "carcinoma", "tumour"): an unrecognised name would
        otherwise be read as no diagnosis, and every trial would seem open."""
        if value is None or not value.strip():
            return value
        from matcher.cancers import cancer_categories, known_names

        if cancer_categories(value):
            return value
        from rapidfuzz import process, utils

        names = known_names()
        hints = [
            name
            for name, _, _ in process.extract(
                value, names, limit=2, score_cutoff=60, processor=utils.default_process
            )
        ]
        hint = f" (did you mean {' or '.join(hints)}?)" if hints else ""
        raise ValueError(
            f"names no cancer trialmatch recognises{hint}; write the organ or kind of cancer "
            f"(accepted: {', '.join(names)}; or any text with 'cancer', 'carcinoma' or "
            "'tumour')"
        )

    @model_validator(mode="after")
    def _symptoms_need_metastases(self) -> Diagnosis:
        if self.brain_metastases == "none" and self.brain_metastases_symptomatic:
            raise ValueError(
                "brain_metastases_symptomatic is true but brain_metastases is none: give "
                "brain_metastases treated_stable or active, or leave the symptoms out"
            )
        return self


IhcScore = Literal["0", "ultralow", "1+", "2+", "3+"]


def _to_ihc(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 3:
        return "0" if value == 0 else f"{value}+"
    if isinstance(value, str):
        text = value.strip().lower().replace(" ", "")
        if text in {"1", "2", "3"}:
            return text + "+"
        return text
    return value


class Her2Test(BaseModel):
    model_config = _STRICT

    ihc: Annotated[IhcScore | None, BeforeValidator(_to_ihc)] = None
    ish: Literal["positive", "negative"] | None = None


ReceptorWord = Literal["positive", "low", "negative"]
Her2Category = Literal["positive", "low", "ultralow", "negative"]


def _to_her2(value: Any) -> Any:
    """A bare IHC score is accepted where a category is expected: `her2: "2+"` is `{ihc: 2+}`."""
    if isinstance(value, int) and not isinstance(value, bool):
        return {"ihc": _to_ihc(value)}
    if isinstance(value, str) and value.strip().lower() in {"0", "zero", "1+", "2+", "3+"}:
        return {"ihc": _to_ihc(value.strip().lower().replace("zero", "0"))}
    return value


class Receptors(BaseModel):
    model_config = _STRICT

    er: ReceptorWord | None = None
    er_percent: float | None = Field(default=None, ge=0, le=100)
    pr: ReceptorWord | None = None
    pr_percent: float | None = Field(default=None, ge=0, le=100)
    her2: Annotated[Her2Test | Her2Category | None, BeforeValidator(_to_her2)] = None

    @model_validator(mode="before")
    @classmethod
    def _percent_given_as_status(cls, data: Any) -> Any:
        """`er: 90` is read as `er_percent: 90` (a number where a word is expected)."""
        if isinstance(data, dict):
            data = dict(data)
            for name in ("er", "pr"):
                value = data.get(name)
                if isinstance(value, int | float) and not isinstance(value, bool):
                    if f"{name}_percent" in data:
                        raise ValueError(f"give `{name}` as a word or `{name}_percent`, not both")
                    data[f"{name}_percent"] = data.pop(name)
        return data


# --- biomarkers ---------------------------------------------------------------------------------

#: Alteration words a finding may use, and the alteration type each one is.
_ALTERATION_KINDS = {
    "mutation": "mutation", "mutated": "mutation", "variant": "mutation",
    "pathogenic variant": "mutation", "likely pathogenic variant": "mutation",
    "activating mutation": "mutation", "hotspot mutation": "mutation",
    "missense": "mutation", "frameshift": "mutation", "nonsense": "mutation",
    "truncating": "mutation", "truncating mutation": "mutation", "splice": "mutation",
    "splice site": "mutation", "insertion": "mutation", "duplication": "mutation",
    "loss of function": "mutation", "inactivating mutation": "mutation",
    "amplification": "amplification", "amplified": "amplification", "gain": "amplification",
    "copy number gain": "amplification",
    "deletion": "deletion", "loss": "deletion", "homozygous deletion": "deletion",
    "biallelic loss": "deletion", "copy number loss": "deletion", "loss of expression": "deletion",
    "fusion": "fusion", "rearrangement": "fusion", "translocation": "fusion",
    "overexpression": "overexpression", "high expression": "overexpression",
    "alteration": "alteration",
}  # fmt: skip
_ALTERATION_WORDS = set(_ALTERATION_KINDS)


#: A protein change over a range, with what was inserted: "D770_N771insSVD",
#: "A767_V769dupASV", "L747_P753delinsS", "p.(E746_A750del)".
_HGVS_RANGE = re.compile(
    r"(?:p\.)?\(?[A-Z][a-z]{0,2}\d{1,5}(?:_[A-Z][a-z]{0,2}\d{1,5})?"
    r"(?:del|ins|dup|delins)[A-Za-z*]{0,40}\)?"
)


#: A fusion written as its partners: "EML4-ALK", "EML4::ALK", "EML4-ALK variant 3", "KIF5B-RET".
_FUSION_PAIR = re.compile(
    r"[A-Z][A-Z0-9]{1,9}\s*(?:-|::|/|–)\s*[A-Z][A-Z0-9]{1,9}"
    r"(?:\s*(?:\(?\s*(?:v|variant\s*)\d+[a-c]?\s*\)?))?(?:\s+(?:fusion|rearrangement))?",
    re.IGNORECASE,
)


#: A protein change or exon written without its gene: "T790M", "p.G12C", "exon 20 insertion".
_BARE_VARIANT = re.compile(
    r"(?:p\.)?\(?[A-Z][a-z]{0,2}\d{1,5}(?:[A-Z][a-z]{0,2}|[X*]|fs\S*|del\S*|ins\S*|dup\S*)?\)?"
    r"|exon\s*\d{1,2}\b.*",
    re.IGNORECASE,
)


def normalise_variant(text: str) -> str:
    """'p.H1047R' -> 'H1047R'; 'p.His1047Arg' stays as written minus the prefix; trims space."""
    value = text.strip()
    if value.lower().startswith("p."):
        value = value[2:]
    if value.startswith("(") and value.endswith(")"):
        value = value[1:-1]  # "p.(E746_A750del)": a predicted change, written in brackets
    return value


class GeneFinding(BaseModel):
    """A gene alteration found by testing: `{gene: ESR1, alteration: Y537S, origin: somatic}`."""

    model_config = _STRICT

    gene: str
    alteration: str = "mutation"
    origin: Literal["germline", "somatic"] | None = None
    specimen: Literal["tissue", "ctdna"] | None = None

    @field_validator("gene")
    @classmethod
    def _known_gene(cls, value: str) -> str:
        symbol = lexicon.resolve_gene(value)
        if symbol is None:
            hints = lexicon.suggest_genes(value)
            hint = f"; did you mean {' or '.join(hints)}?" if hints else ""
            raise ValueError(f"is not a gene symbol or alias trialmatch knows{hint}")
        return symbol

    @field_validator("alteration")
    @classmethod
    def _alteration(cls, value: str) -> str:
        text = value.strip()
        if text.lower() in _ALTERATION_WORDS:
            return text.lower()
        if re.fullmatch(
            r"(?:p\.)?[A-Za-z*]{1,3}\d{1,5}[A-Za-z*_]{0,12}\d{0,5}[A-Za-z*]{0,3}", text
        ) or _HGVS_RANGE.fullmatch(text):
            return normalise_variant(text)
        if re.fullmatch(r"(?i)(?:exon|codon)\s*\d{1,3}\s*\w*", text) or text.startswith("c."):
            return text
        if _FUSION_PAIR.fullmatch(text):
            return "fusion"  # "EML4-ALK v3", "EML4::ALK": a fusion (its partner is not judged)
        raise ValueError(
            "must be mutation, amplification, deletion, loss, fusion, overexpression (or a "
            "kind of these, such as frameshift or homozygous deletion), or a protein change "
            "such as Y537S, p.H1047R or exon 19 deletion"
        )

    @property
    def kind(self) -> str:
        """The alteration type: a protein change is a mutation."""
        if self.alteration not in _ALTERATION_KINDS:
            return "mutation"  # a protein change, or an exon 19 deletion: a (small) mutation
        return _ALTERATION_KINDS[self.alteration]

    @property
    def variant(self) -> str | None:
        return None if self.alteration in _ALTERATION_WORDS else self.alteration

    def label(self) -> str:
        """'ESR1 Y537S', 'BRCA2 germline mutation', 'CCNE1 amplification'."""
        origin = f" {self.origin}" if self.origin == "germline" else ""
        return f"{self.gene}{origin} {self.alteration}"


class MarkerFinding(BaseModel):
    """A scored marker: `{marker: PD-L1, value: 12, unit: CPS}`, `{marker: MSI, status: high}`."""

    model_config = _STRICT

    marker: str
    value: float | None = None
    unit: str | None = None
    status: (
        Literal["positive", "negative", "high", "low", "stable", "deficient", "proficient"] | None
    ) = None

    @model_validator(mode="before")
    @classmethod
    def _word_value_is_a_status(cls, data: Any) -> Any:
        """`{marker: MSI, value: high}` is read as `{marker: MSI, status: high}`."""
        if isinstance(data, dict) and isinstance(data.get("value"), str):
            data = dict(data)
            word = data.pop("value").strip().lower()
            try:
                data["value"] = float(word.rstrip("%"))
            except ValueError:
                data.setdefault("status", {"dmmr": "deficient", "msi-h": "high"}.get(word, word))
        return data

    @field_validator("marker")
    @classmethod
    def _known_marker(cls, value: str) -> str:
        canonical = MARKERS.get(re.sub(r"[\s_-]", "", value.lower()))
        if canonical is None:
            raise ValueError(f"must be one of {', '.join(sorted(set(MARKERS.values())))}")
        return canonical

    def label(self) -> str:
        if self.value is not None:
            unit = f" {self.unit}" if self.unit and self.unit != "%" else (self.unit or "")
            return f"{self.marker} {self.value:g}{unit}"
        return f"{self.marker} {self.status}" if self.status else self.marker


MARKERS: dict[str, str] = {
    "pdl1": "PD-L1",
    "tmb": "TMB",
    "msi": "MSI",
    "msih": "MSI",
    "mmr": "MMR",
    "dmmr": "MMR",
    "hrd": "HRD",
    "ar": "AR",
    "trop2": "TROP2",
    "ki67": "Ki-67",
    "her3": "HER3",
}


def _to_finding(value: Any) -> Any:
    if isinstance(value, dict):
        if "gene" in value:
            return GeneFinding.model_validate(value)
        if "marker" in value:
            return MarkerFinding.model_validate(value)
        raise ValueError(
            "each biomarker needs `gene` (with `alteration`) or `marker` (with `value`)"
        )
    return value


Finding = Annotated[GeneFinding | MarkerFinding, BeforeValidator(_to_finding)]


# --- treatments ---------------------------------------------------------------------------------


def _to_setting(value: Any) -> Any:
    """'advanced' (and 'palliative') are accepted for the metastatic setting."""
    if isinstance(value, str) and value.strip().lower() in {"advanced", "palliative"}:
        return "metastatic"
    return value


class Treatment(BaseModel):
    """One regimen. `agents` take generic, brand or code names; they are kept as canonical names."""

    model_config = _STRICT

    agents: tuple[str, ...] = Field(min_length=1)
    setting: Annotated[
        Literal["neoadjuvant", "adjuvant", "metastatic"] | None, BeforeValidator(_to_setting)
    ] = None
    start: Date | None = None
    end: Date | None = None
    outcome: Literal["progression", "toxicity", "completed", "ongoing"] | None = None

    @field_validator("agents")
    @classmethod
    def _known_agents(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        names: list[str] = []
        for position, agent in enumerate(value):
            drug = lexicon.resolve_drug(agent)
            if drug is not None:
                names.append(drug.name)
                continue
            regimen = lexicon.resolve_regimen(agent)  # a named regimen such as "AC" or "FEC"
            if regimen:
                names.extend(d.name for d in regimen)
                continue
            hints = lexicon.suggest_drugs(agent)
            hint = f"; did you mean {' or '.join(hints)}?" if hints else ""
            raise ValueError(f"agent {position + 1} is not a drug trialmatch knows{hint}")
        return tuple(dict.fromkeys(names))

    @model_validator(mode="after")
    def _dates_in_order(self) -> Treatment:
        if self.start and self.end and self.end.latest() < self.start.earliest():
            raise ValueError("`end` is before `start`")
        return self


# --- the profile --------------------------------------------------------------------------------


class Location(BaseModel):
    model_config = _STRICT

    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)
    postal_code: str | None = None
    country: str | None = None

    @model_validator(mode="after")
    def _pair(self) -> Location:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both `lat` and `lon`, or neither")
        return self


_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


class Profile(BaseModel):
    """One patient. Only `id` is required; everything omitted is unknown."""

    model_config = _STRICT

    id: str
    age: float | None = Field(default=None, ge=0, le=120)
    sex: Literal["female", "male"] | None = None
    menopausal_status: Literal["premenopausal", "perimenopausal", "postmenopausal"] | None = None
    ecog: int | None = Field(default=None, ge=0, le=4)
    diagnosis: Diagnosis | None = None
    receptors: Receptors | None = None
    biomarkers: tuple[Finding, ...] | None = None
    tested_negative: tuple[str, ...] | None = None
    treatments: tuple[Treatment, ...] | None = None
    labs: dict[str, float] | None = None
    conditions: tuple[str, ...] | None = None
    location: Location | None = None

    @field_validator("id")
    @classmethod
    def _pseudonymous(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                "must be a pseudonymous reference of letters, digits and . _ : - "
                "(no spaces, at most 64 characters), never a name"
            )
        return value

    @field_validator("tested_negative")
    @classmethod
    def _known_genes(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is None:
            return None
        symbols = []
        for position, entry in enumerate(value):
            # extension: "EGFR T790M", a variant ruled out while the gene's other changes are not
            gene, variant = entry, ""
            symbol = lexicon.resolve_gene(entry)
            if symbol is None and " " in entry.strip():
                gene, variant = entry.strip().split(None, 1)
                symbol = lexicon.resolve_gene(gene)
            if symbol is None:
                if _BARE_VARIANT.fullmatch(entry.strip()):
                    raise ValueError(
                        f"entry {position + 1} is a variant without its gene; write the gene "
                        'and then the variant ("EGFR T790M"), or the gene alone when none of '
                        "its alterations was found"
                    )
                hints = lexicon.suggest_genes(gene)
                hint = f"; did you mean {' or '.join(hints)}?" if hints else ""
                raise ValueError(
                    f"entry {position + 1} is not a gene trialmatch knows{hint} (write a gene "
                    'symbol, or a gene and a variant: "EGFR T790M")'
                )
            variant = normalise_variant(variant)
            symbols.append(f"{symbol} {variant}" if variant else symbol)
        return tuple(symbols)

    @field_validator("labs", mode="before")
    @classmethod
    def _known_labs(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        from matcher.labs import accepted_keys, canonical_key

        keyed = {}
        for name, number in value.items():
            key = canonical_key(str(name))
            if key is None:
                from rapidfuzz import process

                best = process.extractOne(str(name), accepted_keys(), score_cutoff=70)
                hint = f"; did you mean {best[0]}?" if best else ""
                raise ValueError(
                    f"has a key trialmatch does not know{hint} "
                    f"(accepted: {', '.join(accepted_keys())})"
                )
            keyed[key] = number
        return keyed

    @model_validator(mode="after")
    def _found_and_ruled_out(self) -> Profile:
        findings = [f for f in self.biomarkers or () if isinstance(f, GeneFinding)]
        found = {f.gene for f in findings}
        variants = {f"{f.gene} {f.variant}".upper() for f in findings if f.variant}
        negatives = set(self.tested_negative or ())
        if found & negatives or variants & {n.upper() for n in negatives}:
            raise ValueError(
                "a gene (or variant) is listed both in `biomarkers` and in `tested_negative`; "
                "keep it in one of them"
            )
        return self
