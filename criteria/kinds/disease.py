"""The disease itself: stage, CNS metastases, measurable disease, receptor status."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from criteria import cues
from criteria.extract import Draft, ItemView, settle
from criteria.fastre import Fast, gate_words, pattern_words
from criteria.phrases import phrases
from trialmatch.vocab import Section

# --- stage --------------------------------------------------------------------------------------

_NOT_CURABLE = Fast(
    r"\b(?:not|no longer|non)[- ]?(?:\w+\s+){0,3}?(?:amenable|suitable|candidates?|eligible|"
    r"appropriate|indicated)\s+(?:\w+\s+){0,3}?(?:for|to)\s+(?:\w+\s+){0,4}?(?:curative|cure|"
    r"resection|surgery|surgical|local|radical|definitive)|\bincurable\b|\bnon-?curable\b"
    r"|\bunresectable\b|\bcannot be (?:\w+\s+){0,2}(?:resected|cured|treated with curative)"
    r"|\b(?:cannot|can ?not|(?:can )?no longer|not) be (?:\w+\s+)?treated (?:with|by) "
    r"(?:curative |local |definitive )?"
    r"(?:surgery|surgical|resection|radiotherapy|radiation)"
    r"|\bnot (?:\w+\s+)?(?:curable|resectable|operable)"
)
_CURABLE = Fast(
    r"(?<!not )(?<!not be )\b(?:amenable|suitable|candidates?|eligible|indicated)\s+(?:\w+\s+)"
    r"{0,3}?(?:for|to)\s+(?:\w+\s+){0,3}?(?:curative|resection|surgery|radical)"
)
_CURABLE_WORDS = pattern_words(_CURABLE)
#: Stage IV named outright: "stage IV NSCLC amenable to thoracic surgery" is still stage IV.
_STAGE_FOUR = re.compile(
    r"\bstage\s*IV[ABC]?\b|(?<!non-)(?<!non)\bmetastatic\b|\bM1[abc]?\b", re.IGNORECASE
)
_NOT_CURABLE_WORDS = pattern_words(_NOT_CURABLE)
_DE_NOVO = Fast(
    r"\bde[- ]novo\b(?!\s+(?:[a-z]\d{2,4}[a-z]\b|mutations?\b|resistan|alterations?\b|variants?\b"
    r"|(?:egfr|met|her2|alk|ros1|kras)\b))|\bnewly diagnosed (?:\w+\s+){0,3}(?:metastatic|advanced)"
)
_RECURRENT = Fast(r"\b(?:recurrent|recurrence|relapsed|relapse)\b")
#: "(metastatic disease,) recurrent or de novo": either presentation.
_EITHER_PRESENTATION = re.compile(
    r"\b(?:recurr\w*|relaps\w*)\s*(?:,|/|or|and/or)\s*(?:or\s+)?de[- ]novo\b"
    r"|\bde[- ]novo\s*(?:,|/|or|and/or)\s*(?:or\s+)?(?:recurr\w*|relaps\w*)"
    # "newly diagnosed metastatic disease, or known metastatic disease that has progressed"
    r"|\bnewly diagnosed\b[^.;]{0,60}\bor\s+(?:\w+\s+){0,3}(?:known|existing|established"
    r"|previously diagnosed|recurrent|relapsed)\s+(?:metastatic|advanced)"
    # "newly diagnosed metastatic or relapsed breast cancer"
    r"|\bnewly diagnosed\s+(?:\w+\s+){0,2}(?:metastatic|advanced)\s*(?:,|/|or|and/or)\s*"
    r"(?:or\s+)?(?:recurr\w*|relaps\w*)",
    re.I,
)
_A_TEST_AFTER = re.compile(
    r"\s*(?:work-?\s?ups?|evaluations?|surveys?|screening|staging\s+(?:scans?|work-?up))\b", re.I
)
_STAGE_NOISE = Fast(
    r"(?:brain|cns|bone|liver|hepatic|lung|visceral|leptomeningeal|skin|lymph"
    r"|nodal)[\w\s,/-]{0,20}$"
    r"|(?:from|of|at|to|in)\s+(?:a\s+|the\s+)?$"
)

#: Words of a later disease: with them, "a history of early breast cancer" is where it came from.
_LATER_DISEASE = re.compile(r"recurr|relaps|metasta|progress|advanced|stage\s+(?:IV|4)\b", re.I)
#: "(recurrence) from early-stage disease", "(relapse) after treatment for early breast cancer":
#: the stage of the disease the present one came from.
_EARLIER_DISEASE = re.compile(
    r"\b(?:(?:recurr\w*|relaps\w*|progress\w*|metasta\w*)\s+(?:\w+\s+){0,3}?(?:from|of|after"
    r"|following)|(?:history of|previously (?:treated|diagnosed)(?: for| with)?|treatment for"
    r"|therapy for|surgery for|resection of))\s+(?:an?\s+|the\s+|their\s+|prior\s+|previous\s+"
    r"|(?:an?\s+)?initial\s+)?$",
    re.I,
)

#: Staging systems of other diseases, near a "stage ..." phrase.
_OTHER_STAGING = re.compile(
    r"\b(?:NYHA|New York Heart|heart failure|CHF|cardiac|kidney|renal|CKD|lymph[oe]dema"
    r"|hypertension)",
    re.I,
)
#: "(stage III or IV) invasive cancer other than breast cancer": the stage of another cancer.
#: "HER2 less than 3+ by IHC", "HER2 IHC < 2+": the scores below it.
_HER2_BELOW = re.compile(
    r"\bHER-?2(?:/neu)?\s*(?:\(?IHC\)?\s*|score\s*|expression\s*)?(?:<|less than|below|lower than)"
    r"\s*(?P<n>[1-3])\s*\+",
    re.IGNORECASE,
)
#: A later sentence that turns a stage away ("However, patients with stage IIIB ... are not
#: eligible"): not the stage the item asks for.
_NOT_ELIGIBLE = re.compile(
    r"\b(?:not|in)[- ]?eligible\b|\bare excluded\b|\bnot (?:allowed|permitted|included)\b", re.I
)
#: "(diagnosis of) stage IV NSCLC", "metastatic solid tumours": the disease is staged, not a site.
_STAGED_DISEASE_AFTER = re.compile(
    # (past the rest of a list of stages: "metastatic or locally advanced, relapsed NSCLC")
    r"(?:\s*(?:,|\bor\b|\band\b|/)\s*(?:locally\s+)?(?:advanced|recurrent|relapsed|unresectable"
    r"|metastatic|inoperable)\b)*,?"
    r"\s+(?:[\w-]+\s+){0,2}?(?:breast|disease|cancer|setting|nsclc|sclc|tumou?rs?|carcinoma"
    r"|malignan\w*|neoplasm\w*|melanoma|sarcoma|adenocarcinoma|lung)\b",
    re.IGNORECASE,
)
_OTHER_CANCER_AFTER = re.compile(
    r"^(?:\s*(?:[-/~,&]|or|and|to)\s*(?:stage\s+)?(?:IV|I{1,3}|[1-4])\s*[ABC]?\b)*"
    r"(?:[\w\s,-]{0,20}?\b(?:non-?breast|other|another|second(?:ary)?|prior|previous)\b"
    r"|\W*(?:invasive\s+)?(?:cancer|malignanc\w*|carcinoma)\W{0,3}(?:other than|except|excluding"
    r"|not\b|non-?breast))",
    re.I,
)
_STAGE_RULES = frozenset(
    {
        "stage_metastatic",
        "stage_locally_advanced",
        "stage_advanced",
        "stage_unresectable",
        "stage_early",
        "stage_non_metastatic",
        "stage_planned_surgery",
    }
)


#: Words of the stage readings that no phrase rule gates (curability, de novo disease).
_STAGE_WORDS = gate_words(
    "curat", "cure", "resect", "operable", "amenable", "novo", "newly diagnosed"
)


@cache
def _stage_positions() -> frozenset[int]:
    """Where the stage rules sit among the phrase rules (the gate compares positions)."""
    return frozenset(i for i, rule in enumerate(phrases().rules) if rule.name in _STAGE_RULES)


#: A stage word that describes another organ's disease, not the cancer.
_ORGAN = r"(?:liver|hepatic|kidney|renal|heart|cardiac|lung|pulmonary)"
_ORGAN_AFTER = re.compile(
    rf"\s+(?:chronic\s+|stage\s+)?(?:{_ORGAN}(?:\s*(?:,|/|or|and|and/or)\s*{_ORGAN})*"
    r"\s+(?:disease|failure|dysfunction|insufficiency|impairment)|cirrhosis|age|dementia|HIV|AIDS)\b",
    re.IGNORECASE,
)


_CNS_AFTER = re.compile(
    r"\s+(?:or\s+\w+\s+)?(?:brain|CNS|central nervous system|cerebral|intracranial"
    r"|leptomeningeal)\b",
    re.IGNORECASE,
)
#: Where a test was done ("confirmed in the adjuvant or metastatic setting"), not a stage.
_TESTED_IN_BEFORE = re.compile(
    r"\b(?:confirmed|tested|assessed|documented|determined|obtained|performed)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:in|at|during)\s+(?:the\s+)?(?:[\w-]+\s+(?:or|and|and/or)\s+)?$",
    re.IGNORECASE,
)
_ONLY_SITE_BEFORE = re.compile(
    r"\b(?:only|sole)\s+(?:sites?|evidence|locations?)\s+of\s+$", re.IGNORECASE
)


_BEFORE_IT_BEFORE = re.compile(
    r"\b(?:prior to|before|until)\s+(?:the\s+)?(?:develop\w*|diagnosis|onset|occurrence)\s+"
    r"(?:of\s+)?$",
    re.IGNORECASE,
)
_PRIMARY_OR_BEFORE = re.compile(r"\bprimary\s*(?:or|and/or|/)\s*$", re.IGNORECASE)
#: "Any tumour other than (unresectable or) metastatic breast cancer": the stage names the trial's
#: own cancer, which the criterion is not about.
_OTHER_THAN_BEFORE = re.compile(
    r"\b(?:tumou?rs?|cancers?|malignanc(?:y|ies)|neoplasms?|carcinomas?)\s+(?:other than|besides"
    r"|apart from|except(?: for)?)\s+(?:(?:the|an?|unresectable|locally|advanced|recurrent|or"
    r"|and)\s+){0,4}$",
    re.IGNORECASE,
)


def read_stage(view: ItemView) -> list[Draft]:
    w = view.w
    rules = phrases().rules
    if view.rule_candidates.isdisjoint(_stage_positions()) and not view.has(_STAGE_WORDS):
        return []
    not_curable = _NOT_CURABLE.search(w) if view.has(_NOT_CURABLE_WORDS) else None
    if (
        view.has(_CURABLE_WORDS)
        and _CURABLE.search(w)
        and not not_curable
        and not _STAGE_FOUR.search(w)
    ):
        return []  # "locally advanced disease amenable to curative treatment": not expressible
    stages: list[str] = []
    parts: list[tuple[int, int]] = []
    staged: list[tuple[int, int, tuple[str, ...]]] = []  #: each stage phrase and its stages
    first, last = len(w), 0
    for position in sorted(view.rule_candidates):
        rule = rules[position]
        if rule.kind != "disease_stage" or not rule.gated.others_present(view.low):
            continue
        if rule.name == "stage_planned_surgery" and view.section != Section.INCLUSION:
            continue  # "surgery planned during the study" in an exclusion is no stage
        for match in rule.finditer(w, view.low):
            if view.in_exception(match.start()):
                continue
            if match.group(0)[:5].lower() == "stage" and (
                _OTHER_STAGING.search(w[max(0, match.start() - 40) : match.end() + 40])
                or _OTHER_CANCER_AFTER.match(w[match.end() :])
            ):
                continue  # "NYHA stage III-IV", "stage III or IV non-breast malignancy"
            if _ORGAN_AFTER.match(w, match.end()):
                continue  # "advanced liver (or kidney) disease"
            if _OTHER_THAN_BEFORE.search(w, max(0, match.start() - 60), match.start()):
                continue  # "treatment of any tumour other than metastatic BC": another cancer
            if _ONLY_SITE_BEFORE.search(w, max(0, match.start() - 30), match.start()):
                continue  # "only site of metastatic disease is unmeasurable": a site, no stage
            if _CNS_AFTER.match(w, match.end()):
                continue  # "no primary or metastatic brain tumour": brain metastases, no stage
            if _PRIOR_BEFORE.search(w, max(0, match.start() - 30), match.start()) and (
                _THERAPY_AFTER.match(w, match.end())
            ):
                continue  # "prior metastatic endocrine therapy": the therapy's setting
            if _BEFORE_IT_BEFORE.search(w, max(0, match.start() - 40), match.start()):
                continue  # "(TKI) prior to developing metastatic disease": a time, not a stage
            if _PRIMARY_OR_BEFORE.search(w, max(0, match.start() - 15), match.start()):
                continue  # "the most recent tumour sample (primary or metastatic)": a sample
            if _TESTED_IN_BEFORE.search(w, max(0, match.start() - 60), match.start()):
                continue  # "HER2-positive, confirmed in the adjuvant or metastatic setting"
            earlier = (
                _EARLIER_DISEASE.search(w[max(0, match.start() - 60) : match.start()])
                if rule.name in ("stage_early", "stage_non_metastatic")
                else None
            )
            if earlier is not None and not (
                earlier.group(0).lower().startswith("history of") and not _LATER_DISEASE.search(w)
            ):
                continue  # "recurrence from early-stage disease": the disease it came from
                # ("a history of T2N0M0 breast carcinoma" alone is a survivor's stage)
            if (
                rule.name == "stage_metastatic"
                and not view.low.startswith("stage", match.start())  # "of stage IV": a stage
                and _STAGE_NOISE.search(w[: match.start()])
                and not _STAGED_DISEASE_AFTER.match(w, match.end())
            ):
                continue  # "liver metastatic lesion"; but "diagnosis of metastatic NSCLC"
            if _A_TEST_AFTER.match(w, match.end()):
                continue  # "a negative metastatic work-up": a test, not the disease's stage
            if (
                parts
                and cues.SENTENCE_END.search(w, min(a for a, _ in parts), match.start())
                and _NOT_ELIGIBLE.search(
                    w, cues.sentence_start(w, match.start()), cues.sentence_stop(w, match.end())
                )
            ):
                continue  # "Stage IV disease. However, stage IIIB ... are not eligible"
            for stage in rule.fields.get("stages", ()):
                if stage not in stages:
                    stages.append(stage)
            first, last = min(first, match.start()), max(last, match.end())
            parts.append(match.span())
            staged.append((match.start(), match.end(), tuple(rule.fields.get("stages", ()))))
    if not_curable and _OTHER_THAN_BEFORE.search(
        w, max(0, not_curable.start() - 60), not_curable.start()
    ):
        not_curable = None
    if not_curable:
        first, last = min(first, not_curable.start()), max(last, not_curable.end())
        parts.append(not_curable.span())
    if not stages and not not_curable:
        return []
    order = ("early", "locally_advanced", "advanced", "metastatic", "unresectable")
    fields: dict[str, object] = {
        "stages": tuple(s for s in order if s in stages) or ("advanced",),
        "not_curable": bool(not_curable),
    }
    if _DE_NOVO.search(w) and not _EITHER_PRESENTATION.search(w):
        fields["presentation"] = "de_novo"
    elif _RECURRENT.search(w) and "early" not in stages:
        fields["presentation"] = None
    negated = view.negated(first, last)
    if negated and stages == ["early"] and all(_TNM.fullmatch(w[a:b].strip()) for a, b in parts):
        # "(T1N0M0 lesions are excluded)": one small early stage ruled out, not early disease
        return []
    draft = view.draft("disease_stage", first, last, negated=negated, **fields)
    draft.parts = tuple(sorted(parts))
    draft.setting = all(
        _SETTING_BEFORE.search(w[max(0, a - 30) : a])
        and (_SETTING_AFTER.match(w[b:]) or _NOUN_END.search(w[a:b]))
        for a, b in draft.parts
    ) or _names_setting(w, draft.parts)
    if negated and not draft.setting and not not_curable and len(staged) > 1:
        return _split_by_negation(view, staged, fields) or [draft]
    return [draft]


_TNM = re.compile(r"T[0-4][a-d]?\s*N[0-3][a-c]?\s*M0", re.IGNORECASE)
#: The disease itself ruled out ("with no evidence of residual, locally recurrent or metastatic
#: disease"), not a therapy in that setting.
_NO_EVIDENCE_BEFORE = re.compile(
    r"\b(?:no\s+(?:\w+\s+){0,3}?evidence\s+of|without\s+(?:\w+\s+){0,2}?(?:evidence\s+of\s+)?"
    r"|free\s+of|absence\s+of|no\s+(?:distant\s+|known\s+)?)(?:[\w,/-]+\s+){0,4}$",
    re.IGNORECASE,
)


def _split_by_negation(
    view: ItemView, staged: list[tuple[int, int, tuple[str, ...]]], fields: dict[str, object]
) -> list[Draft]:
    """'Early invasive breast cancer with no evidence of locally recurrent or metastatic disease,
    clinical stage I to IIIC': the stages the negation reaches are ruled out, the others asked
    for (one draft each; none when the negation reaches them all)."""
    order = ("early", "locally_advanced", "advanced", "metastatic", "unresectable")
    ruled_out = [(a, b, st) for a, b, st in staged if view.negated(a, b)]
    asked = [(a, b, st) for a, b, st in staged if (a, b, st) not in ruled_out]
    if not ruled_out or not asked:
        return []
    first = min(a for a, _, _ in ruled_out)
    if not _NO_EVIDENCE_BEFORE.search(view.w, max(0, first - 60), first):
        return []  # "no prior chemotherapy for locally advanced or metastatic disease": a setting
    wanted = {stage for _, _, st in asked for stage in st}
    # a stage both asked for and ruled out ("stage I-IIIC" / "no locally recurrent disease"):
    # the request stands, the ruling out keeps the rest
    barred = {stage for _, _, st in ruled_out for stage in st} - wanted
    if not wanted or not barred:
        return []
    out = []
    for group, negated, named in ((asked, False, wanted), (ruled_out, True, barred)):
        start, end = min(a for a, _, _ in group), max(b for _, b, _ in group)
        group_fields = {**fields, "stages": tuple(s for s in order if s in named)}
        draft = view.draft("disease_stage", start, end, negated=negated, **group_fields)
        draft.parts = tuple((a, b) for a, b, _ in group)
        out.append(draft)
    return out


def _names_setting(w: str, parts: tuple[tuple[int, int], ...]) -> bool:
    """The stage words are a therapy's setting once brackets and list punctuation are set aside:
    "for advanced (stage IIIB not amenable to surgery) or metastatic (stage IV) disease", "for
    locally advanced, recurrent, or metastatic disease", "for advanced/metastatic disease"."""
    flat = _BRACKETED.sub(lambda m: " " * len(m.group(0)), w)
    outside = [(a, b) for a, b in parts if flat[a:b].strip()]
    return bool(outside) and all(
        _LIST_SETTING_BEFORE.search(flat[max(0, a - 200) : a]) and _SETTING_AFTER.match(flat[b:])
        for a, b in outside
    )


