"""A council's own framework: an overlay that adapts a framework without copying it.

An overlay file (YAML, in `frameworks/` beside the frameworks; format in docs/framework-format.md)
names the framework and version it applies to and says what the council does differently:

- `themes`, `key_areas`, `objectives`: new titles and descriptions, and reworded descriptors (a
  level given replaces that level's descriptor; the levels not given keep the framework's);
- `merge`: key areas scored as one (their objectives roll up together), with the merged key area's
  own title and descriptors (those not given taken from one of the merged key areas, named in
  `rubric_from`); merging key areas of different themes must be said (`across_themes: true`);
- `leave_out`: key areas or objectives the council does not assess;
- `add`: local objectives, each with its own descriptors, in a key area.

The result is a `Framework` like any other (its id is the overlay's, `based_on` names the framework
it adapts), so every page, roll-up, chart and document uses the council's words and shape. Every
problem in the file is reported at once, as `PATH:LINE: where: message`.
"""

from __future__ import annotations

import difflib
from typing import Any, Callable

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..domain.errors import AssessmentError, Problem
from ..domain.framework import BasedOn, Framework, Id, KeyArea, Objective, Text
from .yaml_source import Source, fail_if, problems_from_validation


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, coerce_numbers_to_str=True)


class AppliesTo(_Strict):
    framework: Id = Field(description="The id of the framework adapted, e.g. nps-2018")
    version: Text = Field(description="Its version, e.g. '2018'")


class ThemeChange(_Strict):
    title: Text | None = None
    description: Text | None = None


class KeyAreaChange(_Strict):
    title: Text | None = None
    description: Text | None = None
    rubric: dict[int, Text] = Field(default_factory=dict, description="Reworded descriptors, by level")


class ObjectiveChange(_Strict):
    title: Text | None = None
    description: Text | None = None
    levels: dict[int, Text] = Field(default_factory=dict, description="The objective's own descriptors, by level")


class Merge(_Strict):
    id: Id
    title: Text
    description: Text | None = None
    key_areas: list[Id] = Field(min_length=2, description="The key areas scored as one, in order")
    rubric: dict[int, Text] = Field(default_factory=dict, description="The merged key area's descriptors")
    rubric_from: Id | None = Field(default=None, description="A merged key area whose descriptors fill the "
                                                             "levels not given in rubric")
    across_themes: bool = Field(default=False, description="Must be true to merge key areas of different themes")


class LeaveOut(_Strict):
    key_areas: list[Id] = Field(default_factory=list)
    objectives: list[Id] = Field(default_factory=list)


class NewObjective(_Strict):
    id: Id
    key_area: Id = Field(description="The key area it belongs to (a merged key area by its new id)")
    title: Text
    description: Text | None = None
    levels: dict[int, Text] = Field(min_length=1, description="Its own descriptors; levels not given take "
                                                              "the key area's")


class Overlay(_Strict):
    overlay: Id = Field(description="The adapted framework's id, as records name it")
    title: Text
    version: Text
    source: Text | None = None
    applies_to: AppliesTo
    themes: dict[Id, ThemeChange] = Field(default_factory=dict)
    key_areas: dict[Id, KeyAreaChange] = Field(default_factory=dict)
    objectives: dict[Id, ObjectiveChange] = Field(default_factory=dict)
    merge: list[Merge] = Field(default_factory=list)
    leave_out: LeaveOut = Field(default_factory=LeaveOut)
    add: list[NewObjective] = Field(default_factory=list)


def overlay_from_data(data: Any, source: Source, frameworks: Callable[[str], Framework]) -> Framework:
    """Check an overlay file (every problem at once) and apply it to the framework it names."""
    try:
        overlay = Overlay.model_validate(data)
    except ValidationError as exc:   # with the framework it names, if that is missing too
        problems = problems_from_validation(exc, source, model=Overlay)
        try:
            frameworks(AppliesTo.model_validate(data.get("applies_to")).framework)
        except ValidationError:
            pass
        except AssessmentError as missing:
            problems.append(source.problem(("applies_to", "framework"), str(missing)))
        fail_if(problems)
        raise  # pragma: no cover - fail_if always raises here
    wanted = overlay.applies_to
    if wanted.framework == overlay.overlay:
        fail_if([source.problem(("applies_to", "framework"), "an overlay cannot apply to itself")])
    try:
        base = frameworks(wanted.framework)
    except AssessmentError as exc:
        fail_if([source.problem(("applies_to", "framework"), str(exc))])
        raise  # pragma: no cover
    problems = _checks(overlay, base, source)
    if base.version != wanted.version:
        problems.insert(0, source.problem(("applies_to", "version"),
                                          f"the overlay applies to version '{wanted.version}' of {base.id}, but "
                                          f"the framework file is version '{base.version}'"))
    fail_if(problems)
    return apply(overlay, base)


