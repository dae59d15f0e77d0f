"""Judges for laboratory values, organ function and comorbidities."""

from __future__ import annotations

import re

from criteria.model import Comorbidity, Lab, OrganFunction
from matcher import conditions as comorbidities
from matcher.judgement import Judgement, compare, met, not_met, unknown
from matcher.patient import Patient
from matcher.profile import LAB_UNITS

#: Parser analyte ids (and common spellings) -> the profile's lab key for absolute values.
_ABSOLUTE = {
    "anc": "anc",
    "neutrophils": "anc",
    "absolute_neutrophil_count": "anc",
    "wbc": "wbc",
    "leukocytes": "wbc",
    "white_blood_cells": "wbc",
    "platelets": "platelets",
    "platelet_count": "platelets",
    "hemoglobin": "hemoglobin",
    "haemoglobin": "hemoglobin",
    "hgb": "hemoglobin",
    "creatinine": "creatinine",
    "serum_creatinine": "creatinine",
    "creatinine_clearance": "creatinine_clearance",
    "crcl": "creatinine_clearance",
    "egfr": "creatinine_clearance",
    "gfr": "creatinine_clearance",
    "albumin": "albumin",
    "inr": "inr",
    "hba1c": "hba1c",
    "glycated_hemoglobin": "hba1c",
    "glucose": "fasting_glucose",
    "fasting_glucose": "fasting_glucose",
    "fasting_plasma_glucose": "fasting_glucose",
    "qtc": "qtcf",
    "qtcf": "qtcf",
    "qt": "qtcf",
    "lvef": "lvef",
    "ejection_fraction": "lvef",
}
#: Parser analyte ids -> the profile's key for values given as multiples of the ULN.
_RELATIVE = {
    "bilirubin": "bilirubin_xuln",
    "total_bilirubin": "bilirubin_xuln",
    "ast": "ast_xuln",
    "alt": "alt_xuln",
    "ast_alt": "ast_xuln",
    "transaminases": "ast_xuln",
    "alp": "alp_xuln",
    "alkaline_phosphatase": "alp_xuln",
    "creatinine": "creatinine_xuln",
    "serum_creatinine": "creatinine_xuln",
}


def _scale(key: str, value: float, unit: str | None) -> float | None:
    """Convert a criterion's threshold to the profile's unit for `key`; None if we cannot."""
    u = (unit or "").lower().replace(" ", "").replace("µ", "u").replace("μ", "u")
    if key in {"anc", "wbc", "platelets"}:
        if any(
            s in u
            for s in ("10^9", "10⁹", "10*9", "10e9", "g/l", "10^3/u", "10³/u", "10^3/mm", "k/u")
        ):
            return value
        if any(s in u for s in ("mm", "/ul", "/mcl", "cells")) or value >= 500:
            return value / 1000
        return value
    if key == "hemoglobin":
        if "mmol" in u:
            return value * 1.611
        if ("g/l" in u and "dl" not in u) or value > 30:
            return value / 10
        return value
    if key == "creatinine":
        if "umol" in u or "mol" in u or value > 20:
            return value / 88.4
        return value
    if key == "fasting_glucose":
        if "mmol" in u or value < 30:
            return value * 18.0
        return value
    if key == "hba1c":
        if "mmol/mol" in u or value > 20:
            return value / 10.929 + 2.15
        return value
    return value


def lab(c: Lab, p: Patient) -> Judgement:
    analyte = c.analyte.lower()
    key = _RELATIVE.get(analyte) if c.uln_multiple else _ABSOLUTE.get(analyte)
    if key is None:
        return unknown(
            f"{c.analyte} {c.comparator} {c.value:g}{' x ULN' if c.uln_multiple else ''}:"
            " not a value the profile records",
            c.analyte,
        )
    threshold = c.value if c.uln_multiple else _scale(key, c.value, c.unit)
    if threshold is None:
        return unknown(f"{c.analyte}: unit {c.unit} not understood", c.analyte)
    threshold, note = _exception_threshold(c, p, threshold)
    value = (p.profile.labs or {}).get(key)
    unit = LAB_UNITS[key]
    wanted = f"{c.comparator} {threshold:g} {unit}{note}"
    if value is None:
        return unknown(
            f"{key.replace('_', ' ')} not given (criterion: {wanted})",
            f"{key.replace('_xuln', ' (x ULN)').replace('_', ' ')}",
        )
    said = f"{key.replace('_xuln', '').replace('_', ' ')} {value:g} {unit}"
    return (
        met(f"{said} ({wanted})")
        if compare(value, c.comparator, threshold)
        else not_met(f"{said}; criterion: {wanted}")
    )


