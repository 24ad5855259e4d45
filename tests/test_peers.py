"""Peer comparison through the application layer and the command line (issue 31), on SQLite and
PostgreSQL: councils put approved periods forward; releases freeze group figures (no comparator
under 5 councils, the median from 5, the quartiles from 10); a club that differs by one council from
a region is withheld and comes back when it grows; a withdrawal counts only from the next release;
a period below half coverage is not counted; a council's reader sees only its own groups' released
figures, and none of another council's scores by any address."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest

from assessment import workflows
from assessment.cli import main
from assessment.domain.errors import AssessmentError, InvalidEdit, NotAllowed
from assessment.domain.peer_records import GUARD
from assessment.domain.record import Entry, Organisation, OrganisationRecord, PeriodRecord
from assessment.domain.scores import Score
from assessment.formats.framework_file import find_framework
from assessment.workflows import LOCAL_ACTOR, Actor, queries

NPS = find_framework("nps-2018")
OBJECTIVES = list(NPS.key_area_of)
AREA = "engaging-councillors"


def council(n: int, *, kind: str = "unitary", region: str = "South East", level: float = 3.0,
            scored: int | None = None, period: str = "2023/24", status: str = "approved") -> OrganisationRecord:
    """Council n: one period, every objective (or the first `scored`) at `level`, plus n % 3 on the
    first key area's objectives, so that the group's figures are not all one number."""
    entries = {}
    for objective in OBJECTIVES[:scored] if scored is not None else OBJECTIVES:
        value = min(5.0, level + (n % 3 if NPS.key_area_of[objective] == AREA else 0))
        entries[objective] = Entry(item=objective, score=Score(value))
    return OrganisationRecord(Organisation(f"council-{n:02d}", f"Council {n}", kind, region), "nps-2018", "2018",
                              [PeriodRecord(period, status=status, entries=entries)])


def put_forward(store, n: int, **kwargs) -> str:
    record = council(n, **kwargs)
    workflows.import_record(store, LOCAL_ACTOR, record)
    workflows.peers_opt_in(store, LOCAL_ACTOR, record.organisation.id, record.periods[0].period)
    return record.organisation.id


def figures(store, org_id: str, group: str = "type", period: str = "2023/24") -> dict:
    view = queries.peer_view(store, LOCAL_ACTOR, org_id, period)
    assert view is not None
    return next(g for g in view.groups if g.kind == group or g.name == group).figures


def test_4_5_9_and_10_councils_give_no_comparator_median_median_and_quartiles(store):
    ids = [put_forward(store, n) for n in range(4)]
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 1))
    assert figures(store, ids[0])[AREA] == {"comparator": None, "reason": "fewer than 5 councils contribute"}
    ids.append(put_forward(store, 4))
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 5, 1))
    # Engaging councillors: 3 + n % 3 for n = 0..4 -> 3, 4, 5, 3, 4: median 4. (The 4 before showed
    # nothing, so there is nothing to subtract from.)
    assert figures(store, ids[0])[AREA] == {"n": 5, "median": 4.0}
    for n in range(5, 9):
        put_forward(store, n)
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 6, 1))
    # 9 now, 4 more than the 5 last shown: subtracting would give the 4 newcomers' scores away.
    assert figures(store, ids[0])[AREA] == {"comparator": None,
                                           "reason": "withheld so that no council's score can be worked out"}
    put_forward(store, 9)
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 7, 1))
    # 10: 5 more than last shown. 3 + n % 3 for n = 0..9: 3,4,5,3,4,5,3,4,5,3 -> sorted 3,3,3,3,4,4,4,5,5,5:
    # median 4; Tukey's hinges: the medians of 3,3,3,3,4 and 4,4,5,5,5: 3 and 5.
    assert figures(store, ids[0])[AREA] == {"n": 10, "median": 4.0, "q1": 3.0, "q3": 5.0}
    nine = [put_forward(store, n, kind="district", region="North West") for n in range(20, 29)]
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 8, 1))
    # 3 + n % 3 for n = 20..28: 5,3,4,5,3,4,5,3,4 -> median 4, no quartiles below ten.
    assert figures(store, nine[0])[AREA] == {"n": 9, "median": 4.0}


def test_a_club_one_council_off_a_region_is_withheld_until_it_grows(store):
    east = [put_forward(store, n, region="East of England") for n in range(6)]
    workflows.add_club(store, LOCAL_ACTOR, "Eastern buyers", east[:5])             # the region less one
    made = workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 1))
    withheld = made.data["frameworks"]["nps-2018"]["withheld"]
    assert any(key.startswith("Eastern buyers|") for key in withheld)
    club = figures(store, east[0], "Eastern buyers")[AREA]
    assert club.get("median") is None and club["reason"]
    assert figures(store, east[0], "region")[AREA]["n"] == 6                       # the region is kept
    others = [put_forward(store, n, kind="district", region="London") for n in range(6, 11)]
    workflows.add_club(store, LOCAL_ACTOR, "Eastern buyers", [*east[:5], *others])  # now 10: 5 from the region
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 5, 1))
    assert figures(store, east[0], "Eastern buyers")[AREA]["n"] == 10


def test_a_withdrawal_counts_from_the_next_release_and_half_coverage_is_needed(store):
    ids = [put_forward(store, n) for n in range(5)]
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 1))
    workflows.peers_withdraw(store, LOCAL_ACTOR, ids[4], "2023/24")
    assert figures(store, ids[0])[AREA]["n"] == 5                                   # the release stands
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 5, 1))
    assert "fewer than 5" in figures(store, ids[0])[AREA]["reason"]
    thin = council(20, scored=20)                                                    # 20 of 59 objectives
    workflows.import_record(store, LOCAL_ACTOR, thin)
    with pytest.raises(InvalidEdit, match="scored on fewer than half its items"):
        workflows.peers_opt_in(store, LOCAL_ACTOR, thin.organisation.id, "2023/24")
    draft = council(21, status="draft")
    workflows.import_record(store, LOCAL_ACTOR, draft)
    with pytest.raises(InvalidEdit, match="is draft: only an approved period is compared"):
        workflows.peers_opt_in(store, LOCAL_ACTOR, draft.organisation.id, "2023/24")


def test_a_release_nobody_takes_part_in_does_not_wipe_the_guards_memory(store):
    """Ten councils shown; all withdraw and a release is published with no one in it; all ten come
    back with one newcomer: 1 from the ten shown, so withheld (the newcomer's level is not the
    change in the median)."""
    ids = [put_forward(store, n) for n in range(10)]
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 1))
    assert figures(store, ids[0])[AREA]["n"] == 10
    for org_id in ids:
        workflows.peers_withdraw(store, LOCAL_ACTOR, org_id, "2023/24")
    empty = workflows.publish_release(store, LOCAL_ACTOR, date(2026, 5, 1))
    assert empty.data["frameworks"] == {}
    for org_id in ids:
        workflows.peers_opt_in(store, LOCAL_ACTOR, org_id, "2023/24")
    put_forward(store, 10, level=1.0)
    again = workflows.publish_release(store, LOCAL_ACTOR, date(2026, 6, 1))
    assert any(key.startswith("unitary|") for key in again.data["frameworks"]["nps-2018"]["withheld"])
    assert figures(store, ids[0])[AREA] == {"comparator": None,
                                           "reason": "withheld so that no council's score can be worked out"}


def test_a_council_changing_its_own_period_put_forward_reads_nothing_of_the_others(store):
    """A council with two approved periods of one financial year ("2023" and "2023/24") swaps which
    is put forward between releases: its group, the same councils, is withheld rather than showing
    a median moved by its own change alone."""
    ids = [put_forward(store, n) for n in range(1, 6)]
    me = council(0, level=1.0)
    workflows.import_record(store, LOCAL_ACTOR, OrganisationRecord(
        me.organisation, "nps-2018", "2018", [*me.periods, council(0, level=5.0, period="2023").periods[0]]))
    workflows.peers_opt_in(store, LOCAL_ACTOR, me.organisation.id, "2023/24")
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 1))
    assert figures(store, ids[0])["enabling-innovation"] == {"n": 6, "median": 3.0}
    workflows.peers_withdraw(store, LOCAL_ACTOR, me.organisation.id, "2023/24")
    workflows.peers_opt_in(store, LOCAL_ACTOR, me.organisation.id, "2023")
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 5, 1))
    assert figures(store, ids[0])["enabling-innovation"].get("median") is None


def test_a_release_keeps_its_figures_and_the_guard_one_memory(store):
    """Releases pile up without growing: the sets shown are kept once, in the guard's document, and
    a council's report reads the one release it shows (a later-dated release waits for its date)."""
    ids = [put_forward(store, n) for n in range(5)]
    first = workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 1))
    assert set(first.data["frameworks"]["nps-2018"]) == {"figures", "withheld", "withheld_key_areas"}
    later = workflows.publish_release(store, LOCAL_ACTOR, date(2026, 5, 1))
    with store.transaction(write=False) as tx:
        assert len(tx.peer_documents(GUARD)) == 1
    assert queries.peer_view(store, LOCAL_ACTOR, ids[0], "2023/24", today=date(2026, 4, 30)).release == first.name
    assert queries.peer_view(store, LOCAL_ACTOR, ids[0], "2023/24").release == later.name
    with pytest.raises(InvalidEdit, match="a release is dated from 2000 to today"):   # published when dated
        workflows.publish_release(store, LOCAL_ACTOR, date.today() + timedelta(days=1))