#: "(treatment) for advanced disease", "(regimens) in the metastatic setting": a therapy's
#: setting, which says nothing about the patient's stage beside that therapy.
_SETTING_BEFORE = re.compile(r"\b(?:for|in|during)\s+(?:the\s+)?(?:[\w/+-]+\s+){0,4}$", re.I)
#: "(adjuvant treatment for) early breast cancer": the phrase names its disease itself.
_NOUN_END = re.compile(r"\b(?:disease|cancer|BC|carcinoma)$", re.I)
_SETTING_AFTER = re.compile(
    r"^(?:\s*(?:,|or|and|/)\s*[\w-]+)*[\s/-]*(?:[\w+-]+\s+){0,5}?(?:disease|setting|cancer|BC\b"
    r"|MBC\b|ABC\b|TNBC\b|NSCLC|SCLC\b|CRC\b|carcinoma|tumou?rs?|malignanc\w*|stage)",
    re.I,
)

#: "(from) prior metastatic (endocrine therapy)", "previous advanced/metastatic (therapy)".
_PRIOR_BEFORE = re.compile(r"\b(?:prior|previous|earlier)\s+(?:[\w-]+\s*/\s*)?$", re.I)
_THERAPY_AFTER = re.compile(
    r"(?:\s*/\s*[\w-]+)?\s+(?:[\w-]+\s+){0,3}?(?:therap(?:y|ies)|treatments?|chemotherap(?:y|ies)"
    r"|regimens?|lines?)\b",
    re.I,
)
_BRACKETED = re.compile(r"\([^()]*\)")
_LIST_SETTING_BEFORE = re.compile(
    r"(?:\b(?:for|in|during)|\b(?:treatments?|therap(?:y|ies)|regimens?|chemotherapy)\s+of)\s+"
    r"(?:the\s+|their\s+)?(?:[\w+-]+(?:\s*[,/]\s*|\s+)){0,8}$",
    re.I,
)

