"""Councils side by side in the members' report (issue 31, "Where it shows"): the words and tables
the report page and the Word report share, from a release's figures for one of the council's groups.

- On the radar: the group's quartiles as a band along each key area's spoke and its median as a
  tick across it (the median alone where only that may be shown; nothing where there is no
  comparator); the radar's table gains a column (`PeerComparison.column`, `PeerComparison.cell`).
- At a glance: "At or above the median of 23 unitary authorities in 9 of 14 key areas (release
  1, published 1 April 2026)." (`PeerComparison.sentence`, by `peers.standing`).
- A "Peers" section: per key area, the council's level beside the group's median, quartiles and n,
  and any published outside series of the framework compared, always with its source and year
  (`peers_table`).

Only group figures are ever in them: no council is named, and no council's level but the
council's own. The council's level in a key area is what the radar's "today" series shows
(`report.radar_rows`); the group's figures come from `workflows.queries.peer_view`, read here through
`ReleaseLike` and `GroupLike` (the application layer's `PeerView` and `GroupFigures` have that shape).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, Sequence

from .framework import Framework
from .numbers import MISSING, format_mean
from .peer_records import PeerDocument
from .peers import NO_COMPARATOR_BELOW, QUARTILES_FROM, Figure, Group, group_words, standing, standing_sentence
from .record import long_date

PEERS_HEADING = "Peers"
NOT_COMPARED = "not compared with other councils (this key area is the council's own)"
KIND_WORDS = {"type": "Type", "region": "Region", "club": "Club"}


class GroupLike(Protocol):
    """One of the council's groups in a release (`workflows.peers.GroupFigures`)."""

    @property
    def kind(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def figures(self) -> dict[str, dict[str, Any]]: ...

    @property
    def n(self) -> int | None: ...


class ReleaseLike(Protocol):
    """What a council's readers see of a release (`workflows.peers.PeerView`)."""

    @property
    def release(self) -> str: ...

    @property
    def released_on(self) -> date | None: ...

    @property
    def year(self) -> int: ...

    @property
    def framework_id(self) -> str: ...

    @property
    def period(self) -> str: ...

    @property
    def groups(self) -> Sequence[GroupLike]: ...

    @property
    def series(self) -> Sequence[PeerDocument]: ...


def group_key(group: GroupLike) -> str:
    """How a group is chosen (the page's select, `export report --peers`): "type", "region", or a
    club by its name."""
    return group.kind if group.kind != "club" else group.name


def chosen_group(view: ReleaseLike, key: str | None = None) -> GroupLike | None:
    """The group `key` names ("type", "region" or a club's name; None: the type, else the first)."""
    groups = list(view.groups)
    if key is not None:
        return next((g for g in groups if group_key(g) == key), None)
    return next((g for g in groups if g.kind == "type"), groups[0] if groups else None)


def _words(group: GroupLike) -> str:
    return group_words(Group(group.kind, group.name, frozenset()))


def group_choice_label(group: GroupLike) -> str:
    """A group as the "Compared with" select offers it: "Type: unitary authorities (n = 23)"."""
    n = f" (n = {group.n:,})" if group.n is not None else ""
    return f"{KIND_WORDS.get(group.kind, group.kind.capitalize())}: {_words(group)}{n}"


def financial_year_words(year: int) -> str:
    """2023 -> "2023/24", the year figures are compared in."""
    return f"{year}/{(year + 1) % 100:02d}"


def _figure(found: dict[str, Any]) -> Figure:
    """A released figure read back: {"n", "median"} (with "q1", "q3"), or {"comparator": None, "reason"}."""
    if found.get("median") is None:
        return Figure(int(found.get("n") or 0), reason=found.get("reason") or "no comparator")
    return Figure(int(found["n"]), float(found["median"]), found.get("q1"), found.get("q3"))


@dataclass(frozen=True)
class SeriesColumn:
    """A published outside series as the Peers table shows it: named with its source and year."""

    heading: str                          # "National diagnostic 2025 (LGA national report, 2025)"
    levels: dict[str, float]              # key area title -> level


@dataclass(frozen=True)
class PeerComparison:
    """The council beside one of its groups in a release, keyed by the council's key-area titles
    (as the radar names them)."""

    kind: str
    name: str
    words: str                            # "unitary authorities"
    n: int | None                         # councils contributing (the most of any key area)
    release: str                          # "1"
    released_on: date | None
    year: int
    figures: dict[str, Figure]            # key area title -> figure; a key area not compared is absent
    series: list[SeriesColumn] = field(default_factory=list)
    period: str = ""                      # the council's own name for the period ("2025")

    @property
    def year_words(self) -> str:
        """The year compared as the council names it: "2023/24", or "2025 (financial year 2025/26)"
        where the council's period is named otherwise (periods are compared by financial year)."""
        financial = financial_year_words(self.year)
        return financial if self.period in ("", financial) else f"{self.period} (financial year {financial})"

    @property
    def release_words(self) -> str:
        """"release 1, published 1 April 2026"."""
        published = f", published {long_date(self.released_on)}" if self.released_on else ""
        return f"release {self.release}{published}"

    @property
    def group_title(self) -> str:
        """The group's words as a heading begins: "Unitary authorities"."""
        return self.words[:1].upper() + self.words[1:]

    @property
    def quartiles(self) -> bool:
        """Whether any key area shows its quartiles (ten or more councils)."""
        return any(f.q1 is not None and f.q3 is not None for f in self.figures.values())

    @property
    def column(self) -> str:
        """The radar table's column: the group, n and the release."""
        n = f", n = {self.n:,}" if self.n is not None else ""
        shown = "median; quartiles" if self.quartiles else "median"
        return f"{self.group_title} ({shown}){n}, {self.release_words}"

    def cell(self, title: str) -> str:
        """A key area's figure in words: "3.00 (2.50 to 3.50)", "3.00" (the median alone), with
        ", n = 21" where fewer contribute in it than in the group, or "no comparator: …"."""
        found = self.figures.get(title)
        if found is None:
            return NOT_COMPARED
        if found.median is None:
            return f"no comparator: {found.reason}"
        text = format_mean(found.median)
        if found.q1 is not None and found.q3 is not None:
            text += f" ({format_mean(found.q1)} to {format_mean(found.q3)})"
        return text + (f", n = {found.n:,}" if found.n != self.n else "")

    def standing(self, own: dict[str, float]) -> tuple[int, int]:
        """(key areas at or above the median, key areas compared): `peers.standing`."""
        return standing(own, self.figures)

    def sentence(self, own: dict[str, float]) -> str:
        """The at-a-glance sentence with its release: "At or above the median of 23 unitary
        authorities in 9 of 14 key areas (release 1, published 1 April 2026)."."""
        said = standing_sentence(*self.standing(own), self.n, self.words)
        return f"{said.rstrip('.')} ({self.release_words})."

    def about(self) -> str:
        """What the figures are, for the Peers section: whose, which release and year, the rules."""
        return (f"The figures of {self.words} who chose to take part, for {self.year_words}, from "
                f"{self.release_words}: each council counted once, with its key-area score (the mean of its "
                "scored objectives in the key area, as the radar shows this council's). Where fewer than "
                f"{NO_COMPARATOR_BELOW} councils contribute there is no comparator; from {NO_COMPARATOR_BELOW} the "
                f"median is shown, and from {QUARTILES_FROM} the quartiles (the middle half of the councils lies "
                "between them) too. A figure that would let a council's score be worked out is withheld. No "
                "council is named, and no council's score is shown but this council's own.")


def peer_comparison(view: ReleaseLike, group: GroupLike, framework: Framework) -> PeerComparison:
    """`group`'s figures in `view`, keyed by the titles of the council's key areas (`framework`: the
    council's own), with the release's published outside series."""
    figures = {framework.key_areas[k].title: _figure(f) for k, f in group.figures.items() if k in framework.key_areas}
    compared = {k for k in group.figures if k in framework.key_areas}
    series = []
    for s in view.series:
        levels = s.data.get("levels", {})
        shown = {framework.key_areas[k].title: float(v) for k, v in levels.items()
                 if k in compared or (framework.id == view.framework_id and k in framework.key_areas)}
        if shown:
            series.append(SeriesColumn(f"{s.name} ({s.data.get('source')}, {s.data.get('year')})", shown))
    return PeerComparison(group.kind, group.name, _words(group), group.n, view.release, view.released_on, view.year,
                          figures, series, view.period)


def own_levels(rows: list[dict[str, Any]]) -> dict[str, float]:
    """The council's level in each key area, as the radar's "today" series shows it (`radar_rows`)."""
    return {r["key_area"]: r["value"] for r in rows if r["series"] == "today" and r["value"] is not None}


def peers_table(rows: list[dict[str, Any]], peers: PeerComparison) -> list[dict[str, str]]:
    """The Peers section's table: per key area (in the radar's order), the council's level, the group's
    median, quartiles and n, and each published outside series (headed with its source and year)."""
    today = [r for r in rows if r["series"] == "today"]
    label = today[0]["label"] if today else "This council"
    out = []
    for r in today:
        title = r["key_area"]
        found = peers.figures.get(title)
        line = {"Key area": title, f"{label} (this council)": format_mean(r["value"])}
        if found is None or found.median is None:
            said = NOT_COMPARED if found is None else f"no comparator: {found.reason}"
            line |= {"Median": said, "Quartiles": MISSING, "n": MISSING}
        else:
            quartiles = (f"{format_mean(found.q1)} to {format_mean(found.q3)}" if found.q1 is not None
                         and found.q3 is not None else f"not shown (fewer than {QUARTILES_FROM} councils)")
            line |= {"Median": format_mean(found.median), "Quartiles": quartiles, "n": f"{found.n:,}"}
        for s in peers.series:
            line[s.heading] = format_mean(s.levels.get(title))
        out.append(line)
    return out
