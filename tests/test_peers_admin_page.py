"""The deployment administrator's Peer comparison page (issue 31), through AppTest: the groups, a
club defined and removed, a release published with the guard's reasons beside it, an outside series
entered and removed, refusals shown in a line; and nobody else reaches it."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from assessment import workflows
from assessment.domain.errors import NotAllowed
from assessment.storage.store import open_store
from assessment.workflows import LOCAL_ACTOR, Actor

from .conftest import ROOT, shown, tables, unescape
from .test_peers import council

ADMIN = Actor("admin@deployment.example", administers_deployment=True)
PAGE = str(ROOT / "assessment" / "ui" / "peers_admin_page.py")


@pytest.fixture
def peers_url(tmp_path, monkeypatch):
    """Twelve unitary authorities, six in the East of England and six in the North West, each with an
    approved period put forward."""
    url = f"sqlite:///{tmp_path / 'peers-admin.db'}"
    store = open_store(url)
    for n in range(12):
        record = council(n, region="East of England" if n < 6 else "North West")
        workflows.import_record(store, LOCAL_ACTOR, record)
        workflows.peers_opt_in(store, LOCAL_ACTOR, record.organisation.id, "2023/24")
    store.engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def _page(actor: Actor) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.session_state["signin.actor"] = actor
    return _run(at)


def _run(what) -> AppTest:
    at = what.run()
    assert not at.exception, at.exception
    return at


def _said(at) -> list[str]:
    return [unescape(e.value) for e in [*at.success, *at.error]]


def test_the_administrator_defines_a_club_publishes_a_release_and_enters_a_series(peers_url):
    at = _page(ADMIN)
    groups = next(t for t in tables(at) if "Group" in t.columns)
    counts = dict(zip(groups["Group"], groups["Councils"].astype(int)))
    assert counts["unitary"] == 12 and counts["East of England"] == 6 and counts["North West"] == 6
    assert "12 approved periods put forward now, from 12 councils: the next release counts them." in [
        m.value for m in shown(at.markdown)]

    # a club of three is refused in a line, and nothing is kept
    at.text_input(key="peers.club.name").input("Eastern buyers")
    at.multiselect(key="peers.club.members").set_value(["council-00", "council-01", "council-02"])
    _run(at.button(key="FormSubmitter:peers.club-Save the club").click())
    assert "A club has at least 5 councils, not 3." in _said(at)
    assert [g.name for g in workflows.peer_groups(open_store(peers_url), ADMIN).groups if g.kind == "club"] == []

    # the East of England less one: the guard withholds the club, and says why on this page alone
    at.multiselect(key="peers.club.members").set_value([f"council-{n:02d}" for n in range(5)])
    _run(at.button(key="FormSubmitter:peers.club-Save the club").click())
    assert "Club Eastern buyers saved with 5 councils." in _said(at)
    at.date_input(key="peers.release.on").set_value(date(2026, 4, 1))
    _run(at.button(key="FormSubmitter:peers.release-Preview the release").click())    # first, a preview
    assert "**Preview of release 1, dated 1 April 2026** (nothing is published): 42 figures with a median." in [
        m.value for m in shown(at.markdown)]
    previewed = next(t for t in tables(at) if "Why" in t.columns)
    assert list(previewed["Group, year (key area)"]) == ["Eastern buyers, 2023"]
    assert workflows.peer_releases(open_store(peers_url), ADMIN) == []                 # nothing kept
    _run(at.button(key="FormSubmitter:peers.release-Publish the release").click())
    assert "Release 1 of 1 April 2026 published." in _said(at)
    releases = next(t for t in tables(at) if "Release" in t.columns)
    assert list(releases.iloc[0])[:3] == ["1", "1 April 2026", ADMIN.name]
    assert int(releases.iloc[0]["Groups withheld"]) == 1
    reasons = next(t for t in tables(at) if "Why" in t.columns)
    assert list(reasons["Group, year (key area)"]) == ["Eastern buyers, 2023"]
    assert "differ from those of East of England (region, 6 councils, shown) by 1 council" in reasons["Why"][0]

    # an outside series with two key areas' levels; then removed
    at.text_input(key="peers.series.name").input("National diagnostic 2025")
    at.text_input(key="peers.series.source").input("LGA national report")
    at.number_input(key="peers.series.year").set_value(2025)
    at.number_input(key="peers.series.level.nps-2018.engaging-councillors").set_value(2.6)
    at.number_input(key="peers.series.level.nps-2018.engaging-senior-managers").set_value(2.4)
    _run(at.button(key="FormSubmitter:peers.series.add-Save the series").click())
    assert "Series National diagnostic 2025 saved with 2 key areas." in _said(at)
    series = next(t for t in tables(at) if "Series" in t.columns)
    assert list(series.iloc[0])[:5] == ["National diagnostic 2025", "LGA national report", "2025",
                                        "National Procurement Strategy for Local Government in England 2018", "2"]
    store = open_store(peers_url)
    assert workflows.peer_series(store, ADMIN)[0].data["levels"] == {"engaging-councillors": 2.6,
                                                                     "engaging-senior-managers": 2.4}
    _run(at.button(key="peers.series.remove").click())
    assert "Series National diagnostic 2025 removed." in _said(at)
    assert workflows.peer_series(store, ADMIN) == []

    # removing the club: the release keeps it as it was
    _run(at.button(key="peers.club.remove").click())
    assert "Club Eastern buyers removed; releases already published keep it as it was." in _said(at)
    assert "Eastern buyers" in workflows.peer_releases(store, ADMIN)[0].data["clubs"]
    store.engine.dispose()


def test_markup_in_a_club_name_is_shown_as_typed(peers_url):
    at = _page(ADMIN)
    at.text_input(key="peers.club.name").input("**Bold**   <b>buyers</b>\t")
    at.multiselect(key="peers.club.members").set_value([f"council-{n:02d}" for n in range(6, 12)])
    _run(at.button(key="FormSubmitter:peers.club-Save the club").click())
    assert "Club **Bold** <b>buyers</b> saved with 6 councils." in _said(at)
    groups = next(t for t in tables(at) if "Group" in t.columns)
    assert "**Bold** <b>buyers</b>" in list(groups["Group"])


@pytest.mark.parametrize("role", ["administrator", "editor", "reviewer"])
def test_a_councils_people_do_not_reach_the_page_or_its_workflows(peers_url, role):
    someone = Actor(f"{role}@council-00.example", roles={"council-00": role})
    at = _page(someone)
    assert [unescape(i.value) for i in at.info] == ["Peer comparison is set up by the deployment's administrator."]
    assert not at.table and not at.button and not at.text_input
    store = open_store(peers_url)
    for refused in (lambda: workflows.peer_releases(store, someone), lambda: workflows.peer_series(store, someone),
                    lambda: workflows.peers_put_forward(store, someone),
                    lambda: workflows.remove_peer_document(store, someone, "club", "Any")):
        with pytest.raises(NotAllowed):
            refused()
    store.engine.dispose()


def test_a_type_or_region_that_could_not_be_read_is_put_right_on_the_page_and_the_command_line(peers_url, capsys):
    from assessment.cli import main
    from assessment.domain.record import OrganisationRecord
    store = open_store(peers_url)
    odd = council(20)
    workflows.import_record(store, LOCAL_ACTOR, OrganisationRecord(
        odd.organisation.__class__(odd.organisation.id, "Fire Authority", "Fire and Rescue Authority", "Wales"),
        odd.framework_id, odd.framework_version, odd.periods))
    at = _page(ADMIN)
    assert [unescape(w.value) for w in at.warning] == [
        "Not in any type or region group until put right below (their type or region could not be read): Fire "
        "Authority: type “Fire and Rescue Authority”; Fire Authority: region “Wales”"]
    assert at.selectbox(key="peers.place.org").value == "council-20"          # the first to put right
    at.selectbox(key="peers.place.type.council-20").set_value("other")
    at.selectbox(key="peers.place.region.council-20").set_value("South West")
    _run(at.button(key="FormSubmitter:peers.place-Save the type and region").click())
    assert ("Fire Authority: type other, region South West; it counts in its groups from the next release."
            in _said(at))
    assert not at.warning
    # another council: the form starts at its own type and region, so changing one keeps the other
    _run(at.selectbox(key="peers.place.org").set_value("council-00"))
    assert at.selectbox(key="peers.place.type.council-00").value == "unitary"
    at.selectbox(key="peers.place.region.council-00").set_value("London")
    _run(at.button(key="FormSubmitter:peers.place-Save the type and region").click())
    assert "Council 0: type unitary, region London; it counts in its groups from the next release." in _said(at)
    assert workflows.peer_groups(store, ADMIN).unmapped == []
    # on the command line: one of the two, the other left as it is; a value not on the lists refused
    assert main(["--database", peers_url, "orgs", "set", "council-20", "--region", "North East"]) == 0
    assert "Fire Authority: type other, region North East" in capsys.readouterr().out
    assert main(["--database", peers_url, "orgs", "set", "council-20", "--type", "Fire and Rescue"]) != 0
    assert "'Fire and Rescue' is not a type: use one of county" in capsys.readouterr().err
    assert main(["--database", peers_url, "orgs", "set", "council-20", "--type", "\x1b]0;x\x07"]) != 0
    assert "'\\x1b]0;x\\x07' is not a type" in capsys.readouterr().err            # shown, not acted on
    with pytest.raises(NotAllowed):
        workflows.set_organisation_place(store, Actor("x@council-00.example", roles={"council-00": "editor"}),
                                         "council-20", "other", None)
    store.engine.dispose()
