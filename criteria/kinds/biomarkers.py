"""Biomarkers: gene alterations (required or excluding, tissue or ctDNA, germline or somatic) and
scored markers (PD-L1, TMB, MSI-H/dMMR, HRD, AR, TROP2, Ki-67).

Genes are found with the lexicon (`criteria.lexicon.find_gene_mentions`, exact, never fuzzy) and
reported as HGNC symbols. "HER2-positive" is a receptor status (`criteria.kinds.disease`);
"HER2 mutation" or "HER2 amplification" is a biomarker on ERBB2.
"""

from __future__ import annotations

import re
from itertools import pairwise

from criteria import cues, lexicon
from criteria.extract import Draft, ItemView
from criteria.fastre import gate_words
from criteria.phrases import phrases

_ALTERATIONS = (
    (
        "mutation",
        re.compile(
            r"\b(?:mutat\w*|mutant|variants?|SNVs?|substitutions?|activating|pathogenic|deleterious"
            r"|sensitizing|sensitising|insertions?|skipping|wild[- ]?type|WT\b|exon\s*\d+"
            r"|\d{1,2}\s*exon\b)",  # "EGFR 19 exon deletion": an exon's deletion is a mutation
            re.I,
        ),
    ),
    ("amplification", re.compile(r"\bamplif\w*|\bcopy number gain", re.I)),
    ("deletion", re.compile(r"\b(?:deletion|deleted|loss|null|homozygous)\b", re.I)),
    (
        "fusion",
        re.compile(r"\b(?:fusions?|rearrange\w*|translocat\w*|re-arrange\w*|inversion)", re.I),
    ),
    ("overexpression", re.compile(r"\bover-?express\w*|\bhigh expression", re.I)),
    ("expression", re.compile(r"\bexpressi\w*|\bIHC\b|\bstaining\b", re.I)),
    (
        "alteration",
        re.compile(r"\b(?:alter\w*|aberra\w*|abnormalit\w*|positive|\+|driver|actionable)", re.I),
    ),
)
_FUSION_GENES = frozenset(
    {"ALK", "ROS1", "RET", "NTRK1", "NTRK2", "NTRK3", "NRG1", "FGFR2", "FGFR3"}
)
#: "HER2 < 3+ by IHC": an IHC score, which is the receptor's (`disease._HER2_BELOW`).
_SCORE_AFTER = re.compile(
    r"\s*(?:\(?IHC\)?\s*)?(?:<=|>=|<|>|less than|below)\s*[0-3]\s*\+", re.IGNORECASE
)
#: "(any other) EGFR exon 20 insertion inhibitors", "KRAS G12C-targeted therapy": drugs named by
#: the alteration they act on.
_ALTERATION_DRUGS_AFTER = re.compile(
    r"^[\s/-]*(?:(?:HER2|ERBB2|EGFR|exon\s*\d+\w*|ex\d+\w*|ins\w*|insertions?|mutant|mutations?"
    r"|mutated|G12C|V600E?|activating|sensitizing|selective|specific|-)[\s/-]*){1,5}"
    r"(?:small[- ]molecule\s+)?(?:TKIs?|(?:tyrosine[- ]kinase\s+)?inhibitors?|antibod\w+"
    r"|(?:targeted|directed)\s+"
    r"(?:therap|agent|drug|treatment)\w*)",
    re.I,
)
#: "EGFR sensitizing mutations were negative", "ALK rearrangement was not detected".
_STATED_NEGATIVE = re.compile(
    r"^[^.;,]{0,30}?\b(?:were|was|is|are|tested)\s+(?:tested\s+)?(?:as\s+)?(?:negative|not detected"
    r"|absent|wild[- ]?type)\b",
    re.I,
)
_NEGATIVE = re.compile(
    r"\bwild[- ]?type\b|\bWT\b|\bnegative\b|-\s*negative|\bnon-?mutated\b|\bunmutated\b"
    r"|\bnot? (?:\w+\s+)?(?:mutat|alter|amplif)",
    re.I,
)
_TARGET_BEFORE = re.compile(
    r"\b(?:(?:directed|targeted|aimed)\s+(?:against|at|to)|targets?|targeting|inhibitors?\s+of"
    r"|(?:activity|active|effective|efficacy)\s+(?:against|on|in))\s+"
    r"(?:the\s+)?(?:(?:mutant|mutated|activated|activating)\s+)?"
    r"(?:[\w-]+\s+(?:or|and|and/or|/)\s+)?$",
    re.IGNORECASE,
)
#: "Wild-type BRCA1 and BRCA2", "non-mutated EGFR": the status named before the genes.
_WILD_BEFORE = re.compile(r"\b(?:wild[- ]?type|WT|non-?mutated|unmutated)\s*(?:for\s+)?$", re.I)
#: "with wild-type EGFR and negative ALK fusion gene": a result written before the gene (not one
#: glued to the word before, as in "HER2-negative EGFR-mutant")
_NEGATIVE_BEFORE = re.compile(
    r"(?:^|\b(?:with|and|or|be|is|are|was|were|of)\s+|[,(:;]\s*)negative\s+(?:for\s+)?$", re.I
)
_THERAPY_AFTER = re.compile(
    r"^[\s-]*(?:\w+[\s-]+)?(?:TKIs?|inhibitors?|antibod\w+|targeted|directed|blockers?|therap\w+|"
    r"agents?|drugs?|treatments?|ADCs?|i\b|tyrosine kinase inhibitors?)",
    re.IGNORECASE,
)
#: Words without which no gene alteration is stated: the gene lookup is skipped without them.
_GENE_WORDS = gate_words(
    "mutat",
    "mutant",
    "variant",
    "amplif",
    "delet",
    "loss",
    "null",
    "fusion",
    "rearrang",
    "translocat",
    "alter",
    "aberr",
    "abnormal",
    "wild",
    "wt",
    "positive",
    "negative",
    "+",
    "express",
    "exon",
    "codon",
    "insertion",
    "skipping",
    "driver",
    "actionable",
    "activating",
    "pathogenic",
    "deleterious",
    "sensitiz",
    "sensitis",
    "snv",
    "substitution",
    "copy number",
    "staining",
    "ihc",
)
_PROTEIN_CHANGE = re.compile(r"[A-Z]\d{2,4}[A-Z]")
_RECEPTOR_AFTER = re.compile(
    r"^(?:/neu)?[\s:-]*(?:\(\w+\)\s*)?(?:positive|negative|pos\b|neg\b|low|ultra|zero|null|\+"
    r"|-(?!\w)"
    r"|status|IHC|[0-3]\+?(?!\w)|over-?expressi\w*|expressi\w*|enriched|non-?amplified|by IHC)",
    re.IGNORECASE,
)
#: "human epidermal growth factor receptor 2 (HER-2) negative": a receptor status too.
_RECEPTOR_NEGATIVE_AFTER = re.compile(
    r"^(?:/neu)?[\s:)\]-]*(?:\([\w/-]+\)\s*)?[\s-]*(?:negative|neg\b)", re.IGNORECASE
)
_RECEPTOR_BEFORE = re.compile(
    r"(?:over-?expressi\w*(?:\s+of)?|positive for|negative for|expression of)\s+$", re.IGNORECASE
)
_STATUS_ONLY = re.compile(
    r"^[\s)\]-]*(?:[\w-]+\s+){0,2}?(?:status|testing|test|result|results|assessment|analysis"
    r"|report|screening|sequencing|determination|detection)\b",
    re.I,
)
_EITHER_RESULT = re.compile(r"\bpositive or negative\b|\bnegative or positive\b|\beither\b", re.I)
#: "(one of the common mutations), alone or together with other (EGFR mutations)"
_WITH_OTHERS = re.compile(
    r"\b(?:with|by|combination with|together with|accompanied (?:by|with))\s+(?:or without\s+)?"
    r"(?:any\s+|the\s+)?other\s+$|\bco-?occurring\s+(?:with\s+)?(?:other\s+)?$",
    re.I,
)
#: "PIK3CA/AKT1/PTEN-altered status", "mutation-positive status": the status states the alteration.
_STATED_STATUS = re.compile(
    r"positive|negative|\b(?:altered|mutated|mutant|amplified|deleted|deficient|rearranged)\b", re.I
)
_CONNECT = re.compile(r"^\s*(?:,|/|or|and|and/or|,\s*or|,\s*and)\s*$", re.I)
_VARIANT = re.compile(
    r"\b(?:p\.)?(?P<span>[ACDEFGHIKLMNPQRSTVWY]\d{2,4}_[ACDEFGHIKLMNPQRSTVWY]\d{2,4}"
    r"(?:delins|ins|del|dup)[ACDEFGHIKLMNPQRSTVWY]*)\b"
    r"|\b(?:p\.)?(?P<v>[ACDEFGHIKLMNPQRSTVWY]\d{1,4}(?:[ACDEFGHIKLMNPQRSTVWY*X]|fs|del|dup|ins)"
    r"(?:/[ACDEFGHIKLMNPQRSTVWY])*)\b"
    r"|\bdel(?:etion)?\s*(?P<del_exon>19)\b|\b(?P<del_exon2>19)\s*-?\s*del(?:etion)?s?\b"
    r"|\b(?:exons?|ex)\s*(?P<exon>\d{1,2})(?:\s*(?:(?P<exon_sep>-|–|to|through)\s*(?:exons?\s*)?|(?:or|and|,)\s*)"
    r"(?P<exon_to>\d{1,2})\b(?!\s*(?:%|mg|days?|weeks?|months?|years?)))?"
    r"\s*(?P<kind>deletions?|del\b|insertions?|ins\b|skipping|mutations?"
    r"|"
    r"alterations?|in-frame)?|\bcodons?\s*(?P<codon>\d{1,4}(?:\s*(?:,|or|and|/|-|to|through)\s*(?:codons?\s*)?"
    r"\d{1,4}\b)*)"
    # "EGFR 20 exon insertion", "19 exon deletion": the number first
    r"|\b(?P<exon_rev>\d{1,2})(?:st|nd|rd|th)?\s*exons?\s+(?P<kind_rev>deletions?|insertions?"
    r"|skipping|mutations?)",
    re.IGNORECASE,
)
_EXAMPLES = re.compile(
    r"\b(?:e\.g\.?|eg\b|such as|including|for example|for instance|like|examples?)\s*[:,]?\s*$",
    re.I,
)
_CTDNA = re.compile(
    r"\b(?:ctDNA|cfDNA|plasma|liquid biops\w+|circulating tumou?r DNA|blood[- ]based|blood sample"
    r"|Guardant)",
    re.I,
)
_TISSUE = re.compile(r"\b(?:tissue|tumou?r (?:sample|biopsy|specimen|block)|FFPE|biopsy)", re.I)
_GERMLINE = re.compile(r"\b(?:germ-?line|gBRCA\w*|hereditary|inherited|constitutional)", re.I)
_SOMATIC = re.compile(r"\b(?:somatic|sBRCA|acquired|tumou?r[- ]based)", re.I)

