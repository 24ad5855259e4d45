"""People and roles, and signing in: who may do what at each organisation.

An organisation's administrator adds people by email with a role there, changes roles and takes
them away; the deployment's administrator does so anywhere (and so names each new organisation's
first administrator). Each change is kept as an event (who, when, the role before and after).
On first sign-in a person added by email is bound to the identity provider's issuer and subject;
after that the binding, not the email claim, says who they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InvalidEdit, NotAllowed
from ..history import Event
from ..people import DEPLOYMENT_ADMINISTRATOR, Person, email_address, role as checked_role
from ..store import Store
from .access import ADMINISTER, Actor, actor_of, allow, allow_deployment


def add_person(store: Store, actor: Actor, email: str, org_id: str | None, role: str) -> Person:
    """Give `email` `role` at `org_id` (adding them if new); `role` "deployment-administrator" (no
    organisation) makes them administrator of the whole deployment."""
    address = email_address(email)
    if role == DEPLOYMENT_ADMINISTRATOR:
        allow_deployment(actor, "name a deployment administrator")
        with store.transaction() as tx:
            return tx.add_person(address, added_by=actor.name, administers_deployment=True)
    if not org_id:
        raise InvalidEdit("say which organisation the role is at (--org)")
    wanted = checked_role(role)
    allow(actor, org_id, ADMINISTER)
    with store.transaction() as tx:
        tx.add_person(address, added_by=actor.name)
        before = tx.set_role(address, org_id, wanted)
        if before != wanted:
            _refuse_losing_last_administrator(tx, org_id, actor, before, wanted)
            tx.add_event(org_id, None, "role", actor.name, email=address, before=before, after=wanted)
        return tx.person(address)


def remove_person(store: Store, actor: Actor, email: str, org_id: str) -> str:
    """Take `email`'s role at `org_id` away; returns the role they had."""
    address = email_address(email)
    allow(actor, org_id, ADMINISTER)
    with store.transaction() as tx:
        before = tx.set_role(address, org_id, None)
        if before is None:
            raise InvalidEdit(f"{address} has no role at {org_id}")
        _refuse_losing_last_administrator(tx, org_id, actor, before, None)
        tx.add_event(org_id, None, "role", actor.name, email=address, before=before, after=None)
    return before


def _refuse_losing_last_administrator(tx, org_id: str, actor: Actor, before: str | None, after: str | None) -> None:
    """An organisation keeps at least one administrator, unless the deployment's administrator
    says otherwise (so that no one is locked out of managing it)."""
    if before == "administrator" and after != "administrator" and not actor.administers_all:
        if not any(p.roles.get(org_id) == "administrator" for p in tx.people(org_id)):
            raise NotAllowed(f"{org_id} would have no administrator left; make someone else administrator first")


@dataclass(frozen=True)
class People:
    people: list[Person]         # those with a role at the organisation
    changes: list[Event]         # roles given and taken away, newest first


def people(store: Store, actor: Actor, org_id: str) -> People:
    """Who has which role at an organisation, and how roles have changed (its administrators only)."""
    allow(actor, org_id, ADMINISTER)
    with store.transaction(write=False) as tx:
        tx.organisation(org_id)
        return People(tx.people(org_id), tx.events(org_id, kinds=["role"]))


def everyone(store: Store, actor: Actor) -> list[Person]:
    """Everyone who may sign in, with their roles (the deployment's administrator only)."""
    allow_deployment(actor, "list everyone")
    with store.transaction(write=False) as tx:
        return tx.people()


def signed_in_actor(store: Store, issuer: str, subject: str) -> Actor | None:
    """The person bound to this identity, with their roles as they are now (read on every page, so
    a role given or taken away applies at once), or None."""
    with store.transaction(write=False) as tx:
        person = tx.person_by_identity(issuer, subject)
    return actor_of(person) if person is not None else None


def sign_in(store: Store, issuer: str, subject: str, email: str | None, name: str | None) -> Actor | None:
    """The person who signed in with this identity, as an `Actor`, or None if they have not been
    added. Known identities are found by issuer and subject; on first sign-in the email the
    provider gives is matched to a person added by email, who is then bound to the identity. An
    address already bound to another identity is not taken over."""
    with store.transaction() as tx:
        person = tx.person_by_identity(issuer, subject)
        if person is not None:
            tx.signed_in(person, name)
            return actor_of(tx.person(person.email))
        if not email:
            return None
        try:
            address = email_address(email)
        except InvalidEdit:
            return None
        added = tx.person(address)
        if added is None or added.subject is not None:
            return None
        return actor_of(tx.bind_person(address, issuer, subject, name))
