"""The paper route of a respondent round (issue 30): a blank questionnaire (Word) for one person
invited, filled in with python-docx as a person would in Word, and read back into their answers.

Scores as people write them ("3 - Mature", " 2 / 3 ", "DK", "N/A"), comments in Markdown and HTML
kept exactly; a questionnaire made for another round or person refused; unknown and unasked rows,
impossible scores and half steps where the key area allows none refused, each with its row; a zip
bomb, a document of too many elements and a file too big refused before python-docx opens them; a
PDF, an old .doc and Rich Text refused in words; all or nothing; a round on key areas; the command
line (`round questionnaire`, `import answers` telling Word from YAML by content); and the Rounds
page's download and upload (AppTest)."""

from __future__ import annotations

import io
import time
import zipfile
from datetime import date, timedelta

import docx
import pytest
from click.testing import CliRunner

from assessment import workflows
from assessment.cli import cli, main
from assessment.domain.errors import AssessmentError, InvalidEdit, InvalidFile, NotAllowed
from assessment.domain.limits import UPLOAD_BYTES
from assessment.domain.record import long_date
from assessment.domain.rounds import Profile, Round
from assessment.formats.paper import looks_like_word, marker, read_marker
from assessment.formats.readers.word_answers import answer_written, read_round_answers
from assessment.formats.writers.word_round_questionnaire import round_questionnaire_docx
from assessment.storage.store import open_store
from assessment.workflows import LOCAL_ACTOR, Actor
from assessment.workflows.round_paper import file_name, import_paper_answers, paper_questionnaire

EDITOR = Actor("head@medway.gov.uk", roles={"medway": "editor"})
OTHER = Actor("head@worcestershire.gov.uk", roles={"worcestershire": "editor"})
CLOSES = date.today() + timedelta(days=14)
ASKED = ["1", "2", "3", "4", "56"]
PERSON, SECOND = "a.person@partner.org", "b.person@partner.org"
HOSTILE_COMMENT = ("**Standing orders** revised in _2024_\n<b>bold</b> & <script>alert(1)</script>\n"
                   "[a link](javascript:alert(1)) # not a heading")


@pytest.fixture
def sqlite(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'paper.db'}")
    yield s
    s.engine.dispose()


def _medway_round(store, items=ASKED, mode="confidential"):
    """The examples, Medway's 2024 started, a round on `items` and two people invited."""
    workflows.ensure_examples(store)
    workflows.start_period(store, EDITOR, "medway", "2024")
    r = workflows.open_round(store, EDITOR, "medway", "2024", closes=CLOSES, items=items, mode=mode, k=3)
    for email, department, views in ((PERSON, "Finance", ["finance", "legal"]), (SECOND, "Legal", ["legal"])):
        workflows.invite(store, EDITOR, r.id, email, department=department, perspectives=views, primary=views[-1])
    return r


def _text(document) -> str:
    """Every paragraph of the body, the tables and the headers, one a line."""
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    lines += [p.text for section in document.sections for p in section.header.paragraphs]
    return "\n".join(lines)


def _answer_tables(document):
    return [t for t in document.tables if [c.text for c in t.rows[0].cells][-2:] == ["Your answer", "Comment"]]


def _fill(data: bytes, answers: dict[str, tuple[str, str]], *, extra: list[tuple[str, str, str]] = ()) -> bytes:
    """The questionnaire with `answers` (the first column's text -> (answer, comment)) typed in, and
    `extra` rows (first column, answer, comment) added to the last answers table."""
    document = docx.Document(io.BytesIO(data))
    tables = _answer_tables(document)
    for table in tables:
        for row in table.rows[1:]:
            cells = row.cells
            key = cells[0].text.split("\n")[0]
            if key in answers:
                cells[-2].text, cells[-1].text = answers[key]
    for first, answer, comment in extra:
        cells = tables[-1].add_row().cells
        cells[0].text, cells[-2].text, cells[-1].text = first, answer, comment
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- the questionnaire, filled and read back

