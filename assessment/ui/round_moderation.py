"""The Rounds page's figures and moderation: the spread of the answers to each objective (by department
or by perspective where asked, small groups withheld with the reason), participation, closing the
round, agreeing a score for each objective and applying them, all or nothing."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.domain.errors import AssessmentError
from assessment.domain.framework import Framework
from assessment.domain.numbers import counted
from assessment.domain.round_report import item_title
from assessment.domain.rounds import (FLAG_WORDS, Moderation, Participation, Round, Spread, Withheld, item_word,
                                      key_area_of_item, spread_words)
from assessment.domain.scores import choice_labels, level_label
from assessment.ui import state
from assessment.ui.html_tables import table
from assessment.ui.messages import done_or_said
from assessment.ui.round_forms import DONE
from assessment.ui.text import md, said
from assessment.workflows import RoundSpread

GROUPINGS = {"everyone": None, "by department": "department", "by perspective": "perspective"}
NEXT = "rounds.moderate.next"   # the objective to show after an agreed score is saved


def agreed_label(m: Moderation | None, framework: Framework) -> str:
    if m is None:
        return "not yet agreed"
    return "n/a" if m.score is None else level_label(m.score, framework)


def _words(s: Spread | Withheld, framework: Framework) -> str:
    if isinstance(s, Spread):
        return spread_words(s, framework)
    return s.reason if s.reason.startswith("no answers") else f"withheld: {s.reason}"   # nothing to withhold


def spread(found: Round, framework: Framework, agreed: dict[str, Moderation] | None) -> RoundSpread:
    """The views on each objective: the spread in words, flagged where two or more levels apart,
    by group where chosen; with `agreed`, the score agreed so far beside it."""
    st.header("The views")
    shown = st.radio("Show the views of", list(GROUPINGS), horizontal=True, key=f"rounds.{found.id}.by")
    figures = workflows.round_spread(state.store(), state.actor(), found.id or 0, by=GROUPINGS[shown or "everyone"])
    st.markdown(f"**{figures.answered} of {figures.invited}** invited have submitted their answers. The median is "
                "the middle level given; “don't know” and n/a are counted apart.")
    if not figures.answered:
        st.markdown("The views show here as answers are submitted.")
        return figures
    rows = []
    for item, s in figures.objectives.items():
        row = {item_word(found.kind).capitalize(): item_title(framework, item), "Group": "everyone",
               "Views": _words(s, framework), "Flag": FLAG_WORDS if isinstance(s, Spread) and s.flagged else ""}
        if agreed is not None:
            row["Agreed"] = agreed_label(agreed.get(item), framework)
        rows.append(row)
        for group, g in figures.groups.get(item, {}).items():
            rows.append({**{k: "" for k in row}, "Group": group, "Views": _words(g, framework),
                         "Flag": FLAG_WORDS if isinstance(g, Spread) and g.flagged else ""})
    if not GROUPINGS[shown or "everyone"]:
        rows = [{k: v for k, v in r.items() if k != "Group"} for r in rows]
    table(rows, st.container(key="rounds.spread"))
    _participation(figures.participation)
    return figures


def _participation(taking: Participation) -> None:
    st.subheader("Who took part")
    if not taking.people:
        st.markdown("Nobody has submitted answers yet.")
        return
    rows = [{"Counted by": name, "Group": group, "Took part": f"withheld: {s.reason}" if isinstance(s, Withheld)
             else str(s)} for name, groups in (("department", taking.by_department),
                                               ("primary perspective", taking.by_perspective),
                                               ("any perspective held", taking.by_any_perspective))
            for group, s in groups.items()]
    table(rows, st.container(key="rounds.participation"))
    st.caption(md(f"{counted(taking.people, 'person', 'people')} took part. By primary perspective: "
                  f"{taking.primary_note}. By any perspective held: {taking.any_note}."))


def close(found: Round) -> None:
    st.header("Close the round")
    st.caption("Once it is closed nobody can answer; answers saved but not submitted are left out. Then you agree "
               f"a score for each {item_word(found.kind)}.")
    if st.button("Close the round", key="rounds.close"):
        done_or_said(lambda: workflows.close_round(state.store(), state.actor(), found.id or 0),
                     f"Closed round {found.id}: agree a score for each {item_word(found.kind)} below, then apply them.",
                     DONE)


def moderate(found: Round, framework: Framework, figures: RoundSpread, agreed: dict[str, Moderation]) -> None:
    """One objective (or key area) at a time: the agreed score, why, at which meeting, and the comments
    to publish."""
    word = item_word(found.kind)
    st.header(f"Agree a score for each {word}")
    st.caption("Say why where the agreed score is a level or more from the respondents' median, or their views were "
               "two or more levels apart. The comments you tick are published in the members' report without names.")
    asked = list(figures.objectives)
    key = f"rounds.{found.id}.moderate.item"
    if (following := st.session_state.pop(NEXT, None)) in asked:
        st.session_state[key] = following
    item = st.selectbox(word.capitalize(), asked, key=key, format_func=lambda i: f"{item_title(framework, i)} "
                        f"— {agreed_label(agreed.get(i), framework)}") or asked[0]
    views = figures.objectives[item]
    st.markdown(md(f"Respondents: {_words(views, framework)}." + (
        f" {FLAG_WORDS.capitalize()}: say why, whatever score is agreed." if isinstance(views, Spread)
        and views.flagged else "")))
    saved, k = agreed.get(item), f"rounds.{found.id}.moderate.{item}"
    choices = choice_labels(framework, key_area_of_item(framework, found.kind, item))[1:]
    sets = workflows.round_answers(state.store(), state.actor(), found.id or 0)
    comments = sorted(((s.id, a, s.email) for s in sets for a in s.answers if a.objective_id == item and a.comment),
                      key=lambda c: (c[1].comment.casefold(), c[0]))   # by their words: the order says nothing
    with st.form(k):
        score = st.selectbox("Agreed score", choices, key=f"{k}.score", placeholder="Choose the score agreed",
                             index=choices.index(agreed_label(saved, framework)) if saved else None)
        rationale = st.text_area("Why this score", value=(saved.rationale or "") if saved else "", key=f"{k}.rationale",
                                 height=90)
        meeting = st.text_input("Meeting", value=(saved.meeting or "") if saved else "", key=f"{k}.meeting",
                                placeholder="e.g. Procurement board, 12 May 2026")
        st.markdown("**Comments to publish**" if comments else f"Nobody commented on this {word}.")
        chosen = []
        for n, (rid, a, email) in enumerate(comments, 1):   # a label would show the comment's characters escaped
            st.markdown(md(f"Comment {n} (answer {a.written}" + (f", {email}" if email else "") + f"): “{a.comment}”"))
            if st.checkbox(f"Publish comment {n}", value=bool(saved and rid in saved.published),
                           key=f"{k}.publish.{rid}"):
                chosen.append(rid)
        go = st.form_submit_button("Agree this score", key=f"{k}.go", type="primary")
    if go:
        if score is None:
            st.error("Choose the score agreed.")
            return
        try:
            workflows.moderate(state.store(), state.actor(), found.id or 0, item, score, rationale=rationale,
                               meeting=meeting, published=chosen)
        except AssessmentError as exc:
            st.error(said(exc))
            return
        left = [i for i in asked if i not in agreed and i != item]
        st.session_state[NEXT] = left[0] if left else item
        named = f"Objective {item}" if found.kind == "objective" else item_title(framework, item)
        st.session_state[DONE] = f"{named} agreed at {score}."
        st.rerun()


def apply(found: Round, period: str, asked: int, agreed: int) -> None:
    st.header("Apply the agreed scores")
    st.caption(md(f"{agreed} of {counted(asked, item_word(found.kind))} agreed. Applying writes each agreed score "
                  f"into {period} as a new "
                  f"version, “moderated from round {found.id}”: all or nothing, and refused where a score was changed "
                  "since the round opened."))
    if st.button("Apply the agreed scores", key="rounds.apply", type="primary"):
        done_or_said(lambda: workflows.apply_round(state.store(), state.actor(), found.id or 0),
                     f"Applied round {found.id}: {counted(asked, 'agreed score')} written into {period}.", DONE)
