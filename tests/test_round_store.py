"""Storage of respondent rounds (issue 30): rounds on a period, invitations with link tokens kept
only as hashes, answer sets saved and submitted once, moderation; an anonymous answer set keeps no
link to its invitation, in the database or in a backup. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import secrets
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text

from assessment import workflows
from assessment.domain.errors import NotFound, PeriodLocked
from assessment.domain.record import PeriodRecord
from assessment.domain.rounds import Answer, Invitation, Moderation, Profile, Round, RoundError, token_hash
from assessment.storage.backup import backup
from assessment.storage.tables import InvitationRow, ResponseRow

from .conftest import save_record

EDITOR = "officer@medway.gov.uk"
FINANCE = Profile("Finance", ("finance", "senior manager"), "finance")
LEGAL = Profile("Legal services", ("legal",), "legal")
SOON = date(2027, 1, 31)


@pytest.fixture
def medway_2024(store, medway):
    """Medway's example record with 2024 started as a draft."""
    save_record(store, medway)
    workflows.start_period(store, workflows.LOCAL_ACTOR, "medway", "2024")
    return store


def open_round(store, mode: str, **kwargs) -> Round:
    with store.transaction() as tx:
        made = tx.add_round(Round("medway", "2024", SOON, mode=mode, opened_by=EDITOR, **kwargs))
        return tx.set_round_state(made.id, "open")


def invite(store, round_id: int, profile: Profile, *, email: str | None = None,
           token: str | None = None) -> Invitation:
    with store.transaction() as tx:
        return tx.add_invitation(Invitation(round_id, profile, email=email, invited_by=EDITOR,
                                            expires_at=datetime.now(timezone.utc) + timedelta(days=30)),
                                 token_hash=token_hash(token) if token else None)


def answer(store, invitation_id: int, *answers: Answer, submit: bool = False) -> None:
    with store.transaction() as tx:
        tx.save_response(invitation_id, answers)
        if submit:
            tx.submit_response(invitation_id)


def rows(store, table) -> list:
    with store.transaction(write=False) as tx:
        return list(tx.s.scalars(select(table)))


def test_a_round_is_kept_with_what_it_asks_and_moves_through_its_states(medway_2024):
    store = medway_2024
    with store.transaction() as tx:
        made = tx.add_round(Round("medway", "2024", SOON, mode="anonymous", items=("1", "2", "10"), k=3,
                                  perspectives=("finance", "legal"), opened_by=EDITOR))
    assert (made.state, made.items, made.k, made.perspectives, made.closes) == \
        ("draft", ("1", "2", "10"), 3, ("finance", "legal"), SOON)
    with store.transaction() as tx:
        assert tx.round(made.id) == made
        assert tx.rounds("medway", "2024") == [made] and tx.rounds("medway", "2023") == []
        tx.set_round_state(made.id, "open")
    with pytest.raises(RoundError, match="cannot become applied"):
        with store.transaction() as tx:
            tx.set_round_state(made.id, "applied")
    with store.transaction() as tx:
        tx.set_round_state(made.id, "closed")
        assert tx.set_round_state(made.id, "applied").state == "applied"
    with pytest.raises(RoundError, match="applied"):
        invite(store, made.id, FINANCE, email="a@medway.gov.uk")
    with pytest.raises(NotFound):
        with store.transaction(write=False) as tx:
            tx.round(made.id + 1)


def test_a_round_is_opened_only_on_a_period_open_to_change_and_goes_with_it(medway_2024):
    store = medway_2024
    with pytest.raises(PeriodLocked, match="^2023 is approved"):
        with store.transaction() as tx:
            tx.add_round(Round("medway", "2023", SOON))
    made = open_round(store, "confidential")
    invitation = invite(store, made.id, FINANCE, email="a@medway.gov.uk")
    answer(store, invitation.id, Answer("1", 3.0))
    with store.transaction() as tx:
        tx.delete_period("medway", "2024")
    assert rows(store, InvitationRow) == [] and rows(store, ResponseRow) == []
    with store.transaction() as tx:
        tx.add_period("medway", PeriodRecord("2024"), "nps-2018", "2018", user="x")
        assert tx.rounds("medway") == []


def test_a_links_token_is_kept_only_as_its_hash(medway_2024):
    store = medway_2024
    made = open_round(store, "confidential")
    token = secrets.token_urlsafe(32)
    invitation = invite(store, made.id, LEGAL, token=token)
    assert invitation.link and invitation.email is None
    with store.engine.connect() as connection:
        dumped = [str(v) for table in ("invitations", "rounds") for row in connection.execute(text(f"SELECT * FROM {table}"))
                  for v in row]
    assert token not in " ".join(dumped) and token_hash(token) in dumped
    assert token not in backup(store).decode("utf-8")
    with store.transaction(write=False) as tx:
        assert tx.invitation_by_token_hash(token_hash(token)) == invitation
        assert tx.invitation_by_token_hash(token_hash("another")) is None
    with pytest.raises(RoundError, match="SHA-256"):
        with store.transaction() as tx:
            tx.add_invitation(Invitation(made.id, LEGAL, expires_at=datetime.now(timezone.utc)), token_hash=token)
    with pytest.raises(RoundError, match="within 30 days"):
        with store.transaction() as tx:
            tx.add_invitation(Invitation(made.id, LEGAL, expires_at=datetime.now(timezone.utc) + timedelta(days=31)),
                              token_hash=token_hash("x"))