def test_a_questionnaire_is_made_for_one_person_filled_in_and_read_back_into_their_answers(store):
    r = _medway_round(store)
    made = paper_questionnaire(store, EDITOR, r.id, " A.Person@Partner.org ")
    assert made.email == PERSON and made.file_name == "round-1-questionnaire-a.person-partner.org.docx"
    document = docx.Document(io.BytesIO(made.data))
    mark = f"Round {r.id} · answers of {PERSON}"
    assert document.core_properties.subject == mark and document.core_properties.keywords == mark
    assert document.core_properties.title == "Questionnaire: Medway Council, 2024, round 1"
    assert document.core_properties.language == "en-GB"
    text = _text(document)
    assert f"Organisation: Medway Council    Period: 2024    Round: 1    Please return by: {long_date(CLOSES)}" in text
    assert "Answers of: a.person@partner.org    Department: Finance    Perspectives: finance, legal (primary)" in text
    assert "You are asked for your view of 5 objectives." in text
    assert "1 – Minimum, 2 – Developing, 3 – Mature, 4 – Leader or 5 – Innovator" in text
    assert "write both, for example “2/3”" in text and "“don't know”" in text and "“n/a”" in text
    assert mark in [p.text for p in document.sections[0].header.paragraphs]
    tables = _answer_tables(document)
    assert [c.text for c in tables[0].rows[0].cells] == ["#", "Objective", "Your answer", "Comment"]
    rows = [row.cells[0].text for t in tables for row in t.rows[1:]]
    assert rows == ASKED       # only the objectives asked, in the framework's order
    assert tables[0].rows[1].cells[1].text.startswith("Procurement and Commercial Champions\n")
    assert "Engaging Councillors" in text and "Enablers" in text and "Working with partners" not in text

    filled = _fill(made.data, {"1": ("  3 - Mature ", HOSTILE_COMMENT), "2": (" 2 / 3 ", ""),
                               "3": ("Don’t know", "Not my area"), "4": ("N/A", "We have no senior team")})
    assert import_paper_answers(store, EDITOR, r.id, PERSON, filled, source="filled.docx") == 4
    [answers] = [a for a in workflows.round_answers(store, EDITOR, r.id) if a.email == PERSON]
    got = {a.objective_id: (a.written, a.comment) for a in answers.answers}
    assert got == {"1": ("3", HOSTILE_COMMENT), "2": ("2/3", ""), "3": ("don't know", "Not my area"),
                   "4": ("n/a", "We have no senior team")}          # 56 left blank: unanswered
    assert answers.profile == Profile("Finance", ("finance", "legal"), "legal")
    with pytest.raises(InvalidEdit, match="has submitted their answers to round 1 already"):
        paper_questionnaire(store, EDITOR, r.id, PERSON)
    with pytest.raises(AssessmentError, match="submitted already"):   # and cannot be imported twice
        import_paper_answers(store, EDITOR, r.id, PERSON, filled, source="filled.docx")


@pytest.mark.parametrize("written, expected", [
    ("3", "3"), (" 3 ", "3"), ("3 - Mature", "3"), ("3 – Mature", "3"), ("3 —  Mature.", "3"), ("3 (Mature)", "3"),
    ("Mature", "3"), ("level 4", "4"), ("2/3", "2/3"), ("2 / 3", "2/3"), ("2.5", "2/3"),
    ("don't know", "don't know"), ("Don’t Know", "don't know"), ("dont know", "don't know"), ("DK", "don't know"),
    ("d/k", "don't know"), ("n/a", "n/a"), ("N/A", "n/a"), ("n / a", "n/a"), ("N.A.", "n/a"),
    ("not applicable", "n/a"), ("", None), ("   ", None), ("-", None)])
def test_answers_are_read_as_people_write_them(nps, written, expected):
    assert answer_written(written, nps, half_steps=True) == expected


@pytest.mark.parametrize("written, message", [
    ("7", "'7' is not a level of the scale (levels 1–5)"), ("0", "is not a level of the scale"),
    ("3/5", "a half step is written between two adjacent levels"), ("three", "is not a score"),
    ("3 - Leader", "names level 'Leader' with the number of another level"), ("2/3", "is a half step")])
