"""Respondent rounds (issue 30): several people's views on a draft period's objectives, then one
agreed score for each, written into the period.

An editor opens a round (`open_round`) on a draft period, for all its objectives or some, with a
closing date and a mode: confidential (who answered what is kept) or anonymous (a submitted answer
set keeps no link to its invitation: `Transaction.submit_response`). They invite people
(`invite`): someone with an account here answers signed in, as themselves (`answer_as`); anyone
else gets a link, random, for them alone, expiring within 30 days, revocable (`revoke`), of which
only a hash is kept (`answer_by_link`). Answers can be saved and come back to, and are submitted
once. Paper answers are typed in for their respondent (`import_answers`). An editor closes the
round, reads the spread (`round_spread`, with `domain.rounds`' disclosure rules), records an agreed
score for each objective (`moderate`: a rationale is required where it is a level or more from
the median, or views were two or more levels apart) and applies them (`apply_round`): each becomes
a version of its entry, "moderated from round N", all or nothing, refused where the entry was
changed since the round opened. A period cannot be submitted while a round on it is open or
closed but not applied (`periods.submit_period`). Every move is kept as an event.

A round asks about objectives, or, on a record kept one level per key area (`rollups.scored_per`),
about key areas (`Round.kind`): whatever the period is scored by, so that the agreed scores are
written into the entries the period keeps. The moderator's right is the editors' unless the round
names its moderators (`set_moderators`): some of the organisation's editors, who then alone read who
answered what, the answers and the spread, and agree the scores (`may_moderate`), so that an editor
who answered the round does not read the others' answers. Applying them stays any editor's act. (A
round is on a draft period, which only editors see; a reviewer named would need an editor's role.)
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Sequence

from ..domain.errors import AssessmentError, InvalidEdit, NotAllowed
from ..domain.framework import Framework
from ..domain.people import email_address
from ..domain.record import Entry
from ..domain.round_report import AgreedScore, RoundReport  # noqa: F401 - re-exported; kept in the domain
from ..domain.rollups import scored_per
from ..domain.rounds import (K_DEFAULT, LINK_DAYS, PERSPECTIVES, Answer, Invitation, Moderation, Participation,
                             Profile, Response, Round, RoundError, Spread, Withheld, asked_of, by_objective, check_k,
                             item_word, participation, read_answer, spreads_by, token_hash)
from ..domain.scores import Score
from ..storage.store import Store
from .access import EDIT, Actor, actor_of, allow, allow_change
from .common import framework_of

UNAPPLIED = ("draft", "open", "closed")   # a round in one of these holds its period back from submission


def _now() -> datetime:
    return datetime.now(timezone.utc)


def open_round(store: Store, actor: Actor, org_id: str, period: str, *, closes: date,
               items: Sequence[str] | None = None, mode: str = "confidential", k: int = K_DEFAULT,
               perspectives: Sequence[str] | None = None, today: date | None = None,
               moderators: Sequence[str] = (), kind: str | None = None) -> Round:
    """Open a round on a draft period, asking about `items` (ids of what the period is scored by:
    objectives, or key areas on a record kept one level per key area; None: all of them), closing on
    `closes` (after today, within a year). One round at a time on a period. `moderators`: as
    `set_moderators`. `kind`, where given, is what the caller means the ids to be ("objective" or
    "key_area"): refused where the period is scored by the other."""
    allow(actor, org_id, EDIT)
    kind_asked = kind
    today = today or date.today()
    if not today < closes <= today + timedelta(days=366):
        raise InvalidEdit(f"a round closes after today and within a year, not on {closes.isoformat()}")
    with store.transaction() as tx:
        record = tx.record(org_id)
        current = record.period(period)
        allow_change(actor, org_id, current, what="given a round")
        framework = framework_of(record)
        kind = scored_per(record, period)
        if kind_asked is not None and kind_asked != kind:
            raise InvalidEdit(f"{period} is scored one level per {item_word(kind)}: a round on it asks about "
                              f"{item_word(kind)}s, not {item_word(kind_asked)}s")
        asked = list(items) if items is not None else None
        if asked is not None:
            known = set(asked_of(framework, kind))
            unknown = [i for i in asked if i not in known]
            if unknown:
                scored = " (its periods are scored one level per key area)" if kind == "key_area" else ""
                raise InvalidEdit(f"{framework.name} has no {item_word(kind)} {', '.join(unknown)}{scored}")
        chosen = _moderators(tx, org_id, moderators)
        waiting = [r for r in tx.rounds(org_id, period) if r.state in UNAPPLIED]
        if waiting:
            raise RoundError(f"round {waiting[0].id} on {period} is {waiting[0].state}: apply it (or close it and "
                             "apply what was agreed) before opening another")
        made = tx.add_round(Round(org_id, period, closes, mode=mode, kind=kind,
                                  items=tuple(asked) if asked else None, k=check_k(k),
                                  perspectives=tuple(perspectives or PERSPECTIVES), opened_by=actor.name,
                                  moderators=chosen))
        assert made.id is not None
        opened = tx.set_round_state(made.id, "open")
        versions = {i: _saved_version(current, i, kind) for i in _asked(opened, framework)}
        tx.add_event(org_id, period, "round", actor.name, round=made.id, state="open", mode=mode,
                     closes=closes.isoformat(), versions=versions)
        return opened


def _asked(round_: Round, framework: Framework) -> list[str]:
    return list(round_.items) if round_.items is not None else asked_of(framework, round_.kind)


def _saved_version(current, item: str, kind: str = "objective") -> int:
    """The version of an item's saved entry in a period (0: none saved): kept when a round opens,
    so that applying it can tell an entry changed since."""
    saved = current.saved_entry(kind, item)
    return saved.version if saved else 0


def _moderators(tx, org_id: str, named: Iterable[str]) -> tuple[str, ...]:
    """The addresses named as a round's moderators, each an editor (or administrator) of the organisation."""
    chosen: list[str] = []
    for raw in named:
        address = email_address(raw)
        if address in chosen:
            continue
        person = tx.person(address)
        if person is None or not actor_of(person).may(org_id, EDIT):
            raise InvalidEdit(f"{address} is not an editor here: a round is on a draft period, which only its "
                              "editors and administrators see, so only they can moderate it")
        chosen.append(address)
    return tuple(chosen)


