"""Prior therapy and line counts.

Drugs and classes are found with the lexicon (`criteria.lexicon.find_drug_mentions`). Names joined
by commas, "or", "and" or "/" form one criterion whose agents and classes are alternatives ("prior
fulvestrant, everolimus or any CDK4/6 inhibitor"). Around them the reader looks for the relation
(received, progressed, intolerant, responded), the setting (neoadjuvant, adjuvant, metastatic),
washout windows, minimum durations, relapse windows, negation and exceptions. Counts of prior lines
("no more than 2 prior endocrine therapies for advanced disease") become `line_count` criteria.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from criteria import cues, lexicon
from criteria.extract import (
    ALTERNATIVE_PAIRS,
    COUNT_PROGRESSION,
    ELEMENT_MARK,
    TIMING_FIELDS,
    Draft,
    ItemView,
)
from criteria.fastre import Fast, GateWords, gate_words, pattern_words
from trialmatch.vocab import Section

#: Gate words of this stop's readings (one set test per item, `ItemView.has`).
_RECENT_WORDS = gate_words("recent", "last", "latest", "immediately")
_MAY_WORDS = gate_words("may", "might", "can", "could")
_REACTION_WORDS = gate_words("hypersensitiv", "allerg", "anaphyla", "reaction")
_CLASSIFIED_WORDS = gate_words("consider", "regard", "deem", "counted", "classified")
_DOSING_WORDS = gate_words("dosing", "dose", "administration")
_START_WORDS = gate_words("start", "initiat", "beginning", "commenc")
_PREMEDICATION_WORDS = gate_words("supplement", "medicat")
_LABEL_WORDS = gate_words("smpc", "label", "prescribing", "package", "product")
_TARGETING_WORDS = gate_words("target", "against", "directed", "inhibit")
_TRIAL_WORDS = gate_words("trial", "stud")
_OTHER_WORDS = gate_words("other")
_PROGRESSION_WORDS = gate_words("progress", "relaps", "recurr", "fail")
_NAIVE_WORDS = gate_words("naive", "naïve", "untreated")

_PROGRESSED = Fast(
    r"\b(?:progress\w*|relaps\w*|recurr\w*|refractory|resistan\w+|fail\w*"
    r"|PD\b(?!-?\s*(?:1|L1|L2)\b)(?!\s*-?\s*\d)|worsen\w*"  # not "PD 0332991", a drug code
    r"|continu\w+\s+to\s+grow|(?:has|have)\s+grown)"
)
_INTOLERANT = Fast(
    r"\b(?:intoleran\w+|incompatib\w+|unable to tolerate|could not tolerate"
    r"|toxicity (?:to|from|with|due)"
    r"|discontinu\w+ (?:\w+\s+){0,3}(?:due to|because of) (?:\w+\s+)?(?:toxicit|intoleran|adverse)"
    # "a toxicity that led to permanent discontinuation", "adverse events requiring dose reduction"
    r"|(?:toxicit\w*|adverse (?:events?|reactions?)|AEs?) (?:\w+\s+){0,2}(?:led|leading|resulted"
    r"|resulting|requir\w*) (?:to |in )?(?:\w+\s+)?(?:discontinu|dose reduc|cessation|withdraw))"
)
#: "treated with osimertinib, another third-generation TKI or EMB-01 and experienced a toxicity
#: that led to discontinuation": the toxicity, said once after the list, is each one's
_LATER_INTOLERANCE = re.compile(
    r"\b(?:and|who|but|where|with)\s+(?:the\s+)?(?:patients?\s+|participants?\s+|they\s+)?"
    r"(?:have\s+|has\s+|had\s+)?(?:experienced|had|developed|suffered)\s+"
    r"(?:an?\s+|any\s+)?(?:\w+\s+){0,2}(?:toxicit\w*|adverse (?:events?|reactions?)|AEs?)\s+"
    r"(?:\w+\s+){0,2}(?:led|leading|resulted|resulting|requir\w*)\s+(?:to\s+|in\s+)?(?:\w+\s+)?"
    r"(?:discontinu|dose reduc|cessation|withdraw)",
    re.IGNORECASE,
)
_RESPONDED = Fast(r"\b(?:respon(?:se|ded|ding)|clinical benefit|benefit\w* from)\b")
_FUTURE = Fast(
    r"\b(?:candidates? (?:for|to)|(?:in)?eligible (?:for|to receive)|suitable for|appropriate for"
    r"|willing to|contracepti\w*\s+(?:\w+\s+){0,3}?(?:during|while|throughout|until)\b"
    r"|able to (?:receive|take)|unable (?:or unwilling )?to (?:receive|take)"
    r"|unwilling to(?! (?:discontinue|stop|interrupt|withhold|cease))"
    r"|scheduled (?:for|to)|planned|plan to|indicated (?:for|to)"
    r"|(?:^|[.;:)]\s*)\W*(?:choose|chosen to receive|opt(?:ing)? for)"  # "Choose X as first-line"
    r"|abilit(?:y|ies) (?:\w+ ){0,4}?to (?:safely )?(?:receive|tolerate|undergo|complete)"
    r"|planning to|plans? for|expected to (?:receive|undergo|be treated|require|need)"
    r"|needs? to (?:receive|undergo|be treated)"
    r"|(?:will|would) (?:be )?(?:receive|treated|randomi[sz]ed|given)|to receive|to be treated"
    r"|randomi[sz]ed to"
    r"|contraindicat\w+|hypersensitiv\w+|allerg\w+|known sensitivity|excipients?"
    r"|in combination with|(?:must|will|should|shall|to)\s+switch\s+(?:over\s+)?to"
    r"|interfer\w+ with|interact\w* with|prescribing information (?:of|for)"
    r"|combined with|concomitantly with|to be used|study (?:drug|treatment|medication)|assigned to"
    r"|arm\b|investigator'?s? choice"
    r"|physician'?s? choice|treatment of physician|standard of care|SOC\b"
    r"|(?<!last )(?<!final )dose of|(?:before|after|prior to|following|during)\s+(?:the\s+)?"
    r"(?:first\s+|initial\s+|each\s+)?administration of"
    r"|(?:before|prior to)\s+(?:the\s+)?(?:first|initial|each)\s+doses?\s+of"
    r"|amenable to|curative intent|no subsequent|without subsequent|no further|no additional"
    r"|cannot receive|can not receive|unable to receive|inapplicable|unsuitable|not suitable"
    r"|not appropriate|not (?:a )?candidates?|concurrently with"
    r"|indications?\s+(?:for|of)(?=\s+(?:[\w-]+\s+){0,2}$)"
    r"|sensiti(?:vity|ve|zing|sing) to|predict\w* (?:\w+\s+){0,2}(?:response|sensitivity|benefit)"
    r"|reactions? to|need (?:for|of)|requir\w+ (?:\w+\s+)?(?:immediate|urgent)"
    r"|at (?:the )?(?:initiation|start) of|last (?:\w+\s+){0,2}before"
    r"|(?:should|must|may|can|to)\s+continue\s+(?:to\s+(?:take|receive)|taking|receiving|on|with)"
    r"|(?:may|can)\s+continue(?=\s+(?:(?:their|the)\s+)?$)"  # "Subjects may continue X if"
    r"|experience\s+(?:in\s+)?(?:treating|using|with)\b[^.;]{0,40}?\bwith"
    r"|interactions?\s+(?:of|between)\s+[^.;]{0,40}?\s+(?:with|and)"
    r"|because of|owing to|agrees? to|accepts?|will (?:take|receive|start|continue|need|require"
    r"|undergo|be (?:on|given|started))"
    r"|mg\b|daily"
    r"|before (?:initiating|starting|beginning|commencing|(?:the )?(?:start|initiation) of)"
    r"(?!\s+(?:the\s+)?(?:prior|previous|earlier|last)\b)"
    r"|(?:capsules?|tablets?|pills?) of|swallow\w*"
    r"|(?:absorption|metabolism|bioavailability|pharmacokinetics|clearance) of"
    r"|breast-?\s?fe\w+|nursing|lactat\w+|pregnan\w+)\b"
)
_AFTERMATH = Fast(
    r"\b(?:toxicit\w*|adverse \w+|side[- ]effects?|effects?|reactions?|complications?|sequelae"
    r"|damage|injur\w+|AEs?|neuropath\w*|pneumonitis)\b(?:[^.;]|\.(?=\d)){0,70}?"  # "CTCAE v5.0"
    r"\b(?:from|of|due to|related to"
    r"|caused by|attributed to"
    r"|associated with|after|following|induced by|linked to|linked with|resulting from"
    r"|secondary to)\s+(?:[\w-]+,?\s+){0,6}$"
)
#: "toxicities from prior therapy (e.g., adjuvant X": the examples name what caused them
_TOXICITY_EXAMPLES = re.compile(
    r"\b(?:toxicit\w*|adverse (?:events?|reactions?)|side[- ]effects?)\b[^;]{0,60}?\b(?:from|of"
    r"|due to|related to|after|following|caused by|attributed to)\b[^;]{0,40}\(\s*(?:e\.\s?g\.?"
    r"|eg|i\.e\.|such as|including)[^)]{0,40}$",
    re.IGNORECASE,
)
#: "(24 months of adjuvant therapy) without disease progression", "progression-free": said of
#: a therapy that did not fail.
_NO_PROGRESSION = re.compile(
    r"\b(?:without|no|free of|absence of)\s+(?:\w+\s+){0,3}?(?:progress\w*|relaps\w*|recurr\w*"
    r"|PD\b)|\bprogression[- ]free\b",
    re.IGNORECASE,
)


def _progressed_in(text: str, lower: str) -> bool:
    """Whether the words around a therapy say the disease progressed on it ("without disease
    progression during treatment" says it did not)."""
    if _PROGRESSED.search(text, lower) is None:
        return False
    if "progress" not in lower and "relaps" not in lower and "recurr" not in lower:
        # "pain that developed or worsened during AI therapy": a symptom worsened, not the disease
        return not ("worsen" in lower and _SYMPTOM_WORSENED.search(text))
    kept = _NO_PROGRESSION.sub(" ", text)
    return _PROGRESSED.search(kept, kept.lower()) is not None


_SYMPTOM_WORSENED = re.compile(
    r"\b(?:pain|arthralgi\w*|myalgi\w*|neuropath\w*|symptoms?|toxicit\w*|fatigue|hot flash\w*"
    r"|stiffness|insomnia|depression|nausea)\b[^.;]{0,60}\bworsen",
    re.IGNORECASE,
)
_PROGRESSION_OR_INTOLERANCE = re.compile(
    r"\b(?:progress\w*|PD)\b[^.;]{0,30}?\b(?:or|and/or)\s+(?:\w+\s+){0,2}?(?:intoleran\w+|toxicity)"
    r"|\bintoleran\w+[^.;]{0,30}?\b(?:or|and/or)\s+(?:\w+\s+){0,2}?(?:progress\w*|PD\b)"
    r"|\b(?:refractor\w*|resistan\w*)\b[^.;]{0,50}?\b(?:or|and/or)\s+(?:\w+\s+){0,2}?intoleran\w+",
    re.IGNORECASE,
)
#: "progressive disease (PD) during treatment or within 30 days after stopping X": the bracket
#: that ends the clause for other readings does not end the progression's.
_PROGRESSED_BRACKETED = re.compile(
    r"\b(?:progressi(?:on|ve)|PD)\b[^.;()]{0,25}\([^()]{1,12}\)[^.;()]{0,100}$", re.IGNORECASE
)
#: A sentence that opens with the progression it is about, the therapy further on.
_OPENS_WITH_PROGRESSION = re.compile(
    r"\W*(?:(?:radiologic(?:al)?|documented|objective|clinical)\s+)?(?:(?:documentation|evidence"
    r"|confirmation)\s+of\s+)?(?:(?:disease|documented|radiologic(?:al)?|objective)\s+)?"
    r"(?:progress\w*|relaps\w*"
    r"|recurr\w*)\b(?:(?!\b(?:not|no|never|without)\b)[^.;:]){0,100}$",
    re.IGNORECASE,
)
_WHILE_RECEIVING = re.compile(
    r"\b(?:while\s+(?:still\s+)?(?:on|receiving|taking|being treated with)|during)\s+"
    r"(?:(?:the|their|her|his|standard|neo-?adjuvant|adjuvant|or|and|/|,)\s*)*$"
)
_WHILE_ON = re.compile(r"\bwhile (?:on|receiving|taking)\s+$|\bduring\s+$")
#: "progressed within the first 3 months of (osimertinib)": the window before the therapy's name
_EARLY_BEFORE = re.compile(
    r"\b(?:progress\w*|PD|relaps\w*|fail\w*)\b[^.;]{0,30}?\bwithin\s+(?:(?:the\s+)?first\s+"
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>months?|weeks?)\s+(?:of|on|after|from)\s+(?:[\w-]+\s+){0,3}"
    r"|(?P<n2>\d+(?:\.\d+)?)\s*(?P<unit2>months?|weeks?)\s+(?:of|after|from)\s+(?:starting|beginning"
    r"|the start of|(?:the\s+)?initiati\w+(?: of)?)\s+(?:[\w-]+\s+){0,2})$",
    re.IGNORECASE,
)
#: "(progression) within 6 months of endocrine therapy (for advanced disease)": time on it, when
#: the therapy was for advanced disease (after adjuvant therapy it is a relapse window).
_EARLY_OF = re.compile(
    r"\b(?:progress\w*|PD)\b[^.;]{0,30}?(?<!\bor )\bwithin\s+(?P<n>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>months?|weeks?)\s+(?:of|on)\s+(?:[\w-]+\s+){0,3}$",
    re.IGNORECASE,
)
_ON_OR_WITHIN = re.compile(r"\b(?:on|during|receiving)\b,?\s+or\s+within\b", re.IGNORECASE)
#: "(relapse while on adjuvant X) but after the first 2 years": at least that long on X.
_AFTER_FIRST = re.compile(
    r"[^.;]{0,40}?\bafter\s+(?:the\s+first\s+|>=\s*)(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>years?|months?)"
    r"\b(?!\s*(?:of|after|from|since|following)\s+(?:\w+\s+){0,2}(?:complet|end|stop|discontinu))",
    re.IGNORECASE,
)
_SIMILAR_WORDS = gate_words(
    "similar",
    "related",
    "same class",
    "excipient",
    "ingredient",
    "component",
    "additive",
    "formulat",
    "vehicle",
)
_BOTH_BEFORE = re.compile(r"\bboth\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
#: "failed prior vinorelbine + trastuzumab": the combination, not either drug alone
_COMBINED_IN = re.compile(r"\s\+\s|\bplus\b|\bin combination with\b|\bcombined with\b", re.I)
#: "platinum-related neuropathy", "taxane-induced neuropathy", "chemotherapy toxicities": a
#: condition the drug caused
_RELATED_AFTER = re.compile(
    r"^[\s-]*(?:therapy[\s-]+|treatment[\s-]+)?(?:related|induced|associated|caused)\b"
    r"|^[\s-]*(?:toxicit(?:y|ies)|side[- ]effects?|adverse (?:events?|effects?|reactions?))\b",
    re.IGNORECASE,
)
#: "PARP inhibitors are known to be teratogenic", "AZD0530 is a substrate of CYP3A4", "X may
#: affect the proliferative rate": a statement about the drug (a reason, a warning), not a
#: therapy the patient had or must not have had; so is "(targets for which) targeted drugs are
#: available". One word may come between ("cyclophosphamide hydrochloride is known to be
#: teratogenic").
_DESCRIBED_AFTER = re.compile(
    r"^\s*(?:\([^()]{0,60}\)\s*)?(?:[\w-]+\s+)?(?:(?:is|are|has been|have been)\s+"
    r"(?:also\s+|not\s+)?"
    r"(?:known|shown|thought|believed|expected|reported|suspected|harmful|teratogenic"
    r"|available|approved|marketed"
    r"|embryotoxic|genotoxic|metaboli[sz]ed|an?\s+(?:substrate|(?:potent\s+|strong\s+)?"
    r"(?:inhibitor|inducer)))\b|(?:may|can|could|might)\s+(?:also\s+|potentially\s+)?"
    r"(?:affect|cause|harm|increase|decrease|interact|prolong|induce|inhibit)\b)"
)
#: A definition of menopausal status: the therapies it names say how the status is told.
_DEFINES_MENOPAUSE = re.compile(
    r"menopaus\w*(?:\s+status)?\s+(?:is\s+|was\s+|are\s+|were\s+)?defined"
    r"|definition of (?:post|pre|peri)?-?menopaus"
    r"|(?:consider\w*|regarded|deemed)\s+(?:as\s+|to be\s+)?(?:post|pre|peri)?[\s-]*menopaus\w*"
    r"\s+(?:if|when|after|provided)\b"
)
#: "(no one knows) the effects of drug X on an unborn child": a warning, not a therapy given
_EFFECTS_OF_BEFORE = re.compile(r"\b(?:effects?|risks?|safety)\s+of\s+(?:the\s+)?$")
_ON_THE_FETUS_AFTER = re.compile(
    r"^\s*(?:\([^()]{0,60}\)\s*)?(?:on|to|in)\s+(?:the\s+|a\s+)?(?:developing\s+|unborn\s+)?"
    r"(?:human\s+)?(?:fetus|foetus|embryo|unborn|pregnan)"
)
#: "for 12 weeks after the last dose of abemaciclib": the study's own treatment, not a prior one
#: "A tumour that is a candidate for curative treatment by surgery, radiotherapy or chemotherapy":
#: the therapy is the curative option the disease allows, not a treatment history.
_CURATIVE_OPTION_BEFORE = re.compile(
    r"(?<!not )(?<!not a )(?<!no )\b(?:candidates?|eligible|suitable|amenable)\s+(?:for|to)\s+"
    r"(?:\w+\s+){0,3}?curative\b(?:(?!received|progress|\bwho\b|\bafter\b|following|\bwith\b)"
    r"[^.;]){0,120}$"
)
#: "(Those receiving X) should continue to take X until 5 days before day 1": an instruction.
_CONTINUE_AFTER = re.compile(
    r"^[^.;]{0,80}?\b(?:should|must|may|will|can)\s+continue\s+(?:to\s+(?:take|receive)|taking"
    r"|receiving|on)\b"
)
#: "X in the present study": earlier dosing in this same trial (a re-enrolment rule).
#: "(the last dose of X) on C2D3", "on cycle 1 day 1": a dose of the study's schedule.
_STUDY_DAY_AFTER = re.compile(
    r"^\s*(?:on|at|from)\s+(?:c\d{1,2}\s*d\d{1,2}\b|cycle\s*\d+\s*,?\s*day\s*\d+)"
)
_STUDY_DAY_BEFORE = re.compile(r"\bc\d{1,2}\s*d\d{1,2}\s+$")  #: "the C1D1 (cisplatin dose)"
#: "(for the endocrine therapy) cohort": the therapy names a cohort of the study.
_COHORT_NAMED_AFTER = re.compile(
    r"^\s*\)?\s*(?:\([^()]{1,20}\)\s*)?(?:(?:plus|\+|and|with)\s+[\w-]+\s+(?:\([^()]{1,20}\)\s*)?)?"
    r"(?:(?:\([^()]{1,20}\)\s*)?(?:combination|alone|monotherapy|single[- ]agent"
    r"|treatment|control|experimental)\s+)?(?:cohorts?|arms?)\b"
)
_IN_THIS_STUDY_AFTER = re.compile(
    r"^\s*(?:\([^)]{0,40}\)\s*)?(?:\w+\s+){0,2}?in (?:this|the present|the current)"
    r" (?:study|trial)\b"
)
_AFTER_STUDY = Fast(
    # (a vaccine "during treatment, or within 5 months after the last dose of X": on study)
    r"(?:\b(?:for|until|during)|\btreatment,?\s+(?:or|and)\s+(?:within|<=?))\s+"
    r"(?:at least\s+|>=\s*)?\d+\s*(?:\w+\s+){0,3}(?:after|following)\s+"
    r"(?:the\s+)?(?:last|final)\s+(?:dose|administration)\s+(?:of\s+)?(?:\w+\s+)?$"
)
_ON_STUDY = Fast(
    r"^[^.;]{0,40}?\b(?:throughout|during|for the (?:whole|entire|full)?\s*(?:duration|length"
    r"|course|period) of|for the whole of|while on|until the end of)\s+(?:the\s+)?(?:study|trial"
    r"|protocol|treatment|study treatment|study therapy|treatment period|participation)\b"
)
#: "(must receive radiotherapy) after randomisation": treatment the study plans, not a history.
_AFTER_ENTRY = Fast(
    r"^[^.;]{0,40}?\b(?:after|following)\s+(?:the\s+)?(?:randomi[sz]ation|registration"
    r"|enrol?ment|study entry|inclusion)"
)
_STARTED = Fast(
    r"\b(?:initiated|started|begun|began|commenced|on|start(?:ed)?\s+of)\b[^.;]{0,45}?(?:>=|>)\s*"
    r"(?P<n>\d+)\s*"
    r"(?P<unit>days?|weeks?|months?)\s*(?:\w+\s+){0,2}(?:prior|before)"
)
_SETTING_PHRASE = Fast(
    r"^[\s,]*(?:\([^)]{0,60}\)\s*)?(?:(?:given|administered|received)\s+)?(?:for|in|as|during)\s+"
    r"(?:the\s+)?(?:[\w+/-]+\s+){0,5}?(?:disease|setting|cancer|BC|MBC|ABC|tumou?rs?|treatment)\b"
)
_DIGIT = re.compile(r"\d")
#: ... or a lettered sub-item inside the item ("a)AKT inhibitors b)Fulvestrant c)...").
_CLAUSE_END = re.compile(r"[;]|" + cues.FULL_STOP + r"(?:\s|$)|\s[a-h]\)(?=\s*[A-Z])")
#: Classes that are not anticancer therapy: a relation other than "received" makes no sense.
_SUPPORTIVE = frozenset(
    {
        "corticosteroid",
        "anticoagulant",
        "antidiabetic_agent",
        "supportive_care_agent",
        "bone_modifying_agent",
        "bisphosphonate",
        "rankl_inhibitor",
        "strong_cyp3a_inhibitor",
        "strong_cyp3a_inducer",
        "cyp3a_inducer",
        "cyp3a_inhibitor",
        "hormone_replacement_therapy",
        "hematopoietic_growth_factor",
        "antiemetic",
        "antidiarrheal",
        "immunosuppressant",
    }
)
_CURRENT = Fast(
    r"\b(?:concurrent(?:ly)?|concomitant(?:ly)?|current(?:ly)?|ongoing|simultaneous(?:ly)?"
    r"|on (?:stable|a stable)"
    r"|presently|still (?:on|receiving)|while (?:on|receiving)|undergoing"
    r"|actively (?:receiving|on|treated|undergoing)|being (?:treated|given))\b"
)
#: "Use of other anticancer drugs" opening an item, with no time and no "prior": use now.
#: "Prior or current treatment with X", "previous or concurrent X": ever, not only now.
_PRIOR_OR_CURRENT = re.compile(
    r"\b(?:prior|previous|past|earlier|history of)\s*(?:,|/|or|and/or)\s*(?:current|concurrent"
    r"|concomitant|ongoing)"
)
_EVER_WORDS = re.compile(r"\b(?:prior|previous(?:ly)?|before|history|ever|past)\b", re.IGNORECASE)
_USE_OF = re.compile(
    r"\W*(?:use\s+of|co-?administration\s+of|concomitant\s+administration\s+of|alternative)\s+"
    r"(?!(?:\w+\s+)?(?:prior|previous|earlier)\b)",
    re.IGNORECASE,
)
_WASHOUT = Fast(
    r"(?:>=|>)\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>days?|weeks?|months?|years?(?=\s+since))"
    r"\s*(?:\w+\s+){0,4}?"
    r"(?:since|from|after)\s+(?:the\s+)?(?:last|final|end|completion|discontinu\w*|stop\w*|prior"
    r"|previous|earlier)"
    r"|(?:discontinu\w+|stopp\w+|last dose|completed|washout|wash-out|off)\b[^.;]{0,160}?(?:>="
    r"|>)\s*"
    r"(?P<n3>\d+(?:\.\d+)?)\s*(?P<unit3>days?|weeks?|months?)"
    r"|(?:washout|wash-out)\s*(?:period\s*)?(?:of\s*)?(?:>=|>)?\s*(?P<n2>\d+)\s*(?P<unit2>days?"
    r"|weeks?)"
    r"|\b(?P<n5>\d+)[- ]?(?P<unit5>days?|weeks?|months?)\s+(?:washout|wash-out)"
    r"|(?:>=|>)\s*(?P<n6>\d+(?:\.\d+)?)\s*(?P<unit6>days?|weeks?|months?)\s*(?:post|since)\b"
    r"|:\s*(?:>=|>)\s*(?P<n7>\d+(?:\.\d+)?)\s*(?P<unit7>days?|weeks?|months?)\b"
    r"|\b(?:stopp\w+|discontinu\w+|completed|ended|finished|last dose)\b(?:(?!within)[^.;]){0,40}?"
    r"(?P<n4>\d+(?:\.\d+)?)"
    r"\s*(?P<unit4>days?|weeks?|months?)\s*(?:or (?:more|longer|greater)\s+)?(?:before|prior)"
    r"|\b(?:the end|completion|cessation|the last (?:dose|administration))\s+of\b[^.;]{0,80}?"
    r"(?:>=|>)\s*(?P<n8>\d+(?:\.\d+)?)\s*(?P<unit8>days?|weeks?|months?)\s*(?:before|prior)"
    r"|\b(?:received|had|completed|given)\b[^.;]{0,60}?(?:>=|>)\s*(?P<n9>\d+(?:\.\d+)?)\s*"
    r"(?P<unit9>days?|weeks?|months?)\s*(?:before|prior to)\s+(?:the\s+)?(?:enrol\w*|registration"
    r"|randomi\w+|study|first|day|start|initiation|inclusion|entry|cycle)"
    # "greater than 4 weeks from immunotherapy": the time since the therapy named next
    r"|(?:>=|>)\s*(?P<n10>\d+(?:\.\d+)?)\s*(?P<unit10>days?|weeks?|months?)\s+(?:since|from|after)"
    r"\s+(?:any\s+|prior\s+|previous\s+)?(?=[a-z])(?!(?:diagnosis|surgery|randomi|enrol|registr"
    r"|initiat|start|begin|commenc|first|the\s+(?:diagnosis|first|start|initiation|beginning)))"
    # "must be off hormonal agents for 1 week": the time since the last dose
    r"|\b(?:be|been|remain)\s+off\b(?:\s+of)?[^.;]{0,80}?\bfor\s+(?:at\s+least\s+|>=\s*)?"
    r"(?P<n11>\d+(?:\.\d+)?)\s*(?P<unit11>days?|weeks?|months?)",
    first=True,
)
_DURATION = Fast(
    r"(?:>=|>|for)\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>months?|weeks?|years?)\s*(?:of|on|with|"
    r"treatment with|therapy with|duration)\b"
)
#: A time restated in brackets ("within 12 months (365 days) of completion").
_RESTATED = r"(?:\([^()]{1,20}\)\s*)?"
#: What a relapse window needs somewhere in its clause: the relapse (or the disease's return).
_RELAPSE_WORD = re.compile(
    r"relaps|recurr|progress|\bPD\b|disease[- ]free|\bDF[IS]\b|metasta|diagnos|advanced|failure"
    r"|fail(?:ed|ing)|resistan|refractory|\bABC\b|\bMBC\b",
    re.IGNORECASE,
)
_RELAPSE_WITHIN = Fast(
    r"(?:\b(?:on or |during or )?within|<=|<|\bless than|\bbefore)\s*(?P<n>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>months?|years?|weeks?)\s*"
    + _RESTATED
    + r"(?:\w+\s+){0,2}?(?:of|after|from|since|following)\s+"
    r"(?:\w+\s+){0,3}?(?:complet\w+|the end|end|stop\w*|discontinu\w+|finish\w*|cessation"
    r"|last|termination|the last)",
    first=True,
)
#: "recurrence within 12 months after adjuvant X": the therapy itself ends the phrase.
_RELAPSE_BEFORE = Fast(
    r"\b(?:recurr\w*|relaps\w*|progress\w*)\b[^.;]{0,40}?\bwithin\s*(?P<n>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>months?|years?)\s*(?:after|of|following|from)\s+(?:the\s+)?(?:[\w()/-]+\s+){0,6}$"
)
#: "progression within 6 months of starting first-line endocrine therapy", "recurrence while
#: receiving adjuvant ET, within 24 months of starting it".
_EARLY_PROGRESSION = Fast(
    r"\b(?:progress\w*|relaps\w*|recurr\w*|PD)\b[^.;]{0,60}?(?:\bwithin|<=|<)\s*(?:the\s+first\s+)?"
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>months?|years?|weeks?)\s*" + _RESTATED + r"(?:of|after|from"
    r"|since)\s+(?:the\s+)?(?:start\w*|initiat\w*|commenc\w*|beginning|begin\w*|being on)\b"
)
#: The window of `_EARLY_PROGRESSION` alone, after the progression named before an elliptical 'or'.
_WITHIN_OF_START = Fast(
    r"\bwithin\s*(?:the\s+first\s+)?(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>months?|years?|weeks?)\s*"
    + _RESTATED
    + r"(?:of|after|from|since)\s+(?:the\s+)?(?:start\w*|initiat\w*|commenc\w*|beginning"
    r"|begin\w*|being on)\b"
)
_RELAPSE_AFTER = Fast(
    r"(?:>=|>|\bafter|\bbeyond)\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>months?|years?)\s*(?:\w+\s+)"
    r"{0,2}?(?:after|from|since|following|of)\s+(?:\w+\s+){0,3}?(?:complet\w+|the end|end|stop\w*"
    r"|discontinu\w+|finish\w*|cessation|last|termination)",
    first=True,
)
_DFI = Fast(
    r"\b(?:disease[- ]free interval|DFI|treatment[- ]free interval|TFI)\s*(?:\([A-Z]+\)\s*)?"
    r"(?:of\s*|[^.;<>=\d]{0,70}?)(?P<cmp>>=|<=|>|<)\s*(?P<n>\d+(?:\.\d+)?)\s*"
    r"(?P<unit>months?|years?)"
)
#: "No previous EGFR-TKI therapy; Previous palliative radiotherapy ... allowed": a new clause.
_NEW_CLAUSE_IN_GAP = re.compile(r";\s*[A-Z]")
_GAP = re.compile(
    r"^(?:[\s,/+();:]|\band/or\b|\bor\b|\band\b|\bnor\b|\bplus\b|\bwith\b|\bor with\b|\be\.g\.?"
    r"|\beg\b|\bsuch as\b|\bincluding\b|\bfor (?:example|instance)\b|\bi\.e\.?|\beither\b"
    r"|\bany\b|\bother\b|\ban?\b|\bthe\b"
    r"|\bprior\b|\bprevious\b|\bbased\b|-based\b|\btherapy\b|\btreatment\b|\bagents?\b|\bdrugs?\b"
    r"|\binhibitors?\b|\bregimens?\b|\bcontaining\b|-containing\b|\bcombination\b|\btargeting\b"
    r"|\bclass\b|\bsimilar\b|\bincl\.?|\bor another\b|\bagent\b|\bmedications?\b"
    r"|\bcombined\b|\btogether\b|\bgiven\b|\btaken\b|\bas well as\b|\bin\b|-"
    # "(surgery, chemotherapy, radiation, and/or hormone therapy)": a local treatment listed
    # between two drugs does not part them
    r"|\bsurgery\b|\bradiation\b|\bradiotherapy\b|\birradiation\b)*$",
    re.IGNORECASE,
)
_EXAMPLE_CUE = re.compile(
    r"\b(?:e\.g\.?|eg|such as|including|for example|i\.e\.?|like)\s*[:,]?\s*$", re.I
)

_LINES = Fast(
    r"(?:(?P<cmp>>=|<=|>|<|=)\s*)?(?<![\w./])(?P<n>\d{1,2})(?!\.\d|[^\W\d_])\s*"
    r"(?:(?:or|and)\s+(?P<dir>more|greater|fewer|less)\s+)?(?:,?\s*(?:-|to|or|and)\s*(?:(?P<cmp2><="
    r"|<)\s*)?"
    r"(?P<m>\d{1,2})\s*,?\s*)?(?P<between>(?:[\w/()-]+\s+){0,5}?)(?P<noun>lines?|regimens?|therap(?:y"
    r"|ies)"
    r"|treatments?|chemotherap(?:y|ies)|agents?|courses?|LoT)\b(?=(?P<tail>[^.;]{0,80}))",
    first=True,
)
#: A count that is allowed ("may have received one prior chemotherapy", "one earlier regimen is
#: permitted"): a maximum. Read on the words before the count, a newline, and the words after it.
_PERMITTED_COUNT = re.compile(
    r"\b(?:may|can|could)\s+(?:also\s+)?(?:have\s+)?(?:received|receive|had|been\s+treated\s+with"
    r"|been\s+given)\s+(?:\w+\s+)?\n|\b(?:allowed|permitted)\s+"
    # "allowed (but not required) to have one", "adjuvant X is permitted as well as one line"
    r"(?:\(?\s*but\s+not\s+(?:required|mandatory)\s*\)?\s*,?\s*)?"
    r"(?:to\s+(?:receive|have)\s+|as\s+well\s+as\s+)?\n"
    r"|\n[^.;]{0,60}?\b(?:(?:is|are|was|were)\s+(?:also\s+)?)?(?:allowed|permitted|acceptable"
    r"|accepted)\b",
    re.I,
)
#: "Patients can receive (more than one line)", "may have had (2 or more regimens)".
_MAY_HAVE_BEFORE = re.compile(
    r"\b(?:may|can|could)\s+(?:also\s+)?(?:have\s+)?(?:received|receive|had)\s+(?:\w+\s+)?$",
    re.IGNORECASE,
)
#: "no more than 1 prior targeted agent": a cap on earlier agents counts them.
_CAPPED_AGENTS = re.compile(
    r"<=?\s*\d+\s+(?:prior|previous|earlier)\s+(?:[\w/-]+\s+){0,2}agents?\b"
)
#: An exception that holds under a condition of time ("except fulvestrant if stopped >= 3 months
#: before", "except adjuvant docetaxel given > 1 year before").
_EXCEPTION_WHEN = re.compile(
    r"\b(?:if|when|provided|as long as|stopped|completed|discontinued|terminated|ended|given"
    r"|received|administered)\b",
    re.I,
)
_NAME_NUMBER = re.compile(r"[A-Za-z]-$")
#: "3) Prior chemotherapy", "b) ...": a list mark that opens a sub-item ("(2) lines" is a count).
_ENUMERATION = re.compile(r"(?<![(\w])\d{1,2}\)(?!\))")
_STRATEGY_AFTER = re.compile(r"\s+(?:strateg\w*|options?|plans?|modalit\w*)\b", re.IGNORECASE)
_NOT_LINES = re.compile(
    r"\b(?:days?|weeks?|months?|years?|cycles?|doses?|mg|hours?|times|x|grade|fractions?|Gy"
    r"|sessions?|%|half-?li\w+|generations?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Run:
    start: int
    end: int
    agents: tuple[str, ...]
    classes: tuple[str, ...]
    context: int  #: where the words around it are read from (the first of a combination)


#: "(2 or more lines,) at least one of them with / one of which included (a CDK4/6 inhibitor)".
_OF_THEM = re.compile(
    r"\b(?:one|1|any|either|all|each)\s+of\s+(?:them|which|these|those)\b[^.;]{0,30}$", re.I
)
#: Therapy named generically ("prior anti-tumour treatment", "the most recent therapy"): read as
#: systemic anticancer therapy when the lexicon names no drug or class in the item.
_TREATMENT_NAIVE = re.compile(
    r"\b(?:treatment|therapy)(?=[- ]?na[iï]ve\b)"
    # "previously untreated (advanced NSCLC)", "untreated, metastatic disease": not "untreated
    # brain metastases", which are about the lesions
    r"|\bpreviously[- ]untreated\b(?!\s+(?:brain|cns|central|spinal|leptomening|cerebral"
    r"|intracranial|lesions?))"
    r"|\buntreated\b(?=,?\s+(?:(?:locally\s+)?advanced|metastatic|recurrent|unresectable"
    r"|inoperable|stage\s+(?:III|IV|3|4)\b))",
    re.I,
)
#: "Treatment naive (i.e. no prior chemotherapy ...)": the definition says what is meant.
_NAIVE_DEFINED = re.compile(
    r"[- ]?na[iï]ve\s*(?:\(\s*(?:i\.?\s?e\b|that is|defined|meaning)|:)", re.I
)
#: "(a part that) includes treatment-naive participants": a permission, not a requirement.
_NAIVE_INCLUDED = re.compile(r"\b(?:includ\w*|allows?|permits?)\s+(?:\w+\s+)?$", re.I)
#: "treatment-naive or up to 3 earlier regimens": the alternative says it all.
_NAIVE_OR = re.compile(r"(?:[- ]?na[iï]ve)?\s*,?\s+or\b", re.I)
#: "previously untreated with chemotherapy": the therapy named says what; "measurable CNS
#: disease, either previously untreated or ...": the lesions were not treated.
_NAIVE_WITH = re.compile(r"\s+(?:with|by)\b", re.I)
_NAIVE_LESION_BEFORE = re.compile(r"\b(?:brain|cns|intracranial|lesions?)\b[^.;]{0,30}$", re.I)
#: A therapy in general ("systemic treatment", "the last regimen"). Searched in the lower-cased
#: item with a first-character look-ahead (about twice as fast): read its words from the item.
_GENERIC = Fast(
    r"\b(?:(?:anti-?cancer|anti-?tumou?r|anti-?neoplastic|cancer|cancer-directed|systemic|tumou?r|"
    r"cytotoxic|oncologic(?:al)?)\s+(?:\w+\s+)?(?:therap(?:y|ies)|treatments?|agents?|drugs?|"
    r"medications?|regimens?)|(?:most recent|last|prior|previous|preceding"
    r"|latest)\s+(?:line of\s+)?"
    r"(?:systemic\s+)?(?:therap(?:y|ies)|treatments?|regimens?)"
    r"|standard (?:\w+\s+)?(?:therap(?:y|ies)|treatments?))\b",
    first=True,
)


_GENERIC_WORDS = gate_words("therap", "treatment", "agent", "drug", "medication", "regimen")
_LINE_WORDS = gate_words(
    "line", "regimen", "therap", "treatment", "chemo", "agent", "course", "lot"
)


#: "Eligible for first-line treatment with erlotinib": a patient not yet treated for advanced
#: disease (the therapy named is the study's, so it is no criterion of its own). "First-line
#: chemotherapy" or "hormonotherapy" would say less (other classes may have been given).
_FIRST_LINE_CANDIDATE = Fast(
    r"\b(?:candidates?|eligible|suitable|appropriate|indicated)\s+(?:\w+\s+){0,2}?"
    r"(?:for|to receive)\s+(?:an?\s+|the\s+)?(?:first|1st)[-\s]line\s+(?:systemic\s+"
    r"|anti-?cancer\s+|anti-?neoplastic\s+)?(?:treatment|therapy)\b"
    r"|\b(?:intend\w*|plann\w*|scheduled|due)\s+to\s+(?:receive|start|begin|be treated with)\s+"
    r"[^.;]{0,100}?\bas\s+(?:the\s+)?(?:first|1st)[-\s]line\s+(?:systemic\s+)?"
    r"(?:treatment|therapy)\b"
)
_FIRST_LINE_WORDS = gate_words("first-line", "first line", "1st line", "1st-line")


def _candidate(view: ItemView, words: GateWords, pattern: Fast) -> re.Match[str] | None:
    """An inclusion's 'candidate for the Nth line' phrase, unless negated."""
    if view.section != Section.INCLUSION or not view.has(words):
        return None
    found = pattern.search(view.w, view.low)
    return None if found is None or view.negated(found.start(), found.end()) else found


def _first_line_candidate(view: ItemView) -> list[Draft]:
    found = _candidate(view, _FIRST_LINE_WORDS, _FIRST_LINE_CANDIDATE)
    if found is None:
        return []
    return [
        view.draft(
            "prior_therapy",
            *found.span(),
            classes=("systemic_anticancer_therapy",),
            settings=("metastatic",),
            negated=True,
        )
    ]


#: "Scheduled to receive 2nd line chemotherapy", "candidates for third-line treatment": the
#: lines before it are done (1 or 2), whatever they were.
_LATER_LINE_CANDIDATE = Fast(
    r"\b(?:(?:candidates?|eligible|suitable|appropriate|indicated)\s+(?:\w+\s+){0,2}?"
    r"(?:for|to\s+receive)|(?:intend\w*|plann\w*|scheduled|due)\s+to\s+(?:receive|start|begin"
    r"|undergo))\s+(?:an?\s+|the\s+|their\s+)?(?P<n>second|2nd|third|3rd)[-\s]line\s+"
    r"(?:systemic\s+|palliative\s+)?(?:chemo\w*|treatment|therapy|regimen)\b"
)
_LATER_LINE_WORDS = gate_words("second", "2nd", "third", "3rd")


def _later_line_candidate(view: ItemView) -> list[Draft]:
    found = _candidate(view, _LATER_LINE_WORDS, _LATER_LINE_CANDIDATE)
    if found is None:
        return []
    done = 1 if found.group("n").lower() in {"second", "2nd"} else 2
    return [
        view.draft(
            "line_count", *found.span(), scope="any", settings=("metastatic",), min=done, max=done
        )
    ]


def read(view: ItemView) -> list[Draft]:
    drafts = _first_line_candidate(view) + _later_line_candidate(view) + _read(view)
    if view.has(_CUMULATIVE_WORDS):
        drafts = _cumulative_doses(view, drafts)
    return drafts


#: "a cumulative dose of doxorubicin > 360 mg/m2", "maximum cumulative dose", "total dose of".
_CUMULATIVE = Fast(
    r"\bcumulative\s+(?:\w+\s+){0,2}?(?:doses?|exposure)\b|\b(?:maximum|max\.?|total)\s+"
    r"(?:cumulative\s+|lifetime\s+)?doses?\b"
)
_CUMULATIVE_WORDS = pattern_words(_CUMULATIVE)
_RADIATION_DOSE = re.compile(r"\bGy\b|radiation|radiotherap|irradiat", re.I)
_DOSE_REACH, _DOSE_REACH_BACK = 160, 60  #: how far the drugs a dose is of may stand from it
#: A cumulative dose asked for, not capped ("a minimum cumulative dose of 180 mg/m2").
_MINIMUM_DOSE = re.compile(r"\bminimum\b|\bat least\b|\bmust have (?:had|received)\b", re.I)


def _dose_words(text: str) -> str:
    text = text.strip(" ,;:.")
    if text.endswith(")") and text.count(")") > text.count("("):
        text = text[:-1].rstrip(" ,;:.")
    return text


def _cumulative_doses(view: ItemView, drafts: list[Draft]) -> list[Draft]:
    """'Prior anthracyclines with a cumulative dose of doxorubicin > 360 mg/m2': a limit on the
    dose, which a treatment history does not record, not on any exposure. The sentence's drugs
    become one criterion with the dose in words (`cumulative_dose`); the readings of the same
    drugs in that sentence give way to it. An inclusion item caps the dose (negated: not above
    it) unless it asks for a minimum."""
    w = view.w
    made: list[Draft] = []
    for match in _CUMULATIVE.finditer(w, view.low):
        if _RADIATION_DOSE.search(w, match.start(), match.end() + 40):
            continue  # "a total dose of radiation of 60 Gy"
        begin = cues.sentence_start(w, match.start())
        stop = min(cues.sentence_stop(w, match.end()), match.end() + _DOSE_REACH)
        if made and match.start() < made[-1].end:
            continue  # one criterion per sentence
        # the drug the dose is of: named just before ("anthracyclines with a cumulative dose")
        # or after it ("cumulative dose of doxorubicin > 360 mg/m2, epirubicin > 720 mg/m2")
        named = [
            m for m in view.drugs
            if max(begin, match.start() - _DOSE_REACH_BACK) <= m.start < stop
        ]  # fmt: skip
        if not named:
            continue  # "cumulative dose of radiation": no drug
        sentence = w[begin:stop]
        first = min(match.start(), named[0].start)
        made.append(
            Draft(
                "prior_therapy",
                {
                    "agents": tuple(dict.fromkeys(m.id for m in named if m.kind != "class")),
                    "classes": tuple(dict.fromkeys(m.id for m in named if m.kind == "class")),
                    "relation": "received",
                    "settings": (),
                    "except_agents": (),
                    "except_classes": (),
                    "exceptions": (),
                    "cumulative_dose": _dose_words(w[match.start() : stop]),
                    "negated": view.section == Section.INCLUSION
                    and not _MINIMUM_DOSE.search(sentence),
                },
                view.evidence(first, stop),
                first,
                stop,
                stop,
            )
        )
    if not made:
        return drafts
    ids = {x for d in made for x in (*d.fields["agents"], *d.fields["classes"])}

    def replaced(draft: Draft) -> bool:
        named = {*draft.fields.get("agents", ()), *draft.fields.get("classes", ())}
        return (
            draft.kind == "prior_therapy"
            and draft.fields.get("relation") in (None, "received")  # "... and progressed on it"
            and named <= ids
            and any(d.start <= draft.start < d.end for d in made)
        )

    return [d for d in drafts if not replaced(d)] + made


#: "a therapeutic agent targeting EGFR", "drugs that inhibit ALK": every drug against the target
#: (the lexicon's class of it), however the drug is named.
_AGENT_TARGETING = re.compile(
    r"(?P<more>(?!))?"  # never set: the kind of drug is not narrowed (`_target_classes`)
    r"\b(?:(?:therapeutic|investigational|anti-?cancer|targeted|systemic|other)\s+)?"
    r"(?:agents?|drugs?|therap(?:y|ies)|treatments?|compounds?|medications?)\s+(?:that\s+|which\s+)?"
    r"(?:(?:is|are)\s+)?(?:(?:specifically|selectively|primarily)\s+)?(?:targeting|targets?"
    r"|directed\s+(?:at|against|to)|against|(?:known\s+to\s+)?inhibit(?:s|ing)?)\s+(?:the\s+)?"
    r"(?P<targets>[^;,.()]{2,40})",
    re.IGNORECASE,
)


def _agents_targeting(mentions: list[lexicon.Mention], w: str) -> list[lexicon.Mention]:
    """Add "an agent targeting EGFR" as the class of drugs against EGFR, and drop a generic
    therapy or a named drug inside those words."""
    added = []
    for found in _AGENT_TARGETING.finditer(w):
        if any(
            m.kind == "class" and m.id != "systemic_anticancer_therapy"
            and m.start < found.end("targets") and found.start() < m.end
            for m in mentions
        ):  # fmt: skip
            continue  # "monoclonal antibody therapy targeting EGFR": already narrowed
        classes = _target_classes("", found)
        if not classes:
            continue
        genes = lexicon.find_gene_mentions(found.group("targets"))
        end = found.start("targets") + max(g.end for g in genes)
        added += [lexicon.Mention(found.start(), end, c, "class", w[found.start() : end])
                  for c in classes]  # fmt: skip
    if not added:
        return mentions
    spans = [(m.start, m.end) for m in added]
    kept = [m for m in mentions if not any(a <= m.start < b for a, b in spans)]
    return sorted([*kept, *added], key=lambda m: m.start)


def _generic_with_examples(mentions: list[lexicon.Mention], w: str) -> list[lexicon.Mention]:
    """ "Any other concurrent systemic therapy, including hormonal agents": the therapies named
    after "including" are examples; the generic therapy before them is what the item is about."""
    generic = _GENERIC.search(w[: mentions[0].start])
    if (
        generic is None
        or generic.group(0).split()[0].lower() in _LATEST_WORDS
        or not _INCLUDING.fullmatch(w, generic.end(), mentions[0].start)
    ):
        return mentions
    start, end = generic.span()
    found = lexicon.Mention(start, end, "systemic_anticancer_therapy", "class", w[start:end])
    return [found, *mentions]


_GENERATION_WORDS = gate_words("generation")
_GENERATION_BEFORE = re.compile(
    r"\b(?P<n>1st|first|2nd|second|3rd|third|4th|fourth)[\s-]*generation\s+$", re.IGNORECASE
)
_GENERATION_NAMES = {"1st": "first", "2nd": "second", "3rd": "third", "4th": "fourth"}


@functools.cache
def _generation_classes() -> frozenset[str]:
    return frozenset(c.id for c in lexicon.all_classes() if c.id.endswith("_generation"))


def _generation_of_kin(mentions: list[lexicon.Mention], view: ItemView) -> list[lexicon.Mention]:
    """'AZD9291 (or 3rd generation TKIs)', 'osimertinib, CO-1686 and other third-generation
    TKI': a generation of TKIs with no target named is the generation of the drugs named with it
    (EGFR's here, not any TKI); with no such drug, of the gene the item names."""
    out: list[lexicon.Mention] = []
    for m in mentions:
        found = _GENERATION_BEFORE.search(view.w, max(0, m.start - 25), m.start)
        if found is None or m.id not in {"tyrosine_kinase_inhibitor", "kinase_inhibitor"}:
            out.append(m)
            continue
        n = found.group("n").lower()
        generation = f"{_GENERATION_NAMES.get(n, n)}_generation"
        families = {
            c.rsplit("_", 2)[0]
            for other in mentions
            if other.kind == "drug"
            for c in lexicon.drug_classes(other.id)
            if c.endswith("_generation")
        }
        if not families:
            genes = {g.id for g in view.genes}
            families = {
                f for f, gene in (("egfr_tki", "EGFR"), ("alk_inhibitor", "ALK")) if gene in genes
            }
        named = [f"{f}_{generation}" for f in sorted(families)]
        known = [c for c in named if c in _generation_classes()]
        if len(known) == 1:
            m = dataclasses.replace(m, id=known[0], start=found.start())
        out.append(m)
    return out


def _without_restated_kind(mentions: list[lexicon.Mention], w: str) -> list[lexicon.Mention]:
    """'anti-PD-L1 therapeutic antibody': the kind of drug after a class of that kind restates
    it; read alone it would be every antibody (trastuzumab among them). 'EGFR-targeting agents
    (e.g., small molecule inhibitors, monoclonal antibodies)': kinds of drug given as examples
    of a class are that class's drugs of the kind (anti-EGFR antibodies), or nothing more than
    the class itself when it has several such subclasses."""
    out: list[lexicon.Mention] = []
    owner: lexicon.Mention | None = None  #: the class whose examples are being listed
    for m in mentions:
        previous = out[-1] if out else None
        if (
            previous is not None
            and m.kind == previous.kind == "class"
            and m.id in _MODALITIES
            and not w[previous.end : m.start].strip(" -")
            and lexicon.is_subclass(previous.id, m.id)
        ):
            continue
        if previous is not None and previous.kind == "class" and previous.id not in _MODALITIES:
            listed = owner is not None and _EXAMPLE_LIST_GAP.fullmatch(w, owner.end, previous.start)
            if not listed:  # (a class among the owner's examples keeps the owner: "EGFR-targeting
                # agents (e.g., EGFR TKIs, monoclonal antibodies)")
                owner = previous if _EXAMPLES_OPEN.match(w, previous.end) else None
        if owner is not None and m.kind == "class" and m.id in _MODALITIES:
            if not _EXAMPLE_LIST_GAP.fullmatch(w, out[-1].end, m.start):
                owner = None
            else:
                both = _kinds_of(owner.id, m.id)
                if len(both) > 1:
                    continue  # an example of the owner's class, which the owner already names
                if both:
                    m = dataclasses.replace(m, id=both[0])
        out.append(m)
    return out


#: An examples bracket: "(e.g., alectinib, brigatinib)".
_EXAMPLES_BRACKET = re.compile(
    r"\(\s*(?:e\.g\.?|eg|such as|including|for example|i\.e\.?)[\s,:]*[^()]*\)", re.IGNORECASE
)


def _without_class_examples(mentions: list[lexicon.Mention], w: str) -> list[lexicon.Mention]:
    """'No prior ALK TKI for advanced or metastatic (stage IV) disease (e.g., alectinib,
    brigatinib)': drugs in an examples bracket that belong to a class named earlier in the
    sentence are that class's examples, not a requirement of their own."""
    dropped: set[int] = set()
    for bracket in _EXAMPLES_BRACKET.finditer(w):
        inside = [m for m in mentions if bracket.start() < m.start < bracket.end()]
        begin = cues.sentence_start(w, bracket.start())
        owners = [
            c.id
            for c in mentions
            if c.kind == "class" and begin <= c.start and c.end + 25 < bracket.start()
        ]  # a class named further back: the examples next to one are read with it already
        if (
            owners
            and inside
            and all(m.kind == "drug" and any(_within_class(m, o) for o in owners) for m in inside)
            and not any(bracket.start() - 25 <= c.end <= bracket.start() for c in mentions)
        ):
            dropped.update(id(m) for m in inside)
        elif [m.id for m in inside] == ["investigational_agent"] and any(
            c.kind == "class"
            and c.id != "systemic_anticancer_therapy"  # "anticancer agents (incl. ...)": both
            and 0 <= bracket.start() - c.end <= 2
            for c in mentions
        ):
            # "a second-generation ALK TKI (including unmarketed investigational drugs)": the
            # bracket says the class takes in drugs still in trials, no requirement of its own
            dropped.update(id(m) for m in inside)
    return [m for m in mentions if id(m) not in dropped] if dropped else mentions


#: A bracket or clause that opens a class's examples: "(e.g., ", ", such as ", " including ".
_EXAMPLES_OPEN = re.compile(
    r"\s*[,(]?\s*(?:e\.g\.?|eg|such as|including|for example|i\.e\.?)[\s,:]", re.IGNORECASE
)
#: Between two examples of one list: "e.g., small molecules, monoclonal antibodies".
_EXAMPLE_LIST_GAP = re.compile(
    r"(?:\s*[,(]?\s*(?:e\.g\.?|eg|such as|including|for example|i\.e\.?)[\s,:]*)?[^.;()]{0,80}",
    re.IGNORECASE,
)


@functools.cache
def _kinds_of(class_id: str, modality: str) -> tuple[str, ...]:
    """The broadest classes below both a class and a kind of drug (the anti-EGFR antibodies for
    EGFR-targeted therapy and monoclonal antibodies). None: the kind is not the class's (a TKI
    listed after "biologic therapy" is an item of its own)."""
    both = [c for c in lexicon.class_descendants(class_id) if lexicon.is_subclass(c, modality)]
    return tuple(c for c in both if not any(o != c and lexicon.is_subclass(c, o) for o in both))


_LATEST_WORDS = frozenset({"most", "last", "prior", "previous", "preceding", "latest", "standard"})


#: "clinical trials of other antitumor drugs": the drugs of a trial are investigational.
_TRIAL_OF_BEFORE = re.compile(
    r"\b(?:clinical\s+)?(?:trials?|stud(?:y|ies))\s+(?:of|with|involving|testing|using)\s+"
    r"(?:(?:an?|other|another|any|new)\s+)*$",
    re.IGNORECASE,
)


#: "Prior chemotherapy or any other medical treatment (for advanced NSCLC)": every therapy.
_ANY_OTHER_AFTER = re.compile(
    r"\s*,?\s*(?:or|and|/)\s+(?:any\s+)?other\s+(?:(?:medical|systemic|anti-?cancer|anti-?tumou?r"
    r"|anti-?neoplastic|drug|cancer)\s+)?(?:treatments?|therap(?:y|ies)|agents?|drugs?)\b"
    r"(?!\s+(?:than|that|which|who|to|given|used|in|with|such|known|related|for\s+(?!advanced"
    r"|metasta|locally|recurrent|(?:the\s+)?(?:breast|lung|cancer|disease|nsclc|mbc))))",
    re.IGNORECASE,
)


def _any_other_after(mentions: list[lexicon.Mention], w: str) -> list[lexicon.Mention]:
    out = list(mentions)
    for m in mentions:
        if not _systemic(m):
            continue  # "radiotherapy or other therapies", "G-CSF or any other drug that ..."
        found = _ANY_OTHER_AFTER.match(w, m.end)
        if found is not None and not any(o.start >= m.end and o.start < found.end() for o in out):
            start = found.start() + len(found.group(0)) - len(found.group(0).lstrip(" ,"))
            out.append(
                lexicon.Mention(
                    start,
                    found.end(),
                    "systemic_anticancer_therapy",
                    "class",
                    w[start : found.end()],
                )
            )
    return sorted(out, key=lambda m: m.start)


def _systemic(mention: lexicon.Mention) -> bool:
    """A systemic anticancer therapy: a class under it, or an agent that makes a line."""
    return _systemic_id(mention.id, mention.kind == "class")


@functools.cache
def _systemic_id(id_: str, is_class: bool) -> bool:
    if is_class:
        return id_ != "systemic_anticancer_therapy" and lexicon.is_subclass(
            id_, "systemic_anticancer_therapy"
        )
    try:
        return lexicon.counts_as_line(id_)
    except KeyError:
        return False


_SUITED_WORDS = gate_words("eligible", "candidate", "suitable", "appropriate")
#: "Patients who have not received endocrine therapy and are eligible to receive fulvestrant":
#: the exclusion holds only with its second half, which is the investigator's judgement
_AND_SUITED = re.compile(
    r"\s*,?\s*\b(?:and|who)\s+(?P<said>(?:who\s+)?(?:are|is|were|was|be|considered)\s+(?:considered\s+)?"
    r"(?:an?\s+)?(?:eligible|candidates?|suitable|appropriate)\s+(?:for|to)\b[^.;]*)",
    re.IGNORECASE,
)


def _add_suitability(view: ItemView, draft: Draft) -> None:
    """An exclusion's 'and are eligible for X' after a therapy is a condition the exclusion
    needs: carried as the criterion's exception, so that the matcher leaves it to a person."""
    start = draft.run_end or draft.end
    found = _AND_SUITED.search(view.w, start, cues.sentence_stop(view.w, start))
    if found is None:
        return
    said = found.group("said").strip(" ,")
    draft.fields["exceptions"] = (*draft.fields.get("exceptions", ()), f"only if they {said}")


_BIOPSY_WORDS = gate_words("biops", "sample", "specimen", "tissue")
_SINCE_SAMPLE_AFTER = re.compile(
    r"\s+(?:(?:was|were|has been|have been|is|given|received|administered|started)\s+){0,2}"
    r"(?:since|after|following)\s+(?:the\s+|this\s+|that\s+|its\s+)?(?:most\s+recent\s+)?"
    r"(?:biops\w*|samples?|specimens?|tissue\s+(?:collection|sampling))",
    re.IGNORECASE,
)
_INVESTIGATIONAL_WORDS = gate_words("investigational", "experimental")
#: "investigational SERDs", "other experimental endocrine agents", "investigational SERDs/
#: endocrine agents" (the qualifier also covers the next class of a slashed pair)
_INVESTIGATIONAL_BEFORE = re.compile(
    r"\b(?:investigational|experimental)\s+(?:[\w-]+s?\s*/\s*)?$", re.IGNORECASE
)
#: "approved or investigational therapy": both, so no narrower class
_APPROVED_OR_BEFORE = re.compile(
    r"\b(?:approved|marketed|commercial(?:ly available)?|licensed|registered|standard)\s*"
    r"(?:or|and|and/or|/)\s*$",
    re.IGNORECASE,
)
#: Classes that, qualified as investigational, mean the drugs still in trials rather than every
#: approved member: investigational SERDs are the oral ones (fulvestrant, the injectable SERD, is
#: approved), and "investigational endocrine therapy" does not rule out a prior aromatase
#: inhibitor: it is an investigational agent.
_INVESTIGATIONAL_CLASS = {
    "serd": "oral_serd",
    "endocrine_therapy": "investigational_agent",
    "systemic_anticancer_therapy": "investigational_agent",
    "chemotherapy": "investigational_agent",
}


def _investigational(
    mention: lexicon.Mention, mentions: list[lexicon.Mention], w: str
) -> lexicon.Mention:
    """A class qualified as investigational names the drugs still in trials
    (`_INVESTIGATIONAL_CLASS`)."""
    narrower = _INVESTIGATIONAL_CLASS.get(mention.id) if mention.kind == "class" else None
    if narrower is None:
        return mention
    before = _INVESTIGATIONAL_BEFORE.search(w, max(0, mention.start - 40), mention.start)
    if before is None or _APPROVED_OR_BEFORE.search(w, max(0, before.start() - 30), before.start()):
        return mention
    slash = w.rfind("/", before.start(), mention.start)
    if slash >= 0 and not any(m.end <= slash and m.start > before.start() for m in mentions):
        return mention  # the word before the slash is no class the qualifier also covers
    if slash >= 0:
        return dataclasses.replace(mention, id=narrower)
    # the qualifier is the mention's own first word ("investigational systemic therapy")
    return dataclasses.replace(
        mention, id=narrower, start=before.start(), text=w[before.start() : mention.end]
    )


def _in_a_trial(mention: lexicon.Mention, w: str) -> lexicon.Mention:
    if mention.id != "systemic_anticancer_therapy" or not _TRIAL_OF_BEFORE.search(
        w, max(0, mention.start - 50), mention.start
    ):
        return mention
    return dataclasses.replace(mention, id="investigational_agent")


_ADVANCED_SETTING_WORDS = gate_words("advanced", "metasta", "recurr", "relaps")
_SEQUENCE_WORDS = gate_words("thereafter", "then", "followed", "subsequent")


def _read(view: ItemView) -> list[Draft]:
    mentions = _targeted(_named_after_generic(view.drugs, view.w), view.w)
    if view.has(_GENERATION_WORDS):
        mentions = _generation_of_kin(mentions, view)
    if mentions and view.has(_TARGET_BEFORE_WORDS):
        mentions = _targeted_before(mentions, view.w)
    if view.has(_TARGETING_WORDS):
        mentions = _agents_targeting(mentions, view.w)
    if not mentions and view.has(_GENERIC_WORDS):
        generic = _GENERIC.search(view.w, view.low)
        if (
            generic is not None
            and not _DIRECTED_AT.match(view.w, generic.end())
            and not _UNNAMED_DRUG_AFTER.match(view.w, generic.end())
            and not _CONTROLS_BEFORE.search(view.w, max(0, generic.start() - 30), generic.start())
            and not _FOLLOWING_AFTER.match(view.w, generic.end())
        ):
            start, end = generic.span()
            mentions = [
                lexicon.Mention(
                    start, end, "systemic_anticancer_therapy", "class", view.w[start:end]
                )
            ]
    elif mentions and view.has(_GENERIC_WORDS):
        mentions = _generic_with_examples(mentions, view.w)
    if mentions and view.has(_BIOPSY_WORDS):
        # "a new biopsy (no anticancer therapy given since the biopsy)": which tissue will do
        mentions = [m for m in mentions if not _SINCE_SAMPLE_AFTER.match(view.w, m.end)]
    if len(mentions) > 1:
        mentions = _without_restated_kind(mentions, view.w)
        if "(" in view.w:
            mentions = _without_class_examples(mentions, view.w)
    if mentions and view.has(_TRIAL_WORDS):
        mentions = [_in_a_trial(m, view.w) for m in mentions]
    if mentions and view.has(_INVESTIGATIONAL_WORDS):
        mentions = [_investigational(m, mentions, view.w) for m in mentions]
    if mentions and view.has(_OTHER_WORDS):
        mentions = _any_other_after(mentions, view.w)
    naive: list[lexicon.Mention] = []
    if view.section == Section.INCLUSION and view.has(_NAIVE_WORDS):
        # "treatment-naive for advanced disease", "previously untreated advanced NSCLC": no
        # earlier anticancer therapy (in that setting)
        w = view.w
        naive = [
            lexicon.Mention(m.start(), m.end(), "systemic_anticancer_therapy", "class", m.group(0))
            for m in _TREATMENT_NAIVE.finditer(w)
            if not any(d.start <= m.start() < d.end for d in mentions)
            and not _NAIVE_DEFINED.match(w, m.end())
            and not (_NAIVE_OR.match(w, m.end()) and "either" not in view.low[: m.start()])
            and not _NAIVE_INCLUDED.search(w[max(0, m.start() - 40) : m.start()])
            and not _NAIVE_WITH.match(w, m.end())
            and not _NAIVE_LESION_BEFORE.search(w, max(0, m.start() - 50), m.start())
        ]
        if naive:
            mentions = sorted([*mentions, *naive], key=lambda m: m.start)
    untreated: list[lexicon.Mention] = []
    if view.drugs and view.has(_ADVANCED_SETTING_WORDS):
        untreated = _untreated_setting(view, mentions)
        mentions = sorted([*mentions, *untreated], key=lambda m: m.start)
    lines = _line_counts(view, mentions)
    if not lines and view.section == Section.INCLUSION and view.has(_ONLY_WORDS):
        lines = _only_line(view, mentions)
    line_spans = [(d.start, d.end) for d in lines]
    out: list[Draft] = list(lines)
    if lines and view.has(_PROGRESSION_WORDS):
        out += _progression_after_lines(view, lines)
    runs = _runs(view, mentions)
    alternative = view.context is not None and view.context.any_of is not None
    early = (
        bool(lines)
        and view.has(_EARLY_PROGRESSION_WORDS)
        and _EARLY_PROGRESSION.search(view.w, view.low) is not None
    )
    for index, run in enumerate(runs):
        if any(s <= run.start < e for s, e in line_spans) and not early:
            # a therapy inside a count is the count's scope; unless the item also says how
            # soon it failed ("1 line of ET plus a CDK4/6 inhibitor, with progression within
            # 6 months of starting it"): then it is a criterion of its own too
            continue
        if alternative and lines and _OF_THEM.search(view.w[max(0, run.start - 50) : run.start]):
            # "(one of the following:) 2 or more endocrine lines, at least one of them with a
            # CDK4/6 inhibitor": a qualifier of the count; read alone it would be an alternative
            continue
        # the words after a therapy that can still describe it end where another therapy (not
        # its combination partner) is named: "adjuvant AI, or progression on an AI for ABC"
        limit = next((r.start for r in runs[index + 1 :] if r.context != run.context), len(view.w))
        draft = _prior_therapy(view, run, mentions, limit)
        if draft is not None:
            if any(m.start == run.start for m in naive):
                draft.fields["relation"] = "received"
                draft.fields["negated"] = True
            if any(m.start == run.start for m in untreated):
                _only_own_setting(draft, view.w)
            elif draft.fields.get("negated") and draft.fields.get("settings") == ("metastatic",):
                # "relapsed > 1 year after adjuvant ET and no ET for metastatic disease": the
                # relapse window is the adjuvant therapy's, not the absent one's
                for key in ("relapse_within_months", "relapse_after_months"):
                    draft.fields.pop(key, None)
            out.append(draft)
            companion = view.memo.pop(("spared", run.start), None)
            if companion is not None:
                out.append(companion)
            if view.memo.pop(("or intolerant", run.start), False):
                if draft.fields.get("negated"):
                    draft.fields["relation"] = "received"  # "not ... for progression or
                    # intolerance": neither, which no pair of alternatives says
                else:
                    # "progression on, or intolerance to, X": progressed, or intolerant
                    twin = draft.with_fields({**draft.fields, "relation": "intolerant"})
                    out.append(twin)
                    view.memo.setdefault(ALTERNATIVE_PAIRS, []).append((twin, draft))
            half = view.memo.pop(("elliptical", run.start), None)
            if half is not None:
                out.insert(len(out) - 1, half)  # the first half, in reading order
                view.memo.setdefault(ALTERNATIVE_PAIRS, []).append((half, draft))
            excepted = _exception_window(view, draft)
            if excepted is not None:
                out.append(excepted)
            if view.section == Section.EXCLUSION and view.has(_SUITED_WORDS):
                _add_suitability(view, draft)
    if view.section == Section.EXCLUSION and view.has(_SEQUENCE_WORDS):
        _sequence_excludes_together(out, view.w)
    windows = {
        (d.fields["agents"], d.fields["classes"], d.fields["settings"])
        for d in out
        if d.kind == "prior_therapy" and d.fields.get("max_duration_months") is not None
    }
    if windows:
        # "progressed within the first 3 months of X (refractory to X)": the bracket restates it
        out = [
            d
            for d in out
            if not (
                d.kind == "prior_therapy"
                and not d.fields.get("negated")
                and d.fields.get("max_duration_months") is None
                and (d.fields["agents"], d.fields["classes"], d.fields["settings"]) in windows
            )
        ]
    if view.section == Section.INCLUSION and view.has(_ONLY_WORDS) and out:
        out += _only_line(view, mentions)
    if len(out) > 1 and view.has(_INCLUDING_WORDS):
        out = _examples_of_generic(out, view.w)
    if not out and view.section == Section.INCLUSION and view.has(_PROGRESSION_WORDS):
        out += _bare_progression(view)
    return out


_INCLUDING_WORDS = gate_words("including", "such as", "e.g")
#: Between a therapy in general and a list of its kinds: "..., including targeted agents".
_INCLUDING_BETWEEN = re.compile(r"^[^.;]*\b(?:including|such as|e\.g\.?)\s", re.IGNORECASE)


def _examples_of_generic(out: list[Draft], w: str) -> list[Draft]:
    """'No prior systemic treatment for advanced disease, including targeted agents,
    immunotherapy or chemotherapy': the therapies after "including" are kinds of the general
    one before them (already its statement), not a requirement of their own."""
    kept: list[Draft] = []
    for draft in out:
        general = next(
            (d for d in kept if d.kind == "prior_therapy"
             and d.fields.get("classes") == ("systemic_anticancer_therapy",)
             and not d.fields.get("agents")
             and d.end <= draft.end
             and _INCLUDING_BETWEEN.match(w[d.end : draft.end])),
            None,
        )  # fmt: skip
        if (
            general is not None
            and draft.kind == "prior_therapy"
            and draft.fields.get("negated") != general.fields.get("negated")
            and not set(draft.fields.get("settings", ())) - set(general.fields.get("settings", ()))
        ):
            continue
        if (
            general is not None
            and draft.kind == "prior_therapy"
            and not TIMING_FIELDS & draft.fields.keys()
        ):
            # "other antitumour agents (within 2 weeks ...), such as chemotherapy": the kinds
            # take the general one's window
            for key in TIMING_FIELDS & general.fields.keys():
                draft.fields[key] = general.fields[key]
        kept.append(draft)
    return kept


#: An inclusion item that is only "documented radiographic disease progression" (at entry):
#: progression of the disease on or after the latest therapy.
_BARE_PROGRESSION = re.compile(
    r"^\W*(?:(?:patients?|participants?|subjects?)\s+)?(?:must\s+(?:have|show)\s+)?"
    r"(?:(?:documented|radiographic(?:al(?:ly)?)?|radiologic(?:al(?:ly)?)?|objective|confirmed"
    r"|recent|clear|evidence\s+of|imaging)\s+)+(?:disease\s+)?(?:progression|progressive\s+disease)"
    r"(?:\s+(?:at|before|prior\s+to)\s+(?:the\s+time\s+of\s+)?(?:study\s+)?(?:entry|enrol\w*"
    r"|randomi[sz]ation|registration|screening|inclusion))?\W*$",
    re.IGNORECASE,
)


def _bare_progression(view: ItemView) -> list[Draft]:
    found = _BARE_PROGRESSION.match(view.w)
    if found is None:
        return []
    fields: dict[str, object] = {
        "agents": (),
        "classes": ("systemic_anticancer_therapy",),
        "relation": "progressed",
        "settings": (),
        "except_agents": (),
        "except_classes": (),
        "exceptions": (),
        "negated": False,
        "most_recent": True,  # a patient still on a line without progression has not progressed
    }
    return [Draft("prior_therapy", fields, view.evidence(0, len(view.w)), 0, len(view.w))]


#: "Systemic treatment with (any) immunosuppressive medication": the words after "with" say which.
_PART_OF = re.compile(
    r"\s+(?:given\s+|administered\s+|received\s+)?as\s+(?:a\s+)?part\s+of\s+(?:(?:an?|the|any"
    r"|previous|prior|(?:1st|first|2nd|second|3rd|third)[- ]line)\s+)*",
    re.IGNORECASE,
)
#: Only a space or hyphen between a named therapy and the generic words after it.
_HEAD_NOUN_GAP = re.compile(r"[\s-]{1,2}")
#: A name that ends in its own noun ("chemotherapy", "CDK4/6 inhibitors") has no head noun after
#: it: "chemotherapy systemic anticancer therapy" lists two.
_NOUN_END = re.compile(
    r"(?:therap(?:y|ies)|treatments?|agents?|drugs?|inhibitors?|antibod(?:y|ies)|regimens?"
    r"|conjugates?|medications?)\W*$",
    re.IGNORECASE,
)
_CLASS_WITH = re.compile(
    r"\s+(?:therapy\s+|treatment\s+)?(?:with|using)\s+(?:the\s+|an?\s+)?", re.I
)


_WITH_NAMED = re.compile(
    r"^\s+with\s+(?:any\s+|an?\s+|the\s+|other\s+|either\s+|high-dose\s+){0,2}$", re.IGNORECASE
)


#: "Prior treatment with dupilumab", "with this study drug": a drug the lexicon does not know is
#: named; the treatment is that drug's, not any anticancer therapy.
_UNNAMED_DRUG_AFTER = re.compile(
    r"\s+with\s+(?:[A-Z][\w-]*|\w*\d\w*|\w+(?:mab|nib|lib|stat|tide|mide|platin|taxel|rubicin)"
    r"|(?:this|the)\s+(?:study|investigational|trial)\s+(?:drugs?|products?|medications?"
    r"|treatments?|agents?))\b"
)
#: "a single-agent EGFR TKI", "monotherapy with an approved ALK inhibitor", "osimertinib
#: monotherapy", "X as a single agent": X given alone. Not "X monotherapy or in combination",
#: which allows both.
_SINGLE_BEFORE = re.compile(
    r"\b(?:single[- ]agents?|mono-?\s?therapy\s+(?:with|of))\s+(?:(?:an?|the|any|approved)\s+)*"
    # the examples of a single-agent class: "monotherapy with an X (ie, A, B, ..."
    r"(?:[\w/-]+\s+){0,4}?(?:[\w/-]+\s*)?(?:\(\s*(?:ie|i\.e\.|e\.g\.|eg|including|such as)[.,:]?\s*"
    r"(?:[\w-]+\s*(?:,|or|and)?\s*){0,4})?$"
    r"|\bmono-?\s?therapy\s*\(\s*(?:ie|i\.e\.|e\.g\.|eg|including|such as)[.,:]?\s*"
    r"(?:[\w-]+\s*(?:,|or|and)?\s*){0,4}$"
)
_SINGLE_AFTER = re.compile(
    r"^[\s)]*(?:\([^()]{0,80}\)\s*)?(?:as\s+(?:an?\s+)?)?(?:mono-?\s?therapy|single[- ]agents?)\b"
    r"(?!\s*(?:\([^()]*\)\s*)?,?\s*(?:or|and/or|with or without)\b)"
)
_SINGLE_WORDS = gate_words("single", "mono")
#: A half-life window that the therapy must be past, not within: "ended at least 5 half-lives
#: before day 1", "completed a minimum of 5 half-lives ahead of entry".
_HALF_LIFE_WASHOUT = re.compile(
    r"\b(?:complet\w*|discontinu\w*|stopp\w*|ceased|ended|finished|elapsed|wash-?\s?out"
    r"|at\s+least|a\s+minimum|minimum\s+of)\b"
)
#: "Earlier therapy with one of these (in the stated windows):": a list's heading; its items
#: say which therapies count, the heading alone is not "any therapy".
_FOLLOWING_AFTER = re.compile(
    r"\s+(?:with|by|using|of)\s+(?:any|one|either|(?:at\s+least\s+)?one)\s+of\s+"
    r"(?:the\s+)?(?:following|these|below)\b",
    re.IGNORECASE,
)
#: "Hypertension uncontrolled by standard therapies": the therapy of another condition.
_CONTROLS_BEFORE = re.compile(r"\b(?:un)?controlled\s+(?:by|with|on)\s+$", re.IGNORECASE)
#: "therapy directed against ALK or ROS1": a target the lexicon has no class for; not all therapy.
_DIRECTED_AT = re.compile(
    r"\s*(?:\([^()]{0,20}\)\s*)?(?:directed|targeted|aimed)\s+(?:against|at|to)\b|\s*targeting\b",
    re.IGNORECASE,
)


def _named_after_generic(mentions: list[lexicon.Mention], w: str) -> list[lexicon.Mention]:
    """Drop a generic "systemic treatment" that a named therapy right after it specifies, and a
    bracketed abbreviation of the class just named ("EGFR tyrosine kinase inhibitor (TKI)")."""
    if len(mentions) < 2:
        return mentions
    kept = [
        m
        for m, following in zip(mentions, [*mentions[1:], None], strict=True)
        if not (
            following is not None
            and m.id == "systemic_anticancer_therapy"
            and following.id != m.id
            and _WITH_NAMED.match(w[m.end : following.start])
        )
    ]
    out: list[lexicon.Mention] = []
    for m in kept:
        previous = out[-1] if out else None
        if (
            previous is not None
            and m.id == "systemic_anticancer_therapy"
            and previous.id != m.id
            and _HEAD_NOUN_GAP.fullmatch(w, previous.end, m.start)
            and not _NOUN_END.search(previous.text)
        ):
            # "taxane anticancer drugs": the generic words are the named therapy's head noun
            out[-1] = dataclasses.replace(previous, end=m.end, text=w[previous.start : m.end])
            continue
        if previous is not None and _PART_OF.fullmatch(w, previous.end, m.start):
            continue  # "anthracyclines as part of previous chemotherapy": the anthracyclines
        if (
            previous is not None
            and previous.kind == "class"
            and m.id != previous.id
            and _CLASS_WITH.fullmatch(w, previous.end, m.start)
            and _within_class(m, previous.id)
        ):
            # "hormonal therapy with fulvestrant", "chemotherapy with a taxane": the member named,
            # not any of the class
            out[-1] = m
            continue
        if (
            previous is not None
            and m.kind == "class"
            and _OPENED.fullmatch(w, previous.end, m.start)
            and w[m.end : m.end + 2].lstrip().startswith(")")
            and _within_class(previous, m.id)
        ):
            # the abbreviation is part of the name it abbreviates
            out[-1] = dataclasses.replace(previous, end=m.end, text=w[previous.start : m.end])
            continue
        if (
            previous is not None
            and m.id in _GENERIC_BASED
            and _BASED_ON.fullmatch(w, previous.end, m.start)
            and _within_class(previous, "chemotherapy")
        ):
            # "anthracenedione-based chemotherapy": the chemotherapy is the one just named
            out[-1] = dataclasses.replace(previous, end=m.end, text=w[previous.start : m.end])
            continue
        if (
            previous is not None
            and previous.kind == "class"
            and previous.id.endswith("_targeted_therapy")
            and m.id in _MODALITIES
            and _INCLUDING.fullmatch(w, previous.end, m.start)
        ):
            # "any anti-HER2 therapy, including an antibody-drug conjugate": the anti-HER2
            # conjugates, not every conjugate ("EGFR-directed therapy (i.e., TKIs)": EGFR TKIs)
            out[-1] = dataclasses.replace(previous, end=m.end, text=w[previous.start : m.end])
            continue
        out.append(m)
    return out


#: "(an antibody-drug conjugate or antibody) targeting EGFR and/or HER3": the target narrows it.
_TARGETING = re.compile(
    r"(?P<more>\s+(?:or|and|and/or)\s+(?:an?\s+)?(?:[\w-]+\s+){0,2}?)?\s*(?:\([^()]{1,15}\)\s*)?"
    r"(?:that\s+|which\s+)?(?:(?:specifically|selectively|primarily)\s+)?"
    r"(?:targeting|targets?|directed\s+(?:at|against|to)|against)\s+"
    r"(?P<targets>[^;,.()]{2,40})",
    re.IGNORECASE,
)


def _targeted(mentions: list[lexicon.Mention], w: str) -> list[lexicon.Mention]:
    """A kind of drug followed by its targets ("ADC targeting EGFR and/or HER3") is the class
    of drugs against those targets, where the lexicon has one."""
    if "target" not in w and "against" not in w and "directed" not in w:
        return mentions
    out: list[lexicon.Mention] = []
    for m in mentions:
        kind_named = m.kind == "class" and (m.id in _MODALITIES or m.id in _ANY_THERAPY)
        found = _TARGETING.match(w, m.end) if kind_named else None
        # "therapy directed against ALK": no kind of drug named, the target's drugs of any kind
        modality = "" if m.id in _ANY_THERAPY else m.id
        classes = [] if found is None else _target_classes(modality, found)
        if found is None or not classes:
            out.append(m)
            continue
        end = found.end("targets")
        out += [lexicon.Mention(m.start, end, c, "class", w[m.start : end]) for c in classes]
    return out


def _target_classes(modality: str, found: re.Match[str]) -> list[str]:
    """The lexicon's classes of drugs against the genes named ("EGFR and/or HER3"): of that
    kind ("her2_adc") where the lexicon has it and no other kind is named beside it ("an ADC
    or antibody targeting ..."), else every drug against the target."""
    return _classes_against(modality, found.group("targets"), bool(found.group("more")))


def _classes_against(modality: str, targets: str, more: bool = False) -> list[str]:
    """`_target_classes` for the target words themselves."""
    known = lexicon.default_lexicon().classes
    kind = None if more else _KIND_SUFFIX.get(modality)
    classes = []
    for gene in lexicon.find_gene_mentions(targets):
        # the classes are named after a gene's usual name ("her2" for ERBB2, "trop2" for TACSTD2)
        names = [_NON_WORD.sub("", n.lower()) for n in (gene.id, *lexicon.gene_aliases(gene.id))]
        target = next((n for n in names if f"{n}_targeted_therapy" in known), None)
        if target is None:
            # a kind of drug not named ("drugs that inhibit ALK"), or a kinase inhibitor ("ALK
            # directed TKIs"): the target's inhibitors
            inhibitors = next((f"{n}_inhibitor" for n in names if f"{n}_inhibitor" in known), None)
            if inhibitors and (not modality or kind == "tki"):
                classes.append(inhibitors)
            continue
        narrow = f"{target}_{kind}" if kind else ""
        classes.append(narrow if narrow in known else f"{target}_targeted_therapy")
    return list(dict.fromkeys(classes))


#: "HER2-directed monoclonal antibodies", "anti-EGFR TKIs": a target named before a kind of drug.
_TARGET_BEFORE = re.compile(
    r"(?:\banti-?\s*(?P<anti>[^\W_][\w/]{1,10})|\b(?P<named>[^\W_][\w/]{1,10}?)\s*-?\s*"
    r"(?:directed|targeted|targeting))\s*[-\s]\s*$",
    re.IGNORECASE,
)
#: "(HER2-directed antibodies) or TKIs": one target shared by the kinds of drug listed.
_SHARED_BY_NEXT = re.compile(r"\s*(?:,\s*)?(?:or|and|and/or|/|,)\s*$", re.IGNORECASE)
_TARGET_BEFORE_WORDS = gate_words("anti", "directed", "targeted", "targeting")
_FAMILIES = ("egfr", "her2", "her3", "trop2", "ar")


def _family(class_id: str) -> str | None:
    """The target a class of targeted drugs is named after ("her2_antibody": "her2")."""
    return next((f for f in _FAMILIES if class_id.startswith(f"{f}_")), None)


def _targeted_before(mentions: list[lexicon.Mention], w: str) -> list[lexicon.Mention]:
    """A kind of drug after its target ("HER2-directed monoclonal antibodies") is the class of
    drugs of that kind against the target; a kind listed right after it shares the target
    ("HER2-directed antibodies or tyrosine kinase inhibitors": HER2 antibodies and HER2 TKIs)."""
    known = lexicon.default_lexicon().classes
    out: list[lexicon.Mention] = []
    for m in mentions:
        if m.kind != "class" or m.id not in _MODALITIES:
            out.append(m)
            continue
        before = _TARGET_BEFORE.search(w, max(0, m.start - 30), m.start)
        classes = (
            _classes_against(m.id, before.group("anti") or before.group("named"))
            if before is not None
            else []
        )
        start = before.start() if classes and before is not None else m.start
        previous = out[-1] if out else None
        family = _family(previous.id) if previous is not None and previous.kind == "class" else None
        if (
            not classes
            and previous is not None
            and family is not None
            and _SHARED_BY_NEXT.match(w[previous.end : m.start])
        ):
            kind = _KIND_SUFFIX.get(m.id)
            narrow = f"{family}_{kind}"
            classes = [narrow if kind and narrow in known else f"{family}_targeted_therapy"]
        out += (
            [lexicon.Mention(start, m.end, c, "class", w[start : m.end]) for c in classes]
            if classes
            else [m]
        )
    return out


_NON_WORD = re.compile(r"\W")
_KIND_SUFFIX = {"antibody_drug_conjugate": "adc", "monoclonal_antibody": "antibody",
                "tyrosine_kinase_inhibitor": "tki", "kinase_inhibitor": "tki"}  # fmt: skip


#: Kinds of drug that a target narrows ("anti-HER2 therapy including an antibody-drug
#: conjugate" means the HER2-directed conjugates).
#: Therapy in general, which a target narrows to the target's drugs ("therapy against ALK").
_ANY_THERAPY = frozenset({"systemic_anticancer_therapy", "targeted_therapy"})
_MODALITIES = frozenset(
    {"antibody_drug_conjugate", "tyrosine_kinase_inhibitor", "kinase_inhibitor",
     "monoclonal_antibody", "bispecific_antibody"}
)  # fmt: skip
_INCLUDING = re.compile(
    r"\s*[,(]?\s*(?:including|incl\.?|such as|e\.g\.,?|i\.e\.,?)\s+(?:an?\s+|any\s+|the\s+)?",
    re.IGNORECASE,
)


_GENERIC_BASED = frozenset({"chemotherapy", "systemic_anticancer_therapy"})
_BASED_ON = re.compile(r"\s*-?\s*(?:based|containing)\s+", re.IGNORECASE)


_OPENED = re.compile(r"\s*\(\s*")


def _within_class(mention: lexicon.Mention, class_id: str) -> bool:
    """The drug or class named lies in `class_id` (or is it)."""
    if mention.kind == "class":
        return lexicon.is_subclass(mention.id, class_id)
    return class_id in lexicon.drug_classes(mention.id)


def _only_own_setting(draft: Draft, w: str) -> None:
    """The therapy ruled out for advanced disease has that setting only, and none of the
    windows that belong to the adjuvant therapy named before it."""
    setting = _SETTING_WORDS.match(w[draft.run_end :])
    draft.fields["settings"] = cues.settings_in(setting.group(0)) if setting else ()
    for key in ("relapse_within_months", "relapse_after_months", "min_duration_months"):
        draft.fields.pop(key, None)


def _untreated_setting(view: ItemView, mentions: list[lexicon.Mention]) -> list[lexicon.Mention]:
    """'Relapse after adjuvant tamoxifen, without any prior treatment for metastatic disease':
    beside the drugs named, the item rules out any therapy for advanced disease."""
    w = view.w
    extra = []
    for generic in _GENERIC.finditer(w, view.low):
        start, end = generic.span()
        if any(m.start < end and start < m.end for m in mentions):
            continue
        setting = _SETTING_WORDS.match(w[end:])
        if (
            setting is None
            or not _ADVANCED_WORD.search(setting.group(0))
            or not cues.negated_before(w, start)
        ):
            continue
        extra.append(
            lexicon.Mention(start, end, "systemic_anticancer_therapy", "class", w[start:end])
        )
    return extra


_ADVANCED_WORD = re.compile(r"\b(?:advanced|metasta\w*|recurr\w*|relaps\w*|stage IV)", re.I)


def _sentence_of(w: str, low: str, run: _Run) -> str:
    """The lower-case sentence in which a therapy is named."""
    return low[cues.sentence_start(w, run.context) : cues.sentence_stop(w, run.end)]


def _others_exceptions(
    view: ItemView, run: _Run, mentions: list[lexicon.Mention]
) -> frozenset[int]:
    """Starts of the exceptions after a therapy that belong to another therapy named between
    them ("chemotherapy within 3 weeks, and radiotherapy (except palliative radiotherapy)") or
    to a later element of an inline list ("b) X c) Y, other than Z")."""
    own = {*run.agents, *run.classes}
    out: set[int] = set()
    for span in view.exceptions:
        if span.start <= run.end:
            continue
        if ELEMENT_MARK.search(view.w, run.end, span.start):
            out.add(span.start)  # "b) fulvestrant c) ... d) any, other than steroids"
            continue
        head = next((m for m in mentions if span.body_start <= m.start < span.end), None)
        if (
            head is not None
            and head.id not in own
            and any(
                run.end <= m.start < span.start
                and m.id == head.id
                and not view.in_exception(m.start)
                for m in mentions
            )
        ):
            out.add(span.start)
    return frozenset(out)


def _future_before(before: str, l_before: str) -> bool:
    """Whether the words before a therapy make it a plan ("eligible for X"), unless a history
    starts again after the plan's cue: "within 3 weeks before study treatment, and had received
    X", "scheduled to receive a live vaccine or received one within 28 days"."""
    found = _FUTURE.search(before, l_before)
    return found is not None and not _HISTORY_RESUMES.search(l_before, found.end())


_STARTED_RECENTLY = Fast(
    r"\b(?:initiat(?:ed|ion|ing)|started|begun|began|commenced|stable\s+dose\s+for)\b"
    r"(?![^.;]{0,20}\bstudy\b)[^.;]{0,130}?"
    r"(?:\bwithin|<=?)\s*(?:the\s+)?(?:last\s+|past\s+)?(?P<n>\d+)\s*(?P<unit>days?|weeks?|months?)\b"
    r"(?!\s*(?:after|following|from|of)\b)"  # "within 8 weeks after surgery": another clock
)
#: The rest of a list of settings that a fixed reach cut through.
_SETTING_LIST_GOES_ON = re.compile(
    r"[\w-]*(?:\s*,?\s*(?:or|and|and/or)?\s*(?:locally\s+)?(?:advanced|metastatic|recurrent"
    r"|unresectable|adjuvant|neoadjuvant|neo-adjuvant|early)\b)+\s*(?:settings?|disease|stage)?",
    re.IGNORECASE,
)
_OTHER_IN_BRACKET = re.compile(r"\(\s*(?:any\s+)?other\s+$", re.IGNORECASE)
#: A daily dose limit written after a drug: "(prednisone > 10 mg/day or equivalent)",
#: ">= 20 mg per day of prednisolone".
_DAILY_DOSE = re.compile(
    r"(?:\b(?!of\b|at\b|an?\b|doses?\b|dosing\b|exceed\w*\b|with\b|or\b|and\b|absolute\b"
    r"|average\b)[a-z]+\s+)?"
    r"(?:>=|>)\s*\d+(?:\.\d+)?\s*mg\s*"
    r"(?:(?:/\s*|per\s+)(?:day|d)\b|daily\b)(?:\s+(?:of\s+)?(?!or\b)[a-z]+)?"
    r"(?:\s+or\s+(?:its\s+|an?\s+)?equivalent(?:\s+dose)?)?",
    re.IGNORECASE,
)
_DOSE_LIMIT_AFTER = re.compile(
    r"[\s(]*(?:>=|>)\s*\d+(?:\.\d+)?\s*mg\s*(?:/\s*|per\s+)?(?:day\b|d\b|daily\b)", re.I
)
_DAILY_DOSE_BREAK = re.compile(r"[.;]\s|\bor\b|\)\s*,")
_EACH_BEFORE = re.compile(r"\b(?:before|prior to|at|with|during|after)\s+(?:each|every)\s+$")
_HISTORY_RESUMES = re.compile(
    r"(?:[,;]|\b(?:or|and)\b)\s*(?:(?:patients|participants|subjects)\s+who\s+)?"
    r"(?:(?:had|has|have)\s+)?(?:been\s+)?(?:taken/)?(?:received|taken|treated)\b"
)


def _lesion_in_sentence(view: ItemView, run: _Run) -> bool:
    """Whether the sentence of a therapy speaks of lesions outside its exceptions
    ("radiotherapy (except palliative radiotherapy to non-target lesions)" does not)."""
    start = cues.sentence_start(view.w, run.context)
    sentence = _sentence_of(view.w, view.low, run)
    return any(not view.in_exception(start + m.start()) for m in re.finditer("lesion", sentence))


def _exception_window(view: ItemView, draft: Draft) -> Draft | None:
    """'X or Y, except Z if stopped >= 3 months before': the window is the exception's condition,
    not a limit on X or Y. The draft loses it, and Z within the window is a criterion of its own
    (Z stopped less than 3 months before counts as Z)."""
    days = draft.fields.get("within_days")
    excepted = (*draft.fields.get("except_agents", ()), *draft.fields.get("except_classes", ()))
    if not days or not excepted:
        return None
    w = view.w
    for span in view.exceptions:
        if span.start < draft.run_end or cues.SENTENCE_END.search(w, draft.run_end, span.start):
            continue
        inside = w[span.body_start : span.end]
        after = _CLAUSE_END.search(w, span.end)
        outside = (
            w[cues.sentence_start(w, draft.start) : span.start]
            + " "
            + w[span.end : after.start() if after else len(w)]
        )
        if not (
            _EXCEPTION_WHEN.search(inside) and (_WASHOUT.search(inside) or cues.within_days(inside))
        ) or (_DIGIT.search(outside) and _TIME_UNIT.search(outside.lower())):
            return None
        draft.fields.pop("within_days")
        return Draft(
            "prior_therapy",
            {
                "agents": tuple(draft.fields.get("except_agents", ())),
                "classes": tuple(draft.fields.get("except_classes", ())),
                "relation": "received",
                "settings": (),
                "except_agents": (),
                "except_classes": (),
                "exceptions": (),
                "within_days": days,
                "negated": draft.fields.get("negated", False),
            },
            view.evidence(span.start, span.end),
            span.start,
            span.end,
            span.end,
        )
    return None


def _runs(view: ItemView, mentions: list[lexicon.Mention]) -> list[_Run]:
    w = view.w
    runs: list[list[lexicon.Mention]] = []
    for mention in mentions:
        if view.in_exception(mention.start):
            continue
        if runs:
            previous = runs[-1][-1]
            gap = w[previous.end : mention.start]
            if (
                _GAP.match(gap)
                and not _NEW_CLAUSE_IN_GAP.search(gap)
                and not any(
                    e.start >= previous.end and e.start < mention.start for e in view.exceptions
                )
                and not ("(" in gap and _bracket_lets_in(view.low, previous.end + gap.index("(")))
            ):
                runs[-1].append(mention)
                continue
        runs.append([mention])
    out: list[_Run] = []
    for run in runs:
        kept: list[lexicon.Mention] = []
        has_class = any(m.kind == "class" for m in run)
        for mention in run:
            before = w[max(0, mention.start - 25) : mention.start]
            if (
                has_class
                and mention.kind == "drug"
                and _EXAMPLE_CUE.search(before.split("(")[-1] if "(" in before else before)
            ):
                continue  # "a CDK4/6 inhibitor (e.g. palbociclib)": the class is the statement
            if (
                has_class
                and mention.kind == "drug"
                and "(" in w[run[0].start : mention.start]
                and _examples_in_paren(w, run[0].start, mention.start)
            ):
                continue
            if (
                view.has(_OPTIONAL_BEFORE_WORDS)
                and _OPTIONAL_BEFORE.search(w[max(0, mention.start - 20) : mention.start])
            ) or (kept and _OPTIONAL.search(_bare(w[kept[-1].end : mention.start]))):
                continue  # "endocrine therapy with or without a CDK4/6 inhibitor": optional
            kept.append(mention)
        kept = _closed_lists(w, kept)
        for group in _conjuncts(view, kept):
            agents = [m.id for m in group if m.kind != "class"]
            classes = [m.id for m in group if m.kind == "class"]
            out.append(
                _Run(
                    group[0].start,
                    group[-1].end,
                    tuple(dict.fromkeys(agents)),
                    tuple(dict.fromkeys(classes)),
                    run[0].start,
                )
            )
    return out


#: Between the drugs of a bracketed list: commas, "or", "and", slashes.
_LIST_GAP = re.compile(r"\s*(?:,|/|\bor\b|\band\b|\band/or\b)?\s*(?:(?:or|and)\s+)?")


@functools.cache
def _generational() -> frozenset[str]:
    """Classes whose drugs come in generations ("EGFR TKI", "ALK inhibitor"), and their
    ancestors: trials tell the generations apart by resistance, so a list names a choice."""
    return frozenset(
        ancestor
        for c in lexicon.all_classes()
        if "_generation" in c.id
        for ancestor in lexicon.class_ancestors(c.id)
    )


def _closed_lists(w: str, run: list[lexicon.Mention]) -> list[lexicon.Mention]:
    """'first-line EGFR TKIs (gefitinib or erlotinib or icotinib)': a class whose drugs come in
    generations, followed by a bracket that names two or more of its drugs and nothing else,
    with no "e.g." or "such as" (whose drugs are dropped as examples before this), is that list:
    a patient treated with a drug of another generation is not what it speaks of. Lists after
    other classes ("a taxane (paclitaxel or docetaxel)", "corticosteroids (prednisone, ...)")
    stay the class: there they illustrate."""
    out = list(run)
    for index, mention in enumerate(run):
        if mention.kind != "class" or mention.id not in _generational():
            continue
        opened = _OPENED.match(w, mention.end)
        if opened is None:
            continue
        listed: list[lexicon.Mention] = []
        at = opened.end()
        for other in run[index + 1 :]:
            if other.kind != "drug" or other.start != at:
                break
            listed.append(other)
            gap = _LIST_GAP.match(w, other.end)
            at = gap.end() if gap else other.end
        if (
            len(listed) >= 2
            and w.startswith(")", at)
            and all(mention.id in lexicon.drug_classes(d.id) for d in listed)
        ):
            out.remove(mention)
    return out


_LETS_IN_WORDS = re.compile(r"allow|permit|eligible|acceptab|accepted|not excluded")


def _bracket_lets_in(low: str, opened: int) -> bool:
    """'(prior PI3K or mTOR inhibitors are allowed)', '(topical vaginal estrogen is allowable)':
    the bracket opened at `opened` lets its therapies in (they are no part of the run or list
    before it). `low` is the item in lower case."""
    closed = low.find(")", opened)
    return _LETS_IN_WORDS.search(low, opened, closed if closed > 0 else len(low)) is not None


#: Between two therapies: the second is optional, or both are required, or either will do.
_OPTIONAL = re.compile(r"\bwith or without\b|±|\+/-|\+ or -|\bor not\b", re.IGNORECASE)
_NEXT_ALTERNATIVE = re.compile(
    r",?\s+or\s+(?:if\s+)?(?:(?:the\s+|an?\s+)?(?:patients?|participants?)\s+(?:with\s+[^,;.]{0,60}?\s+)?)?"
    r"(?:(?:with|who|whose|in whom|having)\s+)?(?:(?:a|an|the|their)\s+)?"
    r"(?:disease\s+)?(?:(?:has|have|had)\s+)?(?:progress|relaps|recurr)",
    re.I,
)
_GIVEN_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,3}?(?:is|are|will be)\s+(?:\w+\s+)?(?:administered|given|planned)"
    r"|^[^.;]{0,60}?\b(?:can|may|could|will)\s+(?:also\s+)?be\s+(?:initiated|started|commenced)\b"
)
#: "(Echo obtained) within 4 weeks of prior Herceptin": the therapy dates a test, no more.
_DATES_A_TEST = re.compile(
    r"\b(?:MUGA|echo\w*|ECG|EKG|scan|imaging|biopsy|test\w*|obtained|performed|measured|assessed"
    r"|done)\b[^.;]{0,60}\bwithin\s+\d+\s*(?:days?|weeks?|months?)\s+(?:of|after|from)\s+"
    r"(?:the\s+)?(?:prior|last|previous|most recent)?\s*(?:dose\s+of\s+)?$",
    re.IGNORECASE,
)
_INDICATED_AFTER = re.compile(
    r"^[\s)\]]*(?:\([^()]*\)\s*)?(?:\w+\s+){0,2}(?:is|are)\s+(?:\w+\s+)?(?:indicated|planned"
    r"|recommended|appropriate|advised|considered appropriate)"
    r"|^\s*(?:(?:plus|and|\+|with)\s+(?:[\w-]+\s+){1,3})?(?:is|are)\s+(?:an?\s+)?(?:reasonable|suitable)"
    r"\s+(?:treatment\s+)?(?:option|choice)"
)  # "X (plus Y) is a reasonable treatment option": a future treatment
#: "without (an) appropriate washout (period)": a washout whose length the protocol sets.
_NO_WASHOUT = re.compile(
    r"\bwithout (?:an? )?(?:appropriate|adequate|sufficient|proper|required|the required)\s+"
    r"(?:washout|wash-out)",
    re.I,
)
_WITHIN = re.compile(r"\bwithin\s+(\d+)\s*(days?|weeks?|months?)", re.I)
_LEAD_CUT = re.compile(r"[.;]\s|\s[a-h]\)(?=\s*[A-Z])")
#: The drugs a washout rule gives as examples, or applies to ("drugs with a long half-life,
#: e.g. biologics, may need a longer washout"): no exclusion of their own.
_WASHOUT_EXAMPLES = re.compile(
    r"washout\b[^.;]{0,60}\b(?:for example|e\.g\.?|such as)[^.;]*$"
    r"|washout (?:period )?(?:may be |is |will be )?(?:required|needed|necessary) for[^.;]*$"
)
#: A clause that opens "In addition to X, ...": X is what the rule that follows adds to.
_BESIDES = re.compile(r"(?:^|[:;.]\s*)in addition to\s+(?:(?:the|an?|any|prior)\s+)?$")
#: An allowed dose ("<= 10 milligrams per day (mg/day) prednisone", "low-dose ... mg of X").
_DOSE_BEFORE = re.compile(
    r"(?:<=|<|\blow[- ]dose\b|\bup to\b)[^.;]{0,30}?\b(?:mg|milligrams?)\b[^.;]{0,20}?"
    r"(?:/day)?\)?[\s,]*(?:of\s+)?$",
    re.I,
)
_CONTRACEPTIVE_CLASSES = frozenset({"progestin", "estrogen_therapy"})
_CONTRACEPTION_BEFORE = re.compile(r"\b(?:contracepti\w*|birth control)\b[^.;]*$")
_CONTRACEPTION_AFTER = re.compile(r"[^.;]{0,40}?\b(?:contracepti\w*|birth control)")
_NO_WASHOUT_NEEDED = re.compile(
    r"\bno\s+(?:wash-?\s?out|washout period)\s+(?:period\s+)?(?:is\s+)?(?:required\s+|needed\s+)?"
    r"(?:for|of|after|from)\s+(?:the\s+|any\s+|prior\s+|previous\s+)?$"
)
_COUNTED_OTHER = re.compile(r"\b(?:regimens?|lines?|courses?|cycles?|includ\w*)\b")
#: A count of one class before its name ("more than 2 prior ALK inhibitors", ">= 2 EGFR TKIs",
#: "no more than 1 prior CDK4/6 inhibitor", "multiple"): how many of it, not any use.
#: (Number words are digits in the working string.)
_CLASS_COUNT = re.compile(
    r"(?:(?:\bmore than|>)\s*(?P<gt>\d{1,2})|(?:>=|\bat least)\s*(?P<ge>\d{1,2})"
    r"|\b(?P<more>\d{1,2}) or more|(?:<=|\bno more than|\bat most|\bup to)\s*"
    r"(?P<le>\d{1,2})|\b(?P<multiple>multiple))\s+(?:prior\s+|previous\s+|earlier\s+)?$"
)


