"""The Import page through AppTest: a preview first, nothing saved until confirmed, then all of it."""

from __future__ import annotations

import copy

from assessment.domain.scores import Score
from assessment.formats.framework_file import find_framework
from assessment.formats.writers.import_template import template_csv
from assessment.formats.writers.word_appendix import appendix_docx
from assessment.storage.store import open_store
from assessment.workflows import LOCAL_ACTOR, queries

from .conftest import shown, stored, tables
from .test_ui_scoring import db, new_app  # noqa: F401 - db is a fixture

IMPORT_PAGE = "assessment/ui/import_page.py"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def open_import(at):
    at.switch_page(IMPORT_PAGE).run()
    assert not at.exception, at.exception
    return at


def test_upload_an_appendix_preview_then_confirm(db):  # noqa: F811
    nps = find_framework("nps-2018")
    store = open_store(db)
    at = open_import(new_app("medway", "2023"))
    record = stored(store, "medway")
    edited = copy.deepcopy(record)
    edited.period("2023").entries["1"].score = Score(4.0)
    later = copy.deepcopy(edited.period("2023"))
    later.period = "2024"
    edited.periods.append(later)
    data = appendix_docx(nps, edited, ["2023", "2024"]).data

    at.file_uploader(key="import.file.medway").upload("medway-appendix.docx", data, DOCX).run()
    assert not at.exception, at.exception
    table = tables(at)[0]
    assert list(table["Period"]) == ["2023", "2024"] and list(table["Scored"]) == ["59", "59"]
    assert table.iloc[1]["Effect"] == "new period" and table.iloc[0]["Effect"].startswith("1 overwritten")
    assert any("objective 1 would be replaced" in c.value for c in shown(at.caption))
    assert [p.period for p in stored(store, "medway").periods] == ["2022", "2023"]  # nothing saved yet

    at.button(key="import.confirm").click().run()
    assert any("Imported 2023, 2024 from medway-appendix.docx into Medway Council" in s.value for s in shown(at.success))
    assert not any(b.key == "import.confirm" for b in at.button)  # no stale preview offered again
    saved = stored(store, "medway")
    assert [p.period for p in saved.sorted_periods()] == ["2022", "2023", "2024"]
    assert saved.period("2023").entries["1"].score == Score(4.0)
    assert saved.period("2024").entries["18"].comment == record.period("2023").entries["18"].comment


def test_a_file_that_is_not_an_appendix_is_refused_and_nothing_changes(db):  # noqa: F811
    at = open_import(new_app("medway", "2023"))
    before = stored(open_store(db), "medway")
    at.file_uploader(key="import.file.medway").upload("notes.docx", b"just some notes\n", DOCX).run()
    assert shown(at.error)[0].value == ("notes.docx: the file is plain text, not a Word document (.docx); open it in Word "
                                 "and save it as a Word document (.docx). Nothing was imported.")
    assert not any(b.key == "import.confirm" for b in at.button)
    assert stored(open_store(db), "medway") == before


def test_a_filled_spreadsheet_template(db):  # noqa: F811
    nps = find_framework("nps-2018")
    at = open_import(new_app("worcestershire", "2022"))
    lines = template_csv(nps, ["2025"]).decode("utf-8-sig").splitlines()
    header, first = lines[0], lines[1].split(",")
    first[4], first[6] = "2/3", "Cabinet briefed; ŵ ŷ 🙂"
    csv = ("\ufeff" + header + "\n" + ",".join(first) + "\n").encode("utf-8")
    at.file_uploader(key="import.file.worcestershire").upload("scores.csv", csv, "text/csv").run()
    assert not at.exception, at.exception
    assert list(tables(at)[0]["Period"]) == ["2025"]
    at.button(key="import.confirm").click().run()
    entry = stored(open_store(db), "worcestershire").period("2025").entries["1"]
    assert entry.score == Score(2.5) and entry.comment == "Cabinet briefed; ŵ ŷ 🙂"


