"""Record files: the example records as printed in the seeds, and bad records."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessment.domain.errors import InvalidFile
from assessment.domain.record import valid_period
from assessment.domain.scores import Score
from assessment.formats.framework_file import find_framework
from assessment.formats.record_file import load_record, record_as_data

from .conftest import FIXTURES, SEED_002_PATH

BAD = FIXTURES / "records" / "bad"
SEED_002 = " ".join(SEED_002_PATH.read_text(encoding="utf-8").split())


def test_medway_has_two_full_years(medway):
    assert [p.period for p in medway.periods] == ["2022", "2023"]
    for p in medway.periods:
        assert list(p.entries) == [str(n) for n in range(1, 60)]
        assert all(e.score.is_scored and e.comment for e in p.entries.values())


def test_medway_split_scores_as_printed(medway):
    half = {p.period: sorted((k for k, e in p.entries.items() if e.score.is_half_step), key=int)
            for p in medway.periods}
    assert half == {"2022": ["18"], "2023": ["3", "7"]}
    assert medway.period("2023").entries["3"].score.written == "2/3"


def test_medway_baseline_agreed_november_2021(medway):
    assert medway.baseline_agreed == "November 2021"
    assert medway.baselines["1"] == Score(3.0)
    assert "3" not in medway.baselines  # the seed states no baseline for objective 3


def test_medway_comments_are_verbatim(medway):
    y2022, y2023 = medway.period("2022"), medway.period("2023")
    assert y2022.entries["1"].comment == "NA, achieved baseline of '3' as agreed November 2021."
    assert y2023.entries["35"].comment == "As per previous year's comment."
    # Single-line cells of the seed appear word for word.
    for entry in [y2023.entries["4"], y2023.entries["16"], y2022.entries["3"], y2022.entries["57"]]:
        assert entry.comment in SEED_002
    verbatim = sum(1 for p in medway.periods for e in p.entries.values() if " ".join(e.comment.split()) in SEED_002)
    assert verbatim >= 90  # the rest wrap across columns in the PDF and were rebuilt by hand


def test_medway_actions(medway):
    actions = [a for p in medway.periods for e in p.entries.values() for a in e.actions]
    assert len(actions) == 22
    three = medway.period("2022").entries["3"].actions[0]
    assert three.owner == "Category Management" and three.status == "open"   # "To be carried forward to 2023"
    assert three.text in medway.period("2022").entries["3"].comment
    policy = medway.period("2022").entries["40"].actions[0]   # its 2023 comment says the policy exists
    assert (policy.text, policy.status) == ("Organisation to create a social value policy.", "done")
    assert [(u.status, u.on, u.period) for u in policy.updates] == [("done", None, "2023")]
    assert policy.updates[0].note in medway.period("2023").entries["40"].comment


def test_an_old_record_file_saying_carried_forward_is_read_as_open(tiny, tmp_path):
    path = tmp_path / "old.yaml"
    path.write_text("organisation: {id: x, name: X}\nframework: {id: tiny-kit, version: '0.1'}\nperiods:\n"
                    "  - period: '2024'\n    entries:\n      - objective: S1\n        score: '2'\n        actions:\n"
                    "          - {text: Train staff, status: carried forward}\n", encoding="utf-8")
    record = load_record(path, lambda framework_id: tiny)
    assert record.period("2024").entries["S1"].actions[0].status == "open"


def test_worcestershire_key_area_record(worcestershire):
    p = worcestershire.period("2022")
    assert not p.entries and len(p.key_area_entries) == 9 and worcestershire.framework_id == "worcestershire-2022"
    risk = p.key_area_entries["managing-strategic-risk"]
    assert (risk.score, risk.target, risk.target_period) == (Score(3.0), Score(5.0), "2025")
    assert p.key_area_entries["engaging-strategic-suppliers"].score == Score(1.0)


def test_record_round_trips_through_the_file_shape(tmp_path, medway):
    import yaml
    path = tmp_path / "again.yaml"
    path.write_text(yaml.safe_dump(record_as_data(medway), allow_unicode=True, sort_keys=False), encoding="utf-8")
    again = load_record(path, find_framework)
    assert record_as_data(again) == record_as_data(medway)


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda p: p.name)
def test_bad_records_give_the_golden_messages(path: Path):
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").strip().splitlines()
    with pytest.raises(InvalidFile) as caught:
        load_record(path, find_framework, display=path.name)
    assert [str(p) for p in caught.value.problems] == expected


def test_unknown_framework_is_reported_at_its_line(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("organisation: {id: x, name: X}\nframework:\n  id: nps-2099\n  version: '1'\n", encoding="utf-8")
    with pytest.raises(InvalidFile) as caught:
        load_record(path, find_framework, display="r.yaml")
    assert str(caught.value).startswith("r.yaml:3: framework.id: no framework with id 'nps-2099'")


@pytest.mark.parametrize("name, ok", [("2023", True), ("2023/24", True), ("2023/2024", True), ("1999/00", True),
                                      ("2023/25", False), ("2023-24", False), ("FY23", False)])
def test_valid_periods(name, ok):
    assert valid_period(name) is ok


def test_text_longer_than_the_database_keeps_is_located_in_a_record_file(tmp_path, nps):
    """The same lengths as the database's columns, so a record SQLite would keep is never one
    PostgreSQL refuses; each refusal located to its line."""
    from assessment.formats.record_file import load_record
    path = tmp_path / "long.yaml"
    path.write_text("organisation:\n  id: x\n  name: X\nframework:\n  id: nps-2018\n  version: '2018'\n"
                    "baselines:\n  agreed: " + "a" * 201 + "\n  scores: {}\nperiods:\n  - period: '2023'\n"
                    "    entries:\n      - objective: 1\n        evidence:\n          - url: https://example.org\n"
                    "            title: " + "t" * 301 + "\n")
    with pytest.raises(InvalidFile) as caught:
        load_record(path, lambda _: nps)
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (8, "the text is 201 characters long; up to 200 can be kept"),
        (16, "the text is 301 characters long; up to 300 can be kept")]