_MARKERS = (
    (
        "PD-L1",
        re.compile(
            r"\bPD-?L1\b(?P<rest>[^.;]{0,60}?(?P<unit>CPS|TPS|TC|IC|tumou?r proportion score|"
            r"combined positive score|tumou?r cells?|immune cells?)?\s*(?:score\s*)?(?:of\s*)?"
            r"(?P<cmp>>=|<=|>|<)\s*(?P<v>\d+(?:\.\d+)?)\s*%?)?",
            re.I,
        ),
    ),
    (
        "TMB",
        re.compile(
            r"\b(?:TMB|tumou?r mutation(?:al)? burden)(?P<high>[- ]?(?:H"
            r"|high)\b)?(?P<rest>[^.;]{0,30}?"
            r"(?P<cmp>>=|<=|>|<)\s*(?P<v>\d+(?:\.\d+)?)\s*(?P<unit>mut(?:ations)?\s*/\s*Mb|"
            r"mutations per megabase|muts?/Mb)?)?",
            re.I,
        ),
    ),
    (
        "MSI-H",
        re.compile(
            r"\bMSI-?H\b|\bMSI[- ]high|microsatellite instability[- ]high"
            r"|high(?:[- ]level)? microsatellite instability|\bMSI\b",
            re.I,
        ),
    ),
    (
        "dMMR",
        re.compile(
            r"\bdMMR\b|mismatch repair[- ]deficien\w*|deficient mismatch repair|MMR[- ]deficien\w*",
            re.I,
        ),
    ),
    ("HRD", re.compile(r"\bHRD\b|homologous recombination (?:repair )?deficien\w*", re.I)),
    (
        "AR",
        re.compile(
            r"(?-i:\bAR\b)(?!-V7)|\bandrogen receptor\b(?P<rest>[^.;]{0,30}?(?P<cmp>>=|<=|>|<)\s*"
            r"(?P<v>\d+(?:\.\d+)?)\s*(?P<unit>%))?",
            re.I,
        ),
    ),
    ("TROP2", re.compile(r"\bTROP-?2\b(?!\s*(?:-?directed|ADC|antibody|targeted))", re.I)),
    (
        "Ki-67",
        re.compile(
            r"\bKi-?67\b(?P<rest>[^.;]{0,25}?(?P<cmp>>=|<=|>"
            r"|<)\s*(?P<v>\d+(?:\.\d+)?)\s*(?P<unit>%))?",
            re.I,
        ),
    ),
)


