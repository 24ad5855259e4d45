"""Personal data (issue 29): a person who scored, commented, owned an action, left a draft, added
someone and signed off is found everywhere by `users export`, and after `users erase` neither the
database (searched byte for byte: the SQLite file and its journal; every row of every table on
PostgreSQL) nor a new backup holds their address or name; the history still shows every change,
by "a former administrator"; restoring the backup keeps them erased. An organisation is deleted
only with its name typed. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from assessment import workflows
from assessment.cli import main
from assessment.domain.covering import CoveringReport
from assessment.domain.edits import EntryEdit
from assessment.domain.errors import InvalidEdit, NotAllowed, NotFound
from assessment.storage.tables import Base
from assessment.workflows import LOCAL_ACTOR, Actor, queries

from .conftest import stored, unescape
from .test_ui_scoring import db  # noqa: F401 - a fixture

ISSUER = "https://login.microsoftonline.com/tenant/v2.0"
JANE, NAME = "jane.smith@medway.gov.uk", "Jane Smith"
PAT = "pat.head@medway.gov.uk"
DEPLOYER = Actor("deploy@council.gov.uk", administers_deployment=True)


def signs_in(store, subject: str, email: str, name: str):
    return workflows.sign_in(store, {"iss": ISSUER, "sub": subject, "name": name, "email": email,
                                     "email_verified": True}).actor


@pytest.fixture
def janes_year(store):
    """The examples, and a year of Medway's in which Jane Smith (an administrator) scored, commented
    and named herself, owned an action and recorded its progress, left a draft, added a colleague,
    was sent a reminder and approved the period; Pat Head is Medway's other administrator."""
    workflows.ensure_examples(store)
    workflows.add_person(store, LOCAL_ACTOR, JANE, "medway", "administrator")
    workflows.add_person(store, LOCAL_ACTOR, PAT, "medway", "administrator")
    jane = signs_in(store, "sub-jane", JANE, NAME)
    workflows.add_person(store, jane, "new.officer@medway.gov.uk", "medway", "editor")
    workflows.start_period(store, jane, "medway", "2024")
    workflows.save_edits(store, jane, "medway", "2024", [EntryEdit(
        "1", base_version=1, score="3", comment="Agreed by Jane Smith with finance (ask jane.smith@medway.gov.uk).",
        actions=[{"text": "Review the contracts register", "owner": JANE, "due": date(2025, 3, 31),
                  "status": "open"}])])
    action = next(a for a in stored(store, "medway").period("2024").entries["1"].actions
                  if a.text == "Review the contracts register")
    workflows.edit_action(store, jane, "medway", action.id, owner=JANE, due=date(2025, 3, 31), rag="amber",
                          status="in progress", note="JANE SMITH met the supplier")
    workflows.keep_draft(store, jane, "medway", "2024", EntryEdit("2", base_version=1, comment="Half-written"))
    workflows.save_covering(store, jane, "medway", "2024", CoveringReport(
        author="Jane Smith, Head of Procurement", contact=f"Officer to contact:\nJane Smith\n{JANE}"))
    workflows.keep_draft(store, LOCAL_ACTOR, "medway", "2024", EntryEdit("3", base_version=1,
                                                                          comment="Check with\nJane Smith"))
    with store.transaction() as tx:
        tx.log_reminder(date(2025, 3, 24), JANE, "sent", "Your actions", [{"action": action.id}])
    workflows.confirm_scores(store, jane, "medway", "2024")
    workflows.submit_period(store, jane, "medway", "2024", ignore_drafts=True)
    workflows.approve_period(store, jane, "medway", "2024", decision="Cabinet", on=date(2025, 2, 13))
    return store


