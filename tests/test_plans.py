"""Plans beside rubrics: the plan kind of framework file, Stevenage's plan against its seed, the golden
bad files, and finding a plan (never as a framework of levels, and the other way round)."""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from assessment.domain.errors import InvalidFile, NotFound
from assessment.domain.plan import DEFAULT_RATINGS, Plan, Target
from assessment.formats.framework_file import available_frameworks, find_framework, load_framework
from assessment.formats.plan_file import available_plans, find_plan, load_plan

from .conftest import FIXTURES, ROOT, assert_golden_problems

SEEDS = FIXTURES / "seeds"
EXTRACT = (SEEDS / "stevenage-2021-moving-forward.txt").read_text(encoding="utf-8")
BASELINE_EXTRACT = (SEEDS / "stevenage-2021-baseline.txt").read_text(encoding="utf-8")
# Words the text extraction split with a tab (the plan file says so at the action).
SPLIT_WORDS = {"Broad\tdening": "Broadening"}
BULLETS = re.compile(r"^\s*(?:[-•·➤>]\s*)+")


@pytest.fixture(scope="module")
def stevenage() -> Plan:
    return load_plan(ROOT / "frameworks" / "stevenage-2021.yaml")


def _flat(text: str) -> str:
    for split, word in SPLIT_WORDS.items():
        text = text.replace(split, word)
    return re.sub(r"\s+", " ", text).strip()


def _printed(plan: Plan) -> list[str]:
    """Every piece of the plan's words that the seed prints."""
    words: list[str] = []
    for theme in plan.themes:
        words += [theme.title, theme.description or ""]
        for outcome in theme.outcomes:
            words.append(outcome.title)
            words += [i.title for i in outcome.indicators]
            for action in outcome.actions:
                words += [action.title, *action.steps] + ([action.target.printed] if action.target else [])
    return [w for w in words if w]


# ---------------------------------------------------------------- Stevenage against its seed

def test_every_word_of_stevenage_plan_is_printed_in_the_seed(stevenage):
    extract = _flat(EXTRACT)
    missing = [w for w in _printed(stevenage) if _flat(w) not in extract]
    assert not missing
    for ind in stevenage.indicators.values():
        if ind.baseline is not None:
            assert ind.baseline.printed and ind.baseline.printed in BASELINE_EXTRACT
            assert f"In {ind.baseline.period[:4]}/20{ind.baseline.period[5:]}" in BASELINE_EXTRACT
            assert f"{ind.baseline.value:g}%" in ind.baseline.printed


def _extract_lines() -> list[str]:
    """The extract's lines of words, bullets and the plan's own signposts taken off."""
    text = EXTRACT
    for split, word in SPLIT_WORDS.items():
        text = text.replace(split, word)
    lines = []
    for raw in text.splitlines():
        line = BULLETS.sub("", raw).strip()
        line = re.sub(r"^\d+\s+(?=\d+\.)", "", line)          # "3\t3. Pro-active Analysis"
        line = re.sub(r"^\d+\.\s*", "", line)                  # an action's number
        line = re.sub(r"^Outcome Delivery [–-] ", "", line)
        line = re.sub(r"\s*Indicators$", "", line)
        line = re.sub(r"\s*Target:.*$", "", line)              # the targets are checked on their own
        if not line or set(line) <= set("-\t ") or line in ("Indicators", "Moving Forward – The Five Principle "
                                                                          "Foundations"):
            continue
        if re.fullmatch(r"\d{4}|[A-Z][a-z]+ \d{4}", line):   # "April 2022", the rest of a target
            continue
        lines.append(_flat(line))
    return lines


def test_every_line_of_the_seed_is_in_stevenage_plan(stevenage):
    everything = " | ".join(_flat(w) for w in _printed(stevenage))
    left_out = [line for line in _extract_lines() if line not in everything]
    assert not left_out
    assert len(_extract_lines()) > 60   # the check reads the extract, not nothing


def test_each_target_printed_in_the_seed_is_used_once(stevenage):
    printed = Counter(_flat(m) for m in re.findall(r"Target:\s*((?:to commence|Continue to build|by)?\s*[A-Z][a-z]+"
                                                   r"\s+\d{4})", EXTRACT))
    used = Counter(a.target.printed for a in stevenage.actions.values() if a.target)
    assert printed == used and sum(used.values()) == 17


