"""Judges for the tumour: cancer type, stage and setting, receptors, biomarkers."""

from __future__ import annotations

import re

from criteria import lexicon
from criteria.model import (
    BREAST_ONLY_RECEPTORS,
    Biomarker,
    CancerType,
    DiseaseStage,
    Receptor,
)
from matcher import cancers, facts
from matcher.judgement import (
    CLASS_LEVEL,
    GENE_LEVEL,
    VARIANT_LEVEL,
    Judgement,
    compare_range,
    met,
    not_applicable,
    not_met,
    unknown,
)
from matcher.patient import Patient
from matcher.profile import GeneFinding
from trialmatch.vocab import Section

# --- cancer type --------------------------------------------------------------------------------

_GENERIC_HISTOLOGY = {"carcinoma", "adenocarcinoma", "invasive", "cancer", "invasive carcinoma"}


def cancer_type(c: CancerType, p: Patient) -> Judgement:
    if p.cancer is None:
        return unknown("cancer type not given", "cancer type")
    wanted = cancers.cancer_categories(c.cancer)
    if not wanted:
        return unknown(f"cancer type '{c.cancer}' not recognised", "cancer type (check by hand)")
    diagnosis = p.profile.diagnosis
    words = diagnosis.cancer if diagnosis and diagnosis.cancer else p.cancer
    histology = (diagnosis.histology if diagnosis else None) or ""
    if "small_cell_lung" in wanted and _SMALL_CELL_PART.search(histology):
        # an EGFR-mutant adenocarcinoma transformed to small cell: it has a small-cell component
        return met(f"patient has {words}, {histology}")
    if not any(cancers.covers(w, p.cancer) for w in wanted):
        return not_met(f"patient has {words}; criterion: {c.cancer}")
    if c.histology and c.histology.lower() not in _GENERIC_HISTOLOGY:
        histology = (diagnosis.histology if diagnosis else None) or ""
        text = f"{words} {histology}".lower()
        histology_wanted = c.histology.lower()
        negative = re.match(
            r"non[- ]?(\w+)", histology_wanted
        )  # "non-squamous": anything but squamous
        if negative:
            if negative.group(1) in text:
                return not_met(f"{words}, {histology or 'histology'}; criterion: {c.histology}")
            if histology:
                return met(f"patient has {words}, {histology} histology")
            return unknown(f"histology not given; criterion: {c.histology}", "histology")
        key = histology_wanted.split()[0]
        if key in text:
            return met(f"patient has {words}" + (f", {histology} histology" if histology else ""))
        if not histology:
            return unknown(f"histology not given; criterion: {c.histology}", "histology")
        return not_met(f"histology {histology}; criterion: {c.histology}")
    return met(f"patient has {words}")


#: A histology with a small-cell part: "small cell transformation", "combined small cell".
_SMALL_CELL_PART = re.compile(r"(?<!non)(?<!non-)(?<!non )\bsmall[- ]cell\b|\bSCLC\b", re.I)


# --- stage and setting --------------------------------------------------------------------------

_COVERS = {
    # patient stage -> criterion stages it satisfies for certain / possibly
    "metastatic": ({"metastatic", "advanced", "unresectable"}, set()),
    "locally advanced": ({"locally_advanced", "advanced"}, {"unresectable"}),
    "early": ({"early"}, set()),
}


def disease_stage(c: DiseaseStage, p: Patient) -> Judgement:
    stage = p.stage
    if stage is None:
        return unknown("disease stage not given", "disease stage")
    sure, maybe = _COVERS[stage]
    wanted = set(c.stages)
    if c.presentation is not None:
        de_novo = p.de_novo
        if de_novo is None:
            return unknown(
                f"whether the disease was metastatic at diagnosis is not known "
                f"(criterion: {c.presentation.replace('_', ' ')} disease)",
                "de novo or recurrent presentation",
            )
        if (c.presentation == "de_novo") != de_novo:
            found = "de novo" if de_novo else "recurrent"
            return not_met(f"{found} disease; criterion: {c.presentation.replace('_', ' ')}")
        if not wanted:
            return met(f"{'de novo' if de_novo else 'recurrent'} {stage} disease")
    if not wanted:
        return met(f"{stage} disease")
    if wanted & sure:
        if c.not_curable and stage == "locally advanced":
            return unknown(
                "locally advanced disease: whether it is amenable to curative treatment"
                " is not known",
                "resectability",
            )
        return met(f"{stage} disease")
    if wanted & maybe:
        return unknown(f"{stage} disease: resectability not given", "resectability")
    return not_met(f"{stage} disease; criterion: {' or '.join(sorted(wanted))}")