def test_a_council_sees_only_its_own_groups_and_no_one_elses_scores(store):
    ids = [put_forward(store, n) for n in range(5)]
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 1))
    reviewer = Actor("cllr@council-00.gov.uk", roles={ids[0]: "reviewer"})
    administrator = Actor("head@council-00.gov.uk", roles={ids[0]: "administrator"})
    view = queries.peer_view(store, reviewer, ids[0], "2023/24")
    assert view is not None and {g.kind for g in view.groups} == {"type", "region"}
    shown = json.dumps([g.figures for g in view.groups])
    assert "council-0" not in shown                                                   # no council named
    for other in ids[1:]:
        with pytest.raises(NotAllowed):
            queries.peer_view(store, reviewer, other, "2023/24")
    for refused in (lambda: workflows.publish_release(store, administrator),
                    lambda: workflows.peer_groups(store, administrator),
                    lambda: workflows.peer_releases(store, administrator),
                    lambda: workflows.add_club(store, administrator, "Mine", ids),
                    lambda: workflows.peers_opt_in(store, administrator, ids[1], "2023/24"),
                    lambda: workflows.peers_opt_in(store, reviewer, ids[0], "2023/24")):
        with pytest.raises(NotAllowed):
            refused()


def test_clubs_and_series_are_checked(store):
    ids = [put_forward(store, n) for n in range(5)]
    with pytest.raises(InvalidEdit, match="a club has at least 5 councils, not 4"):
        workflows.add_club(store, LOCAL_ACTOR, "Small", ids[:4])
    with pytest.raises(InvalidEdit, match="is the name of a type or region"):
        workflows.add_club(store, LOCAL_ACTOR, "London", ids)
    with pytest.raises(AssessmentError, match="there is no organisation nowhere"):
        workflows.add_club(store, LOCAL_ACTOR, "Club", [*ids, "nowhere"])
    # Found by an attack: hostile names, years, levels and dates are refused in words.
    for name in ("Esc club\x01x", "Right \u202eleft", "type", "None", "South-East", "county councils", " "):
        with pytest.raises(InvalidEdit):
            workflows.add_club(store, LOCAL_ACTOR, name, ids)
    for kwargs, said in ((dict(levels={AREA: 7}), "a level is a number from 1 to 5: not 7"),
                         (dict(levels={AREA: True}), "not True"), (dict(levels={AREA: "3"}), "not '3'"),
                         (dict(levels={}), "at least one key area"), (dict(year=99999), "not 99999"),
                         (dict(year=True), "not True"), (dict(source="x" * 301), "up to 300"),
                         (dict(name="\x00"), "blank|character")):
        given = {"name": "National", "source": "LGA", "year": 2025, "framework_id": "nps-2018",
                 "levels": {AREA: 3}, **kwargs}
        with pytest.raises(InvalidEdit, match=said):
            workflows.add_series(store, LOCAL_ACTOR, given.pop("name"), **given)
    with pytest.raises(InvalidEdit, match="a release is dated from 2000 to today .*, not 31 December 9999"):
        workflows.publish_release(store, LOCAL_ACTOR, date(9999, 12, 31))
    made = workflows.add_series(store, LOCAL_ACTOR, "National diagnostic 2025", source="LGA national report",
                                year=2025, framework_id="nps-2018", levels={AREA: 2.6})
    assert made.data == {"source": "LGA national report", "year": 2025, "framework_id": "nps-2018",
                         "levels": {AREA: 2.6}}


