"""A respondent's blank questionnaire for a round (Word), to print or fill in, then import (issue 30).

The look of the blank questionnaire (`word_questionnaire`): landscape A4, per key area a heading
and its rubric table, then a table of what the round asks, with header rows repeated on every page
and rows tall enough to write in. It is made for one person: the organisation, period, round and
closing date, their address, department and perspectives, and how to answer (the levels by number
and name; half steps only where the framework allows them for the key areas asked; "don't know";
n/a). A round on objectives has a row per objective asked ("#", "Objective", "Your answer",
"Comment"); a round on key areas a row per key area asked ("Key area", "Your answer", "Comment").

Whose it is, `paper.marker` ("Round 7 · answers of a@b.gov.uk"), is in the document's
properties (subject and keywords) and the header of every page, so that `readers.word_answers`
refuses it for another round or person, and a page that comes loose still says whose it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from docx import Document
from docx.shared import Cm, Emu, Length

from ...domain.framework import Framework, KeyArea, Objective
from ...domain.record import long_date
from ...domain.round_report import item_title
from ...domain.rounds import DONT_KNOW, NOT_APPLICABLE, Profile, Round
from ..paper import marker
from .word_appendix import (
    USABLE,
    Layout,
    WordExport,
    footer,
    groups,
    header,
    rubric_table,
    save,
    set_text_style,
    set_title_and_language,
    start_landscape,
)
from .word_text import TextCleaner

ROW_HEIGHT = Cm(1.6)   # at least: room for a handwritten answer and a line or two of comment
ANSWER, COMMENT = "Your answer", "Comment"
HEADERS = ["#", "Objective", ANSWER, COMMENT]
_FIXED: list[Length] = [Cm(1.0), Cm(10.0), Cm(3.4)]
WIDTHS = _FIXED + [Emu(USABLE - sum(_FIXED))]
KEY_AREA_HEADERS = ["Key area", ANSWER, COMMENT]
_KEY_AREA_FIXED: list[Length] = [Cm(9.0), Cm(3.4)]
KEY_AREA_WIDTHS = _KEY_AREA_FIXED + [Emu(USABLE - sum(_KEY_AREA_FIXED))]


def round_questionnaire_docx(framework: Framework, found: Round, *, organisation: str, email: str,
                             profile: Profile, items: Sequence[str], today: date | None = None) -> WordExport:
    """The blank questionnaire of round `found` for the respondent invited as `email`, asking about
    `items` (objective ids, or key-area ids for a round on key areas) in the framework's order."""
    clean = TextCleaner()
    document = Document()
    set_text_style(document)
    by_area = found.kind == "key_area"
    title = f"Questionnaire: {organisation}, {found.period}, round {found.id}"
    set_title_and_language(document, title, author=organisation)
    mark = marker(found.id or 0, email)
    document.core_properties.subject = mark
    document.core_properties.keywords = mark
    start_landscape(document, new_section=False)
    layout = Layout(document)
    layout.heading(clean(title), 1)
    views = ", ".join(f"{p} (primary)" if p == profile.primary and len(profile.perspectives) > 1 else p
                      for p in profile.perspectives)
    layout.paragraph(clean(f"Organisation: {organisation}    Period: {found.period}    Round: {found.id}    "
                           f"Please return by: {long_date(found.closes)}"), bold=True)
    layout.paragraph(clean(f"Answers of: {email}    Department: {profile.department}    "
                           f"Perspective{'s' if len(profile.perspectives) > 1 else ''}: {views}"))
    for line in instructions(framework, found, items):
        layout.paragraph(clean(line))
    asked = set(items)
    for group in groups(framework):
        areas = [(ka, caption) for ka, caption in group.rubrics
                 if (ka.id in asked if by_area else any(o.id in asked for o in ka.objectives))]
        if not areas:
            continue
        layout.heading(clean(group.heading), 2)
        if group.description:
            layout.paragraph(clean(group.description), keep_next=True)
        for i, (ka, caption) in enumerate(areas):
            rubric_table(layout, framework, ka, caption, with_objectives=i == len(areas) - 1)
        if by_area:
            layout.table(KEY_AREA_WIDTHS, KEY_AREA_HEADERS,
                         [[clean(_key_area_text(framework, ka)), "", ""] for ka, _ in areas],
                         row_height=ROW_HEIGHT, whole_rows=True)
        else:
            rows = [o for o in group.objectives if o.id in asked]
            layout.table(WIDTHS, HEADERS, [[o.id, clean(_objective_text(framework, o)), "", ""] for o in rows],
                         row_height=ROW_HEIGHT, whole_rows=True)
        layout.paragraph("")
    layout.flush()
    header(document, mark)
    footer(document, f"{clean(framework.name)}. {clean(organisation)}, {found.period}, round {found.id}: answers by "
                     f"{long_date(found.closes)}. Generated {long_date(today or date.today())}.")
    return WordExport(save(document), clean.replaced, title)


