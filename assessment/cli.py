"""`python -m assessment ...`: a thin shell over the core.

Errors a user can cause are printed as one line (or one line per problem) on standard error with
exit status 2; nothing here holds a business rule.
"""

from __future__ import annotations

import json
import os
import sys
import textwrap
from datetime import date
from pathlib import Path
from typing import Any

import click

from . import workflows
from .domain import limits
from .domain.errors import AssessmentError, BackupError, InvalidFile
from .domain.numbers import counted, format_mean
from .domain.plan import Plan
from .domain.plan_report import number_words
from .domain.peer_records import with_a_median
from .domain.peer_report import GroupLike, ReleaseLike, chosen_group, group_key
from .domain.people import DEPLOYMENT_ADMINISTRATOR, ROLES, email_address
from .domain.record import (
    DEFAULT_FRAMEWORK,
    MAIN_RECORD,
    PLAN_RECORD,
    long_date,
    long_date_time,
    record_key,
    record_name,
)
from .domain.rollups import scored_per, scored_words, switch_words
from .formats.framework_file import (
    SCHEMA_PATH,
    find_framework,
    framework_files,
    framework_or_overlay,
    schema_text,
)
from .formats.covering_file import looks_like_report_text
from .formats.record_schema import snapshot_data
from .formats.yaml_source import read_yaml
from .workflows import queries

FORMATS = click.Choice(["table", "json"])
_RECORD = click.option("--record", "record", type=click.Choice(["scores", "plan"]), default="scores",
                       show_default=True,
                       help="Which of the organisation's records: its maturity scores, or the plan it follows "
                            "beside them (docs/framework-format.md, Plans).")


def record_of(org_id: str, record: str) -> str:
    """The key of the organisation's record named on the command line (`--record`)."""
    return record_key(org_id, PLAN_RECORD if record == "plan" else MAIN_RECORD)
DOCUMENT_FORMATS = click.Choice(["docx", "pdf"])
FORMAT_HELP = ("docx (Word, the default) or pdf (made by LibreOffice, which must be installed; the default "
               "when --out ends in .pdf).")


class Context:
    """The database (opened when a command first needs it) and who is acting: with no sign-in on
    the command line, the local user."""

    def __init__(self, database: str | None):
        self.database = database
        self.actor = workflows.LOCAL_ACTOR
        self._store = None

    @property
    def store(self):
        if self._store is None:
            self._store = workflows.connect(self.database)
        return self._store


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--database", metavar="URL", envvar="DATABASE_URL",
              help="Database URL (default: the SQLite file data/assessment.db; or set DATABASE_URL).")
@click.pass_context
def cli(ctx: click.Context, database: str | None) -> None:
    """Procurement maturity self-assessment against the National Procurement Strategy (NPS 2018)
    or any framework file: validate files, keep organisations' records, summarise and compare."""
    ctx.obj = Context(database)


# ---------------------------------------------------------------- validate

@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check framework, plan, overlay, mapping, record, plan record and report-text files (a folder: every
    YAML file in it); print every problem as PATH:LINE: where: message.

    Every file is checked, whatever an earlier one held; exits 0 only when every file is valid, else
    2 (1 if checking a file went wrong in this program). frameworks/schema.json (the JSON Schema of
    framework files) is recognised and passed over, so `validate frameworks/*` checks everything that
    ships.
    """
    from .formats.framework_file import framework_from_data
    from .formats.mapping_file import mapping_from_data
    from .formats.covering_file import covering_from_data
    from .formats.plan_file import plan_from_data
    from .formats.plan_record_file import plan_record_from_data
    from .formats.record_file import record_from_data
    failed = unexpected = False
    files: list[Path] = []
    for given in paths:
        try:
            files += sorted(given.glob("*.y*ml")) if given.is_dir() else [given]
        except OSError as exc:   # a folder that cannot be listed: said, and the others are still checked
            failed = True
            click.echo(f"{given}: (file): cannot be read: {exc.strerror or exc}", err=True)
    for path in files:
        try:
            data, source = read_yaml(path)
            kind = file_kind(data)
            if kind == "plan":
                plan = plan_from_data(data, source)
                counts = plan.counts()
                click.echo(f"{path}: valid plan {plan.id} version {plan.version} "
                           f"({counted(counts['themes'], 'theme')}, "
                           f"{counted(counts['outcomes'], 'outcome')}, {counted(counts['indicators'], 'indicator')}, "
                           f"{counted(counts['actions'], 'action')}; rated "
                           + ", ".join(r.name for r in plan.ratings) + ")")
            elif kind == "framework":
                fw = framework_from_data(data, source)
                click.echo(f"{path}: valid framework {fw.id} version {fw.version} "
                           f"({len(fw.key_areas)} key areas, {len(fw.objectives)} objectives)")
            elif kind == "overlay":
                fw = framework_or_overlay(data, source, path)   # an overlay: the framework it makes
                base = f"{fw.based_on.id} {fw.based_on.version}" if fw.based_on else "its framework"
                click.echo(f"{path}: valid overlay {fw.id} version {fw.version} of {base} "
                           f"({len(fw.key_areas)} key areas, {len(fw.objectives)} objectives)")
            elif kind == "mapping":
                found = mapping_from_data(data, source, find_framework)
                click.echo(f"{path}: valid mapping from {found.old.id} {found.old.version} to {found.new.id} "
                           f"{found.new.version}")
            elif kind == "schema":
                click.echo(f"{path}: JSON Schema of framework files (see `schema --check`), not checked here")
            elif kind == "report text":
                report = covering_from_data(data, source)
                written = sum(1 for section in report.sections if section.written)
                click.echo(f"{path}: valid report text ({counted(len(report.sections), 'section')}, "
                           f"{written} written" + (f"; for {report.meeting.line()}" if report.meeting.line() else "")
                           + ")")
            elif kind == "plan record":
                found_plan = plan_record_from_data(data, source)
                click.echo(f"{path}: valid plan record for {found_plan.org_id} on {found_plan.plan.id} "
                           f"({counted(len(found_plan.periods), 'period')}: "
                           f"{', '.join(p.period for p in found_plan.periods)}; "
                           f"{counted(found_plan.entries(), 'entry', 'entries')})")
            elif kind == "record":
                record = record_from_data(data, source, find_framework)
                names = ", ".join(p.period for p in record.sorted_periods())
                click.echo(f"{path}: valid record for {record.organisation.name} "
                           f"({counted(len(record.periods), 'period')}: {names})")
            elif data is None:
                raise InvalidFile([source.problem((), "the file is empty")])
            else:
                raise InvalidFile([source.problem((), "is not a framework file (with levels and themes), a plan (kind: "
                                                      "plan), an overlay "
                                                      "(overlay, applies_to), a mapping (mapping: from, to), a "
                                                      "record file (with organisation and periods), a plan record "
                                                      "file (record: plan) or a report text (with sections)")])
        except InvalidFile as exc:
            failed = True
            for line in exc.shown():
                click.echo(line, err=True)
        except AssessmentError as exc:
            failed = True
            click.echo(f"{path}: {exc}", err=True)
        except Exception as exc:  # noqa: BLE001 - one file's bug does not stop the others being checked
            if os.environ.get("ASSESSMENT_DEBUG"):
                raise
            failed = unexpected = True
            first = str(exc).splitlines()[0] if str(exc) else ""
            click.echo(f"error: unexpected {type(exc).__name__} while checking {path}: {first} "
                       "(set ASSESSMENT_DEBUG=1 for details)", err=True)
    if failed:
        sys.exit(1 if unexpected else 2)


def file_kind(data: Any) -> str | None:
    """'framework', 'plan', 'overlay', 'mapping', 'schema', 'record', 'plan record', 'report text', or None
    when the data looks like none."""
    from .formats.plan_record_file import is_plan_record
    if isinstance(data, dict):
        if data.get("kind") == "plan":
            return "plan"
        if is_plan_record(data):
            return "plan record"
        if "overlay" in data:
            return "overlay"
        if "mapping" in data:
            return "mapping"
        if "$schema" in data:
            return "schema"
        if "organisation" in data or "periods" in data:
            return "record"
        if "themes" in data or "levels" in data:
            return "framework"
        if looks_like_report_text(data):
            return "report text"
    return None


@cli.command()
@click.option("--check", is_flag=True, help="Only check that frameworks/schema.json is current.")
def schema(check: bool) -> None:
    """Write the JSON Schema for framework files to frameworks/schema.json."""
    text = schema_text()
    if check:
        current = SCHEMA_PATH.read_text(encoding="utf-8") if SCHEMA_PATH.exists() else ""
        if current != text:
            raise AssessmentError("frameworks/schema.json is out of date; run `python -m assessment schema`")
        click.echo("frameworks/schema.json is current")
        return
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    click.echo(f"wrote {SCHEMA_PATH}")


# ---------------------------------------------------------------- frameworks

@cli.group()
def framework() -> None:
    """Frameworks in frameworks/ (or given by path)."""


@framework.command("list")
def framework_list() -> None:
    """List the frameworks and plans in frameworks/: id, version, title, and what it is (levels: a
    framework scored on levels; plan: outcomes rated red, amber and green, followed as a plan record)."""
    from .formats.plan_file import is_plan, plan_from_data
    for path in framework_files():
        try:
            data, source = read_yaml(path)
            if is_plan(data):
                plan = plan_from_data(data, source)
                click.echo(f"{plan.id}\t{plan.version}\t{plan.title}\tplan")
                continue
            fw = framework_or_overlay(data, source, path)
            click.echo(f"{fw.id}\t{fw.version}\t{fw.title}\tlevels")
        except InvalidFile as exc:
            click.echo(f"{path.name}\t(invalid: {counted(len(exc.problems), 'problem')}; run validate)")


@framework.command("show")
@click.argument("framework_id")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def framework_show(framework_id: str, fmt: str) -> None:
    """Show a framework (by id, or a path to a framework or overlay file), as an overlay makes it; or a
    plan, with its outcomes, indicators and actions."""
    from .formats.plan_file import plan_or_none
    plan = plan_or_none(framework_id)
    if plan is not None:
        _show_plan(plan, fmt)
        return
    fw = find_framework(framework_id)
    if fmt == "json":
        _json(fw.as_json())
        return
    click.echo(f"{fw.title} ({fw.id}, version {fw.version})")
    if fw.based_on:
        click.echo(f"An overlay of {fw.based_on.title} ({fw.based_on.id}, version {fw.based_on.version})")
    click.echo("Levels: " + ", ".join(lv.label for lv in fw.levels))
    for theme in fw.themes:
        click.echo(f"\n{theme.title}")
        for ka in theme.key_areas:
            click.echo(f"  {ka.title} [{ka.id}]")
            for o in ka.objectives:
                click.echo(f"    {o.id:>3}  {o.title}")


def _show_plan(plan: Plan, fmt: str) -> None:
    if fmt == "json":
        _json(plan.as_json())
        return
    click.echo(f"{plan.title} ({plan.id}, version {plan.version}): a plan")
    click.echo("Rated: " + ", ".join(r.name for r in plan.ratings))
    for theme in plan.themes:
        click.echo(f"\n{theme.title}")
        for outcome in theme.outcomes:
            click.echo(f"  Outcome: {outcome.title} [{outcome.id}]")
            for ind in outcome.indicators:
                base = f"; baseline {number_words(ind.baseline.value)} in {ind.baseline.period}" if ind.baseline else ""
                click.echo(f"    Indicator: {ind.title} [{ind.id}]" + (f" ({ind.unit}{base})" if ind.unit else ""))
            for action in outcome.actions:
                target = f" – {action.target.text()}" if action.target else ""
                click.echo(f"    {action.number}. {action.title}{target} [{action.id}]")


# ---------------------------------------------------------------- organisations and records

@cli.command()
@click.pass_obj
def demo(obj: Context) -> None:
    """Load the example records (data/examples/) into the database; safe to run again."""
    loaded = workflows.load_examples(obj.store, obj.actor)
    click.echo(f"loaded: {', '.join(loaded)}" if loaded else "the example records are already loaded")


@cli.group()
def orgs() -> None:
    """Organisations (councils)."""


@orgs.command("list")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@click.pass_obj
def orgs_list(obj: Context, fmt: str) -> None:
    """List organisations with their periods."""
    rows = queries.organisations(obj.store, obj.actor)
    if fmt == "json":
        _json([{"id": o.id, "name": o.name, "type": o.organisation.type, "region": o.organisation.region,
                "periods": o.periods} for o in rows])
        return
    if not rows:
        click.echo("no organisations yet (python -m assessment demo loads the examples)")
    for o in rows:
        click.echo(f"{o.id}\t{o.name}\t{', '.join(o.periods) or 'no periods'}")


@orgs.command("add")
@click.argument("org_id")
@click.option("--name", required=True, help="The organisation's name, e.g. 'Medway Council'.")
@click.option("--type", "org_type", help="One of: county, district, unitary, metropolitan borough, London borough, "
                                         "combined authority, other (\"Unitary authority\" is read as unitary).")
@click.option("--region", help="One of England's nine regions, e.g. 'South East'.")
@click.pass_obj
def orgs_add(obj: Context, org_id: str, name: str, org_type: str | None, region: str | None) -> None:
    """Add an organisation with a short id (lower case letters, digits, '-' and '_')."""
    org = workflows.add_organisation(obj.store, obj.actor, org_id, name, org_type, region)
    click.echo(f"added {org.id} ({org.name})")


@orgs.command("set")
@click.argument("org_id", metavar="ORG")
@click.option("--type", "org_type", help="One of: county, district, unitary, metropolitan borough, London borough, "
                                         "combined authority, other ('' for none; left out: as it is).")
@click.option("--region", help="One of England's nine regions, e.g. 'South East' ('' for none; left out: as it is).")
@click.pass_obj
def orgs_set(obj: Context, org_id: str, org_type: str | None, region: str | None) -> None:
    """Put an organisation's type and region right (the groups peers are compared in)."""
    org = workflows.set_organisation_place(obj.store, obj.actor, org_id, org_type, region)
    click.echo(f"{org.name}: type {org.type or 'none'}, region {org.region or 'none'}")


