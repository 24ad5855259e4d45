"""Sign-off, history and people in the app (AppTest, single-user local mode): submit, approve as the
council decided and reopen on Start; an approved period read-only on the score page; an
objective's versions and restoring one; undoing an import; the People page. What is saved is read
back from the database."""

from __future__ import annotations

from datetime import date

from assessment import workflows
from assessment.storage.store import open_store
from assessment.workflows import LOCAL_ACTOR, queries

from .conftest import shown, stored
from .test_ui_scoring import db, new_app, open_score_page  # noqa: F401 - db is a fixture


def _texts(at) -> str:
    return "\n".join(e.value for e in [*shown(at.markdown), *shown(at.info), *shown(at.success), *shown(at.error)])


def test_submit_approve_then_the_period_is_read_only_until_reopened(db):  # noqa: F811
    store = open_store(db)
    at = new_app("medway", "2023")
    assert "Status: DRAFT." in _texts(at)
    at.button(key="home.submit").click().run()
    assert not at.exception, at.exception
    assert "Submitted 2023 for approval." in _texts(at)
    assert stored(store, "medway").period("2023").status == "submitted"
    assert "It is kept as it was put before members" in _texts(at)
    open_score_page(at)                                    # submitted: frozen, no Save
    assert "2023 is submitted for approval, so it cannot be changed: what members approve is what was submitted; " \
        "an editor can withdraw it" in _texts(at)
    assert "Submitted for approval. It is read-only here" not in _texts(at)   # said once, not twice
    assert not [b for b in at.button if b.key and (b.key.endswith(".save") or b.key == "score.confirm_all")]
    at.switch_page("assessment/ui/home.py").run()
    picker = at.date_input(key="home.approve.on").proto
    assert (picker.min, picker.max) == ("2023-01-01", date.today().isoformat())   # possible dates only
    at.button(key="home.approve").click().run()          # no date (or one the picker dropped): refused
    assert "Give the date of the decision, between 1 January 2023 and today." in _texts(at)
    at.date_input(key="home.approve.on").set_value(date(2024, 2, 13))
    at.button(key="home.approve").click().run()          # no decision given: refused, said why
    assert "Say whose decision approved it" in _texts(at)
    assert stored(store, "medway").period("2023").status == "submitted"
    at.text_input(key="home.approve.decision").input("Cabinet")
    at.text_input(key="home.approve.minute").input("Minute 123/2024")
    at.button(key="home.approve").click().run()
    assert not at.exception, at.exception
    approved = stored(store, "medway").period("2023")
    assert (approved.status, approved.approval.decision, approved.approval.on, approved.approval.minute,
            approved.approval.by) == ("approved", "Cabinet", date(2024, 2, 13), "Minute 123/2024", "local user")
    assert "2023: Approved by Cabinet on 13 February 2024 (Minute 123/2024). It is kept as it was put before " \
           "members" in _texts(at)

    open_score_page(at)
    assert "2023 is approved by Cabinet on 13 February 2024 (Minute 123/2024), so it cannot be changed; an " \
        "administrator can reopen it, giving a reason. Its actions' progress can still be recorded" in _texts(at)
    assert not [b for b in at.button if b.key and (b.key.endswith(".save") or b.key == "score.confirm_all")]
    assert not [s for s in at.selectbox if s.key and s.key.endswith(".score")]   # shown as text, not a choice
    assert "**Score:** 3 – Mature" in "\n".join(m.value for m in at.markdown)

    at.switch_page("assessment/ui/home.py").run()
    at.button(key="home.reopen").click().run()           # no reason: refused
    assert "Give the reason for reopening it" in _texts(at)
    at.text_area(key="home.reopen.reason").input("Objective 17 was scored against the wrong evidence")
    at.button(key="home.reopen").click().run()
    assert not at.exception, at.exception
    assert stored(store, "medway").period("2023").status == "draft"
    events = [(e.kind, e.details.get("reason")) for e in queries.period_history(store, LOCAL_ACTOR, "medway", "2023")]
    assert events[0] == ("reopened", "Objective 17 was scored against the wrong evidence")
    assert [k for k, _ in events[:3]] == ["reopened", "approved", "submitted"]
    history = "\n".join(m.value for m in shown(at.markdown))
    assert "local user: reopened: Objective 17 was scored against the wrong evidence" in history