def test_a_new_council_is_added_on_start_then_imports_its_appendix(db):  # noqa: F811
    nps = find_framework("nps-2018")
    store = open_store(db)
    at = new_app("medway", "2023")
    at.text_input(key="home.add.name").input("Kent County Council")
    at.text_input(key="home.add.id").input("Kent CC")
    at.button(key="FormSubmitter:home.add-Add organisation").click().run()
    assert "Cannot add 'Kent CC': check id" in shown(at.error)[0].value
    assert "kent-county-council" not in {org.id for org in queries.organisations(store, LOCAL_ACTOR)}

    at.text_input(key="home.add.id").input("")
    at.selectbox(key="home.add.type").set_value("county")
    at.button(key="FormSubmitter:home.add-Add organisation").click().run()
    assert not at.exception, at.exception
    assert "Added Kent County Council (id kent-county-council)" in shown(at.success)[0].value
    assert at.selectbox(key="home.org").value == "kent-county-council"
    assert stored(store, "kent-county-council").organisation.type == "county"

    at = open_import(at)
    assert at.title[0].value == "Import: Kent County Council"
    data = appendix_docx(nps, stored(store, "medway"), ["2022", "2023"]).data
    at.file_uploader(key="import.file.kent-county-council").upload("medway.docx", data, DOCX).run()
    assert list(tables(at)[0]["Effect"]) == ["new period", "new period"]
    at.button(key="import.confirm").click().run()
    kent = stored(store, "kent-county-council")
    assert [p.period for p in kent.sorted_periods()] == ["2022", "2023"]
    assert kent.period("2023").entries["3"].score == Score(2.5)


def test_a_50_mb_upload_is_refused_with_the_limit_named(db):  # noqa: F811
    at = open_import(new_app("medway", "2023"))
    before = stored(open_store(db), "medway")
    at.file_uploader(key="import.file.medway").upload("huge.docx", bytes(50 * 2**20), DOCX).run()
    assert shown(at.error)[0].value == "huge.docx: the file is 50.0 MB; files up to 20 MB can be imported. Nothing was imported."
    assert not any(b.key == "import.confirm" for b in at.button)
    assert stored(open_store(db), "medway") == before


def test_hostile_files_are_refused_on_the_import_page_as_in_the_cli(db):  # noqa: F811
    """The page calls the same readers: a Word file unpacking to 400 MB and a CSV of 19,000 bad rows
    are refused with the limit named and the first 30 problems then '… and N more'; a sheet that
    declares A1:XFD1048576 is read as the two rows it has. Nothing is saved."""
    import sys

    from .conftest import FIXTURES
    sys.path.insert(0, str(FIXTURES / "hostile"))
    import make
    at = open_import(new_app("medway", "2023"))
    before = stored(open_store(db), "medway")
    at.file_uploader(key="import.file.medway").upload("bomb.docx", make.docx_bomb(), DOCX).run()
    assert not at.exception, at.exception
    assert shown(at.error)[0].value == ("bomb.docx: a part of the file (word/document.xml) unpacks to 400 MB; parts "
                                        "of up to 16 MB are read. Nothing was imported.")
    at.file_uploader(key="import.file.medway").upload("bad.csv", make.csv_bad_rows(), "text/csv").run()
    assert not at.exception, at.exception
    listed = shown(at.markdown)[-1].value.splitlines()
    assert len(listed) == 31 and listed[0].startswith("- bad.csv: row 2, column \"Period\": 'last year' is not")
    assert listed[-1] == "- … and 18,970 more"
    at.file_uploader(key="import.file.medway").upload("dimension.xlsx", make.xlsx_dimension(), "application/"
                                                      "vnd.openxmlformats-officedocument.spreadsheetml.sheet").run()
    assert not at.exception, at.exception
    assert list(tables(at)[0]["Scored"]) == ["1"]
    assert stored(open_store(db), "medway") == before
