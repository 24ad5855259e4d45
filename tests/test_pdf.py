"""PDF copies of the report and the appendix, made by LibreOffice: tagged, titled, in British
English, the radar described; and what happens where LibreOffice is not installed.

The conversions are not skipped when LibreOffice is missing: the test set-up installs it
(scripts/system-deps.sh), so a missing one fails here, loudly."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from datetime import date

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from assessment.domain.errors import PdfFailed, PdfUnavailable
from assessment.domain.report import radar_rows
from assessment.formats.charts import radar_caption
from assessment.formats.writers import pdf as pdf_module
from assessment.formats.writers.pdf import NOT_INSTALLED, as_pdf, pdf_available, to_pdf
from assessment.formats.writers.word_appendix import appendix_docx
from assessment.formats.writers.word_report import RADAR_TITLE, report_docx
from assessment.ui.downloads import NO_PDF

from .conftest import ROOT

TODAY = date(2026, 11, 21)


def structure(pdf: bytes) -> list:
    """Every element of the PDF's structure tree (its tags), depth first."""
    elements = []

    def walk(node) -> None:
        node = node.get_object()
        if not hasattr(node, "get"):
            return
        if "/S" in node:
            elements.append(node)
        kids = node.get("/K")
        for kid in (kids if isinstance(kids, list) else [kids] if kids is not None else []):
            walk(kid)
    walk(PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/StructTreeRoot"])
    return elements


def check_accessible(pdf: bytes, title: str) -> PdfReader:
    """Tagged (/MarkInfo /Marked, a structure tree), titled (shown as the window's title), en-GB."""
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True   # a pypdf BooleanObject, not a bool
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata.title == title
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"]) is True
    return reader


def test_the_report_as_pdf_is_tagged_titled_british_and_describes_the_radar(nps, medway):
    export = as_pdf(report_docx(nps, medway, "2023", today=TODAY))
    assert export.data.startswith(b"%PDF-") and export.title == "Medway Council: procurement maturity progress report, 2023"
    reader = check_accessible(export.data, export.title)
    tags = structure(export.data)
    figures = [t for t in tags if t["/S"] == "/Figure"]
    assert len(figures) == 1
    alt = figures[0]["/Alt"]
    assert RADAR_TITLE in alt and radar_caption(radar_rows(nps, medway, "2023")) in alt
    kinds = {t["/S"] for t in tags}
    assert {"/H1", "/H2", "/Table", "/TH", "/TD", "/L", "/LI"} <= kinds   # headings, tables with headers, lists
    bookmarks = [item.title for item in reader.outline if not isinstance(item, list)]
    assert bookmarks[:2] == ["At a glance", "Key areas in numbers (Figure 1)"]


def test_the_report_with_a_covering_report_as_pdf_opens_with_it(nps, medway):
    """The PDF members read opens with the officer's words, numbered and lettered as in Word, its
    headings the PDF's bookmarks, then at a glance; the appendix follows as Appendix 1."""
    from dataclasses import replace as changed

    from assessment.formats.covering_file import read_covering
    from .pdfpages import page_texts
    record = changed(medway, periods=[changed(p, covering=read_covering(ROOT / "tests" / "fixtures" / "report-text"
                                                                         / "medway-2024.yaml"))
                                      if p.period == "2023" else p for p in medway.periods])
    export = as_pdf(report_docx(nps, record, "2023", today=TODAY))
    check_accessible(export.data, export.title)
    first = " ".join(page_texts(export.data)[0].split())
    assert first.startswith("CABINET: 11 FEBRUARY 2025 PROCUREMENT MATURITY: PROGRESS REPORT 2023 REPORT OF THE "
                            "CHIEF OPERATING OFFICER")
    assert "2. It is recommended that: a) the self-assessment of the Council's procurement maturity for 2024, at " \
        "Appendix 1, be noted;" in first
    bookmarks = [item.title for item in PdfReader(io.BytesIO(export.data)).outline if not isinstance(item, list)]
    assert bookmarks.index("PROCUREMENT MATURITY: PROGRESS REPORT 2023") < bookmarks.index("At a glance") < \
        bookmarks.index("Appendix 1 – Complete Objectives List: Medway Council")


def test_the_appendix_as_pdf(nps, medway):
    export = appendix_docx(nps, medway, ["2022", "2023"], today=TODAY)
    pdf = to_pdf(export.data, export.title)
    reader = check_accessible(pdf, "Medway Council: objectives appendix, 2022 and 2023")
    assert len(reader.pages) > 10
    headers = [t for t in structure(pdf) if t["/S"] == "/TH"]
    assert len(headers) > 100   # every table's header row, on every page it repeats


@pytest.fixture
def cli(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"

    def run(*args: str, code: int = 0, path: str | None = None) -> subprocess.CompletedProcess:
        env = dict(os.environ, PATH=path) if path is not None else None
        result = subprocess.run([sys.executable, "-m", "assessment", "--database", url, *args], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=600, check=False)
        assert result.returncode == code, (result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        return result
    run("demo")
    return run


def test_export_report_and_appendix_as_pdf_from_the_command_line(cli, tmp_path, nps, medway):
    report = tmp_path / "medway-2023"
    assert f"wrote {report}.pdf" in cli("export", "report", "--org", "medway", "--period", "2023", "--format", "pdf",
                                        "--out", str(report)).stdout
    pdf = (tmp_path / "medway-2023.pdf").read_bytes()
    check_accessible(pdf, "Medway Council: procurement maturity progress report, 2023")
    figure = next(t for t in structure(pdf) if t["/S"] == "/Figure")
    assert radar_caption(radar_rows(nps, medway, "2023")) in figure["/Alt"]
    appendix = tmp_path / "appendix.pdf"   # the format follows the file's extension
    cli("export", "appendix", "--org", "medway", "--periods", "2022,2023", "--out", str(appendix))
    check_accessible(appendix.read_bytes(), "Medway Council: objectives appendix, 2022 and 2023")
    word = tmp_path / "report"
    cli("export", "report", "--org", "medway", "--period", "2023", "--out", str(word))
    assert (tmp_path / "report.docx").read_bytes().startswith(b"PK")   # Word, the default
    refused = cli("export", "report", "--org", "medway", "--period", "2023", "--format", "pdf",
                  "--out", str(tmp_path / "x.docx"), code=2).stderr
    assert refused.strip() == (f"error: --out {tmp_path / 'x.docx'} ends in .docx but --format is pdf: name the "
                               "file .pdf, or leave --format out")
    assert not (tmp_path / "x.docx").exists()


def test_without_libreoffice_the_command_line_says_so(cli, tmp_path):
    empty = tmp_path / "bin"
    empty.mkdir()
    for command in (("export", "report", "--org", "medway", "--period", "2023"), ("export", "appendix", "--org", "medway")):
        result = cli(*command, "--out", str(tmp_path / "out.pdf"), code=2, path=str(empty))
        assert result.stderr.strip() == f"error: {NOT_INSTALLED}"
        assert not (tmp_path / "out.pdf").exists()
    cli("export", "report", "--org", "medway", "--period", "2023", "--out", str(tmp_path / "out.docx"),
        path=str(empty))   # Word needs nothing but Python


def test_without_libreoffice_to_pdf_says_so(monkeypatch, nps, medway):
    monkeypatch.setattr(pdf_module.shutil, "which", lambda name: None)
    assert not pdf_available()
    with pytest.raises(PdfUnavailable) as raised:
        to_pdf(appendix_docx(nps, medway).data, "the appendix")
    assert str(raised.value) == ("PDF needs LibreOffice, which is not installed on this server: install "
                                 "libreoffice-writer (Debian) or download the Word file and save it as PDF")


def test_a_conversion_that_does_not_finish_is_stopped(monkeypatch, nps, medway):
    monkeypatch.setattr(pdf_module, "TIMEOUT_SECONDS", 0)
    with pytest.raises(PdfFailed, match="took more than 0 seconds to make the PDF of the appendix and was stopped"):
        to_pdf(appendix_docx(nps, medway).data, "the appendix")


def test_a_conversion_that_takes_too_much_processor_time_is_stopped(monkeypatch, nps, medway):
    """Comments of U+FDFA (one wide glyph, laid out slowly): 210 KB of Word body took 32 s, 350 KB
    over a minute, each well under the length limit; LibreOffice is held to `CPU_SECONDS` of
    processor time (here 2 s) and no process of it is left."""
    from dataclasses import replace
    wide = "\ufdfa" * 300
    record = replace(medway, periods=[replace(p, entries={k: replace(e, comment=wide) for k, e in p.entries.items()})
                                      for p in medway.periods])
    monkeypatch.setattr(pdf_module, "CPU_SECONDS", 2)
    with pytest.raises(PdfFailed, match="took more than 2 seconds of processor time to make the PDF of the "
                                        "appendix and was stopped: download the Word file"):
        to_pdf(appendix_docx(nps, record).data, "the appendix")
    left = subprocess.run(["pgrep", "-f", "assessment-pdf-"], capture_output=True, text=True).stdout
    assert left == ""


def _offer():
    from datetime import date
    from pathlib import Path

    from assessment.formats.framework_file import find_framework
    from assessment.formats.record_file import load_record
    from assessment.ui import downloads
    record = load_record(Path("data/examples/medway.yaml"), find_framework)
    downloads.offer(find_framework("nps-2018"), record, "2023", "2022", date(2026, 11, 21))


def _labels(at) -> list[str]:
    return [button.proto.label for button in at.get("download_button")]


def test_the_app_offers_pdf_beside_word_or_says_why_not(monkeypatch):
    monkeypatch.chdir(ROOT)
    at = AppTest.from_function(_offer, default_timeout=60).run()
    assert not at.exception
    assert _labels(at) == ["Download the progress report", "Download the blank questionnaire",
                           "Download the objectives appendix", "Download the Excel workbook"]
    assert [b.label for b in at.button] == ["Make the progress report as PDF", "Make the objectives appendix as PDF"]
    at.button(key="report.download_report_make").click().run()   # made on the server, then offered
    assert not at.exception and not at.error
    (pdf,) = [b for b in at.get("download_button") if b.proto.label == "Download the progress report as PDF"]
    assert [b.label for b in at.button] == ["Make the objectives appendix as PDF"]
    monkeypatch.setattr(pdf_module, "_program", lambda: None)
    at = AppTest.from_function(_offer, default_timeout=60).run()
    assert not at.exception
    assert not any(label.endswith("as PDF") for label in _labels(at) + [b.label for b in at.button])
    assert [info.value for info in at.info] == [NO_PDF, NO_PDF]
    assert NO_PDF == "PDF needs LibreOffice, which is not installed on this server; download the Word file instead."


def test_a_document_too_long_for_the_server_is_refused_in_words_before_libreoffice_starts(monkeypatch, nps, medway):
    """A Word body past `limits.PDF_DOCUMENT_BYTES` (every comment 8,000 characters long: 1 MB, which
    took 8 s; 3.9 MB took 137 s) is refused with what to do instead, in the app and on the command
    line, and no LibreOffice is started."""
    from dataclasses import replace
    started = []
    monkeypatch.setattr(pdf_module, "_convert", lambda *args: started.append(args) or b"%PDF")
    long = ("The council has reviewed its procurement arrangements and will go on improving them. " * 100)[:8000]
    record = replace(medway, periods=[replace(p, entries={k: replace(e, comment=long) for k, e in p.entries.items()})
                                      for p in medway.periods])
    with pytest.raises(PdfFailed) as refused:
        as_pdf(appendix_docx(nps, record), who="alice")
    assert str(refused.value) == ("“Medway Council: objectives appendix, 2022 and 2023” is too long to make a PDF of "
                                  "on this server (1.0 MB of "
                                  "text and layout; up to 1 MB): download the Word file and save it as PDF from "
                                  "Word, or choose fewer periods")
    assert started == []
    assert as_pdf(appendix_docx(nps, medway), who="alice").data == b"%PDF"   # Medway as printed: 0.1 MB
    monkeypatch.setattr(pdf_module, "PDF_DOCUMENT_BYTES", 1000)
    monkeypatch.chdir(ROOT)
    at = AppTest.from_function(_offer, default_timeout=60).run()
    at.button(key="report.download_appendix_make").click().run()
    assert not at.exception
    (refused_in_app,) = [e.value.replace("\\", "") for e in at.error]
    assert "objectives appendix, 2022 and 2023” is too long to make a PDF of on this server" in refused_in_app
    assert "Download the objectives appendix as PDF" not in _labels(at)


def test_each_person_makes_one_pdf_at_a_time(monkeypatch):
    """While a PDF is being made for Alice (a second tab, a double click), her next is refused in
    words; Bob's is made; once hers is done she may ask again."""
    made = []
    monkeypatch.setattr(pdf_module, "_convert", lambda *args: made.append(args) or b"%PDF")
    with pdf_module._one_each("alice", "the progress report"):
        with pytest.raises(PdfFailed, match="^You are already making a PDF; wait for it to finish, then make the PDF "
                                            "of the appendix$"):
            to_pdf(b"PK", "the appendix", who="alice")
        assert to_pdf(b"PK", "the appendix", who="bob") == b"%PDF"
    assert to_pdf(b"PK", "the appendix", who="alice") == b"%PDF" and len(made) == 2


def test_no_more_than_two_conversions_at_once_a_third_waits_then_is_refused(monkeypatch):
    """A server makes at most `AT_ONCE` PDFs together; a request that finds every slot taken for the
    whole timeout is refused in words, and starts no LibreOffice."""
    started = []
    monkeypatch.setattr(pdf_module, "_convert", lambda *args: started.append(args) or b"%PDF")
    monkeypatch.setattr(pdf_module, "TIMEOUT_SECONDS", 0.2)
    taken = [pdf_module._SLOTS.acquire(blocking=False) for _ in range(pdf_module.AT_ONCE)]
    try:
        assert all(taken) and pdf_module.AT_ONCE == 2
        with pytest.raises(PdfFailed, match="busy making other PDFs"):
            to_pdf(b"PK", "the progress report")
        assert started == []
    finally:
        for _ in taken:
            pdf_module._SLOTS.release()
    assert to_pdf(b"PK", "the progress report") == b"%PDF" and len(started) == 1   # a slot free again
