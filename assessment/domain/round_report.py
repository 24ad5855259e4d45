"""A period's applied respondent round as its members' report shows it (issue 30): plain data, and
the words and tables the report page and the Word report share.

`RoundReport` (made by `workflows.queries.round_report`) holds, for each objective the round asked
about, the level the moderator agreed beside the respondents' spread (or why the spread is
withheld), the rationale, meeting and published comments; the objectives where views differ most;
and participation. Here it becomes what people read:

- **Views gathered**: a sentence on who took part (every percentage with its numbers, "80% (12 of
  15)"), a table per objective (agreed level, the respondents' median and range with n in
  `rounds.spread_words`' words, whether views were two or more levels apart, the comments the
  moderator published), the objectives where views differ most, and participation by department
  and by perspective, with groups too small to show withheld and the reason said.
- **Moderation log** (an appendix): each agreed score with the figures it was agreed against, the
  rationale, the meeting and who agreed it (the moderator, an officer, named as the period's
  history names people). Respondents are never named: comments are published without names, and
  groups are only counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .framework import Framework
from .numbers import counted
from .record import long_date
from .rounds import FLAG_WORDS, Participation, Round, Share, Spread, Withheld, item_word, percent, spread_words
from .scores import level_label, written_value

VIEWS_HEADING = "Views gathered"
DIFFER_HEADING = "Where views differ most"
LOG_HEADING = "Moderation log"
NOT_APPLICABLE = "n/a"


@dataclass(frozen=True)
class AgreedScore:
    """One objective of an applied round as the report shows it: the agreed level beside the
    respondents' spread (or why it is withheld), the rationale and meeting, and the comments the
    moderator published (without names)."""

    item: str
    agreed: float | None                 # None: n/a
    spread: Spread | Withheld
    rationale: str | None
    meeting: str | None
    moderated_by: str | None
    published: tuple[str, ...]
    moderated_at: datetime | None = None


@dataclass(frozen=True)
class RoundReport:
    """The latest applied round of a period, for the members' report: each objective's agreed level
    and spread, where views differ most, participation and the moderation log."""

    round: Round
    answered: int
    invited: int
    agreed: list[AgreedScore]
    differ_most: list[str]               # objective ids
    participation: Participation
    answers_removed: bool = False        # past their time (`retention run`): the agreed scores stand


def item_title(framework: Framework, item: str) -> str:
    """An objective as the report names it ("1. Procurement and Commercial Champions"), a key area
    by its title, anything else by its id."""
    objective = framework.objectives.get(item)
    if objective is not None:
        return f"{objective.id}. {objective.title}"
    area = framework.key_areas.get(item)
    return area.title if area is not None else item


def agreed_words(value: float | None, framework: Framework) -> str:
    """The agreed level: '3 – Mature', a half step '2/3', or 'n/a'."""
    return NOT_APPLICABLE if value is None else level_label(value, framework)


def respondents_words(figures: Spread | Withheld, framework: Framework) -> str:
    """The respondents' median and range with n ('median 3 – Mature, range 2 to 4, 7 answering'), or
    'Withheld: ' and why."""
    if isinstance(figures, Withheld):
        return withheld_words(figures)
    return spread_words(figures, framework)


def withheld_words(withheld: Withheld) -> str:
    """'Withheld: fewer than 5 people took part', or 'Withheld too, so that ...' (said once)."""
    reason = withheld.reason
    if reason.startswith("withheld "):
        return reason[0].upper() + reason[1:]
    return f"Withheld: {reason}"


def differs(figures: Spread | Withheld) -> bool:
    """Whether the respondents' views were two or more levels apart (never for withheld figures)."""
    return isinstance(figures, Spread) and figures.flagged


def in_order(report: RoundReport, framework: Framework) -> list[AgreedScore]:
    """The agreed scores in the framework's order (objectives, or key areas), anything else after."""
    order = {item: n for n, item in enumerate([*framework.objectives, *framework.key_areas])}
    return sorted(report.agreed, key=lambda a: (order.get(a.item, len(order)), a.item))


def participation_sentence(report: RoundReport) -> str:
    """Who took part, in one paragraph: '12 of the 15 people invited answered: 80% (12 of 15). ...'"""
    r = report.round
    if report.answers_removed:
        took_part = ("The respondents' answers have been removed, as the council keeps them only for a set time "
                     "after the scores are agreed; the agreed scores and the moderation log stand.")
    elif report.invited:
        took_part = (f"{report.answered:,} of the {counted(report.invited, 'person', 'people')} invited answered: "
                     f"{percent(report.answered, report.invited)}.")
    else:
        took_part = f"{counted(report.answered, 'person', 'people')} answered."
    mode = ("It was anonymous: no answer is kept with who gave it." if r.mode == "anonymous"
            else "It was confidential: the moderator knew who gave each answer; this report names nobody.")
    asked = counted(len(report.agreed), item_word(r.kind))
    opened = f", opened on {long_date(r.created_at.date())}" if r.created_at else ""
    applied = f" on {long_date(r.changed_at.date())}" if r.changed_at else ""
    return (f"{took_part} They were asked for their view of {asked} in {r.period} (round {r.id}{opened}). {mode} "
            f"A moderator then agreed one level for each {item_word(r.kind)} and wrote it into {r.period}{applied}. "
            f"Groups of fewer than {counted(r.k, 'person', 'people')} are not shown, so that nobody can be "
            "singled out.")