def may_moderate(actor: Actor, round_: Round) -> bool:
    """Whether `actor` holds the moderator's right for the round: one of those it names, or, where it
    names none, an editor of its organisation."""
    if round_.moderators and not actor.every_right:
        return actor.name in round_.moderators and actor.may(round_.org_id, EDIT)
    return actor.may(round_.org_id, EDIT)


def moderator_round(tx, actor: Actor, round_id: int) -> Round:
    """The round, once `actor` holds its moderator's right (`may_moderate`); the same refusal as
    `round_for` otherwise."""
    found = round_for(tx, actor, round_id)
    if not may_moderate(actor, found):
        who = ", ".join(found.moderators) if found.moderators else "the council's editors"
        raise NotAllowed(f"{actor.name} may not moderate round {round_id}: its moderators are {who}")
    return found


def set_moderators(store: Store, actor: Actor, round_id: int, moderators: Sequence[str]) -> Round:
    """Give the moderator's right for a round (before it is applied) to these of the organisation's
    editors; none: back to all its editors. An editor's act."""
    with store.transaction() as tx:
        found = round_for(tx, actor, round_id)
        chosen = _moderators(tx, found.org_id, moderators)
        changed = tx.set_moderators(round_id, chosen)
        tx.add_event(found.org_id, found.period, "round", actor.name, round=round_id,
                     moderators=list(chosen) or "editors")
        return changed


def round_for(tx, actor: Actor, round_id: int, right: str = EDIT) -> Round:
    """The round, once `actor` may do `right` at its organisation (the same refusal whether or not
    it exists, so nobody learns another council's rounds)."""
    try:
        found = tx.round(round_id)
    except AssessmentError:
        raise NotAllowed(f"{actor.name} may not see round {round_id}") from None
    allow(actor, found.org_id, right)
    return found


@dataclass(frozen=True)
class Invited:
    """An invitation made, and the link's token where one was made (shown once, never kept)."""

    invitation: Invitation
    token: str | None


