"""Roles from the directory (issue 28, part 3): Microsoft Entra ID app roles, the sign-in token's
`roles` claim, mapped by the deployment's settings (ASSESSMENT_DIRECTORY_ROLES) to roles at
organisations. Only a sign-in the verified-address rules let in gets them; a role the directory gave
goes at the next sign-in that no longer claims it; a role given by hand is never touched; each
change is an event at the organisation, by the directory. Where a role came from is kept (migration
0012) and backed up (format 10). Storage tests run on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import inspect, text

from assessment import settings, workflows
from assessment.domain.errors import InvalidEdit
from assessment.domain.people import claimed_roles, directory_roles
from assessment.settings import BadSetting
from assessment.storage import backup as backup_module
from assessment.storage.backup import backup, restore
from assessment.workflows import LOCAL_ACTOR

from .conftest import FIXTURES, database_at

ISSUER = "https://login.microsoftonline.com/9f3c2a61-0000-4000-8000-000000000001/v2.0"
TENANT = "9f3c2a61-0000-4000-8000-000000000001"
MAPPING = directory_roles("Medway.Admin=medway:administrator, Medway.Editor=medway:editor, "
                          "Medway.Reviewer=medway:reviewer Kent.Editor=kent:editor")
KIM = "kim@medway.gov.uk"
SIGN_IN = {"AUTH_REDIRECT_URI": "https://assessment.council.gov.uk/oauth2callback",
           "AUTH_COOKIE_SECRET": "x" * 40, "AUTH_CLIENT_ID": "client", "AUTH_CLIENT_SECRET": "secret",
           "AUTH_SERVER_METADATA_URL": "https://login.microsoftonline.com/t/v2.0/.well-known/openid-configuration",
           "DATABASE_URL": "postgresql+psycopg://u:p@db/assessment"}


def token(subject: str = "kim-1", *roles: str, email: str = KIM, verified: bool = True, tid: str = TENANT) -> dict:
    return {"iss": ISSUER, "sub": subject, "name": "Kim", "email": email, "email_verified": verified, "tid": tid,
            "roles": list(roles)}


def sign_in(store, claims: dict, mapping=MAPPING):
    return workflows.sign_in(store, claims, tenant=TENANT, directory=mapping)


def person(store, email: str = KIM):
    return next((p for p in workflows.everyone(store, LOCAL_ACTOR) if p.email == email), None)


def role_events(store, org_id: str = "medway") -> list[tuple[str | None, str]]:
    return [(e.person, e.describe()) for e in workflows.people(store, LOCAL_ACTOR, org_id).changes]


@pytest.fixture
def councils(store):
    workflows.add_organisation(store, LOCAL_ACTOR, "medway", "Medway Council")
    workflows.add_organisation(store, LOCAL_ACTOR, "kent", "Kent County Council")
    workflows.add_person(store, LOCAL_ACTOR, "head@medway.gov.uk", "medway", "administrator")
    return store


# ---------------------------------------------------------------- the mapping, and the setting

def test_the_mapping_is_read_from_its_written_form():
    assert MAPPING == {"Medway.Admin": ("medway", "administrator"), "Medway.Editor": ("medway", "editor"),
                       "Medway.Reviewer": ("medway", "reviewer"), "Kent.Editor": ("kent", "editor")}
    assert directory_roles(None) == directory_roles("  ") == {}
    assert directory_roles("A=medway:Editor,\nB=kent:reviewer") == {"A": ("medway", "editor"), "B": ("kent", "reviewer")}
    # several app roles naming one organisation: the highest; anything else in the claim gives nothing
    assert claimed_roles({"roles": ["Medway.Reviewer", "Medway.Admin", "Other", 7]}, MAPPING) == {
        "medway": "administrator"}
    assert claimed_roles({"roles": "Kent.Editor"}, MAPPING) == {"kent": "editor"}
    assert claimed_roles({"roles": {"Kent.Editor": True}}, MAPPING) == claimed_roles({}, MAPPING) == {}


@pytest.mark.parametrize("written, said", [
    ("Medway.Admin=medway:owner", "“owner” in Medway.Admin=medway:owner is not a role"),
    ("Medway.Admin", "is not APP-ROLE=ORGANISATION:ROLE"),
    ("Medway.Admin=medway", "is not APP-ROLE=ORGANISATION:ROLE"),
    ("Medway Admin=medway:editor", "“Medway” is not APP-ROLE=ORGANISATION:ROLE"),
    ("Medway.Admin=Medway Council:editor", "is not APP-ROLE=ORGANISATION:ROLE"),
    ("Medway.Admin=Medway:editor", "“Medway” in Medway.Admin=Medway:editor is not an organisation id"),
    ("Med/way=medway:editor", "“Med/way” is not an app role's value"),
    ("A=medway:editor, A=kent:editor", "the app role A is given twice"),
])
def test_a_wrong_mapping_is_refused_in_one_line_naming_the_setting(written, said):
    with pytest.raises(InvalidEdit, match=said):
        directory_roles(written)
    env = {**SIGN_IN, "AUTH_TENANT_ID": TENANT, "ASSESSMENT_DIRECTORY_ROLES": written}
    with pytest.raises(BadSetting) as refused:
        settings.read(env)
    assert str(refused.value).startswith("ASSESSMENT_DIRECTORY_ROLES: ") and "\n" not in str(refused.value)


def test_the_setting_needs_sign_in_and_the_tenant(monkeypatch):
    mapping = "Medway.Admin=medway:administrator"
    found = settings.read({**SIGN_IN, "AUTH_TENANT_ID": TENANT, "ASSESSMENT_DIRECTORY_ROLES": mapping})
    assert found.directory_roles == {"Medway.Admin": ("medway", "administrator")}
    assert "; roles from the directory (1 app role);" in found.summary()
    assert settings.directory_roles({"ASSESSMENT_DIRECTORY_ROLES": mapping}) == found.directory_roles
    assert settings.read({**SIGN_IN, "AUTH_TENANT_ID": TENANT}).directory_roles == {}
    with pytest.raises(BadSetting, match="^ASSESSMENT_DIRECTORY_ROLES needs AUTH_TENANT_ID"):
        settings.read({**SIGN_IN, "ASSESSMENT_DIRECTORY_ROLES": mapping})
    monkeypatch.setattr(settings, "_signin_in_file", lambda: False)     # no .streamlit/secrets.toml either
    with pytest.raises(BadSetting, match="^ASSESSMENT_DIRECTORY_ROLES is set, but sign-in is not"):
        settings.read({"ASSESSMENT_DIRECTORY_ROLES": mapping})


# ---------------------------------------------------------------- at sign-in

def test_a_role_is_given_kept_and_taken_away_when_no_longer_claimed(councils):
    store = councils
    workflows.add_person(store, LOCAL_ACTOR, KIM, "medway", "reviewer")     # added by hand at Medway
    workflows.remove_person(store, LOCAL_ACTOR, KIM, "medway")              # ... and with no role now
    first = sign_in(store, token("kim-1", "Medway.Editor", "Kent.Editor")).actor
    assert first is not None and first.roles == {"medway": "editor", "kent": "editor"}
    assert person(store).from_directory == {"medway", "kent"}
    assert role_events(store)[0] == ("the directory",
                                     f"{KIM}: no role → editor, from the directory's app roles at sign-in")
    again = sign_in(store, token("kim-1", "Medway.Editor", "Kent.Editor")).actor   # kept: nothing changes
    assert again is not None and again.roles == first.roles and len(role_events(store)) == 4
    promoted = sign_in(store, token("kim-1", "Medway.Admin", "Medway.Reviewer")).actor   # Kent's no longer claimed
    assert promoted is not None and promoted.roles == {"medway": "administrator"}
    assert role_events(store, "kent")[0] == ("the directory",
                                             f"{KIM}: editor → no role, from the directory's app roles at sign-in")
    assert role_events(store)[0][1].startswith(f"{KIM}: editor → administrator")
    gone = sign_in(store, token("kim-1")).actor                               # no app roles at all
    assert gone is not None and gone.roles == {} and person(store).from_directory == frozenset()
    # the page between sign-ins reads the roles afresh: taken away at once
    assert workflows.signed_in_actor(store, ISSUER, "kim-1").roles == {}


def test_a_role_given_by_hand_is_never_touched(councils):
    store = councils
    workflows.add_person(store, LOCAL_ACTOR, KIM, "medway", "reviewer")
    kim = sign_in(store, token("kim-1", "Medway.Admin", "Kent.Editor")).actor
    assert kim is not None and kim.roles == {"medway": "reviewer", "kent": "editor"}    # by hand it stands
    assert person(store).from_directory == {"kent"}
    kim = sign_in(store, token("kim-1")).actor
    assert kim is not None and kim.roles == {"medway": "reviewer"}
    assert "the directory" not in [who for who, _ in role_events(store)]              # Medway's is the hand's
    # a role the directory gave that an administrator then saves by hand becomes theirs
    sign_in(store, token("kim-1", "Kent.Editor"))
    workflows.add_person(store, LOCAL_ACTOR, KIM, "kent", "editor")
    assert person(store).from_directory == frozenset()
    assert sign_in(store, token("kim-1")).actor.roles == {"medway": "reviewer", "kent": "editor"}


def test_an_unverified_sign_in_gets_nothing(councils):
    store = councils
    workflows.add_person(store, LOCAL_ACTOR, KIM, "medway", "reviewer")
    outcome = sign_in(store, token("impostor", "Medway.Admin", verified=False))
    assert outcome.actor is None and "email_verified is false" in outcome.refused
    assert person(store).roles == {"medway": "reviewer"} and person(store).subject is None
    stranger = sign_in(store, token("stranger", "Medway.Admin", email="sam@elsewhere.gov.uk", verified=False))
    assert stranger.actor is None and person(store, "sam@elsewhere.gov.uk") is None
    # an address bound to another account stays refused, whatever the token claims
    assert sign_in(store, token("kim-1")).actor is not None
    taken = sign_in(store, token("kim-2", "Medway.Admin"))
    assert taken.actor is None and "already bound to another account" in taken.refused
    assert person(store).roles == {"medway": "reviewer"}
    assert "the directory" not in [who for who, _ in role_events(store)]


def test_app_roles_are_taken_only_from_the_deployments_own_tenant(councils):
    store = councils
    workflows.add_person(store, LOCAL_ACTOR, KIM, "medway", "reviewer")
    other = sign_in(store, token("kim-1", "Kent.Editor", tid="another-tenant")).actor
    assert other is not None and other.roles == {"medway": "reviewer"}
    # without the tenant configured, the directory gives nothing and takes nothing
    untrusted = workflows.sign_in(store, token("kim-1", "Kent.Editor"), directory=MAPPING).actor
    assert untrusted is not None and untrusted.roles == {"medway": "reviewer"}
    # without a mapping (the setting unset), roles the directory gave stay as they are
    sign_in(store, token("kim-1", "Kent.Editor"))
    assert workflows.sign_in(store, token("kim-1"), tenant=TENANT).actor.roles == {"medway": "reviewer",
                                                                                    "kent": "editor"}


def test_someone_not_added_is_added_by_the_directory_on_a_verified_address_only(councils):
    store = councils
    nobody = sign_in(store, token("jo-1", email="jo@medway.gov.uk"))             # no app role: not added
    assert nobody.actor is None and nobody.refused is None and person(store, "jo@medway.gov.uk") is None
    elsewhere = sign_in(store, token("jo-1", "Nowhere.Editor", email="jo@medway.gov.uk"),
                        {"Nowhere.Editor": ("nowhere", "editor")})                # an organisation there is not
    assert elsewhere.actor is None and person(store, "jo@medway.gov.uk") is None
    jo = sign_in(store, token("jo-1", "Medway.Editor", email="jo@medway.gov.uk")).actor
    assert jo is not None and jo.roles == {"medway": "editor"}
    added = person(store, "jo@medway.gov.uk")
    assert (added.issuer, added.subject, added.from_directory) == (ISSUER, "jo-1", {"medway"})
    assert [line.kind for line in workflows.sign_in_log(store, LOCAL_ACTOR, limit=1)] == ["bound"]
    left = sign_in(store, token("jo-1", email="jo@medway.gov.uk")).actor     # the app role taken away
    assert left is not None and left.roles == {}


def test_people_shows_which_roles_came_from_the_directory(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from .conftest import ROOT, shown, tables
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    store = workflows.connect(url)
    workflows.ensure_examples(store)
    workflows.add_person(store, LOCAL_ACTOR, "head@medway.gov.uk", "medway", "administrator")
    assert sign_in(store, token("kim-1", "Medway.Editor")).actor is not None
    head = workflows.Actor("head@medway.gov.uk", roles={"medway": "administrator"})
    found = workflows.people(store, head, "medway")
    assert {p.email: (p.roles["medway"], "medway" in p.from_directory) for p in found.people} == {
        "head@medway.gov.uk": ("administrator", False), KIM: ("editor", True)}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.selectbox(key="home.org").set_value("medway").run()
    at.switch_page("assessment/ui/people_page.py").run()
    assert not at.exception, at.exception
    listed = tables(at)[0]
    assert dict(zip(listed["Email"], listed["Role"])) == {"head@medway.gov.uk": "administrator",
                                                          KIM: "editor (from the directory)"}
    assert any("from the directory" in c.value for c in shown(at.caption))
    changes = [m.value for m in shown(at.markdown) if "the directory" in m.value]
    assert any(f"the directory: {KIM}: no role → editor, from the directory's app roles at sign-in" in c
               for c in changes), changes
    store.engine.dispose()


# ---------------------------------------------------------------- migration 0012 and backups

def test_migration_0012_keeps_where_a_role_came_from_and_takes_it_away(db_url):
    from assessment.storage.store import migrate, open_store
    engine, _ = database_at(db_url, "0011")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO organisations (id, name, created_at) VALUES "
                                "('medway', 'Medway Council', CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO people (id, email, administers_deployment, added_at) VALUES "
                                f"(1, '{KIM}', false, CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO memberships (person_id, organisation_id, role) VALUES "
                                "(1, 'medway', 'reviewer')"))
    engine.dispose()
    store = open_store(db_url)                                   # upgraded to the head
    assert person(store).roles == {"medway": "reviewer"} and person(store).from_directory == frozenset()
    workflows.add_organisation(store, LOCAL_ACTOR, "kent", "Kent County Council")
    sign_in(store, token("kim-1", "Kent.Editor"))
    assert person(store).from_directory == {"kent"}
    migrate(store.engine, "0011", downgrade=True)
    with store.engine.connect() as connection:
        assert "source" not in [c["name"] for c in inspect(connection).get_columns("memberships")]
        assert sorted(connection.execute(text("SELECT organisation_id, role FROM memberships")).all()) == [
            ("kent", "editor"), ("medway", "reviewer")]         # the roles stay, as if given by hand
    migrate(store.engine)                                        # and up again
    assert person(store).roles == {"medway": "reviewer", "kent": "editor"}
    assert person(store).from_directory == frozenset()
    store.engine.dispose()


def test_where_roles_came_from_is_backed_up_and_restored(councils, empty):
    store = councils
    workflows.add_person(store, LOCAL_ACTOR, KIM, "medway", "reviewer")
    sign_in(store, token("kim-1", "Kent.Editor", "Medway.Admin"))
    data = backup(store)
    written = json.loads(data)
    assert written["format_version"] == backup_module.FORMAT_VERSION
    assert {p["email"]: p["roles"] for p in written["people"]}[KIM] == [
        {"organisation_id": "kent", "role": "editor", "source": "directory"},
        {"organisation_id": "medway", "role": "reviewer", "source": "hand"}]
    target = empty()
    assert restore(target, data)["memberships"] == 3
    assert backup(target) == data                                  # byte for byte
    assert person(target).from_directory == {"kent"}
    assert sign_in(target, token("kim-1")).actor.roles == {"medway": "reviewer"}   # the directory's goes


def test_a_backup_of_format_9_restores_every_role_as_given_by_hand(store):
    old = (FIXTURES / "backups" / "minimal-format-9.json").read_bytes()
    assert json.loads(old)["format_version"] == 9 and b'"source": "hand"' not in old
    assert restore(store, old, source="old.json")["memberships"] == 2
    assert all(not p.from_directory for p in workflows.everyone(store, LOCAL_ACTOR))
    assert backup(store) == (FIXTURES / "backups" / "minimal.json").read_bytes()