def test_an_objectives_versions_are_shown_and_an_earlier_one_restored(db):  # noqa: F811
    store = open_store(db)
    at = open_score_page(new_app("medway", "2023"))
    entry = stored(store, "medway").period("2023").entries["1"]
    at.text_area(key="score.medway.2023.1.comment").input("A new comment for objective 1").run()
    at.button(key="score.save").click().run()
    assert not at.exception, at.exception
    assert stored(store, "medway").period("2023").entries["1"].comment == "A new comment for objective 1"
    assert not [b for b in at.button if b.key and ".restore." in b.key]   # versions are read when asked for
    at.toggle(key="score.medway.2023.1.versions").set_value(True).run()
    captions = [c.value for c in shown(at.caption)]
    assert f"comment: {entry.comment} → A new comment for objective 1" in captions
    restore = at.button(key=f"score.medway.2023.1.restore.{entry.version}")
    restore.click().run()
    assert not at.exception, at.exception
    assert (f"Restored version {entry.version} of objective 1 as a new version: comment: A new comment for "
            f"objective 1 → {entry.comment}") in _texts(at)
    assert ".." not in _texts(at)   # the comment's own full stop ends the sentence
    back = stored(store, "medway").period("2023").entries["1"]
    assert (back.comment, back.score, back.version) == (entry.comment, entry.score, entry.version + 2)
    assert queries.history(store, LOCAL_ACTOR, "medway", "2023", "1")[-1].change == f"restored version {entry.version}"
    assert at.text_area(key="score.medway.2023.1.comment").value == entry.comment   # the form shows it at once


def test_an_import_is_undone_from_the_import_page(db):  # noqa: F811
    from .test_ui_import import open_import
    store = open_store(db)
    before = stored(store, "medway").period("2023").entries["2"]
    at = open_import(new_app("medway", "2023"))
    sheet = b"Period,Objective number,Score,Comment\n2023,2,5,Imported to be undone\n"
    at.file_uploader(key="import.file.medway").upload("late.csv", sheet, "text/csv").run()
    at.button(key="import.confirm").click().run()
    assert not at.exception, at.exception
    assert stored(store, "medway").period("2023").entries["2"].comment == "Imported to be undone"
    (event,) = queries.imports(store, LOCAL_ACTOR, "medway")
    at.button(key=f"import.undo.{event.id}").click().run()
    assert not at.exception, at.exception
    assert "Undid the import of late.csv: 1 entries put back as they were." in _texts(at)
    after = stored(store, "medway").period("2023").entries["2"]
    assert (after.comment, after.score) == (before.comment, before.score)
    assert not [b for b in at.button if b.key == f"import.undo.{event.id}"]   # undone: no second undo


def test_the_people_page_adds_changes_and_takes_away_roles(db):  # noqa: F811
    store = open_store(db)
    at = new_app("medway", "2023")
    at.switch_page("assessment/ui/people_page.py").run()
    assert not at.exception, at.exception
    at.text_input(key="people.email").input("Cllr.Smith@Medway.gov.uk")
    at.radio(key="people.role").set_value("reviewer")
    at.button(key="FormSubmitter:people.add-Save role").click().run()
    assert not at.exception, at.exception
    assert "cllr.smith@medway.gov.uk is now reviewer of Medway Council." in _texts(at)
    assert [(p.email, p.roles) for p in workflows.everyone(store, LOCAL_ACTOR)] == \
        [("cllr.smith@medway.gov.uk", {"medway": "reviewer"})]
    at.text_input(key="people.email").input("not an address")
    at.button(key="FormSubmitter:people.add-Save role").click().run()
    assert "is not an email address" in _texts(at)
    at.selectbox(key="people.remove.who").set_value("cllr.smith@medway.gov.uk")
    at.button(key="people.remove").click().run()
    assert "cllr.smith@medway.gov.uk no longer has a role at Medway Council." in _texts(at)
    assert workflows.people(store, LOCAL_ACTOR, "medway").people == []
    assert len(workflows.people(store, LOCAL_ACTOR, "medway").changes) == 2


def _warnings(at) -> str:
    return "\n".join(w.value.replace("\\", "").replace("\u2060", "") for w in shown(at.warning))


def test_submit_lists_a_colleagues_draft_and_asks_first(db):  # noqa: F811
    from assessment.domain.edits import EntryEdit
    store = open_store(db)
    officer = workflows.Actor("officer@medway.gov.uk", roles={"medway": "editor"})
    workflows.keep_draft(store, officer, "medway", "2023", EntryEdit("31", base_version=1, score="4"))
    at = new_app("medway", "2023")
    at.button(key="home.submit").click().run()
    assert not at.exception and stored(store, "medway").period("2023").status == "draft"
    assert "2023 has 1 unsaved draft, which would not be in the submitted record" in _warnings(at)
    listed = "\n".join(m.value.replace("\\", "").replace("\u2060", "") for m in shown(at.markdown))
    assert "- objective 31 (officer@medway.gov.uk, last changed " in listed
    at.button(key="home.submit.cancel").click().run()
    assert stored(store, "medway").period("2023").status == "draft" and at.button(key="home.submit")
    at.button(key="home.submit").click().run()
    at.button(key="home.submit.anyway").click().run()
    assert not at.exception, at.exception
    assert stored(store, "medway").period("2023").status == "submitted"
    assert "Submitted 2023 for approval, leaving out 1 unsaved draft." in _texts(at)
    assert queries.period_history(store, LOCAL_ACTOR, "medway", "2023")[0].describe() == \
        "submitted, leaving out 1 unsaved draft"
    (kept,) = queries.drafts(store, officer, "medway", "2023")
    assert kept.edit.score == "4"


