"""Hostile files through the command line, each in its own process, held to the aim of issue 23: no
file, accepted or refused, costs more than 5 s of processor time or 300 MB above an idle run.

Every case in `tests/fixtures/hostile/make.py` (a YAML alias bomb, 30,000 nested brackets, a NUL,
a 5,000-digit number, 50 MB of YAML, text longer than the database keeps, a 3.8 MB flow list, 39
levels of 1.7 MB, infinite scores, files of each kind just within or past their work budgets, a
Word file that unpacks to 400 MB or holds a 15 MB table of empty cells, an entity reference in a
cell, a sheet declaring a million columns, a workbook with a 15 MB styles part, XML parts in UTF-16, a million rows,
300,000 rows, 19,000 bad rows, backups nested 100,000 deep, with a 5,000-digit integer, 25 million
values or 20,000 bad rows; backups of 20 and 50 MB of zeros, an object of a million keys, dense or
spaced out, 200,000 values each checked in Python, 20 MB just within the values or the objects
budget, a file of over 1 GB; an overlay in a folder of sixty 1 MB YAML files) and an output folder
that does not exist is run as a user would run it.

An idle run (`--help`) is measured first, in the same module. Each case may then use the idle run's
processor time plus `AIM_SECONDS` (RLIMIT_CPU: the kernel stops it otherwise, and its output then
differs from the golden file `fixtures/hostile/expected/NAME.txt`, which it must match exactly) and
at most `AIM_MB` of peak resident memory (VmHWM) above the idle run's, within an address space of
`MEMORY`. Time, processor time and peak memory of the idle run and of each case are written to
test-artifacts/hostile.json; no wall-clock time is asserted.
"""

from __future__ import annotations

import json
import math
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT
from .test_browser import page, server  # noqa: F401 - fixtures: a real Chromium against `streamlit run`

sys.path.insert(0, str(FIXTURES / "hostile"))
import make  # noqa: E402  (the hostile files are built, not kept: some are 50 MB)

MEMORY = 1 * 2**30        # address space: a hard stop well under 1 GB
AIM_SECONDS = 5           # processor time above an idle run
AIM_MB = 300              # peak resident memory above an idle run
IDLE = ["--help"]         # the command line loaded, nothing read
EXPECTED = FIXTURES / "hostile" / "expected"
ARTIFACTS = ROOT / "test-artifacts"
COMMANDS = {
    "validate": ["validate", "{path}"],
    "appendix": ["import", "appendix", "--org", "x", "--dry-run", "{path}"],
    "xlsx": ["import", "xlsx", "--org", "x", "--dry-run", "{path}"],
    "restore": ["restore", "{path}"],
}
OTHER_CASES = {   # name -> command line: hostile arguments rather than hostile files
    "no_such_folder": ["export", "xlsx", "--org", "x", "--out", "/no/such/folder/x.xlsx"],
}
MEASURED: dict[str, dict] = {"idle": {}, "cases": {}}
# `python -m assessment`, and on the way out the process's own peak resident memory (VmHWM: the
# peak of this program alone; the rusage of a child forked from pytest counts pytest's memory too)
COMMAND_LINE = ("import atexit, os, runpy\n"
                "def peak():\n"
                "    with open('/proc/self/status') as status, open(os.environ['HOSTILE_PEAK'], 'w') as out:\n"
                "        out.write(next(line for line in status if line.startswith('VmHWM')).split()[1])\n"
                "atexit.register(peak)\n"
                "runpy.run_module('assessment', run_name='__main__', alter_sys=True)\n")


