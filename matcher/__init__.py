"""The matcher: judge every criterion of every trial for a patient, decide verdicts, rank.

A Python API for scripts::

    from matcher import load_profiles, load_trials, match_patient, match_many

    trials = load_trials("trialmatch.db")            # read once
    for patient in load_profiles("cohort.jsonl"):    # YAML/JSON, arrays, JSON Lines, CSV
        report = match_patient(patient, trials, top=5)
        for m in report.matches:
            print(patient.id, m.rank, m.trial.nct_id, m.verdict, m.score, m.result.targets)

Matching never touches the network and never writes: only `load_trials` reads the database.
"""

from matcher.cohort import match_many
from matcher.loading import load_profile, load_profiles, parse_profile
from matcher.match import Match, MatchReport, match_patient
from matcher.profile import Profile
from matcher.report import report_json
from matcher.trials import TrialSet, load_trials

__all__ = [
    "Match",
    "MatchReport",
    "Profile",
    "TrialSet",
    "load_profile",
    "load_profiles",
    "load_trials",
    "match_many",
    "match_patient",
    "parse_profile",
    "report_json",
]
