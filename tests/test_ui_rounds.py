"""Respondent rounds in the app (AppTest, single-user local mode; issue 30): the Rounds page opens a
round, invites three people (each link shown once), shows the spread once they have answered
through their links, closes the round, refuses an agreed score a level from the median without a
rationale (in a line), refuses to apply before every objective is agreed, then applies: the page
says so and the scores are in the period. A signed-in person asked as themselves answers on Your
views. What is saved is read back from the database."""

from __future__ import annotations

import re
from datetime import date, timedelta

from streamlit.testing.v1 import AppTest

from assessment import workflows
from assessment.domain.record import long_date
from assessment.domain.scores import Score
from assessment.storage.store import open_store
from assessment.workflows import LOCAL_ACTOR, Actor, queries

from .conftest import ROOT, shown, stored, tables, unescape
from .test_notify import smtp, words_of  # noqa: F401 - smtp is a fixture (a mail server)
from .test_ui_scoring import db, new_app  # noqa: F401 - db is a fixture

ROUNDS_PAGE = "assessment/ui/rounds_page.py"
PEOPLE = [("finance@partner.org", "Finance", "finance"), ("legal@partner.org", "Legal", "legal"),
          ("charity@partner.org", "Voluntary sector", "partner body")]


def _texts(at) -> str:
    return "\n".join(e.value for e in [*shown(at.markdown), *shown(at.info), *shown(at.success), *shown(at.error),
                                       *shown(at.caption)])


def _run(what) -> AppTest:
    """Run the app (or run it after a widget's change), and see that it raised nothing."""
    at = what.run()
    assert not at.exception, at.exception
    return at