def run_bounded(argv: list[str], folder: Path, cpu_seconds: int) -> tuple[int, str, str, float, float, float]:
    """Run the CLI within `MEMORY` of address space and `cpu_seconds` of processor time: exit status,
    stdout, stderr, seconds, processor seconds and peak memory (MB; NaN if it was killed)."""
    peak_file = folder / "peak"
    peak_file.unlink(missing_ok=True)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder / 'hostile.db'}", "PYTHONPATH": str(ROOT),
           "HOSTILE_PEAK": str(peak_file)}
    env.pop("ASSESSMENT_DEBUG", None)

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))

    with open(folder / "out", "w+b") as out, open(folder / "err", "w+b") as err:
        used = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.monotonic()
        process = subprocess.run([sys.executable, "-c", COMMAND_LINE, *argv], stdout=out, stderr=err,
                                 preexec_fn=bounded, env=env, cwd=ROOT, check=False)
        seconds = time.monotonic() - start
        now = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = now.ru_utime + now.ru_stime - used.ru_utime - used.ru_stime
        out.seek(0), err.seek(0)
        peak = int(peak_file.read_text()) / 1024 if peak_file.exists() else float("nan")  # killed: no peak
        return process.returncode, out.read().decode(), err.read().decode(), seconds, cpu, peak


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The files built, an organisation to import into, and the idle run's figures."""
    folder = tmp_path_factory.mktemp("hostile")
    made = make.build(folder)
    code, _, err, _, _, _ = run_bounded(["orgs", "add", "x", "--name", "X Council"], folder, 60)
    assert code == 0, err
    code, _, err, seconds, cpu, peak = run_bounded(IDLE, folder, 60)
    assert code == 0, err
    MEASURED["idle"] = {"command": " ".join(IDLE), "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
                        "peak_mb": round(peak, 1), "cpu_limit_seconds": math.ceil(cpu + AIM_SECONDS),
                        "peak_limit_mb": round(peak + AIM_MB, 1)}
    yield folder, made, MEASURED["idle"]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "hostile.json").write_text(json.dumps(MEASURED, indent=2) + "\n")


def golden(name: str, code: int, out: str, err: str, folder: Path) -> str:
    text = f"exit {code}\n--- stdout\n{out}--- stderr\n{err}"
    return text.replace(str(folder), "{folder}")


@pytest.mark.parametrize("name", [*make.CASES, *OTHER_CASES])
def test_a_hostile_case_is_answered_within_the_aim(hostile, name):
    folder, made, idle = hostile
    if name in OTHER_CASES:
        argv, size = OTHER_CASES[name], 0
    else:
        argv = [a.replace("{path}", str(made[name])) for a in COMMANDS[make.CASES[name][1]]]
        size = made[name].stat().st_size
    code, out, err, seconds, cpu, peak = run_bounded(argv, folder, idle["cpu_limit_seconds"])
    MEASURED["cases"][name] = {
        "bytes": size, "exit": code, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
        "peak_mb": round(peak, 1), "above_idle_mb": round(peak - idle["peak_mb"], 1),
        "message": (err or out).strip().splitlines()[-1][:200] if (err or out).strip() else ""}
    assert "Traceback" not in err and "unexpected" not in err, err
    assert golden(name, code, out, err, folder) == (EXPECTED / f"{name}.txt").read_text()
    assert peak - idle["peak_mb"] <= AIM_MB, f"{name}: {peak:.0f} MB at its peak, idle {idle['peak_mb']:.0f} MB"


def test_a_long_problem_list_is_cut_to_the_first_few_dozen(hostile):
    """19,000 bad rows: the first 30 are listed, then how many more (the golden file has the rest)."""
    folder, made, idle = hostile
    code, _, err, _, _, _ = run_bounded(COMMANDS["xlsx"][:-1] + [str(made["bad_rows.csv"])], folder,
                                        idle["cpu_limit_seconds"])
    lines = err.splitlines()
    assert code == 2 and len(lines) == 32 and lines[-1] == "  … and 18,970 more"


def _json_value(rng, depth: int = 0):
    """A random JSON value, with strings that hold quotes, backslashes, brackets and commas."""
    texts = ["", "a,b", '"', "\\", '\\"', "{[", "]}", ",", "é,ü{", "x\ny", "\\\\"]
    kind = rng.random()
    if depth > 4 or kind < 0.3:
        return rng.choice([0, 1.5, None, True, *texts])
    if kind < 0.6:
        return [_json_value(rng, depth + 1) for _ in range(rng.randint(0, 6))]
    return {rng.choice(texts) + str(n): _json_value(rng, depth + 1) for n in range(rng.randint(0, 9))}