def _count_bounds(counted: re.Match[str]) -> tuple[int | None, int | None]:
    """(min, max) of a class count read by `_CLASS_COUNT`."""
    if counted.group("gt"):
        return int(counted.group("gt")) + 1, None
    if counted.group("ge") or counted.group("more"):
        return int(counted.group("ge") or counted.group("more")), None
    if counted.group("le"):
        return None, int(counted.group("le"))
    return 2, None  # "multiple"


_PREGNANCY_WORDS = gate_words("feed", "nursing", "fetus", "foetus", "teratogen", "abortifacient")
_ALLOWANCE_WORDS = gate_words("allowed", "permitted", "accept", "eligible", "may ", "can be")
_PREGNANCY_NOTE = re.compile(
    r"\b(?:breast-?\s?feed\w*|nursing infants?|f[o]?etus|teratogen\w*|abortifacient)\b"
    r"(?![^.;]*\b(?:prior|previous|history|received|known)\b)[^.;]*$"
)
_PRECLUDED_BEFORE = re.compile(
    r"\b(?:preclud\w*|prevent(?:s|ing|ed)?\b|contraindicat\w*|interfer\w* with"
    r"|(?:do|does|would) not allow)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:of\s+|with\s+)?(?:the\s+)?$"
)
#: A bracket that allows something: "(adjuvant chemotherapy is acceptable if ...)".
_ALLOWANCE_BRACKET = re.compile(
    r"\((?=[^()]{0,200}\b(?:allowed|permitted|acceptable|accepted|eligible|(?:may|can) (?:enter"
    r"|participate|take part|be (?:enrolled|included)))\b)",
    re.IGNORECASE,
)
_LABEL_AFTER = re.compile(r"^\s*(?:therap(?:y|ies)|treatments?|agents?)?\s*:\s*\S")
_TOPIC_AFTER = re.compile(
    r"^\s*(?:treatment\s+)?(?:histor(?:y|ies)|requirements?|criteria|routes?|options?)\s*"
    r"(?:\([^)]{0,40}\)\s*)?:\s*$"
)
#: "(mutation known to be associated with) EGFR TKI sensitivity", "EGFR-TKI-sensitising": what
#: a mutation predicts about the drug, not a treatment the patient had.
_SENSITIVITY_AFTER = re.compile(
    r"^[\s)-]*(?:\([\w\s-]{1,12}\)\s*)?(?:drug\s+|treatment\s+|therapy\s+)?(?:-\s*)?"
    r"(?:sensitiv\w*|sensiti[sz]\w*|hypersensitiv\w*|allerg\w*"
    r"|(?:national\s+|local\s+|approved\s+)?(?:label|prescribing information)"
    r"|(?:\w+\s+){0,2}?required (?:in|for|by|during) (?:this|the) (?:study|trial|protocol))\b",
    re.IGNORECASE,
)
#: "(hypersensitivity to X or) drugs with a similar chemical structure or class to (X)"
_SIMILAR_TO = re.compile(
    r"\b(?:similar|related|same class)\s+(?:\w+\s+){0,4}?(?:to|as|of)\s+(?:\w+\s+)?$"
    r"|\b(?:excipients?|ingredients?|components?|additives?|formulations?)\s+(?:\w+\s+){0,3}?"
    r"(?:of|in|to)\s+(?:the\s+)?$|\b(?:vehicle|formulated|formulations?)\b[^.;]{0,40}$",
    re.IGNORECASE,
)
#: "severe hypersensitivity (grade >= 3) to X": an allergy, read across the brackets
#: "within 28 days of dosing of avitinib", "before the first administration of X": the study's
#: own drug ("the start of X treatment" may be a history: "start of T-DXd > 30 days before").
_CLASSIFIED_AFTER = re.compile(
    r"^\s*(?:will|shall|would|is|are)\s+(?:not\s+)?(?:be\s+)?(?:considered|regarded|deemed"
    r"|counted|classified)\b"
)
_CLASSIFIED_BEFORE = re.compile(
    r"\b(?:considered|regarded|deemed|counted|classified)\s+(?:as\s+)?(?:an?\s+)?$"
)
_COMPLETED_ALL_BEFORE = re.compile(
    r"\b(?:completed|finished|ended|stopped|discontinued)\s+(?:all\s+|any\s+)?"
    r"(?:(?:prior|previous|earlier)\s+)?$",
    re.IGNORECASE,
)
#: "stopped 1 week prior to the start of X treatment", "prior to initiating X": a time point
#: ahead, so X is the study's drug (unlike "start of X > 30 days before", a history).
_START_OF_BEFORE = re.compile(
    r"\b(?:before|prior\s+to)\s+(?:initiating|starting|beginning|commencing|(?:the\s+)?"
    r"(?:start|initiation|beginning|commencement)\s+of)\s+(?:(?:treatment|therapy)\s+with\s+)?"
    r"(?:the\s+)?(?:study\s+)?$"
)
_DOSING_OF_BEFORE = re.compile(
    r"\b(?:dosing|(?:the\s+)?(?:first|initial)\s+(?:dose|dosing|administration))"
    r"\s+(?:of|with)\s+(?:the\s+)?(?:study\s+(?:drug\s+)?)?$"
)
#: "vitamin B12 supplementation during treatment with pemetrexed", "premedication before each
#: dose of X": the drug the supportive care goes with, the study's regimen, not a past one.
_PREMEDICATION_FOR_BEFORE = re.compile(
    r"\b(?:supplement(?:ation|s)?|pre-?\s?medications?|pre-?\s?medicat\w+)\b[^.;]{0,40}?"
    r"\b(?:during|for|before|alongside)\s+(?:(?:the|each|every)\s+)?(?:study\s+)?"
    r"(?:(?:treatment|therapy|administration|dose|infusion)\s+(?:with|of)\s+)?(?:the\s+)?$"
)
#: "as set out in the product labels for X and Y", "per the SmPC of X": the drugs name the
#: documents that define a rule, not a therapy the patient had.
_LABEL_OF_BEFORE = re.compile(
    r"\b(?:per|see|according\s+to|as(?:\s+(?:per|defined|specified|stated|described"
    r"|set\s+out)\s+(?:in|by))?)\s+(?:the\s+)?(?:[\w-]+\s+){0,4}?(?:smpcs?|labels?|labell?ing"
    r"|prescribing\s+information|package\s+inserts?|product\s+characteristics"
    r"|product\s+information)\s*(?:\([^()]{0,20}\)\s*)?(?:of|for)\s+(?:the\s+)?$"
)
_FOLLOWING_WORDS = gate_words("following", "these", "below")
#: "Any of the following prior therapies:" (the items come next).
_HEADING_BEFORE = re.compile(
    r"^\W*(?:any|one|either|all)\s+of\s+(?:the\s+)?(?:following|these|below)\s+(?:\w+\s+)?$"
)
_HEADING_END = re.compile(r"^\s*(?:\([^()]{0,40}\)\s*)?[:.]?\s*$")
_IS_ALLOWED_AFTER = re.compile(
    r"[^.;]{0,60}?\b(?:is|are|will\s+be)\s+(?:allowed|permitted|acceptable)\b", re.IGNORECASE
)
_INTERACTION_AFTER = re.compile(
    r"^\s*(?:for|of)\s+(?:[\w-]+\s+){0,4}?(?:drug[- ]?)?interactions?\b"
)
#: "because X is a VEGF inhibitor", "since X is": an explanation naming the study's drug.
_DESCRIBED_BEFORE = re.compile(
    r"\b(?:because|since|as)\s+[\w-]+\s+(?:is|are)\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,2}$"
)
_STUDY_WITH_BEFORE = re.compile(
    r"\b(?:during|in|for)\s+(?:the\s+)?(?:stud(?:y|ies)|trials?)\s+(?:with|of)\s+$"
)
#: "HER2-positive patients (are eligible) only if previously treated with": a subgroup's rule.
_SUBGROUP_ONLY_IF_BEFORE = re.compile(
    r"\b(?:patients?|subjects?|participants?|women|men|those)\s+(?:are\s+(?:eligible|allowed)\s+)?"
    r"only\s+if\s+(?:\w+\s+){0,5}$"
)
#: "... while on study treatment", "during the study": what the trial forbids from now on.
_ON_STUDY_AFTER = re.compile(
    r"^\s*(?:while|during)\s+(?:on\s+|receiving\s+)?(?:the\s+)?(?:study|protocol|trial)"
    r"(?:\s+(?:treatment|therapy|drugs?|period|participation))?\s*(?:[.;,(]|will\b|$)"
)  # not "during the study or within 4 weeks of entry", which holds a washout too
#: "within 72 hours prior to chemotherapy": the study's chemotherapy is a time point.
_TIME_POINT_BEFORE = re.compile(
    r"\b\d+\s*(?:hours?|hrs?|h)\s+(?:prior\s+to|before)\s+(?:(?:the|each|any|starting|receiving)"
    r"\s+)?$"
)
#: "For subjects who have received prior anthracyclines, LVEF < 50%": the subgroup a rule is for.
_FOR_THOSE_WHO_HAD = re.compile(
    r"^\W*(?:for|in|among)\s+(?:patients?|subjects?|participants?|those|women)\s+(?:who|that)\s+"
    r"(?:have\s+|has\s+|had\s+)?(?:received|had|been\s+(?:treated|exposed))\s+(?:with\s+|to\s+)?"
    r"(?:(?:a|an|any|prior|previous)\s+)*$"
)
_THEN_A_RULE = re.compile(r"^[^,;:]{0,30}[,:;]\s*\S")
_USED_AS_BEFORE = re.compile(r"\bas\s+(?:an?\s+)?$")
#: "The washout only applies to patients who have not yet started X": who a rule is for.
_APPLIES_TO_BEFORE = re.compile(
    r"\bappl(?:y|ies)\s+(?:only\s+)?(?:to|for)\s+(?:the\s+)?(?:patients?|participants?|subjects?"
    r"|those|people)\s+(?:who|that|with|whose)\b[^.;]{0,50}$"
)
_APPLIES_WORDS = gate_words("appl")
#: "... excluded because of possible drug-drug interactions with X": X is the study's drug.
_INTERACTION_WITH_BEFORE = re.compile(
    r"\binteractions?\s+(?:with|between|of|that\s+(?:may\s+)?affects?|affecting)\s+(?:the\s+)?$"
)
_INTERACTION_WORDS = gate_words("interaction")
_FOR_LESIONS_AFTER = re.compile(
    r"^\s*(?:for|of|to)\s+(?:the\s+|their\s+|his\s+|her\s+)?(?:cns|brain|cerebral|intracranial"
    r"|spinal|bone|skeletal)\b"
)
#: "(... 6 weeks for nitrosoureas or mitomycin; 1 week for capecitabine)": a drug's own washout.
#: A window and the words from it to the therapy it is for: "< 3 weeks since the last dose of".
_WINDOW_LEADS_TO_RUN = re.compile(
    r"(?:<=?|\bless than|\bwithin)\s*(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>days?|weeks?|months?)\s+"
    r"(?:since|after|from|following)\s+(?:the\s+)?(?:last|final|most recent)?\s*(?:dose|"
    r"administration|treatment|course|exposure|cycle)?\s*(?:of|with)?\s*(?:(?:prior|previous"
    r"|other|any)\s+)*$",
    re.IGNORECASE,
)
_OWN_WINDOW_BEFORE = re.compile(
    r"[(;,]\s*(?:last\s+|at least\s+|>=?\s*)?(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>days?|weeks?|months?)"
    r"\s*(?:\([^()]{0,60}\)\s*)?"  # "2 weeks (or 5 half-lives, whichever is longer) for X"
    r"\s+(?:for|with|after)\s+(?:(?:prior\s+)?[\w-]+\s*(?:,|or|and|/)?\s*){0,3}$",
    re.IGNORECASE,
)
_WASHOUT_ITEM = re.compile(r"\b(?:since|from|within|washout|elapsed|before|prior to)\b", re.I)
#: "(progression following prior therapy) which may include anthracyclines and taxanes",
#: "may have included": what the history may hold, not what it must.
_MAY_INCLUDE = re.compile(
    r"\b(?:may|might|can|could)\s+(?:have\s+)?(?:include[ds]?|included|consist(?:ed)?\s+of"
    r"|contain(?:ed)?)\b[^.;]*$",
    re.IGNORECASE,
)
#: "Prior trastuzumab if the patient had a severe hypersensitivity reaction (to it)".
_IF_REACTION_AFTER = re.compile(
    r"^[^.;]{0,40}?\b(?:if|when|where|with|who|that|resulting in|leading to)\b[^.;]{0,60}?"
    r"\b(?:hypersensitiv|allerg|anaphyla|infusion[- ]related reaction|infusion reaction)",
    re.IGNORECASE,
)
#: "allergy to X (grade 3), or to Y": also a fragment that goes on after a full stop ("known
#: allergy to the study drug. To Y and Z (ie, ...) as well"), and "allergic reactions
#: attributed to compounds similar to X or other agents (e.g., Y, Z)".
_ALLERGY_BEFORE = re.compile(
    r"\b(?:hypersensitiv\w*|allerg\w*|anaphyla\w*)\b(?:[^.;]|\.\s+(?=to\b)){0,100}?\bto(?:\s*:)?\s+"
    r"(?:[\w-]+[\s,、()]+){0,6}$"
    r"|\b(?:allerg\w*|hypersensitiv\w*)\b(?:[^.;]|\.(?!\s))*\b(?:attributed\s+to|compounds?"
    r"|components?|excipients?|composition)\b(?:[^.;]|\.(?!\s))*$",
    re.IGNORECASE,
)
_HISTORY_WORD = re.compile(r"\b(?:prior|previous|received|progress)")
#: (the look-ahead lets the engine skip the positions no unit can start at: twice as fast)
_TIME_UNIT = re.compile(r"(?=[dwmy\d])(?:day|week|wk|month|\bmos?\b|year|yr|\d\s*d\b)")
_EXAMPLES_IN = re.compile(r",\s*(?:such as|e\.g\.?|eg|for example|including)\b", re.I)
_OPTIONAL_BEFORE = re.compile(r"(?:\bwith or without|±|\+/-|\+ or -)\s*(?:an?\s+|any\s+)?$", re.I)
_OPTIONAL_BEFORE_WORDS = gate_words("with or without", "±", "+")  #: what its matches contain
_BOTH = re.compile(
    r"\b(?:and|plus|with|together with|combined with|in combination with|given with|as well as)\b"
    r"|\+",
    re.IGNORECASE,
)
_EITHER = re.compile(r"\b(?:or|either|nor)\b|and/or", re.IGNORECASE)
_BRACKETS = re.compile(r"\([^()]*\)")