def test_a_round_opened_answered_closed_moderated_and_applied(db):  # noqa: F811
    store = open_store(db)
    at = new_app("medway", "2023")
    _run(at.switch_page(ROUNDS_PAGE))
    assert "Open a round" in [h.value for h in at.header]
    at.radio(key="rounds.open.which").set_value("Only those chosen below")
    at.multiselect(key="rounds.open.items").set_value(["1", "2", "3"])
    at.number_input(key="rounds.open.k").set_value(3)
    closes = date.today() + timedelta(days=21)
    _run(at.button(key="rounds.open.go").click())
    assert f"Opened a confidential round on 2023, asking about 3 objectives, closing on {long_date(closes)}." \
        in _texts(at)
    assert f"Round 1 is open: answers are asked for by {long_date(closes)}. It asks about 3 objectives and is " \
        "confidential" in _texts(at)
    assert "Nobody is invited yet." in _texts(at)

    links = []
    for email, department, view in PEOPLE:
        at.text_input(key="rounds.invite.email").input(email)
        at.text_input(key="rounds.invite.department").input(department)
        at.multiselect(key="rounds.invite.perspectives").set_value([view])
        _run(at.button(key="rounds.invite.go").click())
        assert f"{email} is invited. Their link, valid until" in _texts(at)
        assert "it is shown only this once and it is not kept" in _texts(at)
        [code] = at.code
        assert re.fullmatch(r"http://\S+/\?link=[A-Za-z0-9_-]{43}", code.value), code.value
        links.append(code.value.split("?link=")[1])
        _run(at)                                      # shown once: gone on the next run
        assert not at.code
    at.text_input(key="rounds.invite.email").input("legal@partner.org")    # twice: refused, kept as typed
    at.text_input(key="rounds.invite.department").input("Legal")
    at.multiselect(key="rounds.invite.perspectives").set_value(["legal"])
    _run(at.button(key="rounds.invite.go").click())
    assert [e.value for e in shown(at.error)] == ["legal@partner.org is invited to round 1 already."]
    assert at.text_input(key="rounds.invite.email").value == "legal@partner.org"
    at.text_input(key="rounds.invite.email").input("late@partner.org")     # invited, then withdrawn
    at.text_input(key="rounds.invite.department").input("Legal")
    at.multiselect(key="rounds.invite.perspectives").set_value(["legal"])
    _run(at.button(key="rounds.invite.go").click())
    at.selectbox(key="rounds.withdraw.email").set_value("late@partner.org")
    _run(at.button(key="rounds.withdraw.go").click())
    assert "Withdrew late@partner.org's invitation: their link no longer opens the questionnaire." in _texts(at)
    assert tables(at)[0]["Answers"].iloc[-1] == f"withdrawn on {long_date(date.today())}"
    invited = tables(at)[0][:3]
    assert list(invited["Email address"]) == [p[0] for p in PEOPLE]
    assert list(invited["Submitted"]) == ["no", "no", "no"]
    assert all(how.startswith("by link, until ") for how in invited["Answers"])

    answers = [{"1": ("2", "We buy well but plan little."), "2": ("3", ""), "3": ("2", "")},
               {"1": ("3", ""), "2": ("3", ""), "3": ("2", "")},
               {"1": ("4", "Partners see real leadership."), "2": ("3", ""), "3": ("don't know", "")}]
    for token, given in zip(links, answers):
        workflows.answer_by_link(store, token, given, submit=True)
    _run(at)
    assert list(tables(at)[0]["Submitted"]) == ["yes", "yes", "yes", "no"]
    spread = tables(at)[1]
    assert list(spread["Views"])[:2] == ["median 3 – Mature, range 2 to 4, 3 answering",
                                         "median 3 – Mature, all gave 3, 3 answering"]
    assert list(spread["Flag"]) == ["views two or more levels apart", "", ""]
    at.radio(key="rounds.1.by").set_value("by department")
    _run(at)
    by_department = tables(at)[1]
    assert "withheld: fewer than 3 people answered with a level" in list(by_department["Views"])
    at.radio(key="rounds.1.by").set_value("everyone")

    _run(at.button(key="rounds.close").click())
    assert "Closed round 1: agree a score for each objective below, then apply them." in _texts(at)
    assert stored(store, "medway").period("2023").status == "draft"
    # Objective 1: views two levels apart, so a rationale is required: refused in a line.
    at.selectbox(key="rounds.1.moderate.item").set_value("1")
    _run(at)
    at.selectbox(key="rounds.1.moderate.1.score").set_value("4 – Leader")
    _run(at.button(key="rounds.1.moderate.1.go").click())
    [refusal] = [e.value for e in shown(at.error)]
    assert refusal.startswith("Objective 1: say why the agreed score is 4 – Leader (the respondents' median is 3")
    at.selectbox(key="rounds.1.moderate.1.score").set_value("3 – Mature")
    at.text_area(key="rounds.1.moderate.1.rationale").input("Leadership is real but planning lags behind.")
    at.text_input(key="rounds.1.moderate.1.meeting").input("Procurement board, 12 May 2026")
    assert "Comment 1 (answer 4, charity@partner.org): “Partners see real leadership.”" in _texts(at)
    at.checkbox(key=[c.key for c in at.checkbox if c.label == "Publish comment 1"][0]).check()
    _run(at.button(key="rounds.1.moderate.1.go").click())
    assert "Objective 1 agreed at 3 – Mature." in _texts(at)
    assert at.selectbox(key="rounds.1.moderate.item").value == "2"      # on to the next not yet agreed
    at.selectbox(key="rounds.1.moderate.2.score").set_value("3 – Mature")
    _run(at.button(key="rounds.1.moderate.2.go").click())
    _run(at.button(key="rounds.apply").click())                          # objective 3 not agreed: refused
    assert [e.value for e in shown(at.error)] == ["Agree a score for every objective first: 1 not yet (3)."]
    at.selectbox(key="rounds.1.moderate.3.score").set_value("2 – Developing")
    _run(at.button(key="rounds.1.moderate.3.go").click())
    assert list(tables(at)[1]["Agreed"]) == ["3 – Mature", "3 – Mature", "2 – Developing"]
    _run(at.button(key="rounds.apply").click())
    assert "Applied round 1: 3 agreed scores written into 2023." in _texts(at)
    assert f"Round 1 was applied on {long_date(date.today())}: its agreed scores are in 2023" in _texts(at)
    assert "Open a round" in [h.value for h in at.header]
    assert "round 1 applied (3 agreed scores written)" in _texts(at)
    entries = stored(store, "medway").period("2023").entries
    assert [entries[i].score for i in ("1", "2", "3")] == [Score(3.0), Score(3.0), Score(2.0)]
    report = queries.round_report(store, LOCAL_ACTOR, "medway", "2023")
    assert report is not None and report.agreed[0].published == ("Partners see real leadership.",)
    assert report.agreed[0].rationale == "Leadership is real but planning lags behind."