#: Drugs named by the alteration they treat: "drugs for EGFR exon 20 insertion mutations",
#: "therapies targeting the KRAS G12C mutation".
_DRUGS_FOR_BEFORE = re.compile(
    r"\b(?:drugs?|agents?|therap(?:y|ies)|inhibitors?|treatments?|TKIs?|medications?"
    r"|medicines?)\s+(?:specifically\s+)?(?:for|against|targeting|directed\s+(?:at|against)"
    r"|that\s+targets?|target(?:ed|s)?\s+(?:on|at|for|against)|with\s+activity\s+against)"
    r"\s+(?:the\s+|an?\s+)?(?:EGFR\s+)?$",
    re.IGNORECASE,
)


def _alteration(window_after: str, window_before: str, genes: tuple[str, ...]) -> str | None:
    for text in (window_after, window_before):
        for name, pattern in _ALTERATIONS:
            if pattern.search(text):
                if (
                    name == "alteration"
                    and set(genes) <= _FUSION_GENES
                    and re.search(r"positive|\+|rearrange", text, re.I)
                ):
                    return "fusion"
                if (
                    name == "alteration"
                    and re.search(r"positive|\+", text)
                    and set(genes) & {"EGFR", "ESR1", "PIK3CA", "KRAS", "BRAF"}
                ):
                    return "mutation"
                return name
    return None