def _bare(gap: str) -> str:
    """A gap between two names without what brackets hold (examples, abbreviations)."""
    return _BRACKETS.sub(" ", gap)


def _conjuncts(view: ItemView, kept: list[lexicon.Mention]) -> list[list[lexicon.Mention]]:
    """An inclusion item's therapies joined by 'and', 'plus' or 'combined with' are each
    required ("an aromatase inhibitor plus a CDK4/6 inhibitor" is two requirements); names
    joined by 'or' are alternatives within one requirement. Exclusions and negated lists ("no
    prior X and Y": neither) stay one criterion."""
    if len(kept) < 2 or view.section != Section.INCLUSION:
        return [kept] if kept else []
    w = view.w
    if cues.negated_before(w, kept[0].start) or cues.naive_after(w, kept[-1].end):
        return [kept]
    gaps = [_bare(w[a.end : b.start]) for a, b in pairwise(kept)]
    joins = [bool(_BOTH.search(g)) and not _EITHER.search(g) for g in gaps]
    if not any(joins):
        return [kept]
    groups: list[list[lexicon.Mention]] = [[kept[0]]]
    for mention, join in zip(kept[1:], joins, strict=True):
        if join:
            groups.append([mention])
        else:
            groups[-1].append(mention)
    # "A, B and C": the commas take the last connector's meaning
    if not any(_EITHER.search(g) for g in gaps):
        return [[m] for m in kept]
    return groups


