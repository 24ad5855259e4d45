"""`make audit`: pip-audit over the pinned requirements, said plainly.

Exit 0: every package was checked and none has a known vulnerability. Exit 1: some have (listed).
Exit 2: the vulnerability database could not be reached, or could not answer for some packages
(named), so the audit is not a clean bill of health. pip-audit itself prints "No known
vulnerabilities found" even when it could check nothing; this says so instead. Not part of
`make test`: a new advisory, or no network, must not fail CI.
"""

from __future__ import annotations

import json
import subprocess
import sys

FILES = ["requirements.txt", "requirements-test.txt"]


def main() -> int:
    command = [sys.executable, "-m", "pip_audit", "--format", "json", "--progress-spinner", "off"]
    for name in FILES:
        command += ["-r", name]
    run = subprocess.run(command, capture_output=True, text=True)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        last = [line for line in run.stderr.splitlines() if line.strip() and not line.startswith("WARNING: Location")]
        reason = "cannot be reached" if any(w in run.stderr for w in ("ConnectionError", "Max retries", "resolve")) \
            else "could not be asked"
        print(f"audit: the vulnerability database {reason}, so nothing was checked"
              + (f" ({last[-1][:200]})" if last else ""))
        return 2
    lines, code = verdict(report)
    print("\n".join(lines))
    return code


def verdict(report: dict) -> tuple[list[str], int]:
    """What pip-audit's JSON report means, in lines to print, and the exit status."""
    packages = report.get("dependencies", [])
    vulnerable = [p for p in packages if p.get("vulns")]
    skipped = [p for p in packages if p.get("skip_reason")]
    lines = []
    for package in vulnerable:
        for vuln in package["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            lines.append(f"{package['name']} {package['version']}: {vuln['id']} (fixed in {fixed})")
    checked = len(packages) - len(skipped)
    if skipped and not checked:
        return [f"audit: the vulnerability database cannot be reached from here: none of the {len(packages)} "
                "packages could be checked (pip-audit: \"" + skipped[0]["skip_reason"] + "\")"], 2
    lines.append(f"audit: {checked} of {len(packages)} packages checked; "
                 + (f"{len(vulnerable)} with known vulnerabilities" if vulnerable else "no known vulnerabilities"))
    if skipped:
        lines.append("not checked (the database had no answer): " + ", ".join(p["name"] for p in skipped))
    return lines, 1 if vulnerable else 2 if skipped else 0

if __name__ == "__main__":
    sys.exit(main())