# --- CNS metastases -----------------------------------------------------------------------------

_CNS = Fast(
    r"(?<!primary )(?<!primary malignant )(?<!non-)\b(?:(?:brain|cns|central nervous system"
    r"|intra-?cranial|cerebral|spinal cord|meningeal"
    r"|intra-?parenchymal|parenchymal brain)\s+(?:\([^)]{0,15}\)\s*)?(?:[\w/]+\s+){0,2}?"
    r"(?:metasta\w+|mets|involvement"
    r"|lesions?|tumou?rs?|spread|(?:disease\s+)?progression|carcinomatosis|localisations?"
    r"|localizations?)"
    r"|(?:metasta\w+|spread|mets)\s+(?:\w+\s+){0,2}?(?:to|in|of|involving)\s+(?:the\s+)?"
    r"(?:brain|cns|central nervous system)"
    r"|malignan\w*\s+involving\s+(?:the\s+)?(?:brain|cns|central nervous system)"
    r"|(?:cancer|tumou?r)s?\s+(?:to|in)\s+the\s+brain"
    r"|leptomeningeal\s*(?:\w+)?|carcinomatous meningitis"
    # "brain or leptomeningeal disease": the noun after the list is the brain's too
    r"|(?:brain|cns|central nervous system)(?=\s*(?:,|/|or|and|and/or)\s*(?:\w+\s+)?"
    r"(?:leptomeningeal|meningeal|spinal cord)\s+(?:disease|metasta\w+|involvement|mets"
    r"|carcinomatosis|spread|lesions?))"
    r"|meningeal carcinomatosis|brain mets"
    r"|(?:metastatic|secondary)\s+(?:brain|cns|central nervous system)\s+(?:\(cns\)\s+)?"
    r"(?:malignan\w*|cancers?|disease)(?!\s+only\b))",
    first=True,
)
_STATES = (
    ("active", re.compile(r"\b(?:active|uncontrolled)\b(?!\s+(?:\w+\s+)?symptoms)", re.I)),
    (
        "untreated",
        re.compile(
            r"\b(?:untreated|not (?:\w+\s+)?(?:treated|irradiated)|non-?irradiated|not-irradiated"
            r"|previously untreated|unirradiated"
            r"|(?<!immediately )(?<!urgently )require (?!immediate|urgent)(?:\w+\s+){0,2}"
            r"(?:treatment|radiation)(?!\s+with\s+(?:\w+\s+)?(?:steroid|corticosteroid"
            r"|glucocorticoid|dexamethasone|anticonvulsant|anti-?epilep))"
            r"|(?<!immediately )(?<!urgently )requiring (?!immediate|urgent)(?:\w+\s+){0,2}"
            r"(?:local )?(?:treatment|therapy|radiation)(?!\s+with\s+(?:\w+\s+)?(?:steroid"
            r"|corticosteroid|glucocorticoid|dexamethasone|anticonvulsant|anti-?epilep))"
            r"|candidates? for (?:\w+\s+){0,2}(?:local|radiation|surgery))",
            re.I,
        ),
    ),
    (
        "symptomatic",
        re.compile(
            r"(?<!a)\bsymptomatic\b|\buncontrolled\s+(?:\w+\s+)?symptoms"
            r"|\b(?:exhibiting|causing|with|having|showing|accompanied\s+by)\s+(?:(?:neurologic\w*"
            r"|clinical|obvious"
            r"|significant)\s+)?symptoms\b"
            r"|\b(?:requir\w+|need\w*|on)\s+(?:\w+\s+){0,3}"
            r"(?:steroids?|corticosteroids?|glucocorticoids?|dexamethasone|anticonvulsants?"
            r"|anti-?epilep\w+)",
            re.I,
        ),
    ),
    (
        "progressing",
        re.compile(
            r"(?<!non-)(?<!non)(?<!not )(?<!no )(?<!without )\b(?:progressi\w+|progressing"
            r"|unstable|growing|new or enlarging|not stable)\b"
            # "requiring immediate therapy": active enough to need it now (not just untreated)
            r"|\b(?:immediately|urgently)\s+(?:requir|need)\w*|\b(?:requir|need)\w*\s+"
            r"(?:\w+\s+)?(?:immediate|urgent)\b",
            re.I,
        ),
    ),
)
#: What rules out untreated metastases: treated ones ("previously treated", "after local
#: therapy", "radiotherapy was completed 4 weeks before"), not the mere name of a treatment
#: ("for whom radiotherapy is not an option").
_TREATED = (
    r"\b(?:treated|irradiated|resected)\b|\bcomplet\w*\s+(?:\w+\s+){0,2}?(?:therapy|treatment)\b"
    r"|\b(?:after|following|post-?|complet\w*|receiv\w*"
    r"|underwent|undergone|prior|previous)\s+(?:\w+\s+){0,3}?(?:radiotherapy|radiation|surgery"
    r"|resection|radiosurgery|SRS|WBRT|irradiation|(?:local|definitive)\s+(?:therapy"
    r"|treatment))\b|\b(?:radiotherapy|radiation|surgery|SRS|WBRT)\s+(?:\w+\s+){0,4}?(?:was|were"
    r"|has been|have been|is)\s+completed"
    r"|\b(?:therapy|treatment)\s+(?:for\s+)?[^.;]{0,50}?\bcompleted\b"
)
_STEROIDS = (
    r"(?:(?:cortico)?steroids?|glucocorticoids?|dexamethasone|anti-?epilep\w+|anti-?convulsants?)"
)
#: The condition a brain metastasis must meet to be allowed, and the state it rules out:
#: "treated" rules out untreated ones, "inactive" or "controlled" active ones, "stable"
#: progressing ones (untreated ones may be stable too), "asymptomatic" symptomatic ones.
_CNS_COMPLEMENT = (
    ("untreated", re.compile(_TREATED, re.I)),
    (
        "active",
        re.compile(
            r"\b(?:inactive|controlled|(?:drug-)?controllable|completely recovered)\b",
            re.I,
        ),
    ),
    (
        "progressing",
        re.compile(
            r"\b(?:stable|completely recovered|non-?progressi\w+)\b"
            r"|\b(?:no|without)\s+(?:\w+\s+){0,3}?(?:progression|new or enlarging|growth)",
            re.I,
        ),
    ),
    (
        "symptomatic",
        re.compile(
            r"\basymptomatic\b|\b(?:off|no|not|without)\s+(?:[\w-]+\s+){0,4}?" + _STEROIDS
            + r"|\bwithout\s+(?:\w+\s+)?(?:neurologic\w*\s+)?symptoms\b",
            re.I,
        ),
    ),
)  # fmt: skip
#: A word that turns the condition word after it around ("not previously irradiated").
_TURNED = re.compile(r"(?:\bnot|\bnon-?|\bnever)\s*(?:\w+\s+)?$", re.I)
#: A steroid dose said to be stable is no state of the metastases ("on a stable or decreasing
#: dose of dexamethasone").
_STABLE_DOSE = re.compile(
    r"\bstable(?:\s+(?:or|and|and/or)\s+\w+)?\s+(?:\w+\s+)?(?:doses?|dosages?|dosing)\b", re.I
)
_ALTERNATIVES = re.compile(r"\s(?:or|and/or)\s|,\s*or\b", re.I)
#: "greater than or equal to", "4 weeks or more", "(or equivalent)": no alternatives.
_NOT_ALTERNATIVE = re.compile(
    r"\b(?:than|to)\s+or\s+equal\b|\bor\s+(?:more|longer|greater|equivalent|less)\b", re.I
)
#: "surgery and/or radiation", "WBRT or SRS": one treatment, not alternative conditions.
_LOCAL = (
    r"(?:surgery|surgical resection|resection|radiation|radiotherapy|irradiation|SRS|WBRT"
    r"|radiosurgery|gamma knife)(?:\s+(?:therapy|treatment))?(?:\s*\([^()]{0,12}\))?"
)
_TREATMENT_LIST = re.compile(rf"\b{_LOCAL}(?:\s*(?:,|/|or|and/or|and)\s*{_LOCAL})+", re.I)
#: Words that make a brain metastasis mention conditional ("only permitted if treated").
_QUALIFIED = re.compile(
    r"\b(?:if|unless|provided|allowed|permitted|eligible|except|only|note)\b", re.I
)
_BRAIN = re.compile(r"\b(?:brain|cns|central nervous|intracranial|cerebral)", re.I)
_STATE_ORDER = ("active", "untreated", "symptomatic", "progressing", "leptomeningeal")
#: A state word that a "no" or "not" just before turns around ("no ongoing requirement for
#: corticosteroids", "do not require local treatment").
_DENIED_BEFORE = re.compile(r"(?:\bno|\bnot|n't|\bwithout)\s+(?:\w+\s+)?$", re.I)


def _condition_states(text: str) -> tuple[str, ...]:
    """The states of brain metastases that a condition for allowing them rules out. Where the
    condition offers "asymptomatic" as one way in among others ("asymptomatic, or treated and
    stable"), only symptomatic ones are turned away for certain (untreated ones whose symptoms
    are not recorded are then unknown); otherwise every state the condition rules out counts
    ("resected or irradiated, and stable": untreated and unstable ones)."""
    text = _TREATMENT_LIST.sub("radiotherapy", _STABLE_DOSE.sub("dose", text))
    text = _NOT_ALTERNATIVE.sub(" ", text)
    alternatives: list[tuple[str, set[str]]] = []
    for part in _ALTERNATIVES.split(text):
        named = set()
        for name, pattern in _CNS_COMPLEMENT:
            for match in pattern.finditer(part):
                if not _TURNED.search(part, 0, match.start()):
                    named.add(name)
                    break
        if named:
            alternatives.append((part, named))
    found = set().union(*(named for _, named in alternatives))
    if any(
        named == {"symptomatic"} and _NO_SYMPTOMS.search(part) for part, named in alternatives
    ) and any("symptomatic" not in named for _, named in alternatives):
        found = {"symptomatic"}
    return tuple(s for s in _STATE_ORDER if s in found)


