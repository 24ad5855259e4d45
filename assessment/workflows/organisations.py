"""Adding an organisation (a council): nothing else creates one, not even an import."""

from __future__ import annotations

from ..domain.errors import AlreadyExists
from ..domain.record import Organisation
from ..formats.record_file import fixed_place, new_organisation
from ..storage.store import Store
from .access import ADMINISTER, Actor, allow, allow_deployment


def add_organisation(store: Store, actor: Actor, org_id: str | None, name: str, org_type: str | None = None,
                     region: str | None = None) -> Organisation:
    """A new organisation, checked as a record file's would be (with no id given, one is made from
    the name: "Kent County Council" -> "kent-county-council"). Only the deployment's administrator."""
    allow_deployment(actor, "add an organisation")
    org = new_organisation(org_id, name, org_type, region)
    with store.transaction() as tx:
        wanted = " ".join(org.name.split()).casefold()
        same = [o for o, _ in tx.organisations() if " ".join(o.name.split()).casefold() == wanted]
        if same:
            raise AlreadyExists(f"there is already an organisation called {same[0].name} (id {same[0].id})")
        tx.add_organisation(org)
    return org


def set_organisation_place(store: Store, actor: Actor, org_id: str, org_type: str | None,
                           region: str | None) -> Organisation:
    """Put an organisation's type and region right (its administrator, or the deployment's): each
    one of the fixed lists peers are compared by, or "" for none; None leaves it as it is. A value
    kept from an older record that could not be read is replaced. It counts in its groups from the
    next release of peer figures."""
    if not actor.manages_deployment:
        allow(actor, org_id, ADMINISTER)
    given_type, given_region = fixed_place(org_type, region)
    with store.transaction() as tx:
        current = tx.organisation(org_id)
        org_type = current.type if org_type is None else given_type
        region = current.region if region is None else given_region
        tx.set_organisation_place(org_id, org_type, region)
        tx.add_event(org_id, None, "organisation", actor.name, type=org_type, region=region)
        return tx.organisation(org_id)