def test_the_command_line_runs_peer_comparison(store, db_url, capsys):
    for n in range(5):
        workflows.import_record(store, LOCAL_ACTOR, council(n))

    def cli(*args: str, ok: bool = True) -> str:
        code = main(["--database", db_url, *args])
        out = capsys.readouterr()
        assert (code == 0) == ok, out
        return out.out if ok else out.err
    for n in range(5):
        assert "is put forward" in cli("peers", "opt-in", "2023/24", "--org", f"council-{n:02d}")
    assert "club Five: 5 councils" in cli("peers", "club", "add", "Five", *[a for n in range(5)
                                                                              for a in ("--org", f"council-{n:02d}")])
    assert "unitary\t5 councils" in cli("peers", "groups").replace("type\t", "")
    assert "release 1 would be published (a preview: nothing is kept)" in cli("peers", "release", "--preview")
    assert workflows.peer_releases(store, LOCAL_ACTOR) == []
    assert "release 1" in cli("peers", "release", "--date", "2026-04-01")
    shown = json.loads(cli("peers", "show", "--org", "council-00", "--period", "2023/24", "--group", "type",
                           "--format", "json"))
    assert shown["group"] == "unitary" and shown["key_areas"][AREA] == {"n": 5, "median": 4.0}
    shown_table = cli("peers", "show", "--org", "council-00", "--period", "2023/24", "--group", "region")
    assert shown_table.splitlines()[1] == "Engaging Councillors\tmedian 4.00, n = 5"   # the framework's order
    assert "is in no group 'Nope'" in cli("peers", "show", "--org", "council-00", "--period", "2023/24", "--group",
                                          "Nope", ok=False)
    assert "withdrawn" in cli("peers", "withdraw", "2023/24", "--org", "council-04")
    assert "series Diagnostic (LGA, 2025): 1 key area" in cli("peers", "series", "add", "Diagnostic", "--source", "LGA",
                                                             "--year", "2025", "--level", f"{AREA}=2.6")
    assert "is given twice" in cli("peers", "series", "add", "Twice", "--source", "LGA", "--year", "2025", "--level",
                                   f"{AREA}=2.6", "--level", f"{AREA}=3", ok=False)
    assert "'=3' is not KEY_AREA=LEVEL" in cli("peers", "series", "add", "Blank", "--source", "LGA", "--year", "2025",
                                               "--level", "=3", ok=False)
    assert "series Diagnostic removed" in cli("peers", "series", "remove", "Diagnostic")
    assert "there is no series named 'Diagnostic'" in cli("peers", "series", "remove", "Diagnostic", ok=False)
    assert "club Five removed" in cli("peers", "club", "remove", "Five")
    assert "Five" not in cli("peers", "groups")
    assert "Five" in workflows.peer_releases(store, LOCAL_ACTOR)[0].data["clubs"]   # the release keeps it