def test_someone_with_an_account_answers_signed_in_on_your_views(db):  # noqa: F811
    store = open_store(db)
    workflows.add_person(store, LOCAL_ACTOR, "officer@medway.gov.uk", "medway", "reviewer")
    r = workflows.open_round(store, LOCAL_ACTOR, "medway", "2023", closes=date.today() + timedelta(days=9),
                             items=["1", "2"])
    assert workflows.invite(store, LOCAL_ACTOR, r.id, "officer@medway.gov.uk", department="Procurement",
                            perspectives=["procurement officer"]).token is None
    officer = Actor("officer@medway.gov.uk", roles={"medway": "reviewer"})
    assert [q.round.id for q in queries.my_questionnaires(store, officer)] == [r.id]
    assert queries.my_questionnaires(store, Actor("someone@medway.gov.uk", roles={"medway": "editor"})) == []
    at = AppTest.from_file(str(ROOT / "assessment" / "ui" / "my_views_page.py"), default_timeout=60)
    at.session_state["signin.actor"] = officer
    _run(at)
    assert "Medway Council, 2023" in [unescape(h.value) for h in at.header]
    at.selectbox(key=f"views.{r.id}.score.1").set_value("4 – Leader")
    at.text_area(key=f"views.{r.id}.comment.1").input("Cabinet backs us.")
    _run(at.button(key=f"views.{r.id}.save").click())
    assert "Saved. Come back to this page to go on; submit when you are done." in _texts(at)
    assert at.selectbox(key=f"views.{r.id}.score.1").value == "4 – Leader"
    _run(at.button(key=f"views.{r.id}.submit").click())
    assert "You have submitted your answers to this round. Thank you." in _texts(at)
    assert workflows.round_spread(store, LOCAL_ACTOR, r.id).answered == 1
    workflows.close_round(store, LOCAL_ACTOR, r.id)
    assert queries.my_questionnaires(store, officer) == []                # no longer open


