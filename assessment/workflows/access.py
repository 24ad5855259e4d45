"""Who is acting, and what they may do: the one place where rights are checked.

Every workflow and query takes an `Actor` and calls `allow` (or `allow_deployment`) before it
reads or writes anything. With no sign-in configured the app and the command line act as
`LOCAL_ACTOR`, the single local user, who administers every organisation.

Rights per organisation, by role: a reviewer reads; an editor reads and edits (scores, targets,
comments, actions, imports); an administrator also administers (deletes periods; later: people,
roles and reopening). The deployment's administrator creates organisations, backs up and restores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from ..errors import NotAllowed

READ, EDIT, ADMINISTER = "read", "edit", "administer"
ROLES = {"reviewer": {READ}, "editor": {READ, EDIT}, "administrator": {READ, EDIT, ADMINISTER}}
_VERBS = {READ: "see", EDIT: "change", ADMINISTER: "administer"}


@dataclass(frozen=True)
class Actor:
    """A person acting: the name kept in history, and their rights."""

    name: str
    administers_all: bool = False                              # the deployment's administrator
    roles: Mapping[str, str] = field(default_factory=dict)     # organisation id -> role

    def may(self, org_id: str, right: str) -> bool:
        return self.administers_all or right in ROLES.get(self.roles.get(org_id, ""), set())


LOCAL_ACTOR = Actor("local user", administers_all=True)
EXAMPLES_ACTOR = Actor("example data", administers_all=True)   # loads the examples into an empty database


def allow(actor: Actor, org_id: str, right: str) -> None:
    """Refuse (NotAllowed) unless `actor` has `right` at organisation `org_id`."""
    if not actor.may(org_id, right):
        raise NotAllowed(f"{actor.name} may not {_VERBS[right]} the records of '{org_id}'")


def allow_deployment(actor: Actor, what: str) -> None:
    """Refuse unless `actor` administers the whole deployment (`what` says what was refused)."""
    if not actor.administers_all:
        raise NotAllowed(f"{actor.name} may not {what}: only the deployment's administrator may")
