"""User text inside Markdown, shown as typed: the one escaping helper.

Streamlit renders Markdown (with LaTeX, colour directives, emoji and icon shortcodes, GitHub's
autolinks and typographic arrows) in `markdown`, `caption`, `title`, `header`, `info`, `warning`,
`error`, widget labels, radio options and expander and tab labels. Anything a person typed that
reaches one of those goes through `md`, as do the cells of `st.table` (`ui.tables.table` does it);
`st.text` and selectbox options show text as it is, so no stray backslashes appear there.

`md` backslash-escapes every ASCII punctuation mark (CommonMark's escapes: links, images,
emphasis, headings, lists, code, `$` maths and `:colour[...]` directives stop being syntax), and
puts an invisible word joiner (U+2060) where an escape does not reach: inside `http://`, `www.`
and `@` (autolinks), inside `->`, `<-`, `--`, `>=`, `<=`, `~=` (typographic arrows), and after a
`:` before a letter (emoji and icon shortcodes such as `:streamlit:`). Line breaks are kept.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assessment.domain.errors import as_sentence

WORD_JOINER = "\u2060"
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
_AUTOLINK = re.compile(r"(?i)(https?|www)(?=[:.])")
_TYPOGRAPHIC = re.compile(r"([-<>~])(?=[-<>=])")
_SHORTCODE = re.compile(r":(?=[A-Za-z])")


def md(text: object) -> str:
    """`text` as Markdown that renders as exactly the characters typed (line breaks kept)."""
    text = str(text)
    return _escaped(text) if len(text) <= _KEPT_LENGTH else _escape(text)


_KEPT_LENGTH = 1000   # the framework's titles and descriptors, which every run of a page escapes again


@lru_cache(maxsize=4096)
def _escaped(text: str) -> str:
    return _escape(text)


def _escape(text: str) -> str:
    return "  \n".join(_line(line) for line in text.split("\n"))


def _line(line: str) -> str:
    line = _AUTOLINK.sub(lambda m: m.group(1) + WORD_JOINER, line)
    line = line.replace("@", WORD_JOINER + "@")
    line = _TYPOGRAPHIC.sub(lambda m: m.group(1) + WORD_JOINER, line)
    line = _SHORTCODE.sub(":" + WORD_JOINER, line)
    return _PUNCTUATION.sub(r"\\\1", line)


def said(message: object) -> str:
    """A refusal or other message as a sentence (`errors.as_sentence`), shown as written."""
    return md(as_sentence(message))