def test_an_administrator_puts_an_approved_period_forward_on_start(tmp_path, monkeypatch):
    """Start offers an approved period's administrator "Put it forward", then "Withdraw it"; a draft
    period offers neither."""
    from streamlit.testing.v1 import AppTest

    from assessment.storage.store import open_store

    from .conftest import ROOT, unescape
    url = f"sqlite:///{tmp_path / 'start.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    store = open_store(url)
    workflows.import_record(store, LOCAL_ACTOR, council(0))
    workflows.import_record(store, LOCAL_ACTOR, council(1, status="draft", period="2024/25"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.selectbox(key="home.org").set_value("council-01").run()
    assert not [b for b in at.button if b.key == "home.peers.opt_in"]            # a draft: nothing to put forward
    at.selectbox(key="home.org").set_value("council-00").run()
    at.button(key="home.peers.opt_in").click().run()
    assert not at.exception
    assert "2023/24 is put forward: it counts from the next release." in [unescape(s.value) for s in at.success]
    assert [(o.org_id, o.period) for o in workflows.peers_opted_in(store, LOCAL_ACTOR, "council-00")] == [
        ("council-00", "2023/24")]
    at.button(key="home.peers.withdraw").click().run()
    assert "2023/24 is withdrawn: it leaves the figures at the next release." in [unescape(s.value) for s in at.success]
    assert workflows.peers_opted_in(store, LOCAL_ACTOR, "council-00") == []


def test_a_council_reads_its_clubs_as_they_were_at_the_release(store):
    """Redefining a club after a release does not give its figures to the councils now in it."""
    first = [put_forward(store, n, region="North West") for n in range(5)]
    later = [put_forward(store, n, kind="district", region="London") for n in range(5, 10)]
    workflows.add_club(store, LOCAL_ACTOR, "Friends", first)
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 1))
    workflows.add_club(store, LOCAL_ACTOR, "Friends", later)
    view = queries.peer_view(store, LOCAL_ACTOR, later[0], "2023/24")
    assert view is not None and "Friends" not in [g.name for g in view.groups]
    view = queries.peer_view(store, LOCAL_ACTOR, first[0], "2023/24")
    assert view is not None and "Friends" in [g.name for g in view.groups]