def read(view: ItemView) -> list[Draft]:
    w = view.w
    out: list[Draft] = []
    genes = []
    protein_change = _PROTEIN_CHANGE.search(w) is not None
    gated = protein_change or view.has(_GENE_WORDS)
    found = view.genes if gated else []
    therapy_spans = [(m.start, m.end) for m in view.drugs] if found else []
    for mention in found:
        if mention.kind == "gene" and mention.protein and mention.id != "ERBB2":
            continue
        if any(s <= mention.start < e for s, e in therapy_spans):
            continue
        if _THERAPY_AFTER.match(w[mention.end :]) or _TARGET_BEFORE.search(
            w, max(0, mention.start - 40), mention.start
        ):
            continue  # "ALK inhibitors", "therapy directed against ALK": the drug's target
        if mention.id == "ERBB2" and (
            _SCORE_AFTER.match(w, mention.end)
            or _RECEPTOR_AFTER.match(w[mention.end :])
            or _RECEPTOR_NEGATIVE_AFTER.match(w[mention.end :])
            or _RECEPTOR_BEFORE.search(w[max(0, mention.start - 30) : mention.start])
        ):
            continue  # "HER2-negative", "HER2 IHC 2+": a receptor status, not a gene alteration
        genes.append(mention)
    drugs_named = False
    i = 0
    while i < len(genes):
        group = [genes[i]]
        while i + 1 < len(genes) and _CONNECT.match(w[group[-1].end : genes[i + 1].start]):
            group.append(genes[i + 1])
            i += 1
        i += 1
        start, end = group[0].start, group[-1].end
        excepted = cues.inside(view.exceptions, start)
        if excepted is not None and not _EXAMPLES_AFTER.search(w[excepted.body_start : start]):
            continue  # "a gene other than BRCA1, such as PALB2": the examples are not excepted
        symbols: list[str] = []
        for mention in group:
            if mention.kind == "gene_family":
                symbols.extend(lexicon.gene_family(mention.id))
            else:
                symbols.append(mention.id)
        symbols_t = tuple(dict.fromkeys(symbols))
        after = w[end : end + 45]
        before = w[max(0, start - 55) : start]
        next_gene = next((g.start for g in genes if g.start > end), len(w))
        after = after[: max(0, next_gene - end)] if next_gene - end < 45 else after
        if _ALTERATION_DRUGS_AFTER.match(w[end : min(end + 90, next_gene)]):
            drugs_named = True
            continue  # "EGFR/HER2 exon20ins small molecule inhibitors": drugs, named by target
        if _STATUS_ONLY.match(after) and not _STATED_STATUS.search(after[:30]):
            continue  # "tissue for PIK3CA-mutation testing": a test, not the alteration
        if _DRUGS_FOR_BEFORE.search(before):
            drugs_named = True
            continue  # "received drugs for EGFR exon 20 insertions": drugs, named by target
        alteration = (
            "overexpression"
            if _OVEREXPRESS_BEFORE.search(before)
            else _alteration(after, before, symbols_t)
        )  # "(tumour that) over-expresses HER2 (IHC 3+ ...)": the verb says it
        if alteration is None and _VARIANT_NEXT.match(after):
            alteration = "mutation"  # "EGFR Ex19del or L858R": the variants are mutations
        listed = _EXAMPLE_LIST_BEFORE.search(before) if alteration is None else None
        if listed is not None:
            # "resistance mutations (e.g., T790M, MET)": the list's head says what the genes
            # stand for, loosely (any alteration of them)
            head = w[
                max(0, start - len(before) + listed.start() - 60) : start
                - len(before)
                + listed.start()
            ]
            alteration = "alteration" if _alteration("", head, symbols_t) else None
        protein_only = all(m.protein for m in group)
        if alteration is None or (protein_only and alteration not in {"mutation", "amplification"}):
            continue
        if protein_only:
            symbols_t = ("ERBB2",)
        if out and _WITH_OTHERS.search(before):
            continue  # "(L858R), alone or with other EGFR mutations": allowed, not required
        variants: list[str] = []
        examples = False
        # a variant belongs to the gene written before it: "EGFR L858R or an ALK fusion",
        # "BRAF V600E or KRAS G12C" (one written before its gene only when no gene precedes)
        earlier = any(g.end <= start for g in genes)
        region = w[end : min(len(w), end + 120, next_gene)]
        owners = phrases().variant_genes
        left_out, let_back, limits = _variant_limits(view, start, end, symbols_t)
        offset = start if earlier else max(0, start - 40)
        for variant in _VARIANT.finditer(w[offset : min(end + 120, next_gene)]):
            if any(a <= offset + variant.start() < b for a, b in limits):
                continue  # "except insertions in exon 20": left out, not asked for
            for value in _variant_texts(variant, symbols_t):
                if (
                    not value.startswith("exon")
                    and owners.get(value, symbols_t[0]) not in symbols_t
                ):
                    continue  # "(e.g., C797S, MET amplification)": C797S is EGFR's
                if value not in variants:
                    variants.append(value)
        for variant in _VARIANT.finditer(region):
            prefix = region[max(0, variant.start() - 25) : variant.start()]
            if _EXAMPLES.search(prefix) or re.search(
                r"\b(?:e\.g|such as|including|for example|for instance)\b", prefix, re.I
            ):
                examples = True
                break
        if variants and any(
            g.start > end and g.id in symbols_t and _OR_OTHER_BEFORE.search(w, end, g.start)
            for g in genes
        ):
            examples = True  # "EGFR ex20ins or other uncommon EGFR mutations": any of them
        negated = (
            view.negated(start, end)
            or bool(_NEGATIVE.search(after[:25]))
            or bool(_STATED_NEGATIVE.match(after))
            or (
                alteration in {"mutation", "alteration", None}
                and bool(_WILD_BEFORE.search(w[max(0, start - 25) : start]))
            )
            or bool(_NEGATIVE_BEFORE.search(w[max(0, start - 25) : start]))
        )
        if alteration == "alteration" and re.match(r"^\s*-?\s*negative", after, re.I):
            negated = True
        specimen = None
        if _CTDNA.search(w) and not _TISSUE.search(w):
            specimen = "ctdna"
        elif (
            _TISSUE.search(w)
            and not _CTDNA.search(w)
            and re.search(r"\b(?:in|on|by|from|using)\s+(?:\w+\s+){0,2}(?:tissue|tumou?r)", w, re.I)
        ):
            specimen = "tissue"
        origin = _origin(w)
        stop = end + _alteration_end(after)
        fields: dict[str, object] = {
            "genes": symbols_t,
            "alteration": alteration,
            "variants": tuple(variants),
            "origin": origin,
            "specimen": specimen,
            "negated": negated,
            "exceptions": view.exception_texts(start),
        }
        if "EGFR" in symbols_t and alteration == "mutation" and not negated:
            near = f"{before[-30:]} {after[:35]}"
            if not variants and _COMMON.search(near):
                variants = list(_COMMON_EGFR)  # "EGFR common mutation": ex19del or L858R
            if _SENSITISING.search(near):
                # "EGFR-sensitising mutation": exon 20 insertions and T790M alone are not,
                # unless the item goes on to name them ("(exon 20 insertions are allowed)")
                named = {
                    value
                    for m in _VARIANT.finditer(w, start)
                    if not any(a <= m.start() < b for a, b in limits)
                    for value in _variant_texts(m, symbols_t)
                }
                left_out.extend(v for v in _NOT_SENSITISING if v not in {*variants, *named})
        if let_back:
            variants.extend(v for v in let_back if v not in variants)
            examples = True  # "... not eligible, except A763_Y764insFQEA": that one may come in
        if _OTHER_GENE_BEFORE.search(before[-25:]):
            # "(ex19del or L858R); no other EGFR mutations", "other EGFR mutations besides
            # ex19del or L858R": the variants named are the ones left out, not the ones asked
            asked_before = [str(v) for d in out if set(d.fields["genes"]) & set(symbols_t)
                            for v in d.fields["variants"]]  # fmt: skip
            left_out.extend(variants or asked_before)
            variants = []
        fields["variants"] = tuple(variants)
        left_out = [v for v in dict.fromkeys(left_out) if v not in variants]
        if left_out:
            fields["except_variants"] = tuple(left_out)
        if examples and variants:
            fields["variants_are_examples"] = True
        out.append(view.draft("biomarker", start, stop, **fields))
    if not drugs_named and (protein_change or "exon" in view.low):
        # variants with no gene written: their genes, unless a draft already names them
        # ("HER2 exon 20 insertion" names its gene; an exon alone is no other gene's)
        named = {g for d in out for g in d.fields["genes"]}
        out.extend(
            d
            for d in _gene_from_variants(view)
            if not out
            or not (
                set(d.fields["genes"]) & named
                or any(v.startswith("exon") for v in d.fields["variants"])
            )
        )
    out.extend(_markers(view))
    if len(out) > 1:  # a list needs two markers (most items have none: skip the sort)
        _negation_down_the_list(out, view.w)
    return out


