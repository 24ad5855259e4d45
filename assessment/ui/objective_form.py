"""One objective on the scoring page: rubric, history, score, target, comment and actions."""

from __future__ import annotations

from typing import Any

import streamlit as st

from assessment import movement
from assessment.checks import entry_warnings
from assessment.edits import action_rows
from assessment.errors import ScoreError
from assessment.framework import Framework
from assessment.record import (ACTION_STATUSES, RAG, Entry, OrganisationRecord, PeriodRecord, evidence_text,
                               long_date, period_key)
from assessment.scores import UNSCORED, choice_labels
from assessment.ui import drafts


def render(framework: Framework, record: OrganisationRecord, period: str, key_area_id: str, entry: Entry) -> None:
    org = record.organisation.id
    objective = framework.objectives[entry.item]
    prefix = f"score.{org}.{period}.{entry.item}"
    draft = drafts.draft_for(org, period, entry)
    st.markdown(f"#### {objective.id}. {objective.title}")
    if objective.description:
        st.caption(objective.description)
    earlier = [p for p in record.sorted_periods() if period_key(p.period) < period_key(period)]
    left, right = st.columns([3, 2])
    with right:
        _rubric(framework, key_area_id, objective.id)
        _history(framework, earlier[-3:], objective.id, entry)
    with left:
        if entry.carried and draft is None:
            st.info("Carried forward from last period: confirm the score or change it.")
        baseline = record.baselines.get(entry.item)
        if baseline is not None:
            agreed = f" (agreed {record.baseline_agreed})" if record.baseline_agreed else ""
            st.caption(f"Baseline: {baseline.label(framework)}{agreed}")
        options = choice_labels(framework, key_area_id)

        def changed(field: str) -> None:
            drafts.update(org, period, entry, **{field: st.session_state[f"{prefix}.{field}"]})

        for field, label, stored in (("score", "Score", entry.score), ("target", "Target (where we want to be)",
                                                                          entry.target)):
            key = f"{prefix}.{field}"
            if key not in st.session_state:
                value = draft.get(field) if draft and field in draft else stored.label(framework)
                st.session_state[key] = value if value in options else options[0]
            st.selectbox(label, options, key=key, on_change=changed, args=(field,))
        key = f"{prefix}.comment"
        if key not in st.session_state:
            st.session_state[key] = draft["comment"] if draft and "comment" in draft else (entry.comment or "")
        st.text_area("Comment", key=key, on_change=changed, args=("comment",), height=100,
                     help="Last period's comment is shown beside; it is not copied into this one.")
        key = f"{prefix}.evidence"
        if key not in st.session_state:
            st.session_state[key] = draft["evidence"] if draft and "evidence" in draft else evidence_text(entry.evidence)
        st.text_area("Evidence links (one per line: title | address)", key=key, height=68,
                     on_change=changed, args=("evidence",))
        _actions(org, period, entry, prefix, draft)
        _warnings(framework, earlier[-1] if earlier else None, key_area_id, entry, draft)


def _rubric(framework: Framework, key_area_id: str, objective_id: str) -> None:
    objective = framework.objectives[objective_id]
    with st.expander("Level descriptors"):
        for level in framework.levels:
            own = " (this objective's own descriptor)" if level.value in objective.levels else ""
            st.markdown(f"**{level.label}**{own}")
            st.text(framework.descriptor(objective_id, level.value))


def _history(framework: Framework, earlier: list[PeriodRecord], objective_id: str, entry: Entry) -> None:
    if not earlier:
        st.caption("No earlier periods.")
        return
    last = earlier[-1].entries.get(objective_id)
    if last is not None and last.score.is_scored and entry.score.is_scored:
        moved = movement.change(last.score.value, entry.score.value)
        st.markdown(f"Movement since {earlier[-1].period} (as saved): **{movement.label(moved, amount='levels')}**")
    for p in reversed(earlier):
        old = p.entries.get(objective_id)
        score = old.score if old else UNSCORED
        st.markdown(f"**{p.period}: {score.label(framework)}**")
        if old and old.comment:
            st.text(old.comment)


def _actions(org: str, period: str, entry: Entry, prefix: str, draft: dict[str, Any] | None) -> None:
    rows = draft["actions"] if draft is not None and "actions" in draft else action_rows(entry)
    with st.expander(f"Actions ({len(rows)})", expanded=bool(rows)):
        for i, row in enumerate(rows):
            st.markdown(f"{i + 1}. {row['text']} — {row.get('owner') or 'no owner'}, "
                        f"{long_date(row.get('due'))}, {row.get('status')}"
                        + (f", {row['rag']}" if row.get("rag") else ""))
            cols = st.columns(2)
            status = cols[0].selectbox("Status", ACTION_STATUSES, index=ACTION_STATUSES.index(row.get("status") or "open"),
                                       key=f"{prefix}.action.{i}.status")
            rag = cols[1].selectbox("Red/amber/green", ["none", *RAG], index=(["none", *RAG].index(row["rag"])
                                                                               if row.get("rag") else 0),
                                    key=f"{prefix}.action.{i}.rag")
            if status != row.get("status") or (rag if rag != "none" else None) != row.get("rag"):
                new_rows = [dict(r) for r in rows]
                new_rows[i].update(status=status, rag=None if rag == "none" else rag)
                drafts.update(org, period, entry, actions=new_rows)
        with st.form(key=f"{prefix}.new", clear_on_submit=True, border=False):
            st.markdown("**New action**")
            text = st.text_input("Action", key=f"{prefix}.new.text")
            cols = st.columns(2)
            owner = cols[0].text_input("Owner", key=f"{prefix}.new.owner")
            due = cols[1].date_input("Due date", value=None, key=f"{prefix}.new.due", format="DD/MM/YYYY")
            if st.form_submit_button("Add action", key=f"{prefix}.new.add"):
                if text.strip():
                    drafts.update(org, period, entry, actions=[*rows, {"text": text.strip(), "owner": owner.strip(),
                                                                       "due": due, "status": "open", "rag": None}])
                    st.rerun()
                st.warning("Write the action before adding it.")


def _warnings(framework: Framework, last: PeriodRecord | None, key_area_id: str, entry: Entry,
              draft: dict[str, Any] | None) -> None:
    if draft is None:
        current = entry
    else:
        try:
            current = drafts.as_entry(framework, draft)
        except ScoreError as exc:
            st.error(str(exc))
            return
    previous = last.entries.get(entry.item) if last else None
    for warning in entry_warnings(framework, current, previous, last.period if last else None):
        st.warning(warning)
