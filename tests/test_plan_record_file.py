"""Plan record files (issue 27): a period of a plan recorded from a file, beside the scores. The
example (Medway following Stevenage's plan, invented), the golden bad files, `validate` and `import
record` on the command line, and the import's checks: all or nothing, a dry run, replacing, an
approved period never replaced, rights, one plan throughout, the plan's actions raised once."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from datetime import date

import pytest

from assessment import workflows
from assessment.cli import file_kind, main
from assessment.domain.errors import AlreadyExists, InvalidEdit, InvalidFile, NotAllowed, NotFound, PeriodLocked
from assessment.domain.plan_report import plan_actions
from assessment.domain.record import PLAN_RECORD, record_key
from assessment.formats.plan_file import find_plan, load_plan
from assessment.formats.plan_record_file import load_plan_record, plan_record_from_data
from assessment.formats.yaml_source import parse_yaml
from assessment.storage.store import Transaction
from assessment.workflows import LOCAL_ACTOR, Actor
from assessment.workflows.plans import raised_actions

from .conftest import FIXTURES, ROOT, assert_golden_problems

EXAMPLE = ROOT / "data" / "examples" / "plans" / "medway-plan.yaml"
BAD = FIXTURES / "records" / "bad-plan"
KEY = record_key("medway", PLAN_RECORD)
EDITOR = Actor("officer@medway.gov.uk", roles={"medway": "editor"})
DEPLOYER = Actor("it@council.gov.uk", administers_deployment=True)

TESTSHIRE = """\
record: plan
organisation: {id: testshire, name: Testshire County Council}
plan: stevenage-2021
periods:
  - period: "2022/23"
    outcomes:
      local-suppliers: {rating: amber, comment: "  Research begun  "}
    actions:
      cwb-1:
        rating: Green Delivered
        evidence:
          - {title: Gap analysis, url: "https://example.org/gap"}
    indicators:
      local-supply-chain-spend: 39
      toms: No Data
  - period: "2023/24"
    outcomes:
      local-suppliers: Green on target