def _examples_in_paren(w: str, start: int, position: int) -> bool:
    opened = w.rfind("(", start, position)
    return opened != -1 and bool(
        re.match(
            r"\(\s*(?:e\.g\.?|eg|such as|including|i\.e\.?|for (?:example|instance))",
            w[opened:],
            re.I,
        )
    )


#: Hormones whose names are also blood tests ("estradiol in the postmenopausal range").
_HORMONES_MEASURED = frozenset({"estradiol"})
_LEVEL_BEFORE = re.compile(
    r"\b(?:ranges?|levels?|serum|plasma|concentrations?|values?)\s+(?:of\s+)?$"
)
_LEVEL_AFTER = re.compile(
    r"^\s*(?:(?:or|and|/)\s*(?:FSH|LH|follicle)|levels?\b|concentrations?\b|(?:is|are|must be"
    r"|should be)?\s*(?:in|within)\s+(?:the\s+)?(?:post|pre)menopausal)",
    re.IGNORECASE,
)
_CURABLE_WITH = re.compile(
    r"\b(?:curable|cured|amenable|treatable|controlled)\s+(?:with|by|to)\s+(?:\w+\s+){0,2}$"
    # "which cannot be treated by surgery or radiotherapy only": local therapy the disease is
    # beyond, not a therapy received
    r"|\b(?:cannot|can ?not|(?:can )?no longer|not) be (?:\w+\s+)?treated (?:with|by)\s+"
    r"(?:(?:curative|local|definitive)\s+)?(?:(?:surgery|surgical resection|resection)\s+"
    r"(?:and/or|or|and)\s+)?$"
)
_MUST = re.compile(
    r"\b(?:must|should|shall|has to|have to|had to|needs? to|is required to)\b", re.I
)
#: A time restated in brackets ends no clause: "within 12 months (365 days) of completion of X".
_RESTATED_BEFORE = re.compile(r"\d\s*(?:months?|years?|weeks?)\s*\([^()]{1,20}\)\s*$", re.I)
#: "Current or recent use (within 3 months) of X": the bracket's window is X's.
_WINDOW_BRACKET_BEFORE = re.compile(
    r"\(\s*(?:within|in the (?:last|past|previous))\s+(?:the\s+)?(?:last\s+|past\s+)?\d+\s*"
    r"(?:days?|weeks?|months?|years?)\s*\)\s*(?:of\s+)?$",
    re.IGNORECASE,
)