def test_an_editor_withdraws_a_submitted_period_with_a_reason(db):  # noqa: F811
    store = open_store(db)
    at = new_app("medway", "2023")
    at.button(key="home.submit").click().run()
    at.button(key="home.withdraw").click().run()            # no reason: refused
    assert "Give the reason for withdrawing it" in _texts(at)
    at.text_area(key="home.withdraw.reason").input("Submitted before objective 17 was checked")
    at.button(key="home.withdraw").click().run()
    assert not at.exception, at.exception
    assert "Withdrew 2023: it is a draft again." in _texts(at)
    assert stored(store, "medway").period("2023").status == "draft"
    assert "local user: withdrawn: Submitted before objective 17 was checked" in _texts(at)
    at.switch_page("assessment/ui/report_page.py").run()   # readers are told it went back, and why
    assert any(i.value.replace("\\", "").startswith("2023 was withdrawn on ") and
               "Submitted before objective 17 was checked. It is a draft again" in i.value.replace("\\", "")
               for i in shown(at.info)), [i.value for i in shown(at.info)]


def test_drafts_left_out_of_a_submission_are_kept_and_their_owner_told(db):  # noqa: F811
    from assessment.domain.edits import EntryEdit
    store = open_store(db)
    workflows.keep_draft(store, LOCAL_ACTOR, "medway", "2023", EntryEdit("1", base_version=1, comment="Half typed"))
    workflows.submit_period(store, LOCAL_ACTOR, "medway", "2023", ignore_drafts=True)
    at = open_score_page(new_app("medway", "2023"))
    assert "Your unsaved changes to objective 1 are not in 2023 as it was put before members. They are kept" \
        in _warnings(at)
    at.button(key="score.discard_left").click().run()
    assert not at.exception and queries.drafts(store, LOCAL_ACTOR, "medway", "2023") == []


def test_an_editor_opens_an_approved_period_with_an_evidence_link(db):  # noqa: F811
    """It crashed: the read-only entry called an evidence link's `line` property as a function."""
    from assessment.domain.edits import EntryEdit
    store = open_store(db)
    workflows.save_edits(store, LOCAL_ACTOR, "medway", "2023", [
        EntryEdit("1", base_version=1, evidence="Procurement plan | https://example.org/plan")])
    workflows.submit_period(store, LOCAL_ACTOR, "medway", "2023")
    workflows.approve_period(store, LOCAL_ACTOR, "medway", "2023", decision="Cabinet")
    at = open_score_page(new_app("medway", "2023"))
    assert not at.exception, at.exception
    links = [m.value.replace("\\", "").replace("\u2060", "") for m in shown(at.markdown)]
    assert "- Procurement plan | https://example.org/plan" in links


def test_a_colleague_submits_while_the_page_is_open_and_nothing_breaks(db):  # noqa: F811
    """A colleague submitted meanwhile: a change, an added action and Save are each refused with the
    reason on the page (not a traceback), and what was changed is kept as the draft it was."""
    store = open_store(db)
    at = open_score_page(new_app("medway", "2023"))
    at.text_area(key="score.medway.2023.1.comment").input("Typed before the submission").run()
    workflows.submit_period(store, LOCAL_ACTOR, "medway", "2023", ignore_drafts=True)
    at.button(key="score.save").click().run()
    assert not at.exception, at.exception
    errors = "\n".join(e.value.replace("\\", "") for e in shown(at.error))
    assert "Nothing was saved: 2023 is submitted for approval, so it cannot be changed" in errors
    assert stored(store, "medway").period("2023").entries["1"].comment != "Typed before the submission"
    (kept,) = queries.drafts(store, LOCAL_ACTOR, "medway", "2023")
    assert kept.edit.comment == "Typed before the submission"

    workflows.withdraw_period(store, LOCAL_ACTOR, "medway", "2023", reason="Not ready")
    at = open_score_page(new_app("medway", "2023"))
    at.text_input(key="score.medway.2023.2.new.text").input("Brief members")
    workflows.submit_period(store, LOCAL_ACTOR, "medway", "2023", ignore_drafts=True)
    at.button(key="score.medway.2023.2.new.add").click().run()
    assert not at.exception, at.exception
    errors = "\n".join(e.value.replace("\\", "") for e in shown(at.error))
    assert "Your change was not kept: 2023 is submitted for approval" in errors
