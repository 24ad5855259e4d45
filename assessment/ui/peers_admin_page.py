"""Peer comparison (the deployment's administrator): the groups councils are compared in, clubs,
releases with the guard's reasons, and published outside figures. What the command line's `peers`
commands do, on a page; every change goes through `workflows.peers`."""

from __future__ import annotations

from datetime import date

import streamlit as st

from assessment import workflows
from assessment.domain.errors import AssessmentError
from assessment.domain.numbers import counted
from assessment.domain.peer_records import CLUB, SERIES, with_a_median
from assessment.domain.peers import REGIONS, TYPES
from assessment.domain.record import long_date, long_date_time
from assessment.ui import state
from assessment.ui.html_tables import table
from assessment.ui.messages import done_or_said
from assessment.ui.text import md, said
from assessment.workflows import queries

store, actor = state.store(), state.actor()
st.title("Peer comparison")
if not actor.manages_deployment:
    st.info("Peer comparison is set up by the deployment's administrator.")
    st.stop()
if "peers.done" in st.session_state:
    st.success(md(st.session_state.pop("peers.done")))


def _do(change, done) -> None:
    done_or_said(change, done, "peers.done")


found = workflows.peer_groups(store, actor)
managed = {o.id: o for o in queries.managed_organisations(store, actor)}
names = {o: org.name for o, org in managed.items()}
put_forward = workflows.peers_put_forward(store, actor)
st.caption("Councils are compared in fixed groups: by type, by region and in the clubs defined here. A release "
           "freezes every group's figures from the approved periods put forward at that moment; a council sees "
           "only its own groups' figures, never another council's scores or name.")

st.header("Groups")
table([{"Kind": g.kind.capitalize(), "Group": g.name, "Councils": len(g.members)} for g in found.groups],
      st.container(key="peers.groups"))
if found.unmapped:
    st.warning(md("Not in any type or region group until put right below (their type or region could not be "
                  "read): " + "; ".join(f"{names.get(o, o)}: {what} “{text}”" for o, what, text in found.unmapped)))
with st.expander("Put a council's type or region right", expanded=bool(found.unmapped)):
    first = [o for o, _, _ in found.unmapped] + list(names)
    whose = st.selectbox("Council", list(dict.fromkeys(first)), format_func=lambda o: names[o], key="peers.place.org")
    now = managed[whose]
    with st.form("peers.place", border=False):   # each starts at the council's own (None where unread)
        kind = st.selectbox("Type", ["", *TYPES], format_func=lambda t: t or "None", key=f"peers.place.type.{whose}",
                            index=1 + TYPES.index(now.type) if now.type in TYPES else 0)
        place = st.selectbox("Region", ["", *REGIONS], format_func=lambda r: r or "None",
                             key=f"peers.place.region.{whose}",
                             index=1 + REGIONS.index(now.region) if now.region in REGIONS else 0)
        if st.form_submit_button("Save the type and region"):
            _do(lambda: workflows.set_organisation_place(store, actor, whose, kind, place),
                lambda org: f"{org.name}: type {org.type or 'none'}, region {org.region or 'none'}; it counts in "
                            "its groups from the next release.")

st.header("Clubs")
clubs = [g for g in found.groups if g.kind == "club"]
with st.form("peers.club", border=True):
    st.markdown("**Define a club, or redefine one by its name**")
    club_name = st.text_input("Club name", key="peers.club.name")
    members = st.multiselect("Councils (at least 5)", list(names), format_func=lambda o: names[o],
                             key="peers.club.members")
    if st.form_submit_button("Save the club"):
        _do(lambda: workflows.add_club(store, actor, club_name, members),
            lambda club: f"Club {club.name} saved with {counted(len(club.data['members']), 'council')}.")
if clubs:
    with st.expander("Remove a club"):
        gone = st.selectbox("Club", [g.name for g in clubs], key="peers.club.remove.name")
        if st.button("Remove the club", key="peers.club.remove"):
            _do(lambda: workflows.remove_peer_document(store, actor, CLUB, gone),
                f"Club {gone} removed; releases already published keep it as it was.")

st.header("Releases")
st.markdown(md(f"{counted(len(put_forward), 'approved period')} put forward now, from "
               f"{counted(len({o.org_id for o in put_forward}), 'council')}: the next release counts them."))
releases = workflows.peer_releases(store, actor)


def _shown(release) -> int:
    return sum(with_a_median(part) for part in release.data.get("frameworks", {}).values())


