"""Word and Excel files are zip archives: what their parts would unpack to is checked before any
part is parsed (`limits`), so a small file cannot unpack to gigabytes. Python's zip reader stops
at each part's stated size, so the sizes checked are the sizes read. Then the XML elements of each
part are counted (a `<` that opens a tag, with bytes.count: no parse), so that a file of 100 KB
cannot hand the XML parser a table of a million empty cells or a workbook a million styles."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from ..limits import ZIP_MEMBER_BYTES, ZIP_MEMBERS, ZIP_TOTAL_BYTES


@dataclass(frozen=True)
class Budget:
    """The XML elements a reader will parse: in one part, in all, and (a workbook) in the parts
    other than sheets and shared strings, which openpyxl turns into an object apiece. `real`
    says what a real file has, for the message."""

    part: int
    total: int
    real: str
    setup: int | None = None


def zip_problem(data: bytes, budget: Budget | None = None) -> str | None:
    """Why this zip file is refused before it is opened (too many parts, parts that unpack too big,
    or more XML elements than `budget`), or None. A file that is not a readable zip is left to the
    reader to name."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            sized = _size_problem(parts)
            if sized or budget is None:
                return sized
            return _element_problem(archive, parts, budget)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
        return None   # damaged, encrypted or an unknown compression: the reader says so


def _size_problem(parts: list[zipfile.ZipInfo]) -> str | None:
    if len(parts) > ZIP_MEMBERS:
        return f"the file has {len(parts):,} parts inside; files of up to {ZIP_MEMBERS} parts are read"
    biggest = max(parts, key=lambda p: p.file_size, default=None)
    if biggest is not None and biggest.file_size > ZIP_MEMBER_BYTES:
        return (f"a part of the file ({biggest.filename}) unpacks to {biggest.file_size / 2**20:,.0f} MB; parts of up "
                f"to {ZIP_MEMBER_BYTES // 2**20} MB are read")
    total = sum(p.file_size for p in parts)
    if total > ZIP_TOTAL_BYTES:
        return (f"the file unpacks to {total / 2**20:,.0f} MB; files that unpack to {ZIP_TOTAL_BYTES // 2**20} MB "
                "are read")
    return None


def _element_problem(archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo], budget: Budget) -> str | None:
    """Each XML part unpacked in turn (at most `limits.ZIP_MEMBER_BYTES`) and its elements counted;
    a part that is not XML (an image) is passed over, as no XML parser reads it."""
    total = setup = 0
    for part in parts:
        content = archive.read(part)
        head = content[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
        if not head.startswith(b"<"):
            continue
        elements = content.count(b"<") - content.count(b"</")
        name = part.filename
        if elements > budget.part:
            return (f"{name} holds more than {budget.part:,} XML elements; parts of up to {budget.part:,} are read "
                    f"({budget.real})")
        total += elements
        if total > budget.total:
            return (f"the parts of the file hold more than {budget.total:,} XML elements (passed at {name}); files of "
                    f"up to {budget.total:,} are read ({budget.real})")
        if budget.setup is not None and _root(head) not in _STREAMED:
            setup += elements
            if setup > budget.setup:
                return (f"{name} takes the workbook's styles and settings past {budget.setup:,} XML elements; "
                        f"up to {budget.setup:,} are read (this tool's workbook has about 400)")
    return None


_ROOT = re.compile(rb"<(?:[\w.-]+:)?([\w.-]+)[\s/>]")
_STREAMED = {b"worksheet", b"sst"}   # sheets are read row by row, shared strings as plain text


def _root(head: bytes) -> bytes | None:
    """The name of a part's root element (after any <?xml ...?> and comments), without its prefix."""
    match = _ROOT.search(head)
    return match.group(1) if match else None
