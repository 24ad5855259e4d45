"""Word and Excel files are zip archives: what their parts would unpack to is checked before any
part is parsed (`limits`), so a small file cannot unpack to gigabytes. Python's zip reader stops
at each part's stated size, so the sizes checked are the sizes read."""

from __future__ import annotations

import io
import zipfile

from ..limits import ZIP_MEMBER_BYTES, ZIP_MEMBERS, ZIP_TOTAL_BYTES


def zip_problem(data: bytes) -> str | None:
    """Why this zip file is refused before it is opened (too many parts, or parts that unpack too
    big), or None. A file that is not a readable zip is left to the reader to name."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if len(parts) > ZIP_MEMBERS:
        return f"the file has {len(parts):,} parts inside; files of up to {ZIP_MEMBERS} parts are read"
    biggest = max(parts, key=lambda p: p.file_size, default=None)
    if biggest is not None and biggest.file_size > ZIP_MEMBER_BYTES:
        return (f"a part of the file ({biggest.filename}) unpacks to {biggest.file_size / 2**20:,.0f} MB; parts of up "
                f"to {ZIP_MEMBER_BYTES // 2**20} MB are read")
    total = sum(p.file_size for p in parts)
    if total > ZIP_TOTAL_BYTES:
        return f"the file unpacks to {total / 2**20:,.0f} MB; files that unpack to {ZIP_TOTAL_BYTES // 2**20} MB are read"
    return None
