"""Every exception the project raises on purpose, in one place.

The command line turns these into one-line messages that say what to do next. Messages never
contain patient values: profiles hold health data, so an error names the field, the type of the
offending value and what is accepted.
"""

from __future__ import annotations


class TrialmatchError(Exception):
    """Base class: an error the user can act on. `str(error)` is the message shown."""


# --- database -----------------------------------------------------------------------------------


class DatabaseMissing(TrialmatchError):
    def __init__(self, path: str) -> None:
        super().__init__(
            f"no trial database at {path}: run `trialmatch sync` or `trialmatch import` first"
        )
        self.path = path


class DatabaseError(TrialmatchError):
    """The database exists but cannot be used (corrupt, newer schema, locked)."""


class UnknownTrial(TrialmatchError):
    def __init__(self, nct_id: str) -> None:
        super().__init__(
            f"{nct_id} is not in the database: `trialmatch sync --id {nct_id}` fetches it"
        )
        self.nct_id = nct_id


# --- ClinicalTrials.gov API ---------------------------------------------------------------------


class ApiError(TrialmatchError):
    """The registry could not be reached or kept failing after retries."""


class ApiRequestRejected(ApiError):
    """The registry answered 4xx: our request is wrong and retrying will not help."""

    def __init__(self, status: int, reason: str, url: str) -> None:
        super().__init__(f"ClinicalTrials.gov rejected the request ({status}): {reason.strip()}")
        self.status = status
        self.reason = reason
        self.url = url


class SyncFailed(TrialmatchError):
    """A sync run stopped; everything written before the failing page is kept."""


class RunFailed(SyncFailed):
    """A sync or import run stopped and was recorded as failed; `report` is its run record
    (`sync.runs.RunReport`)."""

    def __init__(self, message: str, report: object) -> None:
        super().__init__(message)
        self.report = report


class InvalidOption(TrialmatchError, ValueError):
    """An option or argument has a value we do not accept: names the option and what is."""

    def __init__(self, option: str, accepted: str, problem: str = "value not accepted") -> None:
        super().__init__(f"{option}: {problem}; accepted: {accepted}")
        self.option = option


# --- input files --------------------------------------------------------------------------------


class ImportFormatError(TrialmatchError):
    """A file given to `trialmatch import` is not in a format we read."""


class WatchlistError(TrialmatchError):
    """A watch list file is malformed."""


class ProfileError(TrialmatchError):
    """A patient profile is invalid. The message names fields, never values."""


class DataFileError(TrialmatchError):
    """A bundled or user-supplied knowledge file (drugs, genes, rules) failed validation."""


class UnknownTerm(TrialmatchError, KeyError):
    """A drug, drug class or gene the lexicon does not know (a KeyError, so `except KeyError`
    catches it). `suggestions` holds close known names. The name asked about is shown only
    when given (callers pass "" for patient data)."""

    def __init__(self, what: str, name: str = "", suggestions: tuple[str, ...] | list[str] = ()):
        hint = f"; did you mean {' or '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown {what}{f' {name!r}' if name else ''}{hint}")
        self.what = what
        self.suggestions = tuple(suggestions)

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])