_NO_SYMPTOMS = re.compile(
    r"\basymptomatic\b|\b(?:without|no)\s+(?:\w+\s+)?(?:neurologic\w*\s+)?symptoms\b", re.I
)


def _named_states(window: str) -> list[str]:
    """The states a brain metastasis mention names ("active or untreated brain metastases")."""
    found = []
    for name, pattern in _STATES:
        for match in pattern.finditer(window):
            verb = match.group(0)[:2].lower() in {"re", "ne", "on"}
            if verb and _DENIED_BEFORE.search(window, 0, match.start()):
                continue  # "no need for steroids" names no symptomatic ones
            found.append(name)
            break
    return found


#: Two states that must both hold: "symptomatic and untreated", "symptoms but untreated".
_BOTH_STATES = re.compile(
    r"\b(?:symptomatic|symptoms)\s+(?:and|but)\s+(?:\w+\s+)?untreated\b"
    r"|\buntreated\s+(?:and|but)\s+(?:\w+\s+)?symptomatic\b",
    re.IGNORECASE,
)
_AS_INDICATED = re.compile(
    r"\btreated\s+as\s+(?:clinically\s+)?(?:indicated|appropriate|needed)"
    r"|\bno\s+(?:current\s+)?indication\s+for\s+(?:further\s+)?(?:definitive\s+)?"
    r"(?:local\s+)?(?:therapy|treatment)",
    re.IGNORECASE,
)


def _as_indicated(states: Sequence[str], w: str) -> tuple[str, ...]:
    """'All lesions treated as clinically indicated (no current indication for local therapy)':
    only metastases that need treatment now are ruled out, not every untreated one."""
    if "untreated" not in states or not _AS_INDICATED.search(w):
        return tuple(states)
    return tuple(dict.fromkeys("progressing" if s == "untreated" else s for s in states))


#: A sentence that asks for brain metastases: "must have documented CNS metastases".
_MUST_HAVE = re.compile(r"\b(?:must|required?|need(?:s|ed)? to)\s+(?:have|be|show)\b", re.I)
_QUALIFIER_AFTER = re.compile(
    r"\s*(?:with|having|causing|exhibiting|showing|that|which|requiring|needing|accompanied\s+by)\b",
    re.IGNORECASE,
)
_SITE_LIST_GAP = re.compile(r"\s*(?:,|/|or|and|and/or)\s*(?:(?:or|and)\s+)?", re.IGNORECASE)
#: A definition right after an "active brain metastases" mention.
_ACTIVE_DEFINED = re.compile(
    r"\s*(?:\(\s*(?:i\.?e\.?|e\.?g\.?|defined\s+as|such\s+as)?,?|,?\s*(?:i\.?e\.?|defined\s+as)[,:]?)"
    r"\s*(?P<body>[^()]{3,120})",
    re.IGNORECASE,
)
#: "stable for < 4 weeks", "progressing", "growing": not stable, in a definition of active.
_UNSTABLE = re.compile(
    r"\bstable\s+(?:for\s+)?(?:<|less\s+than|fewer\s+than|under)|progress|grow|enlarg|\bnew\b",
    re.IGNORECASE,
)


def read_cns(view: ItemView) -> list[Draft]:
    w = view.w
    states: list[str] = []
    parts: list[tuple[int, int]] = []
    first, last = len(w), 0
    found = bare = False
    matches = list(_CNS.finditer(w))
    for index, match in enumerate(matches):
        if view.in_exception(match.start()) or _NOT_TARGET_AFTER.match(w, match.end()):
            continue
        found = True
        first, last = min(first, match.start()), max(last, match.end())
        parts.append(match.span())
        phrase = match.group(0).lower()
        if (
            len(parts) > 1
            and cues.sentence_start(w, match.start()) > cues.sentence_start(w, parts[0][0])
            and _lets_in(_sentence(w, match.start()))
        ):
            continue  # "(... excluded.) Treated brain metastases are allowed": not what is meant
        if "leptomeningeal" in phrase or "meningeal" in phrase or "meningitis" in phrase:
            states.append("leptomeningeal")
            if not _BRAIN.search(phrase) or "only" in phrase:
                continue  # "brain metastases or leptomeningeal disease" names both
        begin = cues.clause_start(w, match.start())
        # "CNS metastases or meningeal metastases with clinical symptoms": words after a list
        # of sites qualify each of them
        tail = match.end()
        for later in matches[index + 1 :]:
            if not _SITE_LIST_GAP.fullmatch(w, tail, later.start()):
                break
            tail = later.end()
        if not _QUALIFIER_AFTER.match(w, tail):
            tail = match.end()  # "..., leptomeningeal disease, or untreated cord compression"
        # (a qualifying clause after the mention is read to its end: "brain metastasis
        # accompanied by clinical symptoms or requiring active treatment")
        reach = 100 if _QUALIFIER_AFTER.match(w, tail) else 40
        window = w[max(begin, match.start() - 60) : min(tail + reach, cues.sentence_stop(w, tail))]
        cut = window.find("unless")
        named = _named_states(window if cut < 0 else window[:cut])
        if {"symptomatic", "untreated"} <= set(named) and _BOTH_STATES.search(window):
            # "symptomatic and untreated", "exhibiting symptoms but untreated": only those with
            # both; symptoms are the narrower test the profile can answer
            named = [s for s in named if s != "untreated"]
        defined = _ACTIVE_DEFINED.match(w, match.end()) if "active" in named else None
        if defined is not None:
            # "active brain metastases (i.e., symptomatic or needing steroids)": the bracket
            # says which ones are meant
            meant = [s for s in _named_states(defined.group("body")) if s != "active"]
            if _UNSTABLE.search(defined.group("body")):
                meant.append("progressing")
            if meant:
                named = [s for s in named if s != "active"] + meant
        states += named
        if not named and not _QUALIFIED.search(w) and not view.exceptions:
            bare = True  # "known brain metastases": whatever their state
    if not found:
        return []
    if _permitting_intro(view):
        conditions = _conditions_of_allowance(view, first, last)
        if conditions is not None:
            return conditions
        if not states:
            return []  # a condition whose state the profile cannot judge
    exceptions = view.exception_texts(first)
    if view.section == Section.EXCLUSION and _lets_in_on_condition(_sentence(w, first)):
        # "Individuals with brain metastases can be enrolled only if treated and stable" under
        # an exclusion header: the ones that fail the condition are excluded
        ruled_out = () if _named_other(states) else _condition_states(_sentence(w, first))
        if not ruled_out and not _named_other(states):
            return []
        states = list(ruled_out) if ruled_out else states
    elif view.section == Section.EXCLUSION and not exceptions:
        allowance = _allowance_after(w, parts[0][1])
        if allowance is not None:
            exceptions = (allowance,)  # "CNS involvement. If ..., she/he is eligible."
    if exceptions and not [s for s in states if s != "leptomeningeal"]:
        states += _condition_states(" ".join(exceptions))
    negated = view.negated(first, last)
    if view.section == Section.INCLUSION:
        if not negated:
            allowed = _allowance(view, parts[0])
            if allowed is not None:
                if not allowed:
                    # "brain metastases are allowed (if treated)": a permission requires nothing
                    return [view.draft("cns_metastases", first, last).no_requirement()]
                allowed = _as_indicated(allowed, w)
                return [settle(view, view.draft("cns_metastases", first, last, states=allowed,
                                                  negated=True))]  # fmt: skip
            if cues.permissive(w[max(0, first - 80) : last + 80]) and not _MUST_HAVE.search(
                _sentence(w, first)
            ):
                return []  # "regardless of brain metastases": no requirement (in the sentence
                # that asks for them: "must have brain metastases. BM+ patients with X are
                # eligible" still asks for them)
        elif (alternative := _or_allowed(w, parts[0][1])) is not None:
            # "without brain metastases, or with asymptomatic ones": none, or only these
            return [settle(view, view.draft("cns_metastases", first, last, states=alternative,
                                              negated=True))]  # fmt: skip
    ordered = tuple(s for s in _STATE_ORDER if s in states) or ("any",)
    if bare and "leptomeningeal" in ordered and len(ordered) == 1:
        ordered = ("any",)  # brain metastases of any kind, leptomeningeal ones among them
    draft = view.draft(
        "cns_metastases", first, last, states=ordered, negated=negated, exceptions=exceptions
    )
    draft.parts = tuple(parts)
    return [draft]


_ONLY = re.compile(r"^only\s+", re.I)
#: "Brain metastases should not be considered as target lesions": a rule on measuring them.
_NOT_TARGET_AFTER = re.compile(
    r"\s*(?:(?:should|shall|will|are|must|can|may|might)\s+not|cannot)\s+be\s+"
    r"(?:considered|counted|used|selected|chosen)\b",
    re.I,
)
#: Words that let a patient in: "are eligible", "may be enrolled", "could have".
_LETS_IN = re.compile(
    r"\b(?:eligible|allowed|permitted|acceptable|allowable)\b|\b(?:may|can|could|will|would)\s+"
    r"(?:\w+\s+)?(?:be\s+(?:\w+\s+)?(?:enrol+ed|included|accepted|considered|eligible)|enrol+"
    r"|participate|enter|have|join|take part)\b",
    re.I,
)
#: Words that make an allowance conditional: "only if", "provided that", "under the condition".
_ON_CONDITION = re.compile(
    r"\b(?:if|provided|providing|as long as|only when|under the conditions?|on condition"
    r"|in case)\b",
    re.I,
)
#: Words of a requirement, which an allowance does not have: "must have", "at least one",
#: "measurable", "confirmed", "newly diagnosed".
_REQUIRES = re.compile(
    r"\b(?:must|required?|need to|at least (?:one|1)\b(?!\s*(?:months?|weeks?|days?))"
    r"|measurable|target|confirmed|documented|evidence|diagnos\w*|presence|history|cohort|arm|part|newly|new|progressi\w+|untreated|active"
    r"|symptomatic)\b",
    re.I,
)
#: "Patients with controlled or stable brain metastases": a subject that has them in an
#: allowed state, and nothing more.
_ALLOWED_STATE = (
    r"(?:(?:previously\s+|clinically\s+|neurologically\s+|radiologically\s+)?(?:treated|stable"
    r"|controlled|(?:drug-)?controllable|asymptomatic|inactive|irradiated)\s*(?:,|/|or|and"
    r"|and/or)?\s*)+"
)
_THOSE_WITH_ALLOWED = re.compile(
    r"\b(?:patients?|participants?|subjects?|those|individuals?)\s+(?:\w+\s+){0,2}?with\s+"
    + _ALLOWED_STATE
    + r"(?:\w+\s+)?$",
    re.I,
)


