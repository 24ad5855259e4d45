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

from ...domain.limits import ZIP_MEMBER_BYTES, ZIP_MEMBERS, ZIP_TOTAL_BYTES


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
    a part that is not XML (an image) is passed over, as no XML parser reads it, and so is a part
    that cannot be unpacked (damaged, encrypted), which no reader can read either. An XML part not
    in UTF-8 is refused (`_not_utf8`): its elements cannot be counted as bytes."""
    total = setup = 0
    for part in parts:
        try:
            content = archive.read(part)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
            continue
        name = part.filename
        start = _past_lead(content)   # past a UTF-8 byte order mark, white space and NULs
        if content.startswith(_OTHER_ENCODINGS) or (content[start:start + 1] == b"<" and _not_utf8(content)):
            return (f"{name} is XML that is not in UTF-8; files whose XML parts are in UTF-8, as Office "
                    "writes them, are read")
        if content[start:start + 1] != b"<":
            continue
        head = content[start:start + 512]
        elements = content.count(b"<") - content.count(b"</")
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


# What an XML parser may begin a part with: a UTF-8 byte order mark, then white space. NULs are
# passed over too, so that UTF-16 or UTF-32 text without a byte order mark ("<" with NULs around
# it) is seen to be XML, and refused.
_LEAD = re.compile(rb"(?:\xef\xbb\xbf)?[\x00 \t\r\n]*")
# Byte order marks of UTF-16 and UTF-32 (FF FE also begins UTF-32 little-endian), and "<?xm" in
# EBCDIC: libxml2 reads a part in each of these encodings, in which a "<" is not the byte "<".
_OTHER_ENCODINGS = (b"\xfe\xff", b"\xff\xfe", b"\x00\x00\xfe\xff", b"\x4c\x6f\xa7\x94")
_DECLARED = re.compile(rb"<\?xml[^>]*?\sencoding\s*=\s*[\"']([^\"']*)[\"']")


def _past_lead(content: bytes) -> int:
    """Where a part's first character other than a byte order mark, white space or NUL is."""
    lead = _LEAD.match(content)   # matches always: everything in it may be absent
    return lead.end() if lead else 0


def _not_utf8(content: bytes) -> bool:
    """Whether a part that begins with "<" is not UTF-8: it holds a NUL (UTF-16 or UTF-32 text
    without a byte order mark; XML never holds one), or its declaration names another encoding
    (UTF-7 or UTF-16 among them: libxml2 and expat read the part as it says)."""
    if b"\x00" in content:
        return True
    declared = _DECLARED.match(content, _past_lead(content))
    return declared is not None and declared.group(1).strip().lower() not in (b"utf-8", b"utf8")


_ROOT = re.compile(rb"<(?:[\w.-]+:)?([\w.-]+)[\s/>]")
_STREAMED = {b"worksheet", b"sst"}   # sheets are read row by row, shared strings as plain text


def _root(head: bytes) -> bytes | None:
    """The name of a part's root element (after any <?xml ...?> and comments), without its prefix."""
    match = _ROOT.search(head)
    return match.group(1) if match else None