@orgs.command("delete")
@click.argument("org_id")
@click.option("--confirm", "confirm", required=True, metavar="NAME", help="The organisation's name, typed to confirm.")
@click.option("--backup", "backup_to", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Write a backup of the whole database here first (nothing is deleted if it cannot be).")
@click.option("--no-backup", is_flag=True, help="Delete without a backup first.")
@click.pass_obj
def orgs_delete(obj: Context, org_id: str, confirm: str, backup_to: Path | None, no_backup: bool) -> None:
    """Delete an organisation and everything of it: its periods, entries, actions, versions, drafts,
    events and people's roles there (the people stay: `users erase` them if they should go). Say
    --backup FILE, or --no-backup."""
    if (backup_to is None) == (not no_backup):
        raise click.UsageError("say --backup FILE to keep a backup first, or --no-backup",
                               ctx=click.get_current_context())
    if backup_to is not None:
        _writable(backup_to)
        _save_file(backup_to, workflows.backup(obj.store, obj.actor))
        click.echo(f"wrote {backup_to}")
    gone = workflows.delete_organisation(obj.store, obj.actor, org_id, confirm)
    click.echo(f"deleted {confirm.strip()} ({org_id}): {counted(gone['periods'], 'period')}, "
               f"{counted(gone['events'], 'event')} and {counted(gone['roles'], 'role')}")


@orgs.command("report-shape")
@click.argument("org_id")
@click.option("--start", "start", type=click.Choice(["cabinet", "scrutiny", "none"]),
              help="Start from a Cabinet report's sections (as Leicestershire's), a scrutiny report's (as "
                   "Worcestershire's), or none (no covering report).")
@click.pass_obj
def orgs_report_shape(obj: Context, org_id: str, start: str | None) -> None:
    """Show, or set, the sections of the council's committee report that its covering reports
    follow (name, order and mark them required on the Organisation page)."""
    if start is not None:
        workflows.set_report_shape(obj.store, obj.actor, org_id,
                                   None if start == "none" else workflows.shape_named(start))
    shape = queries.record(obj.store, obj.actor, org_id).record.report_shape
    if shape is None:
        click.echo(f"{org_id} has no report shape: its members' report has no covering report")
        return
    from .domain.covering import KIND_WORDS
    for n, section in enumerate(shape.sections, 1):
        click.echo(f"{n:>2}. {section.heading} ({KIND_WORDS[section.kind]}"
                   + (", required" if section.required else "") + ")")


@cli.group("import")
def import_() -> None:
    """Bring records in: a record file (YAML), a Word appendix, or a spreadsheet."""


@import_.command("record")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--replace", is_flag=True, help="Overwrite periods that already exist.")
@click.option("--dry-run", is_flag=True, help="Check and report, write nothing.")
@click.pass_obj
def import_record(obj: Context, path: Path, replace: bool, dry_run: bool) -> None:
    """Load a record file (YAML): all of it, or nothing. A plan record file (record: plan) loads periods
    of the organisation's plan record; its dry run checks them against the database too."""
    from .formats.plan_record_file import is_plan_record, plan_record_from_data
    from .formats.record_file import record_from_data
    data, source = read_yaml(path)
    if is_plan_record(data):
        done = workflows.import_plan_record(obj.store, obj.actor, plan_record_from_data(data, source),
                                            replace=replace, dry_run=dry_run)
        click.echo(f"would load {done.line()}; nothing written (dry run)" if dry_run else f"loaded {done.line()}")
        return
    record = record_from_data(data, source, find_framework)
    entries = sum(len(p.entries) + len(p.key_area_entries) for p in record.periods)
    what = (f"{record.organisation.id}: {counted(len(record.periods), 'period')} "
            f"({', '.join(p.period for p in record.sorted_periods())}), {counted(entries, 'entry', 'entries')}")
    if dry_run:
        click.echo(f"would load {what}; nothing written (dry run)")
        return
    counts = workflows.import_record(obj.store, obj.actor, record, replace=replace, source=path.name)
    click.echo(f"loaded {what}, {counts['actions']} actions")


_ORG = click.option("--org", "org_id", required=True, help="The organisation (it must exist: `orgs add`).")
_DRY = click.option("--dry-run", is_flag=True, help="Show what would be imported; write nothing.")
_FRAMEWORK = click.option("--framework", "framework_id",
                          help="The framework the file follows (default: the organisation's, else nps-2018).")


@import_.command("appendix")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@_ORG
@_FRAMEWORK
@_DRY
@click.option("--track-actions", is_flag=True,
              help='Also track the actions the comments state in their own words ("Action: ..."); '
                   "the comments stay as written.")
@click.pass_obj
def import_appendix(obj: Context, path: Path, org_id: str, framework_id: str | None, dry_run: bool,
                    track_actions: bool) -> None:
    """Scores and comments from a Word objectives appendix (.docx) laid out like Medway's."""
    _import(obj, path, org_id, framework_id, dry_run, "appendix", track_actions)


@import_.command("xlsx")
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@_ORG
@_FRAMEWORK
@_DRY
@click.pass_obj
def import_xlsx(obj: Context, path: Path, org_id: str, framework_id: str | None, dry_run: bool) -> None:
    """Scores and comments from the spreadsheet template (.xlsx or .csv) or our own Excel export."""
    _import(obj, path, org_id, framework_id, dry_run, "spreadsheet")


@import_.command("report-text")
@click.argument("path", type=click.Path(path_type=Path))
@_ORG
@click.option("--period", "period_name", required=True)
@_DRY
@_RECORD
@click.pass_obj
def import_report_text(obj: Context, path: Path, org_id: str, period_name: str, dry_run: bool, record: str) -> None:
    """A period's covering report from a report-text file (YAML: sections, meeting, author, contact),
    replacing the words it had; every problem is listed with its line, and nothing is saved. With
    --record plan, the covering report of a period of the plan (it opens the plan's members' report)."""
    key = record_of(org_id, record)
    org_id = record_name(key)
    done = workflows.import_covering(obj.store, obj.actor, key, period_name, path, dry_run=dry_run)
    changed = ", ".join(done.changed) or "nothing"
    if dry_run:
        click.echo(f"would change {org_id} {period_name}'s covering report: {changed}; nothing written (dry run)")
    elif done.saved:
        click.echo(f"{org_id} {period_name}: covering report saved as version {done.report.version} "
                   f"(changed: {changed})")
    else:
        click.echo(f"{org_id} {period_name}: the covering report already says this; nothing saved")


@import_.command("answers")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--round", "round_id", type=int, required=True, help="The round the answers are for.")
@click.option("--email", required=True, help="The respondent invited under this address.")
@click.pass_obj
def import_answers(obj: Context, path: Path, round_id: int, email: str) -> None:
    """A respondent's answers on paper, saved and submitted for them, all or nothing: their filled
    questionnaire (Word, from `round questionnaire`), or the answers typed into YAML (answers: [{objective,
    score, comment}]); which it is, is told from the file's content."""
    from .workflows.round_paper import import_paper_answers
    n = import_paper_answers(obj.store, obj.actor, round_id, email, path, source=path.name)
    click.echo(f"{email_address(email)}: {counted(n, 'answer')} submitted to round {round_id}")


def _import(obj: Context, path: Path, org_id: str, framework_id: str | None, dry_run: bool, kind: str,
            track_actions: bool = False) -> None:
    """Show the preview per period, then (unless a dry run) write it all or nothing."""
    prepared = workflows.preview_import(obj.store, obj.actor, org_id, path.name, path, kind=kind,
                                        framework_id=framework_id)
    for warning in prepared.warnings:
        click.echo(f"warning: {warning}", err=True)
    if prepared.sentence_actions:
        stated = prepared.sentence_actions
        click.echo(f"{counted(stated, 'action')} {'is' if stated == 1 else 'are'} stated in the comments "
                   "(\"Action: ...\"); "
                   + ("they will be tracked" if track_actions else "add --track-actions to track them"))
    if dry_run:
        click.echo("\n".join(f"would import {p.summary}" for p in prepared.periods) + "\nnothing written (dry run)")
        return
    done = workflows.apply_import(obj.store, obj.actor, prepared, track_actions=track_actions)
    click.echo("\n".join(f"imported {p.summary}" for p in done))


# ---------------------------------------------------------------- backup

@cli.command()
@click.option("--out", type=click.Path(path_type=Path), help="The backup file to write (JSON).")
@click.option("--out-dir", type=click.Path(path_type=Path, file_okay=False), metavar="DIR",
              help="Instead of --out: a folder to write a new dated backup into "
                   "(assessment-backup-2026-12-05T0300Z.json, the time in UTC), never overwriting one.")
@click.option("--keep", type=click.IntRange(min=1), metavar="N",
              help="With --out-dir: keep the newest N dated backups in the folder and delete older ones "
                   "(other files there are left alone).")
@click.pass_obj
def backup(obj: Context, out: Path | None, out_dir: Path | None, keep: int | None) -> None:
    """Write the whole database (every organisation, period, entry, action, history row and setting)
    to one file (--out), or to a new dated file in a folder, keeping the newest N (--out-dir, --keep:
    for a timer, docs/deployment.md)."""
    if (out is None) == (out_dir is None) or (keep is not None and out_dir is None):
        raise click.UsageError("give --out FILE, or --out-dir DIR (with --keep N if you like)",
                               ctx=click.get_current_context())
    if out_dir is not None:
        dated = workflows.save_dated_backup(obj.store, obj.actor, out_dir, keep=keep)
        click.echo(f"wrote {dated.path} ({dated.size:,} bytes)"
                   + (f"; removed {counted(len(dated.removed), 'older backup')} ({', '.join(dated.removed)})"
                      if dated.removed else "") + f"; {counted(dated.kept, 'dated backup')} in {out_dir}")
        return
    assert out is not None
    _writable(out)
    data = workflows.backup(obj.store, obj.actor)
    _save_file(out, data)
    click.echo(f"wrote {out} ({len(data):,} bytes)")


@cli.command()
@click.argument("path", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--check", is_flag=True,
              help="Restore into a throwaway database (a temporary SQLite file) instead, and compare it with the "
                   "database: counts and a checksum for each organisation's record and for the people, settings "
                   "and logs. Exit 0 when they match; else 2, with one line per difference.")
@click.pass_obj
def restore(obj: Context, path: Path, check: bool) -> None:
    """Load a backup into an empty database (e.g. a new PostgreSQL one): all of it, or nothing. With
    --check, the restore check instead (docs/deployment.md): nothing is written to the database."""
    too_big = limits.backup_too_big(path.name, path.stat().st_size)   # before it is read
    if too_big:
        raise BackupError(too_big)
    with path.open("rb") as file:
        if path.is_file():
            data = file.read()
        else:   # a pipe, which has no size: no more is read than the restore reads
            pieces: list[bytes] = []
            while sum(map(len, pieces)) <= limits.BACKUP_BYTES and (piece := file.read(2**24)):
                pieces.append(piece)
            data = b"".join(pieces)
    if check:
        _restore_check(workflows.check_backup(obj.store, obj.actor, data, source=path.name), path)
        return
    counts = workflows.restore(obj.store, obj.actor, data, source=path.name)
    click.echo(f"restored {path}: {workflows.describe_counts(counts)}")


def _restore_check(found, path: Path) -> None:
    """Print what the restore check found: each part with its counts and checksum when the backup is
    whole; else each difference (or why it could not be restored) on a line of its own, exit 2."""
    if found.refused:
        click.echo(f"restore check failed: {path} cannot be restored", err=True)
        for line in found.refused:
            click.echo(line, err=True)
        sys.exit(2)
    if found.differences:
        click.echo(f"restore check failed: {path}, restored into a throwaway database, does not match the database "
                   f"({counted(len(found.differences), 'difference')}):", err=True)
        for line in found.differences:
            click.echo(line, err=True)
        sys.exit(2)
    for name, part in found.parts.items():
        click.echo(f"{name}: {part.described()}")
    click.echo(f"restore check passed: {path}, restored into a throwaway database, matches the database "
               f"({workflows.describe_counts({name: n for name, n in found.restored.items() if n})})")


@cli.group()
def period() -> None:
    """Assessment periods."""


@period.command("start")
@click.argument("new_period")
@click.option("--org", "org_id", required=True)
@click.option("--framework", "framework_id",
              help="For an organisation's first period: the framework or overlay (default nps-2018). Later: "
                   "a change of framework, which needs a mapping from the one followed so far in "
                   "frameworks/mappings/ (docs/framework-format.md).")
@click.option("--blank", is_flag=True, help="Start empty instead of carrying the last period forward.")
@_RECORD
@click.option("--per", type=click.Choice(["objective", "key-area"]),
              help="Score each objective, or one level per key area (default: as the latest period; a first "
                   "period, per objective). Switching carries each key area's level from its objectives' roll-up, "
                   "or each objective's from its key area's.")
@click.pass_obj
def period_start(obj: Context, new_period: str, org_id: str, framework_id: str | None, blank: bool,
                 record: str, per: str | None) -> None:
    """Start a new period, carried forward from the latest one unless --blank. With --record plan, a
    period of the plan followed beside the scores (the first names it: --framework stevenage-2021)."""
    if record == "plan":
        if blank or per:
            raise click.UsageError("--blank and --per are for scores; a plan's period starts unrated",
                                   ctx=click.get_current_context())
        begun = workflows.start_plan_period(obj.store, obj.actor, org_id, new_period, plan_id=framework_id)
        raised = sum(1 for (kind, _), e in begun.plan_entries.items() if kind == "action" and e.actions)
        click.echo(f"started {org_id} {new_period} of its plan"
                   + (f": {counted(raised, 'plan action')} raised, each with its target's due date" if raised else
                      ": unrated; the plan's actions carry on until done or dropped"))
        return
    started = workflows.start_period(obj.store, obj.actor, org_id, new_period, carry=not blank,
                                     framework_id=framework_id, per=per.replace("-", "_") if per else None)
    how = scored_words(started.per, started.switched)
    if not started.carried_from:
        click.echo(f"started {org_id} {new_period}{how}: blank")
        return
    click.echo(f"started {org_id} {new_period}{how}: {counted(started.carried, 'score')} carried "
               f"{'across' if started.switched else 'forward'} from {started.carried_from}, to be confirmed; "
               f"{counted(started.actions, 'action')} of earlier periods still open")
    if started.switched:
        click.echo(switch_words(started.per, started.carried_from))


@period.command("delete")
@click.argument("name")
@click.option("--org", "org_id", required=True)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@_RECORD
@click.pass_obj
def period_delete(obj: Context, name: str, org_id: str, yes: bool, record: str) -> None:
    """Delete a period started by mistake, with its entries, the actions raised in it, their history
    and everyone's drafts."""
    if record == "plan":
        chosen = queries.plan_record(obj.store, obj.actor, org_id).record.period(name)
    else:
        chosen = queries.record_with_periods(obj.store, obj.actor, org_id, name).record.period(name)
    org_id = record_of(org_id, record)
    entries = len(chosen.entries) + len(chosen.key_area_entries) + len(chosen.plan_entries)
    if not yes:
        click.confirm(f"Delete {record_name(org_id)} {name} with its {entries} entries, their actions, history and "
                      "drafts?", abort=True)
    gone = workflows.delete_period(obj.store, obj.actor, org_id, name)
    click.echo(f"deleted {record_name(org_id)} {gone.period} ({counted(gone.entries, 'entry', 'entries')}, "
               f"{counted(gone.actions, 'action')} raised in it)")


class DecisionDate(click.ParamType):
    """A date written YYYY-MM-DD, refused in words otherwise."""
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(f"“{value}” is not a date; write it as YYYY-MM-DD, e.g. 2026-11-21 for 21 November 2026",
                      param, ctx)


@period.command("submit")
@click.argument("name")
@click.option("--org", "org_id", required=True)
@click.option("--ignore-drafts", is_flag=True,
              help="Submit although people have unsaved drafts in it (they are kept, outside the submitted record).")
@_RECORD
@click.pass_obj
def period_submit(obj: Context, name: str, org_id: str, ignore_drafts: bool, record: str) -> None:
    """Put a draft period forward for approval: reviewers can read it from now on, and it is frozen as
    it was put (all but its actions' progress) until withdrawn or reopened. Refused, listing them,
    while anyone has unsaved drafts in it, unless --ignore-drafts."""
    key = record_of(org_id, record)
    done = workflows.submit_period(obj.store, obj.actor, key, name, ignore_drafts=ignore_drafts)
    click.echo(f"{record_name(key)} {name}: {done.status_line()}")


@period.command("target")
@click.argument("name")
@click.option("--org", "org_id", required=True)
@click.option("--key-area", "key_area_id", required=True, help="The key area's id (see `framework show`).")
@click.option("--target", required=True, help='The target for each of its objectives: "4", "4 – Leader", "3/4", '
                                              '"no target".')
@click.option("--by", help="The period it is to be reached by, such as 2025/26.")
@click.pass_obj
def period_target(obj: Context, name: str, org_id: str, key_area_id: str, target: str, by: str | None) -> None:
    """Set one target for every objective of a key area in one step (an objective scored n/a takes a
    target of n/a); each objective's can still be changed after. Scores are left as they are."""
    changed = workflows.set_key_area_target(obj.store, obj.actor, org_id, name, key_area_id, target, by)
    if changed == [key_area_id]:   # a record kept one level per key area: the key area's own
        click.echo(f"{org_id} {name}: target set for the key area {key_area_id}")
        return
    click.echo(f"{org_id} {name}: target set for {counted(len(changed), 'objective')}"
               + (f" ({', '.join(changed)})" if changed else " (each had it already)"))


@period.command("withdraw")
@click.argument("name")
@click.option("--org", "org_id", required=True)
@click.option("--reason", required=True, help="Why it is withdrawn (kept in its history, shown to reviewers).")
@_RECORD
@click.pass_obj
def period_withdraw(obj: Context, name: str, org_id: str, reason: str, record: str) -> None:
    """Take a submitted period back to draft before it is approved (an editor's act), giving the reason."""
    key = record_of(org_id, record)
    workflows.withdraw_period(obj.store, obj.actor, key, name, reason=reason)
    click.echo(f"{record_name(key)} {name}: withdrawn; a draft again")


@period.command("approve")
@click.argument("name")
@click.option("--org", "org_id", required=True)
@click.option("--committee", "decision",
              help="Whose decision approved it: the committee (e.g. 'Cabinet') or the officer under delegated powers "
                   "(default: the meeting its covering report goes to).")
@click.option("--date", "on", type=DecisionDate(),
              help="The date of the decision (YYYY-MM-DD): not in the future, nor before the period began (default: "
                   "the meeting's date, once it has passed).")
@click.option("--minute", help="The minute or decision reference, e.g. 'Minute 52/2026'.")
@_RECORD
@click.pass_obj
def period_approve(obj: Context, name: str, org_id: str, decision: str | None, on, minute: str | None,
                   record: str) -> None:
    """Approve a submitted period as the council decided it; it is then read-only (its actions'
    progress can still be recorded) until an administrator reopens it."""
    key = record_of(org_id, record)
    meeting = queries.covering(obj.store, obj.actor, key, name).report.meeting
    if decision is None and not meeting.committee:
        raise click.UsageError("give --committee: whose decision approved it (its covering report names no meeting)",
                               ctx=click.get_current_context())
    decision = decision or meeting.committee
    if on is None and decision == meeting.committee:
        on = meeting.decision_date(name, date.today())
    done = workflows.approve_period(obj.store, obj.actor, key, name, decision=decision or "", on=on, minute=minute)
    click.echo(f"{record_name(key)} {name}: {done.status_line()}")


@period.command("reopen")
@click.argument("name")
@click.option("--org", "org_id", required=True)
@click.option("--reason", required=True, help="Why it is reopened (kept in its history).")
@_RECORD
@click.pass_obj
def period_reopen(obj: Context, name: str, org_id: str, reason: str, record: str) -> None:
    """Take a submitted or approved period back to draft, giving the reason."""
    key = record_of(org_id, record)
    put = any(o.period == name for o in workflows.peers_opted_in(obj.store, obj.actor, key))
    workflows.reopen_period(obj.store, obj.actor, key, name, reason=reason)
    click.echo(f"{record_name(key)} {name}: reopened as a draft" + (
        "; it is withdrawn from the next release of peer figures (put it forward again once approved)" if put else ""))


@cli.group()
def users() -> None:
    """People who may sign in, and their roles (administrator, editor, reviewer) per organisation."""


@users.command("add")
@click.argument("email")
@click.option("--org", "org_id", help="The organisation the role is at (not for deployment-administrator).")
@click.option("--role", required=True, type=click.Choice([*ROLES, DEPLOYMENT_ADMINISTRATOR]),
              help="administrator (people, roles, approving and reopening), editor (scores, comments, actions, "
                   "imports), reviewer (councillors: reads submitted and approved periods), or "
                   "deployment-administrator (adds organisations).")
@click.pass_obj
def users_add(obj: Context, email: str, org_id: str | None, role: str) -> None:
    """Add someone by email with a role (or change their role); they sign in with that address."""
    person = workflows.add_person(obj.store, obj.actor, email, org_id, role)
    click.echo(f"{person.email}: {role}" + (f" at {org_id}" if role != DEPLOYMENT_ADMINISTRATOR else ""))


@users.command("remove")
@click.argument("email")
@click.option("--org", "org_id", required=True)
@click.pass_obj
def users_remove(obj: Context, email: str, org_id: str) -> None:
    """Take someone's role at an organisation away."""
    before = workflows.remove_person(obj.store, obj.actor, email, org_id)
    click.echo(f"{email_address(email)}: no longer {before} at {org_id}")


@users.command("list")
@click.option("--org", "org_id", help="Only those with a role at this organisation (with its role changes).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def users_list(obj: Context, org_id: str | None, fmt: str) -> None:
    """Everyone who may sign in and their roles (deployment administrators named as such)."""
    found = (workflows.people(obj.store, obj.actor, org_id).people if org_id
             else workflows.everyone(obj.store, obj.actor))
    rows = [{"email": p.email, "name": p.name, "deployment_administrator": p.administers_deployment,
             "roles": p.roles, "signed_in": p.signed_in_before,
             "last_signed_in": p.last_signed_in.isoformat() if p.last_signed_in else None,
             "reminders": p.reminders, "roles_from_directory": sorted(p.from_directory)} for p in found]
    if fmt == "json":
        _json(rows)
        return
    for p in found:
        held = (["deployment administrator"] if p.administers_deployment else []) + \
            [f"{role} at {org}" + (" (from the directory)" if org in p.from_directory else "")
             for org, role in sorted(p.roles.items())]
        click.echo("\t".join([p.email, p.name or "-", "; ".join(held) or "no role",
                              f"last signed in {long_date(p.last_signed_in.date())}" if p.last_signed_in
                              else "not signed in yet"] + ([] if p.reminders else ["no reminders by email"])))


@users.command("unbind")
@click.argument("email")
@click.option("--reason", help="Why (kept in the sign-in log and the organisations' history).")
@click.pass_obj
def users_unbind(obj: Context, email: str, reason: str | None) -> None:
    """Free someone's binding to the account they signed in with: their next sign-in, with an address
    their identity provider vouches for, binds them afresh (kept as an event)."""
    person = workflows.unbind_person(obj.store, obj.actor, email, reason)
    click.echo(f"{person.email}: no longer bound to an account; their next sign-in binds them")


@users.command("log")
@click.option("--refused", "refused_only", is_flag=True, help="Only refused sign-ins.")
@click.option("--limit", type=click.IntRange(1, 10_000), default=200, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def users_log(obj: Context, refused_only: bool, limit: int, fmt: str) -> None:
    """The sign-in log, newest first: first sign-ins (bound), sign-ins freed, and every refused sign-in
    with its reason (never a token)."""
    lines = workflows.sign_in_log(obj.store, obj.actor, refused_only=refused_only, limit=limit)
    if fmt == "json":
        _json([{"at": line.at.isoformat() if line.at else None, "kind": line.kind, "email": line.email,
                "issuer": line.issuer, "subject": line.subject, "by": line.by, "reason": line.reason}
               for line in lines])
        return
    for line in lines:
        click.echo(f"{long_date_time(line.at)}\t{line.kind}\t{line.describe()}")


@users.command("erase")
@click.argument("email")
@click.option("--reason", required=True, help="Why they are erased (kept, without their address).")
@click.option("--name", "names", multiple=True, metavar="NAME",
              help="Another form of their name to erase too (e.g. 'J. Smith'; repeat for more). The name their "
                   "identity provider gave at sign-in is always erased.")
@click.pass_obj
def users_erase(obj: Context, email: str, reason: str, names: tuple[str, ...]) -> None:
    """Erase someone everywhere (UK GDPR): their address and name, in every period, version, event,
    action, note and log, become their role there ("a former editor"); their roles, drafts and log
    lines go. The history keeps what was changed and when. Backups made before keep them until they
    age out (docs/privacy.md)."""
    done = workflows.erase_person(obj.store, obj.actor, email, reason, names=names)
    where = "; ".join(f"“{words}” at {org}" for org, words in done.standing.items() if org) or \
        f"“{done.standing[None]}”"
    click.echo(f"{email_address(email)} erased: now {where} ({counted(done.total, 'cell and row', 'cells and rows')} "
               "changed or removed)")
    for said in done.left_out:
        click.echo(f"note: {said}; give other forms of their name with --name")


@users.command("export")
@click.argument("email")
@click.option("--name", "names", multiple=True, metavar="NAME",
              help="Another form of their name to look for too (repeat for more).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), help="The file to write (else the output).")
@click.pass_obj
def users_export(obj: Context, email: str, names: tuple[str, ...], out: Path | None) -> None:
    """A copy of everything held about someone (subject access), as JSON: who they are, their roles,
    and every table, column and row where their address or name appears, with its organisation and
    period."""
    found = workflows.personal_data_of(obj.store, obj.actor, email, names=names)
    if out is None:
        _json(found)
        return
    from .formats.writers.record_json import json_file
    _writable(out)
    _save_file(out, json_file(found))
    click.echo(f"wrote {out}: {counted(found['count'], 'place')} where {found['address']} appears")


@users.command("notify")
@click.argument("email")
@click.option("--on/--off", "on", default=None, help="Send them reminders by email, or not (`notify run`).")
@click.pass_obj
def users_notify(obj: Context, email: str, on: bool | None) -> None:
    """Switch someone's reminders by email on or off (they can do it themselves in the app's sidebar)."""
    if on is None:
        raise click.UsageError("say --on or --off", ctx=click.get_current_context())
    person = workflows.set_reminders(obj.store, obj.actor, email, on)
    click.echo(f"{person.email}: reminders by email {'on' if person.reminders else 'off'}")


@cli.group()
def notify() -> None:
    """Reminders by email: actions due within 7 days, overdue actions once a week, a yearly prompt
    to start a new period, and respondents of a round yet to answer 7 and 2 days before it closes;
    at most one email a person a day, each kept in the reminder log."""


@notify.command("run")
@click.option("--dry-run", is_flag=True, help="Print the messages that would be sent, sending and logging nothing "
                                              "(needs no SMTP_* settings).")
@click.option("--today", type=DecisionDate(), help="The day to run as (default: today).")
@click.pass_obj
def notify_run(obj: Context, dry_run: bool, today: date | None) -> None:
    """Send today's reminders by email (a timer runs it once a day: deploy/systemd/assessment-notify.timer).
    The mail server is given by SMTP_HOST, SMTP_PORT, SMTP_FROM, SMTP_USER, SMTP_PASSWORD and
    SMTP_STARTTLS in the environment (docs/deployment.md, Reminders). Exit status 1 when a message
    could not be sent (it is logged, and tried again on the next run)."""
    day = today or date.today()
    base_url = _round_address()
    if dry_run:
        run = workflows.notify(obj.store, obj.actor, today=day, mailer=None, base_url=base_url)
        for delivery in run.deliveries:
            click.echo(f"To: {delivery.reminder.email}\nSubject: {delivery.subject}\n\n{delivery.body}")
        click.echo(f"dry run for {long_date(day)}: {counted(len(run.deliveries), 'message')} would be sent; "
                   "nothing was sent or logged" + _held_back(run))
        return
    from . import settings
    server = settings.mail_server(os.environ)      # one line naming a setting missing or wrong
    if server is None:
        raise AssessmentError("SMTP_HOST is not set: name the mail server reminders are sent through (or use "
                              "--dry-run, which sends nothing)")
    with workflows.SmtpMailer(server) as mailer:
        run = workflows.notify(obj.store, obj.actor, today=day, mailer=mailer, base_url=base_url)
    for delivery in run.deliveries:
        click.echo(f"{delivery.outcome} to {delivery.reminder.email}: {delivery.reminder.summary()}"
                   + (f" ({delivery.reason})" if delivery.reason else ""))
    click.echo(f"{long_date(day)}: {counted(run.count('sent'), 'reminder')} sent"
               + (f", {run.count('failed')} failed" if run.count("failed") else "")
               + (f"; stopped: {run.stopped}" if run.stopped else "") + _held_back(run))
    if run.count("failed"):
        sys.exit(1)


def _round_address() -> str | None:
    """The app's address for the round reminders' links and the Your views page; None, said on
    standard error, where the settings cannot give it (the other reminders still go)."""
    try:
        return _app_address()
    except AssessmentError as exc:
        click.echo(f"round reminders left for a later run: the app's address is not known ({exc})", err=True)
        return None


def _held_back(run) -> str:
    return (f"; {counted(len(run.held_back), 'more person', 'more people')} over the limit of "
            f"{limits.REMINDERS_PER_RUN:,} messages a run wait for the next run") if run.held_back else ""


@notify.command("log")
@click.option("--limit", type=click.IntRange(1, 10_000), default=200, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@click.pass_obj
def notify_log(obj: Context, limit: int, fmt: str) -> None:
    """The reminder log, newest first: each message sent or failed, to whom, when and what it listed
    (never its words)."""
    lines = workflows.reminder_log(obj.store, obj.actor, limit=limit)
    if fmt == "json":
        _json([{"day": line.day.isoformat(), "at": line.at.isoformat() if line.at else None, "email": line.email,
                "outcome": line.outcome, "subject": line.subject, "items": list(line.items), "reason": line.reason}
               for line in lines])
        return
    for line in lines:
        click.echo(f"{long_date_time(line.at)}\t{line.describe()}")


@cli.command()
@click.option("--org", "org_id", required=True)
@click.option("--period", "period_name", required=True)
@click.option("--objective", "objective", help="One objective's versions (default: the period's events).")
@click.option("--key-area", "key_area", help="One key area's versions (for a record kept per key area).")
@click.option("--covering-report", "covering", is_flag=True,
              help="The covering report's versions (each with the sections it changed).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@_RECORD
@click.option("--item", "plan_item", metavar="KIND:ID",
              help="With --record plan: one outcome's, action's or indicator's versions, e.g. outcome:local-suppliers.")
@click.pass_obj
def history(obj: Context, org_id: str, period_name: str, objective: str | None, key_area: str | None,
            covering: bool, fmt: str, record: str, plan_item: str | None) -> None:
    """What changed, who changed it and when: an objective's versions (each with what it changed), the
    covering report's, or what was done to the period (started, submitted, approved, reopened, imports).
    With --record plan: what was done to the plan's period, or (--item) one of its entries' versions."""
    if record == "plan" and (objective or key_area):
        raise click.UsageError("a plan has no objectives or key areas; give --item KIND:ID (outcome, action or "
                               "indicator)", ctx=click.get_current_context())
    if plan_item and record != "plan":
        raise click.UsageError("--item is for a plan's entries (--record plan)", ctx=click.get_current_context())
    if plan_item:
        kind, _, item = plan_item.partition(":")
        _versions(queries.plan_history(obj.store, obj.actor, org_id, period_name, kind.strip(), item.strip()), fmt)
        return
    org_id = record_of(org_id, record)
    if covering:
        kept = queries.covering_versions(obj.store, obj.actor, org_id, period_name)
        if fmt == "json":
            from .formats.covering_file import covering_data
            _json([{"version": r.version, "by": r.by, "at": r.at.isoformat() if r.at else None, "change": made,
                    "changed": changed, "report": covering_data(r)} for r, made, changed in kept])
            return
        for report, made, changed in kept:
            click.echo(f"version {report.version}\t{_when(report.at)}\t{report.by or '-'}\t{made or '-'}"
                       + (f"\t{', '.join(changed)}" if changed else ""))
        return
    if objective or key_area:
        _versions(queries.history(obj.store, obj.actor, org_id, period_name, objective or key_area or "",
                                  "objective" if objective else "key_area"), fmt)
        return
    events = queries.period_history(obj.store, obj.actor, org_id, period_name)
    if fmt == "json":
        _json([{"id": e.id, "kind": e.kind, "by": e.person, "at": e.at.isoformat() if e.at else None,
                "details": e.details} for e in events])
        return
    for e in events:
        click.echo(f"{_when(e.at)}\t{e.person or '-'}\t{e.describe()}")


def _versions(found: list, fmt: str) -> None:
    """An entry's versions, oldest first, each with what it changed."""
    if fmt == "json":
        _json([{"version": v.version, "by": v.by, "at": v.at.isoformat() if v.at else None, "change": v.change,
                "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in v.changes],
                "whole": v.whole, "snapshot": snapshot_data(v.entry)} for v in found])
        return
    for v in found:
        click.echo(f"version {v.version}\t{_when(v.at)}\t{v.by or '-'}\t{v.change or '-'}")
        for change in v.changes:
            click.echo(f"\t{change}")


def _when(at) -> str:
    return long_date_time(at, missing="-")


@cli.group()
def export() -> None:
    """Write an organisation's record in another format."""


@export.command("json")
@click.option("--org", "org_id", required=True)
@click.option("--out", type=click.Path(path_type=Path), help="File to write (default: standard output).")
@click.pass_obj
def export_json(obj: Context, org_id: str, out: Path | None) -> None:
    """The organisation's whole record as JSON (scores written as people write them), with unsaved drafts."""
    from .formats.writers.record_json import json_file
    data_file = json_file(queries.record_export(obj.store, obj.actor, org_id))
    if out:
        _writable(out)
        _save_file(out, data_file)
        click.echo(f"wrote {out}")
    else:
        click.echo(data_file.decode("utf-8"), nl=False)


@export.command("appendix")
@click.option("--org", "org_id", required=True)
@click.option("--periods", "periods", multiple=True, metavar="P",
              help="A period to include; repeat, or separate with commas (default: the last two; a period "
                   "named twice is shown once).")
@click.option("--format", "fmt", type=DOCUMENT_FORMATS, help=FORMAT_HELP)
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="The file to write (.docx, or .pdf; with no extension, the format's is added).")
@click.pass_obj
def export_appendix(obj: Context, org_id: str, periods: tuple[str, ...], fmt: str | None, out: Path) -> None:
    """The objectives appendix for committee papers (Word or PDF, landscape A4, as in Medway's appendix)."""
    out, fmt = _document_out(out, fmt)
    from .formats.writers.word_appendix import appendix_docx
    # a period named twice (--periods 2023,2023) is shown once, where it was first named
    chosen = list(dict.fromkeys(p.strip() for item in periods for p in item.split(",") if p.strip()))
    view = queries.record_with_periods(obj.store, obj.actor, org_id, *chosen)
    _write(out, _in_format(appendix_docx(view.framework, view.record, chosen or None), fmt))


def _document_out(out: Path, fmt: str | None) -> tuple[Path, str]:
    """The file to write and its format: --format, else the file's extension, else Word; a file
    named without an extension is given the format's. Refused, before any work, when they disagree
    or the file cannot be written."""
    suffix = out.suffix.lower()
    fmt = fmt or ("pdf" if suffix == ".pdf" else "docx")
    if not suffix:
        out = out.with_name(f"{out.name}.{fmt}")
    elif suffix in (".docx", ".pdf") and suffix != f".{fmt}":
        raise AssessmentError(f"--out {out} ends in {suffix} but --format is {fmt}: name the file .{fmt}, "
                              "or leave --format out")
    _writable(out)
    return out, fmt


def _in_format(export, fmt: str):
    """A Word export as it is, or as PDF (LibreOffice; a one-line error where it is not installed)."""
    if fmt != "pdf":
        return export
    from .formats.writers.pdf import as_pdf
    return as_pdf(export)


def _writable(out: Path) -> None:
    """Refuse, before any work, a file that cannot be written: its folder must exist."""
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise AssessmentError(f"cannot write {out}: there is no folder {folder}")
    if out.is_dir():
        raise AssessmentError(f"cannot write {out}: it is a folder")


def _save_file(out: Path, data: bytes) -> None:
    """Write `data` to `out` whole or not at all, and durably: a temporary file beside it, flushed
    to the disk (fsync), renamed into place, and the folder's entry flushed too, so that a power cut
    leaves the old file or the new one, never an empty or partial one under the new name."""
    _writable(out)
    partial = out.with_name(f".{out.name}.partial")
    try:
        with open(partial, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        partial.replace(out)
        folder = os.open(out.parent if str(out.parent) else ".", os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise AssessmentError(f"cannot write {out}: {exc.strerror or exc}") from None


def _write(out: Path, result) -> None:
    """Write an export's bytes and say how many characters of user text had to be replaced."""
    _save_file(out, result.data)
    n = result.replaced_characters
    replaced = f"; {counted(n, 'character')} Word or Excel cannot hold {'was' if n == 1 else 'were'} replaced " \
        "with \ufffd" if n else ""
    click.echo(f"wrote {out}{replaced}")


@export.command("report")
@click.option("--org", "org_id", required=True)
@click.option("--period", "period_name", required=True)
@click.option("--compare", "compare_with", help="The period to compare with (default: the one before).")
@click.option("--no-compare", is_flag=True, help="Show this period only.")
@click.option("--appendix", "attach", is_flag=True, help="Attach the objectives appendix (last two periods).")
@click.option("--peers", "peer_group", metavar="type|region|CLUB|none",
              help="The group of councils to set the council beside, where a release has figures for the period "
                   "(default: its type; none: leave other councils out).")
@click.option("--format", "fmt", type=DOCUMENT_FORMATS, help=FORMAT_HELP)
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="The file to write (.docx, or .pdf; with no extension, the format's is added).")
@_RECORD
@click.pass_obj
def export_report(obj: Context, org_id: str, period_name: str, compare_with: str | None, no_compare: bool,
                  attach: bool, peer_group: str | None, fmt: str | None, out: Path, record: str) -> None:
    """The members' progress report (Word or PDF): at a glance, radar chart and table, summary, movement,
    movers, overdue actions (and, where a respondent round was applied to the period, the views gathered and
    the moderation log; where a release of peer figures has the period's year, the council beside one of its
    groups, --peers). With --record plan: the plan's report (RAG by outcome with movement,
    indicators against baseline, overdue actions), after its covering report."""
    out, fmt = _document_out(out, fmt)
    if record == "plan":
        if compare_with or no_compare or attach or peer_group:
            raise click.UsageError("--compare, --no-compare, --appendix and --peers are for scores; a plan's report "
                                   "compares with the period before", ctx=click.get_current_context())
        from .formats.writers.plan_report_docx import plan_report_docx
        kept = queries.plan_record(obj.store, obj.actor, org_id)
        kept.record.period(period_name)   # NotFound, naming the periods it has
        assert kept.plan is not None       # a record with a period follows a plan
        _write(out, _in_format(plan_report_docx(kept.plan, kept.record, period_name, date.today()), fmt))
        return
    from .domain.rollups import PREVIOUS
    from .formats.writers.word_report import report_docx
    view = queries.record_with_periods(obj.store, obj.actor, org_id, period_name, compare_with)
    compare = None if no_compare else (compare_with or PREVIOUS)
    views = queries.round_report(obj.store, obj.actor, org_id, period_name)   # its respondent round, if applied
    peers = None if peer_group == "none" else queries.peer_view(obj.store, obj.actor, org_id, period_name)
    if peer_group not in (None, "none"):     # asked for by name: say why it cannot be shown
        if peers is None:
            raise AssessmentError(f"no release of peer figures has {period_name} yet; leave out --peers, or give "
                                  "--peers none")
        chosen = _peer_group(peers, org_id, peer_group)
        if not chosen.figures:
            raise AssessmentError(f"release {peers.release} has no figures of {chosen.name} for {period_name}")
    _write(out, _in_format(report_docx(view.framework, view.record, period_name, compare, attach_appendix=attach,
                                       views=views, peers=peers, peer_group=peer_group), fmt))


@export.command("report-text")
@click.option("--org", "org_id", required=True)
@click.option("--period", "period_name", required=True)
@click.option("--out", type=click.Path(path_type=Path), help="File to write (default: standard output).")
@_RECORD
@click.pass_obj
def export_report_text(obj: Context, org_id: str, period_name: str, out: Path | None, record: str) -> None:
    """A period's covering report as a report-text file (YAML), to edit and import again; a period
    with none gives its council's report shape with nothing written (--record plan: a plan's period)."""
    from .formats.covering_file import write_covering
    text = write_covering(queries.covering(obj.store, obj.actor, record_of(org_id, record), period_name).for_file)
    if out is None:
        click.echo(text, nl=False)
        return
    _writable(out)
    _save_file(out, text.encode("utf-8"))
    click.echo(f"wrote {out}")


@export.command("xlsx")
@click.option("--org", "org_id", required=True)
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The .xlsx file to write.")
@_RECORD
@click.pass_obj
def export_xlsx(obj: Context, org_id: str, out: Path, record: str) -> None:
    """An Excel workbook: a summary sheet, a sheet per period and an actions sheet (with --record plan:
    the count at each rating per period, a sheet per period, the plan's actions)."""
    _writable(out)
    if record == "plan":
        from .formats.writers.plan_workbook import plan_workbook_xlsx
        kept = queries.plan_record(obj.store, obj.actor, org_id)
        if kept.plan is None or not kept.record.periods:
            raise AssessmentError(f"{org_id} has no periods of a plan yet")
        _write(out, plan_workbook_xlsx(kept.plan, kept.record, date.today()))
        return
    from .formats.writers.excel_workbook import workbook_xlsx
    view = queries.record_with_periods(obj.store, obj.actor, org_id)
    _write(out, workbook_xlsx(view.framework, view.record))


@export.command("blank")
@click.option("--org", "org_id", help="The organisation: its framework, and its name on the form.")
@click.option("--framework", "framework_id", help="The framework (default: the organisation's, else nps-2018).")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The .docx file to write.")
@click.pass_obj
def export_blank(obj: Context, org_id: str | None, framework_id: str | None, out: Path) -> None:
    """A blank questionnaire (Word): rubrics and objectives with empty score and comment columns."""
    _writable(out)
    from .formats.writers.word_questionnaire import blank_docx
    if org_id:
        record = queries.record(obj.store, obj.actor, org_id).record
        framework = workflows.framework_of(record, framework_id)
        _write(out, blank_docx(framework, organisation_name=record.organisation.name,   # asks as it is scored now
                               per_key_area=scored_per(record) == "key_area"))
    else:
        _write(out, blank_docx(queries.framework(framework_id or DEFAULT_FRAMEWORK)))


@cli.command()
@click.option("--org", "org_id", required=True)
@click.option("--period", "period_name", required=True)
@click.option("--compare", "compare_with", help="Another period to compare with, e.g. last year.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
@_RECORD
@click.pass_obj
def summary(obj: Context, org_id: str, period_name: str, compare_with: str | None, fmt: str, record: str) -> None:
    """The period's report in numbers: key-area, theme and overall roll-ups with what each rests on
    ("from 3 of 59 objectives", provisional below half), level, target, gap and movement. JSON keys:
    docs/summary-json.md. With --record plan: the count at each rating, each outcome's and action's
    rating with its movement since the period before, indicators against baseline, overdue actions."""
    if record == "plan":
        from .domain.plan_report import plan_report_data, plan_report_text
        if compare_with:
            raise click.UsageError("a plan's period is compared with the one before it; --compare is for scores",
                                   ctx=click.get_current_context())
        shown = queries.plan_report(obj.store, obj.actor, org_id, period_name)
        if fmt == "json":
            _json(plan_report_data(shown))
        else:
            click.echo(plan_report_text(shown), nl=False)
        return
    from .domain.summary import summary_table
    data = queries.period_summary(obj.store, obj.actor, org_id, period_name, compare_with)
    if fmt == "json":
        _json(data)
    else:
        click.echo(summary_table(data), nl=False)


@cli.command()
@click.option("--org", "org_id", required=True)
@click.option("--period", "period_name", help="Only the actions open at the end of this period (raised in or "
                                               "before it, and not done or dropped by then).")
@click.option("--overdue", "overdue_only", is_flag=True, help="Only actions open now and past their due date.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.pass_obj
def actions(obj: Context, org_id: str, period_name: str | None, overdue_only: bool, fmt: str) -> None:
    """The actions of an organisation's record, each once with the period it was raised in: for the
    clerk's papers and monthly monitoring. CSV is the Actions page's download (UTF-8, for Excel)."""
    from .domain.action_list import filter_rows, listed_data, listed_table
    from .formats.writers.excel_workbook import actions_csv
    rows, view = queries.actions(obj.store, obj.actor, org_id)
    if period_name:
        view.record.period(period_name)   # NotFound, naming the periods it has
    today = date.today()
    shown = filter_rows(rows, open_at=period_name, overdue_only=overdue_only, today=today)
    if fmt == "json":
        _json(listed_data(shown, view.framework, today))
    elif fmt == "csv":
        sys.stdout.buffer.write(actions_csv(view.framework, shown, today=today))
    elif not shown:
        click.echo("No action matches." if rows else "No actions recorded.")
    else:
        for row in listed_table(shown, today):   # a block an action: the text is too long for a column
            click.echo(row["Objective"])
            click.echo(textwrap.fill(row["Action"], 100, initial_indent="    ", subsequent_indent="    "))
            click.echo("    " + " · ".join(f"{name}: {row[name]}" for name in ("Owner", "Due", "Status",
                                                                              "Latest progress")) + "\n")
        overdue = sum(1 for r in shown if r.overdue(today))
        click.echo(f"{counted(len(shown), 'action')} of {len(rows)} shown; {overdue} overdue at {long_date(today)}.")


# ---------------------------------------------------------------- retention (docs/deployment.md)

@cli.group()
def retention() -> None:
    """Personal data past its time: sign-in log lines, refused sign-ins, drafts left unsaved, reminder
    log lines and respondents' answers, each kept as many days as its ASSESSMENT_KEEP_*_DAYS setting
    says (docs/deploy.md, Settings)."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Say what would be removed, removing nothing.")
@click.option("--today", type=DecisionDate(), help="The day to run as (default: today).")
@click.pass_obj
def retention_run(obj: Context, dry_run: bool, today: date | None) -> None:
    """Remove what is past its time, of anyone, and say what was removed: one line a kind, those with
    none included (a timer runs it once a day: deploy/systemd/assessment-retention.timer). The days
    kept are ASSESSMENT_KEEP_SIGN_INS_DAYS, ASSESSMENT_KEEP_REFUSED_SIGN_INS_DAYS,
    ASSESSMENT_KEEP_DRAFTS_DAYS, ASSESSMENT_KEEP_REMINDER_LOG_DAYS and ASSESSMENT_KEEP_ANSWERS_DAYS in
    the environment; one that is wrong stops it in one line naming it, before anything is removed."""
    from . import settings
    days = settings.retention_days(os.environ)      # one line naming a setting that is wrong
    run = workflows.run_retention(obj.store, obj.actor, today=today or date.today(), days=days, dry_run=dry_run)
    for line in run.lines():
        click.echo(line)
    if dry_run:
        click.echo(f"dry run for {long_date(run.day)}: nothing was removed")


# ---------------------------------------------------------------- settings and serving (docs/deploy.md)

# ---------------------------------------------------------------- respondent rounds

@cli.group("round")
def round_() -> None:
    """Respondent rounds: several people's views on a draft period's objectives (or key areas, where
    the record is scored one level per key area), then one agreed score for each (also on the Rounds
    page; respondents answer through their link or, signed in, on Your views)."""


@round_.command("open")
@click.argument("period_name", metavar="PERIOD")
@click.option("--org", "org_id", required=True)
@click.option("--objectives", metavar="all|ID,…",
              help="The objectives asked about: all, or their ids separated by commas (default: all of what "
                   "the period is scored by).")
@click.option("--key-areas", "key_areas", metavar="all|ID,…",
              help="For a record scored one level per key area: the key areas asked about, all or their ids.")
@click.option("--anonymous", is_flag=True, help="Keep no link between an answer set and who gave it.")
@click.option("--k", "k", type=int, default=5, show_default=True,
              help="The fewest people a group shown by department or perspective may have (3 to 10).")
@click.option("--closes", type=DecisionDate(), required=True, help="The closing date.")
@click.option("--perspective", "perspectives", multiple=True, metavar="NAME",
              help="A perspective people may answer from (repeat; default: procurement officer, service or "
                   "commissioning officer, finance, legal, councillor, senior manager, partner body, other).")
@click.option("--moderator", "moderators", multiple=True, metavar="EMAIL",
              help="Give this editor of the organisation the moderator's right for the round (repeat for "
                   "more; default: all its editors).")
@click.pass_obj
def round_open(obj: Context, period_name: str, org_id: str, objectives: str | None, key_areas: str | None,
               anonymous: bool, k: int, closes: date, perspectives: tuple[str, ...],
               moderators: tuple[str, ...]) -> None:
    """Open a round on a draft period; prints the round's id last."""
    if objectives is not None and key_areas is not None:
        raise click.UsageError("give --objectives or --key-areas, not both")
    chosen = objectives if objectives is not None else key_areas
    items = (None if chosen is None or chosen.strip().lower() == "all"
             else [i.strip() for i in chosen.split(",") if i.strip()])
    kind = "objective" if objectives is not None else "key_area" if key_areas is not None else None
    made = workflows.open_round(obj.store, obj.actor, org_id, period_name, closes=closes, items=items,
                                mode="anonymous" if anonymous else "confidential", k=k, moderators=moderators,
                                kind=kind, perspectives=perspectives or None)
    asked = f"all {made.asks}" if made.items is None else counted(len(made.items), made.asks[:-1])
    click.echo(f"opened a {made.mode} round on {period_name} asking about {asked}, closing {long_date(closes)}: "
               f"round {made.id}")
    click.echo(str(made.id))


@round_.command("moderators")
@click.argument("round_id", metavar="ROUND", type=int)
@click.option("--email", "emails", multiple=True, metavar="EMAIL",
              help="An editor of the organisation (repeat for more); none: back to all its editors.")
@click.pass_obj
def round_moderators(obj: Context, round_id: int, emails: tuple[str, ...]) -> None:
    """Give the moderator's right for a round to these editors (they alone then read the answers and
    agree the scores; any editor applies them), or with no --email, back to all the editors."""
    changed = workflows.set_moderators(obj.store, obj.actor, round_id, emails)
    who = ", ".join(changed.moderators) if changed.moderators else "the organisation's editors"
    click.echo(f"round {round_id} is moderated by {who}")


@round_.command("list")
@click.option("--org", "org_id", required=True)
@click.pass_obj
def round_list(obj: Context, org_id: str) -> None:
    """An organisation's rounds: id, period, state, mode, closing date."""
    for found in workflows.rounds_of(obj.store, obj.actor, org_id):
        asked = f"all {found.asks}" if found.items is None else counted(len(found.items), found.asks[:-1])
        click.echo(f"{found.id}\t{found.period}\t{found.state}\t{found.mode}\tcloses {long_date(found.closes)}"
                   f"\t{asked}")


@round_.command("invite")
@click.argument("round_id", metavar="ROUND", type=int)
@click.option("--email", required=True)
@click.option("--department", required=True)
@click.option("--perspective", "perspectives", multiple=True, required=True,
              help="A perspective they answer from (repeat for more).")
@click.option("--primary", help="Their primary perspective (default: the first).")
@click.option("--days", type=int, default=30, show_default=True, help="How long a link lasts (1 to 30 days).")
@click.option("--send", is_flag=True, help="Email them the invitation (their link, or where to answer signed in) "
                                           "through the SMTP_* mail server; where mail is not set up, says so and "
                                           "prints the link.")
@click.pass_obj
def round_invite(obj: Context, round_id: int, email: str, department: str, perspectives: tuple[str, ...],
                 primary: str | None, days: int, send: bool) -> None:
    """Invite someone to answer. Someone with an account answers signed in; anyone else is given a
    link, printed here once (only its hash is kept): send it to them yourself, or with --send have
    it emailed (then it is not printed). Exit status 1 when the email could not be sent."""
    if send:
        _invite_by_email(obj, round_id, email, department, perspectives, primary, days)
        return
    made = workflows.invite(obj.store, obj.actor, round_id, email, department=department, perspectives=perspectives,
                            primary=primary, days=days)
    if made.token is None:
        click.echo(f"{made.invitation.email} is invited to round {round_id}: they answer signed in")
        return
    click.echo(f"{made.invitation.email} is invited to round {round_id}; their link, valid until "
               f"{long_date(made.invitation.expires_at.date()) if made.invitation.expires_at else '-'}:")
    click.echo(f"{_app_address()}/?link={made.token}")


def _invite_by_email(obj: Context, round_id: int, email: str, department: str, perspectives: tuple[str, ...],
                     primary: str | None, days: int) -> None:
    """`round invite --send`: the invitation made and emailed; where mail is not set up, or the
    server refused it, said so on standard error and the link printed as without --send."""
    from contextlib import nullcontext

    from . import settings
    from .workflows.round_mail import NOT_SENT, SENT, send_invitation
    server = settings.mail_server(os.environ)
    with workflows.SmtpMailer(server) if server is not None else nullcontext() as mailer:
        done = send_invitation(obj.store, obj.actor, round_id, email, department=department,
                               perspectives=perspectives, primary=primary, days=days, base_url=_app_address(),
                               mailer=mailer)
    invitation = done.invited.invitation
    who = f"{invitation.email} is invited to round {round_id}"
    if done.outcome == SENT:
        how = ("they answer signed in" if done.link is None else
               f"their link, valid until {long_date(invitation.expires_at.date()) if invitation.expires_at else '-'}, "
               "is in it and is not shown here")
        click.echo(f"{who}; the invitation was emailed to them ({how})")
        return
    click.echo(f"{who}; {done.reason}", err=True)
    if done.link is None:
        click.echo(f"{who}: they answer signed in; tell them yourself")
    else:
        click.echo(f"{who}; send them their link yourself, valid until "
                   f"{long_date(invitation.expires_at.date()) if invitation.expires_at else '-'}:")
        click.echo(done.link)
    if done.outcome != NOT_SENT:
        sys.exit(1)


def _app_address() -> str:
    """The address people reach the app at: from AUTH_REDIRECT_URI, else this machine's."""
    from .settings import read
    found = read(os.environ)
    if found.sign_in is not None:
        return found.sign_in.redirect_uri.removesuffix("/oauth2callback")
    return f"http://localhost:{found.port}"


@round_.command("revoke")
@click.argument("round_id", metavar="ROUND", type=int)
@click.option("--email", required=True)
@click.pass_obj
def round_revoke(obj: Context, round_id: int, email: str) -> None:
    """Withdraw someone's invitation (their link no longer works)."""
    workflows.revoke(obj.store, obj.actor, round_id, email)
    click.echo(f"{email_address(email)}: invitation to round {round_id} withdrawn")


@round_.command("questionnaire")
@click.argument("round_id", metavar="ROUND", type=int)
@click.option("--email", required=True, help="The person invited, whose questionnaire it is.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The .docx file to write.")
@click.pass_obj
def round_questionnaire(obj: Context, round_id: int, email: str, out: Path) -> None:
    """A blank questionnaire (Word) for one person invited, to answer on paper: the rubric and what the
    round asks, marked as theirs. Bring it back filled in with `import answers FILE --round ROUND --email E`."""
    _writable(out)
    from .workflows.round_paper import paper_questionnaire
    _write(out, paper_questionnaire(obj.store, obj.actor, round_id, email))


@round_.command("spread")
@click.argument("round_id", metavar="ROUND", type=int)
@click.option("--by", type=click.Choice(["department", "perspective"]), help="Also by group (small groups withheld).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def round_spread(obj: Context, round_id: int, by: str | None, fmt: str) -> None:
    """The spread of a round's submitted answers for each objective, and participation."""
    from .domain.rounds import Withheld, spread_words
    found = workflows.round_spread(obj.store, obj.actor, round_id, by=by)

    def figures(s) -> dict[str, Any]:
        if isinstance(s, Withheld):
            return {"withheld": s.reason}
        return {"n": s.n, "dont_know": s.dont_know, "not_applicable": s.not_applicable,
                "counts": {f"{level:g}": n for level, n in sorted(s.counts.items())}, "median": s.median,
                "lowest": s.lowest, "highest": s.highest, "iqr": s.iqr, "flagged": s.flagged}
    if fmt == "json":
        _json({"round": round_id, "state": found.round.state, "mode": found.round.mode, "asks": found.round.kind,
               "answered": found.answered,
               "invited": found.invited, "objectives": {i: figures(s) for i, s in found.objectives.items()},
               **({"by": by, "groups": {i: {g: figures(s) for g, s in groups.items()}
                                        for i, groups in found.groups.items()}} if by else {})})
        return
    click.echo(f"round {round_id} ({found.round.state}, {found.round.mode}): {found.answered} of "
               f"{counted(found.invited, 'person', 'people')} invited have submitted")
    for item, s in found.objectives.items():
        said = s.reason if isinstance(s, Withheld) else spread_words(s, found.framework) + (
            "; views two or more levels apart" if s.flagged else "")
        click.echo(f"{item}\t{said}")
        for group, g in found.groups.get(item, {}).items():
            click.echo(f"\t{group}: " + (g.reason if isinstance(g, Withheld) else spread_words(g, found.framework)))


@round_.command("close")
@click.argument("round_id", metavar="ROUND", type=int)
@click.pass_obj
def round_close(obj: Context, round_id: int) -> None:
    """Stop taking answers."""
    workflows.close_round(obj.store, obj.actor, round_id)
    click.echo(f"round {round_id} closed")


@round_.command("moderate")
@click.argument("round_id", metavar="ROUND", type=int)
@click.option("--objective", "--key-area", "item", required=True, metavar="ID",
              help="The objective (or, in a round on key areas, the key area) agreed.")
@click.option("--score", required=True, help="The agreed score: a level, \"2/3\" where allowed, or n/a.")
@click.option("--rationale", help="Why (required a level or more from the median, or where views differ).")
@click.option("--meeting", help="The meeting it was agreed at.")
@click.pass_obj
def round_moderate(obj: Context, round_id: int, item: str, score: str, rationale: str | None,
                   meeting: str | None) -> None:
    """Record the score agreed for one objective (or key area) of a closed round."""
    from .domain.rounds import item_word
    workflows.moderate(obj.store, obj.actor, round_id, item, score, rationale=rationale, meeting=meeting)
    asks = queries.round_view(obj.store, obj.actor, round_id).round.kind   # the round, not its whole spread again
    click.echo(f"round {round_id}: {item_word(asks)} {item} agreed at {score}")


@round_.command("apply")
@click.argument("round_id", metavar="ROUND", type=int)
@click.pass_obj
def round_apply(obj: Context, round_id: int) -> None:
    """Write the agreed scores into the period, all or nothing, each a version "moderated from round N"."""
    written = workflows.apply_round(obj.store, obj.actor, round_id)
    click.echo(f"round {round_id} applied: {counted(len(written), 'agreed score')} written")


# ---------------------------------------------------------------- peer comparison (issue 31)

@cli.group()
def peers() -> None:
    """Councils side by side on a shared deployment: approved periods put forward, groups (type,
    region, clubs), releases of group figures that give no council's score away."""


@peers.command("opt-in")
@click.argument("period_name", metavar="PERIOD")
@click.option("--org", "org_id", required=True)
@click.pass_obj
def peers_opt_in(obj: Context, period_name: str, org_id: str) -> None:
    """Put an approved period forward for the next release (the council's administrator)."""
    workflows.peers_opt_in(obj.store, obj.actor, org_id, period_name)
    click.echo(f"{org_id} {period_name} is put forward: it counts from the next release")


@peers.command("withdraw")
@click.argument("period_name", metavar="PERIOD")
@click.option("--org", "org_id", required=True)
@click.pass_obj
def peers_withdraw(obj: Context, period_name: str, org_id: str) -> None:
    """Withdraw a period put forward: it leaves the figures at the next release."""
    workflows.peers_withdraw(obj.store, obj.actor, org_id, period_name)
    click.echo(f"{org_id} {period_name} is withdrawn: the releases already published stay as they are")


@peers.group("club")
def peers_club() -> None:
    """Named groups of councils, fixed in advance (the deployment's administrator)."""


@peers_club.command("add")
@click.argument("name")
@click.option("--org", "org_ids", multiple=True, required=True, help="A council in the club (repeat; at least 5).")
@click.pass_obj
def peers_club_add(obj: Context, name: str, org_ids: tuple[str, ...]) -> None:
    """Define a club (or redefine the one of that name)."""
    club = workflows.add_club(obj.store, obj.actor, name, org_ids)
    click.echo(f"club {club.name}: {counted(len(club.data['members']), 'council')}")


@peers_club.command("remove")
@click.argument("name")
@click.pass_obj
def peers_club_remove(obj: Context, name: str) -> None:
    """Remove a club (releases already published keep it as it was)."""
    workflows.remove_peer_document(obj.store, obj.actor, "club", name)
    click.echo(f"club {name} removed")


@peers.command("groups")
@click.pass_obj
def peers_groups(obj: Context) -> None:
    """Every group councils are compared in, with its councils, and any council whose type or region
    could not be mapped to the fixed lists."""
    found = workflows.peer_groups(obj.store, obj.actor)
    for group in found.groups:
        click.echo(f"{group.kind}\t{group.name}\t{counted(len(group.members), 'council')}\t"
                   f"{', '.join(sorted(group.members))}")
    for org_id, what, text_ in found.unmapped:
        click.echo(f"not mapped: {org_id} {what} {text_!r}", err=True)


@peers.command("release")
@click.option("--date", "on", type=DecisionDate(), help="The release's date (default: today; never later).")
@click.option("--preview", is_flag=True, help="Say what the release would show and withhold; publish nothing.")
@click.pass_obj
def peers_release(obj: Context, on: date | None, preview: bool) -> None:
    """Publish a release: every group's figures from the periods put forward now, frozen."""
    made = workflows.publish_release(obj.store, obj.actor, on, preview=preview)
    for base, part in made.data.get("frameworks", {}).items():
        click.echo(f"{base}: {counted(len(part['figures']), 'figure')}, {with_a_median(part)} with a median; "
                   f"{counted(len(part['withheld']), 'group-year')} withheld by the guard")
        for key, why in part["withheld"].items():
            click.echo(f"  withheld {key.replace('|', ' ')}: {why}")
    click.echo(f"release {made.name} would be published (a preview: nothing is kept)" if preview
               else f"release {made.name}")


def _peer_group(view: ReleaseLike, org_id: str, key: str) -> GroupLike:
    """The council's group `key` names ("type", "region" or a club; `peer_report.chosen_group`), or
    a refusal naming the groups it is in."""
    chosen = chosen_group(view, key)
    if chosen is None:
        named = ", ".join(group_key(g) for g in view.groups) or "none"
        raise AssessmentError(f"{org_id} is in no group '{key}' (its groups: {named})")
    return chosen


@peers.command("show")
@click.option("--org", "org_id", required=True)
@click.option("--period", "period_name", required=True)
@click.option("--group", "group", required=True, metavar="type|region|CLUB")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def peers_show(obj: Context, org_id: str, period_name: str, group: str, fmt: str) -> None:
    """The released figures of one of the council's groups for a period, per key area."""
    view = queries.peer_view(obj.store, obj.actor, org_id, period_name)
    if view is None:
        raise AssessmentError(f"no release has figures for {period_name} yet")
    chosen = _peer_group(view, org_id, group)
    if fmt == "json":
        _json({"release": view.release, "released_on": view.released_on.isoformat() if view.released_on else None,
               "year": view.year, "framework": view.framework_id, "group": chosen.name, "kind": chosen.kind,
               "key_areas": chosen.figures})
        return
    click.echo(f"release {view.release}; {chosen.kind} {chosen.name}; year {view.year}")
    if not chosen.figures:
        raise AssessmentError(f"release {view.release} has no figures of {chosen.name} for {period_name}")
    framework = queries.record(obj.store, obj.actor, org_id).framework     # its key areas' order and titles
    for key_area in sorted(chosen.figures, key=list(framework.key_areas).index):
        figure = chosen.figures[key_area]
        said = (f"median {format_mean(figure['median'])}, n = {figure['n']}" + (
            f", quartiles {format_mean(figure['q1'])} to {format_mean(figure['q3'])}" if figure.get("q1") is not None
            else "") if figure.get("median") is not None else f"no comparator: {figure.get('reason')}")
        click.echo(f"{framework.key_areas[key_area].title}\t{said}")


@peers.group("series")
def peers_series() -> None:
    """Published outside figures (a national diagnostic's aggregates), shown with their source and year."""


@peers_series.command("add")
@click.argument("name")
@click.option("--source", required=True, help="Where they were published.")
@click.option("--year", type=int, required=True)
@click.option("--framework", "framework_id", default="nps-2018", show_default=True)
@click.option("--level", "levels", multiple=True, required=True, metavar="KEY_AREA=LEVEL",
              help="A key area's published level (repeat).")
@click.pass_obj
def peers_series_add(obj: Context, name: str, source: str, year: int, framework_id: str,
                     levels: tuple[str, ...]) -> None:
    """Enter a published outside series."""
    given: dict[str, float] = {}
    for pair in levels:
        key, _, value = pair.partition("=")
        key = key.strip()
        if key in given:
            raise click.BadParameter(f"{key} is given twice", param_hint="--level")
        try:
            if not key:
                raise ValueError
            given[key] = float(value)
        except ValueError:
            raise click.BadParameter(f"{pair!r} is not KEY_AREA=LEVEL", param_hint="--level") from None
    made = workflows.add_series(obj.store, obj.actor, name, source=source, year=year, framework_id=framework_id,
                                levels=given)
    click.echo(f"series {made.name} ({made.data['source']}, {made.data['year']}): "
               f"{counted(len(given), 'key area')}")


@peers_series.command("remove")
@click.argument("name")
@click.pass_obj
def peers_series_remove(obj: Context, name: str) -> None:
    """Remove an outside series."""
    workflows.remove_peer_document(obj.store, obj.actor, "series", name)
    click.echo(f"series {name} removed")


@cli.group("settings")
def settings_() -> None:
    """The settings a deployment gives in its environment (docs/deploy.md lists them)."""


@settings_.command("check")
@click.option("--connect", is_flag=True, help="Also open the database as the app does (creating or upgrading its "
              "schema; an empty one is given the example records unless ASSESSMENT_EXAMPLES is false).")
@click.pass_obj
def settings_check(obj: Context, connect: bool) -> None:
    """Check the settings in the environment: one line naming the first one missing or wrong (exit
    status 2), else one line saying what they set up."""
    from . import settings
    found = settings.read(_with_database(obj))
    if connect:
        opened = workflows.connect(obj.database or found.database_url)   # the schema created or brought up to date
        if found.examples:
            workflows.ensure_examples(opened)
    click.echo(found.summary())


@cli.command()
@click.option("--port", type=click.IntRange(1, 65535), help="The port to listen on (default: ASSESSMENT_PORT, "
              "else 8501).")
@click.option("--address", help="The address to listen on (default: ASSESSMENT_ADDRESS, else 127.0.0.1).")
@click.pass_obj
def serve(obj: Context, port: int | None, address: str | None) -> None:
    """Start the app as a deployment does (docs/deploy.md): check the settings in the environment,
    open the database, write the sign-in settings where Streamlit reads them, then run `streamlit run
    app.py` in this process's place."""
    from . import settings
    environ = _with_database(obj)
    found = settings.read(environ, port=port, address=address)
    opened = workflows.connect(found.database_url)
    if found.examples:
        workflows.ensure_examples(opened)
    command = settings.streamlit_command(found, settings.write_secrets(found), sys.executable)
    click.echo(f"{found.summary()}; starting the app", err=True)
    os.chdir(settings.ROOT)   # Streamlit reads .streamlit/config.toml from where it starts
    os.execve(sys.executable, command, dict(environ))


def _with_database(obj: Context) -> dict[str, str]:
    """The environment, with the database `--database` names in it."""
    return {**os.environ, **({"DATABASE_URL": obj.database} if obj.database else {})}


def _json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; turn user errors into one-line messages (exit 2), never a traceback."""
    try:
        cli.main(args=argv, prog_name="python -m assessment", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 1
    except click.UsageError as exc:   # one line, as every other error (not Click's usage block)
        command = f"{exc.ctx.command_path} --help" if exc.ctx else "--help"
        click.echo(f"error: {exc.format_message()} (see {command})", err=True)
        return 2
    except click.ClickException as exc:
        exc.show()
        return 2
    except InvalidFile as exc:
        for line in exc.shown():
            click.echo(line, err=True)
        return 2
    except AssessmentError as exc:
        click.echo(f"error: {exc}", err=True)
        return 2
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no tracebacks for users
        if os.environ.get("ASSESSMENT_DEBUG"):
            raise
        first = str(exc).splitlines()[0] if str(exc) else ""
        click.echo(f"error: unexpected {type(exc).__name__}: {first} (set ASSESSMENT_DEBUG=1 for details)", err=True)
        return 1
    return 0
