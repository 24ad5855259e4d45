"""The covering report: the officer's words that open the members' report, in the shape of the
council's own committee reports.

A council's *report shape* names, orders and marks required the sections of its committee report
(`ShapeSection`); it starts from one of two shapes councils use (`SHAPES`): Leicestershire's
Cabinet report (seed 004: Part A, purpose, lettered recommendations, reasons, ... officers to
contact; Part B, background, consultation, implications; background papers) or Worcestershire's
scrutiny report (seed 000: summary, overview, implications, "Purpose of the Meeting", supporting
information, contact points, background papers). Each period holds its own `CoveringReport`: the
sections as written, the meeting it goes to, its author and contact points. `blocks` lays one out
with its paragraphs numbered through the whole report and its recommendations lettered; the page,
Word and PDF all print those blocks.

A section is of one kind (`KINDS`):
- text: paragraphs (split at blank lines), each numbered;
- items: a lettered list (a, b, c), after any paragraphs of text that lead into it;
- plain: paragraphs not numbered (background papers, supporting information);
- heading: a heading with nothing under it (PART A);
- contact: where the contact points are printed.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from . import limits

KINDS = ("text", "items", "plain", "heading", "contact")
KIND_WORDS = {"text": "numbered paragraphs", "items": "a lettered list", "plain": "paragraphs, not numbered",
              "heading": "a heading only", "contact": "the contact points"}
WRITTEN_KINDS = ("text", "items", "plain")   # kinds someone writes in (and so may be required)


@dataclass(frozen=True)
class ShapeSection:
    """One section of a council's committee report, as its report shape names it."""

    heading: str
    kind: str = "text"
    required: bool = False


@dataclass(frozen=True)
class ReportShape:
    """The sections of a council's committee report, in order; `started_from` names the shape it
    began as ("cabinet", "scrutiny"), for the page to say."""

    sections: tuple[ShapeSection, ...]
    started_from: str | None = None

    def required(self) -> list[str]:
        return [s.heading for s in self.sections if s.required]


def _shape(*sections: tuple[str, str, bool]) -> tuple[ShapeSection, ...]:
    return tuple(ShapeSection(heading, kind, required) for heading, kind, required in sections)


# The two shapes, with their headings as the councils print them, in their order: Leicestershire's
# Cabinet report on its Commissioning and Procurement Strategy (6 February 2015) and Worcestershire's
# scrutiny report on its Corporate Procurement Strategy (14 February 2022); required, the sections
# without which the paper would not stand (what it is for, what members are asked to do, why).
SHAPES: dict[str, tuple[str, ReportShape]] = {
    "cabinet": ("Cabinet report (as Leicestershire's)", ReportShape(_shape(
        ("PART A", "heading", False),
        ("Purpose of Report", "text", True),
        ("Recommendations", "items", True),
        ("Reasons for Recommendations", "text", True),
        ("Timetable for Decisions (including Scrutiny)", "text", False),
        ("Policy Framework and Previous Decisions", "text", False),
        ("Resource Implications", "text", False),
        ("Circulation under the Local Issues Alert Procedure", "text", False),
        ("Officers to Contact", "contact", False),
        ("PART B", "heading", False),
        ("Background", "text", True),
        ("Proposal", "text", False),
        ("Consultation", "text", False),
        ("Background Papers", "plain", False),
        ("Appendices", "plain", False),
        ("Relevant Impact Assessments", "heading", False),
        ("Equalities and Human Rights Implications", "text", False),
        ("Environmental", "text", False),
        ("Partnership Working and Associated Issues", "text", False),
    ), "cabinet")),
    "scrutiny": ("Scrutiny report (as Worcestershire's)", ReportShape(_shape(
        ("Summary", "text", True),
        ("Overview", "text", False),
        ("Legal, Financial, and HR Implications", "text", False),
        ("Equality and Diversity Implications", "text", False),
        ("Purpose of the Meeting", "items", True),
        ("Supporting Information", "plain", False),
        ("Contact Points", "contact", False),
        ("Background Papers", "plain", False),
    ), "scrutiny")),
}


@dataclass(frozen=True)
class Meeting:
    """The meeting a period's report goes to."""

    committee: str | None = None
    on: date | None = None

    def decision_date(self, period: str, today: date) -> date | None:
        """The meeting's date as the default date of the period's approval: where it could be the
        decision's (not in the future, nor before the period's first year began), else None."""
        first = min(date(int(period[:4]), 1, 1), today)
        return self.on if self.on is not None and first <= self.on <= today else None

    def line(self) -> str | None:
        """"CABINET: 6 FEBRUARY 2025", as a committee report's first line (None: no meeting yet)."""
        if not self.committee:
            return None
        return self.committee.upper() + (f": {self.on.day} {self.on:%B %Y}".upper() if self.on else "")