def _sentence(w: str, position: int) -> str:
    return w[cues.sentence_start(w, position) : cues.sentence_stop(w, position)]


def _named_other(states: list[str]) -> bool:
    """States other than leptomeningeal were named ("untreated", "symptomatic")."""
    return any(s != "leptomeningeal" for s in states)


def _lets_in(sentence: str) -> bool:
    """The sentence lets patients in ("are eligible if", "may be enrolled"), not out."""
    return _LETS_IN.search(sentence) is not None and _NOT_LET_IN.search(sentence) is None


#: "Patients whose brain metastases are controlled or stable".
_WHOSE = re.compile(r"\b(?:patients?|participants?|subjects?|those)\s+whose\s+$", re.I)
_IN_STATE = re.compile(
    r"\s*(?:are|is|remain|have been|has been|were)\s+(?:\w+\s+)?" + _ALLOWED_STATE, re.I
)


def _lets_in_on_condition(sentence: str) -> bool:
    """ "(Patients with brain metastases) can be enrolled only if treated": a permission with its
    condition after it."""
    permission = _LETS_IN.search(sentence)
    return (
        permission is not None
        and _NOT_LET_IN.search(sentence) is None
        and _ON_CONDITION.search(sentence, permission.end()) is not None
    )


def _allowance(view: ItemView, span: tuple[int, int]) -> tuple[str, ...] | None:
    """Whether an inclusion item allows brain metastases rather than requires them, and if so
    the states its condition rules out. "Patients with controlled or stable brain
    metastases", "brain metastases, if treated and stable", "are eligible if asymptomatic": a
    patient without any meets them; one with metastases that fail the condition does not. A
    permission said in so many words, with no condition ("treated, stable brain metastases are
    allowed"), requires nothing: empty. None when the item requires them."""
    w = view.w
    first, last = span
    if _rule_for_those_with(view, first, last):
        return _rule_states(view, last)
    start, stop = cues.sentence_start(w, first), cues.sentence_stop(w, last)
    sentence = w[start:stop]
    permission = _LETS_IN.search(sentence)
    if (
        permission is not None
        and start + permission.start() < first
        and _ON_CONDITION.search(w, start + permission.end(), first)
    ):
        return None  # "(prior radiotherapy) allowed provided there are new brain metastases"
    if _lets_in_on_condition(sentence) and (ruled_out := _condition_states(sentence)):
        # "patients with brain metastases are eligible if asymptomatic and stable": those that
        # fail the condition are not
        return ruled_out
    if _lets_in(sentence):
        return ()  # "treated, stable brain metastases are allowed": a permission requires nothing
    before = w[max(start, first - 80) : first]
    after = w[last:stop]
    if (
        _THOSE_WITH_ALLOWED.search(before) or (_WHOSE.search(before) and _IN_STATE.match(after))
    ) and not _REQUIRES.search(sentence):
        return _condition_states(before[-60:] + after)  # "patients with stable brain metastases"
    if _ON_CONDITION.match(_ONLY.sub("", after.lstrip(" ,("))) and not _REQUIRES.search(sentence):
        return _condition_states(after)  # "brain metastases (only) if treated and stable"
    return None


def _or_allowed(w: str, last: int) -> tuple[str, ...] | None:
    """ "(Patients without brain metastases) or with asymptomatic ones (stable after treatment)":
    the states the allowed alternative rules out, when the words after the negated mention offer
    one."""
    rest = w[last : cues.sentence_stop(w, last)]
    if not re.match(r"\W*(?:or|and/or)\b", rest, re.I):
        return None
    states = _condition_states(rest)
    return states or None


def _allowance_after(w: str, last: int) -> str | None:
    """The sentence after an exclusion of CNS metastases that lets some back in, as the
    exclusion's exception ("Patient has CNS involvement. If the following 3 criteria are met,
    she/he is eligible for the trial")."""
    stop = cues.sentence_stop(w, last)
    while stop < len(w):
        begin = cues.SENTENCE_END.match(w, stop)
        start = begin.end() if begin else stop + 1
        stop = cues.sentence_stop(w, start)
        sentence = w[start:stop].strip().rstrip(".;")
        if sentence and _lets_in(sentence):
            return sentence
    return None


def _permitting_intro(view: ItemView) -> bool:
    """The item is one of the conditions under an introduction that lets CNS metastases in
    ("Patients with CNS involvement are eligible if they meet all of the following:")."""
    context = view.context
    if context is None or not context.intro:
        return False
    intro = context.intro
    return bool(_CNS.search(intro)) and bool(_LETS_IN.search(intro) or _ON_CONDITION.search(intro))


def _conditions_of_allowance(view: ItemView, first: int, last: int) -> list[Draft] | None:
    """A condition under which CNS metastases are allowed ("CNS tumour clinically stable at
    screening"): metastases that fail it are excluded, whichever section lists it."""
    states = _condition_states(view.w)
    if not states:
        return None  # read as it stands: "no evidence of new or enlarging CNS metastases"
    negated = view.section == Section.INCLUSION
    return [settle(view, view.draft("cns_metastases", first, last, states=states, negated=negated))]


#: "A participant with (a history of) brain metastases must ...": a rule for those who have them.
_THOSE_WITH = re.compile(
    r"\b(?:patients?|participants?|subjects?|those|individuals?|anyone)\s+(?:\w+\s+){0,2}?with"
    r"\s+(?:an?\s+|the\s+)?(?:(?:known|prior|previous|previously|treated|history\s+of"
    r"|documented|stable)\s+)*$",
    re.IGNORECASE,
)
_MUST_AFTER = re.compile(
    r"[^.;]{0,40}?\b(?:must|should|needs?\s+to|are required|is required|ha(?:ve|s) to)\b",
    re.IGNORECASE,
)


def _rule_for_those_with(view: ItemView, first: int, last: int) -> bool:
    """The CNS metastases are the subject of a rule ("patients with brain metastases must have
    had all lesions treated"), with no therapy in its sentence (a required therapy is read, with
    its condition, by the clause rules)."""
    stop = cues.sentence_stop(view.w, last)
    return (
        _THOSE_WITH.search(view.w, max(0, first - 60), first) is not None
        and _MUST_AFTER.match(view.w, last) is not None
        and not any(last <= m.start < stop for m in view.drugs)
    )


def _rule_states(view: ItemView, last: int) -> tuple[str, ...]:
    """If brain metastases, then treated (or stable, asymptomatic): the states of the other
    kind. A rule that names no state rules out nothing the profile can judge. The first mention
    is the rule's subject; later sentences add details of it."""
    return _condition_states(view.w[last : cues.sentence_stop(view.w, last)])


# --- measurable disease -------------------------------------------------------------------------

_MEASURABLE = Fast(
    r"(?<!non-)(?<!non)(?<!non )\b(?:measur(?:e)?able|evaluable)\s+(?:\w+\s+){0,3}?(?:disease"
    r"|lesions?|"
    r"tumou?rs?|target|metasta\w+)|\b(?:lesions?|disease) (?:\w+\s+){0,3}(?:that|which) (?:can"
    r"|could|"
    r"will|may)(?: have)? be(?:en)? (?:\w+\s+)?measured|\bcan be accurately measured"
    r"|\b(?:target|measurable) lesions?\b"
    r"|\bmeasurable\b",
    first=True,
)
_NON_MEASURABLE_ONLY = Fast(
    r"\b(?:only|solely|exclusively)\s+(?:\w+\s+){0,2}non-?\s*measurable|non-?\s*measurable\s+"
    r"(?:\w+\s+){0,2}(?:only|alone)|\bno measurable\b",
    first=True,
)
_BONE_ONLY = Fast(
    r"\bbone[- ]only\b|\bbone[- ]predominant|\bonly bone\b|\bbone (?:\w+\s+){0,2}(?:only|alone)\b"
    r"|\b(?:lytic|osteolytic|mixed)\b[^.;]{0,40}bone|\bbone lesions?\b|\bsimple bone metasta"
    r"|\bnon-?\s*measurable\s+(?:\w+\s+){0,2}bone|\bbone metastas[ie]s (?:only|alone)"
    r"|\b(?:confined|limited|restricted) to (?:the )?(?:bones?|skeleton)"
)
_RECIST = Fast(
    r"\bRECIST(?:\s*(?:v|version|criteria|guidelines)?\.?\s*(\d\.\d))?|\bRANO\b"
    r"|\bResponse Evaluation Criteria in Solid Tumou?rs(?:\s*\(RECIST\))?(?:\s*(?:v"
    r"|version)\.?\s*(\d\.\d))?"
)


#: "Measurable or evaluable disease": either will do.
_OR_EVALUABLE = re.compile(r"\bmeasur(?:e)?able\s+(?:or|and/or)\s+evaluable\b", re.IGNORECASE)
#: "Measurable or non-measurable disease", "at least one lesion, measurable and/or
#: non-measurable": any evaluable disease will do, which requires nothing measurable.
_EITHER_MEASURABLE = Fast(
    r"(?<!non-)(?<!non)(?<!non )\bmeasur(?:e)?able\b[^.;]{0,40}?\b(?:or|and/or|and)\s+(?:[\w-]+\s+)"
    r"{0,3}?non-?\s*measur(?:e)?able|\bnon-?\s*measur(?:e)?able\b[^.;]{0,40}?\b(?:or|and/or)\s+"
    r"(?:[\w-]+\s+){0,2}?measur(?:e)?able",
    first=True,
)


_TARGET_OR_NOT = re.compile(r"\btarget\s+(?:or|and/or)\s+non-?\s*target\b", re.IGNORECASE)
_NON_BEFORE = re.compile(r"\bnon[-\s]?\s*$", re.IGNORECASE)