"""


def _plan_file(tmp_path: Path, text: str = TESTSHIRE, name: str = "testshire-plan.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _plan_record(store, key: str = KEY):
    with store.transaction(write=False) as tx:
        return tx.load_record(key)


def _cli(capsys, *args: str) -> tuple[int, str, str]:
    try:
        code = main(list(args))
    except SystemExit as exc:   # validate says how it went by its exit status
        code = exc.code if isinstance(exc.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- reading

def test_the_example_reads_as_medway_following_stevenages_plan():
    found = load_plan_record(EXAMPLE)
    assert (found.org_id, found.organisation, found.plan.id, found.source) == \
        ("medway", None, "stevenage-2021", "medway-plan.yaml")
    assert [(p.period, p.status) for p in found.periods] == [("2022/23", "approved"), ("2023/24", "draft")]
    first, second = found.periods
    assert first.plan_entries[("outcome", "local-suppliers")].rating == "amber"
    assert first.plan_entries[("action", "cwb-1")].rating == "green-delivered"
    assert first.plan_entries[("indicator", "toms")].no_data and first.plan_entries[("indicator", "toms")].value is None
    assert second.plan_entries[("indicator", "local-supply-chain-spend")].value == 40.2
    assert {kind for kind, _ in first.plan_entries} == {"outcome", "action", "indicator"}
    # every comment says it is example data
    comments = [e.comment for p in found.periods for e in p.plan_entries.values() if e.comment]
    assert comments and all(c.startswith("Example data: ") for c in comments)
    assert "EXAMPLE DATA" in EXAMPLE.read_text(encoding="utf-8").splitlines()[0]


def test_the_organisation_in_full_and_the_text_kept_as_written(tmp_path):
    found = load_plan_record(_plan_file(tmp_path))
    assert found.organisation is not None and found.organisation.name == "Testshire County Council"
    entry = found.periods[0].plan_entries[("action", "cwb-1")]
    assert (entry.rating, [(e.title, e.url) for e in entry.evidence]) == \
        ("green-delivered", [("Gap analysis", "https://example.org/gap")])
    html = TESTSHIRE.replace('"  Research begun  "', '"<script>alert(1)</script> **bold** [link](javascript:x)"')
    kept = load_plan_record(_plan_file(tmp_path, html)).periods[0].plan_entries[("outcome", "local-suppliers")]
    assert kept.comment == "<script>alert(1)</script> **bold** [link](javascript:x)"   # text, shown as text


@pytest.mark.parametrize("path", sorted(BAD.glob("*.yaml")), ids=lambda p: p.name)
def test_bad_plan_records_give_the_golden_messages(path: Path):
    assert_golden_problems(path, lambda p: load_plan_record(p, display=p.name))


@pytest.mark.parametrize("text, said", [
    ("record: plan\norganisation: medway\nplan: stevenage-2021\nperiods:\n  - &p {period: '2022/23'}\n  - *p\n",
     ":6: (yaml syntax): uses the alias *p"),
    ("record: plan\norganisation: medway\nplan: frameworks/stevenage-2021.yaml\nperiods: [{period: '2022/23'}]\n",
     ":3: plan: name the plan by its id, such as stevenage-2021, not by a file"),
    ("record: plan\norganisation: medway\nplan: stevenage-2021\nperiods:\n  - period: '2022/23'\n    outcomes:\n"
     f"      reduce-waste: {{comment: '{'x' * 32_001}'}}\n",
     ":7: periods[2022/23].outcomes.reduce-waste.comment: the text is 32,001 characters long; up to 32,000 can be kept"),
    ("record: plan\norganisation: medway\nplan: stevenage-2021\nperiods: [" + "{period: '2022'}, " * 30_000 + "]\n",
     ":4: (file): holds more than 50,000 values"),
    ("- record: plan\n", ":1: (file): a plan record file must be a mapping"),
])
def test_hostile_and_odd_files_are_refused_located(tmp_path, text, said):
    path = _plan_file(tmp_path, text, "odd.yaml")
    with pytest.raises(InvalidFile) as caught:
        load_plan_record(path)
    assert any(said in line for line in caught.value.shown()), caught.value.shown()


def test_a_plan_record_is_a_kind_of_file_of_its_own():
    data, _ = parse_yaml(EXAMPLE.read_bytes(), "x.yaml")
    assert file_kind(data) == "plan record"
    assert file_kind({"organisation": {"id": "x"}, "periods": []}) == "record"
    assert file_kind({"kind": "plan", "themes": []}) == "plan"


# ---------------------------------------------------------------- validate and import on the command line

def test_validate_a_good_and_a_bad_plan_record(capsys):
    code, out, err = _cli(capsys, "validate", str(EXAMPLE), str(BAD / "ratings.yaml"))
    assert code == 2
    assert f"{EXAMPLE}: valid plan record for medway on stevenage-2021 (2 periods: 2022/23, 2023/24; 63 entries)" \
        in out
    expected = (BAD / "ratings.expected").read_text(encoding="utf-8").strip().splitlines()
    assert err.strip().splitlines() == [f"{BAD}/{line}" for line in expected]


def test_import_through_the_command_line_dry_run_replace_and_the_approved_period(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    db = ("--database", url)
    code, _, err = _cli(capsys, *db, "import", "record", str(EXAMPLE))
    assert code == 2 and "no organisation 'medway': add it first (orgs add)" in err
    assert _cli(capsys, *db, "orgs", "add", "medway", "--name", "Medway Council")[0] == 0
    code, out, _ = _cli(capsys, *db, "import", "record", str(EXAMPLE), "--dry-run")
    assert code == 0 and out.strip() == ("would load medway's plan (stevenage-2021): 2 periods (2022/23, 2023/24), "
                                         "63 entries, 17 actions of the plan raised; nothing written (dry run)")
    store = workflows.connect(url)
    assert _plan_record(store).periods == []   # the dry run wrote nothing
    code, out, _ = _cli(capsys, *db, "import", "record", str(EXAMPLE))
    assert code == 0 and out.strip() == ("loaded medway's plan (stevenage-2021): 2 periods (2022/23, 2023/24), "
                                         "63 entries, 17 actions of the plan raised")
    saved = _plan_record(store)
    assert [(p.period, p.status, len(p.plan_entries)) for p in saved.periods] == [("2022/23", "approved", 32),
                                                                                   ("2023/24", "draft", 31)]
    code, _, err = _cli(capsys, *db, "import", "record", str(EXAMPLE))
    assert code == 2 and err.strip() == ("error: medway's plan record already has periods 2022/23, 2023/24; nothing "
                                         "was imported (use --replace to overwrite them)")
    code, _, err = _cli(capsys, *db, "import", "record", str(EXAMPLE), "--replace")
    assert code == 2 and err.strip() == ("error: 2022/23 is approved, so it cannot be replaced; an administrator can "
                                         "reopen it, giving a reason")
    # the draft period alone is replaced, its entries saved again as the file says
    later = EXAMPLE.read_text(encoding="utf-8").split('  - period: "2023/24"')[1].replace(
        "Green on target", "Red")
    header = "record: plan\norganisation: medway\nplan: stevenage-2021\nperiods:\n"
    path = _plan_file(tmp_path, header + '  - period: "2023/24"' + later, "later.yaml")
    code, out, _ = _cli(capsys, *db, "import", "record", str(path), "--replace")
    assert code == 0 and out.strip() == ("loaded medway's plan (stevenage-2021): 1 period (2023/24), 31 entries; "
                                         "replacing 2023/24")
    again = _plan_record(store)
    assert again.period("2023/24").plan_entries[("outcome", "local-suppliers")].rating == "red"
    assert again.period("2022/23").plan_entries == saved.period("2022/23").plan_entries   # left as it was
    assert len(plan_actions(again)) == 17   # raised once, in 2022/23, not again
    with store.transaction(write=False) as tx:
        assert [v.change for v in tx.versions(KEY, "2023/24", "local-suppliers", "outcome")] == ["import later.yaml"]
        assert [p.period for p in tx.load_record("medway").periods] == []   # the scores' record untouched
    store.engine.dispose()


def test_a_bad_item_in_the_last_period_imports_nothing(capsys, tmp_path):
    url = f"sqlite:///{tmp_path / 'plans.db'}"
    bad = TESTSHIRE.replace("      local-suppliers: Green on target\n", "      local-suppliers: Green on target\n"
                            "      more-parks: Amber\n")
    code, _, err = _cli(capsys, "--database", url, "import", "record", str(_plan_file(tmp_path, bad)))
    assert code == 2 and err.strip().endswith(
        "testshire-plan.yaml:19: periods[2023/24].outcomes.more-parks: outcome 'more-parks' is not in stevenage-2021")
    store = workflows.connect(url)
    with store.transaction(write=False) as tx:
        assert tx.organisations() == []
    store.engine.dispose()


# ---------------------------------------------------------------- the workflow

def test_a_new_organisation_as_the_app_would_have_saved_it(store, tmp_path):
    done = workflows.import_plan_record(store, LOCAL_ACTOR, _plan_file(tmp_path))
    assert (done.key, done.periods, done.organisation_added, done.raised, done.written) == \
        ("testshire~plan", ["2022/23", "2023/24"], True, 17, True)
    with store.transaction(write=False) as tx:
        assert tx.organisation("testshire").name == "Testshire County Council"
        saved = tx.load_record("testshire~plan")
    first = saved.period("2022/23").plan_entries
    assert first[("outcome", "local-suppliers")].comment == "Research begun"   # trimmed, as the app saves it
    cwb1 = first[("action", "cwb-1")]
    assert cwb1.rating == "green-delivered" and cwb1.actions[0].text == "1. Understand the local supplier base"
    assert cwb1.evidence[0].url == "https://example.org/gap" and cwb1.version == 1
    assert (first[("indicator", "local-supply-chain-spend")].value, first[("indicator", "toms")].no_data) == (39.0, True)
    assert not any(kind == "action" for kind, _ in saved.period("2023/24").plan_entries)
    report = workflows.queries.plan_report(store, LOCAL_ACTOR, "testshire", "2023/24")
    assert report.outcomes[0].movement == "better"


def test_the_first_period_raises_the_plans_actions_as_starting_it_does(store, tmp_path):
    """Started in the app or loaded from a file, a plan record's first period holds each of the plan's
    actions once, due when its target says (the end of the month for 'by'; none to commence)."""
    workflows.add_organisation(store, LOCAL_ACTOR, "stevenage", "Stevenage Borough Council")
    workflows.start_plan_period(store, LOCAL_ACTOR, "stevenage", "2021/22", plan_id="stevenage-2021")
    started = _plan_record(store, record_key("stevenage", PLAN_RECORD)).period("2021/22").plan_entries
    workflows.import_plan_record(store, LOCAL_ACTOR, _plan_file(tmp_path))
    loaded = _plan_record(store, record_key("testshire", PLAN_RECORD)).sorted_periods()[0].plan_entries
    for entries in (started, loaded):
        actions = {item: e.actions[0] for (kind, item), e in entries.items() if kind == "action"}
        assert len(actions) == len(raised_actions(find_plan("stevenage-2021"))) == 17
        assert (actions["cwb-1"].text, actions["cwb-1"].due) == ("1. Understand the local supplier base",
                                                                 date(2021, 12, 31))
        assert actions["cwb-3"].due is None   # to commence April 2022: ongoing, never overdue by date


def test_a_dry_run_checks_everything_and_writes_nothing(store, tmp_path):
    done = workflows.import_plan_record(store, LOCAL_ACTOR, _plan_file(tmp_path), dry_run=True)
    assert (done.written, done.organisation_added, done.entries) == (False, True, 21)
    with store.transaction(write=False) as tx:
        assert tx.organisations() == []
    with pytest.raises(NotAllowed, match="only the deployment's administrator"):
        workflows.import_plan_record(store, EDITOR, _plan_file(tmp_path), dry_run=True)


def test_all_or_nothing_when_the_last_period_fails_to_write(store, tmp_path, monkeypatch):
    workflows.add_organisation(store, LOCAL_ACTOR, "medway", "Medway Council")
    original = Transaction.add_period

    def failing(self, org_id, period, *args, **kwargs):
        if period.period == "2023/24":
            raise InvalidEdit("the database refused 2023/24")
        return original(self, org_id, period, *args, **kwargs)

    monkeypatch.setattr(Transaction, "add_period", failing)
    with pytest.raises(InvalidEdit, match="refused 2023/24"):
        workflows.import_plan_record(store, LOCAL_ACTOR, EXAMPLE)
    monkeypatch.undo()
    assert _plan_record(store).periods == []   # 2022/23, written first, went with it


def test_rights_a_period_signed_off_and_one_plan_throughout(store, tmp_path):
    workflows.add_organisation(store, LOCAL_ACTOR, "medway", "Medway Council")
    with pytest.raises(NotAllowed):   # approved in the file: sign-off is an administrator's to give
        workflows.import_plan_record(store, EDITOR, EXAMPLE)
    with pytest.raises(NotAllowed):   # the deployment's administrator holds no role at Medway
        workflows.import_plan_record(store, DEPLOYER, EXAMPLE)
    drafts = load_plan_record(EXAMPLE)
    drafts.periods = [replace(p, status="draft") for p in drafts.periods]
    assert workflows.import_plan_record(store, EDITOR, drafts).written
    workflows.submit_period(store, EDITOR, KEY, "2023/24")
    with pytest.raises(PeriodLocked, match="2023/24 is submitted for approval, so it cannot be replaced"):
        workflows.import_plan_record(store, EDITOR, drafts, replace=True, dry_run=True)
    with pytest.raises(AlreadyExists):
        workflows.import_plan_record(store, EDITOR, drafts)
    other = tmp_path / "savings.yaml"
    other.write_text("kind: plan\nid: savings-2015\ntitle: Savings\nversion: '2015'\n"
                     "themes:\n  - id: t\n    title: T\n    outcomes:\n      - {id: local-suppliers, title: Save}\n",
                     encoding="utf-8")
    data, source = parse_yaml(b"record: plan\norganisation: medway\nplan: stevenage-2021\nperiods:\n"
                              b"  - {period: '2024/25', outcomes: {local-suppliers: Amber}}\n", "savings-plan.yaml")
    elsewhere = plan_record_from_data(data, source)
    elsewhere.plan = load_plan(other)
    with pytest.raises(InvalidEdit, match="medway's plan record follows stevenage-2021, but savings-plan.yaml is for "
                                          "savings-2015; a plan is not changed part way through"):
        workflows.import_plan_record(store, EDITOR, elsewhere)
    with pytest.raises(NotFound, match="no organisation 'kent'"):
        workflows.import_plan_record(store, LOCAL_ACTOR, replace(elsewhere, org_id="kent", organisation=None))


def test_the_examples_load_medways_plan_with_medway_in_one_go(store):
    assert workflows.load_examples(store, DEPLOYER) == ["medway", "worcestershire"]
    saved = _plan_record(store)
    assert (saved.framework_id, [(p.period, p.status) for p in saved.periods]) == \
        ("stevenage-2021", [("2022/23", "approved"), ("2023/24", "draft")])
    assert [p.period for p in _plan_record(store, "medway").periods] == ["2022", "2023"]   # the scores beside it
    with pytest.raises(NotFound):
        _plan_record(store, record_key("worcestershire", PLAN_RECORD)).period("2022/23")
    assert workflows.load_examples(store, LOCAL_ACTOR) == []   # already there: left as it is
    assert len(_plan_record(store).periods) == 2