@dataclass(frozen=True)
class Band:
    """The respondents' range on one key area, for the radar: lowest and highest level given, n."""

    lowest: float
    highest: float
    n: int

    def __str__(self) -> str:
        spread = (f"{written_value(self.lowest)} to {written_value(self.highest)}" if self.lowest != self.highest
                  else f"all {written_value(self.lowest)}" if self.n > 1 else written_value(self.lowest))
        return f"{spread} (n = {self.n})"


BAND_COLUMN = "Respondents (lowest to highest)"


def radar_band(report: RoundReport | None, framework: Framework) -> dict[str, Band]:
    """The respondents' range on each key area a round on key areas asked about, by the key area's
    title (as the radar names it): drawn as a band on the radar. Nothing for a round on objectives
    (the radar's points are key areas, each the mean of its objectives: a range of objectives'
    answers is not a range of that number; `formats.range_chart` draws those), nor where figures
    are withheld or nobody gave a level."""
    if report is None or report.round.kind != "key_area":
        return {}
    bands = {}
    for a in report.agreed:
        s = a.spread
        if a.item in framework.key_areas and isinstance(s, Spread) and s.lowest is not None and s.highest is not None:
            bands[framework.key_areas[a.item].title] = Band(s.lowest, s.highest, s.n)
    return bands


def _column(report: RoundReport) -> str:
    """The first column's heading: what the round asked about ("Objective" or "Key area")."""
    return item_word(report.round.kind).capitalize()


def views_table(report: RoundReport, framework: Framework) -> list[dict[str, str]]:
    """One row per objective: the agreed level, the respondents' median and range with n, whether
    views were two or more levels apart, and the comments published (without names)."""
    return [{_column(report): item_title(framework, a.item),
             "Agreed level": agreed_words(a.agreed, framework),
             "Respondents": respondents_words(a.spread, framework),
             "Views differ": f"Yes: {FLAG_WORDS}" if differs(a.spread) else "",
             "Comments published": "\n".join(f"“{c}”" for c in a.published)}
            for a in in_order(report, framework)]


def differ_most_lines(report: RoundReport, framework: Framework) -> list[str]:
    """The objectives where views differ most, widest range first, each with its figures and what
    was agreed: '1. Procurement and Commercial Champions: range 2 to 4 (median 3 – Mature, 7
    answering); agreed 3 – Mature'."""
    agreed = {a.item: a for a in report.agreed}
    lines = []
    for item in report.differ_most:
        found = agreed.get(item)
        figures = found.spread if found else None
        if not isinstance(figures, Spread) or found is None:
            continue
        lines.append(f"{item_title(framework, item)}: {spread_words(figures, framework)}; agreed "
                     f"{agreed_words(found.agreed, framework)}")
    return lines


def differ_most_note(report: RoundReport) -> str:
    """Why the list is empty, when it is."""
    if report.differ_most:
        return ""
    return f"On every {item_word(report.round.kind)}, everyone answering with a level gave the same one."


@dataclass(frozen=True)
class GroupTable:
    """Participation by one grouping: its heading, what the numbers count, and its rows."""

    heading: str
    note: str
    rows: list[dict[str, str]]


def participation_tables(report: RoundReport) -> list[GroupTable]:
    """Participation by department, by primary perspective and by any perspective held, each a table
    of groups ('40% (4 of 10)', or 'Withheld: ' and why). The last only where someone holds more
    than one perspective (else it is the one before it again)."""
    p = report.participation
    tables = [GroupTable("By department", _of_what(p.by_department, "department"),
                         _group_rows(p.by_department, "Department")),
              GroupTable("By perspective", f"{_of_what(p.by_perspective, 'primary perspective')} Each person is "
                         f"{p.primary_note.removeprefix('each person ')}.",
                         _group_rows(p.by_perspective, "Primary perspective"))]
    if p.by_any_perspective != p.by_perspective:
        tables.append(GroupTable("By any perspective held", f"{_of_what(p.by_any_perspective, 'perspective')} "
                                 f"Each person is {p.any_note.removeprefix('each person ')}.",
                                 _group_rows(p.by_any_perspective, "Perspective")))
    return [t for t in tables if t.rows]


def _of_what(groups: dict[str, Share | Withheld], grouping: str) -> str:
    shares = [g for g in groups.values() if isinstance(g, Share)]
    if shares and shares[0].base == "invited":
        return f"Each percentage is of the people invited in that {grouping}."
    return "Each percentage is of everyone who took part."


def _group_rows(groups: dict[str, Share | Withheld], column: str) -> list[dict[str, str]]:
    return [{column: name, "Took part": str(g) if isinstance(g, Share) else withheld_words(g)}
            for name, g in groups.items()]


def moderation_log(report: RoundReport, framework: Framework) -> list[dict[str, str]]:
    """The moderation log: each objective's agreed level, the respondents' figures it was agreed
    against, the rationale, the meeting, and who agreed it and when (respondents are not named)."""
    return [{_column(report): item_title(framework, a.item),
             "Agreed": agreed_words(a.agreed, framework),
             "Respondents": respondents_words(a.spread, framework),
             "Rationale": a.rationale or "",
             "Meeting": a.meeting or "",
             "Agreed by": ", ".join(x for x in (a.moderated_by or "not recorded",
                                                long_date(a.moderated_at.date()) if a.moderated_at else "") if x)}
            for a in in_order(report, framework)]


def log_sentence(report: RoundReport) -> str:
    """What the moderation log is, above it."""
    r = report.round
    return (f"How each score of round {r.id} on {r.period} was agreed: the level the moderator agreed, the "
            "respondents' figures it was agreed against (median, range and how many answered), the reason given "
            "and the meeting where it was agreed. A reason is required where the agreed level is a level or more "
            "from the median, or views were two or more levels apart. Respondents are not named.")