#: The words every match of a pattern contains, for the patterns searched once or more for each
#: therapy named (`pattern_words`): in an item without any of them, the search cannot succeed in
#: any slice of it and is skipped. (Not for text joined with the list introduction's words.)
_AFTERMATH_WORDS = pattern_words(_AFTERMATH)
_FUTURE_WORDS = pattern_words(_FUTURE)
_GIVEN_AFTER_WORDS = pattern_words(_GIVEN_AFTER)
_DOSE_BEFORE_WORDS = pattern_words(_DOSE_BEFORE)
_DATES_A_TEST_WORDS = pattern_words(_DATES_A_TEST)
_INDICATED_AFTER_WORDS = pattern_words(_INDICATED_AFTER)
_SENSITIVITY_AFTER_WORDS = pattern_words(_SENSITIVITY_AFTER)
_AFTER_ENTRY_WORDS = pattern_words(_AFTER_ENTRY)
_NEXT_ALTERNATIVE_WORDS = pattern_words(_NEXT_ALTERNATIVE)
_EARLY_PROGRESSION_WORDS = pattern_words(_EARLY_PROGRESSION)
_RELAPSE_AFTER_WORDS = pattern_words(_RELAPSE_AFTER)
_AFTER_FIRST_WORDS = pattern_words(_AFTER_FIRST)
_AFTER_STUDY_WORDS = pattern_words(_AFTER_STUDY)
_EFFECTS_OF_WORDS = pattern_words(_EFFECTS_OF_BEFORE)
_CURABLE_WITH_WORDS = pattern_words(_CURABLE_WITH)
_NO_WASHOUT_NEEDED_WORDS = pattern_words(_NO_WASHOUT_NEEDED)
_BESIDES_WORDS = pattern_words(_BESIDES)
_WASHOUT_EXAMPLES_WORDS = pattern_words(_WASHOUT_EXAMPLES)
_OPENS_WITH_PROGRESSION_WORDS = pattern_words(_OPENS_WITH_PROGRESSION)


#: "the prior neo (adjuvant) therapy": the bracket is part of the setting, not a clause's end.
_SETTING_BRACKET_BEFORE = re.compile(r"\bneo\s*\(\s*adjuvant\s*\)\s*$", re.IGNORECASE)


def _current_list(w: str, low: str, begin: int, at: int) -> bool:
    """Whether `at` lies in a bracketed list that a word of current use opens ("Concurrent
    anti-cancer therapy (chemotherapy, hormonal therapy, ..., biologic therapy)")."""
    opened = w.rfind("(", begin, at)
    if opened < 0 or w.rfind(")", opened, at) >= 0:
        return False
    if _bracket_lets_in(low, opened):
        return False  # "(topical vaginal estrogen is allowable)": a permission, not the list
    return (
        _CURRENT.search(w[max(begin, opened - 40) : opened], low[max(begin, opened - 40) : opened])
        is not None
    )


def _closes_bracket(w: str, at: int) -> bool:
    """Whether only spaces (and an "of") stand between a closing bracket and `at`, as at the end
    of every match of `_RESTATED_BEFORE`, `_WINDOW_BRACKET_BEFORE` and `_SETTING_BRACKET_BEFORE`:
    a cheap test that spares their searches from the start of the item."""
    while at and w[at - 1].isspace():
        at -= 1
    if w[at - 2 : at].lower() == "of":
        at -= 2
        while at and w[at - 1].isspace():
            at -= 1
    return w[at - 1 : at] == ")"


def _clause(w: str, start: int, end: int) -> tuple[int, int]:
    begin = cues.clause_start(w, start)
    if (
        begin
        and w[begin - 1] in ") "
        and _closes_bracket(w, begin)
        and (
            (restated := _RESTATED_BEFORE.search(w, 0, begin))
            or (restated := _WINDOW_BRACKET_BEFORE.search(w, 0, begin))
            or (restated := _SETTING_BRACKET_BEFORE.search(w, 0, begin))
        )
    ):
        begin = cues.clause_start(w, restated.start())
    stop = _CLAUSE_END.search(w, end)
    return begin, stop.start() if stop else len(w)


_MENOPAUSE_WORDS = gate_words("menopaus")
_TOXICITY_WORDS = gate_words("toxic", "adverse", "side")
_CONTINUE_WORDS = gate_words("continue")
_CURATIVE_WORDS = gate_words("curative")
_THIS_STUDY_WORDS = gate_words("this", "present", "current")
_COHORT_ARM_WORDS = gate_words("cohort", "arm")
#: "the ENHERTU SmPC", "the tamoxifen prescribing information": a drug's label.
_DRUG_LABEL_AFTER = re.compile(
    r"\W{0,3}\s*(?:SmPCs?|labell?ing|label|prescribing information|product information"
    r"|product monograph|package insert|summary of product characteristics)\b",
    re.IGNORECASE,
)
#: A word of progression that describes the disease, then a negation of the therapy after it.
_DISEASE_WORD_THEN_NO = re.compile(
    r"\b(?:recurrent|relapsed|progressive|refractory|progressing|recurred)\b[^.;]*?"
    r"\b(?:no|never|not|without)\b[^.;]*$"
)


