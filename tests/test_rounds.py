"""Respondent rounds through the application layer (issue 30), on SQLite and PostgreSQL: a round is
opened on a draft period and holds its submission back; outside respondents answer through links
(saved, come back to, submitted once; a link expired, withdrawn or reused is refused in the same
words); a signed-in officer answers as themselves; an anonymous answer set keeps no link to its
invitation in the database or a backup, and no figure is shown until k have answered; the
moderator agrees scores (a rationale where views differ) and applies them, all or nothing, as
versions "moderated from round N"; nobody reaches another council's round."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import text

from assessment import workflows
from assessment.cli import main
from assessment.domain.errors import AssessmentError, InvalidEdit, NotAllowed
from assessment.domain.rounds import Withheld
from assessment.workflows import LOCAL_ACTOR, Actor, queries

from .conftest import stored

EDITOR = Actor("head@medway.gov.uk", roles={"medway": "editor"})
REVIEWER = Actor("cllr@medway.gov.uk", roles={"medway": "reviewer"})
OTHER = Actor("head@worcestershire.gov.uk", roles={"worcestershire": "editor"})
TODAY = date.today()
ASKED = ["1", "2", "3"]


@pytest.fixture
def medway_round(store):
    """The examples, Medway's 2024 started (a draft carried from 2023), and an anonymous round on
    objectives 1 to 3 with k = 3."""
    workflows.ensure_examples(store)
    workflows.start_period(store, EDITOR, "medway", "2024")
    return workflows.open_round(store, EDITOR, "medway", "2024", closes=TODAY + timedelta(days=14), items=ASKED,
                                mode="anonymous", k=3)


def invite(store, round_id: int, n: int, department: str = "Finance", perspective: str = "finance"):
    return workflows.invite(store, EDITOR, round_id, f"person{n}@partner.org", department=department,
                            perspectives=[perspective])


def test_outside_respondents_answer_through_links_and_an_anonymous_answer_keeps_no_link(store, medway_round):
    r = medway_round
    with pytest.raises(AssessmentError, match="2024 has round 1 open: apply its agreed scores before submitting"):
        workflows.submit_period(store, EDITOR, "medway", "2024")
    links = [invite(store, r.id, n).token for n in range(3)]
    assert all(links) and len(set(links)) == 3
    # Saved, come back to, then submitted once.
    workflows.answer_by_link(store, links[0], {"1": ("2", "Partly"), "2": ("", "")})
    back = workflows.questionnaire_by_link(store, links[0])
    assert back.items == ASKED and back.answers["1"].value == 2 and back.answers["1"].comment == "Partly"
    assert not back.submitted and back.profile.department == "Finance"
    workflows.answer_by_link(store, links[0], {"1": ("2", "Partly"), "2": ("don't know", ""), "3": ("n/a", "")},
                             submit=True)
    with pytest.raises(NotAllowed, match="not valid"):
        workflows.answer_by_link(store, links[0], {"1": ("5", "")}, submit=True)      # reused after submitting
    with pytest.raises(InvalidEdit, match="objective 9 is not asked"):
        workflows.answer_by_link(store, links[1], {"9": ("3", "")})
    with pytest.raises(AssessmentError, match="objective 1"):
        workflows.answer_by_link(store, links[1], {"1": ("7", "")})                   # an impossible score
    # Fewer than k have answered: no figure at all.
    early = workflows.round_spread(store, EDITOR, r.id)
    assert early.answered == 1 and all(isinstance(s, Withheld) for s in early.objectives.values())
    workflows.answer_by_link(store, links[1], {"1": ("3", "Mine alone")})
    assert workflows.questionnaire_by_link(store, links[2]).answers == {}    # nobody reaches another's answers
    workflows.answer_by_link(store, links[1], {"1": ("3", ""), "2": ("3", "")}, submit=True)
    workflows.answer_by_link(store, links[2], {"1": ("4", "Good"), "2": ("3", "")}, submit=True)
    figures = workflows.round_spread(store, EDITOR, r.id).objectives
    # 1: 2, 3, 4 -> median 3, range 2 to 4, flagged (two levels apart); 2: 3, 3 and one don't know
    assert (figures["1"].n, figures["1"].median, figures["1"].lowest, figures["1"].highest, figures["1"].flagged) == \
        (3, 3, 2, 4, True)
    assert (figures["2"].n, figures["2"].dont_know, figures["2"].median, figures["2"].flagged) == (2, 1, 3, False)
    # Unlinkable: no submitted answer set points at an invitation, in the database or a backup.
    with store.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM responses WHERE invitation_id IS NOT NULL")).scalar() == 0
        assert connection.execute(text("SELECT count(*) FROM responses")).scalar() == 3
        hashes = [row[0] for row in connection.execute(text("SELECT token_hash FROM invitations"))]
    assert all(len(h) == 64 for h in hashes) and not any(link in h for link in links for h in hashes)
    backup = workflows.backup(store, LOCAL_ACTOR)
    assert not any(link.encode() in backup for link in links)
    for round_ in json.loads(backup)["organisations"][0]["assessments"][-1].get("rounds", []):
        for response in round_.get("responses", []):
            assert "invitation" not in json.dumps(response)


def test_a_link_withdrawn_or_expired_is_refused_in_the_same_words(store, medway_round):
    r = medway_round
    withdrawn, expired = invite(store, r.id, 1).token, invite(store, r.id, 2).token
    assert workflows.revoke(store, EDITOR, r.id, "person1@partner.org") == 1
    with store.engine.begin() as connection:
        connection.execute(text("UPDATE invitations SET expires_at = :past WHERE email = 'person2@partner.org'"),
                           {"past": datetime.now(timezone.utc) - timedelta(minutes=1)})
    for token in (withdrawn, expired, "made-up", "x" * 10_000):
        with pytest.raises(NotAllowed) as refused:
            workflows.questionnaire_by_link(store, token)
        assert str(refused.value) == ("this link to answer is not valid: it may be mistyped, withdrawn, expired or "
                                      "already used")
    # Their answers on paper, typed in by an editor while the round is open: the link's expiry does not count.
    assert workflows.import_answers(store, EDITOR, r.id, "person2@partner.org", {"1": ("3", "On paper")}) == 1
    with pytest.raises(AssessmentError, match="person1@partner.org is not invited to round 1"):   # withdrawn
        workflows.import_answers(store, EDITOR, r.id, "person1@partner.org", {"1": ("3", "")})
    with pytest.raises(InvalidEdit, match="a link lasts 1 to 30 days"):
        workflows.invite(store, EDITOR, r.id, "late@partner.org", department="Legal", perspectives=["legal"], days=31)


def test_an_officer_answers_signed_in_and_the_moderator_agrees_and_applies(store, medway_round):
    r = medway_round
    workflows.add_person(store, LOCAL_ACTOR, "officer@medway.gov.uk", "medway", "editor")
    officer = Actor("officer@medway.gov.uk", roles={"medway": "editor"})
    made = workflows.invite(store, EDITOR, r.id, "officer@medway.gov.uk", department="Procurement",
                            perspectives=["procurement officer", "finance"], primary="finance")
    assert made.token is None                                          # they have an account: no link
    with pytest.raises(NotAllowed, match="is not invited to answer round"):
        workflows.answer_as(store, REVIEWER, r.id, {"1": ("3", "")})
    workflows.answer_as(store, officer, r.id, {"1": ("4", ""), "2": ("2", ""), "3": ("3", "")}, submit=True)
    links = [invite(store, r.id, n).token for n in range(2)]
    for token in links:
        workflows.answer_by_link(store, token, {"1": ("2", "A view"), "2": ("2", ""), "3": ("3", "")}, submit=True)
    with pytest.raises(AssessmentError, match="close it before agreeing"):
        workflows.moderate(store, EDITOR, r.id, "1", "3")
    workflows.close_round(store, EDITOR, r.id)
    # 1: 2, 2, 4 -> median 2, flagged: a rationale is required; 2: 2, 2, 2 -> 3 is a level from the median.
    with pytest.raises(InvalidEdit, match="say why the agreed score is 3 .*median is 2, and their views were two"):
        workflows.moderate(store, EDITOR, r.id, "1", "3")
    sets = workflows.round_answers(store, EDITOR, r.id)
    assert [s.email for s in sets] == [None, None, None]                   # anonymous: nobody named
    voiced = [s.id for s in sets if any(a.comment == "A view" for a in s.answers)]
    workflows.moderate(store, EDITOR, r.id, "1", "3", rationale="Evidence from the contracts register",
                       meeting="Procurement board, 3 March", published=voiced[:1])
    with pytest.raises(InvalidEdit, match="say why the agreed score is 3"):
        workflows.moderate(store, EDITOR, r.id, "2", "3")
    workflows.moderate(store, EDITOR, r.id, "2", "2")
    with pytest.raises(AssessmentError, match="agree a score for every objective first: 1 not yet \\(3\\)"):
        workflows.apply_round(store, EDITOR, r.id)
    workflows.moderate(store, EDITOR, r.id, "3", "3")
    assert workflows.apply_round(store, EDITOR, r.id) == ASKED
    period = stored(store, "medway").period("2024")
    assert [period.entries[i].score.value for i in ASKED] == [3, 2, 3]
    assert queries.history(store, EDITOR, "medway", "2024", "1")[-1].change == f"moderated from round {r.id}"
    with pytest.raises(AssessmentError, match="applied"):
        workflows.moderate(store, EDITOR, r.id, "1", "4", rationale="again")
    words = [e.describe() for e in queries.period_history(store, EDITOR, "medway", "2024") if e.kind == "round"]
    assert words[0] == "round 1 applied (3 agreed scores written)" and words[-1].startswith("round 1 open (anonymous")
    workflows.confirm_scores(store, EDITOR, "medway", "2024")
    workflows.submit_period(store, EDITOR, "medway", "2024")           # the round no longer holds it back
    read = queries.round_report(store, REVIEWER, "medway", "2024")      # a councillor, once it is submitted
    assert read is not None and (read.answered, read.invited) == (3, 3)
    first = read.agreed[0]
    assert (first.item, first.agreed, first.spread.median, first.rationale) == ("1", 3, 2,
                                                                                 "Evidence from the contracts register")
    assert first.published == ("A view",) and read.differ_most == ["1"]
    assert "A view" not in json.dumps([a.published for a in read.agreed[1:]])


def test_an_entry_changed_since_the_round_opened_is_not_overwritten(store, medway_round):
    from assessment.domain.edits import EntryEdit
    r = medway_round
    for n in range(3):
        workflows.answer_by_link(store, invite(store, r.id, n).token, {i: ("3", "") for i in ASKED}, submit=True)
    workflows.close_round(store, EDITOR, r.id)
    for item in ASKED:
        workflows.moderate(store, EDITOR, r.id, item, "3")
    version = stored(store, "medway").period("2024").entries["2"].version
    workflows.save_edits(store, EDITOR, "medway", "2024", [EntryEdit("2", base_version=version, comment="Changed")])
    before = stored(store, "medway").period("2024")
    with pytest.raises(AssessmentError, match="objective 2 changed since the round opened"):
        workflows.apply_round(store, EDITOR, r.id)
    assert stored(store, "medway").period("2024") == before            # nothing written


def test_nobody_reaches_another_councils_round_and_a_councillor_opens_none(store, medway_round):
    r = medway_round
    for actor in (OTHER, REVIEWER):
        for call in (lambda a: workflows.round_spread(store, a, r.id),
                     lambda a: workflows.invite(store, a, r.id, "x@y.org", department="D", perspectives=["other"]),
                     lambda a: workflows.close_round(store, a, r.id),
                     lambda a: workflows.moderate(store, a, r.id, "1", "3")):
            with pytest.raises(NotAllowed):
                call(actor)
    with pytest.raises(NotAllowed) as missing:
        workflows.round_spread(store, OTHER, 999)
    assert str(missing.value) == "head@worcestershire.gov.uk may not see round 999"   # as for one that exists
    with pytest.raises(NotAllowed):
        workflows.open_round(store, REVIEWER, "medway", "2024", closes=TODAY + timedelta(days=3))


def test_a_round_is_refused_on_an_approved_period_with_a_past_date_or_an_unknown_objective(store, medway_round):
    with pytest.raises(AssessmentError, match="approved"):
        workflows.open_round(store, EDITOR, "medway", "2023", closes=TODAY + timedelta(days=3))
    with pytest.raises(InvalidEdit, match="closes after today"):
        workflows.open_round(store, EDITOR, "medway", "2024", closes=TODAY)
    with pytest.raises(AssessmentError, match="round 1 on 2024 is open"):
        workflows.open_round(store, EDITOR, "medway", "2024", closes=TODAY + timedelta(days=3))
    with pytest.raises(InvalidEdit, match="is not a perspective of this round"):
        workflows.invite(store, EDITOR, medway_round.id, "x@y.org", department="D", perspectives=["astrologer"])


def test_the_command_line_runs_a_round_from_opening_to_applying(store, db_url, tmp_path, capsys):
    workflows.ensure_examples(store)
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")

    def cli(*args: str) -> str:
        assert main(["--database", db_url, *args]) == 0, capsys.readouterr()
        return capsys.readouterr().out
    said = cli("round", "open", "2024", "--org", "medway", "--objectives", "1,2", "--closes",
               (TODAY + timedelta(days=10)).isoformat())
    round_id = said.strip().splitlines()[-1]
    assert round_id == "1"
    link = cli("round", "invite", round_id, "--email", "a@partner.org", "--department", "Finance", "--perspective",
               "finance").strip().splitlines()[-1]
    assert link.startswith("http://localhost:8501/?link=")
    paper = tmp_path / "answers.yaml"
    paper.write_text('answers:\n  - objective: "1"\n    score: 3\n    comment: On paper\n  - objective: 2\n'
                     '    score: "don\'t know"\n', encoding="utf-8")
    cli("round", "invite", round_id, "--email", "b@partner.org", "--department", "Legal", "--perspective", "legal")
    assert "b@partner.org: 2 answers submitted to round 1" in cli("import", "answers", str(paper), "--round",
                                                                  round_id, "--email", "b@partner.org")
    assert json.loads(cli("round", "spread", round_id, "--format", "json"))["objectives"]["1"]["n"] == 1
    cli("round", "close", round_id)
    cli("round", "moderate", round_id, "--objective", "1", "--score", "3")
    cli("round", "moderate", round_id, "--objective", "2", "--score", "n/a")
    assert "2 agreed scores written" in cli("round", "apply", round_id)
    assert "applied" in cli("round", "list", "--org", "medway")
    bad = tmp_path / "bad.yaml"
    bad.write_text('answers:\n  - objective: "1"\n    score: 3\n  - objective: "1"\n    score: 4\n', encoding="utf-8")
    assert main(["--database", db_url, "import", "answers", str(bad), "--round", round_id, "--email",
                 "b@partner.org"]) != 0
    assert "bad.yaml:4: answers[1].objective: objective 1 is answered twice" in capsys.readouterr().err


# ---------------------------------------------------------------- answering through a link, in the app (AppTest)

def test_a_respondent_answers_through_a_link_in_the_app_comes_back_and_submits_once(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from assessment.storage.store import open_store

    from .conftest import ROOT
    url = f"sqlite:///{tmp_path / 'answer.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    store = open_store(url)
    workflows.ensure_examples(store)
    workflows.start_period(store, EDITOR, "medway", "2024")
    r = workflows.open_round(store, EDITOR, "medway", "2024", closes=TODAY + timedelta(days=9), items=["1", "2"])
    token = invite(store, r.id, 1).token

    def visit() -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.query_params["link"] = token
        at.run()
        assert not at.exception, at.exception
        return at
    at = visit()
    assert at.title[0].value == "Your views: Medway Council, 2024"
    assert "link" not in at.query_params                                   # taken out of the address bar
    assert [b.key for b in at.selectbox] == ["answer.score.1", "answer.score.2"]
    at.selectbox(key="answer.score.1").set_value("3 – Mature")
    at.text_area(key="answer.comment.1").input("<b>Standing orders</b> **revised**")
    at.button(key="answer.save").click().run()
    assert "Saved." in at.success[0].value
    again = visit()                                                        # comes back with the same link
    assert again.selectbox(key="answer.score.1").value == "3 – Mature"
    assert again.text_area(key="answer.comment.1").value == "<b>Standing orders</b> **revised**"
    again.selectbox(key="answer.score.2").set_value("don't know")
    again.button(key="answer.submit").click().run()
    assert again.title[0].value == "Thank you"
    later = visit()                                                        # used: refused in plain words
    assert "This link to answer is not valid" in later.error[0].value.replace("\\", "")
    spread = workflows.round_spread(store, EDITOR, r.id)
    assert spread.answered == 1 and spread.objectives["1"].median == 3 and spread.objectives["2"].dont_know == 1


def test_once_the_answers_are_past_their_time_the_report_says_so_and_the_agreed_scores_stand(store, medway_round):
    from assessment import settings
    r = medway_round
    for n in range(3):
        workflows.answer_by_link(store, invite(store, r.id, n).token, {i: ("3", "Said") for i in ASKED}, submit=True)
    workflows.close_round(store, EDITOR, r.id)
    for item in ASKED:
        workflows.moderate(store, EDITOR, r.id, item, "3")
    workflows.apply_round(store, EDITOR, r.id)
    kept = queries.round_report(store, EDITOR, "medway", "2024")
    assert kept is not None and not kept.answers_removed and kept.agreed[0].spread.n == 3
    workflows.run_retention(store, LOCAL_ACTOR, today=TODAY + timedelta(days=400), days=settings.retention_days({}),
                            dry_run=False)
    after = queries.round_report(store, EDITOR, "medway", "2024")
    assert after is not None and after.answers_removed and [a.agreed for a in after.agreed] == [3, 3, 3]
    assert all(isinstance(a.spread, Withheld) and "removed" in a.spread.reason for a in after.agreed)
    from assessment.domain.round_report import participation_sentence
    assert participation_sentence(after).startswith("The respondents' answers have been removed")
