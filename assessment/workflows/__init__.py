"""The application layer: every change to data, and every read for display, goes through here.

Workflows (changes) and queries (reads) take plain arguments and the `Actor` who is acting; each
checks the actor's rights (`access`), runs in one transaction, and returns plain data or raises a
named error (`assessment.errors`). Pages and CLI commands only gather input, call one of these,
and show the result.
"""

from . import queries
from .access import (
                     ADMINISTER,
                     EDIT,
                     EXAMPLES_ACTOR,
                     LOCAL_ACTOR,
                     PEOPLE,
                     READ,
                     READ_DRAFTS,
                     SIGNED_OUT,
                     Actor,
                     actor_of,
                     may_change,
)
from ..domain.edits import PlanEdit
from .common import SaveResult, connect, database_url, framework_of
from .covering import (
                     CoveringImport,
                     import_covering,
                     save_covering,
                     set_report_shape,
                     shape_named,
)
from .backups import DatedBackup, check_backup, save_dated_backup
from .data import backup, describe_counts, ensure_examples, example_files, load_examples, restore
from .entries import (
                     ACTION_PLAN_LOCKED,
                     discard_drafts,
                     edit_action,
                     keep_draft,
                     keep_mine,
                     restore_version,
                     save_drafts,
                     save_edits,
                     set_key_area_target,
                     take_drafts_here,
)
from .imports import ImportPreview, apply_import, import_record, preview_import, undo_import
from .organisations import add_organisation, set_organisation_place
from .plans import rate_plan, start_plan_period
from .rounds import (Invited, Questionnaire, RoundSpread, answer_as, answer_by_link, apply_round,
                     close_round, import_answers, invite, may_moderate, moderate, open_round, questionnaire_by_link,
                     revoke, round_answers, round_spread, rounds_of, set_moderators)
from .privacy import Erasure, delete_organisation, erase_person, personal_data_of
from .round_mail import InvitationSent, send_invitation
from .round_paper import PaperQuestionnaire, import_paper_answers, paper_questionnaire
from .peers import (GroupFigures, PeerGroups, PeerView, add_club, add_series, peer_groups, peer_releases, peer_series,
                    peers_opt_in, peers_opted_in, peers_put_forward, peers_withdraw, publish_release,
                    remove_peer_document)
from .mail import MailFailed, MailSettings, SmtpMailer
from .reminders import Delivery, NotifyRun, action_owners, notify, reminder_log, reminders_on, set_reminders
from .plan_imports import PlanImported, import_plan_record
from .retention import RetentionRun, run_retention
from .people import (
                     People,
                     SignIn,
                     add_person,
                     everyone,
                     people,
                     remove_person,
                     sign_in,
                     sign_in_log,
                     signed_in_actor,
                     unbind_person,
)
from .periods import (
                     DeletedPeriod,
                     StartedPeriod,
                     approve_period,
                     check_decision_date,
                     check_not_far_ahead,
                     confirm_scores,
                     delete_period,
                     reopen_period,
                     start_period,
                     submit_period,
                     withdraw_period,
)

__all__ = ["ADMINISTER", "EDIT", "EXAMPLES_ACTOR", "LOCAL_ACTOR", "PEOPLE", "READ", "READ_DRAFTS", "SIGNED_OUT",
           "Actor", "SignIn", "sign_in_log", "unbind_person",
           "DeletedPeriod", "ImportPreview", "People", "SaveResult", "StartedPeriod", "actor_of", "add_organisation",
           "add_person", "apply_import", "approve_period", "backup", "confirm_scores", "connect", "database_url",
           "delete_period", "describe_counts", "discard_drafts", "edit_action", "ensure_examples", "everyone",
           "example_files", "framework_of", "import_record", "keep_draft", "keep_mine", "load_examples", "people",
           "preview_import", "queries", "remove_person", "reopen_period", "restore", "restore_version",
           "save_drafts", "save_edits", "sign_in", "signed_in_actor", "start_period", "submit_period", "undo_import",
           "withdraw_period", "check_decision_date", "check_not_far_ahead", "ACTION_PLAN_LOCKED", "may_change",
           "take_drafts_here", "set_key_area_target",
           "CoveringImport", "import_covering", "save_covering", "set_report_shape", "shape_named",
           "PlanEdit", "rate_plan", "start_plan_period", "set_organisation_place"]
__all__ += ["PlanImported", "import_plan_record"]
__all__ += ["DatedBackup", "check_backup", "save_dated_backup"]
__all__ += ["MailFailed", "MailSettings", "SmtpMailer", "Delivery", "NotifyRun", "action_owners",
            "notify", "reminder_log", "reminders_on", "set_reminders"]
__all__ += ["Erasure", "delete_organisation", "erase_person", "personal_data_of"]
__all__ += ["RetentionRun", "run_retention"]
__all__ += ["Invited", "Questionnaire", "RoundSpread", "answer_as", "answer_by_link", "apply_round", "close_round",
            "import_answers", "invite", "moderate", "open_round", "questionnaire_by_link", "revoke", "round_spread",
            "rounds_of", "round_answers", "may_moderate", "set_moderators", "InvitationSent", "send_invitation",
            "PaperQuestionnaire", "import_paper_answers", "paper_questionnaire"]
__all__ += ["GroupFigures", "PeerGroups", "PeerView", "add_club", "add_series", "peer_groups", "peer_releases",
            "peer_series", "peers_opt_in", "peers_opted_in", "peers_put_forward", "peers_withdraw", "publish_release",
            "remove_peer_document"]
