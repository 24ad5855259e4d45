"""A blank self-assessment questionnaire (Word) to print and fill in by hand.

The appendix's layout (landscape A4, per key area a heading, the rubric table and an objectives
table whose header row repeats on every page), with empty Score, Target and "Comments and
actions" columns whose rows are tall enough to write in. Where an objective has its own
descriptor for a level, it is printed under the objective's description. Works for any framework:
the levels, their names and whether half steps are allowed come from the framework.
"""

from __future__ import annotations

from datetime import date

from docx import Document
from docx.shared import Cm, Emu, Length

from ...domain.framework import Framework, KeyArea, Objective
from ...domain.record import long_date
from .word_appendix import (
    USABLE,
    Layout,
    WordExport,
    footer,
    save,
    set_text_style,
    set_title_and_language,
    start_landscape,
    write_framework_tables,
)
from .word_text import TextCleaner

ROW_HEIGHT = Cm(1.6)  # at least: room for a handwritten score and a line or two of comment
HEADERS = ["#", "Objective", "Description", "Score", "Target", "Comments and actions"]
_FIXED: list[Length] = [Cm(1.0), Cm(3.6), Cm(6.0), Cm(1.6), Cm(1.6)]
WIDTHS = _FIXED + [Emu(USABLE - sum(_FIXED))]
# For a record kept one level per key area: a row per key area, no objective numbers.
KEY_AREA_HEADERS = ["Key area", "Description", "Score", "Target", "Comments and actions"]
_KEY_AREA_FIXED: list[Length] = [Cm(4.2), Cm(6.4), Cm(1.6), Cm(1.6)]
KEY_AREA_WIDTHS = _KEY_AREA_FIXED + [Emu(USABLE - sum(_KEY_AREA_FIXED))]
BLANK = "________________"


def blank_docx(framework: Framework, *, periods_label: str | None = None, organisation_name: str | None = None,
               today: date | None = None, per_key_area: bool = False) -> WordExport:
    """The questionnaire for `framework`; the organisation and period are printed if given,
    else left as lines to fill in. With `per_key_area`, one level is asked for each key area."""
    clean = TextCleaner()
    document = Document()
    set_text_style(document)
    title = f"Self-assessment questionnaire: {framework.title}"
    set_title_and_language(document, title, author=organisation_name or "")
    start_landscape(document, new_section=False)
    layout = Layout(document)
    layout.heading(clean(title), 1)
    layout.paragraph(f"Organisation: {clean(organisation_name) or BLANK}    "
                     f"Period: {clean(periods_label) or BLANK}    Completed by: {BLANK}    Date: {BLANK}")
    layout.paragraph(instructions(framework, per_key_area=per_key_area))
    if per_key_area and any(ka.description for ka in framework.key_areas.values()):
        write_framework_tables(layout, framework, clean, KEY_AREA_HEADERS, KEY_AREA_WIDTHS, _key_area_cells,
                               row_height=ROW_HEIGHT, whole_rows=True, per_key_area=True)
    elif per_key_area:   # no key area has a description (NPS 2018): no empty column for one
        headers = [h for h in KEY_AREA_HEADERS if h != "Description"]
        fixed = [KEY_AREA_WIDTHS[0], *KEY_AREA_WIDTHS[2:4]]
        widths = [*fixed, Emu(USABLE - sum(fixed))]
        write_framework_tables(layout, framework, clean, headers, widths,
                               lambda ka: [ka.title, "", "", ""], row_height=ROW_HEIGHT, whole_rows=True,
                               per_key_area=True)
    else:
        write_framework_tables(layout, framework, clean, HEADERS, WIDTHS, _cells(framework), row_height=ROW_HEIGHT,
                               whole_rows=True)
    layout.flush()
    footer(document, f"{framework.name}. Generated {long_date(today or date.today())}.")
    return WordExport(save(document), clean.replaced, title)


def instructions(framework: Framework, *, per_key_area: bool = False) -> str:
    """How to score, in the framework's own levels."""
    levels = framework.levels
    names = [lv.label for lv in levels]
    if per_key_area:
        return (f"For each key area, read its scoring criteria and write in the Score column the level the "
                f"organisation has reached today: {', '.join(names[:-1])} or {names[-1]}; \"n/a\" where it does "
                "not apply. In the Target column write the level you aim to reach (and by when), and under "
                "Comments and actions the evidence for the score and what will be done next, by whom and by when.")
    text = (f"For each objective, read the scoring criteria for its key area and write in the Score column "
            f"the level the organisation has reached today: {', '.join(names[:-1])} or {names[-1]}. ")
    key_areas = list(framework.key_areas.values())
    with_half_steps = [ka.title for ka in key_areas if framework.allows_half_steps(ka.id)]
    example = f'"{levels[1].value}/{levels[2].value}"' if len(levels) > 2 else f'"{levels[0].value}/{levels[1].value}"'
    if len(with_half_steps) == len(key_areas):
        text += f"If an objective is between two levels, write both, for example {example}. "
    elif with_half_steps:
        text += (f"In {', '.join(with_half_steps)}, an objective between two levels may be written with "
                 f"both, for example {example}; elsewhere choose one level. ")
    text += ('Write "n/a" where an objective does not apply. In the Target column write the level you aim '
             "to reach, and under Comments and actions the evidence for the score and what will be done "
             "next, by whom and by when. Where an objective has its own description of a level, it is "
             "shown under the objective's description and applies instead of the key area's criteria.")
    return text


def _cells(framework: Framework):
    levels = framework.levels_by_value

    def cells(objective: Objective) -> list[str]:
        own = [f"For this objective, {levels[value].label} means: {text}"
               for value, text in sorted(objective.levels.items())]
        description = "\n".join([objective.description] + own if objective.description else own)
        return [objective.id, objective.title, description, "", "", ""]

    return cells


def _key_area_cells(key_area: Objective | KeyArea) -> list[str]:
    return [key_area.title, key_area.description or "", "", "", ""]