#: Words of local treatment or sampling of a lesion: a sentence that names them before a
#: measurable or target lesion is usually a rule about which lesions count ("irradiated lesions
#: are not considered measurable", "radiotherapy to target lesions is not allowed").
_LESION_TREATED = Fast(
    r"\b(?:irradiat\w*|radiat\w*|radiotherap\w*|ablat\w*|resect\w*|biops\w*|embolis\w*"
    r"|surgery)"
)
#: ... unless the sentence states the requirement first: "At least 1 lesion, not previously
#: irradiated, that can be accurately measured" (the working text writes "at least" as ">="),
#: or names it as what the patient has ("NSCLC (unsuitable for radiotherapy) with measurable
#: lesions").
_REQUIREMENT_OPENS = Fast(
    r"(?:>=|\bat least)\s*(?:one|1|a single)\b|\b(?:must|should) have\b|^\W*\w+\s*$"
    r"|\b(?:has|have|with|presence of|there (?:is|are))\s+(?:>=\s*)?(?:1\s+|one\s+|an?\s+)?$"
)
#: Whether a site is the only one ("bone as the only site of measurable disease", "provided the
#: brain is not the sole site of measurable disease"), how lesions are classed ("considered
#: non-measurable", "may not serve as measurable disease") or defined: not what the patient has.
_ABOUT_LESIONS_BEFORE = Fast(
    r"\b(?:only|sole)\s+(?:(?:sites?|areas?|lesions?|tumou?rs?)\s+(?:of\s+)?)?$"
    r"|\b(?:considered|regarded|deemed|counted|used|serve|selected|chosen|included|assessed)"
    r"\s+(?:as\s+|for\s+)?(?:(?:an?|the)\s+)?(?:(?:sites?|areas?)\s+of\s+)?(?:non-?\s*)?$"
)
_DEFINED_AFTER = Fast(r"\s*(?:\([^()]{0,40}\)\s*)?(?:is|are)\s+defined\b")
#: "measurable viral RNA load", "measurable QTc interval": measured, but not disease.
_NOT_DISEASE_AFTER = Fast(
    r"\s+(?:\w+\s+)?(?:viral|rna|dna|qtc?|levels?|tit(?:er|re)s?|antibod\w*|concentrations?"
    r"|intervals?)\b"
)
#: "(non measurable disease) is eligible": allowed, so nothing is required.
_ALLOWED_AFTER = re.compile(
    r"\s*(?:disease\s+|lesions?\s+)?(?:is|are)\s+(?:also\s+)?(?:eligible|allowed|permitted"
    r"|acceptable)\b",
    re.IGNORECASE,
)
_LESION_NOUN = re.compile(r"\b(?:lesions?|disease|tumou?rs?)\b", re.IGNORECASE)


def _about_lesions(view: ItemView, match: re.Match[str]) -> bool:
    """A measurable or target lesion named in a rule about lesions, not as what the patient
    must (not) have: which lesions count, whether a site is the only one, a definition."""
    w, low = view.w, view.low
    before = low[cues.sentence_start(w, match.start()) : match.start()]
    after = low[match.end() : match.end() + 60]
    if _ABOUT_LESIONS_BEFORE.search(before, before):
        return True
    if view.section == Section.EXCLUSION and _DEFINED_AFTER.match(after, after):
        return True  # a definition excludes no one (in inclusion it is read as required)
    if _NOT_DISEASE_AFTER.match(after, after):
        return True
    return bool(
        _LESION_TREATED.search(before, before) and not _REQUIREMENT_OPENS.search(before, before)
    )


def _first_about_patient(view: ItemView, pattern: Fast) -> re.Match[str] | None:
    return next(
        (m for m in pattern.finditer(view.w, view.low) if not _about_lesions(view, m)), None
    )


def _subject_start(view: ItemView, match: re.Match[str]) -> int:
    """Where the words that may negate a measurable lesion end: before "can be accurately
    measured", at the lesion it describes ("At least 1 lesion that has not been irradiated,
    that can be accurately measured": the "not" belongs to the other relative clause)."""
    if not match.group(0).lower().startswith("can be"):
        return match.start()
    w = view.w
    nouns = list(_LESION_NOUN.finditer(w, cues.sentence_start(w, match.start()), match.start()))
    return nouns[-1].start() if nouns else match.start()


#: "(bone lesions) cannot be enrolled", "are not eligible": a bone-only patient is turned away.
_NOT_LET_IN = re.compile(
    r"\b(?:can ?not|may not|must not|will not|are not|is not|not)\s+(?:be\s+)?(?:enrolled"
    r"|eligible|included|allowed|permitted|accepted)\b|\bineligible\b|\bexcluded\b",
    re.IGNORECASE,
)
#: "If no measurable disease ...", "for patients without measurable disease ...": a condition
#: whose consequence (at least one bone lesion) is the bone-only alternative.
_CONDITION_BEFORE = re.compile(
    r"\b(?:if|when|where|in case of|for (?:patients|participants|subjects) with(?:out)?"
    r"|in (?:patients|participants|subjects) with(?:out)?)\s+(?:there is\s+|there are\s+)?$",
    re.IGNORECASE,
)
#: Disease at one site other than bone only: "skin lesion only", "only pleural effusion".
_SITE = (
    r"(?:skin|cutaneous|subcutaneous|chest wall|pleural|peritoneal|ascites|effusions?|lymph"
    r"|nodal|soft tissue)"
)
_OTHER_SITE_ONLY = re.compile(
    rf"\b{_SITE}\b(?:\s+[\w-]+){{0,2}}\s+(?:only|alone)\b|\b(?:only|solely|exclusively)\s+"
    rf"(?:[\w-]+\s+){{0,2}}?{_SITE}\b",
    re.IGNORECASE,
)


def _other_site_only(w: str) -> bool:
    """Non-measurable disease tied to one site other than bone ("patients with skin lesions
    only, not measurable"): the item excludes that site alone, which no profile field says."""
    found = _OTHER_SITE_ONLY.search(w)
    return found is not None and not re.search(r"\bbones?\b|\bosseous\b", found.group(0), re.I)


#: Bone lesions named by kind: an allowance for lytic (or mixed) ones only.
_LYTIC = re.compile(r"\b(?:osteo)?lytic\b", re.IGNORECASE)
#: Blastic lesions as a kind of their own, not inside "mixed (lytic + blastic)".
_BLASTIC = re.compile(r"\b(?:osteo)?(?:blastic|sclerotic|osteogenic)\b", re.IGNORECASE)
_MIXED = re.compile(
    r"\bmixed\b[\s(\[]*(?:type\s*)?[\s(\[]*(?:[\w-]+\s*)?(?:lytic|osteolytic|blastic|sclerotic"
    r"|osteogenic)?[^)\].;]{0,40}[)\]]?|\b(?:osteo)?lytic\s*(?:\+|plus|and|/|-)\s*(?:osteo)?"
    r"(?:blastic|sclerotic|osteogenic)\b|\b(?:osteo)?(?:blastic|sclerotic)\s*(?:/|-)\s*(?:osteo)?"
    r"lytic\b",
    re.IGNORECASE,
)


def bone_allowance_lytic_only(text: str) -> bool:
    """An allowance for bone-only disease narrowed to lytic or mixed lesions ("bone-only disease
    with at least one predominantly lytic lesion"; "sclerotic lesions are not eligible"). A
    profile that does not say which kind the bone lesions are cannot settle it. Blastic lesions
    allowed as a kind of their own ("blastic or lytic bone metastases") widen it again."""
    if not _LYTIC.search(text):
        return False
    for sentence in re.split(r"(?<=[.;])\s+|\(|\)", text):
        if _NOT_LET_IN.search(sentence):
            continue  # "sclerotic/osteoblastic lesions only are not eligible"
        if _BLASTIC.search(_MIXED.sub(" ", sentence)):
            return False
    return True


def read_measurable(view: ItemView) -> list[Draft]:
    w = view.w
    only_non = _first_about_patient(view, _NON_MEASURABLE_ONLY)
    match = _first_about_patient(view, _MEASURABLE)
    if match is None and only_non is None:
        return []
    either = _EITHER_MEASURABLE.search(w, view.low)
    if either is not None and not _BONE_ONLY.search(w, view.low):
        return [view.draft("administrative", *either.span(), topic="no_requirement")]
    if match is not None and only_non is None and _NON_BEFORE.search(w, 0, match.start()):
        others = [m for m in _MEASURABLE.finditer(w) if not _NON_BEFORE.search(w, 0, m.start())]
        if not others:
            if _TARGET_OR_NOT.search(w):
                # "at least one target or non-target lesion": any disease will do
                return [view.draft("administrative", *match.span(), topic="no_requirement")]
            if not match.group(0).lower().startswith(("measur", "evaluable")):
                return []  # "palliative radiotherapy to non-target lesions": about the lesions
            if _ALLOWED_AFTER.match(w, match.end()):
                # "(non measurable disease is eligible)": allowed, so nothing is required
                return [view.draft("administrative", *match.span(), topic="no_requirement")]
            if _other_site_only(w):
                return []  # "skin lesions only, not measurable": about one site, not all disease
            # "(either:) non-measurable disease": disease that is not measurable
            return [view.draft("measurable_disease", *match.span(), negated=True)]
        match = others[0]
    anchor = match or only_non
    assert anchor is not None
    start, end = anchor.span()
    bone = _BONE_ONLY.search(w)
    if bone is not None and _NOT_LET_IN.search(w, bone.end(), cues.sentence_stop(w, bone.end())):
        bone = None  # "patients with only skin or bone lesions cannot be enrolled"
    recist = _RECIST.search(w)
    standard = None
    if recist:
        version = recist.group(1) or recist.group(2)
        name = "RANO" if recist.group(0).upper() == "RANO" else "RECIST"
        standard = f"{name} {version}" if version else name
        end = max(end, recist.end())
    if bone:
        start, end = min(start, bone.start()), max(end, bone.end())
    if match is not None and only_non is not None and match.start() < only_non.start():
        only_non = None  # "measurable disease or non-measurable bone-only disease"
    absence = re.search(r"\b(?:absence of|without|no)\s+(?:\w+\s+)?measurable", w, re.I)
    if (
        bone
        and absence
        and (bone.start() < absence.start() or _CONDITION_BEFORE.search(w, 0, absence.start()))
    ):
        # "lytic bone lesions in the absence of measurable disease", "if no measurable disease
        # is present, then at least one lytic bone lesion": the bone-only alternative
        return [view.draft("measurable_disease", start, end, or_bone_only=True, standard=standard)]
    if only_non is not None and not bone and _other_site_only(w):
        return []  # "skin lesions only and no measurable disease": about one site
    negated = bool(only_non) or view.negated(_subject_start(view, anchor), anchor.end())
    if negated and not bone and re.search(r"\bbone\b", " ".join(view.exception_texts(start))):
        bone = re.search(r"\bbone\b", w)  # "no measurable lesion (except bone metastases)"
    if match is not None and only_non is None and view.section == Section.EXCLUSION:
        negated = negated or bool(re.search(r"\bnon-?\s*measurable|\bno\s+measurable", w, re.I))
    if not match and not only_non:
        return []
    if negated and not bone and _other_site_only(w):
        return []  # "disease in the skin only, not measurable": about one site, not all disease
    # "evaluable disease" takes non-measurable (bone) lesions too
    evaluable = match is not None and (
        match.group(0).lower().startswith("evaluable")
        or _OR_EVALUABLE.search(w, match.start(), min(len(w), match.end() + 30)) is not None
    )
    return [
        view.draft(
            "measurable_disease",
            start,
            end,
            or_bone_only=bool(bone) or evaluable,
            standard=standard,
            negated=negated,
            exceptions=view.exception_texts(start),
        )
    ]


