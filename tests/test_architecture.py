"""Layout rules: the core never imports streamlit; the UI is the only place that does."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "assessment"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_modules_do_not_import_streamlit():
    core = [p for p in PACKAGE.rglob("*.py") if "ui" not in p.relative_to(PACKAGE).parts]
    assert len(core) > 10
    offenders = [str(p.relative_to(ROOT)) for p in core if "streamlit" in _imports(p)]
    assert offenders == []


def test_importing_the_whole_core_loads_no_streamlit():
    modules = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts) for p in PACKAGE.rglob("*.py")
                     if "ui" not in p.relative_to(PACKAGE).parts and "migrations" not in p.parts
                     and p.name != "__main__.py")
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "print('streamlit' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_the_ui_imports_streamlit():
    ui = list((PACKAGE / "ui").rglob("*.py"))
    assert any("streamlit" in _imports(p) for p in ui)