def _examples_negated(w: str, start: int, mentions: list[lexicon.Mention]) -> bool:
    """Whether the therapy at `start` is an example ("such as", "e.g.") of a therapy that a
    negation rules out ("No prior treatment for breast cancer such as X", "No concurrent CYP3A4
    inducers (e.g., X)")."""
    head = _EXAMPLES_BEFORE.search(w, max(0, start - 120), start)
    if head is None:
        return False
    named = next((m for m in mentions if 0 <= head.start() - m.end <= 3), None)
    if named is not None:
        anchor = named.start
    else:
        of = _EXAMPLES_OF.search(w, max(0, head.start() - 90), head.start())
        if of is None:
            return False
        anchor = of.start()
    before = w[cues.sentence_start(w, anchor) : anchor]
    if before.count("(") + before.count("[") > before.count(")") + before.count("]"):
        return False  # "not controlled (requiring corticosteroids [e.g., X])": not X's negation
    return cues.negated_before(w, anchor)


_EXAMPLES_BEFORE = re.compile(
    r"\b(?:such as|including|e\.g\.?|for example)\s*[:(,]?\s*"
    r"(?:[\w/+-]+(?:\s+[\w/+-]+){0,3}\s*(?:,|\bor\b|\band\b|\band/or\b)\s*)*$",
    re.IGNORECASE,
)
_EXAMPLE_WORDS = gate_words("such as", "including", "e.g", "for example")
#: What the examples are of: therapies ("treatment for primary breast cancer such as").
_EXAMPLES_OF = re.compile(
    r"\b(?:therap(?:y|ies)|treatments?|agents?|drugs?|medications?|medicines?|inhibitors?"
    r"|inducers?|regimens?)\b(?:\s*\([^()]{0,40}\))?(?:\s+(?:for|of|to|against|(?:intended|used)"
    r"\s+(?:to treat|for))\s+[^,;.()]{0,60}?)?"
    r"\s*,?\s*\(?$",
    re.IGNORECASE,
)
_STUDY_DAY_WORDS = gate_words("cycle", "d1", "d2", "d3", "d8", "d15")
_ALLERGY_WORDS = gate_words("allerg", "hypersensitiv", "anaphyla")

#: More words every match contains, for the searches `_prior_therapy` makes for every therapy
#: named (as above: the item's own words only).
_RELATED_AFTER_WORDS = pattern_words(_RELATED_AFTER)
_DESCRIBED_AFTER_WORDS = pattern_words(_DESCRIBED_AFTER)
_EACH_BEFORE_WORDS = pattern_words(_EACH_BEFORE)
_DRUG_LABEL_AFTER_WORDS = pattern_words(_DRUG_LABEL_AFTER)
_PRECLUDED_BEFORE_WORDS = pattern_words(_PRECLUDED_BEFORE)
_TOPIC_AFTER_WORDS = pattern_words(_TOPIC_AFTER)
_SUBGROUP_ONLY_IF_BEFORE_WORDS = pattern_words(_SUBGROUP_ONLY_IF_BEFORE)
_INTERACTION_AFTER_WORDS = pattern_words(_INTERACTION_AFTER)
_STUDY_WITH_BEFORE_WORDS = pattern_words(_STUDY_WITH_BEFORE)
_ON_STUDY_AFTER_WORDS = pattern_words(_ON_STUDY_AFTER)
_ON_STUDY_WORDS = pattern_words(_ON_STUDY)
_WHILE_ON_WORDS = pattern_words(_WHILE_ON)
_PROGRESSED_BRACKETED_WORDS = pattern_words(_PROGRESSED_BRACKETED)
_OTHER_IN_BRACKET_WORDS = pattern_words(_OTHER_IN_BRACKET)
_WINDOW_LEADS_TO_RUN_WORDS = pattern_words(_WINDOW_LEADS_TO_RUN)
_STARTED_RECENTLY_WORDS = pattern_words(_STARTED_RECENTLY)
_DAILY_DOSE_WORDS = pattern_words(_DAILY_DOSE)
_CURRENT_WORDS = pattern_words(_CURRENT)
_RELAPSE_WITHIN_WORDS = pattern_words(_RELAPSE_WITHIN)
_RELAPSE_BEFORE_WORDS = pattern_words(_RELAPSE_BEFORE)
_DFI_WORDS = pattern_words(_DFI)
_NO_WASHOUT_WORDS = pattern_words(_NO_WASHOUT)
_WHILE_RECEIVING_WORDS = pattern_words(_WHILE_RECEIVING)