def instructions(framework: Framework, found: Round, items: Sequence[str]) -> list[str]:
    """How to answer, in the framework's own levels, one paragraph each."""
    by_area = found.kind == "key_area"
    what = "key area" if by_area else "objective"
    names = [level.label for level in framework.levels]
    areas = list(dict.fromkeys(i if by_area else framework.key_area_of[i] for i in items
                               if i in (framework.key_areas if by_area else framework.key_area_of)))
    halves = [framework.key_areas[a].title for a in areas if framework.allows_half_steps(a)]
    levels = framework.levels
    example = f"{levels[1].value}/{levels[2].value}" if len(levels) > 2 else f"{levels[0].value}/{levels[1].value}"
    if halves and len(halves) == len(areas):
        between = f"If you think it is between two levels, write both, for example “{example}”. "
    elif halves:
        between = (f"In {_joined(halves)}, an answer between two levels may be written with both, for example "
                   f"“{example}”; elsewhere choose one level. ")
    else:
        between = "Choose one level: answers between two levels are not used here. "
    count = f"{len(items)} {what}{'' if len(items) == 1 else 's'}"
    first = (f"You are asked for your view of {count}. For each, read the scoring criteria in the table above it "
             f"and write under “{ANSWER}” the level you think the organisation has reached today: "
             f"{', '.join(names[:-1])} or {names[-1]} (the number is enough). {between}"
             f"Write “{DONT_KNOW}” if you cannot say, and “{NOT_APPLICABLE}” if the {what} does not apply. "
             f"Leave the row blank to give no answer. Under “{COMMENT}”, say why if you can: what you have seen, "
             "or what is missing.")
    if found.mode == "anonymous":
        privacy = ("This round is anonymous: whoever types in your answers sees them, but once they are entered "
                   "nothing in the tool keeps them with your name.")
    else:
        privacy = ("Only the people running the round see your answers with your name; what councillors read shows "
                   f"groups of at least {found.k} people, and comments only where they are published without names.")
    back = (f"Please return it by {long_date(found.closes)} to whoever sent it to you. The line at the top of each "
            "page says whose answers these are: please leave it, and the tables' columns, as they are.")
    return [first, f"{privacy} {back}"]


def _joined(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _objective_text(framework: Framework, objective: Objective) -> str:
    """The objective's title, then its description and any level descriptors of its own."""
    levels = framework.levels_by_value
    own = [f"For this objective, {levels[value].label} means: {text}"
           for value, text in sorted(objective.levels.items()) if value in levels]
    return "\n".join([objective.title, *([objective.description] if objective.description else []), *own])


def _key_area_text(framework: Framework, key_area: KeyArea) -> str:
    """The key area's title (its first line: what the reader knows it by), then its description."""
    return "\n".join([item_title(framework, key_area.id), *([key_area.description] if key_area.description else [])])
