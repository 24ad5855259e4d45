"""One entry on the scoring page: an objective, or (in a record kept per key area) a key area.

The rubric and earlier periods beside the form; score, target, comment, evidence and actions in
it, each kept as the person's draft as soon as it changes; a Confirm control for a carried score;
the choice between "Keep mine" and "Use theirs" when someone else saved meanwhile; movement since
last period as the unsaved edit would make it.
"""

from __future__ import annotations

import streamlit as st

from assessment import workflows
from assessment.domain import limits, movement
from assessment.domain.advice import entry_warnings
from assessment.domain.edits import Draft, EntryEdit, action_rows, apply_edit
from assessment.domain.numbers import counted
from assessment.domain.errors import AssessmentError, InvalidEdit, ScoreError, as_sentence
from assessment.domain.framework import Framework
from assessment.domain.record import (
    ACTION_STATUSES,
    RAG,
    Entry,
    OrganisationRecord,
    PeriodRecord,
    evidence_text,
    long_date,
    long_date_time,
    period_key,
)
from assessment.domain.scores import UNSCORED, choice_labels
from assessment.ui import drafts, state
from assessment.ui.html_tables import table
from assessment.ui.text import md, said

LABELS = {"objective": ("Score", "Target (where we want to be)"),
          "key_area": ("Where we are today", "Where we want to be")}


def render(framework: Framework, record: OrganisationRecord, period: str, entry: Entry, draft: Draft | None,
           editable: bool) -> None:
    """One entry's form (`editable`: as the lock, `workflows.may_change`, answered for the page)."""
    org, kind, item = record.organisation.id, entry.kind, entry.item
    p = drafts.prefix(org, period, kind, item)
    edit = draft.edit if draft else None
    key_area_id = item if kind == "key_area" else framework.key_area_of[item]
    if kind == "objective":
        objective = framework.objectives[item]
        st.markdown(f"### {md(objective.id)}. {md(objective.title)}")
        description = objective.description
    else:
        st.markdown(f"### {md(framework.key_areas[item].title)}")
        description = framework.key_areas[item].description
    if description:
        st.caption(md(description))
    earlier = [x for x in record.sorted_periods() if period_key(x.period) < period_key(period)]
    if editable and edit is not None and edit.base_version != entry.version:
        _conflict(framework, org, period, entry, edit, p)
    left, right = st.columns([3, 2])
    with right:
        _rubric(framework, kind, item)
        _history(framework, earlier[-3:], entry, edit)
    with left:
        if not editable:
            _read_only(framework, entry)
            _versions(org, period, entry, p, editable)
            return
        if entry.carried and edit is None:
            _confirm(org, period, entry, p, earlier[-1].period if earlier else None)
        baseline = record.baselines.get(item) if kind == "objective" else None
        if baseline is not None:
            agreed = f" (agreed {record.baseline_agreed})" if record.baseline_agreed else ""
            st.caption(f"Baseline: {md(baseline.label(framework))}{md(agreed)}")
        fresh = _fresh(p, entry, draft)
        for field, label, stored in (("score", LABELS[kind][0], entry.score),
                                     ("target", LABELS[kind][1], entry.target)):
            options = choice_labels(framework, key_area_id, target=field == "target")
            key = f"{p}.{field}"
            chosen = getattr(edit, field) if edit and getattr(edit, field) is not None else stored.label(framework)
            chosen = chosen if chosen in options else options[0]
            if fresh or key not in st.session_state:
                st.session_state[key] = chosen   # what is kept (the draft, else what is saved)
            st.selectbox(label, options, key=key, on_change=drafts.keep_widget,
                         args=(org, period, entry, field, key, chosen))
        _target_period(org, period, entry, edit, p, fresh)
        for field, label, saved_text, height in (
                ("comment", "Comment", entry.comment or "", 100),
                ("evidence", "Evidence links (one per line: title | address)", evidence_text(entry.evidence), 68)):
            key = f"{p}.{field}"
            value = getattr(edit, field) if edit and getattr(edit, field) is not None else saved_text
            if fresh or key not in st.session_state:
                st.session_state[key] = value
            st.text_area(label, key=key, height=height, on_change=drafts.keep_widget,
                         max_chars=limits.COMMENT if field == "comment" else None,
                         args=(org, period, entry, field, key, value),
                         help="Last period's comment is shown beside; it is not copied into this one."
                         if field == "comment" else None)
        _earlier_actions(earlier, entry, period)
        rows = edit.actions if isinstance(edit, EntryEdit) and edit.actions is not None else action_rows(entry)
        _actions(org, period, entry, p, rows, fresh)
        _warnings(framework, earlier[-1] if earlier else None, entry, edit)
        if draft is not None:
            st.button("Discard my changes here", key=f"{p}.discard", on_click=drafts.discard,
                      args=(org, period, [(kind, item)]))
        _versions(org, period, entry, p, editable)


