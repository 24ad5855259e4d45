"""People and roles, and signing in: who may do what at each organisation.

An organisation's administrator adds people by email with a role there, changes roles and takes
them away; the deployment's administrator does so anywhere (and so names each new organisation's
first administrator). Each change is kept as an event (who, when, the role before and after).
On first sign-in a person added by email is bound to the identity provider's issuer and subject,
and only on an address the provider vouches for (`people.verified_address`); after that the
binding, not the email claim, says who they are. A binding can be freed (`unbind_person`). Every
binding made or freed, and every sign-in refused with its reason, is kept in the sign-in log.

Roles from the directory (optional): where the deployment maps Microsoft Entra ID app roles to
roles at organisations, each sign-in that the rules above let in gives the person the roles their
token's `roles` claim maps to, and takes away those the directory gave that are no longer claimed;
a role given by hand is never changed by the directory. Someone not added by hand is added by the
directory only on a verified address (the same rules bind them), and only with a role claimed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from ..domain.errors import InvalidEdit, NotAllowed
from ..domain.history import Event
from ..domain.people import (DEPLOYMENT_ADMINISTRATOR, DIRECTORY, Person, SignInLine, Unverified, claimed_roles,
                             email_address, printable, verified_address)
from ..domain.people import role as checked_role
from ..storage.store import Store
from .access import PEOPLE, Actor, actor_of, allow, allow_deployment

LOG = logging.getLogger("assessment.signin")


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
    allow(actor, org_id, PEOPLE)
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
    allow(actor, org_id, PEOPLE)
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
    if before == "administrator" and after != "administrator" and not actor.manages_deployment:
        if not has_administrator(tx, org_id):
            raise NotAllowed(f"{tx.organisation(org_id).name} would have no administrator left; make someone "
                             "else administrator first")


def has_administrator(tx, org_id: str, *, besides: str | None = None) -> bool:
    """Whether someone (other than `besides`) administers the organisation."""
    return any(p.email != besides and p.roles.get(org_id) == "administrator" for p in tx.people(org_id))


def unbind_person(store: Store, actor: Actor, email: str, reason: str | None = None) -> Person:
    """Free `email`'s binding to the account they signed in with, so that their next sign-in with a
    verified address binds them afresh (a person whose binding was taken by someone else, or who
    has a new account). Their administrators may (at every organisation where they hold a role),
    and the deployment's administrator; a deployment administrator's, or that of someone with no
    role, only the deployment's administrator. Anyone else is refused in the same words whether
    the address was never added, is another council's or a deployment administrator's, so that
    nobody learns who has been added. Kept in the sign-in log and, as an event, at each
    organisation where they hold a role (the reason with control characters escaped)."""
    address = email_address(email)
    with store.transaction() as tx:
        person = tx.person(address)
        if not actor.manages_deployment and not _frees(actor, person):   # rights first
            raise NotAllowed(f"{actor.name} may not free the sign-in of {address}: only an administrator of every "
                             "organisation where they hold a role, or the deployment's administrator, may")
        if person is None:
            raise InvalidEdit(f"no one has been added with the address {address}")
        if person.subject is None:
            raise InvalidEdit(f"{address} is not bound to an account: they have not signed in yet")
        freed = tx.unbind_person(address)
        why = printable((reason or "").strip()) or None
        tx.log_sign_in("unbound", email=address, issuer=person.issuer, subject=person.subject, by=actor.name,
                       reason=why)
        for org_id in person.roles:
            tx.add_event(org_id, None, "unbound", actor.name, email=address, reason=why)
    LOG.info("%s freed the sign-in of %s", actor.name, address)
    return freed


def _frees(actor: Actor, person: Person | None) -> bool:
    """Whether `actor`, who does not manage the deployment, may free `person`'s sign-in: they manage
    the people of every organisation where the person holds a role, and the person holds one and
    does not administer the deployment (whose sign-in is the deployment's administrator's to free)."""
    return (person is not None and bool(person.roles) and not person.administers_deployment
            and all(actor.may(org_id, PEOPLE) for org_id in person.roles))


@dataclass(frozen=True)
class People:
    people: list[Person]         # those with a role at the organisation
    changes: list[Event]         # roles given and taken away, sign-ins freed, newest first
    deployment_administrators: list[Person]   # who manage organisations and people everywhere (shown
                                              # to the deployment's administrator only; else empty)
    may_free: list[str] = field(default_factory=list)   # those signed in whose sign-in the actor may free


def people(store: Store, actor: Actor, org_id: str) -> People:
    """Who has which role at an organisation, and how roles have changed (its administrators only);
    who administers the deployment only to the deployment's administrator (an organisation's
    administrator learns nothing of who may sign in elsewhere)."""
    allow(actor, org_id, PEOPLE)
    with store.transaction(write=False) as tx:
        tx.organisation(org_id)
        deployment = [p for p in tx.people() if p.administers_deployment] if actor.manages_deployment else []
        here = tx.people(org_id)
        frees = [p.email for p in here if p.signed_in_before and (actor.manages_deployment or _frees(actor, p))]
        if not actor.manages_deployment:   # their roles at councils the actor does not manage are not theirs to see
            here = [replace(p, roles={o: r for o, r in p.roles.items() if actor.may(o, PEOPLE)},
                            from_directory=frozenset(o for o in p.from_directory if actor.may(o, PEOPLE)),
                            administers_deployment=False) for p in here]
        return People(here, tx.events(org_id, kinds=["role", "unbound", "erased"]), deployment, frees)


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


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in: the person acting, or why there is none (`refused`, in words for
    the person and their IT team; None with no actor means they have not been added)."""
    actor: Actor | None
    refused: str | None = None
    address: str | None = None     # the verified address, where there was one