@dataclass(frozen=True)
class Section:
    heading: str
    kind: str = "text"
    text: str = ""
    items: tuple[str, ...] = ()

    @property
    def written(self) -> bool:
        """Something is written in it (a heading or contact section never needs to be)."""
        return bool(self.text.strip() or any(i.strip() for i in self.items))


@dataclass(frozen=True)
class CoveringReport:
    """A period's covering report as written (one saved version of it)."""

    sections: tuple[Section, ...] = ()
    meeting: Meeting = field(default_factory=Meeting)
    author: str | None = None
    contact: str | None = None
    version: int = 0
    by: str | None = None
    at: datetime | None = None

    @property
    def empty(self) -> bool:
        return (not any(s.written for s in self.sections) and not self.meeting.committee and not self.author
                and not self.contact)

    def section(self, heading: str) -> Section | None:
        wanted = _key(heading)
        return next((s for s in self.sections if _key(s.heading) == wanted), None)

    def same_words(self, other: "CoveringReport | None") -> bool:
        """It says what `other` says (the version and who saved it aside)."""
        return other is not None and replace(self, version=0, by=None, at=None) == replace(other, version=0, by=None,
                                                                                          at=None)


def _key(heading: str) -> str:
    return " ".join(heading.split()).casefold()


# ---------------------------------------------------------------- checks

def shape_problems(shape: ReportShape) -> list[str]:
    """What is wrong with a report shape, in words (empty: nothing)."""
    problems: list[str] = []
    if not shape.sections:
        problems.append("a report shape needs at least one section")
    if len(shape.sections) > limits.COVERING_SECTIONS:
        problems.append(f"a report shape has {len(shape.sections)} sections; up to {limits.COVERING_SECTIONS} "
                        "can be kept")
    seen: set[str] = set()
    for n, s in enumerate(shape.sections, 1):
        problems += _heading_problems(s.heading, f"section {n}")
        if s.kind not in KINDS:
            problems.append(f"section {n} ({s.heading}) is of kind '{s.kind}'; use one of {', '.join(KINDS)}")
        elif s.required and s.kind not in WRITTEN_KINDS:
            problems.append(f"section {n} ({s.heading}) is {KIND_WORDS[s.kind]}, so nothing is written in it and "
                            "it cannot be required")
        if s.heading.strip() and _key(s.heading) in seen:
            problems.append(f"section {n}: there is already a section headed '{s.heading.strip()}'")
        seen.add(_key(s.heading))
    return problems


def _heading_problems(heading: str, where: str) -> list[str]:
    if not heading.strip():
        return [f"{where} has no heading"]
    if "\n" in heading.strip():
        return [f"{where}'s heading is more than one line"]
    long = limits.too_long(f"{where}'s heading", heading.strip(), limits.COVERING_HEADING)
    return [long] if long else []


Found = tuple[tuple, str]   # where in the report (("sections", 2, "text"), ("meeting",) ...) and what is wrong


def covering_problems(report: CoveringReport) -> list[str]:
    """What is wrong with a covering report, in words: lengths, headings, what each kind may hold."""
    return [message for _where, message in covering_found(report)]