def apply(overlay: Overlay, base: Framework) -> Framework:
    """The framework as the overlay adapts it (checked first by `overlay_from_data`)."""
    left_key_areas, left_objectives = set(overlay.leave_out.key_areas), set(overlay.leave_out.objectives)
    merged_into = {ka: m for m in overlay.merge for ka in m.key_areas}
    themes = []
    for theme in base.themes:
        key_areas = []
        for ka in theme.key_areas:
            if ka.id in left_key_areas:
                continue
            merge = merged_into.get(ka.id)
            if merge is not None:
                if merge.key_areas[0] != ka.id:
                    continue   # a merged key area stands where its first key area stood
                filler = base.key_areas[merge.rubric_from].rubric if merge.rubric_from else {}
                half = {base.allows_half_steps(k) for k in merge.key_areas}
                new = KeyArea(id=merge.id, title=merge.title, description=merge.description,
                              half_steps=None if half == {base.half_steps} else all(half),
                              rubric={lv.value: merge.rubric.get(lv.value) or filler[lv.value] for lv in base.levels},
                              objectives=[o for k in merge.key_areas for o in base.key_areas[k].objectives])
            else:
                change = overlay.key_areas.get(ka.id, KeyAreaChange())
                new = ka.model_copy(update={"title": change.title or ka.title,
                                            "description": change.description or ka.description,
                                            "rubric": {**ka.rubric, **change.rubric}})
            objectives = [_objective(o, overlay.objectives.get(o.id)) for o in new.objectives
                          if o.id not in left_objectives]
            objectives += [Objective(id=a.id, title=a.title, description=a.description, levels=a.levels)
                           for a in overlay.add if a.key_area == new.id]
            key_areas.append(new.model_copy(update={"objectives": objectives}))
        if key_areas:
            theme_change = overlay.themes.get(theme.id, ThemeChange())
            themes.append(theme.model_copy(update={"title": theme_change.title or theme.title,
                                                   "description": theme_change.description or theme.description,
                                                   "key_areas": key_areas}))
    return Framework(id=overlay.overlay, title=overlay.title, version=overlay.version, source=overlay.source,
                     half_steps=base.half_steps, levels=base.levels, themes=themes,
                     based_on=BasedOn(id=base.id, version=base.version, title=base.title))


def _objective(objective: Objective, change: ObjectiveChange | None) -> Objective:
    if change is None:
        return objective
    return objective.model_copy(update={"title": change.title or objective.title,
                                        "description": change.description or objective.description,
                                        "levels": {**objective.levels, **change.levels}})


# ---------------------------------------------------------------- checks against the framework

def _checks(overlay: Overlay, base: Framework, source: Source) -> list[Problem]:
    """Every problem of the overlay against the framework it adapts, each located to its line."""
    return _Checker(overlay, base, source).run()