def sign_in(store: Store, claims: Mapping[str, Any], *, tenant: str | None = None,
            directory: Mapping[str, tuple[str, str]] | None = None) -> SignIn:
    """Sign in with an identity provider's claims (`iss`, `sub`, the address claims, `name`, and
    with `directory` the app roles, `roles`).

    A known identity (issuer and subject) is the person bound to it, whatever its address says now.
    Otherwise the address the provider vouches for (`people.verified_address`; `tenant` is the
    deployment's own Microsoft Entra tenant, if configured) is matched exactly to a person added by
    email and not yet bound, who is then bound to this identity. Everything else is refused, kept in
    the sign-in log with its reason (never a token) and logged.

    `directory` maps app roles' values to (organisation, role) (`people.directory_roles`, from the
    deployment's settings). With it, and a token from `tenant` (app roles from any other tenant
    are not trusted; without `tenant` the directory gives nothing), a sign-in that is let in brings
    the person's roles given by the directory into line with the claim (`_from_directory`); and a
    verified address that no one has added is added, and bound, where the claim gives it a role at
    an organisation there is. Nothing else changes: a refused sign-in stays refused."""
    issuer, subject = str(claims.get("iss") or ""), str(claims.get("sub") or "")
    name = printable(claims["name"]) if isinstance(claims.get("name"), str) else None   # shown in `users list`
    granted = _granted(claims, tenant, directory)
    with store.transaction() as tx:
        if not issuer or not subject:
            return _refuse(tx, "your identity provider did not say who you are (no issuer or subject)", claims)
        person = tx.person_by_identity(issuer, subject)
        if person is not None:
            tx.signed_in(person, name)
            _from_directory(tx, person, granted)
            return SignIn(actor_of(tx.person(person.email)), address=person.email)
        try:
            address = verified_address(claims, tenant)
        except Unverified as exc:
            return _refuse(tx, exc.reason, claims)
        added = tx.person(address)
        known = {org for org in granted or {} if tx.organisations([org])}
        if added is None and known:     # not added by hand, but the directory gives them a role
            added = tx.add_person(address, added_by=DIRECTORY)
        if added is None:
            _refuse(tx, f"no one has been added with the address {address}", claims, address)
            return SignIn(None, address=address)     # not added: the page says whom to ask
        if added.subject is not None:
            return _refuse(tx, f"the address {address} is already bound to another account; if that is wrong, "
                               "an administrator can free it (People, or `users unbind`)", claims, address)
        bound = tx.bind_person(address, issuer, subject, name)
        tx.log_sign_in("bound", email=address, issuer=issuer, subject=subject)
        if _from_directory(tx, bound, granted):
            bound = tx.person(address) or bound
    LOG.info("%s signed in for the first time and was bound to %s %s", address, printable(issuer), printable(subject))
    return SignIn(actor_of(bound), address=address)