def _common_target(framework: Framework, current, key_area_id: str) -> tuple[str, str] | None:
    """The target (as the form shows it) and its period that every applicable objective has, if they agree."""
    found = {(e.target.target_label(framework), e.target_period or "")
             for o in framework.objective_ids[key_area_id]
             if (e := current.entries.get(o)) is not None and not e.score.not_applicable}
    return found.pop() if len(found) == 1 else None


def key_area_target(framework: Framework, org: str, period: str, key_area_id: str, current) -> None:
    """One target for the whole key area in one step (each objective's can still be changed after)."""
    title = framework.key_areas[key_area_id].title
    if said_before := st.session_state.pop("score.ka_target.said", None):
        st.success(md(said_before))
    with st.expander(f"Set one target for all of {md(title)}"):
        with st.form(f"score.ka_target.{key_area_id}", border=False):
            left, right = st.columns(2)
            choices = choice_labels(framework, key_area_id, target=True)
            now = _common_target(framework, current, key_area_id)   # what they share now, if they agree
            target = left.selectbox("Target for every objective", choices, key=f"score.ka_target.{key_area_id}.level",
                                    index=choices.index(now[0]) if now and now[0] in choices else 0)
            by = right.text_input("To be reached by (a period, such as 2025/26)", max_chars=16,
                                  value=now[1] if now else "", key=f"score.ka_target.{key_area_id}.by")
            st.caption("An objective scored n/a takes a target of n/a, so the key area's target stands on the rest.")
            if not st.form_submit_button("Set this target for every objective"):
                return
    try:
        changed = workflows.set_key_area_target(state.store(), state.actor(), org, period, key_area_id, target,
                                                by or None)
    except AssessmentError as exc:
        st.error(said(exc))
        return
    drafts.forget(org, period, [("objective", o) for o in framework.objective_ids[key_area_id]])
    when = f" by {by}" if by else ""
    st.session_state["score.ka_target.said"] = (
        f"Set the target of {counted(len(changed), 'objective')} of {title} to {target}{when}." if changed
        else f"Every objective of {title} already had this target.")
    st.rerun()


def _target_period(org: str, period: str, entry: Entry, edit, p: str, fresh: bool) -> None:
    """The period the target is to be reached by, shown in the report beside the target ("by 2025/26")."""
    key = f"{p}.target_period"
    value = edit.target_period if edit and edit.target_period is not None else entry.target_period or ""
    if fresh or key not in st.session_state:
        st.session_state[key] = value
    st.text_input("Target to be reached by (a period, such as 2025/26)", key=key, max_chars=16,
                  on_change=drafts.keep_widget, args=(org, period, entry, "target_period", key, value),
                  help="Leave empty where no date is agreed. Written as the periods are: 2026 or 2025/26.")


def _fresh(p: str, entry: Entry, draft: Draft | None) -> bool:
    """Whether the form is drawn afresh from the draft (else the saved entry) rather than left as the
    person has it: when it was not drawn yet in this visit to its place (first shown, the page left
    and come back to, another key area shown meanwhile: the browser mounts it afresh, at its
    defaults, unless its values are given again; `state.place`), after it was forgotten (saved,
    discarded: `drafts.forget`), and when this tab keeps no draft of it and the saved entry moved on
    since it was drawn (someone saved). Not while the person goes on choosing in it: a form drawn
    afresh every run could put back a value over a choice made while the page was running."""
    shown_before = state.drawn_this_visit(f"{p}.visit")
    drawn = st.session_state.get(f"{p}.drawn")
    fresh = not shown_before or drawn is None or (draft is None and drawn != entry.version)
    if fresh:
        st.session_state[f"{p}.drawn"] = entry.version
    return fresh


