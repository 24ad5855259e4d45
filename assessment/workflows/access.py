"""Who is acting, and what they may do: the one place where rights are checked.

Every workflow and query takes an `Actor` and calls `allow` (or `allow_deployment`) before it
reads or writes anything. With no sign-in configured the app and the command line act as
`LOCAL_ACTOR`, the single local user, who administers every organisation.

Rights per organisation, by role: a reviewer (a councillor) reads the periods put before them
(submitted and approved); an editor also reads work in progress and edits (scores, targets,
comments, actions, imports, submitting a period); an administrator also administers (approving,
reopening and deleting periods) and manages people (who has which role there).

The deployment's administrator creates organisations, manages people and roles at every
organisation, backs up and restores; seeing or changing an organisation's record needs a role
there, as for anyone (they may give themselves one, which is kept as an event). The single local
user of local mode (and the command line) has every right everywhere. A signed-out visitor
(`SIGNED_OUT`) has no rights at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from ..domain.errors import NotAllowed, PeriodLocked
from ..domain.people import ROLES, Person
from ..domain.record import ACTION_PLAN, ACTION_PROGRESS, CONTENT, PeriodRecord, split_record_key

READ, READ_DRAFTS, EDIT, ADMINISTER, PEOPLE = "read", "read drafts", "edit", "administer", "manage people"
# The rights each role gives (the roles themselves, and their order, are `domain.people.ROLES`).
RIGHTS = {"reviewer": {READ}, "editor": {READ, READ_DRAFTS, EDIT},
          "administrator": {READ, READ_DRAFTS, EDIT, ADMINISTER, PEOPLE}}
assert set(RIGHTS) == set(ROLES), "every role of domain.people.ROLES, and only those, gives rights"
_VERBS = {READ: "see the records of", READ_DRAFTS: "see the work in progress of the records of",
          EDIT: "change the records of", ADMINISTER: "administer the records of", PEOPLE: "manage the people of"}


@dataclass(frozen=True)
class Actor:
    """A person acting: the name kept in history, and their rights."""

    name: str
    administers_deployment: bool = False                       # organisations and people everywhere
    roles: Mapping[str, str] = field(default_factory=dict)     # organisation id -> role
    every_right: bool = False                                  # the local user of local mode

    def may(self, org_id: str, right: str) -> bool:
        """Whether they have `right` at an organisation (`org_id` may be a record key: the
        organisation's roles cover all its records)."""
        org_id = split_record_key(org_id)[0]
        if self.every_right or right in RIGHTS.get(self.roles.get(org_id, ""), set()):
            return True
        return right == PEOPLE and self.administers_deployment

    def may_somewhere(self, right: str) -> bool:
        """Whether any of their roles (or running the deployment) gives `right` at some organisation."""
        return (self.every_right or any(right in RIGHTS.get(role, set()) for role in self.roles.values())
                or (right == PEOPLE and self.administers_deployment))

    def role(self, org_id: str) -> str | None:
        """The role held at an organisation ("administrator" for the local user)."""
        return "administrator" if self.every_right else self.roles.get(split_record_key(org_id)[0])

    @property
    def manages_deployment(self) -> bool:
        """May add organisations, name people anywhere, back up and restore."""
        return self.every_right or self.administers_deployment


LOCAL_ACTOR = Actor("local user", every_right=True)
EXAMPLES_ACTOR = Actor("example data", every_right=True)   # loads the examples into an empty database
SIGNED_OUT = Actor("a signed-out visitor")                 # no rights anywhere


def actor_of(person: Person) -> Actor:
    """The person acting, with their roles; known in history by their email address."""
    return Actor(person.email, administers_deployment=person.administers_deployment, roles=dict(person.roles))


def allow(actor: Actor, org_id: str, right: str) -> None:
    """Refuse (NotAllowed) unless `actor` has `right` at organisation `org_id`."""
    if not actor.may(org_id, right):
        raise NotAllowed(f"{actor.name} may not {_VERBS[right]} '{org_id}'")


def allow_deployment(actor: Actor, what: str) -> None:
    """Refuse unless `actor` administers the whole deployment (`what` says what was refused)."""
    if not actor.manages_deployment:
        raise NotAllowed(f"{actor.name} may not {what}: only the deployment's administrator may")


# The right each kind of change needs (deleting a period is an administrator's: `allow_change(...,
# right=ADMINISTER)`).
_CHANGE_RIGHTS = {CONTENT: EDIT, ACTION_PLAN: EDIT, ACTION_PROGRESS: EDIT}


def may_change(actor: Actor, org_id: str, period: PeriodRecord | None, change: str = CONTENT, *,
               what: str = "changed", right: str | None = None) -> str | None:
    """Why `actor` may not make `change` to `period` of `org_id`, in words (None: they may): the one
    lock, from the actor's rights, the period's status and its framework. Workflows ask it before
    they write (`allow_change`); pages ask it to decide what to offer; the store refuses a write the
    lock does not allow even if nobody asked (`record.lock_reason`)."""
    needed = right or _CHANGE_RIGHTS[change]
    if not actor.may(org_id, needed):
        return f"{actor.name} may not {_VERBS[needed]} '{org_id}'"
    return period.lock_reason(change, what) if period is not None else None


def allow_change(actor: Actor, org_id: str, period: PeriodRecord | None, change: str = CONTENT, *,
                 what: str = "changed", right: str | None = None) -> None:
    """Refuse what `may_change` refuses: NotAllowed for want of a right, PeriodLocked for the lock."""
    needed = right or _CHANGE_RIGHTS[change]
    allow(actor, org_id, needed)
    reason = may_change(actor, org_id, period, change, what=what, right=needed)
    if reason is not None:
        raise PeriodLocked(reason)
