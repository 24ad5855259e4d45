"""Layout rules, from the map in assessment/layers.toml: no layer imports one above it (imports
inside functions included), third-party packages stay where they belong (only the UI imports
streamlit), and the command line and pages reach data only through the application layer."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from .conftest import ROOT

PACKAGE = ROOT / "assessment"
MAP = tomllib.loads((PACKAGE / "layers.toml").read_text(encoding="utf-8"))
LAYERS = MAP["layer"]
RANK = {module: i for i, layer in enumerate(LAYERS) for module in layer["modules"]}
LAYER_NAMES = [layer["name"] for layer in LAYERS]


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def top(path: Path) -> str:
    """The folder (or module) of `assessment` a file belongs to: 'domain', 'storage', 'ui', 'cli', ..."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return parts[0]


def names_of(dotted: str) -> set[str]:
    """The names a rule may give a part of `assessment`: its folder, and its folder with the one
    inside it ('formats', 'formats.readers' for assessment.formats.readers.zipped)."""
    parts = dotted.split(".")
    return {parts[0], ".".join(parts[:2])}


def place(path: Path) -> set[str]:
    """The names of a file's part, as `names_of`, and its layer's name."""
    part = top(path)
    inner = ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    return names_of(inner) | {LAYER_NAMES[layer_of(part)]}


def imports(path: Path) -> list[tuple[int, str]]:
    """Every import in the file, anywhere in it, as (line, absolute module name); relative imports
    are resolved against the file's package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = list(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                names = [".".join(base + ([node.module] if node.module else []))]
                if not node.module:  # `from . import movement`: each name is a module of the package
                    names = [".".join(base + [alias.name]) for alias in node.names]
            else:
                names = [node.module] if node.module else []
            found += [(node.lineno, name) for name in names]
    return found


def target(name: str) -> str | None:
    """The part of `assessment` an import names ('domain', 'formats', ...), or None if outside it."""
    parts = name.split(".")
    if parts[0] != "assessment" or len(parts) == 1:
        return None
    return parts[1]


def inner(name: str) -> str:
    """An import's name inside `assessment` ('formats.readers.zipped')."""
    return name.split(".", 1)[1]


def layer_of(part: str) -> int:
    assert part in RANK, f"assessment/{part} is in no layer of assessment/layers.toml: add it there"
    return RANK[part]


def test_every_module_is_in_exactly_one_layer():
    listed = [m for layer in LAYERS for m in layer["modules"]]
    assert len(listed) == len(set(listed))
    present = {top(p) for p in modules()} - {"__init__"}
    assert present - set(listed) == set(), "modules missing from assessment/layers.toml"
    assert set(listed) - present == set(), "assessment/layers.toml lists modules that do not exist"


def test_no_layer_imports_one_above_it():
    offenders = []
    for path in modules():
        part = top(path)
        if part == "__init__":
            continue
        mine = layer_of(part)
        for line, name in imports(path):
            other = target(name)
            if other is None or other == part:
                continue
            theirs = layer_of(other)
            if theirs > mine:
                offenders.append(f"{path.relative_to(ROOT)}:{line}: {LAYER_NAMES[mine]} imports {name} "
                                 f"({LAYER_NAMES[theirs]})")
    assert offenders == []


def test_third_party_packages_stay_where_they_belong():
    offenders = []
    for path in modules():
        part = top(path)
        here = place(path) if part != "__init__" else {part}
        for line, name in imports(path):
            allowed = MAP["only"].get(name.split(".")[0])
            if allowed is not None and not here & set(allowed):
                offenders.append(f"{path.relative_to(ROOT)}:{line}: imports {name}, which belongs to {allowed}")
    assert offenders == []


def test_what_is_forbidden_is_not_imported():
    """Above all, one way in: the command line and the pages never import the storage layer."""
    assert MAP["forbidden"]["interfaces"] == ["storage"]
    offenders = []
    for path in modules():
        part = top(path)
        if part == "__init__":
            continue
        barred = [b for name in place(path) for b in MAP["forbidden"].get(name, [])]
        for line, name in imports(path):
            other = target(name)
            if other is not None and (names_of(inner(name)) | {LAYER_NAMES[layer_of(other)]}) & set(barred):
                offenders.append(f"{path.relative_to(ROOT)}:{line}: imports {name}")
    assert offenders == []


@pytest.mark.parametrize("source, expected", [
    ("from ..storage.store import Store", "assessment.storage.store"),
    ("from . import movement", "assessment.workflows.movement"),
    ("from ..storage import backup as b", "assessment.storage"),
    ("from .. import domain", "assessment.domain"),
    ("import assessment.storage.store", "assessment.storage.store"),
])
def test_the_import_finder_resolves_relative_imports(tmp_path, source, expected, monkeypatch):
    """The check above sees imports written every way (and inside functions)."""
    folder = PACKAGE / "workflows"
    path = folder / "_probe_for_the_test.py"
    path.write_text(f"def f():\n    {source}\n", encoding="utf-8")
    try:
        assert [name for _, name in imports(path)] == [expected]
    finally:
        path.unlink()


def test_importing_the_whole_core_loads_no_streamlit():
    names = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts) for p in modules()
                   if top(p) not in ("ui", "__main__") and "migrations" not in p.parts)
    code = ("import importlib, sys\n"
            f"for m in {names!r}: importlib.import_module(m)\n"
            "print('streamlit' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_ui_imports_streamlit():
    ui = list((PACKAGE / "ui").rglob("*.py"))
    assert any(name == "streamlit" for p in ui for _, name in imports(p))


def test_every_rule_home_named_in_the_docs_exists():
    """docs/architecture.md names the one home of each rule; each name must be a real function or value."""
    import importlib
    import re
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## One home per rule", 1)[1].split("\n## ", 1)[0]
    names = re.findall(r"`([A-Za-z_]+(?:\.[A-Za-z_]+)+)`", section)
    assert len(names) > 20
    classes = {"Level": "domain.framework", "Action": "domain.record", "OrganisationRecord": "domain.record",
               "ListedAction": "domain.action_list", "PeriodRecord": "domain.record", "Approval": "domain.record",
               "Actor": "workflows.access", "Framework": "domain.framework", "Mapping": "domain.mapping",
               "Transaction": "storage.store"}
    for name in names:
        first, *rest = name.split(".")
        if first in classes:
            first, rest = classes[first], [first, *rest]
        if name.endswith(".py"):
            continue
        obj = importlib.import_module(f"assessment.{first}")
        for attr in rest:
            if not hasattr(obj, attr) and hasattr(obj, "__path__"):   # a package's module not imported yet
                try:
                    importlib.import_module(f"{obj.__name__}.{attr}")
                except ModuleNotFoundError:
                    pass
            assert hasattr(obj, attr), f"docs/architecture.md names {name}, which does not exist"
            obj = getattr(obj, attr)
