"""`make audit` reads pip-audit's report plainly: a report that checked nothing is not a clean one."""

from __future__ import annotations

import importlib.util

from .conftest import ROOT

spec = importlib.util.spec_from_file_location("audit", ROOT / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)


def test_nothing_checked_is_said_plainly_and_is_not_success():
    report = {"dependencies": [{"name": "streamlit", "skip_reason": "Dependency not found on PyPI"},
                               {"name": "altair", "skip_reason": "Dependency not found on PyPI"}]}
    lines, code = audit.verdict(report)
    assert code == 2 and lines[0].startswith("audit: the vulnerability database cannot be reached from here: "
                                             "none of the 2 packages could be checked")


def test_a_vulnerability_is_named_with_its_fix():
    report = {"dependencies": [{"name": "lxml", "version": "6.1.3", "vulns": [
        {"id": "PYSEC-2099-1", "fix_versions": ["6.1.4"]}]}, {"name": "click", "version": "8.5.1", "vulns": []}]}
    assert audit.verdict(report) == (["lxml 6.1.3: PYSEC-2099-1 (fixed in 6.1.4)",
                                      "audit: 2 of 2 packages checked; 1 with known vulnerabilities"], 1)


def test_a_clean_audit_and_a_partial_one():
    clean = {"dependencies": [{"name": "click", "version": "8.5.1", "vulns": []}]}
    assert audit.verdict(clean) == (["audit: 1 of 1 packages checked; no known vulnerabilities"], 0)
    partial = {"dependencies": [*clean["dependencies"], {"name": "altair", "skip_reason": "not found"}]}
    lines, code = audit.verdict(partial)
    assert code == 2 and lines[-1] == "not checked (the database had no answer): altair"
