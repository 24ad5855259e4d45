"""Run the benchmarks: `python -m bench` (all modules) or `python -m bench foundation` (one).

Prints one line per benchmark as it finishes and writes each module's results to
`bench-results/<module>.json`. Exits 1 only if a floor and the project gave different answers
(or an unknown module was named); a ratio outside its aim is reported, not raised.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from .harness import machine

MODULES = ["foundation", "ui", "exports", "backup", "imports", "cli", "rounds", "peers"]
RESULTS_DIR = Path(__file__).resolve().parent.parent / "bench-results"


def main(argv: list[str]) -> int:
    if any(arg in ("-h", "--help") for arg in argv):
        print(__doc__.strip())
        print(f"\nmodules: {', '.join(MODULES)}")
        return 0
    unknown = [name for name in argv if name not in MODULES]
    if unknown:
        print(f"unknown benchmark module(s): {', '.join(unknown)} (known: {', '.join(MODULES)})",
              file=sys.stderr)
        return 2
    chosen = argv or MODULES

    info = machine()
    print(f"Benchmarks on Python {info['python']} ({info['implementation']}), {info['platform']}, "
          f"{info['cpu_count']} CPUs")
    print(f"PyYAML {info['pyyaml']} (libyaml: {'yes' if info['pyyaml_libyaml'] else 'no'}), "
          f"pydantic {info['pydantic']}, SQLAlchemy {info['sqlalchemy']}, SQLite {info['sqlite']}")
    print("Each ratio is the median of the project's code over the median of its floor, same run.")

    failed = False
    RESULTS_DIR.mkdir(exist_ok=True)
    for name in chosen:
        module = importlib.import_module(f"bench.{name}")
        print(f"\n== {name}")
        started = datetime.now(timezone.utc)
        clock = time.perf_counter()
        results = []
        for result in module.run():
            print(result.line(), flush=True)
            results.append(result)
            failed |= result.verified is False
        elapsed = time.perf_counter() - clock
        print(f"({name}: {elapsed:.1f} s)")
        out = RESULTS_DIR / f"{name}.json"
        out.write_text(json.dumps({
            "module": name, "started": started.isoformat(timespec="seconds"), "elapsed_s": elapsed,
            "machine": info, "results": [r.as_json() for r in results],
        }, indent=2) + "\n", encoding="utf-8")
        print(f"results written to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    if failed:
        print("\nFAILED: a floor and the project gave different answers (see MISMATCH above).",
              file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