# --- receptors ----------------------------------------------------------------------------------

_IHC_CATEGORY = {
    "0": {"zero", "ultralow"},
    "ultralow": {"ultralow"},
    "1+": {"low"},
    "3+": {"positive"},
}
#: The HER2 categories (`facts.her2_categories`) each status word takes.
HER2_WORDS = {
    "positive": {"positive"},
    "negative": {"zero", "ultralow", "low"},
    "low": {"low"},
    "ultralow": {"ultralow"},
    "zero": {"zero"},
}


def _her2_allowed(c: Receptor) -> set[str]:
    allowed = set(HER2_WORDS[c.status])
    if c.ihc:
        from_scores: set[str] = set()
        for score in c.ihc:
            if score == "2+":
                from_scores |= (
                    {"low"} if c.ish == "negative" or c.status != "positive" else {"positive"}
                )
            else:
                from_scores |= _IHC_CATEGORY.get(score, set())
        if c.status == "positive" and "low" in from_scores:
            # "HER2 expression (IHC 3+, 2+ or 1+)": the scores named are the definition
            return from_scores
        allowed &= from_scores or allowed
    return allowed


def _her2_words(categories: frozenset[str] | set[str]) -> str:
    names = {
        "zero": "HER2 IHC 0",
        "ultralow": "HER2-ultralow",
        "low": "HER2-low",
        "positive": "HER2-positive",
    }
    return " or ".join(names[c] for c in facts.HER2_CATEGORIES if c in categories)


#: A patient's cancer category that may be breast cancer (or is not known).
_MAYBE_BREAST = frozenset({None, "breast", cancers.SOLID_TUMOR, cancers.ANY_CANCER})


def receptor(c: Receptor, p: Patient) -> Judgement:
    if c.receptor in BREAST_ONLY_RECEPTORS and p.cancer not in _MAYBE_BREAST:
        # a basket's "TNBC, NSCLC or ovarian cancer": the breast words do not concern others
        return not_applicable(f"{c.receptor} status concerns breast cancers; patient has "
                              f"{cancers.label(p.cancer)}")  # fmt: skip
    receptors = p.profile.receptors
    if c.receptor == "HER2":
        return _her2(c, p)
    if c.receptor == "TNBC":
        return _triple_negative(p)
    which = ["er", "pr"] if c.receptor == "HR" else [c.receptor.lower()]
    results: list[bool | None] = []
    said: list[str] = []
    for name in which:
        span = facts.receptor_percent_range(receptors, name)
        if span is None:
            results.append(None)
            continue
        said.append(_describe_receptor(receptors, name))
        results.append(_receptor_status(span, c))
    label = c.receptor + ("-" + c.status if c.status else "")
    if c.receptor == "HR" and c.status == "positive":
        outcome = (
            True
            if True in results
            else (False if results and all(r is False for r in results) else None)
        )
    else:
        outcome = False if False in results else (True if all(r is True for r in results) else None)
    facts_text = ", ".join(said) or "receptor status not given"
    if outcome is True:
        target = label if c.status == "low" else None
        return met(facts_text, target=target, level=CLASS_LEVEL if target else 0)
    if outcome is False:
        return not_met(f"{facts_text}; criterion: {label}{_percent_words(c)}")
    return unknown(f"{facts_text}; {label}{_percent_words(c)} not settled", f"{c.receptor} status")


def _percent_words(c: Receptor) -> str:
    if c.min_percent is not None:
        return f" (>= {c.min_percent:g}%)"
    if c.max_percent is not None:
        return f" (< {c.max_percent:g}%)"
    return ""


def _describe_receptor(receptors: object, name: str) -> str:
    percent = getattr(receptors, f"{name}_percent", None)
    word = getattr(receptors, name, None)
    return f"{name.upper()} {percent:g}%" if percent is not None else f"{name.upper()} {word}"


def _receptor_status(span: tuple[float, float], c: Receptor) -> bool | None:
    low, high = span
    if c.status == "positive":
        return compare_range(low, high, ">=", c.min_percent if c.min_percent is not None else 1.0)
    if c.status == "negative":
        limit = c.max_percent if c.max_percent is not None else 1.0
        return compare_range(low, high, "<", limit)
    if c.status == "low":
        lo = c.min_percent if c.min_percent is not None else 1.0
        hi = c.max_percent if c.max_percent is not None else 10.0
        above = compare_range(low, high, ">=", lo)
        below = compare_range(low, high, "<=", hi)
        if above is False or below is False:
            return False
        return True if above and below else None
    return None


