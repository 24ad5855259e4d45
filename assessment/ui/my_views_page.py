"""Your views (issue 30): the questionnaires of open rounds that a signed-in person was asked to answer
as themselves (`queries.my_questionnaires`), in the same form as a link's (`respondent.questionnaire`),
saved and submitted through `workflows.answer_as`, which allows it for that round only."""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.domain.record import long_date
from assessment.ui import state
from assessment.ui.respondent import questionnaire
from assessment.ui.text import md
from assessment.workflows import Questionnaire, queries

DONE = "views.done"

st.title("Your views")
actor = state.actor()
if (flash := st.session_state.pop(DONE, None)):
    st.success(md(flash))
asked = {q.round.id or 0: q for q in queries.my_questionnaires(state.store(), actor)}
if not asked:
    st.info("No round is asking for your views at the moment.")
    st.stop()


def _name(q: Questionnaire) -> str:
    done = " (submitted)" if q.submitted else ""
    return f"{q.organisation}, {q.round.period}: by {long_date(q.round.closes)}{done}"


round_id = st.selectbox("Round", list(asked), format_func=lambda r: _name(asked[r]), key="views.round") \
    if len(asked) > 1 else next(iter(asked))
chosen = asked[round_id or next(iter(asked))]
st.header(md(f"{chosen.organisation}, {chosen.round.period}"))
if chosen.submitted:
    st.success("You have submitted your answers to this round. Thank you.")
    st.stop()


def _save(given: dict[str, tuple[object, str]], submit: bool) -> None:
    workflows.answer_as(state.store(), actor, chosen.round.id or 0, given, submit=submit)
    st.session_state[DONE] = ("Your answers are submitted. Thank you." if submit else
                              "Saved. Come back to this page to go on; submit when you are done.")
    st.rerun()


questionnaire(chosen, _save, come_back="on this page", prefix=f"views.{round_id}")
