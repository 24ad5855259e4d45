"""Read-only is readable (issue 23): a database this process may not write (a snapshot on a
read-only disk, a file it may not change, an SQLite URL opened with mode=ro, a PostgreSQL
connection whose transactions are read-only) is listed, summarised, exported and backed up as
any other; every change is refused in one line (exit 2) and nothing is written. Backups are
written to a temporary file, flushed to the disk, renamed into place, and the folder flushed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest

from assessment import workflows
from assessment.storage.store import READ_ONLY

from .conftest import ROOT

CHANGES = [["period", "start", "2024", "--org", "medway"],
           ["users", "add", "x@medway.gov.uk", "--org", "medway", "--role", "editor"],
           ["orgs", "add", "kent", "--name", "Kent County Council"],
           ["period", "reopen", "2023", "--org", "medway", "--reason", "typo"]]


def cli(url: str, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "assessment", "--database", url, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr and "unexpected" not in done.stderr, done.stderr
    return done


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def snapshot(tmp_path):
    """The example records in an SQLite file (WAL mode, as the app leaves it) whose folder is then
    made read-only: a read-only bind mount as root (root writes through file modes), modes otherwise.
    Yields (the writable original's URL, the read-only copy's URL, the read-only file)."""
    original = tmp_path / "live" / "assessment.db"
    store = workflows.connect(f"sqlite:///{original}")
    workflows.ensure_examples(store)
    store.engine.dispose()
    frozen = tmp_path / "frozen"
    frozen.mkdir()
    if os.geteuid() == 0:
        mounted = subprocess.run(["mount", "--bind", "-o", "ro", str(original.parent), str(frozen)],
                                 capture_output=True, text=True)
        if mounted.returncode != 0:
            pytest.fail(f"a read-only bind mount is needed as root: {mounted.stderr.strip()}")
        subprocess.run(["mount", "-o", "remount,bind,ro", str(frozen)], check=True)
    else:
        frozen.rmdir()
        original.parent.rename(frozen)
        original.parent.mkdir()
        (frozen / "assessment.db").chmod(0o444)
        frozen.chmod(0o555)
    try:
        assert not os.access(frozen / "assessment.db", os.W_OK)
        if os.geteuid() != 0:   # the original is the same file, moved: copy it back to compare with
            (original.parent / "assessment.db").write_bytes((frozen / "assessment.db").read_bytes())
        yield f"sqlite:///{original}", f"sqlite:///{frozen / 'assessment.db'}", frozen / "assessment.db"
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(frozen)], check=True)
        else:
            frozen.chmod(0o755)


def test_a_read_only_sqlite_file_is_read_exported_and_backed_up_and_refuses_changes(snapshot, tmp_path):
    live, frozen, file = snapshot
    before = digest(file)
    assert cli(frozen, "orgs", "list").stdout.splitlines() == [
        "medway\tMedway Council\t2022, 2023", "worcestershire\tWorcestershire County Council\t2022"]
    summary = cli(frozen, "summary", "--org", "medway", "--period", "2023")
    assert summary.returncode == 0 and summary.stdout == cli(live, "summary", "--org", "medway", "--period",
                                                             "2023").stdout
    assert cli(frozen, "export", "xlsx", "--org", "medway", "--out", str(tmp_path / "m.xlsx")).returncode == 0
    assert cli(frozen, "history", "--org", "medway", "--period", "2023").returncode == 0
    backed_up = cli(frozen, "backup", "--out", str(tmp_path / "frozen.json"))
    assert backed_up.returncode == 0, backed_up.stderr
    cli(live, "backup", "--out", str(tmp_path / "live.json"))
    assert (tmp_path / "frozen.json").read_bytes() == (tmp_path / "live.json").read_bytes()
    for change in CHANGES:
        refused = cli(frozen, *change)
        assert (refused.returncode, refused.stderr) == (2, f"error: {READ_ONLY}\n"), change
    assert digest(file) == before and sorted(p.name for p in file.parent.iterdir()) == ["assessment.db"]


def test_an_sqlite_url_opened_read_only_is_readable(tmp_path):
    """A snapshot opened with SQLite's own mode=ro, on a disk that could be written."""
    path = tmp_path / "snapshot.db"
    store = workflows.connect(f"sqlite:///{path}")
    workflows.ensure_examples(store)
    store.engine.dispose()
    before = digest(path)
    url = f"sqlite:///file:{quote(str(path))}?mode=ro&uri=true"
    assert cli(url, "orgs", "list").stdout.startswith("medway\tMedway Council")
    assert cli(url, "backup", "--out", str(tmp_path / "b.json")).returncode == 0
    refused = cli(url, "period", "start", "2024", "--org", "medway")
    assert (refused.returncode, refused.stderr) == (2, f"error: {READ_ONLY}\n")
    assert digest(path) == before


def test_a_read_only_file_of_an_older_schema_is_refused_in_words(tmp_path):
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    workflows.connect(url).engine.dispose()
    from sqlalchemy import create_engine, text
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    engine.dispose()
    refused = cli(f"sqlite:///file:{quote(str(path))}?mode=ro&uri=true", "orgs", "list")
    assert refused.returncode == 2
    assert refused.stderr.startswith("error: the database is read-only here and its schema is revision 0005, not "
                                     "this version's ")


def test_a_read_only_postgresql_connection_is_readable_and_refuses_changes(postgres_url, tmp_path):
    from .test_backup import wipe_postgres
    wipe_postgres(postgres_url)
    store = workflows.connect(postgres_url)
    workflows.ensure_examples(store)
    store.engine.dispose()
    read_only = postgres_url + ("&" if "?" in postgres_url else "?") + "options=" + quote(
        "-c default_transaction_read_only=on")
    assert cli(read_only, "orgs", "list").stdout.splitlines()[0] == "medway\tMedway Council\t2022, 2023"
    assert cli(read_only, "backup", "--out", str(tmp_path / "ro.json")).returncode == 0
    cli(postgres_url, "backup", "--out", str(tmp_path / "rw.json"))
    assert (tmp_path / "ro.json").read_bytes() == (tmp_path / "rw.json").read_bytes()
    for change in CHANGES:
        refused = cli(read_only, *change)
        assert (refused.returncode, refused.stderr) == (2, f"error: {READ_ONLY}\n"), change
    cli(postgres_url, "backup", "--out", str(tmp_path / "after.json"))
    assert (tmp_path / "after.json").read_bytes() == (tmp_path / "rw.json").read_bytes()


def test_a_backup_is_flushed_to_the_disk_before_and_after_it_is_renamed_into_place(tmp_path, monkeypatch):
    from assessment import cli as cli_module
    steps: list[str] = []
    real_fsync, real_replace = os.fsync, Path.replace
    monkeypatch.setattr(os, "fsync", lambda fd: steps.append("fsync " + ("folder" if os.path.isdir(
        f"/proc/self/fd/{fd}") else "file")) or real_fsync(fd))
    monkeypatch.setattr(Path, "replace", lambda self, target: steps.append("rename") or real_replace(self, target))
    out = tmp_path / "backup.json"
    out.write_bytes(b"the backup before")
    cli_module._save_file(out, b"the new backup")
    assert steps == ["fsync file", "rename", "fsync folder"]
    assert out.read_bytes() == b"the new backup" and sorted(p.name for p in tmp_path.iterdir()) == ["backup.json"]