def _granted(claims: Mapping[str, Any], tenant: str | None,
             directory: Mapping[str, tuple[str, str]] | None) -> dict[str, str] | None:
    """The roles the token's app roles give under `directory` (organisation id -> role), or None
    where the directory says nothing: no mapping, or no tenant to trust app roles from. A token
    from another tenant claims nothing."""
    if not directory:
        return None
    if not tenant:
        LOG.warning("roles from the directory are set up but the deployment's tenant is not (AUTH_TENANT_ID, "
                    "[signin] tenant_id): app roles are not taken from any token")
        return None
    if str(claims.get("tid") or "") != tenant:
        return {}
    return claimed_roles(claims, directory)


def _from_directory(tx, person: Person, granted: dict[str, str] | None) -> bool:
    """Bring `person`'s roles given by the directory into line with `granted` (None: leave them):
    a role claimed is given (or changed) at each organisation there is, unless they hold a role
    there given by hand, which stands; a role the directory gave and no longer claims is taken
    away. Each change is kept as an event at its organisation, by the directory. Whether any role
    changed."""
    if granted is None:
        return False
    changed = False
    for org_id, wanted in sorted(granted.items()):
        held = person.roles.get(org_id)
        if (held is not None and org_id not in person.from_directory) or held == wanted:
            continue                             # given by hand, or already so
        if not tx.organisations([org_id]):
            LOG.warning("the app roles of %s name the organisation %r, which there is not", person.email, org_id)
            continue
        tx.set_role(person.email, org_id, wanted, source="directory")
        tx.add_event(org_id, None, "role", DIRECTORY, email=person.email, before=held, after=wanted,
                     source="directory")
        changed = True
    for org_id in sorted(person.from_directory - set(granted)):
        before = tx.set_role(person.email, org_id, None)
        tx.add_event(org_id, None, "role", DIRECTORY, email=person.email, before=before, after=None,
                     source="directory")
        changed = True
    if changed:
        LOG.info("the directory's app roles changed the roles of %s", person.email)
    return changed


def _refuse(tx, reason: str, claims: Mapping[str, Any], address: str | None = None) -> SignIn:
    """Keep a refused sign-in in the log (the address as presented, the issuer and subject, the
    reason; never a token) and say why."""
    presented = address or next((str(claims[c]) for c in ("email", "upn") if isinstance(claims.get(c), str)), None)
    issuer, subject = (str(claims.get(c) or "") or None for c in ("iss", "sub"))
    tx.log_sign_in("refused", email=presented, issuer=issuer, subject=subject, reason=reason)
    LOG.warning("refused a sign-in as %r (issuer %r, subject %r): %s", presented, issuer, subject, reason)
    return SignIn(None, reason, address)


def sign_in_log(store: Store, actor: Actor, *, refused_only: bool = False, limit: int = 200) -> list[SignInLine]:
    """The newest lines of the sign-in log (the deployment's administrator)."""
    allow_deployment(actor, "read the sign-in log")
    with store.transaction(write=False) as tx:
        return tx.sign_in_log(kinds=["refused"] if refused_only else None, limit=limit)
