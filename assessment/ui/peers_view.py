"""Councils side by side on the progress report (issue 31): where a release has figures for the
period, the "Compared with" select beside the radar (the council's groups: its type, its region,
the clubs it is in; the type first), the at-a-glance sentence and the "Peers" section.

Only released group figures are shown (`queries.peer_view`): no council is named, and no level but
the council's own. The words and tables are `domain.peer_report`'s, shared with the Word report.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from assessment.domain.framework import Framework
from assessment.domain.peer_report import (
    PEERS_HEADING,
    PeerComparison,
    ReleaseLike,
    chosen_group,
    group_choice_label,
    group_key,
    own_levels,
    peer_comparison,
    peers_table,
)
from assessment.ui.html_tables import table
from assessment.ui.text import md

CHOICE_KEY = "report.peers_group"


def with_figures(view: ReleaseLike | None) -> ReleaseLike | None:
    """The view, where any of the council's groups has figures for the period's year; else None."""
    return view if view is not None and any(g.figures for g in view.groups) else None


def choose(view: ReleaseLike, framework: Framework, where: Any = st) -> tuple[str, PeerComparison] | None:
    """The "Compared with" select (in `where`, beside the radar): the council's groups with figures, the
    type first; returns the group chosen (its key, for the download) and its comparison."""
    groups = {group_key(g): g for g in view.groups if g.figures}
    if not groups:
        return None
    first = chosen_group(view)
    keys = list(groups)
    default = keys.index(group_key(first)) if first is not None and group_key(first) in groups else 0
    key = where.selectbox("Compared with", keys, index=default, key=CHOICE_KEY,
                          format_func=lambda k: group_choice_label(groups[k]),
                          help="Other councils' released figures: a group's median and quartiles, never a "
                               "council's own score or name.")
    return key, peer_comparison(view, groups[key], framework)


def glance(peers: PeerComparison, rows: list[dict[str, Any]], where: Any = st) -> None:
    """The at-a-glance sentence: "At or above the median of 23 unitary authorities in 9 of 14 key areas
    (release 1, published 1 April 2026)." (`rows`: the whole framework's radar rows)."""
    where.markdown(md(peers.sentence(own_levels(rows))))


def section(peers: PeerComparison, rows: list[dict[str, Any]]) -> None:
    """The "Peers" section: what the figures are, then per key area the council's level beside the
    group's median, quartiles and n, and any published outside series with its source and year."""
    st.header(PEERS_HEADING)
    st.markdown(md(peers.about()))
    table(peers_table(rows, peers), st.container(key="report.peers"))
    if peers.series:
        st.caption(md("Published outside figures are shown as published, each with its source and year; they "
                      "are not this tool's figures."))
