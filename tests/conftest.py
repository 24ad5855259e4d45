"""Shared fixtures: the shipped framework, the example records, and real databases.

`db_url` runs each storage test twice: on a fresh SQLite file and on a real PostgreSQL server.
`scripts/test.sh` starts a throwaway server and sets TEST_POSTGRES_URL; when pytest is run on its
own, this file starts one itself (the PostgreSQL tests never skip silently).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from assessment.domain.framework import Framework
from assessment.formats.framework_file import find_framework, load_framework
from assessment.formats.record_file import load_record

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = FIXTURES / "seeds"  # extracts of the council documents the product comes from
SEED_002_PATH = SEEDS / "medway-appendix-2022-2023.txt"  # Medway's appendix, 2022 and 2023


@pytest.fixture(scope="session")
def nps() -> Framework:
    return find_framework("nps-2018")


@pytest.fixture
def worcestershire_on_nps(worcestershire):
    """Worcestershire's 2022 record in the shape of NPS 2018 itself (ten of its fourteen key areas:
    the merged key area scored as councillors and as senior managers), for tests of a record kept
    per key area that leaves key areas out."""
    import copy
    from dataclasses import replace
    worcestershire = copy.deepcopy(worcestershire)   # the record as it is stays as it is
    p = worcestershire.period("2022")
    merged = p.key_area_entries.pop("engaging-members-and-senior-leaders")
    p.key_area_entries = {"engaging-councillors": replace(merged, item="engaging-councillors"),
                          "engaging-senior-managers": replace(merged, item="engaging-senior-managers"),
                          **p.key_area_entries}
    worcestershire.framework_id, worcestershire.framework_version = "nps-2018", "2018"
    return worcestershire


@pytest.fixture(scope="session")
def worcs() -> Framework:
    """Worcestershire's own framework: the overlay of NPS 2018 in frameworks/worcestershire-2022.yaml."""
    return find_framework("worcestershire-2022")


@pytest.fixture(scope="session")
def tiny() -> Framework:
    return load_framework(FIXTURES / "frameworks" / "tiny.yaml")


@pytest.fixture
def medway(nps):
    return load_record(ROOT / "data" / "examples" / "medway.yaml", find_framework)


@pytest.fixture
def worcestershire(nps):
    return load_record(ROOT / "data" / "examples" / "worcestershire.yaml", find_framework)


@pytest.fixture(scope="session")
def postgres_url():
    url = os.environ.get("TEST_POSTGRES_URL")
    if url:
        yield url
        return
    folder = Path(tempfile.mkdtemp(prefix="assessment-pg-")) / "data"
    script = ROOT / "scripts" / "pg-throwaway.sh"
    result = subprocess.run(["bash", str(script), "start", str(folder)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"could not start PostgreSQL for the tests: {result.stderr.strip()}")
    try:
        yield result.stdout.strip()
    finally:
        subprocess.run(["bash", str(script), "stop", str(folder)], capture_output=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    with engine.begin() as connection:  # a clean schema for every test
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


@pytest.fixture
def store(db_url):
    from assessment.storage.store import open_store
    s = open_store(db_url)
    yield s
    s.engine.dispose()


# ---------------------------------------------------------------- reading and writing through the application layer

def save_record(store, record, **kwargs) -> dict[str, int]:
    """Store a whole record as `import record` does (the local user acting)."""
    from assessment import workflows
    return workflows.import_record(store, workflows.LOCAL_ACTOR, record, **kwargs)


def reopened(store, org_id: str, period: str):
    """A submitted or approved period of the example records taken back to draft (as an
    administrator would, with a reason), for tests that edit it."""
    from assessment import workflows
    workflows.reopen_period(store, workflows.LOCAL_ACTOR, org_id, period, reason="Reopened to test editing it")


def examples_open_for_editing(url: str) -> None:
    """A database at `url` with the example records, Medway's approved 2023 reopened and
    Worcestershire's submitted 2022 withdrawn, for editing."""
    from assessment import workflows
    store = workflows.connect(url)
    workflows.ensure_examples(store)
    reopened(store, "medway", "2023")
    reopened(store, "worcestershire", "2022")
    store.engine.dispose()


def stored(store, org_id: str):
    """An organisation's record as saved, read as the app reads it."""
    from assessment.workflows import LOCAL_ACTOR, queries
    return queries.record(store, LOCAL_ACTOR, org_id).record


def assert_golden_problems(path: Path, load) -> None:
    """`load(path)` refuses the file with exactly the problems in `path` with `.expected` beside it,
    each as `NAME:LINE: where: message` (the golden bad files of frameworks, overlays and mappings)."""
    import re

    from assessment.domain.errors import InvalidFile
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").strip().splitlines()
    with pytest.raises(InvalidFile) as caught:
        load(path)
    assert [str(p) for p in caught.value.problems] == expected
    for line in expected:
        assert re.match(rf"^{re.escape(path.name)}:\d+: \S.*: .+", line), line


def texts(problems) -> list[str]:
    """Problems (or warnings) as the lines people read."""
    return [str(p) for p in problems]


def unescape(markdown: str) -> str:
    """What a person reads where the app passed text through `ui.text.md`: backslash escapes and
    word joiners gone, hard line breaks back to line breaks."""
    import re
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown.replace("\u2060", "")).replace("  \n", "\n")


def tables(at) -> list:
    """The page's HTML tables (`ui.tables.table`) as DataFrames of what people read."""
    return [t.value.rename(columns=unescape).map(lambda v: unescape(v) if isinstance(v, str) else v)
            for t in at.table]


def shown(elements) -> list:
    """AppTest elements (success, warning, markdown, ...) with their `.value` as people read it."""
    from types import SimpleNamespace
    return [SimpleNamespace(value=unescape(e.value), label=getattr(e, "label", None)) for e in elements]


def wipe_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def empty(db_url, tmp_path, store):
    """Makes an empty database of the same kind as `store`. On PostgreSQL it is the same
    database wiped clean (so read what you need from `store` first)."""
    made = []

    def make():
        if db_url.startswith("sqlite"):
            url = f"sqlite:///{tmp_path / f'restored-{len(made)}.db'}"
        else:
            store.engine.dispose()
            for other in made:
                other.engine.dispose()
            wipe_postgres(db_url)
            url = db_url
        from assessment.storage.store import open_store
        made.append(open_store(url))
        return made[-1]

    yield make
    for s in made:
        s.engine.dispose()


def database_at(db_url: str, revision: str):
    """An engine on a database made by the migrations up to `revision` (an older schema), and the
    Alembic configuration to move it on or back with."""
    from alembic import command

    from assessment.storage.store import alembic_config, make_engine
    engine = make_engine(db_url)
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
    return engine, config
