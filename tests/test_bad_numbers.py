"""Every bad number is refused with exit status 2, a message naming the file, and nothing written.

Infinite or not a number (`.inf`, `.nan`, `NaN`), too big for a float (`1.0e+400`, `1e400`),
integers longer than anything real or than the database holds, and nesting deeper than the readers
go, in record and framework files (YAML), backups (JSON), spreadsheets and Word appendices: each
raised OverflowError, RecursionError or ValueError before issue 23 ("error: unexpected ...", exit 1),
or, in an older backup, was written back as null. Run as a user runs them: `python -m assessment`.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import func, select

from assessment.storage.backup import FORMAT_VERSION
from assessment.storage.store import open_store
from assessment.storage.tables import Base

from .conftest import FIXTURES, ROOT

sys.path.insert(0, str(FIXTURES / "hostile"))
import make  # the hostile files' builders, imported once the path is set

RECORD = "organisation: {{id: bad, name: Bad Council}}\nframework: {{id: nps-2018, version: '2018'}}\n" \
         "periods:\n  - period: '2023'\n    entries:\n      - objective: 1\n        score: {score}\n"
FRAMEWORK = "id: bad\ntitle: Bad\nversion: '1'\nlevels:\n  - value: {value}\n    name: One\nthemes: []\n"


@pytest.fixture
def cli(tmp_path):
    """Run the command line against a database of its own; (exit status, stderr lines, rows stored)."""
    url = f"sqlite:///{tmp_path / 'numbers.db'}"

    def run(*args: str) -> tuple[int, list[str], int]:
        result = subprocess.run([sys.executable, "-m", "assessment", "--database", url, *args], cwd=ROOT,
                                capture_output=True, text=True, timeout=120, check=False)
        assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
        return result.returncode, result.stderr.splitlines(), rows(url)
    return run


def rows(url: str) -> int:
    store = open_store(url)
    try:
        with store.engine.connect() as connection:
            return sum(connection.execute(select(func.count()).select_from(table)).scalar_one()
                       for table in Base.metadata.tables.values())
    finally:
        store.engine.dispose()


@pytest.mark.parametrize("score, message", [
    (".inf", "the number .inf is infinite; numbers in these files are finite, such as 3 or 2.5"),
    ("-.Inf", "the number -.Inf is infinite; numbers in these files are finite, such as 3 or 2.5"),
    (".nan", "the number .nan is not a number; numbers in these files are finite, such as 3 or 2.5"),
    ("1.0e+400", "the number 1.0e+400 is too big to hold; numbers in these files are finite, such as 3 or 2.5"),
    ("9" * 5_000, "a number of 5,000 characters is too long to be a value here"),
    ("0x" + "f" * 200, "a number of 202 characters is too long to be a value here"),
])
def test_a_record_file_with_a_number_that_cannot_be_held(cli, tmp_path, score, message):
    path = tmp_path / "record.yaml"
    path.write_text(RECORD.format(score=score))
    code, lines, stored = cli("import", "record", str(path))
    assert (code, lines, stored) == (2, [f"{path}:7: (yaml syntax): {message}"], rows_of_an_empty_database(cli))


def rows_of_an_empty_database(cli) -> int:
    """What a migrated database holds before anything is saved (the schema's revision)."""
    return cli("orgs", "list")[2]


@pytest.mark.parametrize("score", ['"1e400"', "1e400", "'99999999999/100000000000'", "'NaN'"])
def test_a_score_written_as_text_that_is_no_number_is_not_a_score(cli, tmp_path, score):
    """Text that Python reads as an infinite float, or as integers too long to convert."""
    path = tmp_path / "record.yaml"
    path.write_text(RECORD.format(score=score))
    code, lines, stored = cli("import", "record", str(path))
    shown = score.strip("'\"")
    assert code == 2 and stored == rows_of_an_empty_database(cli)
    assert lines == [(f"{path}:7: periods[2023].entries[1].score: objective 1: '{shown}' is not a score; write a "
                      "level (levels 1–5), a half step such as '2/3', or 'n/a'")]


@pytest.mark.parametrize("value, message", [
    (".inf", "the number .inf is infinite; numbers in these files are finite, such as 3 or 2.5"),
    ("1.0e+400", "the number 1.0e+400 is too big to hold; numbers in these files are finite, such as 3 or 2.5"),
    ("1" * 101, "a number of 101 characters is too long to be a value here"),
])
def test_a_framework_file_with_a_number_that_cannot_be_held(cli, tmp_path, value, message):
    path = tmp_path / "framework.yaml"
    path.write_text(FRAMEWORK.format(value=value))
    assert cli("validate", str(path))[:2] == (2, [f"{path}:5: (yaml syntax): {message}"])


def test_yaml_nested_past_the_limit(cli, tmp_path):
    path = tmp_path / "record.yaml"
    path.write_text("organisation: " + "[" * 41 + "]" * 41 + "\n")
    code, lines, stored = cli("import", "record", str(path))
    assert (code, lines) == (2, [(f"{path}:1: (yaml syntax): is nested more than 40 levels deep; these files never "
                                  "need to be")])
    assert stored == rows_of_an_empty_database(cli)


BACKUP = (b'{"format": "procurement-maturity-backup", "format_version": %d, "schema_revision": "0001", '
          b'"created_by": "x", "counts": {}, "settings": [], "people": [], "organisations": [{"id": "x", '
          b'"name": "X", "type": null, "region": null, "baseline_agreed": null, "source": null, '
          b'"created_at": "2024-01-01T00:00:00Z", "baselines": [{"objective_id": "1", "score": %s, '
          b'"not_applicable": false}], "events": [], "assessments": []}]}\n')


@pytest.mark.parametrize("name, content, message", [
    ("deep.json", make.backup_deep(), "deep.json:1: nested more than 200 levels deep (a backup nests 11)"),
    ("long.json", make.backup_long_integer(), "long.json:1: the number at column 4432 is too long to be read"),
    ("huge.json", BACKUP % (4, b"1.0e+400"), "huge.json:1: the number at column 351 is too big to be held"),
    ("minus.json", BACKUP % (4, b"-1e400"), "minus.json:1: the number at column 351 is too big to be held"),
    ("older.json", BACKUP % (2, b"1e400"), "older.json:1: the number at column 351 is too big to be held"),
    ("nan.json", BACKUP % (4, b"NaN"), "nan.json:1: not valid JSON (NaN is not a JSON number, column 351)"),
    ("infinity.json", BACKUP % (3, b"Infinity"), ("infinity.json:1: not valid JSON (Infinity is not a JSON number, "
                                                   "column 351)")),
])
def test_a_backup_with_a_number_that_cannot_be_held(cli, tmp_path, name, content, message):
    """An older format's infinite score was written back as null by orjson, and restored as unscored."""
    path = tmp_path / name
    path.write_bytes(content)
    code, lines, stored = cli("restore", str(path))
    assert (code, lines) == (2, [f"error: {message}: nothing was restored"])
    assert stored == rows_of_an_empty_database(cli)


def test_a_backup_id_the_database_cannot_hold(cli, tmp_path):
    """In the newest format, read by pydantic as it is (an older one is read by orjson first, which
    makes an integer of over 64 bits a float: refused too, as not a whole number)."""
    path = tmp_path / "id.json"
    path.write_bytes(BACKUP.replace(b'"events": []', b'"events": [{"id": 123456789012345678901234567890, '
                                                     b'"period": null, "kind": "x", "person": null, '
                                                     b'"at": "2024-01-01T00:00:00Z", "details": null}]')
                     % (FORMAT_VERSION, b"3"))
    code, lines, stored = cli("restore", str(path))
    assert code == 2 and stored == rows_of_an_empty_database(cli)
    assert "  id.json:1: organisations[0].events[0].id: Input should be less than or equal to 2147483647" in lines


@pytest.mark.parametrize("name, content, message", [
    ("score.csv", make.csv_huge_score(), "score.csv: row 2, column \"Score\": '1e400' is not a score"),
    ("score.xlsx", make.xlsx_huge_score(),
     "score.xlsx: sheet \"Sheet\", row 2, column \"Score\": 'inf' is not a score"),
])
def test_a_spreadsheet_cell_holding_1e400(cli, tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    before = cli("orgs", "add", "x", "--name", "X Council")[2]
    code, lines, stored = cli("import", "xlsx", "--org", "x", str(path))
    assert (code, stored) == (2, before)
    assert lines == [f"error: {name}: nothing was imported:",
                     f"  {message}; write a level (levels 1–5), a half step such as '2/3', or 'n/a'"]


def test_a_word_appendix_score_of_1e400(cli, tmp_path):
    path = tmp_path / "score.docx"
    path.write_bytes(make._table(b"<w:tr>" + b"".join(f"<w:tc><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:tc>".encode()
                                                      for text in ("1", "Procurement and Commercial Champions",
                                                                   "1e400", "Too big")) + b"</w:tr>"))
    before = cli("orgs", "add", "x", "--name", "X Council")[2]
    code, lines, stored = cli("import", "appendix", "--org", "x", str(path))
    assert (code, stored) == (2, before)
    assert lines == ["error: score.docx: nothing was imported:",
                     ("  score.docx: table 1, row 2 (objective 1), column \"2023 Score\": '1e400' is not a score; "
                      "write a level (levels 1–5), a half step such as '2/3', or 'n/a'")]


def test_a_word_table_wider_than_word_allows(cli, tmp_path):
    path = tmp_path / "wide.docx"
    path.write_bytes(make.docx_wide())
    before = cli("orgs", "add", "x", "--name", "X Council")[2]
    code, lines, stored = cli("import", "appendix", "--org", "x", str(path))
    assert (code, stored) == (2, before)
    assert lines == ["error: wide.docx: nothing was imported:",
                     ("  wide.docx: table 1 is more than 63 columns wide, which Word's tables never are (an "
                      "appendix of 10 periods has 23)")]