def test_each_target_kind_and_month_is_what_its_words_say(stevenage):
    for action in stevenage.actions.values():
        target = action.target
        assert target is not None
        kind = ("commence" if target.printed.startswith("to commence") else
                "continuing" if target.printed.startswith("Continue") else "by")
        assert target.kind == kind, action.id
        month_words = " ".join(target.printed.split()[-2:])
        when = datetime.strptime(month_words, "%b %Y" if len(month_words.split()[0]) == 3 else "%B %Y")
        assert target.month == when.strftime("%Y-%m"), action.id


def test_stevenage_plan_has_the_seeds_shape(stevenage):
    assert [t.title for t in stevenage.themes] == ["Community Wealth Building", "Sustainability",
                                                   "Social Value and Ethical Procurement", "Commercial & Insourcing",
                                                   "Pro-active Procurement"]
    assert [len(o.actions) for o in stevenage.outcomes.values()] == [4, 2, 4, 2, 5]
    assert [len(o.indicators) for o in stevenage.outcomes.values()] == [2, 1, 1, 4, 4]
    assert [a.number for a in stevenage.outcomes["local-suppliers"].actions] == ["1", "2", "3", "4"]
    assert stevenage.ratings == list(DEFAULT_RATINGS)
    spend = stevenage.indicators["local-supply-chain-spend"]
    assert (spend.unit, spend.direction, spend.baseline and spend.baseline.value) == ("% of spend", "up", 37)


# ---------------------------------------------------------------- targets and ratings

@pytest.mark.parametrize("kind, month, text, due", [
    ("by", "2021-12", "by December 2021", date(2021, 12, 31)),
    ("by", "2024-02", "by February 2024", date(2024, 2, 29)),
    ("commence", "2022-06", "to commence June 2022", None),
    ("continuing", "2021-04", "continuing from April 2021", None),
])
def test_each_kind_of_target_reads_and_falls_due(kind, month, text, due):
    target = Target(kind=kind, month=month, printed="as printed")
    assert (target.text(), target.due, target.first_day) == (text, due, date(int(month[:4]), int(month[5:]), 1))


def test_the_default_scale_and_a_rating_found_by_name_or_id(stevenage):
    assert [r.name for r in stevenage.ratings] == ["Green delivered", "Green on target", "Amber", "Red", "Not started"]
    assert stevenage.rating("  green ON target") is stevenage.rating("green-on-target") is stevenage.ratings[1]
    assert stevenage.rating("purple") is None


def test_a_plan_with_its_own_scale(tmp_path):
    path = tmp_path / "savings.yaml"
    path.write_text("kind: plan\nid: savings-2015\ntitle: Savings\nversion: '2015'\nratings:\n"
                    "  - {id: delivered, name: Green Delivered, colour: green}\n"
                    "  - {id: on-target, name: Green On Target, colour: green}\n"
                    "  - {id: amber, name: Amber, colour: amber}\n  - {id: red, name: Red, colour: red}\n"
                    "themes:\n  - id: t\n    title: T\n    outcomes:\n      - {id: o, title: Save money}\n",
                    encoding="utf-8")
    plan = load_plan(path)
    assert [r.name for r in plan.ratings] == ["Green Delivered", "Green On Target", "Amber", "Red"]


# ---------------------------------------------------------------- golden bad files

@pytest.mark.parametrize("path", sorted((FIXTURES / "frameworks" / "bad-plans").glob("*.yaml")), ids=lambda p: p.name)
def test_bad_plans_give_the_golden_messages(path: Path):
    assert_golden_problems(path, lambda p: load_plan(p, display=p.name))


# ---------------------------------------------------------------- a plan is not a framework of levels

