"""Adding an organisation (a council): nothing else creates one, not even an import."""

from __future__ import annotations

from ..domain.errors import AlreadyExists
from ..domain.record import Organisation
from ..formats.record_file import new_organisation
from ..storage.store import Store
from .access import Actor, allow_deployment


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
