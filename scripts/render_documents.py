"""Render the documents councils publish, to look at them: the members' report and the objectives
appendix of the example records, as Word, PDF (as the product makes it: `exports.pdf.to_pdf`,
LibreOffice headless) and PNG pages (pdftoppm).

    .venv/bin/python scripts/render_documents.py [OUT]      (default: test-artifacts/documents)

Made on fresh SQLite databases with the examples: Worcestershire on its own framework (2022);
Medway (2023); Medway's 2024 opening with its covering report in a Cabinet report's shape
(tests/fixtures/report-text/medway-2024.yaml), and again after a respondent round on three of its
objectives was applied ("Views gathered" and the moderation log); a new council (Newtown) scored one level per key
area from its first period, with a covering report in a scrutiny report's shape; and Medway after
starting 2024 against Worcestershire's framework, so that its report and appendix show the earlier
periods through the mapping; and Stevenage's plan (frameworks/stevenage-2021.yaml) rated over three
periods, its members' report of the third (`plan-report`). Not part of the tests; needs
`soffice` and `pdftoppm` (Debian: libreoffice-writer, poppler-utils) for the PDF and PNG pages.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assessment import workflows  # noqa: E402
from assessment.formats.plan_file import find_plan  # noqa: E402
from assessment.formats.writers.pdf import pdf_available, to_pdf  # noqa: E402
from assessment.formats.writers.plan_report_docx import plan_report_docx  # noqa: E402
from assessment.formats.writers.word_appendix import WordExport, appendix_docx  # noqa: E402
from assessment.formats.writers.word_report import report_docx  # noqa: E402
from assessment.workflows import LOCAL_ACTOR, queries  # noqa: E402

TODAY = date(2026, 12, 3)
REPORT_TEXT = ROOT / "tests" / "fixtures" / "report-text" / "medway-2024.yaml"
NEWTOWN_TEXT = """meeting: {committee: Overview and Scrutiny Panel, date: 2025-03-10}
author: Head of Commercial
contact: Procurement team, Newtown District Council, 01000 000000
sections:
  - heading: Summary
    text: |
      This is the Council's first self-assessment against the National Procurement Strategy 2018,
      scored one level for each key area.
  - heading: Purpose of the Meeting
    text: "The Panel is asked to:"
    items:
      - Consider the information provided
      - Agree whether any further Scrutiny is required at this stage.