#: Between two markers of one list: "KRAS mutations, HER2 mutations, ALK or ROS1 ...".
_MARKER_LIST_GAP = re.compile(r"\s*(?:,|;|/|or|and|nor|and/or)\s*(?:(?:or|and|nor)\s+)?")


def _negation_down_the_list(drafts: list[Draft], w: str) -> None:
    """'No evidence of other drivers, including KRAS mutations, HER2 mutations, ALK or ROS1
    rearrangements': the "no" reaches every marker of the list, however long it runs."""
    markers = sorted((d for d in drafts if d.kind == "biomarker"), key=lambda d: d.start)
    for before, after in pairwise(markers):
        if (
            before.fields.get("negated")
            and not after.fields.get("negated")
            and before.end <= after.start
            and _MARKER_LIST_GAP.fullmatch(w, before.end, after.start)
        ):
            after.fields["negated"] = True


_NUMBER = re.compile(r"\d+")
#: "one of the two common EGFR mutations", "EGFR common mutation" (not "uncommon", "less common").
_COMMON = re.compile(
    r"(?<![\w-])(?<!less )(?<!rare or )(?:common|classic(?:al)?)\b(?!\s+or\s+(?:un|rare))", re.I
)
_COMMON_EGFR = ("exon 19 deletion", "L858R")
#: "EGFR-sensitising mutation", "TKI-sensitive EGFR mutation": the TKI-sensitive ones, which
#: exon 20 insertions and T790M (on its own) are not.
_SENSITISING = re.compile(r"\bsensiti(?:[sz]ing|[sz]ed|ve)\b", re.I)
_NOT_SENSITISING = ("exon 20 insertion", "T790M")
#: "Patients with exon 20 insertions are not eligible": variants the item turns away.
_TURNED_AWAY = re.compile(
    r"\b(?:patients?|subjects?|participants?|those|tumou?rs?|cases?)\s+(?:with|harbou?ring|having"
    r"|carrying|whose\s+(?:tumou?rs?|cancers?|disease)\s+(?:has|have|harbou?rs?|carr(?:y|ies)))"
    r"\s+(?P<what>[^.;]{1,60}?)\s+(?:are|is|will be)\s+(?:not\s+(?:be\s+)?(?:eligible"
    r"|allowed|permitted|included)|ineligible|excluded)\b",
    re.I,
)


