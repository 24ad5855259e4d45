"""Text that is safe for Word and Excel: characters XML cannot hold are replaced and counted.

python-docx raises ValueError on control characters and UnicodeEncodeError on lone surrogates;
user text is cleaned here first, so an export never fails on what someone typed, and the report
can say how many characters were replaced. Welsh letters, emoji and right-to-left text pass
through unchanged.
"""

from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
# XML 1.0 forbids C0 controls other than tab, line feed and carriage return, the surrogates
# (which can only appear in Python strings as lone halves) and U+FFFE/U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe_text(text: str) -> str:
    """`text` with every character XML cannot hold replaced by U+FFFD (uncounted: for a chart's
    texts, which vl-convert draws as SVG and aborts the process on)."""
    return _FORBIDDEN.sub(REPLACEMENT, text)


class TextCleaner:
    """Cleans text and keeps count of what it replaced."""

    def __init__(self) -> None:
        self.replaced = 0

    def __call__(self, text: str | None) -> str:
        if not text:
            return ""
        cleaned, count = _FORBIDDEN.subn(REPLACEMENT, text)
        self.replaced += count
        return cleaned


def unsafe_characters(record) -> int:
    """How many characters of a record's user text the exports will replace."""
    count = TextCleaner()
    count(record.organisation.name)
    for period in record.periods:
        for entry in [*period.entries.values(), *period.key_area_entries.values()]:
            count(entry.comment)
            count(entry.previous_comment)
            for action in entry.actions:
                count(action.text)
                count(action.owner)
    return count.replaced
