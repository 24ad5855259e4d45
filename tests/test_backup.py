"""Backup and restore of the whole database (assessment/backup.py), on SQLite and PostgreSQL.

Golden files of bad backups are in tests/fixtures/backups/: `NAME.json` and the exact message
in `NAME.expected` (`{head}` there stands for the newest schema revision, which moves on with
every migration).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text

from assessment import workflows
from assessment.domain.edits import EntryEdit
from assessment.domain.errors import BackupError, InvalidBackup, InvalidEdit
from assessment.domain.record import Action, Entry, Evidence, Organisation, OrganisationRecord, PeriodRecord
from assessment.domain.scores import NOT_APPLICABLE, Score
from assessment.storage import backup as backup_module
from assessment.storage.backup import backup, head_revision, restore
from assessment.storage.store import open_store
from assessment.storage.tables import Base, OrganisationRow, SettingRow
from assessment.workflows import LOCAL_ACTOR, queries

from .conftest import FIXTURES, ROOT, reopened, stored, wipe_postgres


def save_entry(store, org_id, period, entry, *, expected_version, user="local user"):
    with store.transaction() as tx:
        return tx.save_entry(org_id, period, entry, expected_version=expected_version, user=user)

BACKUPS = FIXTURES / "backups"
BAD = sorted(p for p in BACKUPS.glob("*.json") if p.with_suffix(".expected").exists())

WELSH = "Cyngor Sir Ynys Môn: ŵ ŷ Ŵ Ŷ â ê î ô û ŵ ŷ – “dyfynodau” ‘sengl’"
EMOJI = "✅ 👍🏽 👩‍👩‍👧‍👦 🏴󠁧󠁢󠁷󠁬󠁳󠁿 🇬🇧 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"   # with skin tone, ZWJ family, Welsh flag (tag characters), astral letters
RTL = "العربية עברית (mixed \u200fRTL\u200e marks) اردو"
BREAKS = "line one\nline two\r\nline three\rline four\ttab\u2028LS\u2029PS \"quotes\" \\backslash\\ </script>"
LONG = ("Long comment ŵ 👍 ب " * 1000)[:10_000]


# ---------------------------------------------------------------- helpers

def fill(store, nps) -> None:
    """The example records, saves that make history (with evidence and a new action), two
    settings, a not-applicable entry, a carried-forward period, an action's dated progress and drafts."""
    assert workflows.load_examples(store, LOCAL_ACTOR) == ["medway", "worcestershire"]
    reopened(store, "medway", "2023")           # Medway's 2022 stays approved, with its approval
    reopened(store, "worcestershire", "2022")
    entry = stored(store, "medway").period("2023").entries["3"]
    entry = replace(entry, comment="Revised after the audit.", target=Score(4.0), target_period="2026",
                    evidence=[Evidence("https://example.org/audit", "Internal audit 2023")],
                    actions=[*entry.actions, Action("Publish the pipeline", "Category Management",
                                                    date(2024, 3, 31), "open", "red")])
    entry = save_entry(store, "medway", "2023", entry, expected_version=entry.version, user="Siân Jones")
    entry = save_entry(store, "medway", "2023", replace(entry, score=Score(3.0)), expected_version=entry.version,
                             user="Dafydd ap Gwilym")
    na = stored(store, "medway").period("2023").entries["5"]
    save_entry(store, "medway", "2023", replace(na, score=NOT_APPLICABLE), expected_version=na.version)
    key_area = stored(store, "worcestershire").period("2022").key_area_entries["engaging-members-and-senior-leaders"]
    save_entry(store, "worcestershire", "2022", replace(key_area, comment="Briefings every quarter."),
                     expected_version=key_area.version)
    with store.transaction() as tx:
        tx.s.add_all([SettingRow(key="report.title", value="Adroddiad cynnydd / Progress report"),
                   SettingRow(key="ui.mode", value=None)])
    sian = workflows.Actor("Siân Jones", every_right=True)
    workflows.start_period(store, sian, "medway", "2024")
    pipeline = next(a for a in stored(store, "medway").period("2023").entries["3"].actions
                    if a.text == "Publish the pipeline")
    workflows.edit_action(store, sian, "medway", pipeline.id, owner=pipeline.owner, due=pipeline.due, rag="amber",
                          status="in progress", note="Draft shared with the Cabinet member", on=date(2024, 4, 2))
    workflows.save_edits(store, sian, "medway", "2024", [EntryEdit("2", base_version=1, target="n/a")])
    workflows.keep_draft(store, sian, "medway", "2024", EntryEdit("1", base_version=1, comment="Wedi’i ddrafftio"))
    workflows.keep_draft(store, LOCAL_ACTOR, "worcestershire", "2022",
                         EntryEdit("managing-strategic-risk", "key_area", 1, score="4 – Leader"))


