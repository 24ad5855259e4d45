"""The members' Word report beside other councils (issue 31), where a release has figures for the
period: the group chosen (`comparison`), the widths of Figure 1's numbers with its column, and the
"Peers" section after the movement table. The words and tables are `domain.peer_report`'s, as the
page's are; no council is named, and no level is shown but the council's own.
"""

from __future__ import annotations

from typing import Any

from docx.shared import Cm

from ...domain.framework import Framework
from ...domain.peer_report import (
    PEERS_HEADING,
    PeerComparison,
    ReleaseLike,
    chosen_group,
    peer_comparison,
    peers_table,
)
from .word_report import PORTRAIT_USABLE, _note, _table
from .word_text import TextCleaner


def comparison(view: ReleaseLike | None, group: str | None, framework: Framework) -> PeerComparison | None:
    """The group `group` names ("type", "region" or a club; None: the type) in `view`, where it has
    figures; else None (nothing of peers is written)."""
    chosen = chosen_group(view, group) if view is not None else None
    if view is None or chosen is None or not chosen.figures:
        return None
    return peer_comparison(view, chosen, framework)


def numbers_widths(headers: list[str], peers: PeerComparison) -> list:
    """Figure 1's numbers with the group's column: the key area, narrow number columns, and the
    rest for the group's words ("no comparator: fewer than 5 councils contribute")."""
    narrow = [h for h in headers if h not in ("Key area", peers.column)]
    first, number = Cm(5.0), Cm(1.7)
    rest = PORTRAIT_USABLE - first - number * len(narrow)
    return [first if h == "Key area" else rest if h == peers.column else number for h in headers]


SERIES_BESIDE = 2     # outside series beside the group's figures; more go in tables of their own
SERIES_A_TABLE = 4    # outside series in one table of their own


def write_peers(document: Any, peers: PeerComparison, rows: list[dict[str, Any]], clean: TextCleaner) -> None:
    """The "Peers" section: what the figures are, then per key area the council's level beside the
    group's median, quartiles and n, and the published outside series with their sources and years:
    beside them where there are one or two, else in tables of their own (four series a table), so
    that no column is too narrow for its words. No row is split across pages."""
    document.add_heading(PEERS_HEADING, level=1)
    document.add_paragraph(clean(peers.about()))
    shown = peers_table(rows, peers)
    headings = [s.heading for s in peers.series]
    beside = headings if len(headings) <= SERIES_BESIDE else []
    main = [{k: v for k, v in row.items() if k not in headings or k in beside} for row in shown]
    headers = list(main[0])
    fixed = {"n": Cm(1.0), "Median": Cm(2.6), "Quartiles": Cm(2.2)}
    fixed |= {h: Cm(1.8) for h in headers[1:2]}                        # the council's own level
    fixed |= {h: Cm(2.3) for h in beside}
    first = PORTRAIT_USABLE - sum((fixed[h] for h in headers if h in fixed), Cm(0))
    _table(document, main, clean, widths=[first if h == "Key area" else fixed[h] for h in headers], rows_whole=True)
    rest = [h for h in headings if h not in beside]
    for start in range(0, len(rest), SERIES_A_TABLE):
        part = rest[start:start + SERIES_A_TABLE]
        each = min(Cm(3.0), (PORTRAIT_USABLE - Cm(5.0)) // len(part))
        _table(document, [{"Key area": row["Key area"], **{h: row[h] for h in part}} for row in shown], clean,
               widths=[PORTRAIT_USABLE - each * len(part), *([each] * len(part))], rows_whole=True)
    if peers.series:
        _note(document, "Published outside figures are shown as published, each with its source and year; they are "
                        "not this tool's figures.")
