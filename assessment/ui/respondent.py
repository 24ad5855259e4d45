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
from assessment.domain.numbers import counted
from assessment.domain.record import long_date
from assessment.domain.round_report import item_title
from assessment.domain.rounds import DONT_KNOW, Answer, item_word, key_area_of_item
from assessment.domain.scores import choice_labels, level_label, written_value
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
    """The questionnaire, one form: per key area its levels, then each objective asked (or the key
    area itself, in a round on key areas) with the answer and why, and Save and Submit, which call
    `save(given, submit)` (a refusal is shown in a line). A form, so that choosing an answer or
    typing a comment does not run the page again: with 59 objectives each run draws about 240
    elements, and 30 people answering at once share one process (`make load ARGS="--round"`).
    Shared by the link's page and the signed-in respondent's (`my_views_page`); widget keys start
    with `prefix`."""
    framework, kind = asked.framework, asked.round.kind
    st.markdown(f"You were asked for your view of {counted(len(asked.items), item_word(kind))} of the "
                f"{md(framework.name)}, as "
                f"someone in {md(asked.profile.department)} ({md(', '.join(asked.profile.perspectives))}). For each, "
                "choose the level that best describes where the council is today, or “don't know” or n/a, and say "
                f"why if you can. **Save** to come back later {md(come_back)}; **submit** once, by "
                f"{long_date(asked.round.closes)}. Nobody else sees your answers"
                + (", and once submitted they are kept with nothing to say they were yours." if
                   asked.round.mode == "anonymous" else
                   "; the person running the round sees who answered what."))
    given: dict[str, tuple[object, str]] = {}
    areas: dict[str, list[str]] = {}
    for item in asked.items:
        areas.setdefault(key_area_of_item(framework, kind, item), []).append(item)
    with st.form(f"{prefix}.form", border=False, enter_to_submit=False):
        for area, items in areas.items():
            rubric = framework.key_areas[area].rubric
            if kind == "objective":
                st.subheader(md(framework.key_areas[area].title))
            with st.expander(f"The levels of {framework.key_areas[area].title}"):
                st.markdown(_levels(rubric))
            for item in items:
                given[item] = _question(asked, item, prefix)
        left, right = st.columns(2)
        saving = left.form_submit_button("Save my answers", key=f"{prefix}.save")
        submitting = right.form_submit_button("Submit my answers", key=f"{prefix}.submit", type="primary")
    if saving or submitting:
        try:
            save(given, submitting)
        except AssessmentError as exc:
            st.error(said(exc))


def _levels(rubric: dict[int, str]) -> str:
    return "\n".join(f"- **{n}**: {md(rubric[n])}" for n in sorted(rubric))


def _question(asked: Questionnaire, item: str, prefix: str) -> tuple[object, str]:
    """One question: its name (and what a level means for the objective, where it says), the answer and why."""
    framework = asked.framework
    own = framework.objectives[item].levels if asked.round.kind == "objective" else None
    with st.container(border=True, key=f"{prefix}.item.{item}"):
        st.markdown(f"**{md(item_title(framework, item))}**")
        for value, text in sorted((own or {}).items()):   # where the objective says what a level means for it
            st.markdown(f"For this objective, {md(level_label(value, framework))} means: {md(text)}")
        choices = [BLANK, *choice_labels(framework, key_area_of_item(framework, asked.round.kind, item))[1:], DONT_KNOW]
        saved = asked.answers.get(item)
        chosen = st.selectbox("Your answer", choices, index=choices.index(_label(saved, framework, choices)),
                              key=f"{prefix}.score.{item}")
        comment = st.text_area("Why (optional)", value=saved.comment if saved else "",
                               key=f"{prefix}.comment.{item}", height=68)
    return ("" if chosen == BLANK else chosen, comment)


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
