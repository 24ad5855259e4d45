"""On Start, for the chosen period: what is done and left to do, the person's unsaved drafts, and
the key-area table."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.domain import movement
from assessment.domain.errors import InvalidEdit, ScoreError
from assessment.domain.framework import Framework
from assessment.domain.numbers import counted, format_mean, gap_words
from assessment.domain.record import OrganisationRecord
from assessment.domain.report import overall_sentence, progress_report
from assessment.domain.covering import missing_required
from assessment.domain.rollups import completion, kept_by_key_area, previous_period, scored_of
from assessment.domain.summary import summary_data
from assessment.ui import drafts, state
from assessment.ui.html_tables import table
from assessment.ui.text import md


def show(record: OrganisationRecord, framework: Framework, period: str) -> None:
    org, current = record.organisation.id, record.period(period)
    before = previous_period(record, period)
    by_key_area = kept_by_key_area(record, period)
    done = completion(framework, current, previous=record.period(before) if before else None,
                      by_key_area=by_key_area)
    st.markdown(counts_sentence(done, before))
    editable = workflows.may_change(state.actor(), org, current) is None
    if editable:
        _drafts(framework, org, period)
    if not editable:
        pass
    elif not by_key_area:
        _jumps(framework, current, record.period(before) if before else None)
    elif done.left and st.button(f"Score the key areas ({done.left} left)", key="home.jump.key_areas"):
        st.switch_page("assessment/ui/score.py")
    missing = missing_required(current.covering, record.report_shape)
    if editable and missing:   # said before it refuses the submission
        shown = ", ".join(f"“{md(h)}”" for h in missing)
        st.markdown(f"Covering report: {counted(len(missing), 'required section')} still to write ({shown}).")
        if st.button("Write the covering report", key="home.jump.covering"):
            st.switch_page("assessment/ui/covering_page.py")
    report = progress_report(framework, record, period, before)   # the one model of the period's report
    summary = summary_data(report, framework, record)
    st.markdown(overall_sentence(report, framework))
    if before and "objectives" in summary:
        o = summary["objectives"]
        st.markdown(f"Since {before}: {counted(o['improved'], done.items.removesuffix('s'))} improved, "
                    f"{o['unchanged']} unchanged, {o['declined']} declined.")
    rows = []
    for area in summary["key_areas"]:
        row = {"Key area": area["title"], "Scored": scored_of(area["n"], area["of"], area["not_applicable"]),
               "Mean": format_mean(area["mean"]),
               "Level": area["level_reached"], "Target": area["target_text"], "Against target": gap_words(area["gap"])}
        if before:
            row[before] = format_mean(area.get("previous"))
            row["Movement"] = movement.label(area.get("movement"), amount="mean")
        rows.append(row)
    table(rows, st.container(key="home.table"))
    st.caption(summary["rule"])


def counts_sentence(done, before: str | None) -> str:
    """'**12** confirmed as in 2023, **5** changed, **1** not applicable, **41** left to do (38 carried
    forward, to confirm) — of 59 objectives.'"""
    parts = ([f"**{done.confirmed}** confirmed as in {before}", f"**{done.changed}** changed"] if before
             else [f"**{done.scored}** scored"])
    parts += [f"**{done.not_applicable}** not applicable", f"**{done.left}** left to do"
              + (f" ({done.carried} carried forward, to confirm)" if done.carried else "")]
    return ", ".join(parts) + f" — of {done.total} {done.items}."


def _drafts(framework: Framework, org: str, period: str) -> None:
    """The person's unsaved changes in this period, by key area: open, save or discard them."""
    mine = list(drafts.mine(org, period))
    if not mine:
        return
    st.warning(f"You have unsaved changes in {md(drafts.names(framework, mine))}. They are kept as your draft "
               "until you save or discard them.")
    groups: dict[str, list[tuple[str, str]]] = {}
    for kind, item in mine:
        groups.setdefault(item if kind == "key_area" else framework.key_area_of[item], []).append((kind, item))
    for key_area_id, keys in groups.items():
        cols = st.columns([3, 1, 1, 1])
        cols[0].markdown(md(f"{framework.key_areas[key_area_id].title}: {drafts.names(framework, keys)}"))
        if cols[1].button("Open", key=f"home.drafts.open.{key_area_id}"):
            st.session_state["score.ka"] = key_area_id
            st.switch_page("assessment/ui/score.py")
        if cols[2].button("Save", key=f"home.drafts.save.{key_area_id}"):
            try:
                result = drafts.save(org, period, keys)
            except (ScoreError, InvalidEdit) as exc:
                st.error(f"Nothing was saved: {md(exc)}")
            else:
                drafts.forget(org, period, result.saved)
                st.session_state["home.added"] = f"Saved {drafts.names(framework, result.saved)}." + (
                    f" {drafts.names(framework, list(result.stale))} were saved by someone else meanwhile: open "
                    "them to choose which to keep." if result.stale else "")
                st.rerun()
        if cols[3].button("Discard", key=f"home.drafts.discard.{key_area_id}"):
            drafts.discard(org, period, keys)
            st.rerun()


def _jumps(framework: Framework, current, previous) -> None:
    left = [ka for ka in framework.key_areas if completion(framework, current, ka, previous).left]
    if not left:
        return
    cols = st.columns(min(2, len(left)))   # two a row: long key-area names are not cut at 1024 px
    for i, ka in enumerate(left):
        c = completion(framework, current, ka, previous)
        if cols[i % len(cols)].button(md(f"{framework.key_areas[ka].title}: {c.left} left"), key=f"home.jump.{ka}",
                                      width="stretch"):
            st.session_state["score.ka"] = ka
            st.switch_page("assessment/ui/score.py")