def _widest(value) -> int:
    if isinstance(value, dict):
        return max([len(value) or 1, *map(_widest, value.values())])
    return max([0, *map(_widest, value)]) if isinstance(value, list) else 0


def test_the_keys_of_the_widest_object_are_counted_as_a_parser_counts_them(monkeypatch):
    """Without parsing: strings (escaped quotes and backslashes in them) are passed over, in pieces
    cut anywhere but inside a run of backslashes."""
    import random

    from assessment.formats import json_source as jsonsource
    from assessment.formats.json_source import widest_object

    rng = random.Random(23)
    documents = [[_json_value(rng) for _ in range(rng.randint(1, 5))] for _ in range(400)]
    for document in documents:
        for text in (json.dumps(document), json.dumps(document, indent=2, ensure_ascii=False)):
            assert widest_object(text.encode(), 200) == _widest(document), text
    text = json.dumps(documents).encode()
    for piece in (1, 2, 3, 7, 1000):
        monkeypatch.setattr(jsonsource, "_PIECE", piece)
        assert widest_object(text, 200) == _widest(documents)
    for not_json in (b"", b"5", b"[1, 2", b"]", b"1, 2", b"{" * 300 + b"}" * 300):
        assert widest_object(not_json, 200) is None   # left to the parser, which says where


def test_real_backups_sit_well_within_the_budgets(tmp_path, nps):
    """A backup as this tool writes it, and the same compacted (no spaces): its values, objects and
    widest object against the budgets, with room to spare; and it restores."""
    from assessment.domain import limits
    from assessment.formats.json_source import widest_object
    from assessment.storage.backup import backup, restore
    from assessment.storage.store import open_store
    from bench.foundation import seed_database

    source = open_store(f"sqlite:///{tmp_path / 'source.db'}")
    seed_database(source, nps, organisations=10)
    written = backup(source)
    for data in (written, json.dumps(json.loads(written), separators=(",", ":")).encode()):
        kb = len(data) / 1024
        assert (data.count(b",") + data.count(b"[") + data.count(b"{")) / kb < limits.BACKUP_VALUES_PER_KB * 0.7
        assert data.count(b"{") / kb < limits.BACKUP_OBJECTS_PER_KB / 2
        assert widest_object(data, limits.BACKUP_DEPTH) == 20 < limits.BACKUP_KEYS   # a period's keys
    target = open_store(f"sqlite:///{tmp_path / 'target.db'}")
    assert restore(target, written)["entries"] == 10 * 10 * len(nps.objectives)
    source.engine.dispose(), target.engine.dispose()


def test_an_overlay_finds_what_it_applies_to_reading_each_file_beside_it_once(tmp_path, monkeypatch):
    """The overlay is not read again to find its framework; the files beside it are read for the id
    they give alone, as far as the one that gives it (ID.yaml is looked for first; here the
    framework is in a file of another name); only that one is loaded, and if it has problems, they
    are reported."""
    from assessment.formats import framework_file as module
    from assessment.formats.yaml_source import read_yaml

    file_id = module._file_id
    loaded, read_for_id = [], []

    def reading(path, display=None):
        loaded.append(Path(path).name)
        return read_yaml(path, display)

    def reading_id(path, modified):
        read_for_id.append(Path(path).name)
        return file_id(path, modified)

    monkeypatch.setattr(module, "read_yaml", reading)
    monkeypatch.setattr(module, "_file_id", reading_id)
    (tmp_path / "b-other.yaml").write_text("id: other\n" + "".join(f"x{n}: 1\n" for n in range(1_000)))
    (tmp_path / "kit.yaml").write_bytes((FIXTURES / "frameworks" / "tiny.yaml").read_bytes())
    (tmp_path / "mine.yaml").write_text("overlay: mine\ntitle: Mine\nversion: '1'\n"
                                        "applies_to: {framework: tiny-kit, version: '0.1'}\n")
    assert module.load_framework(tmp_path / "mine.yaml").based_on.id == "tiny-kit"
    assert loaded == ["mine.yaml", "kit.yaml"] and read_for_id == ["b-other.yaml", "kit.yaml"]
    (tmp_path / "a-kit.yaml").write_text("id: tiny-kit\ntitle: Gives the id, is no framework\n")
    with pytest.raises(module.InvalidFile, match="a-kit.yaml"):
        module.load_framework(tmp_path / "mine.yaml")