def test_answers_are_saved_come_back_to_and_submitted_once(medway_2024):
    store = medway_2024
    made = open_round(store, "confidential")
    invitation = invite(store, made.id, FINANCE, email="a@medway.gov.uk")
    answer(store, invitation.id, Answer("1", 2.5, comment="Wedi’i gytuno"))
    answer(store, invitation.id, Answer("1", 3.0), Answer("2", dont_know=True, comment="New to this"))
    with store.transaction(write=False) as tx:
        (saved,) = tx.responses(made.id)
    assert (saved.invitation_id, saved.submitted, saved.profile) == (invitation.id, False, FINANCE)
    assert saved.answers == (Answer("1", 3.0), Answer("2", dont_know=True, comment="New to this"))
    answer(store, invitation.id, *saved.answers, submit=True)
    with store.transaction(write=False) as tx:
        (kept,) = tx.responses(made.id)
        assert tx.invitations(made.id)[0].submitted
    assert (kept.id, kept.invitation_id, kept.submitted) == (saved.id, invitation.id, True)   # confidential: linked
    with pytest.raises(RoundError, match="submitted once"):
        answer(store, invitation.id, Answer("1", 4.0))


def test_a_revoked_invitation_or_a_round_not_open_takes_no_answers(medway_2024):
    store = medway_2024
    made = open_round(store, "confidential")
    invitation = invite(store, made.id, FINANCE, token="t" * 43)
    with store.transaction() as tx:
        assert tx.revoke_invitation(invitation.id).revoked_at is not None
    with pytest.raises(RoundError, match="withdrawn"):
        answer(store, invitation.id, Answer("1", 3.0))
    other = invite(store, made.id, LEGAL, email="b@medway.gov.uk")
    with store.transaction() as tx:
        tx.set_round_state(made.id, "closed")
    with pytest.raises(RoundError, match="not taking answers"):
        answer(store, other.id, Answer("1", 3.0))


def test_an_anonymous_answer_set_keeps_no_link_to_its_invitation(medway_2024):
    store = medway_2024
    made = open_round(store, "anonymous")
    first = invite(store, made.id, FINANCE, email="a@medway.gov.uk")
    second = invite(store, made.id, LEGAL, token="s" * 43)
    answer(store, first.id, Answer("1", 4.0, comment="Strong pipeline"))
    with store.transaction(write=False) as tx:
        (draft,) = tx.responses(made.id)
    assert draft.invitation_id == first.id                       # while answering: linked, to come back
    answer(store, first.id, Answer("1", 4.0, comment="Strong pipeline"), submit=True)
    answer(store, second.id, Answer("1", 2.0))                   # a draft of the other, still linked

    submitted = [r for r in rows(store, ResponseRow) if r.submitted]
    (row,) = submitted
    assert row.invitation_id is None and row.id != draft.id and len(row.id) == 32
    assert {r.id for r in rows(store, ResponseRow)} == {row.id, *(r.id for r in rows(store, ResponseRow)
                                                                  if r.invitation_id == second.id)}
    assert draft.id not in {r.id for r in rows(store, ResponseRow)}   # the linked row is gone
    invitations = {i.id: i for i in rows(store, InvitationRow)}
    assert invitations[first.id].submitted and not invitations[second.id].submitted
    assert {c.name for c in InvitationRow.__table__.columns} >= {"submitted"}
    assert not any("submitted_at" in c.name for c in InvitationRow.__table__.columns)

    data = json.loads(backup(store))
    (round_,) = data["organisations"][0]["assessments"][-1]["rounds"]
    assert "invitation_id" not in json.dumps(data)
    (unlinked,) = round_["responses"]
    assert unlinked["id"] == row.id and unlinked["submitted"]
    by_email = {i["email"]: i for i in round_["invitations"]}
    assert by_email["a@medway.gov.uk"]["responses"] == [] and by_email["a@medway.gov.uk"]["submitted"]
    assert [r["submitted"] for r in by_email[None]["responses"]] == [False]


def test_moderation_is_kept_per_item_and_replaced(medway_2024):
    store = medway_2024
    made = open_round(store, "confidential")
    with store.transaction() as tx:
        tx.set_moderation(made.id, Moderation("10", 3.0, meeting="Procurement board, 4 March"))
        tx.set_moderation(made.id, Moderation("2", 2.5, rationale="Views two levels apart", published=("abc",),
                                              moderated_by=EDITOR))
        tx.set_moderation(made.id, Moderation("10", 4.0, rationale="Evidence of the audit", moderated_by=EDITOR))
    with store.transaction(write=False) as tx:
        kept = tx.moderations(made.id)
    assert [(m.item_id, m.score, m.rationale, m.published) for m in kept] == [
        ("2", 2.5, "Views two levels apart", ("abc",)), ("10", 4.0, "Evidence of the audit", ())]
    assert kept[1].meeting is None and kept[1].moderated_at is not None