def _her2(c: Receptor, p: Patient) -> Judgement:
    have = p.her2
    if have is None:
        return unknown("HER2 status not given", "HER2 status")
    allowed = _her2_allowed(c)
    said = _her2_words(have)
    if have <= allowed:
        specific = c.status in {"low", "ultralow", "zero"}
        return met(said, target=said if specific else None, level=CLASS_LEVEL if specific else 0)
    if not have & allowed:
        return not_met(f"{said}; criterion: {_her2_words(allowed)}")
    return unknown(
        f"{said} is not specific enough (criterion: {_her2_words(allowed)})",
        "HER2 IHC score and ISH",
    )


def _triple_negative(p: Patient) -> Judgement:
    receptors = p.profile.receptors
    er = facts.receptor_percent_range(receptors, "er")
    pr = facts.receptor_percent_range(receptors, "pr")
    her2 = p.her2
    if (er and er[0] >= 1) or (pr and pr[0] >= 1) or (her2 == frozenset({"positive"})):
        return not_met("not triple-negative: " + _receptor_summary(p))
    if er and pr and her2 and er[1] < 1 and pr[1] < 1 and "positive" not in her2:
        return met("triple-negative: " + _receptor_summary(p))
    return unknown("receptor status incomplete: " + _receptor_summary(p), "ER, PR and HER2 status")


def _receptor_summary(p: Patient) -> str:
    receptors = p.profile.receptors
    parts = [
        _describe_receptor(receptors, name)
        for name in ("er", "pr")
        if facts.receptor_percent_range(receptors, name) is not None
    ]
    if p.her2 is not None:
        parts.append(_her2_words(p.her2))
    return ", ".join(parts) or "not given"


# --- biomarkers ---------------------------------------------------------------------------------

_KIND_FITS = {
    "mutation": {"mutation"},
    "amplification": {"amplification"},
    "deletion": {"deletion"},
    "fusion": {"fusion"},
    "overexpression": {"overexpression", "amplification"},
    "expression": {"overexpression", "amplification", "mutation"},
}


def _her2_as_alteration(kind: str, p: Patient) -> Judgement | None:
    """ERBB2 amplification or overexpression read from the HER2 receptor status, when the
    profile gives it there: ISH positive is amplification, IHC 3+ overexpression (and HER2
    positive by ASCO/CAP, so amplification for a trial that does not ask for ISH itself)."""
    receptors = p.profile.receptors
    her2 = receptors.her2 if receptors else None
    if her2 is None or p.her2 is None:
        return None
    ihc, ish = getattr(her2, "ihc", None), getattr(her2, "ish", None)
    said = _her2_words(p.her2)
    if ish == "positive" or ihc == "3+" or p.her2 == frozenset({"positive"}):
        return met(f"{said}: ERBB2 {kind} by the HER2 receptor status")
    if ish == "negative" or ihc in {"0", "ultralow", "1+"} or "positive" not in p.her2:
        return not_met(f"{said}: no ERBB2 {kind}")
    return unknown(f"{said}: whether ERBB2 is amplified is not settled", "HER2 ISH")


def biomarker(c: Biomarker, p: Patient) -> Judgement:
    if c.marker and not c.genes:
        return _marker(c, p)
    if not c.genes:
        return unknown(
            "biomarker not specified in a way trialmatch can check", "biomarker (check by hand)"
        )
    genes_text = "/".join(c.genes)
    wanted_kind = c.alteration or "alteration"
    candidates: list[GeneFinding] = [f for g in c.genes for f in p.genes.get(g, [])]
    best: Judgement | None = None
    pending: list[Judgement] = []
    for finding in candidates:
        verdict = _finding_fits(c, finding, wanted_kind)
        if verdict.result == "met":
            if best is None or verdict.level > best.level:
                best = verdict
        else:
            pending.append(verdict)
    if best is not None:
        return best
    if (ruled_out := _variants_ruled_out(c, p)) is not None:
        return ruled_out
    if (acquired := _acquired_open(c, p)) is not None:
        return acquired
    unknowns = [j for j in pending if j.result == "unknown"]
    if unknowns:
        return unknowns[0]
    if (
        "ERBB2" in c.genes
        and wanted_kind in {"amplification", "overexpression"}
        and (from_receptor := _her2_as_alteration(wanted_kind, p)) is not None
    ):
        return from_receptor
    untested = [g for g in c.genes if g not in p.tested_negative and g not in p.genes]
    if untested and _about_known(c):
        # "known driver alterations other than ALK, such as EGFR, MET, RET": an untested gene
        # is no known alteration
        return not_met(
            f"no known {'/'.join(untested)} alteration (not tested): the exclusion is about "
            "known ones"
        )
    if untested:
        where = (
            f" ({', '.join(pending_reason.explanation for pending_reason in pending)})"
            if pending
            else ""
        )
        return unknown(
            f"{'/'.join(untested)} status not known{where}", f"{_genes_label(untested)} status"
        )
    if pending:
        return pending[0]
    return not_met(f"tested negative for {genes_text}")