def covering_found(report: CoveringReport) -> list[Found]:
    """`covering_problems`, each with where it is (for a file's reader to give the line)."""
    found: list[Found] = []
    if len(report.sections) > limits.COVERING_SECTIONS:
        found.append((("sections",), f"the covering report has {len(report.sections)} sections; up to "
                                     f"{limits.COVERING_SECTIONS} can be kept"))
    seen: set[str] = set()
    for n, s in enumerate(report.sections, 1):
        at = ("sections", n - 1)
        where = f"section {n}" + (f" ({s.heading.strip()})" if s.heading.strip() else "")
        found += [((*at, "heading"), m) for m in _heading_problems(s.heading, f"section {n}")]
        if s.heading.strip() and _key(s.heading) in seen:
            found.append(((*at, "heading"), f"{where}: there is already a section headed '{s.heading.strip()}'"))
        seen.add(_key(s.heading))
        if s.kind not in KINDS:
            found.append(((*at, "kind"), f"{where} is of kind '{s.kind}'; use one of {', '.join(KINDS)}"))
            continue
        if s.kind in ("heading", "contact") and s.written:
            found.append((at, f"{where} is {KIND_WORDS[s.kind]}, so it holds no text or items of its own"
                              + ("; the contact points are written once, as the report's contact"
                                 if s.kind == "contact" else "")))
        elif s.items and s.kind != "items":
            found.append(((*at, "items"), f"{where} is {KIND_WORDS[s.kind]}, so it has no items; "
                                          "make it a section of items"))
        if (message := limits.too_long(f"{where}'s text", s.text, limits.COVERING_TEXT)):
            found.append(((*at, "text"), message))
        if len(s.items) > limits.COVERING_ITEMS:
            found.append(((*at, "items"), f"{where} has {len(s.items)} items; up to {limits.COVERING_ITEMS} "
                                          "can be kept"))
        for i, item in enumerate(s.items[:limits.COVERING_ITEMS]):
            if (message := limits.too_long(f"{where}'s item {_letter(i)})", item, limits.COVERING_ITEM)):
                found.append(((*at, "items", i), message))
            elif not item.strip():
                found.append(((*at, "items", i), f"{where}'s item {_letter(i)}) is empty"))
    for loc, what, text, limit in ((("meeting", "committee"), "the committee", report.meeting.committee,
                                    limits.DECISION),
                                   (("author",), "the author", report.author, limits.PERSON),
                                   (("contact",), "the contact points", report.contact, limits.COVERING_CONTACT)):
        if (message := limits.too_long(what, text, limit)):
            found.append((loc, message))
    if report.meeting.committee and "\n" in report.meeting.committee.strip():
        found.append((("meeting", "committee"), "the committee is more than one line"))
    if report.author and "\n" in report.author.strip():
        found.append((("author",), "the author is more than one line"))
    if report.meeting.on and not report.meeting.committee:
        found.append((("meeting",), "the meeting has a date but no committee; say which committee it goes to"))
    return found


def missing_required(report: CoveringReport | None, shape: ReportShape | None) -> list[str]:
    """The headings of the shape's required sections that the report leaves unwritten."""
    if shape is None:
        return []
    return [h for h in shape.required()
            if report is None or (section := report.section(h)) is None or not section.written]


# ---------------------------------------------------------------- a draft to start from

def starting_draft(shape: ReportShape | None, previous: CoveringReport | None) -> CoveringReport | None:
    """A new period's covering report to start from: the shape's sections, holding the words of the
    period before where it had a section of that heading (so the council edits last year's report,
    not a blank page); its committee, author and contact; no meeting date (that was last year's).
    None when there is neither a shape nor an earlier report."""
    if shape is None and (previous is None or previous.empty):
        return None
    if shape is None:
        sections = tuple(previous.sections) if previous else ()
    else:
        sections = tuple(_from_previous(s, previous) for s in shape.sections)
    meeting = Meeting(previous.meeting.committee) if previous else Meeting()
    return CoveringReport(sections, meeting, previous.author if previous else None,
                          previous.contact if previous else None)


def _from_previous(wanted: ShapeSection, previous: CoveringReport | None) -> Section:
    old = previous.section(wanted.heading) if previous else None
    if old is None or old.kind != wanted.kind:
        return Section(wanted.heading, wanted.kind)
    return Section(wanted.heading, wanted.kind, old.text, old.items)


def unchanged_from(report: CoveringReport | None, previous: CoveringReport | None) -> bool:
    """The report still says, in every section with words, what `previous` said (a period started
    from last year's words, nobody has changed them yet)."""
    if report is None or previous is None:
        return False
    written = [s for s in report.sections if s.written]
    return bool(written) and all((old := previous.section(s.heading)) is not None
                                 and (old.text, old.items) == (s.text, s.items) for s in written)


def fitted(report: CoveringReport | None, shape: ReportShape | None) -> CoveringReport:
    """`report`'s words laid out in the shape's sections (the page's form, an import): each of the
    shape's sections in its order with the words of the report's section of that heading, then the
    report's sections with words that the shape does not name, as they were (nothing written is
    dropped; an empty section or heading the shape no longer has is)."""
    report = report or CoveringReport()
    if shape is None:
        return report
    named = {_key(s.heading) for s in shape.sections}
    sections = [_from_previous(s, report) if (old := report.section(s.heading)) is None or old.kind == s.kind
                else old for s in shape.sections]
    sections += [s for s in report.sections if _key(s.heading) not in named and s.written]
    return replace(report, sections=tuple(sections))