_ULN_IN = re.compile(r"(\d+(?:\.\d+)?)\s*(?:x|×|times)\s*(?:the\s+)?(?:ULN|upper limit)", re.I)


def _exception_threshold(c: Lab, p: Patient, threshold: float) -> tuple[float, str]:
    """'<= 5 x ULN with liver metastases' replaces the threshold for patients it covers."""
    diagnosis = p.profile.diagnosis
    sites = {s.lower() for s in (diagnosis.metastatic_sites or ())} if diagnosis else set()
    for text in c.exceptions:
        lowered = text.lower()
        covered = ("liver" in lowered or "hepatic" in lowered) and "liver" in sites
        covered = covered or ("bone" in lowered and "bone" in sites and "alp" in c.analyte.lower())
        if covered and (found := _ULN_IN.search(text)):
            return float(found.group(1)), " (relaxed for metastases, per the criterion)"
    return threshold, ""


#: Usual thresholds for "adequate organ function" when a trial does not give its own.
_USUAL = {
    "bone marrow": (("anc", ">=", 1.5), ("platelets", ">=", 100.0), ("hemoglobin", ">=", 9.0)),
    "hepatic": (("bilirubin_xuln", "<=", 1.5), ("ast_xuln", "<=", 3.0), ("alt_xuln", "<=", 3.0)),
    "renal": (("creatinine_clearance", ">=", 50.0),),
}


def organ_function(c: OrganFunction, p: Patient) -> Judgement:
    systems = [s for s in (c.systems or tuple(_USUAL)) if s in _USUAL] or list(_USUAL)
    labs = p.profile.labs or {}
    checks = [check for s in systems for check in _USUAL[s]]
    missing = [k for k, _, _ in checks if k not in labs]
    if missing:
        return unknown(
            f"adequate {'/'.join(systems)} function: labs not given ({', '.join(missing)})",
            "organ function labs",
        )
    outside = [f"{k} {labs[k]:g}" for k, op, v in checks if not compare(labs[k], op, v)]
    if outside:
        return unknown(
            f"outside the usual thresholds ({', '.join(outside)}); the trial's own limits decide",
            "organ function labs",
        )
    return met(f"labs within the usual thresholds for adequate {'/'.join(systems)} function")


#: Comorbidity ids the parser emits that a profile's condition list cannot settle.
_NOT_IN_PROFILE = {
    "serious_illness": "serious uncontrolled illness (investigator's judgement)",
    "recent_major_surgery": "recent major surgery",
    "unresolved_toxicity": "unresolved toxicity from prior therapy",
}


def _wanted(c: Comorbidity) -> frozenset[str]:
    known = comorbidities.known_ids()
    if c.condition in known:
        return frozenset({c.condition})
    return comorbidities.condition_ids(
        c.condition.replace("_", " ")
    ) or comorbidities.condition_ids(c.evidence or "")


def comorbidity(c: Comorbidity, p: Patient) -> Judgement:
    if c.condition in _NOT_IN_PROFILE:
        label = _NOT_IN_PROFILE[c.condition]
        return unknown(f"{label}: not recorded in the profile", label)
    wanted = _wanted(c)
    if not wanted:
        words = c.condition.replace("_", " ")
        return unknown(f"{words}: not a condition trialmatch can check from the profile", words)
    label = " or ".join(sorted(comorbidities.label(w) for w in wanted))
    if p.conditions is None:
        return unknown(f"comorbidities not given ({label})", label)
    hits = {cid: words for cid, words in p.conditions.items() if cid in wanted}
    if not hits:
        return not_met(f"no {label} among the patient's conditions")
    words = next(iter(hits.values()))
    for exception in c.exceptions:
        if any(w in exception.lower() for w in words.lower().split() if len(w) > 3):
            return not_met(f"{words}: covered by the criterion's exception ({exception})")
    if c.exceptions:
        return unknown(f"{words}; the criterion has exceptions ({'; '.join(c.exceptions)})", label)
    if c.within_years is not None:
        return unknown(
            f"{words}; whether it was within {c.within_years:g} years is not given",
            f"{label} dates",
        )
    return met(words)
