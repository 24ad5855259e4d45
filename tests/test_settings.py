"""Settings from the environment (`assessment.settings`, docs/deploy.md): one table, every setting
in the documentation; what each sets up; every missing or wrong one refused in one line that names
it, by `settings check` and by `serve` before anything starts."""

from __future__ import annotations

import re
import stat
import subprocess
import sys
import tomllib

import pytest

from assessment import settings
from assessment.settings import BadSetting

from .conftest import ROOT

SIGN_IN = {
    "AUTH_REDIRECT_URI": "https://assessment.council.gov.uk/oauth2callback",
    "AUTH_COOKIE_SECRET": "k" * 40,
    "AUTH_CLIENT_ID": "6f1c2b9e-0d4a-4e57-9a3b-2c8d1e0f7a61",
    "AUTH_CLIENT_SECRET": 'a "quoted" secret with a \\ backslash',
    "AUTH_SERVER_METADATA_URL": "https://login.microsoftonline.com/3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f/v2.0/"
                                ".well-known/openid-configuration",
}
DEPLOYED = {**SIGN_IN, "DATABASE_URL": "postgresql+psycopg://assessment@/assessment?host=/var/run/postgresql",
            "ASSESSMENT_HOSTS": "assessment.council.gov.uk"}
MAIL = {"SMTP_HOST": "smtp.council.gov.uk", "SMTP_FROM": "Procurement self-assessment <assessment@council.gov.uk>"}


@pytest.fixture(autouse=True)
def no_secrets_file(tmp_path, monkeypatch):
    """No .streamlit/secrets.toml, whatever this clone has."""
    monkeypatch.setattr(settings, "SECRETS_FILE", tmp_path / "secrets.toml")


def test_with_nothing_set_the_app_runs_in_local_mode():
    found = settings.read({})
    assert (found.database_url, found.sign_in, found.hosts, found.address, found.port, found.mail) == \
        (None, None, ("localhost", "127.0.0.1", "::1"), "127.0.0.1", 8501, None)
    assert not found.serves_network
    assert found.summary() == ("settings are good: local mode (no sign-in); SQLite; listening on 127.0.0.1:8501 for "
                               "localhost, 127.0.0.1, ::1; no mail")


