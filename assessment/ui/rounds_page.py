"""Rounds (issue 30): several people's views on a draft period's objectives (or key areas), then one
agreed score for each. An editor opens a round, invites people (a link, shown once, for those without
an account here), reads the spread as answers come in and closes the round; its moderators (the
editors, or the people it names) agree a score for each, and an editor applies them, all or nothing.
What may be done is `workflows.rounds`' to allow; this page offers it."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.domain.numbers import counted
from assessment.domain.record import long_date, long_date_time
from assessment.domain.rollups import scored_per
from assessment.ui import round_forms, round_moderation, round_paper, state
from assessment.domain.rounds import asked_of, item_word
from assessment.ui.round_forms import DONE, MODE_WORDS
from assessment.ui.text import md, said
from assessment.workflows import EDIT, queries

view, period = state.chosen_period_record()
record, framework = view
org, actor, store = record.organisation.id, state.actor(), state.store()
st.title(f"Rounds: {md(record.organisation.name)}, {md(period)}")
if not actor.may(org, EDIT):
    st.info("Rounds are run by the council's editors.")
    st.stop()
rounds = [r for r in workflows.rounds_of(store, actor, org) if r.period == period]
if (flash := st.session_state.pop(DONE, None)):
    st.success(md(flash))
st.caption("A round asks several people (officers, councillors, partners) for their view of the period's objectives. "
           "You read the spread of their answers, agree one score for each objective and write them into the period.")

current = next((r for r in reversed(rounds) if r.state != "applied"), None)
history = [e for e in queries.period_history(store, actor, org, period) if e.kind == "round"]


def _applied_on(round_id: int | None) -> str:
    return next((long_date(e.at.date()) for e in history if e.details.get("round") == round_id
                 and e.details.get("state") == "applied" and e.at), "")


if current is None:
    for done in rounds[-1:]:
        st.info(md(f"Round {done.id} was applied on {_applied_on(done.id)}: its agreed scores are in {period}, each a "
                   f"version “moderated from round {done.id}” (Score a key area shows them)."))
    st.header("Open a round")
    refused = workflows.may_change(actor, org, record.period(period), what="given a round")
    if refused:
        st.info(said(refused))
    else:
        round_forms.open_form(org, period, framework, scored_per(record, period))
else:
    shown = queries.round_view(store, actor, current.id or 0)
    asked = len(current.items) if current.items is not None else len(asked_of(framework, current.kind))
    moderator = workflows.may_moderate(actor, current)
    words = {"open": f"is open: answers are asked for by {long_date(current.closes)}.",
             "closed": "is closed: nobody can answer now. Agree a score for each objective, then apply them.",
             "draft": "is being prepared."}
    st.info(md(f"Round {current.id} {words.get(current.state, current.state)} It asks about "
               f"{counted(asked, item_word(current.kind))} and is {current.mode}. {MODE_WORDS[current.mode]} "
               "Groups of fewer than "
               f"{current.k} people are withheld. {period} cannot be submitted for approval until the agreed scores "
               "are applied."))
    round_forms.invitations(current, shown.invitations)
    round_forms.moderators_form(current)
    if current.state == "open":
        round_forms.invite_form(current)
        round_forms.withdraw_form(current, shown.invitations)
        round_paper.paper(current, shown.invitations)
    if moderator:
        figures = round_moderation.spread(current, framework, shown.agreed if current.state == "closed" else None)
    else:
        st.info(md(f"Round {current.id} is moderated by {', '.join(current.moderators)}: they alone read the "
                   "answers and agree the scores; any editor applies them once every one is agreed."))
    if current.state == "open":
        round_moderation.close(current)
    elif moderator and current.state == "closed":
        round_moderation.moderate(current, framework, figures, shown.agreed)
    if current.state == "closed":
        round_moderation.apply(current, period, asked, len(shown.agreed))

if history:
    st.header("What was done")
    for event in history:
        st.markdown("- " + md(f"{long_date_time(event.at)}, {event.person or 'unknown'}: {event.describe()}"))