class _Checker:
    """The overlay's checks, one part of the file at a time (`run`), gathering problems."""

    def __init__(self, overlay: Overlay, base: Framework, source: Source):
        self.overlay, self.base, self.source = overlay, base, source
        self.problems: list[Problem] = []
        self.scale = [lv.value for lv in base.levels]
        self.left_key_areas = set(overlay.leave_out.key_areas)
        self.left_objectives = set(overlay.leave_out.objectives)
        self.merged_into: dict[str, str] = {}
        self.merged_ids = {m.id for m in overlay.merge}

    def run(self) -> list[Problem]:
        self.leave_out()
        for m, merge in enumerate(self.overlay.merge):
            self.merge(("merge", m), merge)
        self.key_area_changes()
        self.objective_changes()
        kept = ({k for k in self.base.key_areas if k not in self.left_key_areas and k not in self.merged_into}
                | self.merged_ids)
        self.additions(kept)
        self.nothing_left(kept)
        return self.problems

    def problem(self, loc: tuple, message: str) -> None:
        self.problems.append(self.source.problem(loc, message))

    def known(self, kind: str, value: str, ids, loc: tuple) -> bool:
        if value in ids:
            return True
        near = difflib.get_close_matches(value, list(ids), n=1)
        self.problem(loc, f"there is no {kind} '{value}' in {self.base.id}"
                     + (f" (did you mean '{near[0]}'?)" if near else ""))
        return False

    def levels(self, mapping: dict[int, str], loc: tuple) -> None:
        for level in mapping:
            if level not in self.scale:
                self.problem(loc + (level,), f"level {level} is not on the scale of {self.base.id} "
                                             f"({self.scale[0]}–{self.scale[-1]})")

    def leave_out(self) -> None:
        for theme_id in self.overlay.themes:
            self.known("theme", theme_id, {t.id for t in self.base.themes}, ("themes", theme_id))
        for i, ka in enumerate(self.overlay.leave_out.key_areas):
            self.known("key area", ka, self.base.key_areas, ("leave_out", "key_areas", i))
        for i, objective in enumerate(self.overlay.leave_out.objectives):
            self.known("objective", objective, self.base.objectives, ("leave_out", "objectives", i))

    def merge(self, loc: tuple, merge: Merge) -> None:
        base = self.base
        present = [k for j, k in enumerate(merge.key_areas)
                   if self.known("key area", k, base.key_areas, loc + ("key_areas", j))]
        for j, ka in enumerate(merge.key_areas):
            if ka in self.merged_into:
                self.problem(loc + ("key_areas", j), f"'{ka}' is already merged into '{self.merged_into[ka]}'")
            elif ka in self.left_key_areas:
                self.problem(loc + ("key_areas", j), f"'{ka}' is left out, so it cannot be merged")
            self.merged_into.setdefault(ka, merge.id)
        themes = {base.theme_of[k] for k in present}
        if len(themes) > 1 and not merge.across_themes:
            where = ", ".join(f"'{k}' ({_theme_title(base, base.theme_of[k])})" for k in present)
            self.problem(loc + ("key_areas",), f"{where} are in different themes; say across_themes: true to merge "
                                               "them (the merged key area goes in the first one's theme)")
        if merge.id in base.key_areas and merge.id not in merge.key_areas:
            self.problem(loc + ("id",), f"'{merge.id}' is already a key area of {base.id}; give the merged key area "
                                        "an id of its own (or one of the key areas merged)")
        self.levels(merge.rubric, loc + ("rubric",))
        if merge.rubric_from is not None and merge.rubric_from not in merge.key_areas:
            self.problem(loc + ("rubric_from",), f"'{merge.rubric_from}' is not one of the key areas merged "
                                                 f"({', '.join(merge.key_areas)})")
        missing = [v for v in self.scale if v not in merge.rubric]
        if missing and merge.rubric_from is None:
            self.problem(loc + ("rubric",), "the merged key area needs a descriptor for every level; missing "
                                            + ", ".join(map(str, missing))
                                            + " (give them, or name the merged key area to take them from in "
                                              "rubric_from)")

    def key_area_changes(self) -> None:
        for ka_id, ka_change in self.overlay.key_areas.items():
            loc: tuple[Any, ...] = ("key_areas", ka_id)
            if self.known("key area", ka_id, self.base.key_areas, loc):
                if ka_id in self.merged_into:
                    self.problem(loc, f"'{ka_id}' is merged into '{self.merged_into[ka_id]}'; give the merged key "
                                      "area's words in merge")
                elif ka_id in self.left_key_areas:
                    self.problem(loc, f"'{ka_id}' is left out, so its words are not used")
            self.levels(ka_change.rubric, loc + ("rubric",))

    def objective_changes(self) -> None:
        base = self.base
        for objective_id, objective_change in self.overlay.objectives.items():
            loc: tuple[Any, ...] = ("objectives", objective_id)
            if self.known("objective", objective_id, base.objectives, loc):
                if objective_id in self.left_objectives:
                    self.problem(loc, f"objective '{objective_id}' is left out, so its words are not used")
                elif base.key_area_of[objective_id] in self.left_key_areas:
                    self.problem(loc, f"objective '{objective_id}' is in key area '{base.key_area_of[objective_id]}', "
                                      "which is left out")
            self.levels(objective_change.levels, loc + ("levels",))

    def additions(self, kept_key_areas: set[str]) -> None:
        seen_new: set[str] = set()
        for a, added in enumerate(self.overlay.add):
            loc: tuple[Any, ...] = ("add", a)
            if added.id in self.base.objectives or added.id in seen_new:
                self.problem(loc + ("id",), f"objective '{added.id}' already exists; a local objective needs an id "
                                            "of its own")
            seen_new.add(added.id)
            if added.key_area not in kept_key_areas:
                self.missing_key_area(loc + ("key_area",), added.key_area, kept_key_areas)
            self.levels(added.levels, loc + ("levels",))

    def missing_key_area(self, loc: tuple, key_area: str, kept_key_areas: set[str]) -> None:
        if key_area in self.merged_into:
            self.problem(loc, f"'{key_area}' is merged into '{self.merged_into[key_area]}'; add the objective to "
                              f"'{self.merged_into[key_area]}'")
        elif key_area in self.left_key_areas:
            self.problem(loc, f"key area '{key_area}' is left out")
        else:
            self.known("key area", key_area, kept_key_areas, loc)

    def nothing_left(self, kept_key_areas: set[str]) -> None:
        added_to = {a.key_area for a in self.overlay.add}
        for ka_id in kept_key_areas:
            merged_from = next((m.key_areas for m in self.overlay.merge if m.id == ka_id), [])
            objectives = ([o for k in merged_from for o in self.base.objective_ids[k]]
                          if ka_id in self.merged_ids else list(self.base.objective_ids[ka_id]))
            if objectives and all(o in self.left_objectives for o in objectives) and ka_id not in added_to:
                self.problem(("leave_out", "objectives"), f"every objective of key area '{ka_id}' is left out; leave "
                                                          "out the key area instead")
        if not kept_key_areas:
            self.problem(("leave_out", "key_areas"), "every key area is left out")


def _theme_title(framework: Framework, theme_id: str) -> str:
    return next(t.title for t in framework.themes if t.id == theme_id)

