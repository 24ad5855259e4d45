"""`make sbom` writes a CycloneDX SBOM (JSON) of the pinned requirements that names every package
requirements.txt pins, at its pinned version. The target installs cyclonedx-bom into a virtual
environment of its own (`.venv-sbom`, as `make audit` has `.venv-audit`), which needs PyPI the
first time; after that it runs offline."""

from __future__ import annotations

import json
import re
import subprocess

from .conftest import ROOT

PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s#;]+)")


def pinned(path) -> dict[str, str]:
    """Each package a requirements file pins (name normalised as PEP 503 does) and its version."""
    found = {}
    for line in path.read_text().splitlines():
        match = PINNED.match(line.strip())
        if match:
            found[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return found


def test_make_sbom_lists_every_pinned_package_with_its_version(tmp_path):
    out = tmp_path / "sbom" / "assessment.cdx.json"
    done = subprocess.run(["make", "--no-print-directory", "sbom", f"SBOM={out}"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.stdout.splitlines()[-1] == f"wrote {out}"
    sbom = json.loads(out.read_text())
    assert (sbom["bomFormat"], sbom["specVersion"]) == ("CycloneDX", "1.6")
    listed = {re.sub(r"[-_.]+", "-", c["name"]).lower(): c for c in sbom["components"]}
    wanted = pinned(ROOT / "requirements.txt")
    assert len(wanted) >= 14 and "psycopg" in wanted   # the extra ([binary]) is read past
    for name, version in wanted.items():
        assert name in listed, f"{name} is pinned but not in the SBOM"
        assert listed[name]["version"] == version, (name, listed[name]["version"], version)
        assert listed[name]["purl"] == f"pkg:pypi/{name}@{version}"
    assert set(listed) == set(wanted)


def test_the_sbom_tool_is_pinned():
    assert pinned(ROOT / "requirements-sbom.txt") == {"cyclonedx-bom": "7.5.0"}
