"""The tree of `assessment/` with each file's line count, for docs/architecture.md.

`python scripts/layout_tree.py` prints it; `python scripts/layout_tree.py --write` puts it in
docs/architecture.md between its markers (`make cli-docs` does both generated pages). The test
(tests/test_docs.py) checks that the files listed are the files there are; the counts are as of
the last time it was written.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "assessment"
DOC = ROOT / "docs" / "architecture.md"
BEGIN, END = "<!-- tree: begin (scripts/layout_tree.py) -->", "<!-- tree: end -->"
KINDS = (".py", ".toml", ".css", ".mako")


def files() -> list[Path]:
    """Every source file of the package, folders first then files, each in name order."""
    return sorted((p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in KINDS
                   and "__pycache__" not in p.parts), key=lambda p: p.relative_to(PACKAGE).parts)


def tree() -> str:
    lines, shown = ["assessment/"], set()
    total = 0
    for path in files():
        parts = path.relative_to(PACKAGE).parts
        for depth in range(1, len(parts)):
            folder = parts[:depth]
            if folder not in shown:
                shown.add(folder)
                lines.append("  " * depth + folder[-1] + "/")
        count = len(path.read_text(encoding="utf-8").splitlines())
        total += count
        lines.append(f"{'  ' * len(parts)}{parts[-1]:<{44 - 2 * len(parts)}} {count:>5}")
    lines.append(f"{'':<42} {total:>5} lines in all")
    return "```\n" + "\n".join(lines) + "\n```"


def listed(text: str) -> list[str]:
    """The file names the tree in `text` lists (the check: no file missing, none gone)."""
    block = text.split(BEGIN, 1)[1].split(END, 1)[0]
    return sorted(line.split()[0] for line in block.splitlines()
                  if line.strip() and not line.strip().startswith("```") and line.split()[0].endswith(KINDS))


def main(argv: list[str]) -> int:
    if "--write" in argv:
        text = DOC.read_text(encoding="utf-8")
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        DOC.write_text(f"{head}{BEGIN}\n{tree()}\n{END}{tail}", encoding="utf-8")
        print(f"wrote the tree of assessment/ into {DOC.relative_to(ROOT)}")
        return 0
    print(tree())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
