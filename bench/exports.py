"""Export benchmarks: the Word objectives appendix and the radar PNG.

Appendix floor: bare python-docx writing a document with the same tables, rows, columns and
cell text (read back from the project's own output, so the text is identical), with no styling,
widths, repeated headers or cleaning. Any appendix writer has to put at least that into the file.

The appendix now writes its tables as XML text parsed once by lxml, which is quicker than
python-docx's proxies, so it beats that floor. A stricter floor is reported for information:
the same cells as minimal WordprocessingML (no properties, no widths) parsed once into a blank
python-docx document and saved; opening the template and saving dominate both sides. Each floor's
document is read back to check it holds the same cells.
"""

from __future__ import annotations

import copy
import io
import statistics
from typing import Iterator

import vl_convert as vlc
from docx import Document
from docx.oxml.parser import parse_xml

from assessment.domain.record import next_period
from assessment.domain.report import radar_rows
from assessment.formats.charts import chart_png, radar_chart
from assessment.formats.framework_file import find_framework
from assessment.formats.record_file import load_record
from assessment.formats.writers.word_appendix import appendix_docx
from assessment.formats.writers.word_report import report_docx

from .foundation import ROOT
from .harness import Info, Ratio, Result, time_pair


def five_periods(record):
    """Medway's two printed years followed by three more copies, so the appendix has 5 periods."""
    record = copy.deepcopy(record)
    last = record.sorted_periods()[-1]
    for _ in range(3):
        extra = copy.deepcopy(last)
        extra.period = next_period(last.period)
        record.periods.append(extra)
        last = extra
    return record


def cell_texts(data: bytes) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in Document(io.BytesIO(data)).tables]


def bare_docx(tables: list[list[list[str]]]) -> bytes:
    document = Document()
    for rows in tables:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for row, texts in zip(table.rows, rows):
            for cell, text in zip(row.cells, texts):
                cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def minimal_xml_docx(tables: list[list[list[str]]]) -> bytes:
    def cell(text: str) -> str:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return "<w:tc>" + "".join(f"<w:p><w:r><w:t xml:space=\"preserve\">{line}</w:t></w:r></w:p>"
                                  for line in escaped.split("\n")) + "</w:tc>"

    parts = []
    for rows in tables:
        parts.append("<w:tbl><w:tblPr/><w:tblGrid>" + "<w:gridCol/>" * len(rows[0]) + "</w:tblGrid>")
        parts += ["<w:tr>" + "".join(cell(text) for text in texts) + "</w:tr>" for texts in rows]
        parts.append("</w:tbl><w:p/>")
    document = Document()
    end = document.element.body.get_or_add_sectPr()
    for child in list(parse_xml(f'<w:body xmlns:w="{W_NS}">{"".join(parts)}</w:body>')):
        end.addprevious(child)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def run() -> Iterator[Result]:
    framework = find_framework("nps-2018")
    medway = load_record(ROOT / "data" / "examples" / "medway.yaml", find_framework)
    for label, record in (("2 periods", medway), ("5 periods", five_periods(medway))):
        periods = [p.period for p in record.sorted_periods()]
        tables = cell_texts(appendix_docx(framework, record, periods).data)
        subject, floor = time_pair(lambda: appendix_docx(framework, record, periods),
                                   lambda: bare_docx(tables), repeat=7, warmup=1)
        details = {"tables": len(tables), "cells": sum(len(r) * len(r[0]) for r in tables)}
        yield Ratio(f"appendix docx, {label}", "bare python-docx, same cells", subject, floor, aim=1.5,
                    verified=cell_texts(bare_docx(tables)) == tables, details=details)
        subject, floor = time_pair(lambda: appendix_docx(framework, record, periods),
                                   lambda: minimal_xml_docx(tables), repeat=7, warmup=1)
        yield Ratio(f"appendix docx, {label}, strict", "minimal XML, same cells", subject, floor, aim=None,
                    verified=cell_texts(minimal_xml_docx(tables)) == tables, details=details)
    spec = radar_chart(radar_rows(framework, medway, "2023"), framework)
    chart_png(spec)  # warm-up: vl-convert starts its engine on first use
    subject, floor = time_pair(lambda: chart_png(radar_chart(radar_rows(framework, medway, "2023"), framework)),
                               lambda: vlc.vegalite_to_png(spec, scale=2), repeat=7, warmup=1)
    yield Ratio("radar PNG (data, spec and rendering)", "vl-convert rendering the finished spec", subject, floor,
                aim=1.5)
    yield Info("radar PNG after warm-up (median)", statistics.median(subject), "aim under 0.3 s")
    for attach in (False, True):
        made = report_docx(framework, medway, "2023", attach_appendix=attach).data
        tables = cell_texts(made)
        report_spec = radar_chart(radar_rows(framework, medway, "2023"), framework, size=420, font_size=15)

        def floor_report() -> bytes:
            vlc.vegalite_to_png(report_spec, scale=2)
            return bare_docx(tables)

        subject, floor = time_pair(lambda: report_docx(framework, medway, "2023", attach_appendix=attach),
                                   floor_report, repeat=5, warmup=1)
        label = "members' progress report" + (" with the appendix" if attach else "")
        yield Ratio(label, "radar PNG + bare python-docx, same cells", subject, floor, aim=None,
                    verified=cell_texts(floor_report()) == tables, details={"tables": len(tables)})
        yield Info(f"{label} (median)", statistics.median(subject), "aim under 1.5 s")