def _read_only(framework: Framework, entry: Entry) -> None:
    """An entry of a period that cannot be changed here (submitted or approved), as text."""
    labels = LABELS[entry.kind]
    target = entry.target.target_label(framework)
    st.markdown(f"**{labels[0]}:** {md(entry.score.label(framework))}  \n**{labels[1]}:** {md(target)}")
    st.markdown(md(entry.comment) if entry.comment else "_No comment._")
    for link in entry.evidence:
        st.markdown("- " + md(link.line))
    for action in entry.actions:
        st.markdown("- " + md(f"Action: {action.text} — {action.owner or 'no owner'}, {long_date(action.due)}, "
                              f"{action.status}"))


def _versions(org: str, period: str, entry: Entry, p: str, editable: bool) -> None:
    """Every saved version: who, when, what made it and what it changed; an earlier one can be
    restored (as a new version, itself kept)."""
    if not entry.version:
        return
    # Read and drawn only when asked for: every save adds a version, and a key area's page would
    # otherwise read and draw every version of every objective on every run.
    if not st.toggle(f"Versions ({entry.version})", key=f"{p}.versions"):
        return
    with st.container(border=True):
        found = workflows.queries.history(state.store(), state.actor(), org, period, entry.item, entry.kind)
        known = workflows.queries.names(state.store(), state.actor(), org)
        for version in reversed(found):
            when = long_date_time(version.at)
            by = known.get(version.by, version.by) if version.by else "unknown"
            st.markdown(md(f"Version {version.version}, {when}, {by} ({version.change or 'saved'})"
                           + (" — the current one" if version.version == entry.version else "")))
            for change in version.changes:
                st.caption(md(str(change)))
            if editable and version.version != entry.version:
                st.button(f"Restore version {version.version}", key=f"{p}.restore.{version.version}",
                          help="Makes this version the current one, as a new version: its score, target, "
                               "comment, actions and evidence (an action added since is removed). Nothing is lost: "
                               "the current version stays in this list.",
                          on_click=_restore, args=(org, period, entry, version.version))


def _restore(org: str, period: str, entry: Entry, version: int) -> None:
    try:
        workflows.restore_version(state.store(), state.actor(), org, period, entry.item, version, kind=entry.kind,
                                  expected_version=entry.version)
    except AssessmentError as exc:
        st.session_state["score.flash"] = ("error", as_sentence(exc))
    else:
        drafts.forget(org, period, [(entry.kind, entry.item)])
        latest = workflows.queries.history(state.store(), state.actor(), org, period, entry.item, entry.kind)[-1]
        changed = "; ".join(str(c) for c in latest.changes)   # an action added since is removed: say so
        restored = f"Restored version {version} of {entry.kind.replace('_', ' ')} {entry.item} as a new version"
        st.session_state["score.flash"] = ("success", as_sentence(f"{restored}: {changed}") if changed
                                           else f"{restored} (nothing differed).")


def _name(org: str, by: str) -> str:
    """Who saved something, by name where the organisation's people list has one."""
    return workflows.queries.names(state.store(), state.actor(), org).get(by, by)


def _conflict(framework: Framework, org: str, period: str, entry: Entry, edit, p: str) -> None:
    """Saved meanwhile, by anyone (the same person in another tab too): both in full, and a choice."""
    what = "Objective " + entry.item if entry.kind == "objective" else framework.key_areas[entry.item].title
    by_me = entry.updated_by is not None and entry.updated_by == state.actor().name
    who = "you in another tab" if by_me else \
        _name(org, entry.updated_by) if entry.updated_by else "someone else"
    st.error(md(f"{what} was saved by {who} ({long_date_time(entry.updated_at)}, "
                f"version {entry.version}) after you began changing version {edit.base_version}. Nothing of either "
                "is lost: choose which to keep (the other stays in the versions)."))
    try:
        mine = apply_edit(framework, entry, edit)
    except (ScoreError, InvalidEdit):
        mine = None
    with st.container(border=True, key=f"{p}.conflict"):
        theirs_column, mine_column = st.columns(2)
        with theirs_column:
            st.markdown("**As saved in your other tab**" if by_me else "**Theirs, as saved**")
            _in_full(framework, entry)
            st.button("Use the saved one" if by_me else "Use theirs", key=f"{p}.use_theirs", on_click=drafts.discard,
                      args=(org, period, [(entry.kind, entry.item)]))
        with mine_column:
            st.markdown("**Yours, in the form below**")
            _in_full(framework, mine) if mine is not None else st.caption("Yours cannot be read yet: see the form.")
            st.button("Keep mine", key=f"{p}.keep_mine", on_click=drafts.keep_mine,
                      args=(org, period, (entry.kind, entry.item)), type="primary")


