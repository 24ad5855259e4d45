"""Messages as people read them (issue 26, point 8): sentences, plurals in words."""

from __future__ import annotations

import pytest

from assessment.domain.errors import as_sentence
from assessment.domain.numbers import counted


@pytest.mark.parametrize("message, shown", [
    ("nothing was saved", "Nothing was saved."),
    ("the comment ends with its own full stop.", "The comment ends with its own full stop."),
    ("Restored version 2: comment: “a.” → “b.”", "Restored version 2: comment: “a.” → “b.”."),
    ("huge.docx: the file is 50.0 MB", "huge.docx: the file is 50.0 MB."),        # a file name stays as written
    ("head@medway.gov.uk may not edit 'medway'", "head@medway.gov.uk may not edit 'medway'."),
    ("kent-county-council has no period '1999'", "kent-county-council has no period '1999'."),
    ("is it?", "Is it?"),
    ("", ""),
])
def test_a_message_is_a_sentence_with_one_full_stop(message, shown):
    assert as_sentence(message) == shown
    assert not as_sentence(message).endswith("..")


@pytest.mark.parametrize("n, text", [(0, "0 actions"), (1, "1 action"), (2, "2 actions"), (1234, "1,234 actions")])
def test_a_count_says_its_noun_in_the_singular_or_plural(n, text):
    assert counted(n, "action") == text
    assert counted(n, "entry", "entries").endswith("entry" if n == 1 else "entries")
