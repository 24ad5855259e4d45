"""`--record plan` on every command that takes an organisation and a period: the plan's periods are
started, signed off, read, exported and deleted beside the scores, which stay the default."""

from __future__ import annotations

import json

import pytest
from docx import Document
from openpyxl import load_workbook

from assessment import workflows
from assessment.cli import main
from assessment.domain.record import PLAN_RECORD, record_key
from assessment.workflows import LOCAL_ACTOR, PlanEdit, queries


@pytest.fixture
def cli(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'plan.db'}"

    def cli(*args: str, code: int = 0) -> tuple[str, str]:
        returned = main(["--database", url, *args])
        out, err = capsys.readouterr()
        assert returned == code, (out, err)
        assert "Traceback" not in err
        return out, err
    cli.url = url   # type: ignore[attr-defined]
    cli("orgs", "add", "stevenage", "--name", "Stevenage Borough Council")
    cli("period", "start", "2022", "--org", "stevenage")   # Medway-style scores beside the plan
    return cli


def _rate(url: str, period: str, *edits: PlanEdit) -> None:
    result = workflows.rate_plan(workflows.connect(url), LOCAL_ACTOR, "stevenage", period, list(edits))
    assert result.saved and not result.stale


def test_a_plan_period_through_its_year_on_the_command_line(cli, tmp_path):
    out, _ = cli("period", "start", "2022/23", "--org", "stevenage", "--record", "plan", "--framework", "stevenage-2021")
    assert out == "started stevenage 2022/23 of its plan: 17 plan actions raised, each with its target's due date\n"
    # the scores are untouched and still the default record
    scores = queries.record(workflows.connect(cli.url), LOCAL_ACTOR, "stevenage").record
    assert [p.period for p in scores.periods] == ["2022"] and scores.framework_id == "nps-2018"
    _, err = cli("period", "submit", "2022/23", "--org", "stevenage", "--record", "plan", code=2)
    assert "nothing rated yet" in err
    _, err = cli("period", "submit", "2022/23", "--org", "stevenage", code=2)   # no such period of the scores
    assert "stevenage has no period '2022/23'" in err
    _rate(cli.url, "2022/23", PlanEdit("outcome", "local-suppliers", rating="Amber", comment="Research begun"),
          PlanEdit("indicator", "local-supply-chain-spend", value="39"))
    out, _ = cli("period", "submit", "2022/23", "--org", "stevenage", "--record", "plan")
    assert out == "stevenage's plan 2022/23: Submitted for approval\n"
    out, _ = cli("period", "withdraw", "2022/23", "--org", "stevenage", "--record", "plan", "--reason", "One more")
    assert out == "stevenage's plan 2022/23: withdrawn; a draft again\n"
    cli("period", "submit", "2022/23", "--org", "stevenage", "--record", "plan")
    out, _ = cli("period", "approve", "2022/23", "--org", "stevenage", "--record", "plan", "--committee", "Cabinet",
                 "--date", "2026-11-02")
    assert out == "stevenage's plan 2022/23: Approved by Cabinet on 2 November 2026\n"
    out, _ = cli("history", "--org", "stevenage", "--period", "2022/23", "--record", "plan")
    assert [line.split("\t")[-1].split(":")[0].lower()[:9] for line in out.splitlines()] == [
        "approved ", "submitted", "withdrawn", "submitted", "started"]
    _, err = cli("history", "--org", "stevenage", "--period", "2022/23", "--record", "plan", "--objective", "1", code=2)
    assert "a plan has no objectives or key areas" in err
    out, _ = cli("history", "--org", "stevenage", "--period", "2022/23", "--record", "plan", "--item",
                 "indicator:local-supply-chain-spend")
    assert out.startswith("version 1\t") and "\tvalue: — → 39" in out
    data = json.loads(cli("history", "--org", "stevenage", "--period", "2022/23", "--record", "plan", "--item",
                          "outcome:local-suppliers", "--format", "json")[0])
    assert [(c["field"], c["old"], c["new"]) for c in data[0]["changes"]][:2] == [
        ("rating", "not rated", "Amber"), ("comment", "—", "Research begun")]
    _, err = cli("history", "--org", "stevenage", "--period", "2022/23", "--record", "plan", "--item", "outcome:x",
                 code=2)
    assert "stevenage-2021 has no outcome 'x'" in err
    cli("period", "start", "2023/24", "--org", "stevenage", "--record", "plan")
    _rate(cli.url, "2023/24", PlanEdit("outcome", "local-suppliers", rating="Green on target"),
          PlanEdit("indicator", "local-supply-chain-spend", value="35"))
    data = json.loads(cli("summary", "--org", "stevenage", "--period", "2023/24", "--record", "plan", "--format",
                          "json")[0])
    first = data["outcomes"][0]
    assert (first["rating"], first["previous"], first["movement"]) == ("Green on target", "Amber", "better")
    spend = next(i for i in data["indicators"] if i["id"] == "local-supply-chain-spend")
    assert (spend["value"], spend["against_baseline"], spend["since_last"]) == (35, "worse", "worse")
    assert data["counts"]["Green on target"] == 1
    assert {o["number"] for o in data["overdue"]} >= {"1"}   # "by Dec 2021": overdue now, and open
    text = cli("summary", "--org", "stevenage", "--period", "2023/24", "--record", "plan")[0]
    assert "At a glance: 1 Green on target, 21 Not rated" in text and "(better)" in text
    _, err = cli("summary", "--org", "stevenage", "--period", "2023/24", "--record", "plan", "--compare", "2022/23",
                 code=2)
    assert "--compare is for scores" in err
    out, _ = cli("export", "report", "--org", "stevenage", "--period", "2023/24", "--record", "plan",
                 "--out", str(tmp_path / "plan.docx"))
    words = "\n".join(p.text for p in Document(str(tmp_path / "plan.docx")).paragraphs)
    assert "Green on target" in "\n".join(c.text for t in Document(str(tmp_path / "plan.docx")).tables
                                          for row in t.rows for c in row.cells)
    assert "2023/24" in words
    cli("export", "xlsx", "--org", "stevenage", "--record", "plan", "--out", str(tmp_path / "plan.xlsx"))
    assert len(load_workbook(tmp_path / "plan.xlsx").sheetnames) >= 3
    _, err = cli("period", "delete", "2022/23", "--org", "stevenage", "--record", "plan", "--yes", code=2)
    assert "approved" in err   # a period put before members is kept
    out, _ = cli("period", "delete", "2023/24", "--org", "stevenage", "--record", "plan", "--yes")
    assert out.startswith("deleted stevenage's plan 2023/24 (2 entries")
    kept = workflows.connect(cli.url)
    with kept.transaction(write=False) as tx:
        assert [p.period for p in tx.record(record_key("stevenage", PLAN_RECORD)).periods] == ["2022/23"]
        assert [p.period for p in tx.record("stevenage").periods] == ["2022"]