def test_impossible_answers_are_refused(nps, written, message):
    with pytest.raises(AssessmentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        answer_written(written, nps, half_steps=False)


def test_the_marker_is_read_back_however_word_has_spaced_it():
    assert marker(7, "a@b.gov.uk") == "Round 7 · answers of a@b.gov.uk"
    assert read_marker("Round 7 · answers of a@b.gov.uk") == (7, "a@b.gov.uk")
    assert read_marker("  round  7 answers of   A@B.gov.uk ") == (7, "a@b.gov.uk")
    assert read_marker("Round 7 – answers of a@b.gov.uk") == (7, "a@b.gov.uk")
    assert read_marker("Round seven · answers of a@b.gov.uk") is None and read_marker(None) is None
    assert looks_like_word(b"PK\x03\x04rest") and looks_like_word(b"%PDF-1.7") and looks_like_word(b"{\\rtf1")
    assert not looks_like_word(b"answers:\n") and not looks_like_word(b"PK: a yaml key")


# ---------------------------------------------------------------- refused: another round or person, problems located

def test_a_questionnaire_made_for_another_person_or_round_is_refused(sqlite):
    r = _medway_round(sqlite)
    theirs = _fill(paper_questionnaire(sqlite, EDITOR, r.id, PERSON).data, {"1": ("3", "")})
    with pytest.raises(InvalidFile) as other_person:
        import_paper_answers(sqlite, EDITOR, r.id, SECOND, theirs, source="theirs.docx")
    assert str(other_person.value).startswith(
        f"theirs.docx: this questionnaire was made for round 1, for {PERSON}, not for round 1, for {SECOND}; "
        "import it for the round and person it was made for")
    framework = workflows.queries.framework("nps-2018")
    with pytest.raises(InvalidFile, match=f"made for round 1, for {PERSON}, not for round 2, for {PERSON}"):
        read_round_answers(theirs, framework, source="theirs.docx", round_id=2, email=PERSON, items=ASKED)
    # The header of the pages changed by hand, the properties left: refused too.
    document = docx.Document(io.BytesIO(theirs))
    document.sections[0].header.paragraphs[0].text = marker(1, SECOND)
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(InvalidFile, match="this questionnaire was made for round 1, for b.person"):
        import_paper_answers(sqlite, EDITOR, r.id, PERSON, out.getvalue(), source="edited.docx")
    # A Word file with the right tables but nothing to say whose it is.
    plain = docx.Document()
    table = plain.add_table(rows=2, cols=4)
    for cell, text in zip(table.rows[0].cells, ["#", "Objective", "Your answer", "Comment"]):
        cell.text = text
    table.rows[1].cells[0].text, table.rows[1].cells[2].text = "1", "3"
    out = io.BytesIO()
    plain.save(out)
    with pytest.raises(InvalidFile, match="this is not a questionnaire made for a round: it does not say whose answers "
                                          f"it holds \\(“Round 1 · answers of {SECOND}” at the top of each page\\)"):
        import_paper_answers(sqlite, EDITOR, r.id, SECOND, out.getvalue(), source="own.docx")
    assert workflows.round_answers(sqlite, EDITOR, r.id) == []


def test_every_problem_is_reported_with_its_table_and_row_and_nothing_is_imported(sqlite):
    r = _medway_round(sqlite)
    made = paper_questionnaire(sqlite, EDITOR, r.id, PERSON).data
    filled = _fill(made, {"1": ("7", "Seven"), "2": ("3", ""), "3": ("", "A comment alone"), "4": ("three", "")},
                   extra=[("99", "3", ""), ("10", "3", ""), ("2", "4", ""), ("", "3", "no number")])
    with pytest.raises(InvalidFile) as refused:
        import_paper_answers(sqlite, EDITOR, r.id, PERSON, filled, source="filled.docx")
    lines = refused.value.shown()
    last = 6   # rubric tables 1, 3 and 5 each before answers tables 2, 4 and 6 (objective 56, the rows added)
    assert lines[:3] == [
        "filled.docx: table 2, row 2 (objective 1): \"Your answer\": '7' is not a level of the scale (levels 1–5)",
        "filled.docx: table 2, row 4 (objective 3): there is a comment but no answer: write a level, “don't know” "
        "or “n/a” under “Your answer”, or clear the comment",
        "filled.docx: table 4, row 2 (objective 4): \"Your answer\": 'three' is not a score; write a level "
        "(levels 1–5), a half step such as '2/3', or 'n/a'"]
    assert lines[3:] == [
        f"filled.docx: table {last}, row 3: there is no objective \"99\" in National Procurement Strategy for "
        "Local Government in England 2018",
        f"filled.docx: table {last}, row 4 (objective 10): round 1 does not ask about “10. Staff development for partnership working”",
        f"filled.docx: table {last}, row 5 (objective 2): the objective is answered twice (also table 2, row 3)",
        f"filled.docx: table {last}, row 6: has an answer or comment but no objective number"]
    assert workflows.round_answers(sqlite, EDITOR, r.id) == []       # all or nothing: none kept
    assert not [i for i in workflows.queries.round_view(sqlite, EDITOR, r.id).invitations if i.submitted]


def test_a_half_step_is_refused_where_the_key_area_allows_none_naming_the_row(tiny):
    found = Round("test", "2024", CLOSES, id=5, k=3)
    made = round_questionnaire_docx(tiny, found, organisation="Test Council", email=PERSON,
                                    profile=Profile("Finance", ("finance",), "finance"), items=["S1", "S2", "D1"])
    text = _text(docx.Document(io.BytesIO(made.data)))
    assert "1 – Starting, 2 – Established or 3 – Excellent" in text
    assert "In Data, an answer between two levels may be written with both, for example “2/3”; elsewhere choose " \
           "one level." in text
    assert "For this objective, 3 – Excellent means: Every buyer holds a professional qualification." in text
    filled = _fill(made.data, {"S1": ("1/2", ""), "S2": ("Established", "ok"), "D1": ("1/2", "")})
    with pytest.raises(InvalidFile) as refused:
        read_round_answers(filled, tiny, source="tiny.docx", round_id=5, email=PERSON, items=["S1", "S2", "D1"])
    assert refused.value.shown() == [
        "tiny.docx: table 2, row 2 (objective S1): \"Your answer\": '1/2' is a half step, which this key area does "
        "not allow; choose a whole level"]
    fixed = _fill(made.data, {"S1": ("1", ""), "S2": ("Established", "ok"), "D1": ("1/2", "")})
    assert read_round_answers(fixed, tiny, source="tiny.docx", round_id=5, email=PERSON.upper(),
                              items=["S1", "S2", "D1"]) == {"S1": ("1", ""), "S2": ("2", "ok"), "D1": ("1/2", "")}


# ---------------------------------------------------------------- hostile files

def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_zip_bomb_a_huge_document_and_a_file_too_big_are_refused_before_they_are_opened(sqlite):
    r = _medway_round(sqlite, items=["1"])
    bomb = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b" " * (17 * 2**20)})
    assert len(bomb) < 100_000
    many = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:body>" + b"<w:p/>" * 250_000 + b"</w:body>"})
    big = b"PK\x03\x04" + b"\0" * UPLOAD_BYTES
    cases = [(bomb, "a part of the file (word/document.xml) unpacks to 17 MB; parts of up to 16 MB are read"),
             (many, "word/document.xml holds more than 200,000 XML elements"),
             (big, "the file is 20.1 MB; files up to 20 MB can be imported")]
    for data, message in cases:
        started = time.perf_counter()
        with pytest.raises(InvalidFile) as refused:
            import_paper_answers(sqlite, EDITOR, r.id, PERSON, data, source="hostile.docx")
        assert time.perf_counter() - started < 5
        assert str(refused.value).startswith(f"hostile.docx: {message}"), str(refused.value)
    assert workflows.round_answers(sqlite, EDITOR, r.id) == []