def _prior_therapy(
    view: ItemView, run: _Run, mentions: list[lexicon.Mention], limit: int
) -> Draft | None:
    w = view.w
    low = view.low if len(view.low) == len(w) else w.lower()
    begin, stop = _clause(w, run.context, run.end)
    # the words before a combination ("progressed on X plus Y") are read for each of its parts
    before, l_before = (
        w[max(begin, run.context - 60) : run.context],
        low[max(begin, run.context - 60) : run.context],
    )
    after, l_after = w[run.end : min(stop, run.end + 100)], low[run.end : min(stop, run.end + 100)]
    wide = w[max(0, run.context - 100) : run.context]  # not cut at brackets: "(grade > 2)"
    if (
        (view.has(_AFTERMATH_WORDS) and _AFTERMATH.search(wide))
        or (view.has(_AFTER_STUDY_WORDS) and _AFTER_STUDY.search(before, l_before))
        or (
            "(" in wide
            and view.has(_TOXICITY_WORDS)
            # (the toxicity may stand further back: "adverse events (except alopecia) of
            # CTCAE > grade 1 caused by earlier treatment (e.g., adjuvant chemotherapy")
            and _TOXICITY_EXAMPLES.search(w, max(0, run.context - 160), run.context)
        )
        or (view.has(_RELATED_AFTER_WORDS) and _RELATED_AFTER.match(after))
    ):
        return None  # "toxicity from prior therapy": a state after therapy, not the therapy
    if (
        (view.has(_FUTURE_WORDS) and _future_before(before[-70:], l_before[-70:]))
        or (view.has(_GIVEN_AFTER_WORDS) and _GIVEN_AFTER.match(l_after))
        or (view.has(_CONTINUE_WORDS) and _CONTINUE_AFTER.match(l_after))
        or (
            view.has(_CURATIVE_WORDS)
            and _CURATIVE_OPTION_BEFORE.search(low, max(0, run.context - 160), run.context)
        )
        or (view.has(_THIS_STUDY_WORDS) and _IN_THIS_STUDY_AFTER.match(l_after))
        or (view.has(_COHORT_ARM_WORDS) and _COHORT_NAMED_AFTER.match(l_after))
        or (
            view.has(_STUDY_DAY_WORDS)
            and (_STUDY_DAY_AFTER.match(l_after) or _STUDY_DAY_BEFORE.search(l_before[-12:]))
        )
    ):
        return None
    if view.has(_MENOPAUSE_WORDS) and _DEFINES_MENOPAUSE.search(low, 0, run.context):
        return None  # "Premenopausal status is defined as ... if on tamoxifen within 14 days"
    if (view.has(_DESCRIBED_AFTER_WORDS) and _DESCRIBED_AFTER.match(l_after)) or (
        view.has(_EFFECTS_OF_WORDS)
        and _EFFECTS_OF_BEFORE.search(l_before[-40:])
        and _ON_THE_FETUS_AFTER.match(l_after)
    ):
        return None  # "PARP inhibitors are known to be teratogenic": what a drug does, not a past
    if set(run.classes) <= _CONTRACEPTIVE_CLASSES and (
        _CONTRACEPTION_BEFORE.search(low[cues.sentence_start(w, run.context) : run.context])
        or _CONTRACEPTION_AFTER.match(low, run.end)
    ):
        # "contraception: oral contraceptives or injectable progestogen", "combined (oestrogen
        # and progestogen containing) hormonal contraception": a method, not a history
        return None
    # (every count has a digit or "multiple": most therapies have neither before them)
    count_words = l_before[-25:]
    counted = (
        _CLASS_COUNT.search(count_words)
        if "multiple" in count_words or _DIGIT.search(count_words)
        else None
    )
    least, most = _count_bounds(counted) if counted is not None else (None, None)
    if (
        counted is not None
        and (most is not None or (least or 0) >= 2)  # "at least one X" is any X, as read below
        and len(run.classes) == 1
        and not run.agents
        and not _COUNTED_OTHER.search(low, run.context, run.end)
    ):
        # "progressed on more than one CDK4/6 inhibitor": a count of that class, not any use
        if not lexicon.counts_as_line(run.classes[0]):
            return None  # "despite two or more antihypertensive agents": how severe a disease is
        start = run.context - len(l_before[-25:]) + counted.start()
        return Draft(
            "line_count",
            {"scope": run.classes[0], "min": least, "max": most,
             "settings": cues.settings_in(after[:60]),
             "negated": cues.negated_before(w, start)},
            view.evidence(start, run.end),
            start,
            run.end,
        )  # fmt: skip
    if view.has(_EACH_BEFORE_WORDS) and _EACH_BEFORE.search(l_before[-25:]):
        return None  # "a negative viral load before each chemotherapy administration": on study
    if view.has(_DOSE_BEFORE_WORDS) and _DOSE_BEFORE.search(wide):
        return None  # "<= 10 milligrams per day (mg/day) prednisone": a dose, read as a limit
    if view.has(_DRUG_LABEL_AFTER_WORDS) and _DRUG_LABEL_AFTER.match(w, run.end):
        return None  # "in line with the ENHERTU SmPC": the drug's label, not a therapy had
    if view.has(_CURABLE_WITH_WORDS) and _CURABLE_WITH.search(l_before[-40:]):
        return None  # "solid tumour not curable with available standard therapy": the disease
    if view.has(_DATES_A_TEST_WORDS) and _DIGIT.search(wide) and _DATES_A_TEST.search(wide):
        return None  # "echo obtained ... within 4 weeks of prior Herceptin": a date for a test
    if (
        set(run.agents) <= _HORMONES_MEASURED
        and not run.classes
        and (_LEVEL_BEFORE.search(l_before[-30:]) or _LEVEL_AFTER.match(l_after))
    ):
        return None  # "postmenopausal ranges of estradiol or FSH": a blood level, not a drug
    if view.has(_NO_WASHOUT_NEEDED_WORDS) and _NO_WASHOUT_NEEDED.search(l_before[-50:]):
        return None  # "no washout for anti-estrogen therapy (is) required"
    if view.has(_PREGNANCY_WORDS) and _PREGNANCY_NOTE.search(
        low, max(cues.sentence_start(w, run.context), run.context - 90), run.context
    ):
        return None  # "breastfeeding should be discontinued if the mother is treated with X"
    if view.has(_PRECLUDED_BEFORE_WORDS) and _PRECLUDED_BEFORE.search(l_before[-70:]):
        return None  # "anticoagulants precluding intramuscular injections of fulvestrant": the
        # study drug that something would rule out, not one the patient had
    if view.has(_INDICATED_AFTER_WORDS) and _INDICATED_AFTER.match(l_after):
        return None  # "where an endocrine therapy is indicated": a future treatment
    if view.has(_TOPIC_AFTER_WORDS) and _TOPIC_AFTER.match(l_after):
        return None  # "One of these endocrine treatment histories:": the children say which
    if view.has(_CLASSIFIED_WORDS) and (
        _CLASSIFIED_AFTER.match(l_after) or _CLASSIFIED_BEFORE.search(l_before[-30:])
    ):
        return None  # "bevacizumab will not be considered investigational therapy": a definition
    if view.has(_DOSING_WORDS) and _DOSING_OF_BEFORE.search(l_before[-45:]):
        return None  # "a biopsy within 28 days of dosing of avitinib": the study's own drug
    if view.has(_START_WORDS) and _START_OF_BEFORE.search(l_before[-60:]):
        return None  # "cannot be stopped 1 week prior to the start of X": the study's drug
    if view.has(_PREMEDICATION_WORDS) and _PREMEDICATION_FOR_BEFORE.search(l_before):
        return None  # "folic acid supplementation during treatment with X": the regimen ahead
    if view.has(_LABEL_WORDS) and _LABEL_OF_BEFORE.search(wide.lower()):
        return None  # "a live vaccine, as the labels of X and Y forbid": whose label, not a past
    if (
        run.classes == ("systemic_anticancer_therapy",)
        and not run.agents
        and _USED_AS_BEFORE.search(l_before[-12:])
    ):
        return None  # "valproic acid, (given) as anti-tumour therapy": what the use was for
    if view.has(_APPLIES_WORDS) and _APPLIES_TO_BEFORE.search(l_before):
        return None  # "the washout only applies to patients who have not started X": whom for
    if (
        view.has(_FOLLOWING_WORDS)
        and _HEADING_BEFORE.search(l_before)
        and _HEADING_END.match(l_after)
    ):
        return None  # "Any of the following prior therapies:": a list's heading
    if (
        view.section == Section.INCLUSION
        and view.has(_SUBGROUP_ONLY_IF_BEFORE_WORDS)
        and _SUBGROUP_ONLY_IF_BEFORE.search(l_before)
    ):
        return None  # "(HER2-positive patients only if treated with trastuzumab)": a subgroup's
    if (
        view.has(_INTERACTION_AFTER_WORDS) and _INTERACTION_AFTER.match(l_after)
    ) or _DESCRIBED_BEFORE.search(l_before[-40:]):
        return None  # "the potential of X for drug interactions", "because X is a VEGF inhibitor"
    if view.has(_STUDY_WITH_BEFORE_WORDS) and _STUDY_WITH_BEFORE.search(l_before[-40:]):
        return None  # "prohibited during studies with X": the study's drug
    if view.has(_ON_STUDY_AFTER_WORDS) and _ON_STUDY_AFTER.match(l_after):
        return None  # "other anticancer therapy while on study treatment": a rule for later
    if _TIME_POINT_BEFORE.search(l_before[-40:]):
        return None  # "antibiotics within 72 hours prior to chemotherapy": a time point ahead
    if (
        view.section == Section.EXCLUSION
        and _FOR_THOSE_WHO_HAD.search(l_before)
        and (_THEN_A_RULE.match(l_after))
    ):
        return None  # "For subjects who received an anthracycline, LVEF < 50%": who it is for
    if view.has(_INTERACTION_WORDS) and _INTERACTION_WITH_BEFORE.search(l_before[-40:]):
        return None  # "strong CYP3A4 inducers (risk of drug-drug interaction with X)": the study's
    if run.classes == ("systemic_anticancer_therapy",) and _FOR_LESIONS_AFTER.match(l_after):
        return None  # "the last treatment for CNS metastases": local treatment of the lesions
    if view.has(_MAY_WORDS) and _MAY_INCLUDE.search(w, begin, run.context):
        return None  # "following prior therapy which may include anthracyclines": allowed
    if view.has(_REACTION_WORDS) and _IF_REACTION_AFTER.match(l_after):
        return None  # "prior trastuzumab if a severe hypersensitivity reaction": the reaction
    if view.has(_RECENT_WORDS) and _NOTE_ABOUT.match(l_after) and _NOTE_SUBJECT.match(l_before):
        return None  # "Crizotinib does not need to be the last therapy": a note, no criterion
    if (
        _LABEL_AFTER.match(l_after)
        and not w[: run.context].strip(" *-•\t")
        and any(m.start > run.end for m in mentions)
    ):
        return None  # "Chemotherapy: no prior chemotherapy for MBC": a topic label
    if (
        (view.has(_SENSITIVITY_AFTER_WORDS) and _SENSITIVITY_AFTER.match(after))
        or (view.has(_SIMILAR_WORDS) and _SIMILAR_TO.search(before[-60:]))
        or (
            view.has(_ALLERGY_WORDS)
            and _ALLERGY_BEFORE.search(w[max(0, run.context - 200) : run.context])
        )
    ):
        return None  # "EGFR TKI sensitivity", "allergy to drugs in a similar class to X"
    if view.has(_BESIDES_WORDS) and _BESIDES.search(l_before):
        return None  # "In addition to endocrine therapy, (the rule for chemotherapy)": a context
    if view.has(_WASHOUT_EXAMPLES_WORDS):
        lead = _LEAD_CUT.split(w[max(0, run.context - 200) : run.context])[-1]
        if _WASHOUT_EXAMPLES.search(lead.lower()):
            return None  # "(without a washout,) for example within 4 weeks of an antibody"
    # "a lesion not previously irradiated": about the lesion, not the patient. An exclusion
    # looks only at the sentence of the radiotherapy ("Radiotherapy within 4 weeks. Irradiated
    # lesions are not target lesions" still excludes recent radiotherapy); in an inclusion a
    # radiotherapy near lesion rules is mostly a permission, so the whole item counts.
    if (
        run.classes == ("radiotherapy",)
        and not run.agents
        and "lesion" in low
        and (view.section != Section.EXCLUSION or _lesion_in_sentence(view, run))
    ):
        return None
    if (
        (
            view.has(_FUTURE_WORDS)
            and _FUTURE.search(after[:12], l_after[:12])
            and not _DOSE_LIMIT_AFTER.match(after)  # "(prednisone > 10 mg/day)": a limit
        )
        or (
            view.section == Section.INCLUSION
            and view.has(_ON_STUDY_WORDS)
            and _ON_STUDY.match(after, l_after)
        )
        or (view.has(_AFTER_ENTRY_WORDS) and _AFTER_ENTRY.match(after, l_after))
    ) and not _HISTORY_WORD.search(l_before):
        return None  # "... take an LHRH agonist throughout the study": a plan, not a history
    intro = ""
    if view.context is not None and view.context.therapy and len(view.context.intro_work) <= 80:
        intro = view.context.intro_work
    # an exception's words say nothing of how X went: "RT other than for pain in progressing
    # bone lesions"
    cue_stop = next((e.start for e in view.exceptions if run.end <= e.start < stop), stop)
    cue_after = _without_setting(w[run.end : cue_stop])[:60]
    cue_text = f"{intro} {before} {cue_after}"
    l_cue = cue_text.lower()
    relation = "received"
    intolerant = _INTOLERANT.search(cue_text, l_cue) is not None  # (searched once for both)
    if intolerant and (
        _PROGRESSION_OR_INTOLERANCE.search(cue_text)
        or _PROGRESSION_OR_INTOLERANCE.search(w, cues.sentence_start(w, run.context), run.context)
    ):
        # "progression or intolerance on X": either will do (the progression may stand before
        # a bracket that ends the clause: "progression (during or after it) or intolerance");
        # `_read` adds the intolerance as the alternative
        relation = "progressed"
        view.memo[("or intolerant", run.start)] = True
    elif intolerant or (
        view.has(_TOXICITY_WORDS)
        and _LATER_INTOLERANCE.search(w, run.end, cues.sentence_stop(w, run.end))
    ):
        relation = "intolerant"
    elif (
        _progressed_in(cue_text, l_cue)
        or (
            view.has(_WHILE_ON_WORDS)
            and _WHILE_ON.search(l_before[-20:])
            and _PROGRESSED.search(wide[-60:], wide[-60:].lower())
            and not _SYMPTOM_WORSENED.search(wide[-80:])
        )
        or (
            ")" in w[max(0, run.context - 160) : run.context]
            and view.has(_PROGRESSED_BRACKETED_WORDS)
            and _PROGRESSED_BRACKETED.search(w[max(0, run.context - 160) : run.context])
        )
    ):
        relation = "progressed"  # "progressive disease (PD) while on X": the bracket is no end
    elif view.has(_OPENS_WITH_PROGRESSION_WORDS) and _OPENS_WITH_PROGRESSION.match(
        w, cues.sentence_start(w, run.context), run.context
    ):
        relation = "progressed"  # "Progression while on, or within 1 month (30 days) of X"
    elif _RESPONDED.search(cue_text, l_cue):
        relation = "responded"
    fields: dict[str, object] = {"agents": run.agents, "classes": run.classes}
    cut = next((s.start - run.end for s in view.exceptions if s.start >= run.end), len(after))
    cut = min(cut, limit - run.end)
    alternatives = view.has(_NEXT_ALTERNATIVE_WORDS)  #: may name another history after "or"
    following = _NEXT_ALTERNATIVE.search(w, run.end, max(limit, run.end)) if alternatives else None
    if following is not None:  # "adjuvant X or if de novo metastatic, ...": not X's setting
        cut = min(cut, following.start() - run.end)
    allowance = (  # its look-ahead may pass the limit
        _ALLOWANCE_BRACKET.search(w, run.end) if "(" in w and view.has(_ALLOWANCE_WORDS) else None
    )
    if allowance is not None and allowance.start() < limit:
        # "X for ABC (adjuvant X is allowed if ...)": not X's setting
        cut = min(cut, allowance.start() - run.end)
    own_before = before[-45:]
    previous = list(_NEXT_ALTERNATIVE.finditer(own_before)) if alternatives else []
    if previous:  # "adjuvant X, or progression on Y": the words before "or" describe X
        own_before = own_before[previous[-1].start() :]
    elliptical = _elliptical_half(view, run, mentions, begin)
    if elliptical is not None:  # "within 12 months of adjuvant or within 1 month of metastatic X"
        own_before = w[elliptical.or_end : run.context]
    opened = w.rfind("(", begin, run.context)
    if (
        opened > w.rfind(")", opened, run.context)
        and view.has(_ALLOWANCE_WORDS)
        and _ALLOWANCE_BRACKET.match(w, opened)
    ):
        # "X for ABC (adjuvant X is allowed ...)": the bracket's X is not the one for ABC
        own_before = w[opened + 1 : run.context]
    reach = min(70, max(cut, 0))
    if cut > reach and (more := _SETTING_LIST_GOES_ON.match(after, reach)) and more.end() <= cut:
        reach = more.end()  # "... in the adjuvant, locally | advanced, or metastatic setting"
    settings_text = f"{intro} {own_before} {after[:reach]}"
    settings = cues.settings_in(settings_text)
    # "(except for neoadjuvant/adjuvant chemotherapy)": the exception names settings, not drugs
    foreign = _others_exceptions(view, run, mentions)
    exception_texts = view.exception_texts(run.start, foreign)
    spared: tuple[tuple[str, ...], int, int] | None = None
    except_agents: list[str] = []
    except_classes: list[str] = []
    for span in view.exceptions:
        if (
            span.start < run.start
            or span.start in foreign
            or cues.SENTENCE_END.search(w, run.end, span.start)
        ):
            continue
        examples = _EXAMPLES_IN.search(w, span.body_start, span.end)
        stop_at = examples.start() if examples else span.end
        # "antibodies other than checkpoint inhibitors, such as bevacizumab": examples of what
        # is excluded, not of the exception
        named = [m for m in mentions if span.body_start <= m.start < stop_at]
        excluded = cues.settings_in(w[span.body_start : span.end])
        if (
            named
            and {m.id for m in named} <= {*run.agents, *run.classes}
            and (
                not excluded
                or (
                    not _DIGIT.search(w, span.body_start, span.end)
                    and not _EXCEPTION_WHEN.search(w, span.body_start, span.end)
                )
            )
        ):
            # "chemotherapy (except adjuvant chemotherapy)": a setting is excepted; "RT except
            # localized RT for pain": a use of it (the exception's text says which)
            named = []
        own = {*run.agents, *run.classes}
        mixed = any(m.id not in own for m in named)
        for mention in named:
            if mixed and mention.id in own:
                continue  # "X other than Y (including X ...)": X is no exception of itself
            (except_classes if mention.kind == "class" else except_agents).append(mention.id)
        if excluded and not except_agents and not except_classes and not settings:
            if _radiation(run):
                continue  # "radiotherapy (except palliative radiotherapy)": a purpose, not a
                # setting of the disease; the exception's text says it
            settings = tuple(
                s for s in ("neoadjuvant", "adjuvant", "metastatic") if s not in excluded
            )
            spared = (excluded, span.body_start, span.end)
    fields["settings"] = tuple(settings)
    if view.has(_OTHER_IN_BRACKET_WORDS) and _OTHER_IN_BRACKET.search(
        w, max(0, run.context - 12), run.context
    ):
        # "crizotinib (other ALK inhibitors were not allowed)": the drug before the bracket is
        # the one member let in
        opened = w.rfind("(", 0, run.context)
        except_agents += [
            m.id
            for m in mentions
            if m.kind == "drug"
            and 0 <= opened - m.end <= 2
            and set(run.classes) & set(lexicon.drug_classes(m.id))
        ]
    fields["except_agents"] = tuple(dict.fromkeys(except_agents))
    fields["except_classes"] = tuple(dict.fromkeys(except_classes))
    fields["exceptions"] = exception_texts
    clause, l_clause = w[begin:stop], low[begin:stop]
    # every time window needs a number and a unit of time
    numbers = _DIGIT.search(clause) is not None and _TIME_UNIT.search(l_clause) is not None
    negated = cues.negated_before(w, run.start) or cues.naive_after(w, run.end)
    if not negated and view.has(_EXAMPLE_WORDS):
        # "No prior treatment for primary invasive breast cancer such as irradiation,
        # chemotherapy, ...": the examples share the negation of what they are examples of
        negated = _examples_negated(w, run.start, mentions)
    if negated and relation == "progressed" and _DISEASE_WORD_THEN_NO.search(l_before):
        relation = "received"  # "recurrent NSCLC that has never received systemic treatment"
    if view.section == Section.INCLUSION and cues.negated_after(w, run.end):
        negated = True
    if negated and view.section == Section.EXCLUSION and _IS_ALLOWED_AFTER.match(w, run.end):
        negated = False  # "No concurrent radiotherapy is allowed" in an exclusion: X excludes
    window = None
    washout = None
    washout_negated = False  #: the negation only a washout set (undone if it reads otherwise)
    aside = _early_aside(view, run.end, stop, settings) if numbers else stop
    if aside < stop:  # the aside's times are its own: read only the words before it
        clause_t, low_t = w[begin:aside], low[begin:aside]
        numbers = _DIGIT.search(clause_t) is not None and _TIME_UNIT.search(low_t) is not None
        times = _clause_times(view, begin, aside, clause_t, low_t) if numbers else None
    else:
        times = _clause_times(view, begin, stop, clause, l_clause) if numbers else None
    if times is not None:
        window = (
            cues.within_days(w[run.start : min(aside, stop)]) if times.window is not None else None
        )
        leading = (
            _WINDOW_LEADS_TO_RUN.search(w, max(begin, run.start - 90), run.start)
            if view.has(_WINDOW_LEADS_TO_RUN_WORDS)
            else None
        )
        if leading is not None and times.window is not None:
            # "under 3 weeks since the last X, or under 1 week since any other endocrine
            # agent": the window that leads to each therapy is its own
            n, unit = float(leading.group("n")), leading.group("unit")
            window = (cues.days(n, unit), 0, 0)
        if window is None and not (
            # a bar with an early aside ("no chemotherapy for metastatic disease (adjuvant
            # > 6 months before allowed)") takes no window from the words before it either
            aside < stop and times.window is not None and begin + times.window[1] < run.start
        ):
            window = times.window
        washout = times.washout
    recently = (
        _STARTED_RECENTLY.search(clause, l_clause)
        if numbers and view.has(_STARTED_RECENTLY_WORDS)
        else None
    )
    if recently is not None and not (
        # the therapy named inside ("initiation of bisphosphonates within 7 days") or the start
        # written right after it ("live vaccines initiated less than 4 weeks before")
        begin + recently.start() <= run.start < begin + recently.end()
        or 0 <= begin + recently.start() - run.end <= 30
    ):
        recently = None
    if recently is not None:
        # "initiation of bisphosphonates within 7 days before enrolment", "on a stable dose for
        # less than 7 days": begun within that time, so given within it and for no longer (an
        # ongoing course of months is fine, so is one that ended years ago)
        n, unit = float(recently.group("n")), recently.group("unit")
        fields["max_duration_months"] = cues.months(n, unit)
        window, washout, times = (cues.days(n, unit), 0, 0), None, None
    dose = (
        _DAILY_DOSE.search(w, run.end, min(len(w), run.end + 60))
        if view.has(_DAILY_DOSE_WORDS)
        else None
    )
    if (
        dose is not None
        and not _DAILY_DOSE_BREAK.search(w, run.end, dose.start())
        and not re.search(r"\bnot\b", w[max(run.end, dose.start() - 25) : dose.start()])
    ):
        # "systemic glucocorticoids (prednisone > 10 mg/day or equivalent)": only use above it
        fields["daily_dose"] = dose.group(0).strip(" ()")
    if washout:
        found = next(
            g
            for g in ("", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11")
            if washout.group(f"n{g}")
        )
        n, unit = float(washout.group(f"n{found}")), washout.group(f"unit{found}")
        fields["within_days"] = cues.days(n, unit)
        if view.section == Section.INCLUSION and not _PROGRESSED.search(clause, l_clause):
            washout_negated = not negated
            negated = True  # "at least 14 days since the last dose of X": not within 14 days
    elif times is not None and (started := times.started):
        # "GnRH agonist initiated at least 28 days before day 1": time on it, not a washout
        n, unit = float(started.group("n")), started.group("unit")
        fields["min_duration_months"] = cues.months(n, unit)
    elif window is not None and relation != "progressed":
        fields["within_days"] = window[0]
    elif relation == "progressed" and (recent := _LOOKBACK.search(clause, l_clause)):
        # "failure of AI therapy within the previous 6 months": the failure is recent
        fields["within_days"] = cues.days(float(recent.group("n")), recent.group("unit"))
    elif (
        relation != "progressed"
        and view.has(_CURRENT_WORDS)
        and _CURRENT.search(before[-45:], l_before[-45:])
        and not _PRIOR_OR_CURRENT.search(l_before[-60:])
    ):
        fields["within_days"] = 0  # "progressed while receiving X" is progression on X
    elif (
        relation != "progressed"
        and not numbers
        and begin == 0
        and _USE_OF.match(w)
        and not _EVER_WORDS.search(clause)
        and not settings  # "use of chemotherapy in the metastatic setting": a history
    ):
        fields["within_days"] = 0  # "Use of other anticancer drugs": taking them now
    elif relation != "progressed" and _current_list(w, low, begin, run.context):
        fields["within_days"] = 0  # "Concurrent anticancer therapy (chemotherapy, ..., X)"
    # relapse windows are read near the therapy, not from an alternative named after it
    ahead = _NEXT_ALTERNATIVE.search(w, run.end, max(limit, run.end)) if alternatives else None
    near_start = max(begin, run.context - 90)
    behind = list(_NEXT_ALTERNATIVE.finditer(w, near_start, run.context)) if alternatives else []
    if behind:  # "..., or relapse while on adjuvant X": not the alternative's words before it
        near_start = behind[-1].start()
    if elliptical is not None:
        near_start = max(near_start, elliptical.or_start)
    near = w[near_start : min(stop, ahead.start() if ahead else limit)]
    l_near = near.lower()
    early = (
        _EARLY_PROGRESSION.search(near, l_near)
        if numbers and view.has(_EARLY_PROGRESSION_WORDS)
        else None
    )
    if early is None and elliptical is not None and _PROGRESSED.search(w[begin : run.context]):
        # "progressed within 12 months of adjuvant or within 6 months of starting first-line X"
        early = _WITHIN_OF_START.search(near, l_near)
    if early:
        # "progression within 6 months of starting first-line ET": time on it, not a relapse
        fields["max_duration_months"] = cues.months(float(early.group("n")), early.group("unit"))
        relation = "progressed"
        fields.pop("within_days", None)
    relapse = (
        (view.has(_RELAPSE_WITHIN_WORDS) and _RELAPSE_WITHIN.search(near, l_near))
        or (
            view.has(_RELAPSE_BEFORE_WORDS)
            and _RELAPSE_BEFORE.search(w[max(begin, run.context - 120) : run.context])
        )
        if numbers and not early
        else None
    )
    relapse_after = (
        _RELAPSE_AFTER.search(near, l_near)
        if numbers and not early and view.has(_RELAPSE_AFTER_WORDS)
        else None
    )
    dfi = _DFI.search(near, l_near) if numbers and not early and view.has(_DFI_WORDS) else None
    if relapse and not _RELAPSE_WORD.search(clause):
        relapse = None  # "less than 3 weeks since the last dose of tamoxifen": a washout
    if relapse and (not relapse_after or relapse.start() < relapse_after.start()):
        fields["relapse_within_months"] = cues.months(
            float(relapse.group("n")), relapse.group("unit")
        )
        relation = "received"
        fields.pop("within_days", None)
    elif (
        relapse_after
        and spared is not None
        and view.section == Section.EXCLUSION
        and spared[1] <= near_start + relapse_after.start() < spared[2]
    ):
        # "Earlier X, unless given as adjuvant therapy and relapse came > 12 months after it":
        # X in the other settings excludes, and adjuvant X with relapse within 12 months too
        fields.pop("within_days", None)
        view.memo[("spared", run.start)] = Draft(
            "prior_therapy",
            {
                **fields,
                "exceptions": (),  # the exception is what this criterion states
                "settings": spared[0],
                "relapse_within_months": cues.months(
                    float(relapse_after.group("n")), relapse_after.group("unit")
                ),
                "relation": "received",
                "negated": negated,
            },
            view.evidence(max(begin, run.start - 100), min(stop, run.end + 80)),
            run.start,
            run.end,
            run.end,
        )
    elif relapse_after:
        fields["relapse_after_months"] = cues.months(
            float(relapse_after.group("n")), relapse_after.group("unit")
        )
        relation = "received"
        fields.pop("within_days", None)
        if washout_negated and _MUST.search(near):
            # "must have had a treatment-free interval of 6 months or more since their last
            # chemotherapy": the interval, not a washout that would negate the therapy
            negated = False
    elif dfi:
        key = (
            "relapse_after_months" if dfi.group("cmp").startswith(">") else "relapse_within_months"
        )
        fields[key] = cues.months(float(dfi.group("n")), dfi.group("unit"))
        if washout_negated and _MUST.search(near):
            # "must have had a treatment free interval of at least 6 months since the last
            # chemotherapy": the interval, not a washout that would negate the therapy
            negated = False
            fields.pop("within_days", None)
    if (
        "relapse_after_months" in fields
        and view.section == Section.EXCLUSION
        and _MUST.search(near)
    ):
        # an exclusion item stating what is required ("... the disease-free interval must be
        # greater than 12 months"): what it excludes is relapse within that time
        fields["relapse_within_months"] = fields.pop("relapse_after_months")
    if (
        fields.get("relapse_within_months") is not None
        and settings == ("metastatic",)
        and _PROGRESSED.search(near, l_near)
        and _ON_OR_WITHIN.search(near)
    ):
        # "progression while on, or within 1 month of, X for advanced disease": progression on
        # X; a relapse window belongs to (neo)adjuvant therapy
        fields.pop("relapse_within_months")
        relation = "progressed"
    elif (
        elliptical is not None
        and fields.get("relapse_within_months") is not None
        and settings == ("metastatic",)
        and _PROGRESSED.search(w[begin : run.context])
    ):
        # the same for the second half of "progressed within 12 months of adjuvant or within 1
        # month of metastatic X"
        fields.pop("relapse_within_months")
        relation = "progressed"
    duration = times.duration if times is not None else None
    if duration is not None and begin + duration.start() < near_start:
        duration = _DURATION.search(near, l_near)  # the duration of an earlier alternative
    first_years = (
        _AFTER_FIRST.match(w, run.end, min(stop, ahead.start() if ahead else limit))
        if view.has(_AFTER_FIRST_WORDS)
        else None
    )
    if first_years is not None and relation == "progressed":
        # "relapse while on adjuvant X but after the first 2 years": time on X
        fields["min_duration_months"] = cues.months(
            float(first_years.group("n")), first_years.group("unit")
        )
        duration = None
    if (
        duration
        and "relapse_within_months" not in fields
        and "within_days" not in fields
        and "min_duration_months" not in fields
    ):
        fields["min_duration_months"] = cues.months(
            float(duration.group("n")), duration.group("unit")
        )
    if (
        "within_days" not in fields
        and view.has(_NO_WASHOUT_WORDS)
        and (unspecified := _NO_WASHOUT.search(w, run.end, stop))
    ):
        # "X without an appropriate washout period (e.g. within 4 weeks of an antibody)": the
        # longest window the sentence gives, else the usual four weeks
        sentence = cues.SENTENCE_END.search(w, unspecified.end())
        windows = [
            cues.days(float(n), unit)
            for n, unit in _WITHIN.findall(
                w, unspecified.end(), sentence.start() if sentence else len(w)
            )
        ]
        fields["within_days"] = max(windows, default=28)
    if (
        "within_days" not in fields
        and relation != "progressed"
        and window is None
        and washout is None
        and view.has(cues.HALF_LIFE_WORDS)
    ):
        # "completed within 5 half-lives of enrolment" ("or 4 weeks": the days)
        half_days, half_lives = cues.half_life_window(clause)
        if half_days is not None:
            fields["within_days"] = half_days
        elif half_lives is not None:
            fields["within_half_lives"] = half_lives
        if (
            (half_days is not None or half_lives is not None)
            and view.section == Section.INCLUSION
            and _HALF_LIFE_WASHOUT.search(l_clause)
        ):
            # "X must have been stopped 5 half-lives before entry": the last dose is at least
            # that long ago, so what the inclusion asks is no X within that time
            negated = True
    if run.classes and not run.agents and set(run.classes) <= _SUPPORTIVE:
        relation = "received"  # steroids, anticoagulants...: taken, not "progressed on"
    early_before = _EARLY_BEFORE.search(before[-90:]) if "within" in l_before else None
    if early_before is None and "within" in l_before and fields["settings"] == ("metastatic",):
        # "progression within 6 months of X for advanced disease": on X for less than that
        early_before = _EARLY_OF.search(before[-90:])
    if early_before is not None and "max_duration_months" not in fields:
        # "progressed within the first 3 months of X": time on X, as 'within 3 months of starting'
        count = early_before.group("n") or early_before.group("n2")
        unit = early_before.group("unit") or early_before.group("unit2")
        relation = "progressed"
        for key in ("relapse_within_months", "relapse_after_months", "within_days"):
            fields.pop(key, None)
        fields["max_duration_months"] = cues.months(float(count), unit)
    if (
        view.section == Section.EXCLUSION
        and len(run.agents) + len(run.classes) > 1
        and (_BOTH_BEFORE.search(before[-40:]) or _COMBINED_IN.search(w, run.start, run.end))
    ):
        # "received both X and Y" excludes only both together, which one criterion cannot say:
        # one of them alone is left for a person to judge
        fields["exceptions"] = (*exception_texts, TOGETHER)
    if (
        relation == "progressed"
        and isinstance(given := fields["settings"], tuple)
        and given
        and set(given) <= {"neoadjuvant", "adjuvant"}
        and "relapse_within_months" not in fields
        and "relapse_after_months" not in fields
        and view.has(_WHILE_RECEIVING_WORDS)
        and _WHILE_RECEIVING.search(l_before[-60:])
    ):
        # "relapsed while receiving adjuvant endocrine therapy": during it, not after its end
        fields["relapse_within_months"] = 0.0
    fields["relation"] = relation
    fields["negated"] = negated
    own = (
        _OWN_WINDOW_BEFORE.search(w, max(0, run.context - 110), run.context)
        if _DIGIT.search(w, max(0, run.context - 110), run.context)
        else None
    )
    if own is not None and "within_days" in fields:
        # "More than 3 weeks since chemotherapy (6 weeks for nitrosoureas; 1 week for
        # capecitabine)": that drug's own window, of the same polarity
        fields["within_days"] = cues.days(float(own.group("n")), own.group("unit"))
    elif own is not None and _WASHOUT_ITEM.search(w, 0, own.start()):
        fields["within_days"] = cues.days(float(own.group("n")), own.group("unit"))
        fields["negated"] = view.section == Section.INCLUSION
    if (
        run.classes == ("systemic_anticancer_therapy",)
        and not run.agents
        and _COMPLETED_ALL_BEFORE.search(l_before[-40:])
    ):
        # "has completed all prior therapy": no therapy still going on
        fields.update(relation="received", negated=True)
        fields.setdefault("within_days", 0)  # a washout given beside it is kept
    if view.has(_RECENT_WORDS) and _most_recent(w, run, before, after, relation, limit - run.end):
        fields["most_recent"] = True
    if view.has(_LINE_NAMED_WORDS) and (line := _line_named(before, after, near, early)):
        fields["line"] = line
    if (
        view.has(_SINGLE_WORDS)
        and (_SINGLE_BEFORE.search(l_before[-45:]) or _SINGLE_AFTER.match(l_after))
        and not _COMBINED_IN.search(w, run.context, run.end)  # "X in combination with Y"
    ):
        fields["single_agent"] = True
    setting = _SETTING_PHRASE.match(after, l_after)
    end = run.end + (setting.end() if setting else 0)
    if elliptical is not None:
        view.memo[("elliptical", run.start)] = _first_half(view, elliptical, fields)
    return Draft(
        "prior_therapy",
        fields,
        view.evidence(*_whole_words(w, max(begin, run.start - 100), min(stop, run.end + 80))),
        run.start,
        end,
        run.end,
    )


#: "(progressed) within 12 months from prior adjuvant or within 1 month from prior metastatic
#: (endocrine therapy)": two settings, each with its window, share the therapy named once at the
#: end. The first half ends at "or"; the second is the therapy's own.
_ELLIPTICAL = Fast(
    r"\bwithin\s+(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>months?|years?|weeks?)\s+"
    + _RESTATED
    + r"(?:of|from|after|following)\s+(?:(?:completing|completion\s+of|the\s+end\s+of|the"
    r"|their|prior|previous|receiving)\s+)*(?P<setting>[\w()/-]+(?:\s+(?:setting|therapy"
    r"|treatment))?)(?P<or>\s*,?\s+or\s+)(?:(?:progress\w*|relaps\w*|recurr\w*|PD|disease"
    r"|has|have|had)\s+)*within\s+\d+(?:\.\d+)?\s*(?:months?|years?|weeks?)\s+"
    + _RESTATED
    + r"(?:of|from|after|following)\s+[^.;]{0,60}$"
)
_ELLIPTICAL_WORDS = pattern_words(_ELLIPTICAL)


@dataclass(frozen=True, slots=True)
class _Half:
    """The first half of an elliptical 'or': where it starts, where its 'or' lies, its setting
    and its window in months."""

    start: int
    or_start: int
    or_end: int
    settings: tuple[str, ...]
    months: float


#: The progression an elliptical 'or' is about, said before its first half.
_SAID_BEFORE = re.compile(
    r"\b(?:progress\w*|relaps\w*|recurr\w*|PD)\b(?:\s+(?:on\s+or|during\s+or|while\s+on\s+or))?"
    r"\s+$",
    re.IGNORECASE,
)


def _elliptical_half(
    view: ItemView, run: _Run, mentions: list[lexicon.Mention], begin: int
) -> _Half | None:
    """The first half of an elliptical 'or' before a therapy (`_ELLIPTICAL`): only when the
    two halves name different settings and no therapy is named between them."""
    if not view.has(_ELLIPTICAL_WORDS) or " or " not in view.low:
        return None
    origin = max(begin, run.context - 200)
    found = _ELLIPTICAL.search(view.w[origin : run.context])
    if found is None:
        return None
    first = cues.settings_in(found.group("setting"))
    second = cues.settings_in(view.w[origin + found.end("or") : run.end + 60])
    if (
        not first
        or not second
        or set(first) & set(second)
        or any(origin + found.start() <= m.start < run.context for m in mentions)
    ):
        return None
    months = cues.months(float(found.group("n")), found.group("unit"))
    start = origin + found.start()
    said = _SAID_BEFORE.search(view.w, max(begin, start - 40), start)  # "Progressed" (within ...)
    return _Half(
        said.start() if said else start,
        origin + found.start("or"),
        origin + found.end("or"),
        first,
        months,
    )


def _first_half(view: ItemView, found: _Half, fields: dict[str, object]) -> Draft:
    """The therapy as the first half of an elliptical 'or' states it: in its own setting, with
    its own window (a relapse window after early therapy; progression on therapy for advanced
    disease, as for 'progression on or within 1 month of X for advanced disease')."""
    settings, months = found.settings, found.months
    timed = {"within_days", "max_duration_months", "min_duration_months", "relapse_after_months",
             "relapse_within_months", "line", "most_recent"}  # fmt: skip
    half = {k: v for k, v in fields.items() if k not in timed}
    half["settings"] = settings
    if set(settings) <= {"neoadjuvant", "adjuvant"}:
        half.update(relation="received", relapse_within_months=months)
    else:
        half["relation"] = "progressed"
    return Draft(
        "prior_therapy",
        half,
        view.evidence(*_whole_words(view.w, found.start, found.or_start)),
        found.start,
        found.or_start,
        found.or_start,
    )


#: "relapse after adjuvant chemotherapy, thereafter failure of subsequent EGFR-TKI treatment":
#: a sequence of two histories, which excludes only as a whole.
_THEN = re.compile(r"\b(?:thereafter|then|followed by|subsequent(?:ly)?|afterwards)\b", re.I)
_THEN_WORDS = gate_words("thereafter", "then", "followed", "subsequent", "afterwards")
TOGETHER = "excludes only when all of them were received"


def _sequence_excludes_together(drafts: list[Draft], w: str) -> None:
    histories = [d for d in drafts if d.kind == "prior_therapy"]
    for first, second in pairwise(sorted(histories, key=lambda d: d.start)):
        if first.run_end < second.start and _THEN.search(w, first.run_end, second.start):
            for draft in (first, second):
                if TOGETHER not in draft.fields.get("exceptions", ()):
                    draft.fields["exceptions"] = (*draft.fields.get("exceptions", ()), TOGETHER)


#: "Disease progression after (treatment with) one or two lines of ...", "whose disease has
#: progressed after 1-2 lines", "recurrence after at least one endocrine therapy": the count
#: and, besides it, progression on that kind of therapy.
_PROGRESSION_BEFORE_COUNT = re.compile(
    r"\b(?:progress\w*|relaps\w*|recurr\w*|fail\w*)\b(?:\s+[\w/]+){0,3}?\s+(?:after|on|following"
    r"|during|despite)\s+(?:(?:treatment|therapy)\s+with\s+|receiving\s+|prior\s+)?$",
    re.IGNORECASE,
)


def _progression_after_lines(view: ItemView, lines: list[Draft]) -> list[Draft]:
    out = []
    for line in lines:
        before = view.w[max(0, line.start - 70) : line.start]
        cue = _PROGRESSION_BEFORE_COUNT.search(before)
        if cue is None or line.fields.get("negated"):
            continue
        scope = str(line.fields.get("scope"))
        classes = ("systemic_anticancer_therapy",) if scope in {"any", "systemic"} else (scope,)
        start = line.start - len(before) + cue.start()
        fields: dict[str, object] = {
            "agents": (),
            "classes": classes,
            "relation": "progressed",
            "settings": line.fields.get("settings", ()),
            "except_agents": (),
            "except_classes": (),
            "exceptions": (),
            "negated": False,
            # progression after the lines given so far: on the latest of them (a patient still
            # on a line without progression has not progressed "after" it)
            "most_recent": classes == ("systemic_anticancer_therapy",),
        }
        # the count's place, so that the alternatives around the count stay neighbours; the
        # count's any-of group is its group too (`extract.COUNT_PROGRESSION`)
        made = Draft("prior_therapy", fields, view.evidence(start, line.end), line.start, line.end)
        view.memo.setdefault(COUNT_PROGRESSION, []).append((made, line))
        out.append(made)
    return out


#: "osimertinib as the most recent line of treatment", "X must be the last treatment regimen
#: before Y", "(X), which must be the most recent therapy": the therapy is the patient's latest.
#: A class-qualified recency ("the most recent ALK inhibitor therapy") is not overall recency.
_MOST_RECENT_AFTER = re.compile(
    r"^[^.;()]{0,100}?\b(?P<cue>as|is|was|be|being)\s+(?:the\s+|their\s+|his\s+|her\s+)?"
    r"(?:most\s+recent|last|latest|immediately\s+(?:preceding|prior))\s+"
    r"(?:(?:line\s+of|prior|previous|systemic|anti-?\s?cancer|anti-?\s?tumou?r)\s+)*"
    r"(?:treatments?|therapy|therapies|regimens?|line)\b",
    re.IGNORECASE,
)
#: "progression on the most recent (systemic) therapy": the generic therapy is the latest one.
_MOST_RECENT_BEFORE = re.compile(
    r"\b(?:most\s+recent|last|latest|immediately\s+(?:preceding|prior))\s+(?:line\s+of\s+)?$",
    re.IGNORECASE,
)
_MOST_RECENT_START = re.compile(r"(?:most\s+recent|last|latest)\b", re.IGNORECASE)
#: "... does not need to be the most recent therapy", "need not be the last": no recency asked.
_NOT_NEEDED = re.compile(
    r"\b(?:not\s+(?:need|have|required)\s+to|need\s+not|not\s+necessarily)\s+be\b",
    re.IGNORECASE,
)
#: "Crizotinib does not need to be the last therapy received": a note about the therapy.
_NOTE_SUBJECT = re.compile(r"^[\s(]*(?:note\s*:\s*)?(?:the\s+)?$")
_NOTE_ABOUT = re.compile(
    r"^\s*(?:\(\w+\)\s*)?(?:does|do|need|is|are)\s+not\s+(?:need\s+to\s+|required\s+to\s+)?be"
    r"\s+(?:the\s+)?(?:most\s+recent|last|latest)\b",
    re.IGNORECASE,
)


def _most_recent(w: str, run: _Run, before: str, after: str, relation: str, reach: int) -> bool:
    """Whether the words around a therapy make it the patient's latest one. A generic therapy
    is the latest only where progression on it is asked ("progression on the most recent
    therapy"; "4 weeks since the last therapy" is a washout). The recency must be stated before
    another therapy is named (`reach`: "chemotherapy, and mTOR inhibitors as the last
    treatment": only the mTOR inhibitors are the latest)."""
    if not run.agents and all(k == "systemic_anticancer_therapy" for k in run.classes):
        return relation == "progressed" and (
            _MOST_RECENT_BEFORE.search(before[-30:]) is not None
            or _MOST_RECENT_START.match(w, run.start) is not None
        )
    found = _MOST_RECENT_AFTER.match(after)
    return (
        found is not None
        and found.start("cue") < reach
        and not _NOT_NEEDED.search(after, 0, found.end())
    )


_LINE_NAMED_WORDS = gate_words("line")
_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3}
_ORDINAL = r"\b(?P<ord>first|1st|second|2nd|third|3rd)[- ]?line\b"
#: "first- or second-line", "first-line or later": no one line is named.
_NOT_ONE_LINE = (
    r"(?!\s*(?:-|/|,|or|and|and/or|to)\s*(?:(?:first|1st|second|2nd|third|3rd|later|further"
    r"|subsequent|beyond)\b|\w+[- ]line\b))"
)
#: "(within 6 months of starting) first-line endocrine therapy", "the 2nd line of ET": the
#: ordinal right before the therapy.
_LINE_BEFORE = re.compile(
    _ORDINAL + r"(?:\s+of)?\s+(?:(?:the|their|prior|previous|standard|systemic|palliative"
    r"|metastatic)\s+)*$",
    re.IGNORECASE,
)
#: Words before an ordinal that make it no line of the history: the second of two ("first- or
#: second-line", "adjuvant or first-line ET": either will do), the line to come ("at the time of
#: third-line X", "could receive second-line chemotherapy"), or a definition ("the adjuvant
#: therapy counts as the first line").
_NOT_THE_LINE_BEFORE = re.compile(
    r"(?:\b(?:or|and|and/or)\s+|/\s*|\b(?:first|1st|second|2nd|third|3rd)(?:[- ]?line)?[- ]*"
    r"(?:to|through)\s+|\b(?:at the time of|prior to|before|eligible for|candidates? for|receive"
    r"|considered(?: as)?|regarded as|counted as|counts as|defined as)\s+(?:the\s+|a\s+)?)$",
    re.IGNORECASE,
)
#: "X (given) as first-line therapy", "X in the second-line setting".
_LINE_AFTER = re.compile(
    r"^\s*(?:\([^()]{0,60}\)\s*)?,?\s*(?:(?:given|administered|received|used)\s+)?"
    r"(?:as|in)\s+(?:the\s+|a\s+|their\s+)?" + _ORDINAL + _NOT_ONE_LINE,
    re.IGNORECASE,
)
#: "progression on X within 6 months of starting first-line treatment": the window's line.
_LINE_OF_WINDOW = re.compile(r"\s+(?:the\s+|their\s+)?" + _ORDINAL + _NOT_ONE_LINE, re.I)


