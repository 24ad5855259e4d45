"""What peer comparison keeps (issue 31), as plain data: a period opted in (`OptIn`), and the
deployment's clubs, releases and outside series (`PeerDocument`, each a JSON document under its
kind). The rules that turn them into figures are `domain.peers`'."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

CLUB, RELEASE, SERIES, GUARD = "club", "release", "series", "guard"
KINDS = (CLUB, RELEASE, SERIES, GUARD)
GUARD_NAME = "what the guard has seen"   # the one guard document, replaced at every release
CLUB_AT_LEAST = 5        # councils in a club when it is defined
NAME_MOST, SOURCE_MOST = 100, 300   # characters in a club's or series' name, and a series' source
RESERVED = ("type", "region", "none")   # the words `peers show --group` and `export report --peers` take
_BIDI = set("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def peer_name(text: str | None, what: str, most: int = NAME_MOST) -> str:
    """A club's or series' name (or a series' source) as kept: spaces collapsed; refused when blank,
    longer than `most`, or holding a control character or a direction override (which would print
    one thing and mean another, and which a chart cannot draw)."""
    from .errors import InvalidEdit
    from .people import is_control, printable
    kept = " ".join((text or "").split())
    if not kept:
        raise InvalidEdit(f"{what} is blank")
    if len(kept) > most:
        raise InvalidEdit(f"{what} is {len(kept):,} characters long; up to {most} can be kept")
    odd = next((c for c in kept if is_control(c) or c in _BIDI), None)
    if odd is not None:
        raise InvalidEdit(f"{what} holds the character {printable(odd)}; write it in plain text")
    return kept


@dataclass(frozen=True)
class OptIn:
    """An approved period of a council's scores put forward for the next release."""

    org_id: str
    period: str
    by: str | None
    at: datetime | None


def with_a_median(part: dict[str, Any]) -> int:
    """How many of a release's figures for one framework (`data["frameworks"][id]`) show a median
    (the rest show no comparator, or were withheld)."""
    return sum(1 for f in part.get("figures", []) if f.get("median") is not None)


@dataclass(frozen=True)
class PeerDocument:
    """A club (data: {"members": [org ids]}), a release (data: the figures, each club's, type's and
    region's councils as they were, and the guard's reasons), an outside series (data: {"source",
    "year", "framework_id", "levels"}), or the guard's memory (data: per framework every set of
    contributions shown so far, `domain.peers.Shown`: one document, replaced at each release, so
    that a release stays the size of its figures and a council's report reads only the release it
    shows)."""

    kind: str
    name: str
    data: dict[str, Any] = field(default_factory=dict)
    released_on: date | None = None
    made_by: str | None = None
    made_at: datetime | None = None
    id: int | None = None