#: "Known EGFR mutation", "patients with known driver alterations such as ...": an exclusion
#: of what is known, which an untested gene is not.
_KNOWN_BEFORE = re.compile(r"\bknown\b[^.;:]{0,80}$", re.IGNORECASE)


def _about_known(c: Biomarker) -> bool:
    if c.section != Section.EXCLUSION or c.negated or not c.evidence:
        return False
    at = c.text.find(c.evidence)
    return at >= 0 and _KNOWN_BEFORE.search(c.text[:at]) is not None


def _variants_ruled_out(c: Biomarker, p: Patient) -> Judgement | None:
    """'EGFR T790M' for a patient whose `tested_negative` lists "EGFR T790M": every variant the
    criterion asks for was tested for and not found (a list of examples is no such ask)."""
    if not c.variants or c.variants_are_examples:
        return None
    for gene in c.genes:
        negatives = p.variants_ruled_out.get(gene, ())
        if not negatives or not all(_variant_in(v, negatives, gene) for v in c.variants):
            return None
    ruled = "; ".join(f"{g} {' '.join(p.variants_ruled_out[g])}" for g in c.genes)
    return not_met(f"tested negative for {ruled}")


#: Variants a tumour acquires as resistance to a therapy (gene: variants or codons, the class
#: they answer): a test from before that therapy does not rule them out.
_ACQUIRED = {
    "EGFR": (("T790M", "C797", "L718", "G724"), "egfr_tki"),
    "ALK": (("G1202", "L1196", "I1171", "F1174", "G1269", "C1156", "L1198"), "alk_inhibitor"),
}


def _acquired_open(c: Biomarker, p: Patient) -> Judgement | None:
    """'EGFR T790M positive' for a patient whose EGFR finding is the driver (L858R) and who has
    since had an EGFR TKI: whether the resistance variant arose is a question for a test after
    that therapy, which the profile does not report (unknown, not absent)."""
    if not c.variants or c.variants_are_examples or c.negated:
        return None
    history = p.history
    for gene in c.genes:
        acquired, therapy = _ACQUIRED.get(gene, ((), ""))
        findings = p.genes.get(gene, [])
        if (
            not findings
            or history is None
            or not all(v.upper().startswith(acquired) for v in c.variants)
            or not any(therapy in r.classes for r in history.regimens)
        ):
            continue
        wanted = " or ".join(c.variants)
        said = "; ".join(f.label() for f in findings)
        return unknown(
            f"{said}: {gene} {wanted} arises under {lexicon.class_label(therapy)} treatment and "
            "is not reported from a test after it",
            f"{gene} {wanted} status after progression",
        )
    return None


def _genes_label(genes: list[str]) -> str:
    """'ESR1', 'PIK3CA/AKT1/PTEN', or 'PALB2/ATM/CHEK2 and 10 other genes' for long panels."""
    if len(genes) <= 4:
        return "/".join(genes)
    return f"{'/'.join(genes[:3])} and {len(genes) - 3} other genes"


#: Genes of inherited cancer risk (the hereditary cancer panels): a variant found in one may be
#: germline even when a tumour test found it, so a criterion asking for a somatic (or germline)
#: one needs the origin said. In other genes a variant of unstated origin is taken as somatic.
_INHERITED = frozenset(
    {
        "APC", "ATM", "BAP1", "BARD1", "BRCA1", "BRCA2", "BRIP1", "CDH1", "CDK4", "CDKN2A",
        "CHEK2", "EPCAM", "FANCA", "FANCC", "MEN1", "MLH1", "MSH2", "MSH6", "MUTYH", "NBN", "NF1",
        "NF2", "PALB2", "PMS2", "POLD1", "POLE", "PTEN", "RAD50", "RAD51B", "RAD51C", "RAD51D",
        "RB1", "RET", "SDHB", "SDHD", "SMAD4", "STK11", "TP53", "TSC1", "TSC2", "VHL", "WT1",
    }
)  # fmt: skip