def _variant_limits(
    view: ItemView, start: int, end: int, genes: tuple[str, ...]
) -> tuple[list[str], list[str], list[tuple[int, int]]]:
    """Variants an item leaves out of a gene's alteration ("an EGFR mutation in exons 18-21,
    except exon 20 insertions"; "exon 20 insertions are not eligible"), those an exception to
    that lets back in ("... not eligible, except A763_Y764insFQEA"), and where both are written."""
    w = view.w
    out: list[str] = []
    back: list[str] = []
    limits: list[tuple[int, int]] = []

    def read_variants(a: int, b: int, into: list[str]) -> None:
        for match in _VARIANT.finditer(w, a, b):
            value = _variant_text(match) or ""
            kind = _KIND_BEFORE.search(w, max(a, match.start() - 25), match.start())
            if kind and re.fullmatch(r"exon \d+", value):
                # "insertions in exon 20": the kind written before the exon
                deleted = kind.group(0).lower().startswith("del")
                value = f"{value} {'deletion' if deleted else 'insertion'}"
            if value and value not in into:
                into.append(value)

    turned = _TURNED_AWAY.search(w, end, min(len(w), end + 250))
    turned_end = -1
    if turned is not None and not any(
        g.id not in genes and end <= g.start < turned.end("what") for g in view.genes
    ):  # "..., patients with a KRAS mutation are excluded" is about another gene
        read_variants(turned.start("what"), turned.end("what"), out)
        if out:
            limits.append((turned.start("what"), turned.end("what")))
            turned_end = turned.end()
    for span in view.exceptions:
        if span.start < end:
            continue
        if 0 <= span.start - turned_end <= 3:
            found: list[str] = []
            read_variants(span.body_start, span.end, found)
            back.extend(found)
            limits.append((span.body_start, span.end))
            continue
        if cues.SENTENCE_END.search(w[start : span.start]):
            continue
        found = []
        read_variants(span.body_start, span.end, found)
        if found:
            out.extend(found)
            limits.append((span.body_start, span.end))
    return out, [v for v in back if v not in out], limits