# --- receptors ----------------------------------------------------------------------------------

_NAME = (
    r"(?P<name>\b(?:(?-i:HR|ER|PR|PgR|PGR)(?![a-z])|HER-?\s?2(?:/neu)?|(?:c-?)?erbB-?2"
    r"|hormone[- ]receptors?"
    r"|hormonal receptors?|o?estrogen[- ]?receptors?(?:\s*\((?-i:ER)\))?(?:\s*alpha)?"
    r"|progesterone[- ]?receptors?(?:\s*\((?-i:PR|PgR)\))?"
    r"|human epidermal growth factor receptor[- ]?(?:type\s*)?2(?:\s*\(HER-?2\))?))"
)
_RECEPTOR = re.compile(_NAME, re.IGNORECASE)
_STATUS = Fast(
    r"^\s*(?:\((?-i:HR|ER|PR|PgR|HER-?2)\)\s*)?(?:[-:]?\s*|\s+is\s+|\s+status\s*:?\s*)"
    r"(?:(?:IHC|immunohistochemistry)\s*(?:score\s*)?(?:of\s*)?)?"
    r"(?P<s>positive|negative|pos\b|neg\b|ultra-?low|low\b|zero\b|null\b"
    r"|\+{1,3}(?:(?![\w])|(?=her-?\s?2|er\b|pr\b|pgr\b))"  # "HR+HER2-": run together
    r"|-(?![\w])(?!\s*(?:er|pr|pgr|hr|her|estrogen|oestrogen|progesterone)\b)"
    r"(?!\s*(?:amplif\w*|gene\b|overexpress\w*|mutat\w*|positiv\w*))"  # "ERBB2- amplification"
    r"|expressi(?:ng|on)|over-?expressi\w+|non-?amplified|not amplified|0\b"
    r"|enriched|[1-3]\+)"
    # "Hormone receptor status: Negative pregnancy test": a heading run into another item
    r"(?!\s+(?:pregnancy|serum|urine|blood|hiv|hepatitis|hbv|hcv|tuberculosis|covid)\b)"
)
_CONNECT = Fast(r"^\s*(?:and/or|or|and|/|,)\s*")
#: "at least one of ER and PgR is positive": the names joined by "and" are alternatives.
_ONE_OF_BEFORE = re.compile(
    r"(?:\b(?:one|either|any)|>=\s*1)\s+of\s+(?:the\s+)?$|\beither\s+$", re.IGNORECASE
)  # "at least one" is ">= 1" in the working text
_SUSPENDED = re.compile(r"-\s*(?:and/or|or|and)\s*", re.IGNORECASE)
_HYPHENATED_STATUS = re.compile(r"-(?:positive|negative|low)\b", re.IGNORECASE)
_STATUS_BEFORE = Fast(
    r"(?P<s>positive|negative|over-?expressing|over-?expression of)\s+(?:for\s+)?(?:either\s+"
    r"|both\s+)?$|(?P<s2>ultra-?low|low)[\s-]+$"
)
_TRIPLE = Fast(r"\btriple[- ]?negative\b|\b[ma]?TNBC\b", first=True)  # "mTNBC": metastatic
_PERCENT = re.compile(
    r"(?P<c>>=|<=|>|<)\s*(?P<v>\d+(?:\.\d+)?)\s*%|(?P<a>\d+(?:\.\d+)?)\s*%?\s*(?:-|to)\s*"
    r"(?P<b>\d+(?:\.\d+)?)\s*%|(?P<o>\d+(?:\.\d+)?)\s*%\s*(?:or|and)\s*(?:more|greater|higher"
    r"|above)",
)
_IHC = re.compile(r"(?<![\w+])(?P<score>[0123]\+?|\+{1,3})(?![\w])")
_ISH_NEG = Fast(
    r"\b(?:[CSD]?ISH|FISH|in[- ]situ hybridi[sz]ation)\s*(?:-(?!\w)|negative|neg\b|non-?amplified"
    r"|not amplified|without amplification)|\b(?:negative|non-?amplified|not amplified)\s+(?:by\s+"
    r"|on\s+)?"
    r"(?:[CSD]?ISH|FISH)|\bISH\s*/\s*-|\bnegative ISH|\bISH-negative|\bnon-?amplified"
)
_ISH_POS = Fast(
    r"\b(?:[CSD]?ISH|FISH)\s*(?:\+|positive|amplified)|\b(?:positive|amplified)\s+(?:by\s+)?"
    r"(?:[CSD]?ISH|FISH)|\bamplification\b"
)


def _canonical(name: str) -> str:
    lowered = name.lower().replace(" ", "").replace("-", "")
    if lowered.startswith(("her2", "human", "cerb", "erbb")):
        return "HER2"
    if lowered.startswith(("hr", "hormon")):  # "hormonal receptor" too
        return "HR"
    if lowered.startswith(("er", "estrogen", "oestrogen")):
        return "ER"
    return "PR"


def _status_word(raw: str, receptor: str) -> str | None:
    s = raw.lower().replace(" ", "")
    if s in {"positive", "pos", "+", "++", "+++", "expressing", "expression", "enriched"}:
        if receptor == "HER2" and s == "++":
            return "low"  # "HER2++" is IHC 2+
        return "positive"
    if s.startswith(("overexpress", "over-expressi")):
        return "positive"
    if s in {"negative", "neg", "-", "non-amplified", "nonamplified", "notamplified"}:
        return "negative"
    if s in {"low"}:
        return "low"
    if s.startswith("ultra"):
        return "ultralow"
    if s in {"zero", "null", "0"}:
        return "zero" if receptor == "HER2" else "negative"
    if s in {"1+", "2+"}:
        return "low" if receptor == "HER2" else "positive"
    if s == "3+":
        return "positive"
    return None


#: Receptor names start a word (the pattern begins with \b): these words, or words starting so.
_RECEPTOR_TOKENS = frozenset({"er", "pr", "hr", "pgr", "human"})
#: Words that start so may name a receptor (tested on every item's tokens as they are: a pre-test
#: on a set of their first three letters cost more than it saved).
_RECEPTOR_PREFIXES = ("her", "erbb", "estrogen", "oestrogen", "hormon", "progesterone", "triple",
                      "tnbc", "mtnbc", "atnbc")  # fmt: skip
#: The same fragments anywhere in the item (found with the other gates' words): most items hold
#: none, and then no token starts with one (every token is a piece of the item's words).
_RECEPTOR_PREFIX_WORDS = gate_words(*_RECEPTOR_PREFIXES)


def _suspended(w: str, first: re.Match[str], second: re.Match[str]) -> bool:
    """'ER- and/or PR-positive': a suspended hyphen; the status after the second name is both
    names' (only for ER and PR: "HER2-, ER-positive" lists two statuses)."""
    return (
        _SUSPENDED.fullmatch(w, first.end(), second.start()) is not None
        and _HYPHENATED_STATUS.match(w, second.end()) is not None
        and {_canonical(first.group("name")), _canonical(second.group("name"))} <= {"ER", "PR"}
    )


#: "characterised by absence of HER2, ER and PR expression": the expression is denied.
_ABSENCE_BEFORE = re.compile(
    r"\b(?:absence|lack|loss)\s+of\s+(?:[\w-]+(?:\s*\([\w-]+\))?\s*(?:,|\band\b|\bor\b|/)?\s*)"
    r"{0,8}$",
    re.IGNORECASE,
)


def read_receptors(view: ItemView) -> list[Draft]:
    w = view.w
    # the tokens as listed: testing the list costs less than building a set to test (an item
    # has about twenty tokens, few of them twice)
    tokens = view.words.sequence
    if _RECEPTOR_TOKENS.isdisjoint(tokens) and not (
        view.has(_RECEPTOR_PREFIX_WORDS) and any(t.startswith(_RECEPTOR_PREFIXES) for t in tokens)
    ):
        return []
    out: list[Draft] = []
    names = [m for m in _RECEPTOR.finditer(w) if not view.in_exception(m.start())]
    i = 0
    while i < len(names):
        group = [names[i]]
        # "ER and/or PR positive", "ER/PR+": names joined by connectors share one status
        while i + 1 < len(names) and (
            _CONNECT.fullmatch(w[group[-1].end() : names[i + 1].start()])
            or _suspended(w, group[-1], names[i + 1])
        ):
            group.append(names[i + 1])
            i += 1
        i += 1
        last = group[-1]
        status = _STATUS.match(w[last.end() :])
        before = _STATUS_BEFORE.search(w[max(0, group[0].start() - 30) : group[0].start()])
        raw = (
            status.group("s")
            if status
            else (before.group("s") or before.group("s2") if before else None)
        )
        if before and before.group("s2") and status and status.group("s").startswith("express"):
            raw = before.group("s2")  # "low-HER2 expression"
        if raw is None:
            continue
        if raw.lower().startswith("express") and _ABSENCE_BEFORE.search(
            w, max(0, group[0].start() - 90), group[0].start()
        ):
            raw = "negative"  # "absence of HER2, ER, and PR expression": none is expressed
        receptors = [_canonical(m.group("name")) for m in group]
        start = group[0].start() - (len(before.group(0)) if before and not status else 0)
        end = last.end() + (status.end() if status else 0)
        joiner = w[group[0].end() : group[-1].start()].lower()
        if (
            set(receptors) <= {"ER", "PR"}
            and len(group) > 1
            and "and/or" not in joiner
            and not _ONE_OF_BEFORE.search(w, max(0, group[0].start() - 30), group[0].start())
        ):
            conjunctive = " and " in f" {joiner} " and " or " not in f" {joiner} "
        else:
            conjunctive = False
        if set(receptors) == {"ER", "PR"} and not conjunctive:
            receptors = ["HR"]
        for receptor in dict.fromkeys(receptors):
            word = _status_word(raw, receptor)
            if word is None:
                continue
            if receptor != "HER2" and word in {"ultralow", "zero"}:
                word = "negative"
            fields: dict[str, object] = {"receptor": receptor, "status": word}
            tail_end = _next_receptor(names, last, len(w))
            tail = w[end:tail_end]
            if receptor == "HER2":
                fields.update(_her2_details(tail, raw))
                if fields.get("status") is None:
                    continue
            else:
                fields.update(_percent(tail[:60]))
            negated = view.negated(start, end) and not raw.startswith("-")
            out.append(
                view.draft("receptor", start, end + _detail_len(tail), negated=negated, **fields)
            )
    out = _merge_her2(w, _merge_er_pr(w, out))
    out += _plain_receptors(view, out)
    for below in _HER2_BELOW.finditer(w) if "her" in view.low else ():
        if any(d.start <= below.start() < d.end for d in out):
            continue
        scores = ("0", "1+", "2+")[: int(below.group("n"))]
        out.append(
            view.draft(
                "receptor", below.start(), below.end(), receptor="HER2", status="negative",
                ihc=scores, negated=view.negated(below.start(), below.end()),
            )
        )  # fmt: skip
    triple = _TRIPLE.search(w)
    if triple and not view.in_exception(triple.start()):
        negated = view.negated(triple.start(), triple.end())
        out.append(
            view.draft(
                "receptor",
                triple.start(),
                triple.end(),
                receptor="TNBC",
                status="positive",
                negated=negated,
            )
        )
    return out


