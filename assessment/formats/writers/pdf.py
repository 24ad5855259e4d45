"""PDF copies of the Word documents, made by LibreOffice headless where it is installed.

`to_pdf` converts a .docx's bytes with LibreOffice's Writer PDF export, tagged: headings, lists,
tables (header rows as TH) and the radar's alternative text (a /Figure's /Alt) are in the PDF's
structure tree for screen readers, the headings are its bookmarks, and the viewer shows the title
the Word document's properties give it (`appendix.set_title_and_language`), whose language (en-GB)
becomes the PDF's /Lang. Each conversion runs in a temporary folder with a LibreOffice user profile
of its own (a second LibreOffice process on a profile in use would hand the work to the first, or
fail), and is stopped after `TIMEOUT_SECONDS`, or `CPU_SECONDS` of processor time (RLIMIT_CPU, which
its processes inherit: a short document of some characters is laid out slowly, so length alone does
not bound the work).

Conversions are shared fairly: a document longer than `limits.PDF_DOCUMENT_BYTES` is refused in
words before LibreOffice starts (its time grows faster than its length: 1 MB took 8 s, 3.9 MB 137
s), each person makes one PDF at a time, and a server at most `AT_ONCE`.
"""

from __future__ import annotations

import io
import json
import os
import resource
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ...domain.errors import PdfFailed, PdfUnavailable
from ...domain.limits import PDF_CPU_SECONDS, PDF_DOCUMENT_BYTES, PDF_SECONDS
from .word_appendix import WordExport

PROGRAMS = ("soffice", "libreoffice")
TIMEOUT_SECONDS = PDF_SECONDS   # a report with the appendix takes about two seconds; a cold start a few more
CPU_SECONDS = PDF_CPU_SECONDS
NOT_INSTALLED = ("PDF needs LibreOffice, which is not installed on this server: install libreoffice-writer "
                 "(Debian) or download the Word file and save it as PDF")
# At most this many LibreOffice processes at once in a server (each takes some 150 MB and a CPU for
# a few seconds); a further request waits its turn, up to the timeout, rather than starting another.
AT_ONCE = 2
_SLOTS = threading.BoundedSemaphore(AT_ONCE)
_MAKING: set[str] = set()          # who is making a PDF now
_MAKING_LOCK = threading.Lock()
EXPORT_OPTIONS = {"UseTaggedPDF": True, "ExportBookmarks": True, "DisplayPDFDocumentTitle": True}


def pdf_available() -> bool:
    """Whether this server can make PDFs (LibreOffice is on the PATH)."""
    return _program() is not None


def as_pdf(export: WordExport, *, who: str | None = None) -> WordExport:
    """The same export as PDF (its title, and its count of replaced characters, kept)."""
    return WordExport(to_pdf(export.data, export.title, who=who), export.replaced_characters, export.title)


def to_pdf(docx_bytes: bytes, title: str, *, who: str | None = None) -> bytes:
    """The PDF of a Word document; `title` names it in messages, `who` the person asking (one PDF
    at a time each). Raises `PdfUnavailable` when LibreOffice is not installed and `PdfFailed` when
    it makes no PDF, or is not asked to (too long, already making one, the server busy)."""
    program = _program()
    if program is None:
        raise PdfUnavailable(NOT_INSTALLED)
    too_long = _too_long(docx_bytes, title)
    if too_long:
        raise PdfFailed(too_long)
    with _one_each(who, title):
        if not _SLOTS.acquire(timeout=TIMEOUT_SECONDS):
            raise PdfFailed(f"The server is busy making other PDFs; try the PDF of {title} again in a minute")
        try:
            return _convert(program, docx_bytes, title)
        finally:
            _SLOTS.release()


def _too_long(docx_bytes: bytes, title: str) -> str | None:
    """Why this document is too long to convert here (its body unpacks past the limit), or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(docx_bytes)) as archive:
            size = archive.getinfo("word/document.xml").file_size
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return None   # not a document this tool wrote: LibreOffice says what it makes of it
    if size <= PDF_DOCUMENT_BYTES:
        return None
    return (f"“{title}” is too long to make a PDF of on this server ({size / 2**20:.1f} MB of "
            f"text and layout; up to {PDF_DOCUMENT_BYTES / 2**20:.0f} MB): download the Word file and save it as "
            "PDF from Word, or choose fewer periods")


@contextmanager
def _one_each(who: str | None, title: str) -> Iterator[None]:
    """Hold `who`'s one turn at making a PDF (none is kept for an unnamed caller, the command line)."""
    if who is None:
        yield
        return
    with _MAKING_LOCK:
        if who in _MAKING:
            raise PdfFailed(f"You are already making a PDF; wait for it to finish, then make the PDF of {title}")
        _MAKING.add(who)
    try:
        yield
    finally:
        with _MAKING_LOCK:
            _MAKING.discard(who)


def _convert(program: str, docx_bytes: bytes, title: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="assessment-pdf-") as folder:
        work = Path(folder)
        (work / "document.docx").write_bytes(docx_bytes)
        _run(_command(program, work), title)
        made = work / "document.pdf"
        if not made.is_file():   # LibreOffice exits 0 even when it could not read the file
            raise PdfFailed(f"LibreOffice made no PDF of {title}")
        return made.read_bytes()


def _program() -> str | None:
    return next((path for path in map(shutil.which, PROGRAMS) if path), None)


def _command(program: str, work: Path) -> list[str]:
    options = json.dumps({name: {"type": "boolean", "value": str(value).lower()}
                          for name, value in EXPORT_OPTIONS.items()})
    return [program, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--convert-to", f"pdf:writer_pdf_Export:{options}", "--outdir", str(work), str(work / "document.docx")]


def _run(command: list[str], title: str) -> None:
    """Run LibreOffice in a process group of its own, so that on a timeout all of it is stopped."""
    started = time.monotonic()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                          start_new_session=True) as process:
        # set from here rather than in the child before exec (preexec_fn is unsafe in a threaded
        # server); the launcher script starts soffice.bin, which inherits it, well after this
        try:
            resource.prlimit(process.pid, resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 5))
        except (ProcessLookupError, PermissionError, ValueError, OSError):
            pass   # already gone: its exit status says what happened
        try:
            _, errors = process.communicate(timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise PdfFailed(f"LibreOffice took more than {TIMEOUT_SECONDS} seconds to make the PDF of {title} "
                            "and was stopped") from None
    if process.returncode != 0 and time.monotonic() - started >= CPU_SECONDS:   # stopped by RLIMIT_CPU
        raise PdfFailed(f"LibreOffice took more than {CPU_SECONDS} seconds of processor time to make the PDF of "
                        f"{title} and was stopped: download the Word file and save it as PDF from Word")
    if process.returncode != 0:
        said = errors.decode("utf-8", "replace").strip().splitlines()
        raise PdfFailed(f"LibreOffice could not make the PDF of {title} (exit status {process.returncode}"
                        + (f": {said[-1]}" if said else "") + ")")
