"""Timing and reporting shared by the benchmark modules.

`time_pair` times the project's code and its floor alternately (A B, B A, A B, ...) after a
warm-up, so drift in the machine's speed (other processes, CPU frequency) falls on both alike;
the garbage collector is run, untimed, before every measurement so that one side does not pay
for the other's garbage. Medians are reported: they ignore the odd slow run.
"""

from __future__ import annotations

import gc
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

NAME_WIDTH = 34


def time_pair(subject: Callable[[], Any], floor: Callable[[], Any], *, repeat: int, warmup: int = 3
              ) -> tuple[list[float], list[float]]:
    """Seconds per call of `subject` and of `floor`, `repeat` of each, interleaved."""
    for _ in range(warmup):
        subject()
        floor()
    subject_times: list[float] = []
    floor_times: list[float] = []
    for i in range(repeat):
        order = ((subject, subject_times), (floor, floor_times))
        for fn, times in (order if i % 2 == 0 else order[::-1]):
            gc.collect()
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return subject_times, floor_times


def _ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.3f} ms" if ms < 1 else f"{ms:.1f} ms" if ms < 1000 else f"{ms / 1000:.2f} s"


def _spread(times: list[float]) -> dict[str, float]:
    return {"n": len(times), "min_s": min(times), "median_s": statistics.median(times), "max_s": max(times)}


@dataclass
class Ratio:
    """The project's code against its floor. `aim` None means the ratio is for information."""

    name: str
    floor_name: str
    subject_times: list[float]
    floor_times: list[float]
    aim: float | None = 1.5
    verified: bool | None = None      # None: nothing to verify; False: the answers differ
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.subject_times)

    @property
    def floor_median(self) -> float:
        return statistics.median(self.floor_times)

    @property
    def ratio(self) -> float:
        return self.median / self.floor_median

    @property
    def within_aim(self) -> bool | None:
        return None if self.aim is None else self.ratio <= self.aim

    def line(self) -> str:
        if self.aim is None:
            verdict = "(information, no aim)"
        else:
            verdict = f"aim <={self.aim:g}x: " + ("within aim" if self.within_aim else "OUTSIDE aim")
        if self.verified is False:
            verdict += "   ANSWERS DIFFER"
        return (f"{self.name:<{NAME_WIDTH}} median {_ms(self.median):>9}   "
                f"floor ({self.floor_name}) {_ms(self.floor_median)}   "
                f"ratio {self.ratio:.2f}x   {verdict}")

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": "ratio", "floor": self.floor_name,
                "median_s": self.median, "floor_median_s": self.floor_median, "ratio": self.ratio,
                "aim_max_ratio": self.aim, "within_aim": self.within_aim, "verified": self.verified,
                "subject_times": _spread(self.subject_times), "floor_times": _spread(self.floor_times),
                **({"details": self.details} if self.details else {})}


@dataclass
class Info:
    """A single number worth knowing (e.g. how long seeding took); no floor, no aim."""

    name: str
    seconds: float
    note: str = ""

    verified = None

    def line(self) -> str:
        note = f": {self.note}" if self.note else ""
        return f"{self.name:<{NAME_WIDTH}} {_ms(self.seconds):>16}   (information{note})"

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": "info", "seconds": self.seconds, "note": self.note}


Result = Ratio | Info


def mismatch(name: str, problems: list[str]) -> None:
    """Say loudly that a floor and the project disagree: the benchmark proves nothing then."""
    bar = "!" * 78
    print(f"\n{bar}\n!! MISMATCH in '{name}': the project and its floor give different answers",
          file=sys.stderr)
    for problem in problems[:20]:
        print(f"!!   {problem}", file=sys.stderr)
    if len(problems) > 20:
        print(f"!!   ... and {len(problems) - 20} more", file=sys.stderr)
    print(f"{bar}\n", file=sys.stderr, flush=True)


def machine() -> dict[str, Any]:
    import sqlite3

    import pydantic
    import sqlalchemy
    import yaml

    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "pyyaml": yaml.__version__, "pyyaml_libyaml": hasattr(yaml, "CSafeLoader"),
        "pydantic": pydantic.__version__, "sqlalchemy": sqlalchemy.__version__,
        "sqlite": sqlite3.sqlite_version,
    }
