"""Framework models (pydantic): what a framework is, and the rules read off it.

Reading a framework file (YAML, with every problem reported by line) is
`assessment.formats.framework_file`.

A framework is a maturity model kept as data: level scale -> themes -> key areas (each with a
rubric of one descriptor per level) -> objectives (each may override the rubric per level).
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Iterator

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64,
                                      pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class Level(_Strict):
    value: int = Field(ge=1, description="Level number, 1 for the lowest")
    name: Text = Field(description="Level name, e.g. 'Mature'")

    @property
    def label(self) -> str:
        """As people read a level: number and name, '3 – Mature'."""
        return f"{self.value} – {self.name}"


class Objective(_Strict):
    id: Id = Field(description="Stable id, e.g. the NPS number '17'")
    title: Text
    description: Text | None = None
    levels: dict[int, Text] = Field(
        default_factory=dict,
        description="The objective's own level descriptors, overriding the key area's rubric")


class KeyArea(_Strict):
    id: Id
    title: Text
    description: Text | None = None
    half_steps: bool | None = Field(
        default=None, description="Overrides the framework's half_steps for this key area")
    rubric: dict[int, Text] = Field(description="One descriptor for every level of the scale")
    objectives: list[Objective] = Field(min_length=1)


class Theme(_Strict):
    id: Id
    title: Text
    description: Text | None = None
    key_areas: list[KeyArea] = Field(min_length=1)


class BasedOn(_Strict):
    """The framework an overlay adapts (set on the framework an overlay makes, never in a file)."""

    id: Id
    version: Text
    title: Text


class Framework(_Strict):
    """A maturity model: the level scale and the themes, key areas and objectives."""

    id: Id
    title: Text
    version: Text
    source: Text | None = None
    based_on: BasedOn | None = Field(default=None, description="Set by an overlay: the framework it adapts")
    half_steps: bool = Field(default=True, description="May a score sit between two levels ('2/3')?")
    levels: list[Level] = Field(min_length=2)
    themes: list[Theme] = Field(min_length=1)

    # Look-ups, computed once (the model is frozen).
    @cached_property
    def level_names(self) -> dict[int, str]:
        return {level.value: level.name for level in self.levels}

    @cached_property
    def levels_by_value(self) -> dict[int, Level]:
        return {level.value: level for level in self.levels}

    @property
    def max_level(self) -> int:
        return self.levels[-1].value

    @cached_property
    def key_areas(self) -> dict[str, KeyArea]:
        return {ka.id: ka for theme in self.themes for ka in theme.key_areas}

    @cached_property
    def objectives(self) -> dict[str, Objective]:
        return {o.id: o for ka in self.key_areas.values() for o in ka.objectives}

    @cached_property
    def objective_ids(self) -> dict[str, tuple[str, ...]]:
        """Key area id -> its objective ids, in order."""
        return {ka.id: tuple(o.id for o in ka.objectives) for ka in self.key_areas.values()}

    @cached_property
    def key_area_of(self) -> dict[str, str]:
        """Objective id -> key area id."""
        return {o.id: ka.id for ka in self.key_areas.values() for o in ka.objectives}

    @cached_property
    def theme_of(self) -> dict[str, str]:
        """Key area id -> theme id."""
        return {ka.id: theme.id for theme in self.themes for ka in theme.key_areas}

    def iter_objectives(self) -> Iterator[tuple[Theme, KeyArea, Objective]]:
        for theme in self.themes:
            for ka in theme.key_areas:
                for objective in ka.objectives:
                    yield theme, ka, objective

    def allows_half_steps(self, key_area_id: str) -> bool:
        ka = self.key_areas[key_area_id]
        return self.half_steps if ka.half_steps is None else ka.half_steps

    def descriptor(self, objective_id: str, level: int) -> str:
        """The descriptor that applies to an objective at a level (its own, else the rubric's)."""
        objective = self.objectives[objective_id]
        return objective.levels.get(level) or self.key_areas[self.key_area_of[objective_id]].rubric[level]

    @property
    def name(self) -> str:
        """As documents name it: its title and version, and what it adapts."""
        own = self.title if self.version in self.title else f"{self.title}, version {self.version}"
        if self.based_on is None:
            return own
        base = self.based_on.title if self.based_on.version in self.based_on.title else \
            f"{self.based_on.title} {self.based_on.version}"
        return f"{own} (adapted from {base})"

    def as_json(self) -> dict[str, Any]:
        """The shape `framework show --format json` prints."""
        return {
            "id": self.id, "title": self.title, "version": self.version, "source": self.source,
            **({"based_on": self.based_on.model_dump()} if self.based_on else {}),
            "half_steps": self.half_steps,
            "levels": [{"value": lv.value, "name": lv.name} for lv in self.levels],
            "themes": [{
                "id": th.id, "title": th.title, "description": th.description,
                "key_areas": [{
                    "id": ka.id, "title": ka.title, "description": ka.description,
                    "half_steps": self.allows_half_steps(ka.id),
                    "rubric": {str(k): v for k, v in sorted(ka.rubric.items())},
                    "objectives": [{
                        "id": o.id, "title": o.title, "description": o.description,
                        "levels": {str(k): v for k, v in sorted(o.levels.items())},
                    } for o in ka.objectives],
                } for ka in th.key_areas],
            } for th in self.themes],
        }