def _in_full(framework: Framework, entry: Entry) -> None:
    labels = LABELS[entry.kind]
    target = entry.target.target_label(framework)
    st.markdown(md(f"{labels[0]}: {entry.score.label(framework)}") + "  \n" + md(f"{labels[1]}: {target}"))
    st.text(entry.comment or "(no comment)")
    for link in entry.evidence:
        st.text(link.line)
    if entry.actions:
        st.caption(md(f"{counted(len(entry.actions), 'action')}: " + "; ".join(a.text for a in entry.actions)))


def _confirm(org: str, period: str, entry: Entry, p: str, previous: str | None) -> None:
    since = f" from {previous}" if previous else ""
    st.info(f"Carried forward{since}: confirm the score as it stands, or change it below.")
    if st.button("Confirm this score", key=f"{p}.confirm"):
        try:
            workflows.confirm_scores(state.store(), state.actor(), org, period, [(entry.kind, entry.item)],
                                     versions={(entry.kind, entry.item): entry.version})
        except AssessmentError as exc:
            st.error(said(exc))
        else:
            st.rerun()


def _rubric(framework: Framework, kind: str, item: str) -> None:
    with st.expander("Level descriptors"):
        if kind == "key_area":
            table([{"Level": lv.label, "Descriptor": framework.key_areas[item].rubric[lv.value]}
                   for lv in framework.levels])
            return
        objective = framework.objectives[item]
        for level in framework.levels:
            own = " (this objective's own descriptor)" if level.value in objective.levels else ""
            st.markdown(f"**{md(level.label)}**{own}")
            st.text(framework.descriptor(item, level.value))


def _history(framework: Framework, earlier: list[PeriodRecord], entry: Entry, edit) -> None:
    if not earlier:
        st.caption("No earlier periods.")
        return
    def old(period: PeriodRecord) -> Entry | None:
        return (period.entries if entry.kind == "objective" else period.key_area_entries).get(entry.item)
    last, now, unsaved = old(earlier[-1]), entry, False
    if edit is not None:
        try:
            now, unsaved = apply_edit(framework, entry, edit), edit.score is not None
        except (ScoreError, InvalidEdit):
            pass
    if last is not None and last.score.is_scored and now.score.is_scored:
        moved = movement.change(last.score.value, now.score.value)
        how = "with your unsaved change" if unsaved else "as saved"
        st.markdown(f"Movement since {earlier[-1].period} ({how}): **{movement.label(moved, amount='levels')}**")
    for period in reversed(earlier):
        before = old(period)
        st.markdown(f"**{md(period.period)}: {md((before.score if before else UNSCORED).label(framework))}**")
        if before and before.comment:
            st.text(before.comment)


def _earlier_actions(earlier: list[PeriodRecord], entry: Entry, period: str) -> None:
    """Actions raised in earlier periods and still open at this one: they live where they were
    raised (their progress is recorded on the Actions page), and are shown here until closed."""
    still = [(p.period, a) for p in earlier
             for a in ((p.entries if entry.kind == "objective" else p.key_area_entries).get(entry.item) or
                       Entry(entry.item)).actions if a.open_at(p.period, period)]
    if not still:
        return
    with st.expander(f"Open actions from earlier periods ({len(still)})", expanded=True):
        for raised, a in still:
            st.markdown("- " + md(f"{raised}: {a.text} — {a.owner or 'no owner'}, {long_date(a.due)}, {a.status}"
                                  + (f", {a.rag}" if a.rag else "")))
        st.caption("Record their progress, or close them, on the Actions page.")


