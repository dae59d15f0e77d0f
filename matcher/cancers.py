"""Which kind of cancer a text names (a trial's condition, a parsed criterion, a diagnosis)."""

from __future__ import annotations

import re
from functools import lru_cache

from matcher.knowledge import find, vocabulary

SOLID_TUMOR = "solid_tumor"
ANY_CANCER = "any_cancer"
#: A solid-tumour condition restricted by a biomarker ("MSI-High Solid Malignant Tumor", "NTRK
#: Fusion-positive Solid Tumors"): its category is this prefix and the condition's words.
QUALIFIED = "solid tumour with: "
_MARKER = re.compile(
    r"\b(?:MSI|dMMR|MMR|TMB|NTRK|RET|BRAF|HER-?2|KRAS|NRAS|ALK|ROS1|FGFR\d?|NRG1|BRCA\d?|HRD"
    r"|PD-?L1|mutat\w*|fusions?|amplif\w*|rearrange\w*|deficien\w*|expressing|altered"
    r"|alterations?)\b",
    re.IGNORECASE,
)


#: Gene names that contain a cancer's name: the gene, not the cancer.
_GENE_NAMES = re.compile(
    r"\banaplastic lymphoma kinase\b|\bB-?cell lymphoma[- ]2\b|\bBCL-?2\b"
    r"|\bbreast cancer (?:gene|susceptibility gene)\b|\bwilms tumou?r (?:gene|1)\b",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)
def cancer_categories(text: str) -> frozenset[str]:
    """Specific categories named in `text` (the earliest one for each condition phrase), else the
    generic one ('solid_tumor', 'any_cancer'), else empty."""
    text = _GENE_NAMES.sub(" ", text)  # "Anaplastic Lymphoma Kinase-positive NSCLC"
    specific = find("cancers", "categories", text)
    if specific:
        return frozenset({specific[0][1].id})
    generic = find("cancers", "generic", text)
    if any(entry.id == SOLID_TUMOR for _, entry in generic):
        # "Locally Advanced or Metastatic Solid Tumors": solid tumours, though "advanced
        # malignancy" words come first
        return frozenset({SOLID_TUMOR})
    return frozenset({generic[0][1].id}) if generic else frozenset()


def condition_category(condition: str) -> frozenset[str]:
    """A registry condition's categories, a biomarker-restricted basket kept as such."""
    found = cancer_categories(condition)
    if found == {SOLID_TUMOR} and _MARKER.search(condition):
        return frozenset({QUALIFIED + condition})
    return found


def maybe_covers(trial_category: str, patient_category: str) -> bool:
    """A biomarker-restricted solid-tumour basket may take a patient with a solid tumour: the
    biomarker decides."""
    return trial_category.startswith(QUALIFIED) and covers(SOLID_TUMOR, patient_category)


def cancer_category(text: str) -> str | None:
    found = cancer_categories(text)
    return next(iter(found)) if found else None


@lru_cache(maxsize=64)
def label(category: str) -> str:
    if category.startswith(QUALIFIED):
        return category[len(QUALIFIED) :]
    vocab = vocabulary("cancers")
    for entry in (*vocab.categories, *vocab.generic):
        if entry.id == category:
            return entry.label
    return category.replace("_", " ")


@lru_cache(maxsize=1)
def known_names() -> tuple[str, ...]:
    """The cancer categories' labels, as a profile's `diagnosis.cancer` may name them."""
    vocab = vocabulary("cancers")
    return tuple(e.label for e in (*vocab.categories, *vocab.generic) if e.id != ANY_CANCER)


@lru_cache(maxsize=64)
def is_hematologic(category: str) -> bool:
    return any(e.id == category and e.hematologic for e in vocabulary("cancers").categories)


@lru_cache(maxsize=64)
def _within(category: str) -> str | None:
    return next((e.within for e in vocabulary("cancers").categories if e.id == category), None)


def covers(trial_category: str, patient_category: str) -> bool:
    """Does a trial for `trial_category` take a patient with `patient_category`?"""
    if trial_category in {patient_category, ANY_CANCER, _within(patient_category)}:
        return True
    if trial_category == SOLID_TUMOR:
        return patient_category not in {ANY_CANCER} and not is_hematologic(patient_category)
    return False
