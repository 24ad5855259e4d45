"""Who is acting, and what they may do: the one place where rights are checked.

Every workflow and query takes an `Actor` and calls `allow` (or `allow_deployment`) before it
reads or writes anything. With no sign-in configured the app and the command line act as
`LOCAL_ACTOR`, the single local user, who administers every organisation.

Rights per organisation, by role: a reviewer (a councillor) reads the periods put before them
(submitted and approved); an editor also reads work in progress and edits (scores, targets,
comments, actions, imports, submitting a period); an administrator also administers (people and
roles, approving, reopening and deleting periods). The deployment's administrator creates
organisations, names their first administrator, backs up and restores. A signed-out visitor
(`SIGNED_OUT`) has no rights at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from ..errors import NotAllowed
from ..people import Person

READ, READ_DRAFTS, EDIT, ADMINISTER = "read", "read drafts", "edit", "administer"
ROLES = {"reviewer": {READ}, "editor": {READ, READ_DRAFTS, EDIT},
         "administrator": {READ, READ_DRAFTS, EDIT, ADMINISTER}}
_VERBS = {READ: "see", READ_DRAFTS: "see the work in progress of", EDIT: "change", ADMINISTER: "administer"}


@dataclass(frozen=True)
class Actor:
    """A person acting: the name kept in history, and their rights."""

    name: str
    administers_all: bool = False                              # the deployment's administrator
    roles: Mapping[str, str] = field(default_factory=dict)     # organisation id -> role

    def may(self, org_id: str, right: str) -> bool:
        return self.administers_all or right in ROLES.get(self.roles.get(org_id, ""), set())

    def role(self, org_id: str) -> str | None:
        """The role held at an organisation ("administrator" for the deployment's administrator)."""
        return "administrator" if self.administers_all else self.roles.get(org_id)


LOCAL_ACTOR = Actor("local user", administers_all=True)
EXAMPLES_ACTOR = Actor("example data", administers_all=True)   # loads the examples into an empty database
SIGNED_OUT = Actor("a signed-out visitor")                     # no rights anywhere


def actor_of(person: Person) -> Actor:
    """The person acting, with their roles; known in history by their email address."""
    return Actor(person.email, administers_all=person.administers_deployment, roles=dict(person.roles))


def allow(actor: Actor, org_id: str, right: str) -> None:
    """Refuse (NotAllowed) unless `actor` has `right` at organisation `org_id`."""
    if not actor.may(org_id, right):
        raise NotAllowed(f"{actor.name} may not {_VERBS[right]} the records of '{org_id}'")


def allow_deployment(actor: Actor, what: str) -> None:
    """Refuse unless `actor` administers the whole deployment (`what` says what was refused)."""
    if not actor.administers_all:
        raise NotAllowed(f"{actor.name} may not {what}: only the deployment's administrator may")
