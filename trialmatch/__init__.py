"""trialmatch: a ClinicalTrials.gov mirror, an eligibility-criteria parser, an explainable matcher.

The work is done by three packages: `sync` (registry -> SQLite), `criteria` (eligibility text ->
typed criteria) and `matcher` (patient x trials -> ranked, explained verdicts). This package holds
what they share: the vocabulary (`trialmatch.vocab`), the exceptions (`trialmatch.errors`) and the
command line (`trialmatch.cli`).
"""

__version__ = "0.1.0"
