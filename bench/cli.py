"""Command-line benchmark: `python -m assessment summary --org medway --period 2023 --format json`,
end to end as a person runs it (a new Python process: imports, opening the database, the query,
printing), on a SQLite file holding the example records.

Floor: a new Python process that only imports the libraries the command is built on (SQLAlchemy's
ORM, pydantic, click, PyYAML), which no command of this project can avoid. The issue's aim is under
0.5 s end to end; the floor shows how much of that the libraries alone take on this machine.
Verified: the command's JSON names Medway's 2023 and its 14 key areas.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

from .foundation import ROOT
from .harness import Info, Ratio, Result, time_pair

FLOOR = "import sqlalchemy, sqlalchemy.orm, pydantic, click, yaml"


def run() -> Iterator[Result]:
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{Path(folder) / 'cli.db'}"}
        subprocess.run([sys.executable, "-m", "assessment", "demo"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        command = [sys.executable, "-m", "assessment", "summary", "--org", "medway", "--period", "2023",
                   "--format", "json"]
        shown = json.loads(subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True).stdout)

        def summary() -> None:
            subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)

        def libraries() -> None:
            subprocess.run([sys.executable, "-c", FLOOR], cwd=ROOT, env=env, check=True, capture_output=True)

        summary_times, floor_times = time_pair(summary, libraries, repeat=15, warmup=2)
        result = Ratio("CLI summary, end to end", "python importing its libraries", summary_times, floor_times,
                       aim=None, details={"aim_seconds": 0.5})
        result.verified = shown.get("period") == "2023" and len(shown.get("key_areas", [])) == 14
        yield result
        yield Info("CLI summary, end to end (aim < 0.5 s)", result.median,
                   "within" if result.median < 0.5 else f"over by {result.median - 0.5:.2f} s")