"""


def _newtown(store) -> None:
    """A council new to the tool, scored one level per key area from its first period."""
    from assessment.domain.edits import EntryEdit
    from assessment.formats.covering_file import parse_covering
    workflows.add_organisation(store, LOCAL_ACTOR, "newtown", "Newtown District Council")
    workflows.set_report_shape(store, LOCAL_ACTOR, "newtown", workflows.shape_named("scrutiny"))
    workflows.start_period(store, LOCAL_ACTOR, "newtown", "2024/25", per="key_area")
    areas = list(queries.record(store, LOCAL_ACTOR, "newtown").framework.key_areas)
    levels = [(2, 4), (3, 4), (3, 3), (1, 3), (2, 3), (4, 4), (2, 4), (3, 4), (2, 3), (3, 5), (2, 3), (1, 2),
              (3, 4), (2, 3)]
    edits = [EntryEdit(area, kind="key_area", base_version=1, score=str(score), target=str(target))
             for area, (score, target) in zip(areas, levels)]
    workflows.save_edits(store, LOCAL_ACTOR, "newtown", "2024/25", edits)
    report = parse_covering(NEWTOWN_TEXT, "newtown.yaml")
    workflows.save_covering(store, LOCAL_ACTOR, "newtown", "2024/25", report)


def _round(store) -> None:
    """A respondent round on Medway's 2024, applied: twelve people in four departments (two of them too
    small to show), views two levels apart on objective 1, a half step agreed on 3, a comment in markup."""
    from datetime import timedelta
    people = [("Finance", "finance")] * 5 + [("Procurement", "procurement officer")] * 4 + \
        [("Legal", "legal")] + [("Housing", "service or commissioning officer")] * 2
    answers = {"1": ["2", "3", "4", "3", None, "4", "3", "3", "2", "4", "3", "2"],
               "2": ["3", "3", "3", "3", None, "3", "3", "3", "3", "3", "don't know", "3"],
               "3": ["2", "2/3", "3", "2", None, "3", "don't know", "2", "2", "3", "2", "2"]}
    comments = {("1", 0): "<b>Champions</b> in **two** directorates, see [the register](http://example.org)",
                ("1", 2): "Cabinet member briefed every quarter"}
    r = workflows.open_round(store, LOCAL_ACTOR, "medway", "2024", closes=date.today() + timedelta(days=14),
                             items=list(answers), mode="anonymous", k=3)
    assert r.id is not None
    for n, (department, perspective) in enumerate(people):
        token = workflows.invite(store, LOCAL_ACTOR, r.id, f"person{n}@partner.org", department=department,
                                 perspectives=[perspective]).token
        given = {item: (scores[n], comments.get((item, n), "")) for item, scores in answers.items() if scores[n]}
        if given and token:
            workflows.answer_by_link(store, token, given, submit=True)
    workflows.close_round(store, LOCAL_ACTOR, r.id)
    voiced = [s.id for s in workflows.round_answers(store, LOCAL_ACTOR, r.id)
              if any(a.comment for a in s.answers if a.objective_id == "1")]
    workflows.moderate(store, LOCAL_ACTOR, r.id, "1", "3", rationale="Views ranged from 2 to 4; the contracts "
                       "register shows champions in two directorates", meeting="Procurement board, 3 March 2026",
                       published=voiced)
    workflows.moderate(store, LOCAL_ACTOR, r.id, "2", "3")
    workflows.moderate(store, LOCAL_ACTOR, r.id, "3", "2/3", rationale="Between levels: reporting began in the year")
    workflows.apply_round(store, LOCAL_ACTOR, r.id)


def _stevenage_plan(store):
    """Stevenage's plan record over three periods: outcomes and actions rated (some better, some
    worse, most not yet rated), indicators recorded (one with no data), a comment in markup."""
    from assessment.domain.record import PLAN_RECORD, record_key
    from assessment.workflows import PlanEdit as E
    periods = {
        "2021/22": [E("outcome", "local-suppliers", rating="Amber", comment="Research into the local supplier base "
                      "begun; a supplier survey goes out in the spring"),
                    E("outcome", "reduce-waste", rating="Red", comment="No check list yet"),
                    E("outcome", "social-value-delivered", rating="Green on target"),
                    E("action", "cwb-1", base_version=1, rating="Not started"),
                    E("action", "cwb-2", base_version=1, rating="Amber", comment="Supplier event held in March"),
                    E("action", "social-value-2", base_version=1, rating="Green on target"),
                    E("indicator", "local-supply-chain-spend", value="37"),
                    E("indicator", "contracts-to-local-suppliers", value="12"),
                    E("indicator", "toms", value="no data")],
        "2022/23": [E("outcome", "local-suppliers", rating="Green on target"),
                    E("outcome", "reduce-waste", rating="Amber", comment="Check list drafted with the climate team"),
                    E("outcome", "social-value-delivered", rating="Green on target"),
                    E("action", "cwb-1", rating="Amber"),
                    E("action", "cwb-2", rating="Green on target"),
                    E("action", "social-value-2", rating="Green on target"),
                    E("indicator", "local-supply-chain-spend", value="39"),
                    E("indicator", "contracts-to-local-suppliers", value="15"),
                    E("indicator", "toms", value="3")],
        "2023/24": [E("outcome", "local-suppliers", rating="Green delivered", comment="Local spend above the baseline "
                      "two years running; the survey had 212 replies"),
                    E("outcome", "reduce-waste", rating="Red", comment="<b>Check list</b> **not yet** used =1+1"),
                    E("outcome", "social-value-delivered", rating="Green delivered"),
                    E("outcome", "insourcing-and-commercial", rating="Amber", comment="Two services reviewed"),
                    E("action", "cwb-1", rating="Green delivered", comment="Research published to Cabinet"),
                    E("action", "cwb-2", rating="Red", comment="Portal work stalled while the supplier changed"),
                    E("action", "social-value-2", rating="Green delivered"),
                    E("action", "commercial-1", rating="Amber"),
                    E("indicator", "local-supply-chain-spend", value="36"),
                    E("indicator", "contracts-to-local-suppliers", value="15"),
                    E("indicator", "toms", value="no data"),
                    E("indicator", "insourcing-savings", value="125000")],
    }
    workflows.add_organisation(store, LOCAL_ACTOR, "stevenage", "Stevenage Borough Council")
    for first, (period, edits) in zip((True, False, False), periods.items()):
        workflows.start_plan_period(store, LOCAL_ACTOR, "stevenage", period,
                                    plan_id="stevenage-2021" if first else None)
        workflows.rate_plan(store, LOCAL_ACTOR, "stevenage", period, edits)
    with store.transaction(write=False) as tx:
        return tx.load_record(record_key("stevenage", PLAN_RECORD))


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        store = workflows.connect(f"sqlite:///{Path(folder) / 'documents.db'}")
        workflows.ensure_examples(store)
        made: dict[Path, WordExport] = {}

        def write(name: str, org: str, period: str, periods: list[str]) -> None:
            view = queries.record(store, LOCAL_ACTOR, org)
            views = queries.round_report(store, LOCAL_ACTOR, org, period)
            made[out / f"{name}-report.docx"] = report_docx(view.framework, view.record, period, today=TODAY,
                                                            views=views)
            made[out / f"{name}-appendix.docx"] = appendix_docx(view.framework, view.record, periods, today=TODAY)

        write("worcestershire-2022", "worcestershire", "2022", ["2022"])
        write("medway-2023", "medway", "2023", ["2022", "2023"])
        workflows.set_report_shape(store, LOCAL_ACTOR, "medway", workflows.shape_named("cabinet"))
        workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")
        workflows.import_covering(store, LOCAL_ACTOR, "medway", "2024", REPORT_TEXT)
        write("medway-2024-with-covering-report", "medway", "2024", ["2023", "2024"])
        _round(store)
        write("medway-2024-with-views-gathered", "medway", "2024", ["2023", "2024"])
        _newtown(store)
        write("newtown-2024-25-per-key-area", "newtown", "2024/25", ["2024/25"])
        workflows.delete_period(store, LOCAL_ACTOR, "medway", "2024")
        workflows.start_period(store, LOCAL_ACTOR, "medway", "2024", framework_id="worcestershire-2022")
        write("medway-2024-on-worcestershires-framework", "medway", "2024", ["2023", "2024"])
        made[out / "stevenage-2023-24-plan-report.docx"] = plan_report_docx(
            find_plan("stevenage-2021"), _stevenage_plan(store), "2023/24", TODAY)
        store.engine.dispose()
    for path, export in made.items():
        path.write_bytes(export.data)
    if not (pdf_available() and shutil.which("pdftoppm")):
        print(f"wrote {len(made)} Word files to {out}; soffice or pdftoppm is not installed, so no PDF or PNG")
        return
    for path, export in made.items():
        pdf = path.with_suffix(".pdf")
        pdf.write_bytes(to_pdf(export.data, export.title))
        for old in out.glob(f"{path.stem}-*.png"):   # pages of an earlier, longer rendering
            old.unlink()
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(path.with_suffix(""))], check=True, timeout=300)
    print(f"wrote {len(made)} Word files, their PDFs and PNG pages to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "test-artifacts" / "documents")