def _finding_fits(c: Biomarker, finding: GeneFinding, wanted_kind: str) -> Judgement:
    label = finding.label()
    if wanted_kind != "alteration" and finding.kind not in _KIND_FITS.get(
        wanted_kind, {wanted_kind}
    ):
        return unknown(
            f"{label} found; criterion: {finding.gene} {wanted_kind}",
            f"{finding.gene} {wanted_kind} status",
        )
    # an EGFR L858R or an ESR1 Y537S of unstated origin is the tumour's own
    taken_somatic = finding.origin is None and finding.gene not in _INHERITED
    if c.origin and finding.origin != c.origin and not (c.origin == "somatic" and taken_somatic):
        if finding.origin is None:
            return unknown(
                f"{label} found; whether it is {c.origin} is not given",
                f"{finding.gene} {c.origin} status",
            )
        return not_met(f"{label} is {finding.origin}; criterion: {c.origin} alteration")
    level = GENE_LEVEL
    left_out = _left_out(c, finding)
    if left_out is not None:
        return left_out
    if c.variants:
        variant = finding.variant
        if variant is not None and _variant_in(variant, c.variants, finding.gene):
            level = VARIANT_LEVEL
        elif not c.variants_are_examples:
            if variant is None:
                return unknown(
                    f"{label} found; criterion: {' or '.join(c.variants)}",
                    f"{finding.gene} variant",
                )
            return not_met(f"{label}; criterion: {finding.gene} {' or '.join(c.variants)}")
    if c.specimen and finding.specimen and finding.specimen != c.specimen:
        return unknown(
            f"{label} found in {finding.specimen}; criterion: {c.specimen}",
            f"{finding.gene} {c.specimen} result",
        )
    where = f" in {finding.specimen}" if finding.specimen else ""
    return met(f"{label} found{where}", target=label, level=level)


def _left_out(c: Biomarker, finding: GeneFinding) -> Judgement | None:
    """A finding among the variants the criterion leaves out ("an EGFR mutation other than an
    exon 20 insertion"): not met; unknown when the finding may be the one variant of that kind
    the criterion lets back ("insertions are not eligible, except A763_Y764insFQEA") or may be
    the one variant left out ("an exon 20 insertion other than A763_Y764insFQEA")."""
    variant = finding.variant
    if not c.except_variants:
        return None
    label = finding.label()
    if variant is None:
        return unknown(
            f"{label} found; criterion: not {' or '.join(c.except_variants)}",
            f"{finding.gene} variant",
        )
    if _variant_in(variant, c.except_variants, finding.gene):
        if any(_may_be(variant, v) for v in c.variants):
            return unknown(
                f"{label} found; criterion lets in {' or '.join(c.variants)} only",
                f"{finding.gene} {variant} (which one)",
            )
        if _variant_in(variant, c.variants, finding.gene) and c.variants_are_examples:
            return None
        return not_met(f"{label}; criterion: not {' or '.join(c.except_variants)}")
    if any(_may_be(variant, v) for v in c.except_variants):
        return unknown(
            f"{label} found; criterion: not {' or '.join(c.except_variants)}",
            f"{finding.gene} {variant} (which one)",
        )
    return None


_SPECIFIC_KIND = re.compile(r"exon\s*(\d{1,2})\s+(insertion|deletion)$", re.I)


def _may_be(variant: str, specific: str) -> bool:
    """Whether a finding given only by its kind ('exon 20 insertion') may be a named variant of
    that kind ('A763_Y764insFQEA')."""
    kind = _SPECIFIC_KIND.fullmatch(variant.strip())
    if kind is None or specific.lower().startswith("exon"):
        return False
    return ("ins" if kind.group(2).lower() == "insertion" else "del") in specific.lower()


_EXON_WANTED = re.compile(r"exon\s*(\d{1,2})(?:\s+(?:mutations?|alterations?|variants?))?$", re.I)
#: Codons of each exon, for variants written by protein position ("L858R", "G719S", HGVS
#: "E746_A750del", "A767_V769dup", "D770_N771insSVD"): the standard EGFR numbering.
_EXON_CODONS = {"EGFR": {18: (688, 728), 19: (729, 761), 20: (762, 823), 21: (824, 875)}}
_PROTEIN_POSITION = re.compile(r"^[A-Z*](\d{1,4})(?:_[A-Z*]\d{1,4})?(?P<change>[A-Z*]*)$")


