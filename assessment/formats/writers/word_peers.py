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


def write_peers(document: Any, peers: PeerComparison, rows: list[dict[str, Any]], clean: TextCleaner) -> None:
    """The "Peers" section: what the figures are, then per key area the council's level beside the
    group's median, quartiles and n, and any published outside series with its source and year."""
    document.add_heading(PEERS_HEADING, level=1)
    document.add_paragraph(clean(peers.about()))
    shown = peers_table(rows, peers)
    headers = list(shown[0])
    fixed = {"n": Cm(1.0), "Median": Cm(3.0), "Quartiles": Cm(2.4)}
    fixed |= {h: Cm(2.0) for h in headers[1:2]}                        # the council's own level
    fixed |= {s.heading: Cm(3.2) for s in peers.series}
    first = PORTRAIT_USABLE - sum((fixed[h] for h in headers if h in fixed), Cm(0))
    _table(document, shown, clean, widths=[first if h == "Key area" else fixed[h] for h in headers])
    if peers.series:
        _note(document, "Published outside figures are shown as published, each with its source and year; they are "
                        "not this tool's figures.")