def everything(store, url: str) -> bytes:
    """The database as bytes: the SQLite file and its write-ahead log; on PostgreSQL every row of
    every table as text (what a dump holds)."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    with store.engine.connect() as connection:
        return b"\n".join(str(row[0]).encode() for table in Base.metadata.sorted_tables
                          for row in connection.execute(text(f'SELECT t::text FROM "{table.name}" t')))


def holds(data: bytes) -> list[str]:
    lower = data.lower()
    return [n for n in (JANE, NAME, "sub-jane") if n.lower().encode() in lower]


def test_a_copy_of_what_is_held_finds_every_place_she_appears(janes_year):
    held = workflows.personal_data_of(janes_year, LOCAL_ACTOR, JANE)
    assert held["person"]["name"] == NAME and held["person"]["roles"] == {"medway": "administrator"}
    where = {(p["table"], p["column"]) for p in held["places"]}
    assert {("people", "email"), ("people", "name"), ("people", "added_by"), ("entries", "comment"),
            ("entries", "updated_by"), ("entry_history", "changed_by"), ("entry_history", "comment"),
            ("entry_history", "snapshot"), ("actions", "owner"), ("actions", "updated_by"),
            ("action_updates", "changed_by"), ("action_updates", "note"), ("assessments", "approved_by"),
            ("events", "person"), ("events", "details"), ("drafts", "person"), ("sign_in_log", "email"),
            ("reminder_log", "email")} <= where
    assert held["count"] == len(held["places"])
    approved = next(p for p in held["places"] if (p["table"], p["column"]) == ("assessments", "approved_by"))
    assert (approved["organisation"], approved["period"], approved["record"]) == ("medway", "2024", "scores")
    assert all(p["organisation"] == "medway" for p in held["places"] if p["table"] in ("entries", "actions"))
    # Someone of another name is not found, nor a longer address containing hers.
    assert not any("Pat Head" in p["value"] for p in held["places"] if p["table"] == "people")


def test_after_erasure_nothing_holds_her_address_or_name_and_the_history_keeps_every_change(janes_year, db_url,
                                                                                            empty):
    store = janes_year
    assert holds(everything(store, db_url)) == [JANE, NAME, "sub-jane"]
    versions_before = len(queries.history(store, LOCAL_ACTOR, "medway", "2024", "1"))
    done = workflows.erase_person(store, DEPLOYER, JANE, "Left the council in March 2025; asked to be erased")
    assert done.standing == {"medway": "a former administrator", None: "a former administrator"}
    assert done.changed["people"] == 2 and done.changed["drafts"] == 2 and done.changed["sign_in_log"] >= 1
    assert holds(everything(store, db_url)) == []
    backup = workflows.backup(store, LOCAL_ACTOR)
    assert holds(backup) == []
    versions = queries.history(store, LOCAL_ACTOR, "medway", "2024", "1")
    assert len(versions) == versions_before and versions[-1].by == "a former administrator"
    entry = stored(store, "medway").period("2024").entries["1"]
    assert entry.comment == ("Agreed by a former administrator with finance (ask a former administrator).")
    action = next(a for a in entry.actions if a.text == "Review the contracts register")
    assert action.owner == "a former administrator" and action.updates[-1].note == "a former administrator met the supplier"
    assert stored(store, "medway").period("2024").approval.by == "a former administrator"
    events = [e for e in workflows.people(store, LOCAL_ACTOR, "medway").changes]
    assert all(JANE not in json.dumps(e.details) for e in events)
    log = workflows.sign_in_log(store, LOCAL_ACTOR)
    assert log[0].kind == "erased" and "a former administrator was erased: Left the council" in log[0].describe()
    # Restoring the backup made after the erasure keeps her erased, and every version.
    restored = empty()
    workflows.restore(restored, LOCAL_ACTOR, backup, source="after.json")
    assert holds(everything(restored, db_url)) == []
    assert len(queries.history(restored, LOCAL_ACTOR, "medway", "2024", "1")) == versions_before
    # And she is no one now: a sign-in with her old account is refused.
    assert signs_in(restored, "sub-jane", JANE, NAME) is None


def test_an_erasure_is_refused_where_it_should_be(janes_year):
    store = janes_year
    with pytest.raises(NotAllowed, match="only the deployment's administrator"):
        workflows.erase_person(store, Actor(PAT, roles={"medway": "administrator"}), JANE, "Left")
    with pytest.raises(NotAllowed, match="may not erase yourself"):
        workflows.erase_person(store, Actor(JANE, administers_deployment=True), JANE, "Left")
    with pytest.raises(InvalidEdit, match="say why"):
        workflows.erase_person(store, DEPLOYER, JANE, "   ")
    with pytest.raises(InvalidEdit, match="nothing is held about nobody@medway.gov.uk"):
        workflows.erase_person(store, DEPLOYER, "nobody@medway.gov.uk", "Left")
    with pytest.raises(InvalidEdit, match="too short to look for as a name"):
        workflows.erase_person(store, DEPLOYER, JANE, "Left", names=["J S"])
    with pytest.raises(InvalidEdit, match="also the name of someone else here"):
        workflows.erase_person(store, DEPLOYER, PAT, "Left", names=[NAME])
    workflows.remove_person(store, LOCAL_ACTOR, PAT, "medway")
    with pytest.raises(NotAllowed, match="only administrator of Medway Council: make someone else administrator"):
        workflows.erase_person(store, DEPLOYER, JANE, "Left")
    assert workflows.personal_data_of(store, LOCAL_ACTOR, JANE)["person"]["email"] == JANE   # nothing changed


def test_other_forms_of_a_name_and_one_whose_role_went_long_ago_are_erased_too(janes_year, db_url):
    store = janes_year
    workflows.remove_person(store, LOCAL_ACTOR, PAT, "medway")       # Pat left: only the role events name Pat
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2025")
    workflows.save_edits(store, LOCAL_ACTOR, "medway", "2025", [EntryEdit(
        "2", base_version=1, comment="As J. Smith and Patricia Head agreed; ask Patricia  Head, not Patricia Heading.")])
    erased = workflows.erase_person(store, DEPLOYER, PAT, "Retired", names=["Patricia Head"])   # never signed in
    assert erased.standing["medway"] == "a former administrator"
    workflows.add_person(store, LOCAL_ACTOR, "new.officer@medway.gov.uk", "medway", "administrator")
    workflows.erase_person(store, DEPLOYER, JANE, "Left", names=["J. Smith"])
    assert holds(everything(store, db_url)) == [] and b"pat.head" not in everything(store, db_url)
    assert stored(store, "medway").period("2025").entries["2"].comment == (
        "As a former administrator and a former administrator agreed; ask a former administrator, not Patricia "
        "Heading.")
    assert [p.email for p in workflows.people(store, LOCAL_ACTOR, "medway").people] == ["new.officer@medway.gov.uk"]


def test_an_organisation_is_deleted_only_with_its_name_typed(janes_year, db_url):
    store = janes_year
    with pytest.raises(NotAllowed, match="only the deployment's administrator"):
        workflows.delete_organisation(store, Actor(PAT, roles={"medway": "administrator"}), "medway", "Medway Council")
    with pytest.raises(InvalidEdit, match="type the organisation's name, Medway Council, to confirm"):
        workflows.delete_organisation(store, DEPLOYER, "medway", "medway")
    with pytest.raises(NotFound):
        workflows.delete_organisation(store, DEPLOYER, "kent", "Kent")
    gone = workflows.delete_organisation(store, DEPLOYER, "medway", "  medway   COUNCIL ")
    assert gone["periods"] >= 3 and gone["roles"] == 3
    assert [o.id for o in queries.organisations(store, LOCAL_ACTOR)] == ["worcestershire"]
    assert b"Medway" not in everything(store, db_url).replace(b"Medway Council (medway) was deleted", b"")
    assert workflows.people(store, LOCAL_ACTOR, "worcestershire").people == []
    assert workflows.sign_in_log(store, LOCAL_ACTOR)[0].kind == "deleted"


def test_the_command_line_exports_erases_and_deletes(janes_year, db_url, tmp_path, capsys):
    out = tmp_path / "jane.json"
    assert main(["--database", db_url, "users", "export", JANE, "--out", str(out)]) == 0
    assert json.loads(out.read_text())["person"]["email"] == JANE
    assert main(["--database", db_url, "users", "erase", JANE]) == 2          # a reason is required
    assert main(["--database", db_url, "users", "erase", JANE, "--reason", "Left"]) == 0
    said = capsys.readouterr().out
    assert "erased: now “a former administrator” at medway" in said and JANE in said
    assert main(["--database", db_url, "orgs", "delete", "medway", "--confirm", "Medway Council"]) == 2
    backup = tmp_path / "before.json"
    assert main(["--database", db_url, "orgs", "delete", "medway", "--confirm", "Medway Council",
                 "--backup", str(backup)]) == 0
    assert b'"medway"' in backup.read_bytes() and "deleted Medway Council" in capsys.readouterr().out


# ---------------------------------------------------------------- on People (AppTest, local mode: the local user runs the deployment)

def test_people_erases_a_person_offers_a_copy_and_deletes_the_organisation_after_a_backup(db):  # noqa: F811
    from assessment.storage.store import open_store

    from .test_ui_scoring import new_app
    store = open_store(db)
    workflows.add_person(store, LOCAL_ACTOR, JANE, "medway", "editor")
    jane = signs_in(store, "sub-jane", JANE, NAME)
    workflows.save_edits(store, jane, "medway", "2023", [EntryEdit("1", base_version=1, comment="Jane Smith's view")])
    at = new_app("medway", "2023")
    at.switch_page("assessment/ui/people_page.py").run()
    assert not at.exception, at.exception
    at.text_input(key="privacy.copy.email").input(JANE).run()
    copy = next(e for e in at.get("download_button") if "privacy-copy" in e.proto.id or "privacy.copy" in str(e.proto))
    assert copy is not None
    at.text_input(key="privacy.erase.email").input(JANE)
    at.button(key="privacy.erase").click().run()
    assert "Say why the person is erased" in unescape(" ".join(e.value for e in at.error))
    at.text_input(key="privacy.erase.reason").input("Left in March; asked to be erased")
    at.button(key="privacy.erase").click().run()
    assert not at.exception, at.exception
    assert f"{JANE} was erased: wherever they appeared they are now “a former editor” at Medway Council." in \
        unescape(" ".join(e.value for e in at.success))
    assert stored(store, "medway").period("2023").entries["1"].comment == "a former editor's view"
    assert "replaced by “a former editor”" in unescape(" ".join(m.value for m in at.markdown))   # Changes
    at.text_input(key="privacy.delete.confirm").input("Medway")
    at.button(key="privacy.delete").click().run()
    assert "Type the organisation's name, Medway Council, to confirm" in unescape(" ".join(e.value for e in at.error))
    at.text_input(key="privacy.delete.confirm").input("Medway Council")
    at.button(key="privacy.delete").click().run()
    assert not at.exception, at.exception
    assert "Medway Council was deleted, with everything of it." in unescape(" ".join(e.value for e in at.success))
    assert [o.id for o in queries.organisations(store, LOCAL_ACTOR)] == ["worcestershire"]
    at.switch_page("assessment/ui/home.py").run()
    assert not at.exception, at.exception


# ---------------------------------------------------------------- what counts as a mention (domain.erasure)

def test_a_mention_is_a_whole_address_or_name_in_any_case_and_as_json_a_link_or_onedrive_writes_it():
    import unicodedata
    from urllib.parse import quote

    from assessment.domain.erasure import needles
    found = needles(JANE, given=["Zoë Smith-Jones"])
    nfd = unicodedata.normalize("NFD", "Zoë Smith-Jones")
    for text_ in (f"ask {JANE}.", f"<{JANE.upper()}>", f"mailto:{JANE.replace('@', '%40')}", "zoë  smith-jones said",
                  "ZOË\nSMITH-JONES", json.dumps({"by": "Zoë\nSmith-Jones"}), nfd, json.dumps(nfd),
                  "https://x.sharepoint.com/personal/jane_smith_medway_gov_uk/Documents/a.docx",
                  "https://x/?who=" + quote("Zoë Smith-Jones"), "Zoë\u00a0Smith-Jones"):
        assert found.mentioned(text_), text_
    for text_ in (f"x{JANE}", f"{JANE}.evil.com", "Zoë Smith-Joness", "Zoë Smith", "jane.smith@medway.gov",
                  "Mary-Zoë Smith-Jones", "zoë.smith-jones@medway.gov.uk"):
        assert not found.mentioned(text_), text_
    assert found.erased(json.dumps({"by": "Zoë\nSmith-Jones", "to": JANE}), "a former editor") == \
        '{"by": "a former editor", "to": "a former editor"}'


def test_a_mention_after_an_escape_in_any_apostrophe_or_initial_form_is_found():
    from assessment.domain.erasure import needles
    found = needles(JANE, given=["Siobhan O'Brien", "J. Smith"])
    for text_ in (json.dumps({"contact": "Officer:\nSiobhan O'Brien\njane.smith@medway.gov.uk"})[30:],
                  json.dumps("Officer:\r\n\tJ. Smith"), "https://x/Notes%20from%20Siobhan%20O%27Brien.docx",
                  "mailto:?body=ask%20jane.smith%40medway.gov.uk", "Siobhan O’Brien", "@Siobhan O'Brien", "J.Smith"):
        assert found.mentioned(text_), text_
    text_ = json.dumps({"contact": "Officer:\nSiobhan O'Brien\n" + JANE})
    assert json.loads(found.erased(text_, "a former editor")) == {"contact": "Officer:\na former editor\na former editor"}


def test_a_directory_name_is_looked_for_as_people_write_it_and_one_word_is_left_out():
    from assessment.domain.erasure import needles
    assert needles(JANE, signed_in="SMITH, Sarah (Procurement)").names == ("Sarah Smith", "SMITH, Sarah")
    assert needles(JANE, signed_in="Sarah Smith").names == ("Sarah Smith",)
    will = needles(JANE, signed_in="Will")
    assert will.names == () and "is one word" in will.left_out[0]
    assert not will.mentioned("This action will be worked upon")
    part = needles(JANE, signed_in="Jane Smith", others=["Mary Jane Smith"])
    assert part.names == () and "or part of it" in part.left_out[0]


def test_a_form_of_a_name_that_cannot_be_looked_for_safely_is_refused_or_left_out_with_the_reason():
    from assessment.domain.erasure import needles
    for typed, said in [("J S", "too short"), ('owner": "x', "quotation mark"), ("a former editor", "erased people"),
                        ("Pat Head", "also the name of someone else here"), ("x" * 201, "longer than a name")]:
        with pytest.raises(InvalidEdit, match=said):
            needles(JANE, given=[typed], others=["Pat  Head"])
    with pytest.raises(InvalidEdit, match="at most 20"):
        needles(JANE, given=[f"Name Number{n}" for n in range(21)])
    twin = needles(JANE, signed_in="Pat Head", others=["pat head"])     # the sign-in name is left out, not refused
    assert twin.names == () and "also the name of someone else here" in twin.left_out[0]
    assert needles(JANE, signed_in="Al").left_out[0].startswith("the name they signed in with, “Al”, is too short")
    assert needles(JANE, signed_in="李伟").names == ("李伟",)       # two wide letters: long enough


def test_the_columns_searched_are_those_the_inventory_marks_personal_or_free_text():
    from assessment.storage.personal_data import SEARCHED

    from .test_privacy import DOC, inventory
    marked = {(table, column): personal for table, columns, personal in inventory(DOC.read_text(encoding="utf-8"))
              for column in columns}
    searched = {(table, column) for table, columns in SEARCHED.items() for column in columns}
    assert all(marked[c] in ("yes", "free text") for c in searched), [c for c in searched if marked[c] == "no"]
    assert {c for c, personal in marked.items() if personal == "free text"} <= searched


def test_a_name_that_is_a_rating_an_id_or_a_capital_accent_changes_nothing_else(janes_year, db_url):
    store = janes_year
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2025")
    workflows.save_edits(store, LOCAL_ACTOR, "medway", "2025", [
        EntryEdit("2", base_version=1, comment="Agreed with Élodie Green-Medway and Green; green is the rating."),
        EntryEdit("3", base_version=1, comment="Met ÉLODIE MARTIN.")])   # SQLite's own lower() leaves É as it is
    plan_before = workflows.queries.plan_record(store, LOCAL_ACTOR, "medway")
    orgs_before = [o.id for o in queries.organisations(store, LOCAL_ACTOR)]
    workflows.add_person(store, LOCAL_ACTOR, "elodie.martin@medway.gov.uk", "medway", "editor")
    signs_in(store, "sub-elodie", "elodie.martin@medway.gov.uk", "Élodie Martin")
    workflows.erase_person(store, DEPLOYER, "elodie.martin@medway.gov.uk", "Left", names=["Green", "Medway"])
    entries = stored(store, "medway").period("2025").entries
    assert entries["2"].comment == "Agreed with Élodie Green-Medway and a former editor; a former editor is the rating."
    assert entries["3"].comment == "Met a former editor."
    assert workflows.queries.plan_record(store, LOCAL_ACTOR, "medway") == plan_before     # ratings "green-..." stand
    assert [o.id for o in queries.organisations(store, LOCAL_ACTOR)] == orgs_before