def server_pid(base: str) -> int:
    """The process of the `streamlit run` started by this test process and serving `base`."""
    port = base.rsplit(":", 1)[1]
    for entry in Path("/proc").iterdir():
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if parent == os.getpid() and f"--server.port={port}".encode() in command:
            return int(entry.name)
    pytest.fail(f"no streamlit process of ours serves port {port}")


def memory_mb(pid: int, field: str) -> float:
    with open(f"/proc/{pid}/status") as status:
        return int(next(line for line in status if line.startswith(field)).split()[1]) / 1024


def test_the_import_page_refuses_them_in_a_real_browser(server, page, tmp_path):  # noqa: F811
    """The same readers behind the Import page: the limit named, a long list cut, nothing saved, and
    the server's memory held to the aim while it reads them."""
    from playwright.sync_api import expect

    from assessment.storage.store import open_store

    from .conftest import stored
    from .test_browser import shot, widget

    base, url = server
    page.goto(base)
    expect(page.get_by_text("Overall:")).to_be_visible(timeout=30000)
    before = stored(open_store(url), "medway")
    page.get_by_role("link", name="Import").click()
    expect(page.get_by_text("Import: Medway Council")).to_be_visible(timeout=30000)
    pid = server_pid(base)
    resident = memory_mb(pid, "VmRSS")
    made = make.build(tmp_path / "files")
    upload = widget(page, "import.file.medway").locator("input[type=file]")
    upload.set_input_files(str(made["bomb.docx"]))
    expect(page.get_by_text("bomb.docx: a part of the file (word/document.xml) unpacks to 400 MB; parts of up to "
                            "16 MB are read. Nothing was imported.")).to_be_visible(timeout=30000)
    shot(page, "hostile-1-word-bomb-refused")
    upload.set_input_files(str(made["bad_rows.csv"]))
    expect(page.get_by_text("… and 18,970 more")).to_be_visible(timeout=30000)
    expect(page.get_by_text("row 31, column", exact=False)).to_have_count(1)
    expect(page.get_by_text("row 32, column", exact=False)).to_have_count(0)
    shot(page, "hostile-2-long-problem-list-cut")
    upload.set_input_files(str(made["empty_cells.docx"]))
    expect(page.get_by_text("empty_cells.docx: word/document.xml holds more than 200,000 XML elements; parts of "
                            "up to 200,000 are read", exact=False)).to_be_visible(timeout=30000)
    shot(page, "hostile-3-empty-cells-refused")
    upload.set_input_files(str(made["styles.xlsx"]))
    expect(page.get_by_text("styles.xlsx: xl/styles.xml holds more than 100,000 XML elements; parts of up to "
                            "100,000 are read", exact=False)).to_be_visible(timeout=30000)
    shot(page, "hostile-4-styles-refused")
    peak = memory_mb(pid, "VmHWM")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "hostile-server.json").write_text(json.dumps({
        "uploads": ["bomb.docx", "bad_rows.csv", "empty_cells.docx", "styles.xlsx"],
        "resident_before_mb": round(resident, 1), "peak_after_mb": round(peak, 1),
        "growth_mb": round(peak - resident, 1)}, indent=2) + "\n")
    assert stored(open_store(url), "medway") == before
    assert peak - resident <= AIM_MB, f"the server grew from {resident:.0f} MB to a peak of {peak:.0f} MB"