def test_a_plan_is_never_taken_for_a_framework_of_levels_or_the_other_way_round():
    assert "stevenage-2021" in available_plans() and "stevenage-2021" not in available_frameworks()
    assert "nps-2018" in available_frameworks() and "nps-2018" not in available_plans()
    with pytest.raises(InvalidFile, match=r"stevenage-2021.yaml:\d+: kind: this is a plan"):
        find_framework("stevenage-2021")
    with pytest.raises(InvalidFile, match="this is a plan"):
        load_framework(ROOT / "frameworks" / "stevenage-2021.yaml")
    with pytest.raises(NotFound, match="'nps-2018' is a framework of levels, not a plan"):
        find_plan("nps-2018")
    with pytest.raises(NotFound, match="no plan with id 'nope'.*stevenage-2021"):
        find_plan("nope")
    assert find_plan("stevenage-2021") is find_plan("stevenage-2021")   # read once


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "assessment", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_validate_list_and_show_know_a_plan():
    done = _cli("validate", "frameworks/stevenage-2021.yaml", str(FIXTURES / "frameworks" / "bad-plans" / "targets.yaml"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert ("frameworks/stevenage-2021.yaml: valid plan stevenage-2021 version 2021 (5 themes, 5 outcomes, "
            "12 indicators, 17 actions; rated Green delivered, Green on target, Amber, Red, Not started)") in done.stdout
    assert "targets.yaml:19: themes[local].outcomes[more-local].actions[a2].target.month: 'Dec 2021' is not a month" \
        in done.stderr
    listed = _cli("framework", "list").stdout
    assert "stevenage-2021\t2021\tCo-operative Procurement Strategy 2021 – 2024" in listed
    assert re.search(r"^stevenage-2021\t.*\tplan$", listed, re.M) and re.search(r"^nps-2018\t.*\tlevels$", listed, re.M)
    shown = _cli("framework", "show", "stevenage-2021").stdout
    assert "1. Understand the local supplier base – by December 2021 [cwb-1]" in shown
    assert "(% of spend; baseline 37 in 2020/21)" in shown


# ---------------------------------------------------------------- a plan record beside the scores

from assessment import workflows  # noqa: E402
from assessment.domain.edits import EntryEdit  # noqa: E402
from assessment.domain.errors import AssessmentError, NotAllowed, PeriodLocked  # noqa: E402
from assessment.domain.plan_report import indicator_direction, rating_movement  # noqa: E402
from assessment.domain.record import PLAN_RECORD, record_key, split_record_key  # noqa: E402
from assessment.storage.backup import backup, restore  # noqa: E402
from assessment.workflows import LOCAL_ACTOR, PlanEdit, queries  # noqa: E402
from assessment.workflows.access import Actor  # noqa: E402

PLAN_KEY = record_key("stevenage", PLAN_RECORD)


def _rate(store, period: str, *edits: PlanEdit):
    result = workflows.rate_plan(store, LOCAL_ACTOR, "stevenage", period, list(edits))
    assert not result.stale
    return result


@pytest.fixture
def stevenage_store(store):
    """Stevenage with a scored period (Medway-style, per objective) and a plan period beside it."""
    workflows.add_organisation(store, LOCAL_ACTOR, "stevenage", "Stevenage Borough Council")
    workflows.start_period(store, LOCAL_ACTOR, "stevenage", "2021/22")
    workflows.save_edits(store, LOCAL_ACTOR, "stevenage", "2021/22",
                         [workflows.entries.EntryEdit("1", score="2 – Developing", comment="Scored")])
    workflows.start_plan_period(store, LOCAL_ACTOR, "stevenage", "2021/22", plan_id="stevenage-2021")
    return store


def test_a_record_key_names_the_organisation_and_its_record():
    assert record_key("stevenage") == "stevenage" and PLAN_KEY == "stevenage~plan"
    assert split_record_key(PLAN_KEY) == ("stevenage", "plan") and split_record_key("medway") == ("medway", "")
    with pytest.raises(NotFound, match="there is no record 'budget'"):
        record_key("stevenage", "budget")
    with pytest.raises(NotFound):
        split_record_key("stevenage~budget")


def test_a_plan_period_sits_beside_the_scores_and_each_keeps_its_own(stevenage_store):
    store = stevenage_store
    _rate(store, "2021/22", PlanEdit("outcome", "local-suppliers", rating="Amber", comment="Research begun"),
          PlanEdit("indicator", "local-supply-chain-spend", value="39%"),
          PlanEdit("indicator", "toms", value="no data"))
    with store.transaction(write=False) as tx:
        scores, plan = tx.load_record("stevenage"), tx.load_record(PLAN_KEY)
    assert (scores.record, scores.framework_id, [p.period for p in scores.periods]) == ("", "nps-2018", ["2021/22"])
    assert (plan.record, plan.framework_id, [p.period for p in plan.periods]) == ("plan", "stevenage-2021", ["2021/22"])
    assert scores.period("2021/22").plan_entries == {} and plan.period("2021/22").entries == {}
    entries = plan.period("2021/22").plan_entries
    assert entries[("outcome", "local-suppliers")].rating == "amber"
    assert (entries[("indicator", "local-supply-chain-spend")].value, entries[("indicator", "toms")].no_data) == \
        (39.0, True)
    # each of the plan's actions raised once, with its target's due date (by a date), none otherwise
    raised = {item: e.actions[0] for (kind, item), e in entries.items() if kind == "action"}
    assert len(raised) == 17 and raised["cwb-1"].due == date(2021, 12, 31) and raised["cwb-3"].due is None
    assert [o.periods for o in queries.organisations(store, LOCAL_ACTOR) if o.id == "stevenage"] == [["2021/22"]]


def test_bad_plan_edits_are_refused_whole(stevenage_store):
    store = stevenage_store
    for edit, said in ((PlanEdit("outcome", "local-suppliers", rating="Purple"), "'Purple' is not a rating of this plan"),
                       (PlanEdit("indicator", "toms", value="lots"), "'lots' is not a number"),
                       (PlanEdit("indicator", "toms", rating="Amber"), "an indicator has a value, not a rating"),
                       (PlanEdit("outcome", "nope", rating="Amber"), "has no outcome 'nope'")):
        with pytest.raises((InvalidFile, NotFound, Exception), match=said):
            workflows.rate_plan(store, LOCAL_ACTOR, "stevenage", "2021/22",
                                [PlanEdit("outcome", "reduce-waste", rating="Red"), edit])
    with store.transaction(write=False) as tx:
        assert ("outcome", "reduce-waste") not in tx.load_record(PLAN_KEY).period("2021/22").plan_entries


def test_a_later_save_is_caught_not_overwritten(stevenage_store):
    store = stevenage_store
    _rate(store, "2021/22", PlanEdit("outcome", "local-suppliers", rating="Amber"))
    late = workflows.rate_plan(store, LOCAL_ACTOR, "stevenage", "2021/22",
                               [PlanEdit("outcome", "local-suppliers", base_version=0, rating="Red")])
    assert late.stale[("outcome", "local-suppliers")].rating == "amber" and not late.saved


def test_an_action_across_three_periods_with_movement_sign_off_the_lock_and_a_backup(stevenage_store, tmp_path):
    store = stevenage_store
    for period, rating, spend in (("2021/22", "Not started", "37"), ("2022/23", "Amber", "39"),
                                  ("2023/24", "Green delivered", "36")):
        if period != "2021/22":
            workflows.start_plan_period(store, LOCAL_ACTOR, "stevenage", period)
        raised = 1 if period == "2021/22" else 0   # the first period holds the action, raised at the start
        _rate(store, period, PlanEdit("action", "cwb-1", base_version=raised, rating=rating, comment=f"{period} words"),
              PlanEdit("outcome", "local-suppliers", rating={"Not started": "Red"}.get(rating, rating)),
              PlanEdit("indicator", "local-supply-chain-spend", value=spend))
        workflows.submit_period(store, LOCAL_ACTOR, PLAN_KEY, period)
        workflows.approve_period(store, LOCAL_ACTOR, PLAN_KEY, period, decision="Cabinet",
                                 on=date(int(period[:4]) + 1, 3, 1), minute=f"M{period}")
        with pytest.raises(PeriodLocked, match="approved by Cabinet"):
            workflows.rate_plan(store, LOCAL_ACTOR, "stevenage", period, [PlanEdit("action", "cwb-1", rating="Red")])
    reports = {p: queries.plan_report(store, LOCAL_ACTOR, "stevenage", p, on=date(2024, 3, 31))
               for p in ("2021/22", "2022/23", "2023/24")}
    cwb1 = {p: next(a for a in r.actions if a.id == "cwb-1") for p, r in reports.items()}
    assert [(cwb1[p].rating.name, cwb1[p].movement) for p in reports] == [
        ("Not started", "first rated"), ("Amber", ""), ("Green delivered", "better")]
    outcome = {p: r.outcomes[0] for p, r in reports.items()}
    assert [outcome[p].movement for p in reports] == ["first rated", "better", "better"]
    spend = {p: next(i for i in r.indicators if i.indicator.id == "local-supply-chain-spend") for p, r in reports.items()}
    assert [(spend[p].against_baseline, spend[p].since_last) for p in reports] == [
        ("no change", ""), ("better", "better"), ("worse", "worse")]
    # the action lives once: raised in the first period, overdue while open after its due date, until
    # it is rated delivered
    assert "cwb-1" in [o.action.id for o in reports["2022/23"].overdue]
    assert "cwb-1" not in [o.action.id for o in reports["2023/24"].overdue]
    assert reports["2023/24"].counts()["Green delivered"] == 2   # the action and its outcome
    # the scores' history is the scores', the plan's the plan's
    with store.transaction(write=False) as tx:
        assert [e.kind for e in tx.events(PLAN_KEY)].count("approved") == 3
        assert "approved" not in [e.kind for e in tx.events("stevenage")]
    # a backup keeps both records, and restores them
    data = backup(store)
    fresh = workflows.connect(f"sqlite:///{tmp_path / 'restored.db'}")
    restore(fresh, data)
    with fresh.transaction(write=False) as tx:
        again = tx.load_record(PLAN_KEY)
        assert [(p.period, p.status) for p in again.periods] == [("2021/22", "approved"), ("2022/23", "approved"),
                                                                 ("2023/24", "approved")]
        assert again.period("2023/24").plan_entries[("action", "cwb-1")].comment == "2023/24 words"
        assert [p.period for p in tx.load_record("stevenage").periods] == ["2021/22"]


def test_roles_at_the_organisation_cover_its_plan(stevenage_store):
    store = stevenage_store
    reviewer = Actor("cllr@stevenage.gov.uk", roles={"stevenage": "reviewer"})
    other = Actor("head@medway.gov.uk", roles={"medway": "editor"})
    with pytest.raises(NotAllowed):
        workflows.rate_plan(store, reviewer, "stevenage", "2021/22", [PlanEdit("outcome", "local-suppliers",
                                                                                rating="Red")])
    with pytest.raises(NotAllowed):
        queries.plan_report(store, other, "stevenage", "2021/22")
    with pytest.raises(NotFound):   # a draft is not put before a reviewer
        queries.plan_report(store, reviewer, "stevenage", "2021/22")


@pytest.mark.parametrize("now, before, said", [("green-on-target", "amber", "better"), ("red", "amber", "worse"),
                                               ("amber", "amber", "no change"), ("amber", None, "first rated"),
                                               ("amber", "not-started", ""), ("not-started", "not-started",
                                                                              "no change")])
def test_rating_movement_in_words(stevenage, now, before, said):
    ids = stevenage.rating_ids
    assert rating_movement(stevenage, ids[now], ids.get(before) if before else None) == said


def test_indicator_direction_in_words(stevenage):
    up, none = stevenage.indicators["local-supply-chain-spend"], stevenage.indicators["toms"]
    down = up.model_copy(update={"direction": "down"})
    assert [indicator_direction(up, 39, 37), indicator_direction(up, 35, 37), indicator_direction(up, 37, 37)] == \
        ["better", "worse", "no change"]
    assert [indicator_direction(down, 39, 37), indicator_direction(down, 35, 37)] == ["worse", "better"]
    assert [indicator_direction(none, 2, 1), indicator_direction(none, 1, 2), indicator_direction(none, None, 2)] == \
        ["higher", "lower", ""]


def test_drafts_of_a_plan_are_kept_saved_and_caught_as_for_scores(stevenage_store):
    """A rating typed on the plan page waits as a draft (a field at a time), is saved with the person's
    other drafts, and a draft begun before someone else's save is a conflict, not an overwrite."""
    store = stevenage_store
    workflows.keep_draft(store, LOCAL_ACTOR, PLAN_KEY, "2021/22", PlanEdit("outcome", "local-suppliers", rating="Amber"),
                         tab="t1")
    workflows.keep_draft(store, LOCAL_ACTOR, PLAN_KEY, "2021/22",
                         PlanEdit("outcome", "local-suppliers", comment="Slow start"), tab="t1")
    kept = queries.drafts(store, LOCAL_ACTOR, PLAN_KEY, "2021/22")
    assert [(d.edit.key, d.edit.rating, d.edit.comment) for d in kept] == [
        (("outcome", "local-suppliers"), "Amber", "Slow start")]
    assert queries.drafts(store, LOCAL_ACTOR, "stevenage", "2021/22") == []   # the scores' drafts are apart
    with pytest.raises(NotFound, match="stevenage-2021 has no outcome 'budget'"):
        workflows.keep_draft(store, LOCAL_ACTOR, PLAN_KEY, "2021/22", PlanEdit("outcome", "budget", rating="Red"))
    with pytest.raises(AssessmentError, match="not a rating of this plan"):   # refused at save, nothing written
        workflows.keep_draft(store, LOCAL_ACTOR, PLAN_KEY, "2021/22", PlanEdit("outcome", "reduce-waste", rating="Mauve"),
                             tab="t1")
        workflows.save_drafts(store, LOCAL_ACTOR, PLAN_KEY, "2021/22", tab="t1")
    workflows.discard_drafts(store, LOCAL_ACTOR, PLAN_KEY, "2021/22", [("outcome", "reduce-waste")], tab="t1")
    # a colleague saves the same outcome first: the draft comes back stale, and is kept
    _rate(store, "2021/22", PlanEdit("outcome", "local-suppliers", rating="Red", comment="Theirs"))
    result = workflows.save_drafts(store, LOCAL_ACTOR, PLAN_KEY, "2021/22", tab="t1")
    assert result.saved == [] and list(result.stale) == [("outcome", "local-suppliers")]
    assert result.stale[("outcome", "local-suppliers")].rating == "red"
    workflows.keep_mine(store, LOCAL_ACTOR, PLAN_KEY, "2021/22", ("outcome", "local-suppliers"), tab="t1")
    result = workflows.save_drafts(store, LOCAL_ACTOR, PLAN_KEY, "2021/22", tab="t1")
    assert result.saved == [("outcome", "local-suppliers")]
    saved = queries.plan_report(store, LOCAL_ACTOR, "stevenage", "2021/22").outcomes[0]
    assert (saved.rating.name if saved.rating else None, saved.comment) == ("Amber", "Slow start")
    # a draft waiting blocks the submission as for scores
    workflows.keep_draft(store, LOCAL_ACTOR, PLAN_KEY, "2021/22", PlanEdit("indicator", "toms", value="no data"), tab="t2")
    with pytest.raises(AssessmentError, match="unsaved"):
        workflows.submit_period(store, LOCAL_ACTOR, PLAN_KEY, "2021/22")


def test_an_edit_of_the_wrong_record_is_refused(stevenage_store):
    with pytest.raises(NotFound, match="nps-2018 has no outcome '1'"):
        workflows.keep_draft(stevenage_store, LOCAL_ACTOR, "stevenage", "2021/22", PlanEdit("outcome", "1", rating="Red"))
    with pytest.raises(AssessmentError, match="outcome 1 is an entry of a plan, not of the scores"):
        workflows.save_edits(stevenage_store, LOCAL_ACTOR, "stevenage", "2021/22", [PlanEdit("outcome", "1")])
    with pytest.raises(NotFound, match="stevenage-2021 has no objective '1'"):
        workflows.keep_draft(stevenage_store, LOCAL_ACTOR, PLAN_KEY, "2021/22", EntryEdit("1", score="3"))


def test_an_action_rated_delivered_is_no_longer_overdue_until_rated_otherwise(stevenage_store):
    store, on = stevenage_store, date(2026, 12, 5)

    def overdue(period):
        return {o.action.id for o in queries.plan_report(store, LOCAL_ACTOR, "stevenage", period, on).overdue}
    assert "cwb-1" in overdue("2021/22")   # by December 2021, open
    _rate(store, "2021/22", PlanEdit("action", "cwb-1", base_version=1, rating="Green delivered"))
    assert "cwb-1" not in overdue("2021/22") and "cwb-2" in overdue("2021/22")
    workflows.start_plan_period(store, LOCAL_ACTOR, "stevenage", "2022/23")
    assert "cwb-1" not in overdue("2022/23")   # unrated since: still delivered
    _rate(store, "2022/23", PlanEdit("action", "cwb-1", rating="Amber", comment="More to do after all"))
    assert "cwb-1" in overdue("2022/23") and "cwb-1" not in overdue("2021/22")


def test_a_backup_keeps_a_plans_drafts_and_restores_them_as_they_were(stevenage_store, tmp_path, db_url):
    store = stevenage_store
    workflows.keep_draft(store, LOCAL_ACTOR, PLAN_KEY, "2021/22",
                         PlanEdit("indicator", "local-supply-chain-spend", value="no data", comment="<b>late</b>"),
                         tab="t9")
    data = backup(store)
    other = workflows.connect(f"sqlite:///{tmp_path / 'restored.db'}")
    restore(other, data, source="backup.json")
    kept = queries.drafts(other, LOCAL_ACTOR, PLAN_KEY, "2021/22")
    assert [(d.tab, d.edit.key, d.edit.value, d.edit.comment) for d in kept] == [
        ("t9", ("indicator", "local-supply-chain-spend"), "no data", "<b>late</b>")]