def records(store) -> dict:
    return {org.id: stored(store, org.id) for org in queries.organisations(store, LOCAL_ACTOR)}


# The sign-in log is the deployment's security log (first sign-ins, bindings freed, refused sign-ins),
# kept for as long as the deployment says, like a web server's log: not part of the council's data.
NOT_BACKED_UP = {"sign_in_log"}


def table_counts(store) -> dict[str, int]:
    with store.engine.connect() as connection:
        return {name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for name, table in Base.metadata.tables.items() if name not in NOT_BACKED_UP}


def canonical(data: bytes) -> bytes:
    """What Python's own encoder writes for the same data (backup() writes with orjson, much faster)."""
    return (json.dumps(json.loads(data), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def header(data: bytes) -> dict:
    return json.loads(data)["counts"]


# ---------------------------------------------------------------- round trips

def test_backup_restore_backup_gives_identical_bytes(store, empty, nps):
    fill(store, nps)
    first = backup(store)
    assert backup(store) == first                      # the same database, the same bytes
    assert first == canonical(first)
    before = records(store)
    counts = header(first)
    assert counts["settings"] == 2 and counts["evidence"] == 1 and counts["actions"] > 22
    assert counts["entry_history"] > counts["entries"]  # saves made history rows

    target = empty()
    assert restore(target, first) == counts
    assert table_counts(target) == counts
    assert backup(target) == first
    assert records(target) == before


def test_an_actions_status_changes_survive(store, empty, nps):
    fill(store, nps)
    data = backup(store)
    target = empty()
    restore(target, data)
    action = stored(target, "medway").period("2023").entries["3"].actions[-1]
    assert action.text == "Publish the pipeline"
    assert [(u.status, u.on, u.note, u.period, u.by) for u in action.updates] == [
        ("in progress", date(2024, 4, 2), "Draft shared with the Cabinet member", "2024", "Siân Jones")]


def test_older_backups_fold_copies_of_carried_actions_into_one(store):
    """Formats 1 and 2 held a copy of each open action in every later period (`carried_from`)."""
    old = json.loads((BACKUPS / "minimal-format-2.json").read_bytes())
    texts = [(a["period"], x["id"], x.get("carried_from"), x["status"]) for o in old["organisations"]
             for a in o["assessments"] for e in a["entries"] for x in e["actions"]]
    assert texts == [("2023", 1, None, "carried forward"), ("2024", 2, 1, "open")]
    counts = restore(store, (BACKUPS / "minimal-format-2.json").read_bytes(), source="old.json")
    assert (counts["actions"], counts["action_updates"]) == (1, 0)
    record = stored(store, "ynys-mon")
    (action,) = record.period("2023").entries["3"].actions
    assert (action.status, action.updates) == ("open", [])
    assert record.period("2024").entries["3"].actions == []


def test_saving_after_a_restore_works(store, empty, nps):
    """Explicit ids were written: the id sequences (PostgreSQL) must have moved past them."""
    fill(store, nps)
    data = backup(store)
    largest = max(a.id for r in records(store).values() for p in r.periods
                  for e in [*p.entries.values(), *p.key_area_entries.values()] for a in e.actions)
    target = empty()
    restore(target, data)
    entry = stored(target, "medway").period("2024").entries["7"]
    saved = save_entry(target, "medway", "2024", replace(
        entry, comment="Saved after the restore", evidence=[Evidence("https://example.org/new")],
        actions=[*entry.actions, Action("A new action")]), expected_version=entry.version)
    assert saved.version == entry.version + 1
    assert saved.actions[-1].id == largest + 1
    assert queries.history(target, LOCAL_ACTOR, "medway", "2024", "7")[-1].entry.comment == "Saved after the restore"
    workflows.start_period(target, LOCAL_ACTOR, "medway", "2025")           # new assessment, entries, history rows
    workflows.add_organisation(target, LOCAL_ACTOR, "newtown", "Newtown Council")
    assert len(stored(target, "medway").period("2025").entries) == 59


def test_datetimes_round_trip_exactly(store, empty, nps):
    fill(store, nps)
    data = backup(store)
    history = queries.history(store, LOCAL_ACTOR, "medway", "2023", "3")
    target = empty()
    restore(target, data)
    again = queries.history(target, LOCAL_ACTOR, "medway", "2023", "3")
    assert [h.at for h in again] == [h.at for h in history]
    assert len(again) == 3
    stamps = re.findall(rb'"(?:created|updated|changed)_at": "([^"]+)"', data)
    assert stamps and all(re.fullmatch(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00", s) for s in stamps)
    assert b'"due": "2024-03-31"' in data and b'"score": 2.5' in data


def test_move_from_sqlite_to_postgresql(tmp_path, postgres_url, nps):
    sqlite = open_store(f"sqlite:///{tmp_path / 'source.db'}")
    fill(sqlite, nps)
    first = backup(sqlite)
    wipe_postgres(postgres_url)
    postgres = open_store(postgres_url)
    try:
        assert restore(postgres, first, source="source.json") == header(first)
        assert backup(postgres) == first
        for org_id, record in records(sqlite).items():
            assert stored(postgres, org_id) == record
        entry = stored(postgres, "medway").period("2024").entries["1"]
        saved = save_entry(postgres, "medway", "2024", replace(entry, comment="Now on PostgreSQL",
                                                              actions=[Action("First action on PostgreSQL")]),
                                    expected_version=entry.version)
        assert saved.actions[0].id == max(int(n) for n in re.findall(rb'"id": (\d+)', first)) + 1
        assert queries.history(postgres, LOCAL_ACTOR, "medway", "2024", "1")[-1].entry.comment == "Now on PostgreSQL"
    finally:
        postgres.engine.dispose()
        sqlite.engine.dispose()


def test_every_character_survives(store, empty, nps):
    workflows.add_organisation(store, LOCAL_ACTOR, "ynys-mon", WELSH[:200])
    with store.transaction() as tx:
        tx.s.add(SettingRow(key="emoji 👍", value=EMOJI))
        row = tx.s.get(OrganisationRow, "ynys-mon")   # free text, as a database from before the fixed lists holds
        row.type, row.region = "Cyngor ŵ", RTL[:100]
    workflows.start_period(store, LOCAL_ACTOR, "ynys-mon", "2024", carry=False)
    texts = {"1": WELSH, "2": EMOJI, "3": RTL, "4": BREAKS, "5": LONG}
    for item, comment in texts.items():
        save_entry(store, "ynys-mon", "2024", Entry(item, comment=comment, actions=[Action(comment[:4_000], owner=EMOJI)],
                                                   evidence=[Evidence(f"https://example.org/{comment[:20]}", RTL)]),
                         expected_version=0, user=WELSH[:50])
    data = backup(store)
    assert data == canonical(data)
    for comment in texts.values():                      # written as characters, not \u escapes
        assert json.dumps(comment, ensure_ascii=False).encode("utf-8") in data
    before = records(store)
    target = empty()
    restore(target, data)
    period = stored(target, "ynys-mon").period("2024")
    assert {item: period.entries[item].comment for item in texts} == texts
    assert period.entries["5"].comment == LONG and len(LONG) == 10_000
    assert period.entries["4"].actions[0].text == BREAKS and period.entries["5"].actions[0].text == LONG[:4_000]
    assert stored(target, "ynys-mon").organisation.name == WELSH[:200]
    assert records(target) == before
    assert backup(target) == data


def test_what_postgresql_cannot_store_is_named_and_nothing_is_written(tmp_path, postgres_url):
    """SQLite stores U+0000 and text longer than a column's length; PostgreSQL does not. A NUL
    moves between SQLite files and is refused, named, by PostgreSQL; an over-long name (kept by a
    SQLite database from before the limits) is refused by both, so a backup never holds what the
    other database would refuse."""
    sqlite = open_store(f"sqlite:///{tmp_path / 'nul.db'}")
    with sqlite.transaction() as tx:
        tx.s.add(SettingRow(key="note", value="before\x00after"))
    nul_only = backup(sqlite)
    with sqlite.transaction() as tx:   # below the store: its own guard refuses the name (next test)
        tx.s.add(OrganisationRow(id="long", name="x" * 201))
    data = backup(sqlite)
    copy = open_store(f"sqlite:///{tmp_path / 'copy.db'}")
    restore(copy, nul_only)
    assert backup(copy) == nul_only
    copy.engine.dispose()
    (tmp_path / "copy.db").unlink()
    copy = open_store(f"sqlite:///{tmp_path / 'copy.db'}")
    with pytest.raises(InvalidBackup) as caught:
        restore(copy, data, source="long.json")
    assert str(caught.value) == (
        "long.json has 1 problem: nothing was restored\n"
        "  long.json:38: organisations[0].name: the text is 201 characters long; up to 200 can be kept")
    assert sum(table_counts(copy).values()) == 0
    wipe_postgres(postgres_url)
    postgres = open_store(postgres_url)
    try:
        with pytest.raises(InvalidBackup) as caught:
            restore(postgres, data, source="nul.json")
        assert str(caught.value) == (
            "nul.json has 2 problems: nothing was restored\n"
            "  nul.json:31: settings[0].value: contains the NUL character (\\u0000), which PostgreSQL cannot store\n"
            "  nul.json:38: organisations[0].name: the text is 201 characters long; up to 200 can be kept")
        assert sum(table_counts(postgres).values()) == 0
    finally:
        for s in (sqlite, copy, postgres):
            s.engine.dispose()


def test_the_store_refuses_text_longer_than_its_column_on_sqlite_too(store):
    """The last guard, whatever the way in: what PostgreSQL would refuse, SQLite refuses too."""
    with pytest.raises(InvalidEdit, match="^long: the organisation's name is 201 characters long; up to 200 can "
                                          "be kept$"):
        with store.transaction() as tx:
            tx.add_organisation(Organisation("long", "x" * 201))
    with store.transaction() as tx:
        tx.add_organisation(Organisation("ok", "x" * 200))
    record = OrganisationRecord(Organisation("new", "New Council"), "nps-2018", "2018",
                                periods=[PeriodRecord("2024", entries={"1": Entry("1", comment="y" * 32_001)})])
    with pytest.raises(InvalidEdit, match="^objective 1: the comment is 32,001 characters long; up to 32,000"):
        workflows.import_record(store, LOCAL_ACTOR, record)
    assert [o.organisation.id for o in queries.organisations(store, LOCAL_ACTOR)] == ["ok"]   # all or nothing


def test_a_backup_of_format_1_still_restores(store):
    """Before December 2026 backups had no n/a targets and no drafts (format 1) and copied carried
    actions; they restore as the newest format, and are written back in it."""
    old = (BACKUPS / "minimal-format-1.json").read_bytes()
    counts = restore(store, old, source="old.json")
    assert counts == {**header(old), "drafts": 0, "actions": header(old)["actions"] - 1, "action_updates": 0,
                      "people": 0, "memberships": 0, "events": 0, "covering_reports": 0, "reminder_log": 0,
                      "rounds": 0, "invitations": 0, "responses": 0, "moderations": 0, "peers": 0}
    again = json.loads(backup(store))
    assert again["format_version"] == backup_module.FORMAT_VERSION and again["counts"]["drafts"] == 0
    entries = [e for o in again["organisations"] for a in o["assessments"] for e in a["entries"]]
    assert entries and not any(e["target_not_applicable"] for e in entries)
    first = json.loads(old)
    assert [e["comment"] for o in first["organisations"] for a in o["assessments"] for e in a["entries"]] == \
        [e["comment"] for e in entries]


def test_the_minimal_fixture_and_the_documented_example_round_trip(store, empty):
    """The small golden backup restores and is written back byte for byte; the example in
    docs/backup-format.md is that same file."""
    data = (BACKUPS / "minimal.json").read_bytes()
    assert restore(store, data) == header(data)
    assert backup(store) == data
    record = stored(store, "ynys-mon")
    (action,) = record.period("2023").entries["3"].actions
    assert (action.status, action.updates[0].note) == ("in progress",
                                                      "Drafft cyntaf wedi’i rannu / First draft shared with Cabinet")
    assert record.period("2024").entries["3"].target.not_applicable
    (draft,) = queries.drafts(store, workflows.Actor("Siân Jones", every_right=True), "ynys-mon")
    assert (draft.period, draft.edit.score, draft.edit.base_version) == ("2024", "3 – Mature", 1)
    assert record.period("2023").entries["3"].updated_at == datetime(2023, 11, 20, 10, 15, 2, 125000,
                                                                       tzinfo=timezone.utc)
    docs = (ROOT / "docs" / "backup-format.md").read_text(encoding="utf-8")
    example = re.search(r"```json\n(.*?)```", docs, re.S).group(1)
    assert example.encode("utf-8") == data


# ---------------------------------------------------------------- the covering report (format 7)

REPORT_TEXT = FIXTURES / "report-text" / "medway-2024.yaml"


def with_covering(store) -> None:
    """The example records; Medway in the Cabinet report's shape, its 2024 covering report imported
    (version 1, by the local user) and then saved again by Siân Jones (version 2)."""
    workflows.load_examples(store, LOCAL_ACTOR)
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")
    workflows.set_report_shape(store, LOCAL_ACTOR, "medway", workflows.shape_named("cabinet"))
    imported = workflows.import_covering(store, LOCAL_ACTOR, "medway", "2024", REPORT_TEXT)
    assert imported.saved and imported.report.version == 1
    sian = workflows.Actor("Siân Jones", every_right=True)
    workflows.save_covering(store, sian, "medway", "2024",
                            replace(imported.report, author="Pennaeth Caffael / Head of Procurement"),
                            expected_version=1)


def covering_versions(store, org_id: str, period: str) -> list:
    with store.transaction(write=False) as tx:
        return tx.covering_versions(org_id, period)


def test_a_report_shape_and_a_covering_reports_versions_round_trip(store, empty):
    with_covering(store)
    data = backup(store)
    versions = covering_versions(store, "medway", "2024")
    with store.transaction(write=False) as tx:
        shape_text = tx.s.scalar(select(OrganisationRow.report_shape).where(OrganisationRow.id == "medway"))
    assert [(r.version, r.by, change) for r, change in versions] == [
        (1, "local user", "import medway-2024.yaml"), (2, "Siân Jones", "saved")]
    written = json.loads(data)
    assert written["counts"]["covering_reports"] == 2
    (medway,) = [o for o in written["organisations"] if o["id"] == "medway"]
    assert medway["report_shape"] == shape_text                      # the JSON text as stored
    (period,) = [a for a in medway["assessments"] if a["period"] == "2024"]
    assert [(c["version"], c["changed_by"], c["change"]) for c in period["covering"]] == [
        (1, "local user", "import medway-2024.yaml"), (2, "Siân Jones", "saved")]
    assert all(a["covering"] == [] for o in written["organisations"] for a in o["assessments"] if a is not period)

    target = empty()
    assert restore(target, data)["covering_reports"] == 2
    assert covering_versions(target, "medway", "2024") == versions   # words, who, when and what made each
    with target.transaction(write=False) as tx:
        record = tx.load_record("medway")
    assert record.report_shape == workflows.shape_named("cabinet")
    latest = record.period("2024").covering
    assert latest == versions[-1][0] and latest.version == 2
    assert latest.author == "Pennaeth Caffael / Head of Procurement"
    assert latest.section("Recommendations").items[1] == "the targets for 2025/26 set out in the report be agreed;"
    assert backup(target) == data
    saved = workflows.save_covering(target, LOCAL_ACTOR, "medway", "2024", replace(latest, author="After the restore"),
                                    expected_version=2)                      # the id sequence moved on
    assert saved.version == 3


@pytest.mark.parametrize("name", ["minimal-format-6.json", "minimal-format-1.json"])
def test_older_backups_restore_with_no_report_shape_and_no_covering_report(store, name):
    """minimal-format-6.json was written by the tool at bbe372e (format 6, schema 0009) from a
    database restored from the format-6 minimal.json; read as the newest format, it is that file
    again."""
    old = (BACKUPS / name).read_bytes()
    assert b'"covering' not in old and b'"report_shape"' not in old
    assert restore(store, old, source=name)["covering_reports"] == 0
    with store.transaction(write=False) as tx:
        record = tx.load_record("ynys-mon")
    assert record.report_shape is None and all(p.covering is None for p in record.periods)
    again = backup(store)
    if name == "minimal-format-6.json":
        assert again == (BACKUPS / "minimal.json").read_bytes()
    written = json.loads(again)
    assert written["counts"]["covering_reports"] == 0
    assert [(o["report_shape"], [a["covering"] for a in o["assessments"]]) for o in written["organisations"]] == [
        (None, [[], []])]


def _covering_row(version: int, document: dict | str, **more) -> dict:
    return {"version": version, "document": document if isinstance(document, str) else json.dumps(document),
            "change": "saved", "changed_by": "Siân Jones", "changed_at": "2024-11-20T10:15:02.125000+00:00", **more}


PURPOSE = {"heading": "Purpose of Report", "text": "Nodi’r hunanasesiad / To note the self-assessment."}


def test_a_covering_report_or_report_shape_not_as_the_tool_keeps_it_is_refused_and_located(store):
    data = json.loads((BACKUPS / "minimal.json").read_bytes())
    org = data["organisations"][0]
    org["report_shape"] = json.dumps({"started_from": None, "sections": [
        {"heading": "PART A", "kind": "heading", "required": True}]})
    org["assessments"][1]["covering"] = [
        _covering_row(1, {"sections": [PURPOSE]}),                                        # as the tool keeps it
        _covering_row(2, {"sections": [{**PURPOSE, "colour": "red"}]}),                  # an unknown key
        _covering_row(3, {"sections": [PURPOSE, {"heading": "PART A", "kind": "heading",
                                                  "text": "Words under a heading"}]}),   # a heading holding text
        _covering_row(3, "[1, 2]", reviewed=True)]            # a version twice, not an object, a key unknown
    data["counts"]["covering_reports"] = 4
    with pytest.raises(InvalidBackup) as caught:
        restore(store, json.dumps(data, indent=2, ensure_ascii=False).encode(), source="b.json")
    at = "organisations[0].assessments[1].covering"
    assert [(p.where, p.message) for p in caught.value.problems] == [
        ("organisations[0].report_shape",
         "section 1 (PART A) is a heading only, so nothing is written in it and it cannot be required"),
        (f"{at}[1].document", "is not a covering report in the report-text file's shape "
                              "(sections[0].colour: Extra inputs are not permitted)"),
        (f"{at}[2].document", "sections[1]: section 2 (PART A) is a heading only, so it holds no text or items "
                              "of its own"),
        (f"{at}[3].version", f"version 3 appears twice (first at {at}[2].version)"),
        (f"{at}[3].document", "is not a covering report in the report-text file's shape (Input should be an "
                              "object)"),
        (f"{at}[3].reviewed", "Extra inputs are not permitted")]
    assert str(caught.value).splitlines()[0] == "b.json has 6 problems: nothing was restored"
    assert all(p.line for p in caught.value.problems)
    assert sum(table_counts(store).values()) == 0


# ---------------------------------------------------------------- refusals

def test_restore_into_a_database_that_is_not_empty_is_refused(store, empty, nps):
    fill(store, nps)
    data = backup(store)
    target = empty()
    workflows.add_organisation(target, LOCAL_ACTOR, "alpha", "Alpha Council")
    with target.transaction() as tx:
        tx.s.add(SettingRow(key="x", value="y"))
    before = backup(target)
    with pytest.raises(BackupError) as caught:
        restore(target, data, source="full.json")
    assert str(caught.value) == ("cannot restore full.json: the database is not empty (it holds 1 organisation "
                                 "(alpha), 1 setting): nothing was restored; restore into a new, empty database")
    assert backup(target) == before


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_bad_backups_are_refused_with_exact_messages(store, path):
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").rstrip("\n")
    expected = expected.replace("{head}", head_revision())
    with pytest.raises(BackupError) as caught:
        restore(store, path.read_bytes(), source=path.name)
    assert str(caught.value) == expected
    assert sum(table_counts(store).values()) == 0


def test_a_backup_cut_short_names_the_line_and_writes_nothing(store, empty, nps):
    fill(store, nps)
    data = backup(store)
    target = empty()
    cut = data[:data.rindex(b"\n", 0, len(data) * 2 // 3)]   # whole characters
    line = cut.count(b"\n") + 1
    with pytest.raises(BackupError) as caught:
        restore(target, cut, source="cut.json")
    assert str(caught.value).startswith(f"cut.json:{line}: not valid JSON (")
    assert str(caught.value).endswith("): nothing was restored")
    missing = json.loads(data)
    del missing["organisations"][-1]                    # well-formed, but an organisation short
    with pytest.raises(InvalidBackup) as caught:
        restore(target, json.dumps(missing, indent=1).encode(), source="short.json")
    assert "short.json:9: counts.organisations: the header says 2 but the file holds 1" in str(caught.value)
    assert sum(table_counts(target).values()) == 0


def test_a_failure_while_writing_leaves_the_database_empty(store, empty, nps, monkeypatch):
    """All or nothing: every row has been inserted when the failure comes; none stays."""
    fill(store, nps)
    data = backup(store)
    target = empty()
    written = {}
    original = backup_module._write

    def write_then_fail(connection, tables):
        original(connection, tables)
        written["organisations"] = connection.execute(text("SELECT COUNT(*) FROM organisations")).scalar_one()
        raise RuntimeError("disk full")

    monkeypatch.setattr(backup_module, "_write", write_then_fail)
    with pytest.raises(RuntimeError):
        restore(target, data)
    assert written == {"organisations": 2}
    assert sum(table_counts(target).values()) == 0
    monkeypatch.undo()
    restore(target, data)                               # and the same file then restores
    assert backup(target) == data


SHAPES = {"organisations": backup_module.OrganisationData, "baselines": backup_module.BaselineData,
          "assessments": backup_module.AssessmentData, "entries": backup_module.EntryData,
          "actions": backup_module.ActionData, "evidence": backup_module.EvidenceData,
          "entry_history": backup_module.HistoryData, "settings": backup_module.SettingData,
          "drafts": backup_module.DraftData, "action_updates": backup_module.ActionUpdateData,
          "events": backup_module.EventData, "people": backup_module.PersonData,
          "memberships": backup_module.MembershipData, "covering_reports": backup_module.CoveringData,
          "reminder_log": backup_module.ReminderData, "rounds": backup_module.RoundData,
          "invitations": backup_module.InvitationData, "responses": backup_module.ResponseData,
          "moderations": backup_module.ModerationData, "peers": backup_module.PeerData}
NOT_IN_THE_FILE = {"organisations": {"changed"},   # a stamp for reading: a restored organisation gets a new one
                   "baselines": {"organisation_id"}, "settings": set(),
                   "assessments": {"id", "organisation_id", "peers_contribution"},   # a cache: worked out again
                   "entries": {"id", "assessment_id"},
                   "actions": {"entry_id"}, "evidence": {"id", "entry_id"}, "entry_history": {"id", "entry_id"},
                   "drafts": {"id", "assessment_id"}, "action_updates": {"id", "action_id"},
                   "events": {"organisation_id"}, "people": {"id"}, "memberships": {"person_id"},
                   "covering_reports": {"id", "assessment_id"}, "reminder_log": {"id"},
                   "rounds": {"organisation_id", "record", "period"}, "invitations": {"id", "round_id"},
                   "responses": {"round_id", "invitation_id"}, "moderations": {"round_id"}, "peers": {"id"}}


def test_every_table_and_column_is_in_the_backup():
    """A new table or column (a migration) must be added to the backup and its documentation;
    only surrogate ids, the links that the nesting already says and the organisation's read stamp
    are left out."""
    assert set(Base.metadata.tables) - NOT_BACKED_UP == {*backup_module.COUNTED}
    for name, table in Base.metadata.tables.items():
        if name in NOT_BACKED_UP:
            continue
        assert {c.name for c in table.columns} - NOT_IN_THE_FILE[name] <= set(SHAPES[name].__annotations__), name
    docs = (ROOT / "docs" / "backup-format.md").read_text(encoding="utf-8")
    for model in (backup_module.OrganisationData, backup_module.EntryData, backup_module.ActionData,
                  backup_module.HistoryData, backup_module.EvidenceData, backup_module.BaselineData,
                  backup_module.AssessmentData, backup_module.SettingData, backup_module.DraftData,
                  backup_module.ActionUpdateData, backup_module.EventData, backup_module.PersonData,
                  backup_module.MembershipData, backup_module.CoveringData, backup_module.ReminderData,
                  backup_module.RoundData, backup_module.InvitationData, backup_module.ResponseData,
                  backup_module.ModerationData, backup_module.PeerData):
        for name in model.__annotations__:
            assert f"`{name}`" in docs, f"{model.__name__}.{name} is not documented"


# ---------------------------------------------------------------- respondent rounds (format 11)

def test_rounds_round_trip_and_an_anonymous_answer_set_names_no_invitation(store, empty):
    """A confidential and an anonymous round, each with invitations (one by link: only its hash is
    kept), answers saved and submitted, and moderation: backup, restore, backup gives the same bytes;
    the anonymous round's submitted answer set sits under the round, linked to nothing."""
    from assessment.domain.rounds import Answer, Invitation, Moderation, Profile, Round, token_hash

    workflows.load_examples(store, LOCAL_ACTOR)
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")
    finance, legal = Profile("Finance", ("finance", "senior manager"), "finance"), Profile("Legal", ("legal",), "legal")
    later = datetime.now(timezone.utc) + timedelta(days=29)
    made = {}
    for mode in ("confidential", "anonymous"):
        with store.transaction() as tx:
            round_ = tx.add_round(Round("medway", "2024", date(2027, 1, 31), mode=mode, items=("1", "2"), k=3,
                                        opened_by="officer@medway.gov.uk"))
            tx.set_round_state(round_.id, "open")
            by_mail = tx.add_invitation(Invitation(round_.id, finance, email="a@medway.gov.uk", invited_by="x"))
            by_link = tx.add_invitation(Invitation(round_.id, legal, expires_at=later, invited_by="x"),
                                        token_hash=token_hash(f"secret-{mode}"))
            tx.save_response(by_mail.id, [Answer("1", 2.5, comment=WELSH), Answer("2", dont_know=True)])
            tx.submit_response(by_mail.id)
            tx.save_response(by_link.id, [Answer("1", not_applicable=True, comment="Not ours")])
            tx.set_moderation(round_.id, Moderation("1", 3.0, rationale="Agreed at the board", meeting="Board",
                                                    moderated_by="officer@medway.gov.uk"))
        made[mode] = round_
    first = backup(store)
    data = json.loads(first)
    assert b"secret-" not in first and "invitation_id" not in first.decode("utf-8")
    (period,) = [a for a in data["organisations"][0]["assessments"] if a["period"] == "2024"]
    rounds = {r["mode"]: r for r in period["rounds"]}
    confidential, anonymous = rounds["confidential"], rounds["anonymous"]
    assert [len(i["responses"]) for i in confidential["invitations"]] == [1, 1] and confidential["responses"] == []
    assert [len(i["responses"]) for i in anonymous["invitations"]] == [0, 1]       # the link's draft only
    (unlinked,) = anonymous["responses"]
    assert unlinked["submitted"] and set(unlinked) == {"id", "department", "perspectives", "primary", "submitted",
                                                       "answers"}
    assert {k: data["counts"][k] for k in ("rounds", "invitations", "responses", "moderations")} == \
        {"rounds": 2, "invitations": 4, "responses": 4, "moderations": 2}

    target = empty()
    counts = restore(target, first)
    assert counts["responses"] == 4 and table_counts(target) == counts
    assert backup(target) == first
    with target.transaction(write=False) as tx:
        assert tx.invitation_by_token_hash(token_hash("secret-anonymous")) is not None
        assert {r.invitation_id is None for r in tx.responses(made["anonymous"].id) if r.submitted} == {True}


def test_a_submitted_anonymous_answer_set_under_an_invitation_is_refused(store):
    data = json.loads((BACKUPS / "minimal.json").read_bytes())
    period = data["organisations"][0]["assessments"][1]
    response = {"id": "0" * 32, "department": "Finance", "perspectives": '["finance"]', "primary": "finance",
                "submitted": True, "answers": "[]"}
    period["rounds"] = [{"id": 1, "items": '{"kind":"objective","ids":"all"}', "mode": "anonymous", "k": 5,
                         "state": "open", "closes": "2027-01-31", "perspectives": '["finance"]', "opened_by": None,
                         "created_at": "2026-12-01T00:00:00.000000+00:00",
                         "changed_at": "2026-12-01T00:00:00.000000+00:00", "responses": [], "moderations": [],
                         "invitations": [{"email": None, "department": "Finance", "perspectives": '["finance"]',
                                          "primary": "finance", "token_hash": None, "expires_at": None,
                                          "revoked_at": None, "submitted": True, "invited_by": None,
                                          "invited_at": "2026-12-01T00:00:00.000000+00:00",
                                          "responses": [response]}]}]
    data["counts"].update(rounds=1, invitations=1, responses=1)
    with pytest.raises(InvalidBackup, match="a submitted answer set of an anonymous round is linked to no invitation"):
        restore(store, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))
    assert table_counts(store)["rounds"] == 0


def test_a_backup_of_format_10_restores_with_no_rounds(store):
    old = (BACKUPS / "minimal-format-10.json").read_bytes()
    assert json.loads(old)["format_version"] == 10 and b'"rounds"' not in old
    counts = restore(store, old, source="old.json")
    assert {k: counts[k] for k in ("rounds", "invitations", "responses", "moderations")} == dict.fromkeys(
        ("rounds", "invitations", "responses", "moderations"), 0)
    assert backup(store) == (BACKUPS / "minimal.json").read_bytes()