_KIND_BEFORE = re.compile(r"\b(?:insertions?|ins|deletions?|del)\s+(?:in|of|within)\s+$", re.I)
#: "... or (any) other (uncommon, single or compound) ..." before the same gene again.
#: "no other EGFR mutations", "any other EGFR alteration": other than the variants named.
#: ("in combination with other EGFR mutations" adds to them: not this).
_OTHER_GENE_BEFORE = re.compile(
    r"(?<!with )(?<!plus )(?<!and )\b(?:an)?other\s+(?:known\s+)?(?:activating\s+)?$",
    re.IGNORECASE,
)
_OR_OTHER_BEFORE = re.compile(r"\bor\s+(?:any\s+)?(?:an)?other\b[^.;]{0,40}$", re.IGNORECASE)
_OVEREXPRESS_BEFORE = re.compile(r"\bover-?express\w*\s+(?:the\s+)?$", re.IGNORECASE)
#: A gene written right before its variant ("EGFR Ex19del", "PIK3CA H1047R", "KRAS G12C").
_VARIANT_NEXT = re.compile(
    r"^\s*[:(]?\s*(?:ex(?:on)?\s*\d{1,2}\s*(?:del\w*|ins\w*)|[ACDEFGHIKLMNPQRSTVWY]\d{2,4}"
    r"(?:[ACDEFGHIKLMNPQRSTVWY]|X|del|ins|fs)\b)",
    re.IGNORECASE,
)
#: Genes listed as examples: "(e.g., T790M, MET", "such as ALK, ROS1 or".
_EXAMPLE_LIST_BEFORE = re.compile(
    r"(?:\(\s*|\b)(?:e\.?g\.?|eg|such\s+as|including|for\s+example)[,:]?\s*"
    r"(?:[\w-]+\s*(?:,|\bor\b|\band\b)\s*)*$",
    re.IGNORECASE,
)
_EXAMPLES_AFTER = re.compile(r",\s*(?:such as|e\.g\.?|eg|for example|including)\b", re.I)
_WITHOUT = re.compile(
    r"\b(?:without|not|no|non|absence of|absent (?:from|in)|rather than)\b[^.;,]{0,40}$", re.I
)


def _origin(w: str) -> str | None:
    """Germline or somatic: the one named, or when both are, the one not denied ("a somatic
    mutation, without the same mutation in the germline")."""
    germline, somatic = _GERMLINE.search(w), _SOMATIC.search(w)
    if germline and somatic:
        if _WITHOUT.search(w[: germline.start()]):
            return "somatic"
        if _WITHOUT.search(w[: somatic.start()]):
            return "germline"
        return None
    return "germline" if germline else ("somatic" if somatic else None)


def _gene_from_variants(view: ItemView) -> list[Draft]:
    """'Exon 19 deletion or L858R' with no gene written: the variants name it."""
    table = phrases().variant_genes
    found: dict[str, list[str]] = {}
    first, last = len(view.w), 0
    left_out: list[str] = []
    for match in _VARIANT.finditer(view.w):
        value = _variant_text(match)
        gene = table.get(value or "")
        if value and view.in_exception(match.start()):
            left_out.append(value)  # "an exon 20 insertion other than A763_Y764insFQEA"
            continue
        before = _GENE_WORD_END.sub("", view.w[max(0, match.start() - 50) : match.start()])
        if (
            _TARGET_BEFORE.search(before)
            or _DRUGS_FOR_BEFORE.search(before)
            or _ALTERATION_DRUGS_AFTER.match(view.w, match.end())
        ):
            continue  # "drugs targeting EGFR exon 20 insertions": the drugs' target
        if value and gene:
            found.setdefault(gene, []).append(value)
            first, last = min(first, match.start()), max(last, match.end())
    out = []
    after = view.w[last:]
    if (
        found
        and _STATUS_ONLY.match(after)
        and (not _STATED_STATUS.search(after[:30]) or _EITHER_RESULT.search(after[:60]))
    ):
        return []  # "T790M mutation status (confirmed positive or negative)": a result, either way
    for gene, variants in found.items():
        kind = "deletion" if all("deletion" in v for v in variants) else "mutation"
        alteration = "mutation" if kind == "mutation" or len(variants) > 1 else kind
        out.append(
            view.draft(
                "biomarker",
                first,
                last,
                genes=(gene,),
                alteration=alteration,
                variants=tuple(dict.fromkeys(variants)),
                except_variants=tuple(v for v in dict.fromkeys(left_out) if v not in variants),
                negated=view.negated(first, last)
                or bool(_WILD_FOR.search(view.w, max(0, first - 40), first)),
            )
        )
    return out


#: A gene symbol just before a variant ("EGFR exon 20 ..."), stepped over to read what precedes it.
_GENE_WORD_END = re.compile(r"\b[A-Z][A-Z0-9]{1,6}\s*$")
#: "EGFR wt status (for exon 19 deletions and L858R)": the variants a wild type is stated for.
_WILD_FOR = re.compile(
    r"\b(?:wild[- ]?type|WT|non-?mutated|unmutated)\b[^.;]{0,25}?(?:\(|\bfor\b|:)\s*(?:\w+\s+)?$",
    re.I,
)


def _alteration_end(after: str) -> int:
    """Where the alteration words right after the gene end ("-rearranged", " mutation (Y537S)")."""
    best = 0
    for _, pattern in _ALTERATIONS:
        match = pattern.search(after[:30])
        if match:
            best = max(best, match.end())
    if best and after[best:].lstrip().startswith("("):
        close = after.find(")", best)
        if close != -1:
            best = close + 1
    return best