def _line_named(before: str, after: str, near: str, early: re.Match[str] | None) -> int | None:
    """Which line for advanced disease the words make the therapy, if they name one: the
    ordinal before it, after it ("as first-line therapy"), or as the object of the window that
    times it ("progression on X within 6 months of starting first-line treatment")."""
    before = before[-60:]
    found = _LINE_BEFORE.search(before)
    if found is not None:
        if _NOT_THE_LINE_BEFORE.search(before, 0, found.start()):
            return None
    else:
        found = _LINE_AFTER.match(after)
    if found is None and early is not None:
        found = _LINE_OF_WINDOW.match(near, early.end())
    return _ORDINALS[found.group("ord").lower()] if found is not None else None


#: "within the previous 6 months", "in the last 3 months": a time back from now (not "within 6
#: months of starting it", nor "of completing adjuvant therapy").
_LOOKBACK = Fast(
    r"\b(?:within|in|during)\s+(?:the\s+)?(?:previous|past|last|preceding|prior)\s+"
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>days?|weeks?|months?|years?)\b"
    r"(?!\s+(?:of|after|from|since|before)\b)"
)


def _whole_words(w: str, start: int, end: int) -> tuple[int, int]:
    """A window narrowed so that it cuts no word in two (evidence shown to a reader)."""
    while 0 < start < end and w[start - 1].isalnum() and w[start].isalnum():
        start += 1
    while start < end < len(w) and w[end - 1].isalnum() and w[end].isalnum():
        end -= 1
    return start, end


#: "(therapy) for locally advanced, recurrent or metastatic disease", "for their relapsed (or
#: progressed) NSCLC": the disease the therapy was for, whose words say nothing of how it went.
_SETTING_WORDS = re.compile(
    r"^[\s,]*(?:for|in)\s+(?:the\s+|their\s+|his\s+|her\s+)?[^.;:]{0,160}?\b(?:disease|setting"
    r"|cancer|BC|MBC|ABC|NSCLC|carcinoma|tumou?rs?|malignanc\w*)\b",
    re.IGNORECASE,
)


def _without_setting(after: str) -> str:
    """The words after a therapy with its setting phrase set aside, for reading the relation
    ("No systemic therapy was received for locally advanced, recurrent or metastatic NSCLC":
    "recurrent" is the disease, not a relapse on the therapy)."""
    given = _GIVEN_VERB.match(after)
    rest = after[given.end() :] if given else after
    setting = _SETTING_WORDS.match(rest)
    if setting is None:
        return after
    if given and re.match(r"\s*[,;]\s*\w", rest[setting.end() :]):
        # "If a taxane had been given in the adjuvant setting, progression must have ...": the
        # words after the setting are the condition's, read as before
        return after
    return rest[setting.end() :]


_GIVEN_VERB = re.compile(
    r"[\s,]*(?:(?:was|were|has been|have been|had been|is|are)\s+)?(?:previously\s+)?"
    r"(?:received|given|administered|used)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Times:
    """The time phrases of one clause, read once for all the therapies the clause names."""

    window: tuple[int, int, int] | None
    washout: re.Match[str] | None
    started: re.Match[str] | None
    duration: re.Match[str] | None


def _early_aside(view: ItemView, after: int, stop: int, settings: Sequence[str]) -> int:
    """Where a bracket or exception about early use of a therapy barred for advanced disease
    starts ("no chemotherapy for stage IV disease (adjuvant chemotherapy allowed if finished
    > 6 months before)"): its time belongs to the early use, not to the bar. `stop` if none."""
    if "metastatic" not in settings or "adjuvant" in settings:
        return stop
    w = view.w
    asides = [(e.start, e.end) for e in view.exceptions if after <= e.start < stop]
    opened = w.find("(", after, stop)
    while opened != -1:
        closed = w.find(")", opened)
        asides.append((opened, closed if closed != -1 else stop))
        opened = w.find("(", opened + 1, stop)
    for start, end in sorted(asides):
        words = w[start:end]
        if {"neoadjuvant", "adjuvant"} & set(cues.settings_in(words)):
            # only a time before the study ("finished > 6 months before randomisation"); an
            # interval to relapse ("came back > 12 months after it") is the relapse readers'
            return start if _BEFORE_STUDY.search(words) else stop
    return stop


_BEFORE_STUDY = re.compile(
    r"\b(?:before|prior to|preceding)\s+(?:the\s+)?(?:(?:first|1st)\s+dose|day\s*1|randomi"
    r"|enrol|registration|study|entry|screening|inclusion|(?:start\s+of\s+)?treatment)",
    re.IGNORECASE,
)


def _clause_times(view: ItemView, begin: int, stop: int, clause: str, low: str) -> _Times:
    key = ("times", begin, stop)
    found = view.memo.get(key)
    if found is None:
        found = _Times(
            cues.within_days(clause),
            _WASHOUT.search(clause, low),
            _STARTED.search(clause, low),
            _DURATION.search(clause, low),
        )
        view.memo[key] = found
    return found


_ONLY_WORDS = gate_words("only")
#: "must have had only first-line osimertinib as their earlier line (in the advanced
#: setting)": that therapy and no other line before the study.
_ONLY_PRIOR_LINE = re.compile(
    r"\b(?:received|had|been\s+treated\s+with)\s+only\s+(?:(?:one|1|a\s+single)\s+)?"
    r"(?P<what>[^.;]{2,60}?)\s+as\s+(?:a|the|their)\s+(?:only\s+)?(?:prior|previous)\s+"
    r"(?:line|regimen|therapy|treatment)\b",
    re.IGNORECASE,
)


def _only_line(view: ItemView, mentions: list[lexicon.Mention]) -> list[Draft]:
    """The one line "only X as a prior line" allows, as a count of at most one line in the
    setting it names (the therapy itself is read as a prior therapy besides)."""
    found = _ONLY_PRIOR_LINE.search(view.w)
    if found is None or not any(
        found.start("what") <= m.start < found.end("what") for m in mentions
    ):
        return []
    tail = view.w[found.end() : found.end() + 80]
    settings = cues.settings_in(tail) or ("metastatic",)
    return [
        # the words after the therapy, so that the therapy's own reading stays beside it
        view.draft("line_count", found.end("what"), found.end(), scope="any", min=None, max=1,
                   settings=settings)
    ]  # fmt: skip


def _line_counts(view: ItemView, mentions: list[lexicon.Mention]) -> list[Draft]:
    w = view.w
    if not view.has(_LINE_WORDS):
        return []
    if _DIGIT.search(w) is None:
        return []
    out: list[Draft] = []
    read_to = 0  #: the end of the words the last count read after its noun
    capped_to: int | None = None  #: the end of the last capped count's noun
    for match in _LINES.finditer(w, view.low):
        inside, read_to = match.start() < read_to, max(read_to, match.end("tail"))
        prefix = w[max(0, match.start() - 45) : match.start()]
        allowed = _PERMITTED_COUNT.search(prefix + "\n" + match.group("tail")) is not None
        # "no more than 1 chemotherapy or 1 targeted regimen": the cap goes on to the next count
        allowed = allowed or bool(
            capped_to is not None and _CAP_GOES_ON.match(w[capped_to : match.start()])
        )
        if inside and not (match.group("cmp") or match.group("dir") or allowed):
            continue  # a bare number in a count's own words ("one or both regimens")
        between = match.group("between") or ""
        noun = match.group("noun").lower()
        if _STRATEGY_AFTER.match(w, match.end("noun")):
            continue  # "receiving one or more treatment strategies": care plans, not lines
        if _NOT_LINES.search(between) or (
            noun.startswith(("agent", "course"))
            and "line" not in between
            and not _CAPPED_AGENTS.match(match.group(0))
        ):
            continue
        n = int(match.group("n"))
        m = int(match.group("m")) if match.group("m") else None
        if n > 10 or (m is not None and m > 10):
            continue
        if _ENUMERATION.match(w, match.start("n")) and not match.group("cmp") and m is None:
            continue  # "3) Prior chemotherapy: ...": a list mark, not a count
        if _NAME_NUMBER.search(w, max(0, match.start("n") - 2), match.start("n")):
            continue  # "HER-2 directed therapies", "anti-PD-1 therapy": part of a name
        if re.search(
            r"(?:stage|grade|level|ECOG|version|v|cycles?|phase|arm|cohort|part|group|exon|codon|day"
            r"|CTCAE|RECIST)\s*$",
            prefix,
            re.I,
        ):
            continue
        if re.match(r"\s*(?:agents?|drugs?|medications?)\b", match.group("tail"), re.I):
            continue  # "at least 1 cytotoxic chemotherapy agent": a definition, not a count
        if noun.startswith(("therap", "treatment", "chemo", "agent")) and not re.search(
            r"\b(?:prior|previous|earlier|lines?|regimens?|received|receiving|treated|progress\w*|after"
            r"|following|pretreated)\b",
            prefix
            + between
            + match.group("tail")[:30]
            + (view.context.intro if view.context else ""),
            re.I,
        ):
            continue
        cmp = match.group("cmp")
        if match.group("dir"):
            cmp = ">=" if match.group("dir") in {"more", "greater"} else "<="
        if cmp is None and m is None and allowed:
            # "may have received one prior chemotherapy": a maximum, not a requirement; in an
            # exclusion ("(1 prior regimen is allowed)") more than that excludes
            cmp = ">" if view.section == Section.EXCLUSION else "<="
        elif (
            view.section == Section.INCLUSION
            and m is None
            and cmp in (">", ">=")
            and _MAY_HAVE_BEFORE.search(prefix)
        ):
            continue  # "patients can receive more than one line": allowed, not required
        elif allowed and view.section == Section.EXCLUSION and m is None and cmp in ("<=", "<"):
            # "(exclusion:) no more than one prior chemotherapy regimen was permitted": what
            # excludes is more than that
            cmp = ">" if cmp == "<=" else ">="
        low: int | None
        high: int | None
        if m is not None:
            low, high = n, m - (1 if match.group("cmp2") == "<" else 0)
            if cmp == ">=" and match.group("cmp2"):
                low = n
        elif cmp == "<=":
            low, high = None, n
        elif cmp == "<":
            low, high = None, n - 1
        elif cmp == ">=":
            low, high = n, None
        elif cmp == ">":
            low, high = n + 1, None
        else:
            low, high = n, n
        if high is not None and low is not None and high < low:
            continue
        capped_to = match.end("noun") if low is None else None
        tail = match.group("tail")
        left_out, left_span = _left_out(w, match.end("noun"), tail, mentions)
        scope = _scope(
            w,
            match.start(),
            match.end("noun"),
            match.end("noun") + 30,
            [m for m in mentions if not left_span[0] <= m.start < left_span[1]],
            between + noun,
        )
        if scope in left_out:
            scope = "any"
        if scope != "any" and not lexicon.counts_as_line(scope):
            continue  # "despite two or more antihypertensive agents": not anticancer lines
        tail_cut = re.split(
            r"\b(?:and|or|but|with|who|which|including|except)\b|,", tail, maxsplit=1
        )[0]
        # "2 or more lines of endocrine therapy, with or without X, for metastatic disease"
        setting_tail = _SETTING_TAIL_END.split(_OPTIONAL_PART.sub(" ", tail, count=1), 1)[0]
        start = match.start()
        lead = ""
        if scope == "any" and re.fullmatch(r"(?:[\w-]+\s+)?(?:lines?|regimens?)", between + noun):
            # "treated with chemotherapy for metastatic disease in 1 or 2 earlier lines"
            named = _named_before(w, start, mentions)
            if named is not None:
                scope = _line_scope(named.id if named.kind == "class" else _main_class(named.id))
                lead, start = w[named.end : match.start()], named.start
        settings = cues.settings_in(lead + " " + between + " " + setting_tail[:60])
        rest = w[match.end("noun") : cues.sentence_stop(w, match.end("noun"))]
        if not settings and "(" in rest:
            # past a bracket of examples: "two endocrine lines, with or without a targeted
            # agent (for example a CDK4/6 or mTOR inhibitor), given for metastatic disease"
            unbracketed = _OPTIONAL_PART.sub(" ", _BRACKETED.sub(" ", rest), count=1)
            settings = cues.settings_in(_SETTING_TAIL_END.split(unbracketed, 1)[0][:80])
        # "at least 1 prior hormonal treatment in any setting": every setting counts
        every = not settings and _ANY_SETTING.match(rest) is not None
        if not settings and re.search(r"\b(?:palliative)\b", between, re.I):
            settings = ("metastatic",)
        if "metastatic" in settings and len(settings) > 1:
            # "1 to 2 lines of chemotherapy/adjuvant in the recurrent or metastatic setting":
            # lines for advanced disease; a count over several settings lists them (below)
            settings = ("metastatic",)
        listed = _SETTINGS_LISTED.match(tail)
        if (
            listed is not None
            and len(in_list := cues.settings_in(listed.group("body") or listed.group("either"))) > 1
        ):
            # "(either in the metastatic or the adjuvant setting)": every setting listed counts
            settings = in_list
            tail_cut = tail[: listed.end()]
        if left_span[1] and not left_out and _EARLY_SETTING.search(w, *left_span):
            # "not including regimens given in the (neo)adjuvant setting": advanced lines
            settings = ("metastatic",)
        elif left_span[1] and not settings:
            after = re.split(r"[.;(]", w[left_span[1] : left_span[1] + 50], maxsplit=1)[0]
            settings = cues.settings_in(after)  # "excluding endocrine therapy, for ABC"
        end = max(match.end("noun") + len(tail_cut), left_span[1])
        scopes = [scope]
        capped = low is None or (high is None and view.section == Section.EXCLUSION)
        other = _OTHER_SCOPE.match(tail, len(tail_cut)) if capped else None
        if other is not None and scope in {"chemotherapy", "endocrine_therapy"}:
            # "at most 1 line of chemotherapy or endocrine therapy": each is capped (the total
            # is what the trial counts; two caps are what a history can be judged against)
            second = "chemotherapy" if "chemo" in other.group(1).lower() else "endocrine_therapy"
            if second != scope:
                scopes.append(second)
                end = match.end("noun") + other.end()
                settings = settings or cues.settings_in(tail[: other.end() + 60])
        if capped and _OR_NUMBER.search(between):
            # "no more than 1 prior chemotherapy or 1 targeted therapy regimen": a cap on each
            for named in mentions:
                if match.start() <= named.start < match.end("noun"):
                    other_scope = _line_scope(
                        named.id if named.kind == "class" else _main_class(named.id)
                    )
                    if other_scope not in scopes and other_scope != "any":
                        scopes.append(other_scope)
        part = _OF_WHICH.match(w, end) if not settings else None
        if every and part is None:
            settings = _EVERY_SETTING
        for counted in scopes:
            out.append(
                view.draft(
                    "line_count",
                    start,
                    end,
                    scope=counted,
                    settings=_EVERY_SETTING if part is not None else settings,
                    min=low,
                    max=high,
                    except_scopes=left_out,
                    negated=view.negated(match.start(), end),
                )
            )
            if part is not None:
                # "at least 2 chemotherapy regimens, of which 1 to 2 for metastatic disease":
                # the first count is over every setting, the second over the one it names
                high_part = part.group("high")
                out.append(
                    view.draft(
                        "line_count",
                        part.start("low"),
                        part.end(),
                        scope=counted,
                        settings=("metastatic",),
                        min=int(part.group("low")) if part.group("floor") else None,
                        max=int(high_part)
                        if high_part
                        else (None if part.group("floor") else int(part.group("low"))),
                        except_scopes=left_out,
                        negated=False,
                    )
                )
                read_to = max(read_to, part.end())
    return out


_EVERY_SETTING = ("neoadjuvant", "adjuvant", "metastatic")
#: "..., of which at least 1 but no more than 2 were given for metastatic disease"
_OF_WHICH = re.compile(
    r"\s*,?\s*(?:\(\s*)?of\s+(?:which|these|them)\s+(?P<floor>>=\s*|at\s+least\s+)?"
    r"(?P<low>\d)\s*(?:(?:but|and)\s+(?:<=|no\s+more\s+than|at\s+most)\s*|-|to\s+)?"
    r"(?P<high>\d)?\s+(?:\w+\s+){0,5}?(?:for|in)\s+(?:the\s+)?(?:advanced|metastatic)",
    re.IGNORECASE,
)


#: Settings listed after a count, in brackets or as alternatives: "(adjuvant or metastatic)",
#: "either in the advanced setting or in the adjuvant setting".
_SETTINGS_LISTED = re.compile(
    r"\s*(?:for\s+\w+\s+\w+\s*)?(?:\((?P<body>[^()]{3,90})\)|,?\s*(?P<either>either\s+[^.;()]{3,90}"
    r"?\bor\b[^.;(),]{3,40}))",
    re.IGNORECASE,
)


#: What a line count leaves out: "(excluding hormonal therapy)", "other than ALK inhibitors",
#: "not including endocrine therapy", "(endocrine therapy does not count)".
_LEFT_OUT = re.compile(
    r"\b(?:excluding|not\s+including|other\s+than|except(?:\s+for)?|apart\s+from"
    r"|not\s+counting)\s+(?P<what>[^,;()]{2,60}?)(?=\s*(?:[,;)]|$|\s(?:for|in)\s))"
    r"|\(\s*(?P<said>[^()]{2,50}?)\s+(?:does|do|will|is|are|shall|should)\s+not\s+(?:be\s+)?"
    r"count",
    re.IGNORECASE,
)
_EARLY_SETTING = re.compile(r"\b(?:neo-?)?adjuvant\b|\bearly\b|\bcurative\b", re.I)


def _left_out(
    w: str, at: int, tail: str, mentions: list[lexicon.Mention]
) -> tuple[tuple[str, ...], tuple[int, int]]:
    """The classes a count leaves out, read from the words after its noun, and where those
    words are in `w` ((0, 0) when the count leaves nothing out)."""
    found = _LEFT_OUT.search(tail)
    if found is None:
        return (), (0, 0)
    group = "what" if found.group("what") is not None else "said"
    start, end = at + found.start(group), at + found.end(group)
    words = found.group(group).lower()
    early = _EARLY_SETTING.search(tail, found.start(group), found.end() + 40)
    if early is not None:  # "(not including neo/adjuvant chemotherapy)": a setting left out
        return (), (start, at + early.end())
    named = [m for m in mentions if start <= m.start < end]
    if named:  # a drug stays a drug: "ALK inhibitor other than crizotinib"
        scopes = [_line_scope(m.id) for m in named]
    else:
        scopes = ["endocrine_therapy"] if re.search(r"endocrine|hormon", words) else []
        if "chemo" in words or "cytotoxic" in words:
            scopes.append("chemotherapy")
    left_out = tuple(dict.fromkeys(x for x in scopes if x != "any"))
    return left_out, (start, at + found.end())


_ANY_SETTING = re.compile(
    r"[^.;,]{0,30}?\b(?:in|across|for)\s+(?:any|all|every)\s+(?:disease\s+)?settings?\b", re.I
)
_SETTING_TAIL_END = re.compile(r"\b(?:and|or|but|with|who|which|including|except)\b|,")
_BRACKETED = re.compile(r"\((?:[^()]|\([^()]*\))*\)")  #: a bracket (one nested level)
_OPTIONAL_PART = re.compile(
    r",?\s*(?:with or without|±|\+/-)\s+[^,;()]{1,40}?(?:,|(?=\s+(?:for|in)\b))", re.I
)
_CAP_GOES_ON = re.compile(r"\s*,?\s*(?:or|and/or|nor)\s*$", re.I)
_OR_NUMBER = re.compile(r"\bor\s+\d{1,2}\s+\w", re.I)
#: The second therapy of a capped count: "(at most 1 line of chemotherapy) or endocrine therapy".
_OTHER_SCOPE = re.compile(
    r"\s*(?:,\s*)?(?:or|and/or|nor)\s+(?:(?:rescue|salvage|prior|previous|systemic|palliative)\s+)?"
    r"(chemotherap\w*|cytotoxic\s+(?:chemo)?therap\w*|endocrine\s+therap\w*|hormon\w+\s+therap\w*"
    r"|endocrine\b|hormonal\b)",
    re.IGNORECASE,
)


_SETTING_GAP = re.compile(
    r"^\s*(?:(?:for|in|as|during|the|of|and|or|a|an|given|advanced|metastatic|locally|recurrent"
    r"|unresectable|inoperable|disease|setting|breast|cancer|BC|MBC|ABC|NSCLC|\d+|or)\b[\s,/-]*)+$",
    re.IGNORECASE,
)


def _named_before(w: str, start: int, mentions: list[lexicon.Mention]) -> lexicon.Mention | None:
    """A therapy named just before a bare count, with only setting words between."""
    for mention in reversed(mentions):
        if mention.end <= start:
            gap = w[mention.end : start]
            if gap.strip(" ,").lower() in {"and", "or", "and/or", ""}:
                return None  # "a taxane and 2 or more regimens": a count of its own
            return mention if len(gap) <= 60 and _SETTING_GAP.match(gap) else None
    return None


def _scope(
    w: str, start: int, noun_end: int, end: int, mentions: list[lexicon.Mention], text: str
) -> str:
    """What a line count counts: a drug or class named in the count's own words, else the
    words endocrine/hormonal or chemotherapy, else a drug or class named just after it."""
    inside = [m for m in mentions if start <= m.start < noun_end]
    after = [m for m in mentions if noun_end <= m.start < end]
    lowered = text.lower()
    for mention in inside:
        return _line_scope(mention.id if mention.kind == "class" else _main_class(mention.id))
    if re.search(r"endocrine|hormon", lowered):
        return "endocrine_therapy"
    if "chemo" in lowered or "cytotoxic" in lowered:
        return "chemotherapy"
    listed = _listed_from(after[0], mentions, w) if after else []
    if len(listed) > 1 and all(m.kind != "class" for m in listed):
        return _shared_scope(listed)  # "lines with erlotinib, gefitinib or afatinib": EGFR TKIs
    for mention in after:
        return _line_scope(mention.id if mention.kind == "class" else _main_class(mention.id))
    return "any"


_LIST_GAP = re.compile(r"\s*(?:,\s*(?:or\s+|and\s+)?|or\s+|and/or\s+|/\s*)")


def _listed_from(
    first: lexicon.Mention, mentions: list[lexicon.Mention], w: str
) -> list[lexicon.Mention]:
    """`first` and the mentions listed right after it."""
    out = [first]
    for m in mentions:
        if m.start >= out[-1].end and _LIST_GAP.fullmatch(w, out[-1].end, m.start):
            out.append(m)
    return out


def _shared_scope(mentions: list[lexicon.Mention]) -> str:
    """The narrowest class every drug named belongs to."""
    return _narrowest(frozenset.intersection(*(lexicon.drug_classes(m.id) for m in mentions)))


def _radiation(run: _Run) -> bool:
    """A run of radiotherapy alone (whole-brain, stereotactic... included)."""
    return not run.agents and all(
        c == "radiotherapy" or "radiotherapy" in lexicon.class_ancestors(c) for c in run.classes
    )


def _line_scope(class_id: str) -> str:
    return "any" if class_id == "systemic_anticancer_therapy" else class_id


def _main_class(drug: str) -> str:
    """The class a count of a drug's regimens counts ('trastuzumab-containing regimens': HER2
    antibodies, not every biologic)."""
    return _narrowest(lexicon.drug_classes(drug))


def _narrowest(classes: frozenset[str]) -> str:
    """Endocrine therapy or chemotherapy as a whole, else the deepest of the classes."""
    classes -= {"systemic_anticancer_therapy"}
    for broad in ("endocrine_therapy", "chemotherapy"):
        if broad in classes:
            return broad
    return max(sorted(classes), key=lambda c: len(lexicon.class_ancestors(c))) if classes else "any"
