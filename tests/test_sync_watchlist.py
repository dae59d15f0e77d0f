"""Watch lists: the bundled review list, the user's YAML and plain-text lists, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.watchlist import bundled_watchlist, load_watchlist, parse_watchlist
from trialmatch.errors import WatchlistError

REVIEW_IDS = (
    "NCT03519178",
    "NCT03990896",
    "NCT04060862",
    "NCT04072952",
    "NCT04191499",
    "NCT04478266",
    "NCT04650581",
    "NCT04862663",
    "NCT04869943",
    "NCT04895358",
    "NCT04964934",
    "NCT05054374",
    "NCT05065411",
    "NCT05104866",
    "NCT05216432",
    "NCT05251714",
    "NCT05252416",
    "NCT05554354",
    "NCT05654623",
)
NAMED = {
    "NCT04072952": "VERITAC",
    "NCT05654623": "VERITAC-2",
    "NCT04478266": "AMEERA-5",
    "NCT04964934": "SERENA-6",
    "NCT05104866": "TROPION-Breast01",
}


def test_the_bundled_list_holds_every_trial_the_review_names() -> None:
    review = bundled_watchlist()
    assert sorted(review.ids) == sorted(REVIEW_IDS)


def test_the_bundled_list_names_the_trials_the_review_names() -> None:
    names = {e.nct_id: e.name for e in bundled_watchlist().trials if e.name}
    assert names == NAMED


@pytest.mark.parametrize(
    ("nct_id", "strategy"),
    [
        ("NCT04072952", "er_targeting"),
        ("NCT04869943", "androgen_receptor"),
        ("NCT04862663", "pi3k_akt_mtor"),
        ("NCT05554354", "mapk"),
        ("NCT05104866", "adc"),
        ("NCT03990896", "parp"),
        ("NCT05251714", "cell_cycle"),
        ("NCT04895358", "immunotherapy"),
    ],
)
def test_each_trial_belongs_to_its_strategy(nct_id: str, strategy: str) -> None:
    entries = {e.nct_id: e for e in bundled_watchlist().trials}
    assert entries[nct_id].strategy == strategy


def test_every_bundled_strategy_is_declared_and_used() -> None:
    review = bundled_watchlist()
    used = {e.strategy for e in review.trials}
    assert used == set(review.strategies)


def test_a_plain_text_list_with_comments_and_names(tmp_path: Path) -> None:
    path = tmp_path / "my site.txt"
    path.write_text("# trials we follow\nNCT05654623  VERITAC-2\n\nnct4072952 # lower case\n")
    watchlist = load_watchlist(path)
    assert watchlist.name == "my-site"
    assert watchlist.ids == ["NCT05654623", "NCT04072952"]
    assert watchlist.trials[0].name == "VERITAC-2"


def test_a_yaml_list_in_the_bundled_format(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text(
        "name: clinic-a\nstrategies:\n  adc: ADCs\ntrials:\n"
        "  - nct_id: NCT05104866\n    strategy: adc\n    drugs: [datopotamab deruxtecan]\n"
    )
    watchlist = load_watchlist(path)
    assert watchlist.name == "clinic-a" and watchlist.trials[0].drugs == ("datopotamab deruxtecan",)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("NCT05654623\nnot-an-id\n", "line 2: expected an NCT id"),
        ("NCT05654623\nNCT05654623\n", "listed twice"),
        ("name: x\ntrials:\n  - nct_id: NCT05654623\n    colour: blue\n", "unknown key; allowed"),
        ("name: x\ntrials:\n  - nct_id: 12345\n", "must be an NCT id"),
        ("name: x\ntrials: []\n", "trials"),
        (
            "name: x\nstrategies: {a: A}\ntrials:\n  - {nct_id: NCT05654623, strategy: b}\n",
            "strategy 'b' is not declared",
        ),
        ("name: bad name\ntrials:\n  - nct_id: NCT05654623\n", "name"),
        ("- just\n- a list\n", "expected a YAML mapping"),
        ("name: [unclosed\n", "not valid YAML"),
    ],
    ids=[
        "bad-line",
        "duplicate",
        "unknown-key",
        "bad-id",
        "empty",
        "undeclared-strategy",
        "bad-name",
        "not-a-mapping",
        "broken-yaml",
    ],
)
def test_malformed_lists_say_where_and_what_is_accepted(text: str, message: str) -> None:
    with pytest.raises(WatchlistError, match=r"list\.txt") as caught:
        parse_watchlist(text, source="list.txt")
    assert message in str(caught.value)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WatchlistError, match="cannot read watch list"):
        load_watchlist(tmp_path / "absent.txt")
