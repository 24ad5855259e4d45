"""Unsaved edits, kept in the database as the person's drafts in this browser tab
(`workflows.keep_draft`, `state.tab`).

Each field's `on_change` keeps what was changed at once, so a reload or a server restart finds the
draft again (a text area sends its text when it loses focus; until then the browser asks before
the page is left, `unsaved_text_guard`). A draft remembers the version of the saved entry the tab
showed when it began; when anyone, the same person in another tab included, has saved since, the
page offers "Keep mine" or "Use theirs" with both in full. Drafts of the person's other tabs (a
tab closed, an earlier visit) are offered to bring here or discard. Widget values live under keys
namespaced by page, organisation, period and entry, and are dropped when a draft is saved or
discarded so the widgets show what is saved.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from assessment import workflows
from assessment.domain.edits import Draft, EntryEdit
from assessment.domain.errors import AssessmentError, as_sentence
from assessment.domain.record import Entry
from assessment.ui import state
from assessment.workflows import queries


def prefix(org: str, period: str, kind: str, item: str) -> str:
    """The widget keys of one entry: objectives as 'score.<org>.<period>.<id>', key areas with '.ka.'."""
    return f"score.{org}.{period}.{item}" if kind == "objective" else f"score.{org}.{period}.ka.{item}"


def all_mine(org: str, period: str) -> list[Draft]:
    """The acting person's drafts of the period, in every tab."""
    return queries.drafts(state.store(), state.actor(), org, period)


def mine(org: str, period: str, found: list[Draft] | None = None) -> dict[tuple[str, str], Draft]:
    """The acting person's drafts of the period in this tab, by (kind, item)."""
    here = state.tab()
    return {d.edit.key: d for d in (all_mine(org, period) if found is None else found) if d.tab == here}


def elsewhere(org: str, period: str, found: list[Draft] | None = None) -> list[Draft]:
    """The acting person's drafts of the period in their other tabs (or from an earlier visit)."""
    here = state.tab()
    return [d for d in (all_mine(org, period) if found is None else found) if d.tab != here]


def keep(org: str, period: str, entry: Entry, **values: Any) -> None:
    """Keep changed values of an entry in the person's draft in this tab (started from the version of
    `entry`: the one the form showed when it was drawn)."""
    workflows.keep_draft(state.store(), state.actor(), org, period,
                         EntryEdit(entry.item, entry.kind, entry.version, **values), tab=state.tab())


REFUSED = "score.refused"   # why a change was not kept, shown at the top of the page in the next run


def keep_or_say(org: str, period: str, entry: Entry, **values: Any) -> bool:
    """`keep`, as a widget's callback: when the change is refused (a colleague submitted the period
    meanwhile, the person's role was changed), the page says why in its next run, not a traceback."""
    try:
        keep(org, period, entry, **values)
    except AssessmentError as exc:
        refused(exc)
        return False
    return True


def refused(exc: AssessmentError) -> None:
    st.session_state[REFUSED] = as_sentence(f"Your change was not kept: {exc}")


def keep_widget(org: str, period: str, entry: Entry, field: str, key: str, shown: Any) -> None:
    """A widget's on_change: keep its value as the draft's `field`, unless it is what the page showed
    (Streamlit can report every widget as changed when a page is left while a change is in flight)."""
    if st.session_state[key] != shown:
        keep_or_say(org, period, entry, **{field: st.session_state[key]})


def forget(org: str, period: str, keys) -> None:
    """Drop the widget values of these (kind, item) entries so the widgets show what is saved."""
    for kind, item in keys:
        state.forget_widgets(prefix(org, period, kind, item) + ".")


def discard(org: str, period: str, keys: list[tuple[str, str]]) -> None:
    workflows.discard_drafts(state.store(), state.actor(), org, period, keys, tab=state.tab())
    forget(org, period, keys)


def discard_elsewhere(org: str, period: str, found: list[Draft]) -> None:
    """Throw away the person's drafts of other tabs (those listed)."""
    for other in sorted({d.tab for d in found}):
        workflows.discard_drafts(state.store(), state.actor(), org, period,
                                 [d.edit.key for d in found if d.tab == other], tab=other)


def bring_here(org: str, period: str) -> None:
    """Bring the person's drafts of other tabs into this one (where it has none of the same entry)."""
    forget(org, period, workflows.take_drafts_here(state.store(), state.actor(), org, period, tab=state.tab()))


def save(org: str, period: str, keys: list[tuple[str, str]]):
    return workflows.save_drafts(state.store(), state.actor(), org, period, keys, tab=state.tab())


def keep_mine(org: str, period: str, key: tuple[str, str]) -> None:
    workflows.keep_mine(state.store(), state.actor(), org, period, key, tab=state.tab())


def names(framework, keys) -> str:
    """'objectives 3, 17' / 'key areas Engaging Councillors; Tendering' for messages, in the
    framework's order whatever the order they were saved in."""
    order = {item: i for i, item in enumerate(framework.objectives)}
    objectives = sorted((item for kind, item in keys if kind == "objective"), key=lambda o: order.get(o, len(order)))
    areas = [framework.key_areas[item].title for kind, item in keys
             if kind == "key_area" and item in framework.key_areas]
    parts = []
    if objectives:
        parts.append(f"objective{'s' if len(objectives) > 1 else ''} {', '.join(objectives)}")
    if areas:
        parts.append(f"key area{'s' if len(areas) > 1 else ''} {'; '.join(areas)}")
    return " and ".join(parts)


# Text typed and not yet sent (a text area sends when it loses focus), or an action typed and not yet
# added: the browser asks before the page is left or reloaded. One listener per page, whatever the reruns.
_GUARD = """<script>
(() => {
  const doc = window.parent && window.parent.document ? window.parent.document : document;
  const win = doc.defaultView || window;
  if (win.__assessmentUnsavedGuard) return;
  win.__assessmentUnsavedGuard = true;
  const typed = new Set();
  doc.addEventListener("input", (e) => {
    if (e.target && (e.target.tagName === "TEXTAREA" || e.target.tagName === "INPUT") && e.target.type !== "file")
      typed.add(e.target);
  }, true);
  const sent = (e) => typed.delete(e.target);
  doc.addEventListener("change", sent, true);
  doc.addEventListener("blur", sent, true);
  doc.addEventListener("keydown", (e) => { if (e.key === "Enter" && e.target.tagName === "INPUT") sent(e); }, true);
  win.addEventListener("beforeunload", (e) => {
    const unadded = [...doc.querySelectorAll('[class*="-new-text"] input')].some((el) => el.value.trim());
    if (unadded || [...typed].some((el) => el.isConnected)) { e.preventDefault(); e.returnValue = ""; return ""; }
  });
})();
</script>"""


def unsaved_text_guard() -> None:
    """Ask before the page is left while text typed in a box has not been sent (kept) yet."""
    st.html(_GUARD, unsafe_allow_javascript=True)