def invite(store: Store, actor: Actor, round_id: int, email: str, *, department: str, perspectives: Sequence[str],
           primary: str | None = None, days: int = LINK_DAYS) -> Invited:
    """Invite `email` to answer, under a department and perspectives (`primary` one of them; the
    first if not given). Someone with an account here answers signed in; anyone else is given a
    link lasting `days` (30 at most). One invitation per address per round."""
    address = email_address(email)
    if not 1 <= days <= LINK_DAYS:
        raise InvalidEdit(f"a link lasts 1 to {LINK_DAYS} days, not {days}")
    chosen = tuple(" ".join(p.split()) for p in perspectives if p and p.strip())
    profile = Profile(" ".join((department or "").split()), chosen, " ".join((primary or "").split()) or
                      (chosen[0] if chosen else ""))
    with store.transaction() as tx:
        found = round_for(tx, actor, round_id)
        unknown = [p for p in chosen if p not in found.perspectives]
        if unknown:
            raise InvalidEdit(f"{unknown[0]} is not a perspective of this round ({', '.join(found.perspectives)})")
        if any(i.held_by(address) for i in tx.invitations(round_id)):
            raise InvalidEdit(f"{address} is invited to round {round_id} already")
        token = None if tx.person(address) is not None else secrets.token_urlsafe(32)
        made = tx.add_invitation(Invitation(round_id, profile, email=address, invited_by=actor.name,
                                            expires_at=_now() + timedelta(days=days) if token else None),
                                 token_hash=token_hash(token) if token else None)
        tx.add_event(found.org_id, found.period, "round", actor.name, round=round_id, invited=made.id)
    return Invited(made, token)


def revoke(store: Store, actor: Actor, round_id: int, email: str) -> int:
    """Withdraw `email`'s invitation to a round (its link no longer works); how many were withdrawn."""
    address = email_address(email)
    with store.transaction() as tx:
        found = round_for(tx, actor, round_id)
        mine = [i for i in tx.invitations(round_id) if i.held_by(address)]
        if not mine:
            raise InvalidEdit(f"{address} has no invitation to round {round_id} to withdraw")
        for invitation in mine:
            assert invitation.id is not None
            tx.revoke_invitation(invitation.id)
        tx.add_event(found.org_id, found.period, "round", actor.name, round=round_id, revoked=len(mine))
    return len(mine)


@dataclass(frozen=True)
class Questionnaire:
    """What a respondent sees: the round, the framework (each objective's rubric), the objectives
    asked, their profile and their own answers so far, and whether they have submitted."""

    round: Round
    organisation: str          # its name
    framework: Framework
    items: list[str]
    profile: Profile
    answers: dict[str, Answer]
    submitted: bool


_NOT_VALID = "this link to answer is not valid: it may be mistyped, withdrawn, expired or already used"


def _by_link(tx, token: str) -> Invitation:
    found = tx.invitation_by_token_hash(token_hash(token)) if token and len(token) <= 100 else None
    if (found is None or found.revoked_at is not None or found.submitted
            or (found.expires_at is not None and found.expires_at <= _now())):
        raise NotAllowed(_NOT_VALID)
    return found


def questionnaire_by_link(store: Store, token: str) -> Questionnaire:
    """The questionnaire a link opens (NotAllowed, in the same words whatever is wrong with it)."""
    with store.transaction(write=False) as tx:
        return questionnaire_of(tx, _by_link(tx, token))


def questionnaire_of(tx, invitation: Invitation) -> Questionnaire:
    """What the respondent of `invitation` sees (`Questionnaire`), read in `tx`."""
    found = tx.round(invitation.round_id)
    framework = framework_of(tx.record(found.org_id))
    own = next((r for r in tx.responses(found.id) if r.invitation_id == invitation.id), None)
    return Questionnaire(found, tx.organisation(found.org_id).name, framework, _asked(found, framework),
                         invitation.profile,
                         {a.objective_id: a for a in own.answers} if own else {}, invitation.submitted)


def answer_by_link(store: Store, token: str, given: dict[str, tuple[Any, str]], *, submit: bool = False) -> None:
    """Save (and with `submit`, submit) the answers of the link's respondent: `given` is objective ->
    (score as written, or "don't know", or blank; comment)."""
    with store.transaction() as tx:
        invitation = _by_link(tx, token)
        _save(tx, invitation, given, submit)


def answer_as(store: Store, actor: Actor, round_id: int, given: dict[str, tuple[Any, str]], *,
              submit: bool = False) -> None:
    """Save (and submit) a signed-in respondent's own answers: a right for that round only."""
    with store.transaction() as tx:
        mine = [i for i in tx.invitations(round_id) if i.held_by(actor.name, signed_in=True)]
        if not mine:
            raise NotAllowed(f"{actor.name} is not invited to answer round {round_id}")
        _save(tx, mine[0], given, submit)


def import_answers(store: Store, actor: Actor, round_id: int, email: str,
                   given: dict[str, tuple[Any, str]]) -> int:
    """Paper answers typed in (or a filled questionnaire read) for the respondent invited as
    `email`: saved and submitted for them, all or nothing; how many objectives were answered."""
    address = email_address(email)
    with store.transaction() as tx:
        round_for(tx, actor, round_id)
        mine = [i for i in tx.invitations(round_id) if i.held_by(address)]
        if not mine:
            raise InvalidEdit(f"{address} is not invited to round {round_id}: invite them first")
        return _save(tx, mine[0], given, True, by_hand=True)   # their link's expiry does not count on paper