def _actions(org: str, period: str, entry: Entry, p: str, rows: list[dict], fresh: bool) -> None:
    with st.expander(f"Actions raised in {period} ({len(rows)})", expanded=bool(rows)):
        for i, row in enumerate(rows):
            st.markdown(f"{i + 1}. " + md(f"{row['text']} — {row.get('owner') or 'no owner'}, "
                                          f"{long_date(row.get('due'))}, {row.get('status')}"
                                          + (f", {row['rag']}" if row.get("rag") else "")))
            cols = st.columns(2)
            for column, field, label, options, value in (
                    (cols[0], "status", "Status", ACTION_STATUSES, row.get("status") or "open"),
                    (cols[1], "rag", "Red/amber/green", ["none", *RAG], row.get("rag") or "none")):
                key = f"{p}.action.{i}.{field}"
                if fresh or key not in st.session_state:
                    st.session_state[key] = value      # what is kept (drawn afresh as the form is: `_fresh`)
                column.selectbox(label, options, key=key, on_change=_action_changed,
                                 args=(org, period, entry, rows, i, field, key))
        st.markdown("**New action**")
        for field in ("text", "owner", "due"):   # kept while the page is left and come back to
            key = f"{p}.new.{field}"
            if (fresh or key not in st.session_state) and f"{p}.typed.{field}" in st.session_state:
                st.session_state[key] = st.session_state[f"{p}.typed.{field}"]
        st.text_input("Action", key=f"{p}.new.text", max_chars=limits.ACTION_TEXT, on_change=_typed, args=(p, "text"),
                      help="Added when you press Add action, or when you save this key area.")
        cols = st.columns(2)
        cols[0].text_input("Owner", key=f"{p}.new.owner", max_chars=limits.OWNER, on_change=_typed, args=(p, "owner"))
        cols[1].date_input("Due date", value=None, key=f"{p}.new.due", format="DD/MM/YYYY", on_change=_typed,
                           args=(p, "due"))
        st.button("Add action", key=f"{p}.new.add", on_click=_add_action, args=(org, period, entry, p, rows))


def _typed(p: str, field: str) -> None:
    """Keep what is typed in the New action fields for this session (the browser forgets a field
    of a page that is left); it is added to the draft with Add action or Save."""
    st.session_state[f"{p}.typed.{field}"] = st.session_state[f"{p}.new.{field}"]


def _add_action(org: str, period: str, entry: Entry, p: str, rows: list[dict]) -> None:
    try:
        add_typed_action(org, period, entry, p, rows)
    except AssessmentError as exc:   # the typed action stays in its fields
        drafts.refused(exc)


def _action_changed(org: str, period: str, entry: Entry, rows: list[dict], i: int, field: str, key: str) -> None:
    changed = [dict(r) for r in rows]
    value = st.session_state[key]
    changed[i][field] = None if value == "none" else value
    drafts.keep_or_say(org, period, entry, actions=changed)


def add_typed_action(org: str, period: str, entry: Entry, p: str, rows: list[dict]) -> bool:
    """Add the action typed in the New action fields to the draft (and empty the fields); False
    when nothing is typed. The Save button calls it too, so a typed action is never lost."""
    text = (st.session_state.get(f"{p}.new.text") or "").strip()
    if not text:
        return False
    owner = (st.session_state.get(f"{p}.new.owner") or "").strip()
    drafts.keep(org, period, entry, actions=[*rows, {"text": text, "owner": owner, "status": "open", "rag": None,
                                                     "due": st.session_state.get(f"{p}.new.due")}])
    for field, empty in (("text", ""), ("owner", ""), ("due", None)):
        st.session_state[f"{p}.new.{field}"] = empty
        st.session_state.pop(f"{p}.typed.{field}", None)
    return True


def _warnings(framework: Framework, last: PeriodRecord | None, entry: Entry, edit) -> None:
    try:
        current = apply_edit(framework, entry, edit) if edit is not None else entry
    except (ScoreError, InvalidEdit) as exc:
        st.error(said(exc))
        return
    previous = None
    if last is not None:
        previous = (last.entries if entry.kind == "objective" else last.key_area_entries).get(entry.item)
    for warning in entry_warnings(framework, current, previous, last.period if last else None):
        st.warning(md(warning))
