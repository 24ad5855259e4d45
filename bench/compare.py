"""Compare benchmark ratios before and after a change: `python -m bench.compare BEFORE AFTER`.

BEFORE and AFTER are folders of runs (`run-1/`, `run-2/`, ... each holding the `<module>.json`
files `python -m bench` writes to bench-results/). For every ratio measured in both, the median
over the runs is printed before and after, with the change; a ratio more than 10% worse is
marked, and the exit status is 1 if any is. Ratios are the project's time over a floor measured
in the same run, so a slower or busier machine moves both sides.
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path

WORSE = 1.10   # a ratio more than 10% above its median before is worse


def ratios(folder: Path) -> dict[str, list[float]]:
    """Each ratio's values over the runs in `folder`, by module and name."""
    found: dict[str, list[float]] = {}
    for result_file in sorted(folder.glob("run-*/*.json")):
        data = json.loads(result_file.read_text(encoding="utf-8"))
        for result in data["results"]:
            if result.get("kind") == "ratio" and result.get("ratio") is not None:
                found.setdefault(f"{data['module']}: {result['name']}", []).append(result["ratio"])
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 2 or any(a in ("-h", "--help") for a in argv):
        print(__doc__.strip())
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    before, after = ratios(Path(argv[0])), ratios(Path(argv[1]))
    worse = []
    width = max((len(k) for k in before), default=10)
    print(f"{'ratio (median of runs)':<{width}}  {'before':>8}  {'after':>8}  change")
    for key in sorted(before.keys() | after.keys()):
        if key not in after or key not in before:
            print(f"{key:<{width}}  {'only ' + ('before' if key in before else 'after'):>18}")
            continue
        b, a = statistics.median(before[key]), statistics.median(after[key])
        flag = "  WORSE by more than 10%" if a > b * WORSE else ""
        if flag:
            worse.append(key)
        print(f"{key:<{width}}  {b:8.3f}  {a:8.3f}  {(a / b - 1) * 100:+6.1f}%{flag}")
    print(f"\n{len(worse)} ratio(s) worse by more than 10%" + (f": {', '.join(worse)}" if worse else ""))
    return 1 if worse else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
