"""The layouts of the files we write and read back: column names and the action line.

Writers (`exports`) and readers (`readers`) both take them from here, so what the tool writes it
can always read: the spreadsheet template's columns, the Excel workbook's period and Actions
sheets, the appendix's period columns, and an action written into a comment cell as
`Action: <text> (<owner>, <21 March 2027>, <status>)`.
"""

from __future__ import annotations

import re
from datetime import datetime

from ..domain.record import ACTION_STATUSES, PERIOD_HINT, Action, Entry, long_date  # noqa: F401 - PERIOD_HINT for readers

# The spreadsheet template: one row per objective per period.
TEMPLATE_COLUMNS = ("Period", "Objective number", "Objective", "Key area", "Score", "Target", "Comment")
TEMPLATE_REQUIRED = ("Period", "Objective number", "Score", "Comment")

# The workbook's sheet per period, and its Actions sheet (name, width in characters).
PERIOD_SHEET_COLUMNS = (("#", 5), ("Objective", 30), ("Key area", 26), ("Score", 7), ("Score label", 14),
                        ("Target", 7), ("Target label", 14), ("Target by", 9), ("Comment", 70),
                        ("Previous comment", 50), ("Evidence", 30), ("Carried forward?", 10))
PERIOD_SHEET_REQUIRED = ("#", "Objective", "Key area", "Score", "Score label", "Comment")
ACTIONS_SHEET_COLUMNS = (("Period", 9), ("#", 5), ("Objective / key area", 32), ("Key area", 26), ("Action", 70),
                         ("Owner", 20), ("Due", 17), ("Status", 14), ("RAG", 8), ("Overdue?", 9),
                         ("Latest progress", 50))
ACTIONS_SHEET_REQUIRED = ("Period", "#", "Objective / key area", "Key area", "Action", "Status")
KEY_AREA_ROW = "(key area as a whole)"   # the Objective cell of a key area scored as a whole


# The objectives appendix: "<period> Score" and "<period> Comments and Action" for each period.
def appendix_columns(period: str) -> list[str]:
    return [f"{period} Score", f"{period} Comments and Action"]


# ---------------------------------------------------------------- a score cell

CARRIED = "(carried)"   # after a score carried forward from the period before and not yet confirmed


def score_cell(entry: Entry | None) -> str:
    """A score as the appendix prints it: '3', '2/3', 'n/a', and '3 (carried)' while it is carried."""
    if entry is None or entry.score.written is None:
        return ""
    return f"{entry.score.written} {CARRIED}" if entry.carried else entry.score.written


def read_score_cell(text: str) -> tuple[str, bool]:
    """`score_cell` read back: the score as written, and whether it was marked carried."""
    stripped = text.strip()
    if stripped.lower().endswith(CARRIED):
        return stripped[: -len(CARRIED)].strip(), True
    return text, False


# ---------------------------------------------------------------- actions in a comment cell

_DATE = re.compile(r"\d{1,2} \w+ \d{4}")   # as record.long_date writes it: 21 March 2027


def action_line(action: Action) -> str:
    """`Action: text (owner, 21 March 2027, status)`, leaving out what the action lacks."""
    details = ", ".join(x for x in (action.owner, long_date(action.due) if action.due else None, action.status) if x)
    return f"Action: {action.text} ({details})"


CONFIRMED_UNCHANGED = "Confirmed unchanged from {period}"
_CONFIRMED_UNCHANGED = re.compile(r"Confirmed unchanged from \S+")


def comments_and_action(entry: Entry, *, unchanged_from: str | None = None) -> str:
    """A comment cell: the comment as written (or, for a score confirmed unchanged with nothing
    written, "Confirmed unchanged from 2023"), then a line for each action not already quoted in it."""
    parts = [entry.comment] if entry.comment else \
        [CONFIRMED_UNCHANGED.format(period=unchanged_from)] if unchanged_from else []
    parts += [action_line(a) for a in entry.actions if not (entry.comment and a.text in entry.comment)]
    return "\n".join(parts)


def split_actions(text: str) -> tuple[str | None, list[Action]]:
    """A comment cell read back: the comment, and the actions on the lines after it."""
    lines = text.strip().split("\n")
    actions: list[Action] = []
    while lines and (action := parse_action_line(lines[-1])) is not None:
        actions.insert(0, action)
        lines.pop()
    comment = "\n".join(lines).strip() or None
    if comment and _CONFIRMED_UNCHANGED.fullmatch(comment):   # what we write for no comment
        comment = None
    return comment, actions


_SENTENCE_ACTION = re.compile(r"\bAction\s*:\s*(.+?)(?=\s*\bAction\s*:|$)", re.S)


def actions_in_sentences(comment: str | None) -> list[Action]:
    """Actions that a comment states in its own words, as Medway's appendix does ("... Action: To
    address any further request."): the text after each "Action:" to the end of its paragraph.
    The comment itself is left as it is; these are offered to be tracked."""
    found = []
    for paragraph in (comment or "").split("\n"):
        if parse_action_line(paragraph) is not None:
            continue
        found += [Action(" ".join(m.group(1).split())) for m in _SENTENCE_ACTION.finditer(paragraph)
                  if m.group(1).strip()]
    return found


def parse_action_line(line: str) -> Action | None:
    """`action_line` read back, or None when the line is not one."""
    if not (line.startswith("Action: ") and line.endswith(")")):
        return None
    body = line[len("Action: "):-1]
    at = len(body)
    while (at := body.rfind(" (", 0, at)) > 0:  # the last " (" after which the brackets balance
        details = body[at + 2:]
        if details.count("(") == details.count(")"):
            break
    if at <= 0 or not body[:at].strip():
        return None
    parts = details.split(", ")
    if parts[-1] not in ACTION_STATUSES:
        return None
    status, due = parts.pop(), None
    try:
        due = datetime.strptime(parts[-1], "%d %B %Y").date() if parts and _DATE.fullmatch(parts[-1]) else None
    except ValueError:  # not a date after all (e.g. 31 February): part of the owner
        pass
    return Action(body[:at], owner=", ".join(parts[:-1] if due else parts) or None, due=due, status=status)
