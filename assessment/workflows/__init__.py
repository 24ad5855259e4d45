"""The application layer: every change to data, and every read for display, goes through here.

Workflows (changes) and queries (reads) take plain arguments and the `Actor` who is acting; each
checks the actor's rights (`access`), runs in one transaction, and returns plain data or raises a
named error (`assessment.errors`). Pages and CLI commands only gather input, call one of these,
and show the result.
"""

from . import queries
from .access import ADMINISTER, EDIT, EXAMPLES_ACTOR, LOCAL_ACTOR, READ, Actor
from .common import connect, database_url, framework_of
from .data import backup, describe_counts, ensure_examples, example_files, load_examples, restore
from .entries import SaveResult, discard_drafts, edit_action, keep_draft, keep_mine, save_drafts, save_edits
from .imports import ImportPreview, apply_import, import_record, preview_import
from .organisations import add_organisation
from .periods import DeletedPeriod, StartedPeriod, confirm_scores, delete_period, start_period

__all__ = ["ADMINISTER", "EDIT", "EXAMPLES_ACTOR", "LOCAL_ACTOR", "READ", "Actor", "DeletedPeriod", "ImportPreview",
           "SaveResult", "StartedPeriod", "add_organisation", "apply_import", "backup", "confirm_scores", "connect",
           "database_url", "delete_period", "describe_counts", "discard_drafts", "edit_action", "ensure_examples", "example_files", "framework_of", "import_record", "keep_draft", "keep_mine",
           "load_examples", "preview_import", "queries", "restore", "save_drafts", "save_edits", "start_period"]
