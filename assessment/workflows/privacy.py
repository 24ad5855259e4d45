"""Personal data (docs/privacy.md): erasing a person, giving a person a copy of what is held about
them, and deleting an organisation. Each is the deployment's administrator's alone.

Erasing (`erase_person`) replaces a person's address and name, in every table, by their role at the
organisation each mention belongs to ("a former editor"); their roles, drafts, sign-in and reminder
log lines go. The history keeps what was changed and when, not by whom. The erasure is kept (an
event at each organisation they appeared at, and a line of the sign-in log), without their address.
Afterwards the database is compacted (`storage.personal_data.compact`), so nothing erased is left in
its free space; a backup made after it holds nothing of them. Backups made before it still do,
until they age out (`backup --keep`): docs/privacy.md says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Iterable

from ..domain import limits
from ..domain.erasure import FORMER_DEPLOYMENT_ADMINISTRATOR, former, needles
from ..domain.errors import InvalidEdit, NotAllowed
from ..domain.people import email_address, printable
from ..storage import personal_data
from ..storage.store import Store
from .access import Actor, allow_deployment
from .people import has_administrator

LOG = logging.getLogger("assessment.privacy")


@dataclass(frozen=True)
class Erasure:
    """What an erasure did: the words that now stand for the person at each organisation (and where
    no organisation is concerned, under None), and the cells changed and rows removed by table."""

    standing: dict[str | None, str]
    changed: dict[str, int]
    left_out: tuple[str, ...] = ()     # forms of their name not looked for, and why

    @property
    def total(self) -> int:
        return sum(self.changed.values())


def erase_person(store: Store, actor: Actor, email: str, reason: str, *, names: Iterable[str] = ()) -> Erasure:
    """Erase the person with address `email` everywhere (with the other forms of their name in
    `names`, beside the name their identity provider gave). Refused for one's own address, for an
    organisation's only administrator (name another first), without a reason, and for an address
    that appears nowhere."""
    allow_deployment(actor, "erase a person")
    address = email_address(email)
    why = printable(" ".join((reason or "").split()))[:limits.REASON]
    if not why:
        raise InvalidEdit("say why the person is erased (for example, “left the council in March; asked to be "
                          "erased”): the reason is kept, without their address")
    if actor.name == address:
        raise NotAllowed("you may not erase yourself: another deployment administrator can")
    with store.transaction() as tx:
        person = tx.person(address)
        wanted = _needles(tx, address, person, names)
        _refuse_last_administrator(tx, address, person)
        held = personal_data.roles_held(tx, address)
        found = personal_data.places(tx, wanted)
        if person is None and not found:
            raise InvalidEdit(f"nothing is held about {address}: no one has been added with that address, and it "
                              "appears nowhere")
        deployment = person is not None and person.administers_deployment
        everywhere = (FORMER_DEPLOYMENT_ADMINISTRATOR if deployment
                      else former(next(iter(set(held.values()))) if len(set(held.values())) == 1 else None))

        def standing(org_id: str | None) -> str:
            return former(held.get(org_id)) if org_id and org_id in held else everywhere

        orgs = sorted(set(held) | {p.organisation for p in found if p.organisation})
        changed = personal_data.erase(tx, wanted, standing)
        kept_why = wanted.erased(why, everywhere)
        for org_id in orgs:
            if tx.organisations([org_id]):
                tx.add_event(org_id, None, "erased", actor.name, standing=standing(org_id), reason=kept_why)
        tx.log_sign_in("erased", by=actor.name, reason=f"{everywhere} was erased: {kept_why}")
    personal_data.compact(store.engine)
    LOG.info("%s erased a person (%d cells and rows, at %d organisations)", actor.name, sum(changed.values()),
             len(orgs))
    return Erasure({**{o: standing(o) for o in orgs}, None: everywhere}, changed, wanted.left_out)


def _needles(tx, address: str, person, names: Iterable[str]):
    """What to look for: their address, the name they signed in with and `names`, none of them
    another person's name here (`erasure.needles`)."""
    others = [p.name for p in tx.people() if p.email != address and p.name]
    return needles(address, signed_in=person.name if person else None, given=names, others=others)


def _refuse_last_administrator(tx, address: str, person) -> None:
    """An organisation keeps an administrator: its only one is erased only once another is named."""
    if person is None:
        return
    alone = [org_id for org_id, role in sorted(person.roles.items())
             if role == "administrator" and not has_administrator(tx, org_id, besides=address)]
    if alone:
        names = ", ".join(tx.organisation(o).name for o in alone)
        raise NotAllowed(f"{address} is the only administrator of {names}: make someone else administrator there "
                         "first, then erase them")


def personal_data_of(store: Store, actor: Actor, email: str, *, names: Iterable[str] = ()) -> dict[str, Any]:
    """Everything held about a person (subject access), as JSON: who they are (if added), their
    roles, and every cell of every table where their address or name appears, each with its table,
    column, row and organisation and period."""
    allow_deployment(actor, "read what is held about a person")
    address = email_address(email)
    with store.transaction(write=False) as tx:
        person = tx.person(address)
        wanted = _needles(tx, address, person, names)
        found = personal_data.places(tx, wanted)
        held = personal_data.roles_held(tx, address)
    return {"address": address, "names_looked_for": list(wanted.names), "names_left_out": list(wanted.left_out),
            "made_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "person": None if person is None else {
                "email": person.email, "name": person.name, "issuer": person.issuer, "subject": person.subject,
                "deployment_administrator": person.administers_deployment, "roles": person.roles,
                "last_signed_in": person.last_signed_in.isoformat() if person.last_signed_in else None,
                "reminders": person.reminders},
            "roles_held": held, "count": len(found), "places": [p.as_json() for p in found]}


def delete_organisation(store: Store, actor: Actor, org_id: str, confirm: str) -> dict[str, int]:
    """Delete an organisation and everything of it, once `confirm` is its name (in any case and
    spacing): its periods with their entries, actions, versions and drafts, its events, baselines and
    people's roles there (the people themselves stay, to be erased if they should be). Kept in the
    sign-in log. Returns what went."""
    allow_deployment(actor, "delete an organisation")
    with store.transaction() as tx:
        org = tx.organisation(org_id)
        if " ".join(confirm.split()).casefold() != " ".join(org.name.split()).casefold():
            raise InvalidEdit(f"type the organisation's name, {org.name}, to confirm: nothing was deleted")
        gone = personal_data.delete_organisation(tx, org.id)
        tx.log_sign_in("deleted", by=actor.name, reason=f"the organisation {org.name} ({org.id}) was deleted, with "
                       f"{gone['periods']} periods, {gone['events']} events and {gone['roles']} roles")
    personal_data.compact(store.engine)
    LOG.info("%s deleted the organisation %s", actor.name, org.id)
    return gone
