"""Respondent rounds on a record scored one level per key area, and moderators named per round
(issue 30), through the application layer on SQLite and PostgreSQL, the command line and a backup.

A round asks about what its period is scored by: on a key-area record, its key areas, whose agreed
levels are written into the key-area entries. A round may name some of the organisation's editors
as its moderators: they alone read the answers and the spread and agree the scores (so an editor
who answered does not read the others' answers); any editor applies them."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from assessment import workflows
from assessment.cli import main
from assessment.domain.edits import EntryEdit
from assessment.domain.errors import AssessmentError, InvalidEdit, NotAllowed
from assessment.formats.framework_file import find_framework
from assessment.domain.round_report import moderation_log, views_table
from assessment.formats.answers_file import load_answers
from assessment.storage.backup import backup, restore
from assessment.workflows import LOCAL_ACTOR, Actor, queries

from .conftest import stored

HEAD = Actor("head@medway.gov.uk", roles={"medway": "administrator"})
EDITOR = Actor("editor@medway.gov.uk", roles={"medway": "editor"})
TODAY = date.today()
AREAS = ["engaging-councillors", "engaging-senior-managers"]


@pytest.fixture
def key_area_round(store):
    """The examples; Medway's 2024 started one level per key area (carried from 2023's objectives),
    and a confidential round on two of its key areas."""
    workflows.ensure_examples(store)
    workflows.add_person(store, LOCAL_ACTOR, HEAD.name, "medway", "administrator")
    workflows.add_person(store, LOCAL_ACTOR, EDITOR.name, "medway", "editor")
    workflows.start_period(store, HEAD, "medway", "2024", per="key_area")
    return workflows.open_round(store, HEAD, "medway", "2024", closes=TODAY + timedelta(days=14), items=AREAS, k=3)


def _answer_all(store, round_id: int, levels: list[tuple[str, str]]) -> None:
    for n, (first, second) in enumerate(levels):
        token = workflows.invite(store, HEAD, round_id, f"p{n}@partner.org", department="Finance",
                                 perspectives=["finance"]).token
        assert token is not None
        workflows.answer_by_link(store, token, {AREAS[0]: (first, f"View {n}"), AREAS[1]: (second, "")}, submit=True)


def test_a_round_on_a_key_area_record_asks_about_key_areas_and_writes_their_entries(store, key_area_round):
    r = key_area_round
    assert (r.kind, r.items) == ("key_area", tuple(AREAS))
    token = workflows.invite(store, HEAD, r.id, "x@partner.org", department="Legal", perspectives=["legal"]).token
    assert token is not None
    asked = workflows.questionnaire_by_link(store, token)
    assert asked.items == AREAS
    with pytest.raises(InvalidEdit, match="key area 1 is not asked in round 1"):
        workflows.answer_by_link(store, token, {"1": ("3", "")})
    with pytest.raises(AssessmentError, match="key area engaging-councillors"):
        workflows.answer_by_link(store, token, {AREAS[0]: ("7", "")})
    workflows.answer_by_link(store, token, {AREAS[0]: ("2/3", "Half way"), AREAS[1]: ("don't know", "")},
                             submit=True)
    _answer_all(store, r.id, [("2", "3"), ("4", "3")])
    workflows.close_round(store, HEAD, r.id)
    figures = workflows.round_spread(store, HEAD, r.id)
    first = figures.objectives[AREAS[0]]
    assert (first.n, first.lowest, first.highest, first.flagged) == (3, 2, 4, True)
    with pytest.raises(InvalidEdit, match="key area engaging-councillors: say why the agreed score is 3"):
        workflows.moderate(store, HEAD, r.id, AREAS[0], "3")
    workflows.moderate(store, HEAD, r.id, AREAS[0], "3", rationale="Agreed at the board")
    with pytest.raises(AssessmentError, match="agree a score for every key area first: 1 not yet"):
        workflows.apply_round(store, HEAD, r.id)
    workflows.moderate(store, HEAD, r.id, AREAS[1], "3")
    before = stored(store, "medway").period("2024").key_area_entries
    assert workflows.apply_round(store, HEAD, r.id) == AREAS
    after = stored(store, "medway").period("2024")
    assert [after.key_area_entries[a].score.value for a in AREAS] == [3, 3]
    assert not after.key_area_entries[AREAS[0]].carried
    assert after.entries == {} or all(e.score.state == "unscored" for e in after.entries.values())
    untouched = [a for a in before if a not in AREAS]
    assert all(after.key_area_entries[a] == before[a] for a in untouched)
    last = queries.history(store, HEAD, "medway", "2024", AREAS[0], "key_area")[-1]
    assert last.change == f"moderated from round {r.id}"
    report = queries.round_report(store, HEAD, "medway", "2024")
    assert report is not None
    framework = find_framework("nps-2018")
    rows = views_table(report, framework)
    assert [row["Key area"] for row in rows] == [framework.key_areas[a].title for a in AREAS]
    assert rows[0]["Agreed level"].startswith("3 – ") and "3 answering" in rows[0]["Respondents"]
    assert moderation_log(report, framework)[0]["Rationale"] == "Agreed at the board"
    workflows.confirm_scores(store, HEAD, "medway", "2024")     # the 12 key areas the round did not ask about
    workflows.submit_period(store, HEAD, "medway", "2024")


def test_a_key_area_round_is_refused_where_the_entry_changed_since_it_opened(store, key_area_round):
    r = key_area_round
    _answer_all(store, r.id, [("3", "3"), ("3", "3"), ("3", "3")])
    saved = stored(store, "medway").period("2024").key_area_entries[AREAS[1]]
    workflows.save_edits(store, HEAD, "medway", "2024",
                         [EntryEdit(AREAS[1], kind="key_area", base_version=saved.version, score="2/3")])
    workflows.close_round(store, HEAD, r.id)
    for area in AREAS:
        workflows.moderate(store, HEAD, r.id, area, "3")
    with pytest.raises(AssessmentError, match="key area engaging-senior-managers changed since the round opened"):
        workflows.apply_round(store, HEAD, r.id)
    kept = stored(store, "medway").period("2024").key_area_entries
    assert kept[AREAS[1]].score.value == 2.5 and kept[AREAS[0]].version == 1     # all or nothing


def test_what_a_round_asks_about_follows_how_the_period_is_scored(store):
    workflows.ensure_examples(store)
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024", per="key_area")
    closes = TODAY + timedelta(days=7)
    with pytest.raises(InvalidEdit, match="2024 is scored one level per key area: a round on it asks about key "
                                          "areas, not objectives"):
        workflows.open_round(store, LOCAL_ACTOR, "medway", "2024", closes=closes, items=["1"], kind="objective")
    with pytest.raises(InvalidEdit, match="has no key area 1 \\(its periods are scored one level per key area\\)"):
        workflows.open_round(store, LOCAL_ACTOR, "medway", "2024", closes=closes, items=["1"])
    whole = workflows.open_round(store, LOCAL_ACTOR, "medway", "2024", closes=closes)
    framework = find_framework("nps-2018")
    assert whole.kind == "key_area" and whole.items is None and len(framework.key_areas) == 14


def test_a_key_area_round_is_refused_on_a_record_scored_per_objective(store):
    workflows.ensure_examples(store)
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024")
    with pytest.raises(InvalidEdit, match="2024 is scored one level per objective: a round on it asks about "
                                          "objectives, not key areas"):
        workflows.open_round(store, LOCAL_ACTOR, "medway", "2024", closes=TODAY + timedelta(days=7),
                             items=AREAS[:1], kind="key_area")
    assert workflows.open_round(store, LOCAL_ACTOR, "medway", "2024", closes=TODAY + timedelta(days=7)).kind == \
        "objective"


def test_named_moderators_alone_read_the_answers_and_agree_and_any_editor_applies(store, key_area_round):
    r = key_area_round
    with pytest.raises(InvalidEdit, match="cllr@medway.gov.uk is not an editor here"):
        workflows.add_person(store, LOCAL_ACTOR, "cllr@medway.gov.uk", "medway", "reviewer")
        workflows.set_moderators(store, HEAD, r.id, ["cllr@medway.gov.uk"])
    with pytest.raises(InvalidEdit, match="nobody@medway.gov.uk is not an editor here"):
        workflows.set_moderators(store, HEAD, r.id, ["nobody@medway.gov.uk"])
    with pytest.raises(NotAllowed):
        workflows.set_moderators(store, Actor("cllr@medway.gov.uk", roles={"medway": "reviewer"}), r.id, [])
    named = workflows.set_moderators(store, HEAD, r.id, [" Editor@Medway.gov.uk ", "editor@medway.gov.uk"])
    assert named.moderators == ("editor@medway.gov.uk",)
    assert not workflows.may_moderate(HEAD, named) and workflows.may_moderate(EDITOR, named)
    _answer_all(store, r.id, [("3", "3"), ("2", "3"), ("3", "4")])
    for refused in (lambda: workflows.round_spread(store, HEAD, r.id),
                    lambda: workflows.round_answers(store, HEAD, r.id)):
        with pytest.raises(NotAllowed, match="may not moderate round 1: its moderators are editor@medway.gov.uk"):
            refused()
    assert len(workflows.round_answers(store, EDITOR, r.id)) == 3
    workflows.close_round(store, HEAD, r.id)
    with pytest.raises(NotAllowed, match="may not moderate round 1"):
        workflows.moderate(store, HEAD, r.id, AREAS[0], "3")
    for area in AREAS:
        workflows.moderate(store, EDITOR, r.id, area, "3")
    history = [e.details for e in queries.period_history(store, HEAD, "medway", "2024") if e.kind == "round"]
    assert {"round": r.id, "moderators": ["editor@medway.gov.uk"]} in history
    assert workflows.apply_round(store, HEAD, r.id) == AREAS     # applying writes the period: any editor
    with pytest.raises(AssessmentError, match="the round is applied"):
        workflows.set_moderators(store, HEAD, r.id, [])


def test_moderators_go_back_to_the_editors_and_survive_a_backup(store, empty, key_area_round):
    r = key_area_round
    workflows.set_moderators(store, HEAD, r.id, [EDITOR.name])
    data = backup(store)
    (saved,) = [x for o in json.loads(data)["organisations"] for a in o["assessments"] for x in a["rounds"]]
    assert json.loads(saved["moderators"]) == [EDITOR.name] and json.loads(data)["format_version"] >= 12
    target = empty()
    restore(target, data)
    with target.transaction(write=False) as tx:
        assert tx.round(r.id).moderators == (EDITOR.name,)
    assert backup(target) == data
    back = workflows.set_moderators(store, HEAD, r.id, [])
    assert back.moderators == () and workflows.may_moderate(HEAD, back)


def test_the_command_line_opens_a_key_area_round_and_names_its_moderators(store, db_url, tmp_path, capsys):
    workflows.ensure_examples(store)
    workflows.add_person(store, LOCAL_ACTOR, EDITOR.name, "medway", "editor")
    workflows.start_period(store, LOCAL_ACTOR, "medway", "2024", per="key_area")

    def cli(*args: str, ok: bool = True) -> str:
        code = main(["--database", db_url, *args])
        out = capsys.readouterr()
        assert (code == 0) == ok, out
        return out.out if ok else out.err
    closes = (TODAY + timedelta(days=10)).isoformat()
    assert "not both" in cli("round", "open", "2024", "--org", "medway", "--objectives", "1", "--key-areas", "all",
                             "--closes", closes, ok=False)
    assert "asks about key areas, not objectives" in cli("round", "open", "2024", "--org", "medway", "--objectives",
                                                         "1,2", "--closes", closes, ok=False)
    said = cli("round", "open", "2024", "--org", "medway", "--key-areas", ",".join(AREAS), "--closes", closes,
               "--moderator", EDITOR.name, "--perspective", "Cabinet member", "--perspective", "supplier")
    assert "asking about 2 key areas" in said
    round_id = said.strip().splitlines()[-1]
    assert "2 key areas" in cli("round", "list", "--org", "medway")
    paper = tmp_path / "answers.yaml"
    paper.write_text(f"answers:\n  - key_area: {AREAS[0]}\n    score: 3\n  - key_area: {AREAS[1]}\n"
                     "    score: n/a\n", encoding="utf-8")
    assert load_answers(paper) == {AREAS[0]: (3, ""), AREAS[1]: ("n/a", "")}
    assert "legal is not a perspective of this round (Cabinet member, supplier)" in cli(
        "round", "invite", round_id, "--email", "b@partner.org", "--department", "Legal", "--perspective", "legal",
        ok=False)
    cli("round", "invite", round_id, "--email", "b@partner.org", "--department", "Legal", "--perspective", "supplier")
    assert "2 answers submitted" in cli("import", "answers", str(paper), "--round", round_id, "--email",
                                        "b@partner.org")
    assert f"round {round_id} is moderated by {EDITOR.name}" in cli("round", "moderators", round_id, "--email",
                                                                    EDITOR.name)
    assert "moderated by the organisation's editors" in cli("round", "moderators", round_id)
    both = tmp_path / "both.yaml"
    both.write_text('answers:\n  - objective: "1"\n    key_area: x\n    score: 3\n', encoding="utf-8")
    with pytest.raises(AssessmentError, match="both.yaml:2: answers\\[0\\]: give the objective"):
        load_answers(both)


# ---------------------------------------------------------------- the band on the radar (a round on key areas)

def test_a_key_area_round_puts_the_respondents_range_on_the_radar_and_in_its_table(store, key_area_round, tmp_path):
    import io

    import altair as alt
    from docx import Document

    from assessment.domain.report import radar_rows
    from assessment.domain.round_report import BAND_COLUMN, radar_band
    from assessment.formats.charts import BAND_NAME, chart_png, radar_caption, radar_chart, radar_text_table
    from assessment.formats.writers.word_report import report_docx
    r = key_area_round
    _answer_all(store, r.id, [("2", "3"), ("4", "3"), ("3", "3")])
    workflows.close_round(store, HEAD, r.id)
    workflows.moderate(store, HEAD, r.id, AREAS[0], "3", rationale="Two levels apart")
    workflows.moderate(store, HEAD, r.id, AREAS[1], "3")
    workflows.apply_round(store, HEAD, r.id)
    framework = find_framework("nps-2018")
    view = queries.record(store, HEAD, "medway")
    report = queries.round_report(store, HEAD, "medway", "2024")
    band = radar_band(report, framework)
    titles = [framework.key_areas[a].title for a in AREAS]
    assert [(t, band[t].lowest, band[t].highest, band[t].n) for t in band] == [(titles[0], 2, 4, 3),
                                                                                (titles[1], 3, 3, 3)]
    rows = radar_rows(framework, view.record, "2024", None)
    table = radar_text_table(rows, band)
    by_area = {line["Key area"]: line[BAND_COLUMN] for line in table}
    assert by_area[titles[0]] == "2 to 4 (n = 3)" and by_area[titles[1]] == "all 3 (n = 3)"
    assert {v for k, v in by_area.items() if k not in titles} == {"–"}
    spec = radar_chart(rows, framework, band=band)
    alt.LayerChart.from_dict(spec, validate=True)
    assert len(spec["datasets"]["bands"]) == 4 and BAND_NAME in [t["text"] for t in spec["datasets"]["legend_text"]]
    assert "pale blue band" in radar_caption(rows, band) and "pale blue band" in spec["description"]
    assert chart_png(spec)[:4] == b"\x89PNG"
    plain = radar_chart(rows, framework)                       # no round on key areas: no band
    assert "bands" not in plain["datasets"] and "pale blue band" not in radar_caption(rows)
    document = Document(io.BytesIO(report_docx(framework, view.record, "2024", views=report).data))
    numbers = next(t for t in document.tables if t.rows[0].cells[0].text == "Key area")
    assert numbers.rows[0].cells[-1].text == BAND_COLUMN
    assert any("pale blue band" in p.text for p in document.paragraphs)