def renamed(report: CoveringReport, names: dict[str, str]) -> CoveringReport:
    """`report` with its sections renamed (old heading -> new), words kept: a council renaming a
    section of its shape does not lose what a draft says under it."""
    wanted = {_key(old): new for old, new in names.items()}
    return replace(report, sections=tuple(replace(s, heading=wanted.get(_key(s.heading), s.heading))
                                          for s in report.sections))


def outside(report: CoveringReport | None, shape: ReportShape | None) -> list[str]:
    """The headings of the report's written sections that the shape does not name (after a change of
    shape): printed at the end, where the page says so."""
    if report is None or shape is None:
        return []
    named = {_key(s.heading) for s in shape.sections}
    return [s.heading for s in report.sections if s.written and _key(s.heading) not in named]


# ---------------------------------------------------------------- laid out

@dataclass(frozen=True)
class Block:
    """One thing printed: a heading, a paragraph (`mark` its number, "" for none), an item
    (`mark` its letter) or the contact points."""

    kind: str      # "heading" | "paragraph" | "item" | "contact"
    text: str
    mark: str = ""
    part: bool = False   # a heading of the report's parts (PART A), over its sections' headings


def paragraphs(text: str, *, keep_lines: bool = False) -> list[str]:
    """The paragraphs of a section's text: split at blank lines, each trimmed; the lines of one
    paragraph joined with spaces (text wrapped in a file or a text box is one paragraph), or, with
    `keep_lines` (a list of background papers, an address), kept as lines."""
    found = [p.strip() for p in re.split(r"\n[ \t]*\n", text.replace("\r\n", "\n")) if p.strip()]
    if keep_lines:
        return ["\n".join(line.strip() for line in p.split("\n")) for p in found]
    return [" ".join(p.split()) for p in found]


def _letter(n: int) -> str:
    letters = string.ascii_lowercase
    return letters[n] if n < 26 else letters[n // 26 - 1] + letters[n % 26]


def blocks(report: CoveringReport) -> list[Block]:
    """The covering report laid out: each section's heading, its paragraphs numbered through the
    whole report ("1", "2", ...), its items lettered ("a", "b", ...); the contact points where a
    contact section stands, or at the end under "Contact" when none does. A section with nothing in
    it is left out, and so is a heading (PART B) with nothing written under it."""
    out: list[Block] = []
    number = 0
    contact_shown = False
    part: str | None = None          # a heading not yet printed: printed before what follows it

    def heading(text: str) -> None:
        nonlocal part
        if part is not None:
            out.append(Block("heading", part, part=True))
            part = None
        out.append(Block("heading", text))

    for s in report.sections:
        if s.kind == "heading":
            part = s.heading.strip()
            continue
        if s.kind == "contact":
            if report.contact and report.contact.strip():
                heading(s.heading.strip())
                out.append(Block("contact", report.contact.strip()))
                contact_shown = True
            continue
        if not s.written:
            continue
        heading(s.heading.strip())
        for paragraph in paragraphs(s.text, keep_lines=s.kind == "plain"):
            if s.kind == "plain":
                out.append(Block("paragraph", paragraph))
            else:
                number += 1
                out.append(Block("paragraph", paragraph, str(number)))
        out += [Block("item", " ".join(item.split()), _letter(i))
                for i, item in enumerate(i for i in s.items if i.strip())]
    if not contact_shown and report.contact and report.contact.strip():
        part = None
        heading("Contact")
        out.append(Block("contact", report.contact.strip()))
    return out


def report_title(period: str) -> str:
    """The members' report's title, as its covering report heads it (printed in capitals)."""
    return f"Procurement maturity: progress report {period}"


def author_line(author: str | None) -> str | None:
    """"REPORT OF THE DIRECTOR OF CORPORATE RESOURCES", as the Cabinet report prints its author."""
    if not author or not author.strip():
        return None
    author = " ".join(author.split())
    return (author if author.lower().startswith("report of") else f"Report of the {author}").upper()


def changed_headings(before: CoveringReport | None, after: CoveringReport) -> list[str]:
    """The headings of the sections whose words differ between two versions, and "meeting",
    "author", "contact" where those do: what a history line says changed."""
    before = before or CoveringReport()
    changed = [s.heading for s in after.sections
               if ((old := before.section(s.heading)) is None and s.written)
               or (old is not None and (old.text, old.items, old.kind) != (s.text, s.items, s.kind))]
    changed += [s.heading for s in before.sections if after.section(s.heading) is None and s.written]
    for what, a, b in (("meeting", before.meeting, after.meeting), ("author", before.author, after.author),
                       ("contact", before.contact, after.contact)):
        if a != b:
            changed.append(what)
    return changed