def _save(tx, invitation: Invitation, given: dict[str, tuple[Any, str]], submit: bool, *, by_hand: bool = False
          ) -> int:
    found = tx.round(invitation.round_id)
    framework = framework_of(tx.record(found.org_id))
    asked = set(_asked(found, framework))
    answers = []
    word = item_word(found.kind)
    for item, (raw, comment) in given.items():
        if item not in asked:
            raise InvalidEdit(f"{word} {item} is not asked in round {found.id}")
        answer = read_answer(item, raw, framework, comment=(comment or "").strip(), kind=found.kind)
        if answer is not None:
            answers.append(answer)
        elif comment and comment.strip():
            raise InvalidEdit(f"{word} {item}: give a score, “don't know” or n/a with the comment")
    assert invitation.id is not None
    tx.save_response(invitation.id, answers, by_hand=by_hand)
    if submit:
        tx.submit_response(invitation.id, by_hand=by_hand)
    return len(answers)


def close_round(store: Store, actor: Actor, round_id: int) -> Round:
    """Stop taking answers (answers saved but not submitted are left out of the spread)."""
    with store.transaction() as tx:
        found = round_for(tx, actor, round_id)
        closed = tx.set_round_state(round_id, "closed")
        tx.add_event(found.org_id, found.period, "round", actor.name, round=round_id, state="closed")
        return closed


@dataclass(frozen=True)
class RoundSpread:
    """A round's figures: per objective (a `Withheld` in an anonymous round until k have answered),
    by group where asked, and participation."""

    round: Round
    framework: Framework
    answered: int                                        # submitted answer sets
    invited: int
    objectives: dict[str, Spread | Withheld]
    groups: dict[str, dict[str, Spread | Withheld]]      # objective -> group -> figures (with `by`)
    participation: Participation


def round_spread(store: Store, actor: Actor, round_id: int, *, by: str | None = None) -> RoundSpread:
    """The spread of a round's submitted answers (the moderator's view: `may_moderate`)."""
    with store.transaction(write=False) as tx:
        found = moderator_round(tx, actor, round_id)
        framework = framework_of(tx.record(found.org_id))
        submitted = [r for r in tx.responses(round_id) if r.submitted]
        invitations = [i for i in tx.invitations(round_id) if i.revoked_at is None]
    return figures_of(found, framework, submitted, len(invitations), by)


def figures_of(found: Round, framework: Framework, submitted: list[Response], invited: int,
               by: str | None) -> RoundSpread:
    """The figures of `submitted` answer sets (`round_spread`'s, and the report's)."""
    every = [a for r in submitted for a in r.answers]
    spreads: dict[str, Spread | Withheld] = dict(by_objective(every))
    for item in _asked(found, framework):
        if item not in spreads:
            spreads[item] = Withheld("no answers yet")
    if found.mode == "anonymous" and len(submitted) < found.k:
        spreads = {item: Withheld(f"fewer than {found.k} people have answered: figures are shown from {found.k}")
                   for item in spreads}
    groups: dict[str, dict[str, Spread | Withheld]] = {}
    if by is not None:
        for item in _asked(found, framework):
            pairs = [(a, r.profile) for r in submitted for a in r.answers if a.objective_id == item]
            groups[item] = spreads_by(pairs, by=by, k=found.k)
    order = {item: n for n, item in enumerate(_asked(found, framework))}
    ordered = dict(sorted(spreads.items(), key=lambda kv: order.get(kv[0], len(order))))
    return RoundSpread(found, framework, len(submitted), invited, ordered, groups,
                       participation([r.profile for r in submitted], k=found.k))


@dataclass(frozen=True)
class AnswerSet:
    """A submitted answer set as the moderator reads it: its id (to publish a comment by), the
    profile it counts under, the answers, and who gave it in a confidential round (None in an
    anonymous one, where nothing says)."""

    id: str
    profile: Profile
    answers: tuple[Answer, ...]
    email: str | None


def round_answers(store: Store, actor: Actor, round_id: int) -> list[AnswerSet]:
    """A round's submitted answer sets, for its moderator (an editor): by random id, so their order
    says nothing."""
    with store.transaction(write=False) as tx:
        found = moderator_round(tx, actor, round_id)
        emails = {i.id: i.email for i in tx.invitations(round_id)} if found.mode == "confidential" else {}
        return [AnswerSet(r.id, r.profile, r.answers, emails.get(r.invitation_id) if r.invitation_id else None)
                for r in tx.responses(round_id) if r.submitted]