#: Plain-language summaries: "Have ER proteins, without HER2 protein overexpression, in their
#: tumors", "breast cancer that has estrogen receptors and no extra HER2".
_PLAIN_ER = re.compile(
    r"\b(?:have|has|with|express\w*)\s+(?:\w+\s+){0,2}?(?:estrogen|oestrogen|ER)"
    r"(?:\s+receptors?)?\s+proteins?\b|\b(?:has|have|with)\s+(?:estrogen|oestrogen)\s+receptors\b",
    re.IGNORECASE,
)
_PLAIN_HER2_NEGATIVE = re.compile(
    r"\b(?:not|no|without)\s+(?:an?\s+)?(?:over-?expression|overexpressing|extra|too much|"
    r"amplification)\s+(?:of\s+)?(?:the\s+)?HER-?2\b",
    re.IGNORECASE,
)
_PLAIN_ER_WORDS = pattern_words(_PLAIN_ER)
_PLAIN_HER2_NEGATIVE_WORDS = pattern_words(_PLAIN_HER2_NEGATIVE)


def _plain_receptors(view: ItemView, found: list[Draft]) -> list[Draft]:
    """Receptor statuses said in plain words, where no receptor was read with a status."""
    out = []
    readings = (
        (_PLAIN_ER, _PLAIN_ER_WORDS, "ER", "positive"),
        (_PLAIN_HER2_NEGATIVE, _PLAIN_HER2_NEGATIVE_WORDS, "HER2", "negative"),
    )
    for pattern, words, receptor, status in readings:
        if not view.has(words) or any(d.fields.get("receptor") == receptor for d in found):
            continue
        match = pattern.search(view.w)
        if match is not None and not view.in_exception(match.start()):
            out.append(
                view.draft("receptor", match.start(), match.end(), receptor=receptor, status=status)
            )
    return out


#: Between "ER-positive" and "PR-positive": a connector, after the first name's abbreviation
#: in brackets ("Estrogen-receptor-positive (ER+) and/or progesterone-receptor-positive").
_OPENS = re.compile(r"\s*\(\s*")
_ER_PR_JOIN = re.compile(r"\s*(?:\([^()]{1,12}\)\s*)?(?:and/or|or|/|,?\s*or)\s*", re.IGNORECASE)


def _merge_er_pr(w: str, drafts: list[Draft]) -> list[Draft]:
    """'ER-positive and/or PR-positive' (or 'ER+ or PR+') is one HR criterion."""
    merged: list[Draft] = []
    for draft in drafts:
        if merged:
            last = merged[-1]
            first, second = last.fields.get("receptor"), draft.fields.get("receptor")
            pair = {first, second}
            same = last.fields.get("status") == draft.fields.get("status")
            between = w[last.end : draft.start]
            # hormone receptors only: HER2 details have their own merge (`_merge_her2`)
            restated = same and second in ("ER", "PR", "HR") and first in (second, "HR")
            if restated and _OPENS.fullmatch(between):
                # "ER-positive (ER+)", "... and/or PR-positive (PgR+)": the same statement,
                # whose own details (a percentage read next to it) it keeps
                for key, value in draft.fields.items():
                    if value is not None and last.fields.get(key) is None:
                        last.fields[key] = value
                continue
            if pair == {"ER", "PR"} and same and _ER_PR_JOIN.fullmatch(between):
                fields = {**last.fields, "receptor": "HR"}
                evidence = f"{last.evidence} {between.strip()} {draft.evidence}"
                merged[-1] = Draft("receptor", fields, evidence, last.start, draft.end)
                continue
        merged.append(draft)
    return merged


def _merge_her2(w: str, drafts: list[Draft]) -> list[Draft]:
    """'HER2-negative (HER2 IHC 0, 1+ or 2+/ISH-)': a later mention of the same status, or one
    in brackets right after the first, details the first statement."""
    merged: list[Draft] = []
    for draft in drafts:
        first = next(
            (
                d
                for d in merged
                if d.fields.get("receptor") == "HER2" == draft.fields.get("receptor")
                and d.fields.get("negated") == draft.fields.get("negated")
                and (
                    d.fields.get("status") == draft.fields.get("status")
                    or _in_brackets_after(w, d.end, draft.start)
                )
            ),
            None,
        )
        if first is None:
            merged.append(draft)  # a later mention of the same status only details the first
    return merged


def _in_brackets_after(w: str, end: int, position: int) -> bool:
    """`position` is inside a bracket opened soon after `end` ("HER2-negative (HER2-) disease
    (HER2 0/1+ or 2+ with ISH negative)": the last bracket opened before `position` counts)."""
    opened = w.rfind("(", end, position)
    return 0 <= opened - end <= 30 and w.find(")", opened, position) < 0


def _next_receptor(names: list[re.Match[str]], current: re.Match[str], default: int) -> int:
    for match in names:
        if match.start() > current.end() + 2:
            return match.start()
    return default


def _detail_len(tail: str) -> int:
    if tail.lstrip().startswith("("):
        close = tail.find(")")
        return close + 1 if 0 <= close < 120 else 0
    return 0


def _percent(tail: str) -> dict[str, object]:
    match = _PERCENT.search(tail)
    if not match:
        return {}
    if match.group("c"):
        value = float(match.group("v"))
        if match.group("c").startswith(">"):
            return {"min_percent": value}
        return {"max_percent": value}
    if match.group("a"):
        return {"min_percent": float(match.group("a")), "max_percent": float(match.group("b"))}
    return {"min_percent": float(match.group("o"))}


_SCORES = ("0", "1+", "2+", "3+")
_AT_MOST_SCORE = re.compile(r"(<=|<)\s*$")


def _her2_details(tail: str, raw: str) -> dict[str, object]:
    window = tail[:140]
    paren = window.lstrip().startswith("(")
    lead = (
        r"^\W{0,3}(?:\s*(?:by|defined|as|with|on|per|i\.e\.|that is|meaning|namely|:)\b|\s*IHC"
        r"|\s*(?:expression|status|disease|tumou?rs?|cancer)\s*\()"
    )
    if not paren and not re.match(lead, window, re.I):
        window = window[:25]
    scores: list[str] = []
    if raw in {"1+", "2+", "3+", "0"}:
        scores.append(raw)
    for match in _IHC.finditer(window):
        written = match.group("score")
        if written.startswith("+") and _ISH_BEFORE.search(window[: match.start()]):
            continue  # "FISH +": an in situ result, not an IHC score
        score = {"+": "1+", "++": "2+", "+++": "3+", "1": "1+", "2": "2+", "3": "3+"}.get(
            written, written
        )
        if (
            written in {"0", "1", "2", "3"}  # a bare number is a score only beside IHC words
            and not re.search(
                r"(?:IHC|score|staining)\s*(?:score\s*)?(?:of\s*)?(?:\d\+?\s*(?:,|or|/|-|to)\s*)*$"
                r"|immunohisto\w*\s*$",
                window[: match.start()],
                re.I,
            )
            and not re.match(r"\s*(?:,\s*)?(?:/|or|,|-|to)\s*[1-3]\+", window[match.end() :])
        ):
            continue
        if not re.search(r"IHC|immunohisto|\+", window, re.I):
            continue
        below = _AT_MOST_SCORE.search(window[: match.start()])
        if below is not None and score in _SCORES:
            # "HER2 negative (FISH) or <= 1+ (IHC)": every score up to it
            top = _SCORES.index(score) + (1 if below.group(1) == "<=" else 0)
            scores += [s for s in _SCORES[:top] if s not in scores]
            continue
        if score not in scores:
            scores.append(score)
    details: dict[str, object] = {}
    if scores:
        details["ihc"] = tuple(sorted(scores))
    if _ISH_NEG.search(window):
        details["ish"] = "negative"
    elif _ISH_POS.search(window) and raw.lower() not in {"negative", "neg", "-"}:
        details["ish"] = "positive"
    status = _status_word(raw, "HER2")
    if scores and (status is None or raw in {"0", "1+", "2+"} or raw.lower().startswith("expres")):
        # "HER2 expression of 1+ or 2+": the scores say which category the expression is
        status = _ihc_status(scores, details.get("ish")) or status
    details["status"] = status
    return details


_ISH_BEFORE = re.compile(r"\b(?:FISH|ISH|CISH|SISH|in situ hybridi[sz]ation)\s*$", re.IGNORECASE)


def _ihc_status(scores: list[str], ish: object) -> str | None:
    """The HER2 category a list of IHC scores spans: 'IHC 0, 1+ or 2+ with negative ISH' is
    HER2-negative, 'IHC 1+ or 2+/ISH-' HER2-low, 'IHC 0' HER2-zero."""
    found = set(scores)
    if "3+" in found and found & {"0", "1+"}:
        return None  # "HER2 0 or 3+": two categories, not one
    if "3+" in found or (ish == "positive" and "2+" in found):
        return "positive"
    if "0" in found and found & {"1+", "2+"}:
        return "negative"
    if found <= {"1+", "2+"}:
        return "low"
    return "zero"
