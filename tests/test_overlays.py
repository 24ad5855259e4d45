"""A council's own framework: overlays (each operation), mappings (each kind), the golden bad files,
Worcestershire's overlay against its seed, and a record seen across a change of framework."""

from __future__ import annotations

import copy
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assessment.domain.errors import InvalidFile, NotFound, PeriodLocked
from assessment.domain.mapping import on_framework
from assessment.domain.record import Entry, PeriodRecord
from assessment.domain.rollups import key_area_summary, overall_summary
from assessment.domain.scores import NOT_APPLICABLE, Score
from assessment.formats.framework_file import find_framework, load_framework
from assessment.formats.mapping_file import find_mapping, load_mapping

from .conftest import FIXTURES, ROOT, assert_golden_problems

FRAMEWORKS = FIXTURES / "frameworks"
SEED = (FIXTURES / "seeds" / "worcestershire-2022-section-3.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def local():
    return load_framework(FRAMEWORKS / "tiny-local.yaml")


# ---------------------------------------------------------------- each overlay operation

def test_an_overlay_renames_a_theme_and_an_objective_and_keeps_the_rest(tiny, local):
    assert local.id == "tiny-local" and local.based_on.id == "tiny-kit" and local.based_on.version == "0.1"
    assert [t.title for t in local.themes] == ["Our people"]
    assert local.objectives["S1"].title == "Learning plan"
    assert local.objectives["S1"].description == tiny.objectives["S1"].description   # not given: kept
    assert local.objectives["D1"] == tiny.objectives["D1"]
    assert local.levels == tiny.levels
    assert local.name == "Tiny kit, our way, version 1 (adapted from Tiny maturity kit 0.1)"


def test_an_overlay_rewords_descriptors_level_by_level(tiny, local):
    assert local.descriptor("S1", 2) == "Half the team has a learning plan."     # reworded
    assert local.descriptor("S1", 1) == tiny.descriptor("S1", 1)                # not given: the framework's


def test_merged_key_areas_roll_up_together_with_their_own_descriptors(tiny, local):
    (merged,) = local.key_areas.values()
    assert (merged.id, merged.title) == ("skills-and-data", "Skills and data")
    assert local.objective_ids["skills-and-data"] == ("S1", "D1", "L1")
    assert merged.rubric == {1: tiny.key_areas["skills"].rubric[1], 2: tiny.key_areas["skills"].rubric[2],
                             3: "Everyone is trained and the dashboards are live."}   # 1, 2 from rubric_from
    assert not local.allows_half_steps("skills-and-data")   # one of them allows none: the merged allows none
    period = PeriodRecord("2024", entries={"S1": Entry("S1", score=Score(1.0)), "D1": Entry("D1", score=Score(3.0)),
                                           "L1": Entry("L1", score=Score(2.0))})
    rolled = key_area_summary(local, period, "skills-and-data")
    assert (rolled.score.n, rolled.score.mean) == (3, 2.0)
    assert overall_summary(local, period).score.mean == 2.0


def test_left_out_objectives_and_added_local_objectives(tiny, local):
    assert "S2" not in local.objectives and "S2" in tiny.objectives
    added = local.objectives["L1"]
    assert added.title == "Local suppliers"
    assert local.descriptor("L1", 1) == "No local suppliers are known."
    assert local.descriptor("L1", 2) == local.key_areas["skills-and-data"].rubric[2]   # not given: the key area's


def test_leaving_out_key_areas_drops_an_empty_theme(nps, worcs):
    assert len(nps.key_areas) == 14 and len(worcs.key_areas) == 9
    assert "enablers" in {t.id for t in nps.themes} and "enablers" not in {t.id for t in worcs.themes}
    assert not {"developing-talent", "exploiting-digital-technology", "enabling-innovation",
                "embedding-change"} & set(worcs.key_areas)


# ---------------------------------------------------------------- golden bad files

@pytest.mark.parametrize("path", sorted((FRAMEWORKS / "bad-overlays").glob("*.yaml")), ids=lambda p: p.name)
def test_bad_overlays_give_the_golden_messages(path: Path):
    assert_golden_problems(path, lambda p: load_framework(p, display=p.name))


@pytest.mark.parametrize("path", sorted((FRAMEWORKS / "bad-mappings").glob("*.yaml")), ids=lambda p: p.name)
def test_bad_mappings_give_the_golden_messages(path: Path):
    assert_golden_problems(path, lambda p: load_mapping(p, find_framework, display=p.name))


def test_a_framework_file_may_not_claim_to_be_an_overlay(tmp_path):
    text = (FRAMEWORKS / "tiny.yaml").read_text(encoding="utf-8")
    path = tmp_path / "claims.yaml"
    path.write_text(text + "based_on: {id: nps-2018, version: '2018', title: x}\n", encoding="utf-8")
    with pytest.raises(InvalidFile, match="based_on is set by an overlay file"):
        load_framework(path)


def test_overlays_that_apply_to_each_other_in_a_circle_are_refused_in_bounded_time(tmp_path):
    for me, other in (("a", "b"), ("b", "a")):
        (tmp_path / f"{me}.yaml").write_text(f"overlay: {me}\ntitle: {me}\nversion: '1'\n"
                                             f"applies_to: {{framework: {other}, version: '1'}}\n", encoding="utf-8")
    with pytest.raises(InvalidFile, match="in a circle|no framework with id"):
        load_framework(tmp_path / "a.yaml")


def test_validate_passes_for_everything_that_ships():
    done = subprocess.run([sys.executable, "-m", "assessment", "validate", *sorted(str(p) for p in
                           (ROOT / "frameworks").iterdir()), *sorted(str(p) for p in (ROOT / "data" / "examples").glob("*.yaml"))],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "valid overlay worcestershire-2022 version 2022 of nps-2018 2018 (9 key areas, 55 objectives)" in done.stdout
    assert "valid mapping from nps-2018 2018 to worcestershire-2022 2022" in done.stdout
    assert "valid framework nps-2018" in done.stdout and "JSON Schema of framework files" in done.stdout


# ---------------------------------------------------------------- each kind of mapping

def _tiny_period() -> PeriodRecord:
    return PeriodRecord("2023", entries={
        "S1": Entry("S1", score=Score(2.0), target=Score(3.0), comment="Plan agreed."),
        "S2": Entry("S2", score=Score(1.0), comment="Nobody qualified."),
        "D1": Entry("D1", score=Score(2.5), comment="Register half done.")})


def test_each_kind_of_mapping(tiny):
    mapping = load_mapping(FRAMEWORKS / "mappings" / "tiny-kit--tiny-two.yaml",
                           lambda i: find_framework(i, FRAMEWORKS))
    assert mapping.kinds["objective"] == {"S1a": "split", "S1b": "split", "D2": "equal", "N1": "new"}
    assert mapping.kinds["key_area"] == {"skills": "equal", "data": "equal"}   # not named, same id: equal
    assert mapping.retired["objective"] == ["S2"]
    seen = mapping.translate(_tiny_period())
    assert set(seen.entries) == {"S1a", "S1b", "D2"}                         # retired gone; new has no past
    assert seen.entries["S1a"].score == seen.entries["S1b"].score == Score(2.0)   # split: each takes it
    assert seen.entries["S1b"].comment == "Plan agreed." and seen.entries["S1b"].item == "S1b"
    assert seen.entries["D2"].score == Score(2.5) and seen.entries["D2"].item == "D2"
    assert seen.scored_against == "Tiny maturity kit, version 0.1" and seen.framework_id == "tiny-kit"


def test_a_merged_item_takes_the_mean_to_a_step_the_new_framework_allows(tiny, local):
    mapping = load_mapping(FRAMEWORKS / "mappings" / "tiny-kit--tiny-local.yaml",
                           lambda i: find_framework(i, FRAMEWORKS))
    period = PeriodRecord("2023", key_area_entries={
        "skills": Entry("skills", kind="key_area", score=Score(2.0), target=Score(3.0), comment="Training planned."),
        "data": Entry("data", kind="key_area", score=Score(2.5), comment="Register started.")})
    seen = mapping.translate(period)
    merged = seen.key_area_entries["skills-and-data"]
    assert merged.score == Score(2.0)     # mean 2.25, and the merged key area allows whole levels only
    assert merged.target == Score(3.0)
    assert merged.comment == "Skills: Training planned.\n\nData: Register started."
    both_na = PeriodRecord("2023", key_area_entries={k: Entry(k, kind="key_area", score=NOT_APPLICABLE)
                                                     for k in ("skills", "data")})
    assert mapping.translate(both_na).key_area_entries["skills-and-data"].score == NOT_APPLICABLE


# ---------------------------------------------------------------- Worcestershire, as printed in its strategy

def test_worcestershire_overlay_is_transcribed_from_the_seed(nps, worcs):
    """Every title, description and reworded descriptor stands in the seed as the overlay has it;
    the levels the seed does not print are NPS 2018's, as the file says."""
    lines = SEED.splitlines()
    names = {1: "Minimum", 2: "Developing", 3: "Mature", 4: "Leader", 5: "Innovator"}
    for theme in worcs.themes:
        assert any(line.endswith(" " + theme.title) for line in lines), theme.title
    printed_levels = 0
    for ka in worcs.key_areas.values():
        assert any(re.match(rf"^3\.\d\.\d {re.escape(ka.title)}$", line) for line in lines), ka.title
        for paragraph in ka.description.split("\n"):
            assert paragraph in lines, paragraph
        base = nps.key_areas.get(ka.id) or nps.key_areas["engaging-councillors"]   # the merged: rubric_from
        for level, text in ka.rubric.items():
            printed = [line for line in lines if line.startswith(f"{names[level]}\t{text}\t")]
            if printed:
                printed_levels += 1
            else:
                assert text == base.rubric[level], (ka.id, level)
    assert printed_levels == 18   # two levels for each of the nine key areas


def test_worcestershire_record_is_today_and_target_as_printed(worcs, worcestershire):
    period = worcestershire.period("2022")
    assert set(period.key_area_entries) == set(worcs.key_areas)
    for ka_id, entry in period.key_area_entries.items():
        rubric = worcs.key_areas[ka_id].rubric
        today = next(line for line in SEED.splitlines() if line.endswith("\tWhere we are today")
                     and line.split("\t")[1] == rubric[int(entry.score.value)])
        wanted = next(line for line in SEED.splitlines() if line.endswith("\tWhere we want to be")
                      and line.split("\t")[1] == rubric[int(entry.target.value)])
        assert today and wanted and entry.target_period == "2025"


def test_worcestershire_summary_lists_its_nine_key_areas(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    run = lambda *a: subprocess.run([sys.executable, "-m", "assessment", "--database", url, *a], cwd=ROOT,  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    assert run("demo").returncode == 0
    import json
    shown = json.loads(run("summary", "--org", "worcestershire", "--period", "2022", "--format", "json").stdout)
    assert shown["framework"] == {"id": "worcestershire-2022", "version": "2022"}
    assert [k["title"] for k in shown["key_areas"]] == [ka.title for ka in find_framework("worcestershire-2022")
                                                       .key_areas.values()]
    assert len(shown["key_areas"]) == 9 and shown["key_areas"][0]["title"] == "Engaging with Members and Senior Leaders"
    assert shown["overall"]["n"] == 9


# ---------------------------------------------------------------- a record across a change of framework

def test_medways_2023_seen_through_the_mapping_to_worcestershires_framework(nps, worcs, medway):
    """Medway's NPS 2018 record on Worcestershire's overlay: the merged key area rolls up the
    objectives of both NPS key areas; the enablers' objectives are retired."""
    mapping = find_mapping("nps-2018", "worcestershire-2022", find_framework)
    seen = mapping.translate(medway.period("2023"))
    assert len(seen.entries) == 55 and not {"56", "57", "58", "59"} & set(seen.entries)
    assert seen.scored_against == nps.name
    both = [*nps.objective_ids["engaging-councillors"], *nps.objective_ids["engaging-senior-managers"]]
    hand = [medway.period("2023").entries[o].score.value for o in both if medway.period("2023").entries[o].score.is_scored]
    merged = key_area_summary(worcs, seen, "engaging-members-and-senior-leaders")
    assert merged.score.n == len(hand) and merged.score.mean == pytest.approx(sum(hand) / len(hand))
    risk_nps = key_area_summary(nps, medway.period("2023"), "managing-strategic-risk")
    risk = key_area_summary(worcs, seen, "managing-strategic-risk")
    assert (risk.score.n, risk.score.mean) == (risk_nps.score.n, risk_nps.score.mean)


def test_a_period_on_another_framework_with_no_mapping_keeps_no_scores_and_says_why(nps, worcs, medway):
    def none(old, new):
        raise NotFound("no mapping")
    record = copy.deepcopy(medway)
    record.framework_id, record.framework_version = "worcestershire-2022", "2022"
    for period in record.periods:
        period.framework_id, period.framework_version = "nps-2018", "2018"
    seen = on_framework(record, worcs, find_framework, none)
    assert all(p.entries == {} and p.mapping_missing for p in seen.periods)
    assert seen.period("2022").scored_against_line() == (
        "2022 was scored against National Procurement Strategy for Local Government in England 2018; no mapping to "
        "the framework followed now is kept, so its scores are not shown")


def test_changing_framework_carries_through_the_mapping_and_keeps_the_past(store, medway):
    from assessment import workflows
    from assessment.workflows import LOCAL_ACTOR, queries

    from .conftest import save_record
    save_record(store, medway)
    started = workflows.start_period(store, LOCAL_ACTOR, "medway", "2024", framework_id="worcestershire-2022")
    assert started.carried == 55   # the four enablers' objectives are not part of it
    view = queries.record(store, LOCAL_ACTOR, "medway")
    assert view.framework.id == "worcestershire-2022"
    old = view.record.period("2023")
    assert old.framework_id == "nps-2018" and old.scored_against_line().startswith(
        "2023 was scored against National Procurement Strategy for Local Government in England 2018, shown here")
    assert "59" not in old.entries and old.entries["1"].score == medway.period("2023").entries["1"].score
    summary = queries.period_summary(store, LOCAL_ACTOR, "medway", "2024", "2023")
    assert [k["id"] for k in summary["key_areas"]][0] == "engaging-members-and-senior-leaders"
    with pytest.raises(PeriodLocked, match="2023 is scored against nps-2018 2018, not the framework"):
        workflows.save_edits(store, LOCAL_ACTOR, "medway", "2023", [])
    # the stored record keeps each period on its own framework, and a record file says so
    exported = queries.record_export(store, LOCAL_ACTOR, "medway")
    assert exported["framework"] == {"id": "worcestershire-2022", "version": "2022"}
    assert [p.get("framework") for p in exported["periods"]] == [{"id": "nps-2018", "version": "2018"}] * 2 + [None]


def test_reports_say_where_the_framework_changed(store, medway):
    """The report, the Word report and appendix and the summary say which period was scored against
    which framework, once the organisation has moved to Worcestershire's."""
    import io

    from docx import Document

    from assessment import workflows
    from assessment.domain.summary import summary_table
    from assessment.formats.writers.word_appendix import appendix_docx
    from assessment.formats.writers.word_report import report_docx
    from assessment.workflows import LOCAL_ACTOR, queries

    from .conftest import save_record
    save_record(store, medway)
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024", framework_id="worcestershire-2022")
    said = ("2023 was scored against National Procurement Strategy for Local Government in England 2018, shown "
            "here through the mapping to the framework followed now")
    report, view = queries.report(store, LOCAL_ACTOR, "medway", "2024")
    assert report.framework_notes[-1] == said and len(report.framework_notes) == 2
    assert report.compare_with == "2023" and report.key_areas[0].title == "Engaging with Members and Senior Leaders"
    assert report.key_areas[0].before is not None and report.key_areas[0].before.n > 0   # movement across the change
    words = "\n".join(p.text for p in Document(io.BytesIO(report_docx(view.framework, view.record, "2024").data)).paragraphs)
    assert said + "." in words and "Worcestershire County Council Procurement Outcomes Framework" in words
    appendix = Document(io.BytesIO(appendix_docx(view.framework, view.record, ["2023", "2024"]).data))
    assert said + "." in "\n".join(p.text for p in appendix.paragraphs)
    table = summary_table(queries.period_summary(store, LOCAL_ACTOR, "medway", "2024", "2023"))
    assert table.rstrip().endswith(said)


def test_imports_read_either_shape(store, nps, worcs, worcestershire, worcestershire_on_nps):
    """Worcestershire's workbook in its own framework's shape reads back as it is; one in the shape of
    NPS 2018 itself (ten key areas) is read against NPS and brought across through the mapping. (The
    Word appendix reader reads records kept per objective only, so a key-area record comes as a workbook.)"""
    from assessment import workflows
    from assessment.formats.writers.excel_workbook import workbook_xlsx
    from assessment.workflows import LOCAL_ACTOR

    from .conftest import save_record
    own = copy.deepcopy(worcestershire)
    save_record(store, own)
    workflows.withdraw_period(store, LOCAL_ACTOR, "worcestershire", "2022", reason="to import into it")
    mine = workflows.preview_import(store, LOCAL_ACTOR, "worcestershire", "own.xlsx",
                                    workbook_xlsx(worcs, own).data)
    assert not mine.plan.problems and set(mine.plan.periods[0].key_area_entries) == set(worcs.key_areas)
    assert all(p.changed == [] for p in mine.periods)
    nps_shaped = copy.deepcopy(worcestershire_on_nps)
    for entry in nps_shaped.period("2022").key_area_entries.values():
        entry.score = Score(3.0)
    nps_shaped.period("2022").key_area_entries["engaging-senior-managers"].score = Score(4.0)
    theirs = workflows.preview_import(store, LOCAL_ACTOR, "worcestershire", "nps.xlsx",
                                      workbook_xlsx(nps, nps_shaped).data)
    assert not theirs.plan.problems and theirs.plan.framework_id == "worcestershire-2022"
    assert "was read against that and brought across" in str(theirs.plan.warnings[0])
    read = theirs.plan.periods[0].key_area_entries
    assert set(read) == set(worcs.key_areas)
    assert read["engaging-members-and-senior-leaders"].score == Score(3.5)   # the mean of 3 and 4
    workflows.apply_import(store, LOCAL_ACTOR, theirs)
    from .conftest import stored
    kept = stored(store, "worcestershire").period("2022").key_area_entries
    assert kept["engaging-members-and-senior-leaders"].score == Score(3.5) and kept["managing-strategic-risk"].score == Score(3.0)


def test_record_files_and_backups_carry_each_periods_framework(db_url, medway, tmp_path):
    """After a change of framework, a record file and a backup each bring every period back on the
    framework it was scored against."""
    import yaml

    from assessment import workflows
    from assessment.formats.record_file import load_record, record_as_data
    from assessment.storage.store import open_store
    from assessment.workflows import LOCAL_ACTOR, queries

    from .conftest import save_record
    store = open_store(db_url)
    save_record(store, medway)
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024", framework_id="worcestershire-2022")
    with store.transaction(write=False) as tx:
        saved = tx.load_record("medway")   # as kept: each period on its own framework
    path = tmp_path / "medway.yaml"
    path.write_text(yaml.safe_dump(record_as_data(saved), allow_unicode=True, sort_keys=False), encoding="utf-8")
    again = load_record(path, find_framework)
    assert again.framework_id == "worcestershire-2022"
    assert [(p.period, p.framework_id) for p in again.sorted_periods()] == [
        ("2022", "nps-2018"), ("2023", "nps-2018"), ("2024", None)]
    assert again.period("2023").entries["59"].score == medway.period("2023").entries["59"].score   # its own ids
    data = workflows.backup(store, LOCAL_ACTOR)
    other = open_store(f"sqlite:///{tmp_path / 'restored.db'}")
    workflows.restore(other, LOCAL_ACTOR, data, source="backup.json")
    restored = queries.record(other, LOCAL_ACTOR, "medway")
    assert restored.framework.id == "worcestershire-2022"
    assert [p.framework_id for p in restored.record.sorted_periods()] == ["nps-2018", "nps-2018", None]
    assert restored.record.period("2023").scored_against is not None


def test_a_council_moves_to_its_own_framework_in_the_app(tmp_path, monkeypatch):
    """On Start, a new period can be scored against a framework a mapping leads to (chosen by name);
    the score page then shows its key areas, the report says where the framework changed, and an
    earlier period is read-only."""
    from assessment import workflows
    from assessment.storage.store import open_store

    from .conftest import shown, stored
    from .test_ui_report import open_report
    from .test_ui_scoring import new_app, open_score_page
    url = f"sqlite:///{tmp_path / 'ui.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    workflows.ensure_examples(workflows.connect(url))
    at = new_app("medway", "2023")
    chooser = at.selectbox(key="home.new_framework.medway")
    assert chooser.options == [find_framework("nps-2018").name, find_framework("worcestershire-2022").name]
    chooser.set_value("worcestershire-2022")
    at.text_input(key="home.new_period").input("2024")
    at.button(key="home.start").click().run()
    assert not at.exception, at.exception
    assert stored(open_store(url), "medway").framework_id == "worcestershire-2022"
    open_score_page(at)
    assert at.selectbox(key="score.key_area").value == "engaging-members-and-senior-leaders"
    open_report(at)
    notes = [i.value for i in shown(at.info)]
    assert any(n.startswith("2023 was scored against National Procurement Strategy for Local Government in "
                            "England 2018, shown here through the mapping") for n in notes), notes
