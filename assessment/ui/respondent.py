"""Answering a round through a link (`/?link=…`), with no account and no sign-in (issue 30): the
respondent sees only their own questionnaire, the rubric beside each objective, answers 1 to 5 (half
steps where allowed), "don't know" or n/a with a comment, saves and comes back with the same link,
and submits once. The link is taken out of the address bar as soon as it is read (kept in the
session), so it is not left in the browser's history or a shared screen. Everything it may do is
`workflows.questionnaire_by_link` and `workflows.answer_by_link`'s to allow."""

from __future__ import annotations

from typing import Callable

import streamlit as st

from assessment import workflows
from assessment.domain.errors import AssessmentError
from assessment.domain.record import long_date
from assessment.domain.rounds import DONT_KNOW, Answer
from assessment.domain.scores import choice_labels, written_value
from assessment.ui import navigation, state
from assessment.ui.messages import said
from assessment.ui.text import md
from assessment.workflows import Questionnaire

KEY = "answer.link"
BLANK = "not answered"


def by_link() -> bool:
    """Whether this visit answers through a link: one in the address (read now, and taken out of
    it), or one read earlier in this session."""
    given = st.query_params.get("link")
    if given:
        st.session_state[KEY] = given
        del st.query_params["link"]
    return bool(st.session_state.get(KEY))


def show() -> None:
    """The questionnaire, beside the privacy notice and the accessibility statement."""
    navigation.before_sign_in(_page, "Your views")


def _page() -> None:
    store, token = state.store(), st.session_state[KEY]
    if st.session_state.get("answer.done"):
        st.title("Thank you")
        st.success("Your answers are submitted. The link no longer opens them; you can close this page.")
        return
    try:
        asked = workflows.questionnaire_by_link(store, token)
    except AssessmentError as exc:
        st.title("Your views")
        st.error(said(exc))
        st.caption("Ask whoever sent you the link for a new one.")
        return
    st.title(f"Your views: {md(asked.organisation)}, {md(asked.round.period)}")
    questionnaire(asked, _sender(token), come_back="with the same link")


def questionnaire(asked: Questionnaire, save: Callable[[dict[str, tuple[object, str]], bool], None], *,
                  come_back: str, prefix: str = "answer") -> None:
    """The questionnaire's form: each objective with its levels, the answer and why, and Save and
    Submit, which call `save(given, submit)` (a refusal is shown in a line). Shared by the link's
    page and the signed-in respondent's (`my_views_page`); widget keys start with `prefix`."""
    framework = asked.framework
    st.markdown(f"You were asked for your view of {len(asked.items)} objectives of the {md(framework.name)}, as "
                f"someone in {md(asked.profile.department)} ({md(', '.join(asked.profile.perspectives))}). For each, "
                "choose the level that best describes where the council is today, or “don't know” or n/a, and say "
                f"why if you can. **Save** to come back later {md(come_back)}; **submit** once, by "
                f"{long_date(asked.round.closes)}. Nobody else sees your answers"
                + (", and once submitted they are kept with nothing to say they were yours." if
                   asked.round.mode == "anonymous" else "; the person running the round sees who answered what."))
    given: dict[str, tuple[object, str]] = {}
    for item in asked.items:
        objective, area = framework.objectives[item], framework.key_area_of[item]
        with st.container(border=True, key=f"{prefix}.item.{item}"):
            st.markdown(f"**{md(item)}. {md(objective.title)}**")
            rubric = objective.levels or framework.key_areas[area].rubric
            with st.expander("The levels"):
                st.markdown("\n".join(f"- **{n}**: {md(rubric[n])}" for n in sorted(rubric)))
            choices = [BLANK, *choice_labels(framework, area)[1:], DONT_KNOW]
            saved = asked.answers.get(item)
            chosen = st.selectbox("Your answer", choices, index=choices.index(_label(saved, framework, choices)),
                                  key=f"{prefix}.score.{item}")
            comment = st.text_area("Why (optional)", value=saved.comment if saved else "",
                                   key=f"{prefix}.comment.{item}", height=68)
            given[item] = ("" if chosen == BLANK else chosen, comment)
    left, right = st.columns(2)
    for column, label, submit in ((left, "Save my answers", False), (right, "Submit my answers", True)):
        if column.button(label, key=f"{prefix}.{'submit' if submit else 'save'}",
                         type="primary" if submit else "secondary"):
            try:
                save(given, submit)
            except AssessmentError as exc:
                st.error(said(exc))


def _label(saved: Answer | None, framework, choices: list[str]) -> str:
    if saved is None:
        return BLANK
    if saved.dont_know:
        return DONT_KNOW
    if saved.not_applicable:
        return "n/a"
    written = written_value(saved.value) if saved.value is not None else ""
    return next((c for c in choices if c == written or c.startswith(f"{written} ")), BLANK)


def _sender(token: str) -> Callable[[dict[str, tuple[object, str]], bool], None]:
    def send(given: dict[str, tuple[object, str]], submit: bool) -> None:
        workflows.answer_by_link(state.store(), token, given, submit=submit)
        if submit:
            st.session_state["answer.done"] = True
            st.rerun()
        st.success("Saved. Come back with the same link to go on; submit when you are done.")
    return send