def test_a_key_area_round_in_the_app_and_the_moderators_named(db):  # noqa: F811
    """On a period scored one level per key area the Rounds page asks about key areas; the agreed
    level is written into the key area's entry. Naming a moderator who is no editor is refused in a
    line; naming an editor shows on the page and in history."""
    store = open_store(db)
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024", per="key_area")
    workflows.add_person(store, LOCAL_ACTOR, "editor@medway.gov.uk", "medway", "editor")
    workflows.add_person(store, LOCAL_ACTOR, "cllr@medway.gov.uk", "medway", "reviewer")
    at = new_app("medway", "2024")
    _run(at.switch_page(ROUNDS_PAGE))
    assert "2024 is scored one level per key area, so the round asks for a view of each key area." in _texts(at)
    assert at.radio(key="rounds.open.which").options[0] == "All 14 key areas"
    at.radio(key="rounds.open.which").set_value("Only those chosen below")
    at.multiselect(key="rounds.open.items").set_value(["engaging-councillors"])
    at.number_input(key="rounds.open.k").set_value(3)
    assert at.text_area(key="rounds.open.perspectives").value.splitlines()[0] == "procurement officer"
    at.text_area(key="rounds.open.perspectives").input("finance\n  Cabinet   member \n\nfinance")
    _run(at.button(key="rounds.open.go").click())
    assert "asking about 1 key area, closing on" in _texts(at)
    assert "It asks about 1 key area and is confidential" in _texts(at)
    at.text_input(key="rounds.moderators.emails").input("cllr@medway.gov.uk")
    _run(at.button(key="rounds.moderators.go").click())
    assert [e.value for e in shown(at.error)] == [
        "cllr@medway.gov.uk is not an editor here: a round is on a draft period, which only its editors and "
        "administrators see, so only they can moderate it."]
    at.text_input(key="rounds.moderators.emails").input("editor@medway.gov.uk")
    _run(at.button(key="rounds.moderators.go").click())
    assert "Round 1 is moderated by editor@medway.gov.uk." in _texts(at)
    assert "Moderators: editor@medway.gov.uk" in [e.label for e in at.expander]
    with store.transaction(write=False) as tx:
        assert tx.round(1).perspectives == ("finance", "Cabinet member")     # as typed, tidied, once each
    for n, level in enumerate(("2", "3", "4")):
        token = workflows.invite(store, LOCAL_ACTOR, 1, f"p{n}@partner.org", department="Finance",
                                 perspectives=["finance"]).token
        workflows.answer_by_link(store, token or "", {"engaging-councillors": (level, "")}, submit=True)
    _run(at)
    spread = tables(at)[1]
    assert list(spread["Key area"]) == ["Engaging Councillors"]
    assert list(spread["Views"]) == ["median 3 – Mature, range 2 to 4, 3 answering"]
    _run(at.button(key="rounds.close").click())
    assert "Closed round 1: agree a score for each key area below, then apply them." in _texts(at)
    at.selectbox(key="rounds.1.moderate.engaging-councillors.score").set_value("3 – Mature")
    at.text_area(key="rounds.1.moderate.engaging-councillors.rationale").input("Views two levels apart.")
    _run(at.button(key="rounds.1.moderate.engaging-councillors.go").click())
    assert "Engaging Councillors agreed at 3 – Mature." in _texts(at)
    _run(at.button(key="rounds.apply").click())
    assert "Applied round 1: 1 agreed score written into 2024." in _texts(at)
    entry = stored(store, "medway").period("2024").key_area_entries["engaging-councillors"]
    assert entry.score == Score(3.0) and not entry.carried


def test_where_mail_is_set_up_the_rounds_page_emails_the_invitation_with_its_link(db, monkeypatch, smtp):  # noqa: F811
    """With a mail server set up, "Email them the invitation" is offered (ticked): the message
    carries the person's link, which opens their questionnaire, and the page does not show it."""
    for name, value in (("SMTP_HOST", "127.0.0.1"), ("SMTP_PORT", str(smtp.settings.port)),
                        ("SMTP_FROM", "procurement@medway.gov.uk"), ("SMTP_STARTTLS", "false")):
        monkeypatch.setenv(name, value)
    store = open_store(db)
    workflows.open_round(store, LOCAL_ACTOR, "medway", "2023", closes=date.today() + timedelta(days=9), items=["1"])
    at = new_app("medway", "2023")
    _run(at.switch_page(ROUNDS_PAGE))
    assert at.checkbox(key="rounds.invite.send").value is True
    at.text_input(key="rounds.invite.email").input("partner@charity.org.uk")
    at.text_input(key="rounds.invite.department").input("Voluntary sector")
    at.multiselect(key="rounds.invite.perspectives").set_value(["partner body"])
    _run(at.button(key="rounds.invite.go").click())
    assert "partner@charity.org.uk is invited: the invitation was emailed to them." in _texts(at)
    assert not at.code                                             # the link is in the email only
    [message] = smtp.to("partner@charity.org.uk")
    link = re.search(r"/\?link=([A-Za-z0-9_-]{43})", words_of(message))
    assert link is not None
    assert workflows.questionnaire_by_link(store, link.group(1)).items == ["1"]