def _variant_texts(match: re.Match[str], genes: tuple[str, ...]) -> list[str]:
    """The variants a match names: a codon list ("codons 536 to 538") gives one entry per codon,
    written with its reference amino acid when the gene's is known ("Y537" covers "Y537S")."""
    if match.group("exon_to"):
        # "exon 18-21": each exon of the range; "exons 19 or 21": both
        low, high = int(match.group("exon")), int(match.group("exon_to"))
        written = _variant_text(match) or ""
        spanned = match.group("exon_sep") is not None
        exons = list(range(low, high + 1)) if spanned and 0 < high - low <= 5 else [low, high]
        return [written.replace(f"exon {low}", f"exon {n}", 1) for n in dict.fromkeys(exons)]
    if not match.group("codon"):
        value = _variant_text(match)
        return [value] if value else []
    numbers = [int(n) for n in _NUMBER.findall(match.group("codon"))]
    if len(numbers) == 2 and re.search(r"-|to|through", match.group("codon")):
        low, high = numbers
        if 0 < high - low <= 10:
            numbers = list(range(low, high + 1))
    residues = phrases().codon_residues
    out = []
    for number in numbers:
        residue = next((residues[g][number] for g in genes if number in residues.get(g, {})), "")
        out.append(f"{residue}{number}")
    return out


def _variant_text(match: re.Match[str]) -> str | None:
    if match.group("span"):
        return match.group("span")  # "A763_Y764insFQEA": one named insertion
    if match.group("v"):
        value = match.group("v")
        if re.fullmatch(r"[A-Z]\d{1,4}[A-Z*]", value, re.I) and value[0].isupper():
            return value.upper()
        if value[0].isupper():
            return value
        return None
    if match.group("del_exon") or match.group("del_exon2"):
        return "exon 19 deletion"  # "Del19", "19Del", "19 del"
    if match.group("exon"):
        kind = (match.group("kind") or "").lower()
        word = {"del": "deletion", "ins": "insertion"}.get(kind, kind.rstrip("s"))
        return f"exon {match.group('exon')} {word}".strip()
    if match.group("codon"):
        first = _NUMBER.search(match.group("codon"))
        return f"codon {first.group(0)}" if first else None
    if match.group("exon_rev"):
        return f"exon {match.group('exon_rev')} {match.group('kind_rev').lower().rstrip('s')}"
    return None


_MARKER_WORDS = gate_words(
    "pd-l1",
    "pdl1",
    "pd l1",
    "tmb",
    "mutation burden",
    "mutational burden",
    "msi",
    "microsatellite",
    "mmr",
    "mismatch",
    "hrd",
    "homologous",
    "androgen",
    "trop",
    "ki-67",
    "ki67",
    "ki 67",
)


def _markers(view: ItemView) -> list[Draft]:
    w = view.w
    if not (view.has(_MARKER_WORDS) or "AR" in w):
        return []
    out: list[Draft] = []
    for marker, pattern in _MARKERS:
        match = pattern.search(w)
        if match is None or view.in_exception(match.start()):
            continue
        groups = match.groupdict()
        if (
            marker == "AR"
            and not groups.get("cmp")
            and not re.match(
                r"^[\s-]*(?:positive|\+|expression|expressing|>=|>)", w[match.end() :], re.I
            )
        ):
            continue
        if marker == "TROP2" and not re.search(
            r"expressi|positive|IHC|score|H-score|\+", w[match.end() : match.end() + 30], re.I
        ):
            continue
        fields: dict[str, object] = {"marker": marker}
        if groups.get("cmp"):
            fields["comparator"] = groups["cmp"]
            fields["value"] = float(groups["v"])
            unit = groups.get("unit")
            if unit:
                fields["unit"] = _unit(unit)
            elif "%" in match.group(0):
                fields["unit"] = "%"
        elif marker == "TMB" and groups.get("high"):
            fields["marker"] = "TMB-H"
        if (
            marker == "PD-L1"
            and not groups.get("cmp")
            and not re.search(
                r"positive|negative|expressi|\+|high|low|status",
                w[match.end() : match.end() + 30],
                re.I,
            )
        ):
            continue
        negated = view.negated(match.start(), match.end()) or bool(
            re.match(r"^[\s-]*(?:negative|-(?!\w)|low\b|stable|proficient)", w[match.end() :], re.I)
        )
        if marker == "MSI-H" and re.search(
            r"\bMSS\b|stable", w[match.end() : match.end() + 20], re.I
        ):
            negated = True
        out.append(view.draft("biomarker", match.start(), match.end(), negated=negated, **fields))
    return out


def _unit(raw: str) -> str:
    lowered = raw.lower()
    if "combined" in lowered:
        return "CPS"
    if "proportion" in lowered or lowered.startswith("tumo"):
        return "TPS"
    if lowered.startswith("immune"):
        return "IC"
    if "mb" in lowered or "megabase" in lowered:
        return "mut/Mb"
    return raw
