"""Progress report (read-only): where we are today against where we want to be, and what moved.

It opens with one screen a councillor reads in two minutes (at a glance), then the detail."""

from __future__ import annotations

from datetime import date

import streamlit as st

from assessment.domain.covering import report_title
from assessment.domain.record import long_date
from assessment.domain.round_report import radar_band
from assessment.domain.report import (
    action_table,
    at_a_glance,
    gap_line,
    move_line,
    movement_table,
    mover_table,
    open_actions_sentence,
    progress_report,
    radar_rows,
)
from assessment.formats.charts import (
    heatmap_chart,
    heatmap_rows,
    heatmap_table,
    radar_caption,
    radar_chart,
    radar_text_table,
)
from assessment.ui import downloads, peers_view, round_view, state
from assessment.ui.covering_view import show_laid_out
from assessment.ui.html_tables import table
from assessment.ui.text import md
from assessment.workflows import queries


def _listed(where, heading: str, lines: list[str], note: str) -> None:
    """A heading over a numbered list, then the note saying why it is short (each when there is one)."""
    where.subheader(heading)
    for text in ("\n".join(f"1. {md(line)}" for line in lines), md(note)):
        if text:
            where.markdown(text)


(record, framework), chosen = state.chosen_record()
periods = [p.period for p in record.sorted_periods()]
if not periods:
    st.info(f"{md(record.organisation.name)} has no periods yet: start one on the Start page.")
    st.stop()
period = chosen if chosen in periods else periods[-1]
st.title(f"Progress report: {md(record.organisation.name)}, {period}")
st.markdown(f"**Status:** {md(record.period(period).status_line())}", help="A period is a draft until it is "
            "submitted for approval; from then on it is kept as it was put before members.")
for event in queries.taken_back(state.store(), state.actor(), record.organisation.id):
    st.info(md(f"{event.period} was {event.kind} on {long_date(event.at.date()) if event.at else 'a date not kept'} "
               f"by {event.person or 'someone'}: {event.details.get('reason', '')}. It is a draft again, and will "
               "be put before reviewers when it is submitted again."))

covering = record.period(period).covering
if covering is not None and not covering.empty:   # what opens the Word and PDF report, for councillors too
    with st.expander("The covering report (it opens the Word and PDF report)"):
        show_laid_out(covering, report_title(period), level=2)

earlier = [p for p in periods if periods.index(p) < periods.index(period)]
options = ["none", *reversed(earlier)]
compare = st.selectbox("Compare with", options, index=1 if earlier else 0, key="report.compare",
                       format_func=lambda p: "Nothing (show this period only)" if p == "none" else p)
compare_with = None if compare == "none" else compare
today = date.today()
report = progress_report(framework, record, period, compare_with, today=today)
glance = at_a_glance(report, framework)
views = queries.round_report(state.store(), state.actor(), record.organisation.id, period)
band = radar_band(views, framework)   # a round on key areas: the respondents' range on the radar
# Other councils' released figures for this year (issue 31), where a release has any: a group's only.
peer_release = peers_view.with_figures(queries.peer_view(state.store(), state.actor(), record.organisation.id,
                                                         period, today=today))
# the whole framework's rows, for the sentence and the Peers section (whatever theme the radar shows)
all_rows = radar_rows(framework, record, period, compare_with) if peer_release is not None else []

with st.container(key="report.glance"):
    st.header("At a glance")
    st.markdown(f"**Overall: {md(glance.overall)}**")
    # filled once the group is chosen, beside the radar below
    peers_sentence = st.container(key="report.peers-sentence") if peer_release is not None else None
    gaps, moves, actions = st.columns(3)
    _listed(gaps, "The biggest gaps", [gap_line(line) for line in glance.gaps], glance.gaps_note)
    _listed(moves, "The biggest moves", [move_line(line, compare_with) for line in glance.moves], glance.moves_note)
    actions.subheader("Actions")
    actions.markdown(md(open_actions_sentence(glance.open_actions, glance.overdue, today)))
    for note in report.framework_notes:   # a period scored against another framework: said where it is read
        st.info(md(note + "."))

    with st.container(key="report.radar-block"):   # printed on one page with its heading (style.css)
        st.subheader("Where we are today and where we want to be")
        themes = {"all": "The whole framework", **{t.id: t.title for t in framework.themes}}
        scope_at, peers_at = st.columns(2) if peer_release is not None else (st, None)
        scope = scope_at.selectbox("Radar for", list(themes), format_func=lambda t: themes[t], key="report.scope")
        chosen_peers = peers_view.choose(peer_release, framework, peers_at) if peer_release is not None else None
        peers = chosen_peers[1] if chosen_peers else None
        if peers is not None:
            peers_view.glance(peers, all_rows, peers_sentence)
        ids = None if scope == "all" else [ka.id for ka in next(t for t in framework.themes if t.id == scope).key_areas]
        rows = radar_rows(framework, record, period, compare_with, key_area_ids=ids)
        st.container(key="report.radar").vega_lite_chart(radar_chart(rows, framework, size=400, font_size=13,
                                                                     band=band, peers=peers), width="content")
    st.markdown(md(radar_caption(rows, band, peers)))
    if not report.has_targets:
        st.info("No targets are set yet, so the chart has no “where we want to be” line.")
    st.markdown(f"**The same numbers** (mean of scored {report.completion.items}; n = how many)")
    table(radar_text_table(rows, band, peers))

st.header("Summary")
st.markdown(md(report.summary))
st.caption(report.rule)

st.header("Movement by key area")
table(movement_table(report, framework))
if peers is not None:   # the council beside the chosen group, and any published outside figures
    peers_view.section(peers, all_rows)

if compare_with:
    st.header(f"What moved since {compare_with}")
    for heading, movers, none in ((f"Improved ({len(report.improved)})", report.improved, "None improved."),
                                  (f"Declined ({len(report.declined)})", report.declined, "None declined.")):
        st.subheader(heading)
        if not movers:
            st.write(none)
        table(mover_table(movers))

st.header("Scores by period")
heat = heatmap_rows(report.heatmap)
if heat:
    st.vega_lite_chart(heatmap_chart(heat, framework), width="content", key="report.heatmap")
    with st.expander("The same scores as a table", expanded=False):
        table(heatmap_table(heat))

st.header("Open actions")
st.markdown(f"{len(report.actions)} open, **{len(report.overdue)} overdue** at {long_date(today)}.")
table([{k: v for k, v in row.items() if k not in ("Key area", "From")}   # the objective names it; narrow
       for row in action_table(report.actions)], st.container(key="report.actions"))

round_view.show(views, framework)   # "Views gathered": where a respondent round was applied to the period

with st.container(key="report-downloads"):   # not printed (style.css)
    st.header("Download")
    downloads.offer(framework, record, period, compare_with, today, views=views,
                    peers=peer_release if chosen_peers else None, peer_group=chosen_peers[0] if chosen_peers else None)