def moderate(store: Store, actor: Actor, round_id: int, item: str, score: str, *, rationale: str | None = None,
             meeting: str | None = None, published: Iterable[str] = ()) -> Moderation:
    """Record the score agreed for one objective of a closed round. A rationale is required where
    it is a level or more from the respondents' median, or their views were two or more levels
    apart."""
    with store.transaction() as tx:
        found = moderator_round(tx, actor, round_id)
        if found.state != "closed":
            raise RoundError(f"round {round_id} is {found.state}: close it before agreeing scores")
        framework = framework_of(tx.record(found.org_id))
        word = item_word(found.kind)
        if item not in _asked(found, framework):
            raise InvalidEdit(f"{word} {item} is not asked in round {round_id}")
        agreed = read_answer(item, score, framework, kind=found.kind)
        if agreed is None or agreed.dont_know:
            raise InvalidEdit(f"{word} {item}: the agreed score is a level or n/a")
        submitted = [r for r in tx.responses(round_id) if r.submitted]
        figures = by_objective([a for r in submitted for a in r.answers if a.objective_id == item]).get(item)
        why = " ".join((rationale or "").split()) or None
        if figures is not None and figures.median is not None and not why and (
                figures.flagged or (agreed.value is not None and abs(agreed.value - figures.median) >= 1)):
            apart = ", and their views were two or more levels apart" if figures.flagged else ""
            raise InvalidEdit(f"{word} {item}: say why the agreed score is {score} (the respondents' median is "
                              f"{figures.median:g}{apart})")
        ids = {r.id for r in submitted}
        chosen = tuple(published)
        if any(c not in ids for c in chosen):
            raise InvalidEdit("only submitted answers' comments can be published")
        return tx.set_moderation(round_id, Moderation(item, agreed.value, why, (meeting or "").strip() or None,
                                                      chosen, actor.name))


def apply_round(store: Store, actor: Actor, round_id: int) -> list[str]:
    """Write every agreed score into the period as a version "moderated from round N", all or
    nothing: refused until every objective asked is agreed, and where an entry was changed since
    the round opened. The round is then applied. Returns the objectives written."""
    with store.transaction() as tx:
        found = round_for(tx, actor, round_id)
        if found.state != "closed":
            raise RoundError(f"round {round_id} is {found.state}: only a closed round is applied")
        record = tx.record(found.org_id)
        current = record.period(found.period)
        allow_change(actor, found.org_id, current, what="given the agreed scores")
        framework = framework_of(record)
        agreed = {m.item_id: m for m in tx.moderations(round_id)}
        asked = _asked(found, framework)
        missing = [i for i in asked if i not in agreed]
        if missing:
            raise RoundError(f"agree a score for every {item_word(found.kind)} first: {len(missing)} not yet "
                             f"({', '.join(missing[:10])}{' …' if len(missing) > 10 else ''})")
        opened = next((e for e in tx.events(found.org_id, period=found.period, kinds=["round"])
                       if e.details.get("round") == round_id and e.details.get("state") == "open"), None)
        versions = opened.details.get("versions", {}) if opened else {}
        changed = [i for i in asked if _saved_version(current, i, found.kind) != versions.get(i, 0)]
        if changed:
            raise RoundError(f"{item_word(found.kind)}{'s' if len(changed) > 1 else ''} {', '.join(changed)} changed "
                             "since the round opened: look at them, then agree again (nothing was written)")
        tx.change = f"moderated from round {round_id}"
        for item in asked:
            saved = current.saved_entry(found.kind, item)
            score = Score(agreed[item].score, agreed[item].score is None)
            entry = (replace(saved, score=score, carried=False) if saved
                     else Entry(item=item, kind=found.kind, score=score))
            tx.save_entry(found.org_id, found.period, entry, expected_version=saved.version if saved else 0,
                          user=actor.name)
        tx.set_round_state(round_id, "applied")
        tx.add_event(found.org_id, found.period, "round", actor.name, round=round_id, state="applied",
                     entries=len(asked))
        return asked


def rounds_of(store: Store, actor: Actor, org_id: str) -> list[Round]:
    """An organisation's rounds, oldest first (its editors)."""
    allow(actor, org_id, EDIT)
    with store.transaction(write=False) as tx:
        return tx.rounds(org_id)