@pytest.mark.parametrize("data, kind", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "a PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "an old Word (.doc) or other Office 97–2003 file"),
    (b"{\\rtf1\\ansi Round 1}", "a Rich Text (.rtf) file")])
def test_a_pdf_an_old_word_file_and_rich_text_are_refused_in_words(sqlite, data, kind):
    r = _medway_round(sqlite, items=["1"])
    with pytest.raises(InvalidFile) as refused:
        import_paper_answers(sqlite, EDITOR, r.id, PERSON, data, source="answers.yaml")   # named as YAML: told by content
    assert str(refused.value) == (f"answers.yaml: the file is {kind}, not a Word document (.docx): answers are read "
                                  "from the questionnaire as a Word document; open it in Word and save it as a Word "
                                  "document (.docx), or type the answers into a YAML file")


def test_a_damaged_file_and_a_workbook_are_refused_in_words(sqlite):
    r = _medway_round(sqlite, items=["1"])
    made = paper_questionnaire(sqlite, EDITOR, r.id, PERSON).data
    for data, message in ((made[: len(made) // 2], "the file is damaged: it starts like a Word document (.docx)"),
                          (_zip({"xl/workbook.xml": b"<workbook/>"}), "the file is an Excel workbook"),
                          (b"PK\x03\x04", "the file is damaged")):
        with pytest.raises(InvalidFile, match=message.replace("(", r"\(").replace(")", r"\)")):
            import_paper_answers(sqlite, EDITOR, r.id, PERSON, data, source="x.docx")


# ---------------------------------------------------------------- who may, and all or nothing

def test_only_an_editor_of_the_round_s_council_makes_one_and_only_for_someone_invited(sqlite):
    r = _medway_round(sqlite, items=["1"])
    with pytest.raises(InvalidEdit, match="nobody@partner.org is not invited to round 1: invite them first"):
        paper_questionnaire(sqlite, EDITOR, r.id, "nobody@partner.org")
    with pytest.raises(NotAllowed, match="may not"):
        paper_questionnaire(sqlite, OTHER, r.id, PERSON)
    with pytest.raises(NotAllowed, match="may not"):
        import_paper_answers(sqlite, OTHER, r.id, PERSON, b"answers: []\n", source="a.yaml")
    workflows.revoke(sqlite, EDITOR, r.id, SECOND)
    with pytest.raises(InvalidEdit, match="is not invited to round 1"):
        paper_questionnaire(sqlite, EDITOR, r.id, SECOND)
    made = paper_questionnaire(sqlite, EDITOR, r.id, PERSON).data
    workflows.close_round(sqlite, EDITOR, r.id)
    with pytest.raises(AssessmentError, match="round 1 is closed: it is not taking answers"):
        paper_questionnaire(sqlite, EDITOR, r.id, PERSON)
    with pytest.raises(AssessmentError, match="the round is closed, so it is not taking answers"):
        import_paper_answers(sqlite, EDITOR, r.id, PERSON, _fill(made, {"1": ("3", "")}), source="late.docx")
    assert workflows.round_answers(sqlite, EDITOR, r.id) == []


def test_a_refused_import_leaves_the_answers_saved_before_it_as_they_were(sqlite):
    workflows.ensure_examples(sqlite)
    workflows.start_period(sqlite, EDITOR, "medway", "2024")
    r = workflows.open_round(sqlite, EDITOR, "medway", "2024", closes=CLOSES, items=["1", "2"])
    token = workflows.invite(sqlite, EDITOR, r.id, PERSON, department="Finance", perspectives=["finance"]).token
    workflows.answer_by_link(sqlite, token, {"1": ("2", "Saved online")})
    made = paper_questionnaire(sqlite, EDITOR, r.id, PERSON).data
    with pytest.raises(InvalidFile):
        import_paper_answers(sqlite, EDITOR, r.id, PERSON, _fill(made, {"1": ("4", "On paper"), "2": ("9", "")}),
                             source="bad.docx")
    with pytest.raises(InvalidFile, match="blank.docx: nothing is answered: every row's “Your answer” is blank, so "
                                          "there is nothing to submit"):
        import_paper_answers(sqlite, EDITOR, r.id, PERSON, made, source="blank.docx")   # the blank one, by mistake
    kept = workflows.questionnaire_by_link(sqlite, token)
    assert {k: (a.written, a.comment) for k, a in kept.answers.items()} == {"1": ("2", "Saved online")}
    assert not kept.submitted
    assert import_paper_answers(sqlite, EDITOR, r.id, PERSON, _fill(made, {"1": ("4", "On paper")}),
                                source="good.docx") == 1
    [answers] = workflows.round_answers(sqlite, EDITOR, r.id)
    assert [(a.objective_id, a.written, a.comment) for a in answers.answers] == [("1", "4", "On paper")]


def test_an_anonymous_round_s_paper_answers_keep_no_link_to_the_person(sqlite):
    r = _medway_round(sqlite, items=["1"], mode="anonymous")
    made = paper_questionnaire(sqlite, EDITOR, r.id, PERSON).data
    assert "This round is anonymous" in _text(docx.Document(io.BytesIO(made)))
    import_paper_answers(sqlite, EDITOR, r.id, PERSON, _fill(made, {"1": ("3", "")}), source="a.docx")
    [answers] = workflows.round_answers(sqlite, EDITOR, r.id)
    assert answers.email is None and answers.answers[0].written == "3"


WITH_PARTNERS = "Working Strategically with Partners"
LOCAL_SMES = "Engaging Local Small Medium Enterprises (SMEs) and Micro-businesses"


def test_a_round_on_key_areas_has_a_row_per_key_area_named_by_its_title(sqlite):
    workflows.ensure_examples(sqlite)
    workflows.start_period(sqlite, LOCAL_ACTOR, "worcestershire", "2023")
    r = workflows.open_round(sqlite, LOCAL_ACTOR, "worcestershire", "2023", closes=CLOSES,
                             items=["working-with-partners", "local-sme-engagement"])
    assert r.kind == "key_area"
    workflows.invite(sqlite, LOCAL_ACTOR, r.id, PERSON, department="Finance", perspectives=["finance"])
    made = paper_questionnaire(sqlite, LOCAL_ACTOR, r.id, PERSON).data
    document = docx.Document(io.BytesIO(made))
    assert "You are asked for your view of 2 key areas." in _text(document)
    tables = _answer_tables(document)
    assert [c.text for c in tables[0].rows[0].cells] == ["Key area", "Your answer", "Comment"]
    assert [row.cells[0].text.split("\n")[0] for t in tables for row in t.rows[1:]] == \
        [WITH_PARTNERS, LOCAL_SMES]
    filled = _fill(made, {WITH_PARTNERS: ("4 – Leader", "<i>Strong</i>"), LOCAL_SMES: ("DK", "")},
                   extra=[("engaging with strategic  suppliers", "3", ""), ("Astrology", "3", "")])
    with pytest.raises(InvalidFile) as refused:
        import_paper_answers(sqlite, LOCAL_ACTOR, r.id, PERSON, filled, source="ka.docx")
    assert [line.split(": ", 2)[1:] for line in refused.value.shown()] == [
        ["table 4, row 3 (key area Engaging with Strategic Suppliers)",
         "round 1 does not ask about “Engaging with Strategic Suppliers”"],
        ["table 4, row 4", "there is no key area \"Astrology\" in Worcestershire County Council Procurement "
                           "Outcomes Framework 2022 - 2025 (adapted from National Procurement Strategy for Local "
                           "Government in England 2018)"]]
    assert import_paper_answers(sqlite, LOCAL_ACTOR, r.id, PERSON,
                                _fill(made, {WITH_PARTNERS: ("4 – Leader", "<i>Strong</i>"), LOCAL_SMES: ("DK", "")}),
                                source="ka.docx") == 2
    [answers] = workflows.round_answers(sqlite, LOCAL_ACTOR, r.id)
    assert [(a.objective_id, a.written, a.comment) for a in answers.answers] == [
        ("working-with-partners", "4", "<i>Strong</i>"), ("local-sme-engagement", "don't know", "")]


# ---------------------------------------------------------------- the command line

def test_the_command_line_writes_a_questionnaire_and_imports_it_filled_word_or_yaml_told_by_content(
        sqlite, tmp_path, capsys):
    r = _medway_round(sqlite, items=["1", "2"])
    url = str(sqlite.engine.url)
    runner = CliRunner()
    out = tmp_path / "questionnaire.docx"
    done = runner.invoke(cli, ["--database", url, "round", "questionnaire", str(r.id), "--email", PERSON,
                               "--out", str(out)])
    assert done.exit_code == 0, done.output
    assert done.output == f"wrote {out}\n"
    filled = tmp_path / "filled-in.yaml"            # a Word file, whatever its name says
    filled.write_bytes(_fill(out.read_bytes(), {"1": ("3 – Mature", "# Not a heading"), "2": ("dont know", "")}))
    done = runner.invoke(cli, ["--database", url, "import", "answers", str(filled), "--round", str(r.id),
                               "--email", PERSON])
    assert done.exit_code == 0, done.output
    assert done.output == f"{PERSON}: 2 answers submitted to round 1\n"
    typed = tmp_path / "typed.txt"                   # YAML, whatever its name says
    typed.write_text('answers:\n  - objective: "1"\n    score: "2/3"\n    comment: <b>typed</b>\n', encoding="utf-8")
    done = runner.invoke(cli, ["--database", url, "import", "answers", str(typed), "--round", str(r.id),
                               "--email", SECOND])
    assert done.output == f"{SECOND}: 1 answer submitted to round 1\n"
    got = {a.email: [(x.objective_id, x.written, x.comment) for x in a.answers]
           for a in workflows.round_answers(sqlite, EDITOR, r.id)}
    assert got == {PERSON: [("1", "3", "# Not a heading"), ("2", "don't know", "")],
                   SECOND: [("1", "2/3", "<b>typed</b>")]}
    # Refusals are a line each on standard error, exit 2, never a traceback.
    pdf = tmp_path / "scan.docx"
    pdf.write_bytes(b"%PDF-1.4 scanned")
    assert main(["--database", url, "import", "answers", str(pdf), "--round", str(r.id), "--email", PERSON]) == 2
    assert capsys.readouterr().err == ("scan.docx: the file is a PDF, not a Word document (.docx): answers are read "
                                       "from the questionnaire as a Word document; open it in Word and save it as a "
                                       "Word document (.docx), or type the answers into a YAML file\n")
    assert main(["--database", url, "round", "questionnaire", str(r.id), "--email", "nobody@x.org", "--out",
                 str(tmp_path / "x.docx")]) == 2
    assert capsys.readouterr().err == "error: nobody@x.org is not invited to round 1: invite them first\n"
    assert main(["--database", url, "round", "questionnaire", str(r.id), "--email", SECOND, "--out",
                 str(tmp_path / "no" / "x.docx")]) == 2
    assert "there is no folder" in capsys.readouterr().err


# ---------------------------------------------------------------- the Rounds page (AppTest)

def test_the_rounds_page_offers_a_questionnaire_to_download_and_imports_it_filled(tmp_path, monkeypatch):
    from .conftest import shown, unescape
    from .test_ui_rounds import ROUNDS_PAGE, _run, _texts
    from .test_ui_scoring import new_app

    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    store = open_store(url)
    r = _medway_round(store, items=["1", "2"])
    at = new_app("medway", "2024")
    _run(at.switch_page(ROUNDS_PAGE))
    assert at.selectbox(key="rounds.paper.email").options == [PERSON, SECOND]
    [download] = [e for e in at.get("download_button") if e.proto.id and "rounds.paper.download" in e.proto.id]
    assert unescape(download.proto.label) == f"Download {PERSON}'s questionnaire (Word)"
    assert not download.proto.disabled                  # the file itself is made when the button is pressed
    made = paper_questionnaire(store, LOCAL_ACTOR, r.id, PERSON).data

    at.file_uploader(key="rounds.paper.file.0").upload("scan.pdf", b"%PDF-1.4", "application/pdf")
    _run(at)
    _run(at.button(key="rounds.paper.import").click())
    [refused] = [e.value for e in shown(at.error)]
    assert refused.startswith("scan.pdf: the file is a PDF, not a Word document")
    assert refused.endswith("Nothing was imported.")

    bad = _fill(made, {"1": ("7", ""), "2": ("", "A comment alone")})
    at.file_uploader(key="rounds.paper.file.0").upload("bad.docx", bad, "application/octet-stream")
    _run(at)
    _run(at.button(key="rounds.paper.import").click())
    assert "bad.docx cannot be imported, so nothing was saved." in _texts(at)
    assert "table 2, row 2 (objective 1)" in _texts(at)

    good = _fill(made, {"1": ("3 - Mature", "<b>On paper</b>"), "2": ("n/a", "")})
    at.file_uploader(key="rounds.paper.file.0").upload("filled.docx", good, "application/octet-stream")
    _run(at)
    _run(at.button(key="rounds.paper.import").click())
    assert f"Imported filled.docx: 2 answers submitted for {PERSON}." in _texts(at)
    assert at.selectbox(key="rounds.paper.email").options == [SECOND]   # answered: no longer offered
    [answers] = workflows.round_answers(store, LOCAL_ACTOR, r.id)
    assert [(a.objective_id, a.written, a.comment) for a in answers.answers] == [("1", "3", "<b>On paper</b>"),
                                                                                 ("2", "n/a", "")]
    assert file_name(r.id, PERSON) == "round-1-questionnaire-a.person-partner.org.docx"
    store.engine.dispose()
