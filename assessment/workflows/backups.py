"""Backups on a schedule: a dated backup file written into a folder, the newest N of them kept; and
the restore check, which restores a backup into a throwaway database and compares it with the live
one (docs/deployment.md, Backups).

A dated backup is named `assessment-backup-2026-12-05T0300Z.json` (the time in UTC, to the minute;
a second one in the same minute gets `-2`, `-3` ...). It is written to a hidden temporary file in the
same folder (`.assessment-backup-....partial`, readable by its owner only), flushed to the disk,
then linked under its name, which fails rather than replace a file already there, and the folder is
flushed too: a crash or power cut leaves no half-written backup under a backup's name, and no
backup is ever overwritten. Keeping the newest N deletes only files named as this writes them
(never the one just written, whatever the clock says), never any other file in the folder.
"""

from __future__ import annotations

import errno
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.errors import AssessmentError
from ..storage.store import Store
from .access import Actor, allow_deployment
from .data import backup

if TYPE_CHECKING:
    from ..storage.backup_check import BackupCheck

PREFIX = "assessment-backup-"
DATED = re.compile(r"assessment-backup-(\d{4}-\d{2}-\d{2}T\d{4}Z)(?:-([1-9]\d{0,5}))?\.json")
PARTIAL = re.compile(r"\.assessment-backup-.+\.partial")
STALE_PARTIAL_SECONDS = 3600   # a temporary file this old was left by a run that stopped half way


@dataclass(frozen=True)
class DatedBackup:
    """A dated backup written: where, its size, and the older dated backups deleted to keep N."""

    path: Path
    size: int
    removed: list[str]
    kept: int


def dated_name(at: datetime, n: int = 1) -> str:
    """The file name of a dated backup made at `at` (the `n`th in that minute)."""
    stamp = at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H%MZ")
    return f"{PREFIX}{stamp}{'' if n == 1 else f'-{n}'}.json"


def save_dated_backup(store: Store, actor: Actor, folder: Path, *, keep: int | None = None,
                      now: datetime | None = None) -> DatedBackup:
    """Back up the whole database into a new dated file in `folder` (never overwriting one), then,
    with `keep`, delete all but the newest `keep` dated backups there (other files are left alone)."""
    allow_deployment(actor, "back up the database")
    if keep is not None and keep < 1:
        raise AssessmentError(f"--keep must be 1 or more (found {keep}): the backup just written is always kept")
    if not folder.is_dir():
        raise AssessmentError(f"cannot write a backup into {folder}: there is no such folder")
    data = backup(store, actor)
    at = now or datetime.now(timezone.utc)
    path = _write_new(folder, at, data)
    removed = _keep_newest(folder, keep, path.name) if keep is not None else []
    kept = sum(1 for _ in _dated(folder))
    return DatedBackup(path, len(data), removed, kept)


def check_backup(store: Store, actor: Actor, data: bytes, *, source: str) -> BackupCheck:
    """Restore a backup into a throwaway database (a temporary SQLite file) and compare it with the
    live one, part by part (`storage.backup_check.BackupCheck`: whole, or each difference in a line)."""
    allow_deployment(actor, "check a backup against the database")
    from ..storage import backup_check   # here, not at the top: every command would pay for its import
    return backup_check.check(store, data, source=source)


def _write_new(folder: Path, at: datetime, data: bytes) -> Path:
    """`data` in a new dated file in `folder`, written whole and durably or not at all."""
    partial = folder / f".{dated_name(at)}.{os.getpid()}.partial"
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        path = _link_free_name(folder, at, partial)
        _sync_folder(folder)
    except OSError as exc:
        raise AssessmentError(f"cannot write a backup into {folder}: {exc.strerror or exc}") from None
    finally:
        partial.unlink(missing_ok=True)
    return path


def _link_free_name(folder: Path, at: datetime, partial: Path) -> Path:
    """Give the written file the first dated name not taken: a hard link fails where the name is
    there already (so nothing is replaced, even by another run at the same moment). A file system
    without hard links gets a rename after a look, which is as safe unless two runs race."""
    for n in range(1, 1000):
        path = folder / dated_name(at, n)
        try:
            os.link(partial, path)
            return path
        except FileExistsError:
            continue
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            if path.exists() or path.is_symlink():
                continue
            os.rename(partial, path)
            return path
    raise AssessmentError(f"cannot write a backup into {folder}: 999 backups were already made in the same minute")


def _sync_folder(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _dated(folder: Path) -> list[tuple[tuple[str, int], str]]:
    """The dated backups in `folder` (regular files only), newest first, with their sort keys."""
    found = []
    with os.scandir(folder) as entries:
        for entry in entries:
            match = DATED.fullmatch(entry.name)
            if match and entry.is_file(follow_symlinks=False):
                found.append(((match.group(1), int(match.group(2) or 1)), entry.name))
    return sorted(found, reverse=True)


def _keep_newest(folder: Path, keep: int, written: str) -> list[str]:
    """Delete all but the newest `keep` dated backups (the one just written counts first); the names
    deleted, oldest last. Temporary files left by a run that stopped half way go too."""
    older = [name for _, name in _dated(folder) if name != written][keep - 1:]
    removed = []
    try:
        for name in older:
            (folder / name).unlink(missing_ok=True)
            removed.append(name)
        with os.scandir(folder) as entries:
            stale = [entry.name for entry in entries if PARTIAL.fullmatch(entry.name)
                     and entry.is_file(follow_symlinks=False)
                     and time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_PARTIAL_SECONDS]
        for name in stale:
            (folder / name).unlink(missing_ok=True)
        if removed or stale:
            _sync_folder(folder)
    except OSError as exc:
        raise AssessmentError(f"wrote the backup, but cannot delete older ones in {folder}: "
                              f"{exc.strerror or exc}") from None
    return removed
