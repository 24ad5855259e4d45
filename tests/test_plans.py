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