def test_a_name_a_chart_cannot_draw_does_not_bring_the_process_down():
    """vl-convert aborts the process (no exception) on a control character in a text it draws: every
    text is made safe first."""
    from assessment.formats.charts import chart_png
    spec = {"$schema": "https://vega.github.io/schema/vega-lite/v5.json",
            "data": {"values": [{"a": "Esc\x01club\x00", "b": 1}]}, "mark": "bar",
            "encoding": {"x": {"field": "a", "type": "nominal"}, "y": {"field": "b", "type": "quantitative"}}}
    assert chart_png(spec)[:4] == b"\x89PNG"


def test_reopening_a_period_put_forward_says_it_is_withdrawn(store, db_url, capsys):
    org_id = put_forward(store, 0)
    assert main(["--database", db_url, "period", "reopen", "2023/24", "--org", org_id, "--reason", "A late fix"]) == 0
    assert ("reopened as a draft; it is withdrawn from the next release of peer figures (put it forward again once "
            "approved)") in capsys.readouterr().out
    assert workflows.peers_opted_in(store, LOCAL_ACTOR, org_id) == []


def test_a_release_reads_the_scores_of_councils_changed_since_the_last_only(store, monkeypatch):
    """What a period contributes is kept with it at a release: the next release reads no scores
    unless its council's records have changed (then its contribution is worked out again), and a
    kept contribution that cannot be read is worked out again too."""
    from assessment.storage.store import Transaction
    ids = [put_forward(store, n) for n in range(6)]
    read: list[list[str]] = []
    real = Transaction.peer_periods

    def spied(self, put):
        read.append(sorted(p.org_id for p in put))
        return real(self, put)
    monkeypatch.setattr(Transaction, "peer_periods", spied)
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 1))
    assert read == [ids]                                                 # the first: every council's scores
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 2))
    assert read == [ids]                                                 # nothing changed: none read
    # council 0 starts a new period (its records change): its 2023/24 is read again, alone
    workflows.start_period(store, LOCAL_ACTOR, ids[0], "2024/25")
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 3))
    assert read[-1] == [ids[0]]
    with store.transaction() as tx:
        tx.keep_peer_contributions({p.assessment_id: "not json" for p in tx.peer_put_forward() if p.org_id == ids[1]})
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 4))
    assert read[-1] == [ids[1]]
    assert figures(store, ids[0])[AREA] == {"n": 6, "median": 4.0}      # 3 + n % 3 for n = 0..5: 3,4,5,3,4,5