@pytest.mark.parametrize("args, said", [
    (["period", "start", "2022/23", "--org", "stevenage", "--record", "plan"], "stevenage follows no plan yet"),
    (["period", "start", "2022/23", "--org", "stevenage", "--record", "plan", "--framework", "nps-2018"],
     "nps-2018"),
    (["period", "start", "2022/23", "--org", "stevenage", "--record", "plan", "--framework", "stevenage-2021",
      "--blank"], "--blank and --per are for scores"),
    (["period", "start", "2022/23", "--org", "stevenage", "--record", "budget"], "'budget' is not one of"),
    (["summary", "--org", "stevenage", "--period", "2022/23", "--record", "plan"], "has no period '2022/23'"),
    (["export", "xlsx", "--org", "stevenage", "--record", "plan", "--out", "/tmp/never.xlsx"], "no periods of a plan"),
    (["period", "start", "2022/23", "--org", "nobody", "--record", "plan", "--framework", "stevenage-2021"],
     "nobody"),
])
def test_a_plan_record_refused_in_words(cli, args, said):
    _, err = cli(*args, code=2)
    assert said in err and len(err.strip().splitlines()) == 1


def test_a_plan_period_has_its_covering_report_which_opens_its_members_report(cli, tmp_path):
    cli("period", "start", "2022/23", "--org", "stevenage", "--record", "plan", "--framework", "stevenage-2021")
    text = tmp_path / "covering.yaml"
    text.write_text("meeting: {committee: Cabinet, date: 2023-03-15}\nauthor: Strategic Procurement Manager\n"
                    "sections:\n  - heading: Purpose of Report\n    text: To report the first year of the "
                    "Co-operative Procurement Strategy.\n", encoding="utf-8")
    out, _ = cli("import", "report-text", str(text), "--org", "stevenage", "--period", "2022/23", "--record", "plan")
    assert out.startswith("stevenage's plan 2022/23: covering report saved as version 1")
    _, err = cli("import", "report-text", str(text), "--org", "stevenage", "--period", "2022/23", code=2)
    assert "stevenage has no period '2022/23'" in err   # the scores' record has no such period
    out, _ = cli("export", "report-text", "--org", "stevenage", "--period", "2022/23", "--record", "plan")
    assert "first year of the Co-operative Procurement Strategy" in out
    cli("export", "report", "--org", "stevenage", "--period", "2022/23", "--record", "plan",
        "--out", str(tmp_path / "members.docx"))
    paragraphs = [p.text for p in Document(str(tmp_path / "members.docx")).paragraphs]
    assert paragraphs[0] == "CABINET: 15 MARCH 2023"
    assert any("first year of the Co-operative Procurement Strategy" in p for p in paragraphs)
