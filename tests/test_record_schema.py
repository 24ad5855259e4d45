"""One record schema (issue 25): record files, the JSON export, history snapshots and (through
them) backups read and write the same pydantic models; older snapshots are migrated as data, in
the database (migration 0008) and in backups of formats 4 and 5, kept here as they were written."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from assessment import workflows
from assessment.domain.edits import EntryEdit
from assessment.domain.errors import InvalidBackup
from assessment.domain.record import Action, ActionUpdate, Entry, Evidence
from assessment.domain.scores import NOT_APPLICABLE, Score, read_written
from assessment.formats.record_schema import (
    EntrySnapshot,
    ObjectiveEntryModel,
    entry_data,
    entry_from_model,
    entry_from_snapshot,
    snapshot_data,
    snapshot_json,
)
from assessment.formats.writers.record_json import record_json
from assessment.storage import backup as backup_module
from assessment.storage.backup import backup, restore
from assessment.storage.migrations.legacy import snapshot_from_numbers
from assessment.workflows import LOCAL_ACTOR, queries

from .conftest import FIXTURES, database_at, stored

BACKUPS = FIXTURES / "backups"

FULL = Entry("3", score=Score(2.5), target=NOT_APPLICABLE, target_period="2025/26",
             comment="Rules revised <b>not bold</b>\n**not strong**", previous_comment="Last year's words",
             carried=True,
             actions=[Action("Train buyers", "Head of Procurement", date(2025, 3, 31), "in progress", "amber", id=7,
                             updates=[ActionUpdate("in progress", date(2025, 1, 2), "Half trained", "2024")]),
                      Action("Publish the pipeline")],
             evidence=[Evidence("https://example.org/cpr", "Contract Procedure Rules"),
                       Evidence("https://example.org/bare")])


def _kept(entry: Entry) -> tuple:
    """What the schema keeps of an entry (not the database's version and who saved it)."""
    return (entry.item, entry.kind, entry.score, entry.target, entry.target_period, entry.comment,
            entry.previous_comment, entry.carried,
            [(a.text, a.owner, a.due, a.status, a.rag, [(u.status, u.on, u.note, u.period) for u in a.updates])
             for a in entry.actions], entry.evidence)


def test_an_entry_goes_out_and_comes_back_the_same_through_the_record_file_model():
    model = ObjectiveEntryModel.model_validate(entry_data(FULL))
    back = entry_from_model(model, "3", "objective", lambda raw, _name: read_written(raw))
    assert _kept(back) == _kept(FULL)
    assert entry_data(FULL)["score"] == "2/3" and entry_data(FULL)["target"] == "n/a"


def test_a_snapshot_is_a_record_file_entry_with_action_ids():
    data = snapshot_data(FULL)
    assert [a.get("id") for a in data["actions"]] == [7, None]
    back = entry_from_snapshot(snapshot_json(FULL), "3", "objective")
    assert _kept(back) == _kept(FULL) and [a.id for a in back.actions] == [7, None]
    without_ids = {**data, "objective": "3", "actions": [{k: v for k, v in a.items() if k != "id"}
                                                         for a in data["actions"]]}
    assert ObjectiveEntryModel.model_validate(without_ids)   # the record file's own entry
    assert snapshot_data(Entry("9")) == {}                   # fields at their defaults are left out


def test_the_json_export_writes_entries_a_record_file_reads(store, nps):
    workflows.add_organisation(store, LOCAL_ACTOR, "x", "X Council")
    workflows.start_period(store, LOCAL_ACTOR, "x", "2024")
    workflows.save_edits(store, LOCAL_ACTOR, "x", "2024", [EntryEdit("3", score="2/3", target="n/a",
                                                                     evidence="CPR | https://example.org/cpr")])
    exported = record_json(stored(store, "x"))
    (entry,) = [e for e in exported["periods"][0]["entries"] if e["score"]]
    meta = ("baseline", "version", "updated_by", "updated_at")
    model = ObjectiveEntryModel.model_validate({k: v for k, v in entry.items() if k not in meta})
    assert (model.score, model.target, model.evidence[0].url) == ("2/3", "n/a", "https://example.org/cpr")
    (version,) = queries.history(store, LOCAL_ACTOR, "x", "2024", "3")
    assert snapshot_data(version.entry) | {"objective": "3"} == \
        {k: v for k, v in entry.items() if k not in meta and v not in (None, [])}


def test_the_old_snapshot_shape_is_migrated_as_data():
    old = json.dumps({"score": 2.5, "score_na": False, "target": None, "target_na": True, "target_period": "2025",
                      "comment": "c", "carried": False,
                      "actions": [{"id": 4, "text": "t", "owner": None, "due": "2025-03-31", "status": "open",
                                   "rag": None}], "evidence": [{"url": "https://example.org", "title": None}]})
    new = json.loads(snapshot_from_numbers(old))
    assert new == {"score": "2/3", "target": "n/a", "target_period": "2025", "comment": "c",
                   "actions": [{"id": 4, "text": "t", "due": "2025-03-31", "status": "open"}],
                   "evidence": [{"url": "https://example.org"}]}
    assert EntrySnapshot.model_validate(new)
    assert snapshot_from_numbers(json.dumps(new)) == json.dumps(new)   # the new shape is left as it is
    assert snapshot_from_numbers("not json") == "not json"              # for the restore to report


@pytest.mark.parametrize("name", ["minimal-format-4.json", "minimal-format-5.json"])
def test_backups_of_formats_4_and_5_restore_and_are_written_as_the_newest(store, name):
    old = (BACKUPS / name).read_bytes()
    restore(store, old, source=name)
    again = json.loads(backup(store))
    assert again["format_version"] == backup_module.FORMAT_VERSION == 13
    newest = json.loads((BACKUPS / "minimal.json").read_bytes())
    # the newest fixture is the format-5 one with one version's snapshot written in the new shape
    history = newest["organisations"][0]["assessments"][1]["entries"][0]["history"][1]
    history.update(snapshot=None, change=None)
    assert {k: v for k, v in again.items() if k != "schema_revision"} == \
        {k: v for k, v in newest.items() if k != "schema_revision"}


def test_snapshots_of_a_format_5_backup_are_read_in_the_new_shape(store, empty, nps):
    """history-format-5.json was written by the tool before this change (see make_history_format_5.py)."""
    old = (BACKUPS / "history-format-5.json").read_bytes()
    assert b'\\"score_na\\"' in old
    restore(store, old, source="history-format-5.json")
    versions = queries.history(store, LOCAL_ACTOR, "ynys-mon", "2024", "3")
    assert [(v.entry.score, v.entry.target) for v in versions] == [(Score(2.5), Score(4.0)),
                                                                    (Score(3.0), NOT_APPLICABLE)]
    assert [str(c) for c in versions[1].changes] == ["score: 2/3 → 3 – Mature", "target: 4 – Leader → n/a"]
    assert versions[0].entry.actions[0].due == date(2025, 3, 31)
    written = backup(store)
    snapshots = [h["snapshot"] for o in json.loads(written)["organisations"] for a in o["assessments"]
                 for e in a["entries"] for h in e["history"]]
    assert all("score_na" not in s for s in snapshots) and json.loads(snapshots[0])["score"] == "2/3"
    target = empty()
    restore(target, written)
    assert backup(target) == written
    # restoring a version kept in the old shape puts back what it said
    workflows.restore_version(store, LOCAL_ACTOR, "ynys-mon", "2024", "3", 1)
    now = stored(store, "ynys-mon").period("2024").entries["3"]
    assert (now.score, now.target, [a.rag for a in now.actions]) == (Score(2.5), Score(4.0), ["amber"])


@pytest.mark.parametrize("snapshot, said", [
    ('{"score": 2.5, "score_na": false}', "is not a saved entry in the record schema's shape (score_na: Extra inputs"),
    ('{"score": "9x"}', "'9x' is not a score as the tool writes one"),
    ('[1, 2]', "is not a saved entry in the record schema's shape"),
])
def test_a_backup_whose_snapshot_is_not_the_schemas_is_refused_and_located(store, snapshot, said):
    data = json.loads((BACKUPS / "minimal.json").read_bytes())
    data["organisations"][0]["assessments"][1]["entries"][0]["history"][1]["snapshot"] = snapshot
    with pytest.raises(InvalidBackup) as refused:
        restore(store, json.dumps(data, indent=2).encode(), source="b.json")
    (problem,) = refused.value.problems
    assert said in problem.message and problem.where.endswith("history[1].snapshot")
    with store.transaction() as tx:
        assert tx.s.execute(text("SELECT count(*) FROM organisations")).scalar_one() == 0


def test_migration_0008_rewrites_stored_snapshots_and_back(db_url):
    from assessment.storage.store import migrate

    from assessment.storage.store import open_store
    history = json.loads((BACKUPS / "history-format-5.json").read_bytes())
    old = [h["snapshot"] for h in history["organisations"][0]["assessments"][0]["entries"][0]["history"]]
    engine, config = database_at(db_url, "0007")
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO organisations (id, name, created_at) VALUES ('x', 'X', CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO assessments (id, organisation_id, period, framework_id, framework_version,"
                                " status, created_at) VALUES (1, 'x', '2024', 'nps-2018', '2018', 'draft', "
                                "CURRENT_TIMESTAMP)"))
        connection.execute(text("INSERT INTO entries (id, assessment_id, kind, item_id, score, not_applicable, target,"
                                " target_not_applicable, carried, version, updated_at) VALUES (1, 1, 'objective', '3',"
                                " 3, false, NULL, true, false, 2, CURRENT_TIMESTAMP)"))
        for version, snap in enumerate(old, start=1):
            connection.execute(text("INSERT INTO entry_history (id, entry_id, version, score, not_applicable, target, "
                                    "target_not_applicable, changed_at, snapshot) VALUES (:v, 1, :v, 3, false, NULL, "
                                    "true, CURRENT_TIMESTAMP, :s)"), {"v": version, "s": snap})
    engine.dispose()
    store = open_store(db_url)   # upgrades to the head
    with store.transaction() as tx:
        kept = [v.entry for v in tx.versions("x", "2024", "3")]
        stored_now = tx.s.execute(text("SELECT snapshot FROM entry_history ORDER BY id")).scalars().all()
    assert [(e.score.written, e.target.written, e.comment) for e in kept] == \
        [("2/3", "4", "Cynllun wedi’i gytuno / Plan agreed"), ("3", "n/a", "Cynllun wedi’i gytuno / Plan agreed")]
    assert all(EntrySnapshot.model_validate_json(s) for s in stored_now)
    migrate(store.engine, "0007", downgrade=True)
    with store.engine.begin() as connection:
        back = connection.execute(text("SELECT snapshot FROM entry_history ORDER BY id")).scalars().all()
    assert [json.loads(s) for s in back] == [json.loads(s) for s in old]
    store.engine.dispose()