def _withheld(release, key: str) -> None:
    """Why the guard withheld what it did in `release` (only the deployment's administrator sees it)."""
    reasons = [(frameworks_named.get(base, base), group, why)
               for base, part in release.data.get("frameworks", {}).items()
               for group, why in {**part.get("withheld", {}), **part.get("withheld_key_areas", {})}.items()]
    st.caption("A group (or one key area of it) whose councils differ by 1 to 4 from another group's, or from any "
               "set shown in an earlier release (a council whose levels changed counting as one gone and one come), "
               "is withheld so that no council's score can be worked out; it comes back once the difference is 5 "
               f"or more. Only you see these reasons. Withheld: {len(reasons)}.")
    table([{"Framework": base, "Group, year (key area)": group.replace("|", ", "), "Why": why}
           for base, group, why in reasons], st.container(key=key))


frameworks_named = {f: queries.framework(f).name for f in queries.frameworks()}
table([{"Release": r.name, "Published": long_date(r.released_on) if r.released_on else "", "By": r.made_by or "",
        "Figures with a median": _shown(r),
        "Groups withheld": sum(len(part.get("withheld", {})) for part in r.data.get("frameworks", {}).values())}
       for r in reversed(releases)], st.container(key="peers.releases"))
if releases:
    with st.expander(f"Withheld by the guard in release {releases[-1].name}"):
        _withheld(releases[-1], "peers.withheld")
with st.form("peers.release", border=True):
    st.markdown("**Publish a release**: preview it first to see what it would show and withhold")
    on = st.date_input("Dated", value=date.today(), max_value=date.today(), format="DD/MM/YYYY", key="peers.release.on")
    preview, publish = st.columns(2)
    if preview.form_submit_button("Preview the release"):
        try:
            st.session_state["peers.preview"] = workflows.publish_release(store, actor, on, preview=True)
        except AssessmentError as exc:
            st.error(said(exc))
    if publish.form_submit_button("Publish the release"):
        st.session_state.pop("peers.preview", None)
        _do(lambda: workflows.publish_release(store, actor, on),
            lambda made: f"Release {made.name} of {long_date(made.released_on)} published.")
if (shown := st.session_state.get("peers.preview")) is not None:
    with st.container(border=True, key="peers.preview"):
        st.markdown("**" + md(f"Preview of release {shown.name}, dated {long_date(shown.released_on)}") + "** "
                    + md(f"(nothing is published): {counted(_shown(shown), 'figure')} with a median."))
        _withheld(shown, "peers.preview.withheld")

st.header("Published outside figures")
series = workflows.peer_series(store, actor)
framework_ids = queries.frameworks()
table([{"Series": s.name, "Source": s.data.get("source", ""), "Year": s.data.get("year", ""),
        "Framework": frameworks_named.get(s.data.get("framework_id", ""), s.data.get("framework_id", "")),
        "Key areas": len(s.data.get("levels", {})),
        "Entered": long_date_time(s.made_at) if s.made_at else ""} for s in series],
      st.container(key="peers.series"))
with st.expander("Enter a published series"):
    st.markdown("For example a national diagnostic's aggregates: always shown with its source and year.")
    framework_id = st.selectbox("Framework", framework_ids, key="peers.series.framework",
                                format_func=lambda f: frameworks_named.get(f, f),
                                index=framework_ids.index("nps-2018") if "nps-2018" in framework_ids else 0)
    framework = queries.framework(framework_id)
    with st.form("peers.series.add", border=False):
        series_name = st.text_input("Name", key="peers.series.name")
        source = st.text_input("Where it was published (source)", key="peers.series.source")
        year = st.number_input("Year", min_value=2000, max_value=date.today().year + 1, value=date.today().year,
                               key="peers.series.year")
        levels = {k: st.number_input(f"{ka.title} (level, blank if not published)", min_value=1.0,
                                     max_value=float(framework.max_level), value=None, step=0.1,
                                     key=f"peers.series.level.{framework_id}.{k}")
                  for k, ka in framework.key_areas.items()}
        if st.form_submit_button("Save the series"):
            given = {k: float(v) for k, v in levels.items() if v is not None}
            _do(lambda: workflows.add_series(store, actor, series_name, source=source, year=int(year),
                                             framework_id=framework_id, levels=given),
                lambda made: f"Series {made.name} saved with {counted(len(made.data['levels']), 'key area')}.")
if series:
    with st.expander("Remove a series"):
        dropped = st.selectbox("Series", [s.name for s in series], key="peers.series.remove.name")
        if st.button("Remove the series", key="peers.series.remove"):
            _do(lambda: workflows.remove_peer_document(store, actor, SERIES, dropped), f"Series {dropped} removed.")