def test_a_deployment_behind_a_proxy():
    found = settings.read({**DEPLOYED, **MAIL, "AUTH_TENANT_ID": "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                           "ASSESSMENT_PORT": "8502", "SMTP_USER": "assessment", "SMTP_PASSWORD": "pw"})
    assert found.serves_network and found.port == 8502 and found.hosts == ("assessment.council.gov.uk",)
    assert found.sign_in is not None and found.sign_in.client_id == SIGN_IN["AUTH_CLIENT_ID"]
    assert found.mail == settings.Mail("smtp.council.gov.uk", 587, MAIL["SMTP_FROM"], "assessment", "pw", True)
    assert found.summary() == ("settings are good: sign-in through login.microsoftonline.com; PostgreSQL; listening "
                               "on 127.0.0.1:8502 for assessment.council.gov.uk; mail through smtp.council.gov.uk:587")
    assert "k" * 40 not in found.summary() and "pw" not in found.summary()


def test_the_command_line_wins_over_the_environment_and_hosts_follow_the_redirect():
    found = settings.read({**SIGN_IN, "DATABASE_URL": "sqlite:////srv/a.db", "ASSESSMENT_PORT": "9000"},
                          port=8503, address="0.0.0.0")
    assert (found.port, found.address, found.hosts) == (8503, "0.0.0.0", ("assessment.council.gov.uk",))


def test_the_secrets_file_is_what_st_login_reads(tmp_path):
    """[auth] as .streamlit/secrets.toml.example has it (quotes and backslashes kept), [signin]
    tenant_id where it is set; written for this user alone."""
    found = settings.read({**DEPLOYED, "AUTH_TENANT_ID": "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                           "ASSESSMENT_RUNTIME_DIR": str(tmp_path)})
    path = settings.write_secrets(found)
    assert path is not None and path.parent == tmp_path
    written = tomllib.loads(path.read_text(encoding="utf-8"))
    assert written["auth"] == {key.removeprefix("AUTH_").lower(): value for key, value in SIGN_IN.items()}
    assert written["signin"] == {"tenant_id": "3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    example = tomllib.loads((ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8"))
    assert set(written["auth"]) == set(example["auth"]) and set(written["signin"]) == set(example["signin"])
    command = settings.streamlit_command(found, path, "python")
    assert command[:5] == ["python", "-m", "streamlit", "run", str(ROOT / "app.py")]
    assert {"--server.address=127.0.0.1", "--server.port=8501", "--server.allowedHosts=assessment.council.gov.uk",
            f"--secrets.files={path}", "--server.fileWatcherType=none"} <= set(command)
    assert settings.write_secrets(settings.read({})) is None   # local mode: no secrets to write


def test_sign_in_kept_in_the_secrets_file_still_serves_the_network(monkeypatch, tmp_path):
    """A deployment set up as before (`make run ADDRESS=0.0.0.0 HOSTS=...` with .streamlit/secrets.toml)."""
    secrets = tmp_path / "existing.toml"
    secrets.write_text('[auth]\nclient_id = "x"\n', encoding="utf-8")
    monkeypatch.setattr(settings, "SECRETS_FILE", secrets)
    found = settings.read({"ASSESSMENT_HOSTS": "assessment.council.gov.uk", "DATABASE_URL": "sqlite:////srv/a.db"})
    assert found.sign_in is None and found.sign_in_file and found.serves_network
    assert "sign-in from .streamlit/secrets.toml" in found.summary()


BAD = [
    ({"AUTH_CLIENT_ID": "x"}, "AUTH_REDIRECT_URI is missing: sign-in needs all of AUTH_REDIRECT_URI, "
     "AUTH_COOKIE_SECRET, AUTH_CLIENT_ID, AUTH_CLIENT_SECRET, AUTH_SERVER_METADATA_URL (AUTH_CLIENT_ID is set)"),
    ({**SIGN_IN, "AUTH_CLIENT_SECRET": ""}, "AUTH_CLIENT_SECRET is missing"),
    ({**SIGN_IN, "AUTH_CLIENT_SECRET": "replace-with-the-client-secret-value"},
     "AUTH_CLIENT_SECRET is still the example's placeholder"),
    ({**SIGN_IN, "AUTH_REDIRECT_URI": "http://assessment.council.gov.uk/oauth2callback"},
     "AUTH_REDIRECT_URI must be https (http only on localhost)"),
    ({**SIGN_IN, "AUTH_REDIRECT_URI": "https://assessment.council.gov.uk/"}, "AUTH_REDIRECT_URI must end with "
     "/oauth2callback"),
    ({**SIGN_IN, "AUTH_REDIRECT_URI": "assessment.council.gov.uk"}, "AUTH_REDIRECT_URI is not an address"),
    ({**SIGN_IN, "AUTH_SERVER_METADATA_URL": "https://login.microsoftonline.com/x/v2.0"},
     "AUTH_SERVER_METADATA_URL must end with /.well-known/openid-configuration"),
    ({**SIGN_IN, "AUTH_COOKIE_SECRET": "short"}, "AUTH_COOKIE_SECRET is too short (5 characters; at least 32)"),
    ({**SIGN_IN, "AUTH_TENANT_ID": "council.gov.uk"}, "AUTH_TENANT_ID is not a tenant id"),
    ({**SIGN_IN, "AUTH_CLIENT_ID": "line one\nline two"}, "AUTH_CLIENT_ID holds a control character"),
    ({"ASSESSMENT_HOSTS": "assessment.council.gov.uk"}, "AUTH_CLIENT_ID and the other sign-in settings are missing, "
     "but ASSESSMENT_HOSTS names assessment.council.gov.uk: without sign-in the app serves this machine only"),
    ({"ASSESSMENT_ADDRESS": "0.0.0.0"}, "AUTH_CLIENT_ID and the other sign-in settings are missing, but it "
     "listens on 0.0.0.0"),
    ({**SIGN_IN, "ASSESSMENT_HOSTS": "other.council.gov.uk", "DATABASE_URL": "sqlite:////a.db"},
     "AUTH_REDIRECT_URI is on assessment.council.gov.uk, which is not among ASSESSMENT_HOSTS (other.council.gov.uk)"),
    ({**DEPLOYED, "ASSESSMENT_HOSTS": "https://assessment.council.gov.uk"}, "ASSESSMENT_HOSTS names "
     "https://assessment.council.gov.uk: write the name alone"),
    ({**DEPLOYED, "ASSESSMENT_HOSTS": "*"}, "ASSESSMENT_HOSTS names *: * would let any web site's name reach the app"),
    ({**DEPLOYED, "ASSESSMENT_HOSTS": "assessment.council.gov.uk bad_name"}, "ASSESSMENT_HOSTS names bad_name: it "
     "is not a host name"),
    ({**SIGN_IN}, "DATABASE_URL is missing: a deployment that serves the network names its database"),
    ({"DATABASE_URL": "postgres://u@h/db"}, "DATABASE_URL must begin postgresql+psycopg:// (the driver installed), "
     "not postgres://"),
    ({"DATABASE_URL": "mysql://u@h/db"}, "DATABASE_URL is not a database URL"),
    ({"ASSESSMENT_PORT": "eighty"}, "ASSESSMENT_PORT is not a port number (1 to 65535): eighty"),
    ({"ASSESSMENT_PORT": "70000"}, "ASSESSMENT_PORT is not a port number"),
    ({"ASSESSMENT_ADDRESS": "localhost:8501"}, "ASSESSMENT_ADDRESS is not an IP address"),
    ({"ASSESSMENT_RUNTIME_DIR": "/no/such/folder"}, "ASSESSMENT_RUNTIME_DIR is not a folder: /no/such/folder"),
    ({"SMTP_FROM": "a@council.gov.uk"}, "SMTP_HOST is missing (SMTP_FROM is set)"),
    ({"SMTP_HOST": "smtp.council.gov.uk"}, "SMTP_FROM is missing"),
    ({**MAIL, "SMTP_FROM": "not an address"}, "SMTP_FROM: "),
    ({**MAIL, "SMTP_PORT": "0"}, "SMTP_PORT is not a port number"),
    ({**MAIL, "SMTP_STARTTLS": "maybe"}, "SMTP_STARTTLS is neither true nor false: maybe"),
    ({**MAIL, "SMTP_USER": "assessment"}, "SMTP_PASSWORD is missing (SMTP_USER is set)"),
    ({**MAIL, "SMTP_PASSWORD": "pw"}, "SMTP_USER is missing (SMTP_PASSWORD is set)"),
    ({**MAIL, "SMTP_USER": "u", "SMTP_PASSWORD": "pw", "SMTP_STARTTLS": "false"},
     "SMTP_STARTTLS is false, which would send SMTP_PASSWORD unencrypted to smtp.council.gov.uk"),
    ({"ASSESSMENT_ACCESSIBILITY_CONTACT": "a\x1b[31m"}, "ASSESSMENT_ACCESSIBILITY_CONTACT holds a control character"),
]


@pytest.mark.parametrize("environ, expected", BAD, ids=[next(iter(e)) + "-" + str(i) for i, (e, _) in enumerate(BAD)])
def test_a_bad_or_missing_setting_is_named_in_one_line(environ, expected):
    with pytest.raises(BadSetting) as caught:
        settings.read(environ)
    message = str(caught.value)
    assert message.startswith(expected) and "\n" not in message
    assert re.match(r"^[A-Z_]+[ :]", message) and message.split()[0].rstrip(":") in settings.NAMES
    for secret in ("k" * 40, SIGN_IN["AUTH_CLIENT_SECRET"], "pw"):
        assert secret not in message


def test_mail_alone_for_the_reminders():
    assert settings.mail({}) is None
    assert settings.mail({**MAIL, "SMTP_PORT": "25", "SMTP_STARTTLS": "no", "SMTP_HOST": "localhost",
                          "SMTP_USER": "u", "SMTP_PASSWORD": "pw"}) == \
        settings.Mail("localhost", 25, MAIL["SMTP_FROM"], "u", "pw", False)   # a relay on this machine


def test_docs_deploy_lists_every_setting():
    """The one list people read is the table in code: docs/deploy.md names each setting there,
    and no other."""
    text = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    section = text.split("## Settings", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| `([A-Z_]+)` \|", section, flags=re.M)
    assert listed == list(settings.NAMES)


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in __import__("os").environ.items() if k not in settings.NAMES}
    return subprocess.run([sys.executable, "-m", "assessment", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**clean, **env})


def test_settings_check_and_serve_stop_at_a_bad_setting_in_one_line(tmp_path):
    bad = {**SIGN_IN, "AUTH_COOKIE_SECRET": "short", "DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}"}
    for command in (["settings", "check"], ["serve", "--port", "8599"]):
        result = _cli(*command, env=bad)
        assert result.returncode == 2 and result.stdout == ""
        assert result.stderr.splitlines() == [
            "error: AUTH_COOKIE_SECRET is too short (5 characters; at least 32): make one with python3 -c 'import "
            "secrets; print(secrets.token_urlsafe(32))'"]
    assert not (tmp_path / "a.db").exists()   # nothing opened


def test_settings_check_connects_when_asked(tmp_path):
    url = f"sqlite:///{tmp_path / 'a.db'}"
    result = _cli("settings", "check", "--connect", env={"DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("settings are good: local mode (no sign-in); SQLite;")
    assert (tmp_path / "a.db").exists()   # created, as the app would, with the examples
    unreachable = _cli("settings", "check", "--connect",
                       env={"DATABASE_URL": "postgresql+psycopg://nobody@/nothing?host=/nonexistent"})
    assert unreachable.returncode == 2 and len(unreachable.stderr.splitlines()) == 1, unreachable.stderr


@pytest.mark.parametrize("given, loaded", [(None, True), ("true", True), ("false", False), ("no", False)])
def test_a_deployment_can_start_without_the_example_records(given, loaded, tmp_path):
    """ASSESSMENT_EXAMPLES=false (deploy/install.sh writes it): `settings check --connect` creates
    the schema of an empty database and leaves it empty of the examples."""
    url = f"sqlite:///{tmp_path / 'council.db'}"
    result = _cli("--database", url, "settings", "check", "--connect",
                  env={} if given is None else {"ASSESSMENT_EXAMPLES": given})
    assert result.returncode == 0, result.stderr
    from assessment import workflows
    with workflows.connect(url).transaction(write=False) as tx:
        assert bool(tx.organisations()) is loaded


def test_a_bad_examples_flag_is_named():
    result = _cli("settings", "check", env={"ASSESSMENT_EXAMPLES": "perhaps"})
    assert result.returncode == 2 and result.stderr.strip() == "error: ASSESSMENT_EXAMPLES is neither true nor false: perhaps"
