"""The covering report's one written shape: the report-text YAML file (`import report-text`,
`export report-text`, `validate`), a period's `covering` in record files, each saved version in the
database and so in backups; and a council's report shape (`report_shape`). See
docs/record-format.md ("The covering report").

    meeting: {committee: Cabinet, date: 2025-02-06}
    author: Director of Corporate Resources
    contact: |
      Gordon McFarlane, Assistant Director, Tel: 0116 305 7123
    sections:
      - heading: PART A                      # neither text nor items: a heading
      - heading: Purpose of Report
        text: |
          The purpose of this report is ...  # paragraphs, numbered through the report

          A second paragraph.
      - heading: Recommendations
        text: "It is recommended that:"
        items:                               # lettered a), b), c)
          - the progress be noted;
      - heading: Officers to Contact
        kind: contact                        # where the contact points are printed
      - heading: Background Papers
        kind: plain                          # paragraphs not numbered

A section's `kind` is needed only where it cannot be told from what it holds: `items` make a list,
`text` numbered paragraphs, neither a heading; `plain` and `contact` are always written.
"""

from __future__ import annotations

import json
import datetime as dt
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..domain.covering import KINDS, CoveringReport, Meeting, ReportShape, Section, ShapeSection, covering_found
from ..domain.errors import InvalidFile
from .yaml_source import Source, parse_yaml, problems_from_validation, read_yaml

KEYS = ("meeting", "author", "contact", "sections")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=False)


class MeetingModel(_Strict):
    committee: str | None = None
    date: dt.date | None = None


class SectionModel(_Strict):
    heading: str
    kind: Literal[KINDS] | None = None  # type: ignore[valid-type]
    text: str | None = None
    items: list[str] | None = None


class CoveringModel(_Strict):
    meeting: MeetingModel | None = None
    author: str | None = None
    contact: str | None = None
    sections: list[SectionModel] = Field(default_factory=list)


class ShapeSectionModel(_Strict):
    heading: str
    kind: Literal[KINDS] = "text"  # type: ignore[valid-type]
    required: bool = False


class ShapeModel(_Strict):
    started_from: str | None = None
    sections: list[ShapeSectionModel] = Field(default_factory=list)


# ---------------------------------------------------------------- both ways

def _kind(model: SectionModel) -> str:
    """A section's kind: as written, or told from what it holds (items, text, neither: a heading)."""
    return model.kind or ("items" if model.items else "text" if model.text is not None else "heading")


def covering_from_model(model: CoveringModel) -> CoveringReport:
    meeting = model.meeting or MeetingModel()
    return CoveringReport(
        sections=tuple(Section(s.heading.strip(), _kind(s), (s.text or "").strip("\n").rstrip(),
                               tuple(i.strip() for i in (s.items or []))) for s in model.sections),
        meeting=Meeting(_stripped(meeting.committee), meeting.date),
        author=_stripped(model.author), contact=_stripped(model.contact, lines=True))


def _stripped(text: str | None, *, lines: bool = False) -> str | None:
    if text is None:
        return None
    text = text.strip() if lines else " ".join(text.split())
    return text or None


def covering_data(report: CoveringReport) -> dict[str, Any]:
    """The covering report in the file's shape (only what is set; `kind` only where it is needed)."""
    data: dict[str, Any] = {}
    if report.meeting.committee or report.meeting.on:
        data["meeting"] = {k: v for k, v in (("committee", report.meeting.committee),
                                             ("date", report.meeting.on.isoformat() if report.meeting.on else None))
                           if v is not None}
    if report.author:
        data["author"] = report.author
    if report.contact:
        data["contact"] = report.contact
    sections = []
    for s in report.sections:
        row: dict[str, Any] = {"heading": s.heading}
        if s.text or s.kind in ("text", "plain") and not s.items:
            row["text"] = s.text
        if s.items:
            row["items"] = list(s.items)
        if _kind(SectionModel(heading=s.heading, text=row.get("text"), items=row.get("items"))) != s.kind:
            row["kind"] = s.kind
        sections.append(row)
    data["sections"] = sections
    return data


def covering_json(report: CoveringReport) -> str:
    """What a saved version keeps in the database (and so in backups)."""
    return json.dumps(covering_data(report), ensure_ascii=False)


def covering_from_json(text: str | bytes) -> CoveringReport:
    """A saved version as the database keeps it (checked: raises pydantic's ValidationError)."""
    return covering_from_model(CoveringModel.model_validate_json(text))


def shape_data(shape: ReportShape) -> dict[str, Any]:
    return {"started_from": shape.started_from,
            "sections": [{"heading": s.heading, "kind": s.kind, "required": s.required} for s in shape.sections]}


def shape_from_model(model: ShapeModel) -> ReportShape:
    return ReportShape(tuple(ShapeSection(s.heading.strip(), s.kind, s.required) for s in model.sections),
                       model.started_from)


def shape_json(shape: ReportShape) -> str:
    return json.dumps(shape_data(shape), ensure_ascii=False)


def shape_from_json(text: str | bytes) -> ReportShape:
    return shape_from_model(ShapeModel.model_validate_json(text))


# ---------------------------------------------------------------- the report-text file

def read_covering(path: str | Path, display: str | None = None) -> CoveringReport:
    """Read a report-text YAML file: every problem (an unknown key, a wrong kind, a text too long)
    with its line, or the covering report it holds."""
    data, source = read_yaml(path, display)
    return covering_from_data(data, source)


def parse_covering(raw: bytes | str, name: str) -> CoveringReport:
    data, source = parse_yaml(raw, name)
    return covering_from_data(data, source)


def covering_from_data(data: Any, source: Source, prefix: tuple = ()) -> CoveringReport:
    if data is None:
        raise InvalidFile([source.problem(prefix, "the file is empty; a report text has sections, meeting, "
                                                  "author and contact")])
    if not isinstance(data, dict):
        raise InvalidFile([source.problem(prefix, "a report text must be a mapping with sections, meeting, author "
                                                  "and contact")])
    try:
        model = CoveringModel.model_validate(data)
    except ValidationError as exc:
        raise InvalidFile(problems_from_validation(exc, source, prefix, model=CoveringModel)) from None
    report = covering_from_model(model)
    problems = [source.problem((*prefix, *where), message) for where, message in covering_found(report)]
    if problems:
        raise InvalidFile(problems)
    return report


def looks_like_report_text(data: Any) -> bool:
    """A YAML document that is a report text (for `validate` to tell it from a record or framework)."""
    return isinstance(data, dict) and bool(data) and "sections" in data and not {"periods", "key_areas",
                                                                                  "organisation"} & set(data)


def write_covering(report: CoveringReport) -> str:
    """The report-text YAML file for `report` (block text kept as written, in the order of `KEYS`)."""
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    _Dumper.add_representer(str, _text)
    data = covering_data(report)
    return yaml.dump({k: data[k] for k in KEYS if k in data}, Dumper=_Dumper, allow_unicode=True,
                     sort_keys=False, width=100)
