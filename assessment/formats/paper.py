"""What the two halves of a round's paper route share (issue 30): the line that says which round and
respondent a questionnaire was made for, written into the Word file by
`writers.word_round_questionnaire` (in its properties and the header of every page) and read back
by `readers.word_answers`, so that answers are never imported into another round or another
person's answers; and how a filled questionnaire (Word) is told from answers typed into YAML.

    Round 7 · answers of a@b.gov.uk
"""

from __future__ import annotations

import re

_MARK = re.compile(r"^round\s+(\d{1,9})\s*[·•.:\-–—]?\s*answers\s+of\s+(\S+@\S+)$", re.IGNORECASE)


def marker(round_id: int, email: str) -> str:
    """The line that says whose questionnaire this is: 'Round 7 · answers of a@b.gov.uk'."""
    return f"Round {round_id} · answers of {email}"


def read_marker(text: str | None) -> tuple[int, str] | None:
    """The round and address a marker line names (the address in lower case), or None if `text` is
    not one. Spaces and the dot between the two may have been changed by hand or by Word."""
    found = _MARK.match(" ".join((text or "").split()))
    if found is None:
        return None
    return int(found.group(1)), found.group(2).rstrip(".").lower()


# How a file that is (or claims to be) a Word document begins: a zip archive (.docx), and what people
# send instead, which the reader refuses in words: a PDF, an old Word (.doc) or Office 97-2003 file,
# Rich Text (.rtf).
_WORD_LIKE = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08", b"%PDF", b"\xd0\xcf\x11\xe0", b"{\\rtf")


def looks_like_word(head: bytes) -> bool:
    """Whether a file beginning with `head` (its first bytes) is read as a Word questionnaire rather
    than as YAML: told by its content, whatever its name."""
    return head.startswith(_WORD_LIKE)
