"""Import benchmarks: reading a Word objectives appendix back in.

Subject: `read_appendix` on our own 59-objective, 5-period appendix (Medway's two printed years and
three copies, `exports.five_periods`): open the file, find the objectives tables, read every score,
comment and action, check titles and duplicates, and build the plan.
Floor: python-docx opening the same bytes and reading every cell's text of every table
(`[[c.text for c in row.cells] for row in table.rows]`), which any reader built on python-docx
does at least. Verified: every score and "Comments and Action" cell the floor read equals what the
plan's entry writes back (`Score.written`, `comments_and_action`).

The reader walks the XML once per table rather than through python-docx's cell proxies (which rebuild
the table's grid for every row), so it beats that floor. A stricter floor is reported for information:
unzip `word/document.xml`, parse it with lxml and join the text of every cell, with no python-docx at all.
"""

from __future__ import annotations

import io
import statistics
import zipfile
from collections.abc import Iterator

from docx import Document
from lxml import etree

from assessment.formats.framework_file import find_framework
from assessment.formats.layouts import comments_and_action
from assessment.formats.readers.word_appendix import read_appendix
from assessment.formats.record_file import load_record
from assessment.formats.writers.word_appendix import appendix_docx

from .exports import five_periods
from .foundation import ROOT
from .harness import Info, Ratio, Result, mismatch, time_pair


def every_cell(data: bytes) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in table.rows] for table in Document(io.BytesIO(data)).tables]


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def bare_xml_cells(data: bytes) -> list[list[list[str]]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return [[["\n".join("".join(t.text or "" for t in p.iter(W + "t")) for p in tc.iter(W + "p"))
              for tc in tr.iter(W + "tc")] for tr in tbl.iter(W + "tr")] for tbl in root.iter(W + "tbl")]


def differences(plan, tables: list[list[list[str]]]) -> list[str]:
    """Where the plan and the floor's cell texts disagree (an empty list when they agree)."""
    read = {p.period: p.entries for p in plan.periods}
    out = [] if plan.periods and not plan.problems else [f"the plan has problems: {plan.problems[:3]}"]
    for t, rows in enumerate(tables, 1):
        if rows[0][:2] != ["#", "Objective"]:
            continue
        for r, cells in enumerate(rows[1:], 2):
            for name, text in zip(rows[0], cells):
                period, _, kind = name.partition(" ")
                if kind not in ("Score", "Comments and Action"):
                    continue
                entry = read.get(period, {}).get(cells[0])
                if entry is None:
                    got = ""
                else:
                    got = (entry.score.written or "") if kind == "Score" else comments_and_action(entry)
                if got != text:
                    out.append(f"table {t}, row {r}, {name}: read {got[:40]!r}, cell {text[:40]!r}")
    return out


def run() -> Iterator[Result]:
    framework = find_framework("nps-2018")
    record = five_periods(load_record(ROOT / "data" / "examples" / "medway.yaml", find_framework))
    periods = [p.period for p in record.sorted_periods()]
    data = appendix_docx(framework, record, periods).data
    tables = every_cell(data)
    problems = differences(read_appendix(data, framework, source="appendix.docx"), tables)
    if problems:
        mismatch("appendix import, 5 periods", problems)
    subject, floor = time_pair(lambda: read_appendix(data, framework, source="appendix.docx"),
                               lambda: every_cell(data), repeat=9, warmup=2)
    yield Ratio("appendix import, 5 periods", "python-docx reading every cell", subject, floor, aim=2.0,
                verified=not problems, details={"bytes": len(data), "tables": len(tables),
                                                "cells": sum(len(row) for rows in tables for row in rows)})
    subject, floor = time_pair(lambda: read_appendix(data, framework, source="appendix.docx"),
                               lambda: bare_xml_cells(data), repeat=9, warmup=2)
    yield Ratio("appendix import, 5 periods, strict", "lxml on document.xml, every cell", subject, floor, aim=None,
                verified=bare_xml_cells(data) == tables)
    yield Info("appendix import, 5 periods (median)", statistics.median(subject), "59 objectives, 5 periods")