def _exon_of(gene: str, variant: str) -> tuple[int, str] | None:
    """(exon, 'insertion' | 'deletion' | 'substitution') of a protein change in a gene whose
    exons are known, else None."""
    found = _PROTEIN_POSITION.match(variant)
    exons = _EXON_CODONS.get(gene)
    if found is None or exons is None:
        return None
    codon = int(found.group(1))
    exon = next((n for n, (low, high) in exons.items() if low <= codon <= high), None)
    if exon is None:
        return None
    change = found.group("change")
    if "DELINS" in change:
        # an in-frame delins in exon 20 adds residues (D770delinsGY); in exon 19 it deletes
        kind = "insertion" if exon == 20 else "deletion"
    elif "INS" in change or "DUP" in change:
        kind = "insertion"
    elif "DEL" in change:
        kind = "deletion"
    else:
        kind = "substitution"
    return exon, kind


def _variant_in(variant: str, wanted: tuple[str, ...], gene: str = "") -> bool:
    v = variant.upper()
    for w in wanted:
        w_up = w.upper()
        if v == w_up:
            return True
        exon = _EXON_WANTED.fullmatch(w.strip())
        placed = _exon_of(gene, v)
        if placed is not None:
            kind = _SPECIFIC_KIND.fullmatch(w.strip())
            if kind and (int(kind.group(1)), kind.group(2).lower()) == placed:
                return True  # "exon 20 insertion" covers A767_V769dup
            if exon and int(exon.group(1)) == placed[0]:
                return True  # "exon 21 mutation" covers L858R, "exon 19" E746_A750del
        # a codon ("E545") or exon named in the criterion covers the specific change
        if w_up[-1].isdigit() and v.startswith(w_up) and not v[len(w_up)].isdigit():
            return True
        # "G719X": any change at that codon ("G719A", "G719S")
        if (
            len(w_up) > 2
            and w_up.endswith("X")
            and w_up[-2].isdigit()
            and v.startswith(w_up[:-1])
            and len(v) > len(w_up) - 1
            and not v[len(w_up) - 1].isdigit()
        ):
            return True
    return False


# --- scored markers -----------------------------------------------------------------------------

_STATUS_MARKERS = {
    "MSIH": ("MSI", {"high"}),
    "DMMR": ("MMR", {"deficient", "positive"}),
    "HRD": ("HRD", {"positive", "high"}),
}


def _marker_key(name: str) -> str:
    return "".join(ch for ch in name.upper() if ch.isalnum())


def _marker(c: Biomarker, p: Patient) -> Judgement:
    assert c.marker is not None
    key = _marker_key(c.marker)
    if key in _STATUS_MARKERS and c.value is None:
        marker, positive = _STATUS_MARKERS[key]
        findings = p.markers.get(marker, [])
        for finding in findings:
            if finding.status is not None:
                label = finding.label()
                if finding.status in positive:
                    return met(label, target=f"{c.marker}", level=GENE_LEVEL)
                return not_met(f"{label}; criterion: {c.marker}")
        return unknown(f"{c.marker} status not known", f"{c.marker} status")
    marker = {"PDL1": "PD-L1", "KI67": "Ki-67"}.get(key, c.marker)
    findings = p.markers.get(marker, [])
    if not findings:
        return unknown(f"{marker} not known", f"{marker} result")
    if c.value is None or c.comparator is None:
        found = [f for f in findings if (f.status in {"positive", "high"}) or (f.value or 0) > 0]
        if found:
            return met(found[0].label(), target=found[0].label(), level=GENE_LEVEL)
        return not_met(f"{findings[0].label()}; criterion: {marker} positive")
    for finding in findings:
        if finding.value is None:
            continue
        if c.unit and finding.unit and _marker_key(c.unit) != _marker_key(finding.unit):
            continue
        fits = compare_range(finding.value, finding.value, c.comparator, c.value)
        unit = f" {c.unit}" if c.unit else ""
        if fits:
            return met(finding.label(), target=finding.label(), level=GENE_LEVEL)
        return not_met(f"{finding.label()}; criterion: {marker}{unit} {c.comparator} {c.value:g}")
    return unknown(
        f"{marker} given in another scoring system than the criterion's"
        f" ({c.unit or 'unspecified'})",
        f"{marker} {c.unit or ''}".strip(),
    )
