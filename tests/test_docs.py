"""The documentation keeps up: docs/cli.md is the command line's --help as it is now, and every
relative link in the README and docs/ reaches a file (and, in a Markdown page, a heading) that is
there."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from .conftest import ROOT

PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def cli_reference():
    """scripts/cli_reference.py, loaded as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("cli_reference", ROOT / "scripts" / "cli_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_cli_reference_is_current():
    script = cli_reference()
    current = script.PAGE.read_text(encoding="utf-8") if script.PAGE.exists() else ""
    difference = script.stale(current, script.page())
    assert difference is None, (
        "docs/cli.md is stale (the command line's --help has changed): run `make cli-docs` and commit "
        "docs/cli.md\n" + difference)


def test_the_cli_reference_has_every_command():
    script = cli_reference()
    found = [" ".join(words) for words, _ in script.commands()]
    assert {"", "validate", "period start", "period approve", "export appendix", "users log"} <= set(found)
    text = script.page()
    for words in found:
        assert f"`{script.title(words.split() if words else [])}`" in text


def test_the_check_says_what_to_run_when_stale(tmp_path, monkeypatch, capsys):
    script = cli_reference()
    stale_page = tmp_path / "cli.md"
    stale_page.write_text(script.page() + "A line --help no longer prints.\n", encoding="utf-8")
    monkeypatch.setattr(script, "PAGE", stale_page)
    assert script.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "docs/cli.md is stale" in err and "make cli-docs" in err and "-A line --help no longer prints." in err
    assert script.main([]) == 0 and script.main(["--check"]) == 0


def without_code(text: str) -> str:
    """Markdown with its fenced blocks and code spans blanked out (links there are not links)."""
    text = re.sub(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[ \t]*$", "", text, flags=re.M | re.S)
    return re.sub(r"(`+)(?!`).+?(?<!`)\1(?!`)", "", text, flags=re.S)


def anchors(path: Path) -> set[str]:
    """The anchors GitHub gives the headings of a Markdown page (a repeated one gains -1, -2, ...)."""
    text = re.sub(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[ \t]*$", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    seen: dict[str, int] = {}
    found = set()
    for heading in re.findall(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", text, flags=re.M):
        heading = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading)   # a link in a heading: its words
        slug = "".join(c for c in heading.lower() if c.isalnum() or c in " -_").replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def links(path: Path) -> list[str]:
    """The targets of inline links and images in a Markdown page, and of <...> autolinks."""
    text = without_code(path.read_text(encoding="utf-8"))
    targets = re.findall(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)", text)
    return targets + re.findall(r"<([a-z]+:[^>\s]+)>", text)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_reaches_something(page):
    broken = []
    for target in links(page):
        if re.match(r"[a-z][a-z0-9+.-]*:", target):   # http:, https:, mailto: — outside the repository
            continue
        address, _, anchor = target.partition("#")
        reached = (page.parent / address).resolve() if address else page
        if not reached.is_relative_to(ROOT):
            broken.append(f"{target}: outside the repository")
        elif not reached.exists():
            broken.append(f"{target}: no such file")
        elif anchor and reached.suffix == ".md" and anchor not in anchors(reached):
            broken.append(f"{target}: no heading #{anchor} in {reached.relative_to(ROOT)}")
    assert broken == [], f"{page.relative_to(ROOT)} has broken links: " + "; ".join(broken)


def test_every_page_in_docs_is_reached_from_the_readme():
    """Nothing in docs/ is orphaned: each page is linked from the README or from a page it links."""
    reached, queue = set(), [ROOT / "README.md"]
    while queue:
        page = queue.pop()
        for target in links(page):
            address = target.partition("#")[0]
            if not address or re.match(r"[a-z][a-z0-9+.-]*:", address):
                continue
            found = (page.parent / address).resolve()
            if found.suffix == ".md" and found.exists() and found not in reached:
                reached.add(found)
                queue.append(found)
    orphans = sorted(p.name for p in (ROOT / "docs").glob("*.md") if p.resolve() not in reached)
    assert orphans == [], f"docs/ pages no link reaches from README.md: {orphans}"


def test_the_link_checker_sees_broken_links(tmp_path):
    """The check above finds what it is for: a missing file, a missing heading; not code."""
    page = tmp_path / "page.md"
    page.write_text("# A page\n\n## Sign-in, roles & `history`\n\n"
                    "[ok](#sign-in-roles--history) [gone](missing.md) [no heading](#nowhere)\n\n"
                    "`[not a link](nowhere.md)`\n\n```sh\n[not a link](nowhere.md)\n```\n"
                    "<https://example.org/>\n", encoding="utf-8")
    assert links(page) == ["#sign-in-roles--history", "missing.md", "#nowhere", "https://example.org/"]
    assert anchors(page) == {"a-page", "sign-in-roles--history"}


def test_the_tree_in_architecture_lists_every_file_of_the_package():
    """docs/architecture.md's tree of assessment/ (written by scripts/layout_tree.py) lists the
    files there are: none missing, none gone (its line counts are as of when it was written)."""
    spec = importlib.util.spec_from_file_location("layout_tree", ROOT / "scripts" / "layout_tree.py")
    assert spec and spec.loader
    layout = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(layout)
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert layout.listed(text) == sorted(p.name for p in layout.files()), \
        "the tree in docs/architecture.md is stale: run `make cli-docs`"