def test_a_new_version_of_a_framework_has_every_contribution_worked_out_again():
    from assessment.workflows.peers import _framework_key
    same = _framework_key(NPS, NPS, {})
    assert same == _framework_key(find_framework("nps-2018"), NPS, {}) and same.startswith("nps-2018@")
    assert _framework_key(NPS.model_copy(update={"version": "2019"}), NPS, {}) != same
    assert _framework_key(NPS, NPS, {"a": "a"}) != same


def test_peer_comparison_round_trips_through_a_backup_and_its_guard_holds_after(store, empty):
    """Periods put forward, a club, a series and two releases: a backup restores and is written back
    byte for byte; a council reads the same figures; and the guard's memory came with it: a
    newcomer one council from the ten shown is withheld at the first release after the restore."""
    from assessment.storage.backup import backup, restore
    ids = [put_forward(store, n) for n in range(10)]
    workflows.add_club(store, LOCAL_ACTOR, "Ten", ids)
    workflows.add_series(store, LOCAL_ACTOR, "National", source="LGA", year=2025, framework_id="nps-2018",
                         levels={AREA: 2.6})
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 1))
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 2))
    before = figures(store, ids[0], "Ten")
    data = backup(store)
    target = empty()
    restore(target, data)
    assert backup(target) == data
    assert figures(target, ids[0], "Ten") == before == {**before, AREA: {"n": 10, "median": 4.0, "q1": 3.0, "q3": 5.0}}
    assert [o.period for o in workflows.peers_opted_in(target, LOCAL_ACTOR, ids[0])] == ["2023/24"]
    put_forward(target, 10)
    workflows.add_club(target, LOCAL_ACTOR, "Ten", [*ids, "council-10"])
    workflows.publish_release(target, LOCAL_ACTOR, date(2026, 4, 3))
    assert figures(target, ids[0], "Ten")[AREA].get("median") is None


def test_an_unreadable_kept_contribution_is_worked_out_and_an_unreadable_guard_refuses(store):
    """A kept level that is not a number, or out of any scale, is worked out again; the guard's memory
    not as kept stops a release (forgetting would show what it withheld) and says what to do."""
    ids = [put_forward(store, n) for n in range(6)]
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 1))
    with store.transaction() as tx:
        put = {p.org_id: p for p in tx.peer_put_forward()}
        bad = {"stamp": put[ids[0]].stamp, "year": 2023}
        kept = json.loads(put[ids[0]].kept)
        tx.keep_peer_contributions({
            put[ids[0]].assessment_id: json.dumps({**kept, "levels": {AREA: "x"}}),
            put[ids[1]].assessment_id: json.dumps({**kept, **bad, "levels": {AREA: 99.0}}),
            put[ids[2]].assessment_id: json.dumps({**kept, "levels": None, "year": "x"})})
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 2))
    assert figures(store, ids[0])[AREA] == {"n": 6, "median": 4.0}
    with store.transaction() as tx:
        guard, _ = tx.latest_peer_document(GUARD)
        tx.put_peer_document(replace(guard, data={"frameworks": {"nps-2018": {"memberships": {"unitary|2023": "x"}}}}))
    with pytest.raises(AssessmentError, match="the guard's memory of what earlier releases showed cannot be read"):
        workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 3))
    with store.transaction() as tx:
        tx.put_peer_document(replace(guard, data={"frameworks": []}))
    with pytest.raises(AssessmentError, match="restore the database from a backup taken after the last release"):
        workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 3))


def test_a_council_reads_its_type_and_region_as_they_were_at_the_release(store):
    """Changing its own type or region after a release gives a council no other group's figures:
    it reads the groups it was in when the release was made."""
    ids = [put_forward(store, n) for n in range(5)]
    others = [put_forward(store, n, kind="district", region="North West") for n in range(5, 10)]
    workflows.publish_release(store, LOCAL_ACTOR, date(2026, 4, 1))
    assert figures(store, others[0])[AREA]["n"] == 5
    workflows.set_organisation_place(store, LOCAL_ACTOR, ids[0], "district", "North West")
    view = queries.peer_view(store, LOCAL_ACTOR, ids[0], "2023/24")
    assert {(g.kind, g.name) for g in view.groups} == {("type", "unitary"), ("region", "South East")}
