"""The paper route of a round (issue 30): a blank questionnaire (Word) for one person invited, and
their answers brought back in, from the questionnaire filled in or typed into YAML.

An editor of the round's organisation makes the questionnaire of someone invited and not yet
submitted (`paper_questionnaire`): the rubric, the items the round asks about and their profile,
marked as theirs (`formats.paper`). The file that comes back (`import_paper_answers`) is told by its
content: a Word file is read by `formats.readers.word_answers` (refused if it was made for another
round or person), anything else as YAML (`formats.answers_file`). Either is then saved and
submitted for them by `rounds.import_answers`, all or nothing, as answers given through a link are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..domain.errors import InvalidEdit, InvalidFile, Problem
from ..domain.import_plan import size_problem
from ..domain.limits import UPLOAD_BYTES
from ..domain.people import email_address
from ..domain.rounds import Invitation, Round, RoundError
from ..formats.answers_file import answers_from_bytes, load_answers
from ..formats.paper import looks_like_word
from ..storage.store import Store
from .access import Actor
from .rounds import Questionnaire, import_answers, questionnaire_of, round_for

TAKES_ANSWERS = ("draft", "open")   # a round in one of these has a questionnaire to fill in


@dataclass(frozen=True)
class PaperQuestionnaire:
    """A person's blank questionnaire: what it asks (`Questionnaire`), whose it is, and the Word file."""

    questionnaire: Questionnaire
    email: str
    data: bytes
    title: str
    replaced_characters: int = 0   # characters of the council's text Word cannot hold, shown as �

    @property
    def file_name(self) -> str:
        return file_name(self.questionnaire.round.id or 0, self.email)


def file_name(round_id: int, email: str) -> str:
    """'round-7-questionnaire-a-b.gov.uk.docx': the round and the person, safe as a file's name."""
    person = re.sub(r"[^a-z0-9.-]+", "-", email.lower()).strip("-.")
    return f"round-{round_id}-questionnaire-{person}.docx"


def paper_questionnaire(store: Store, actor: Actor, round_id: int, email: str, *,
                        today: date | None = None) -> PaperQuestionnaire:
    """The blank questionnaire of the person invited to round `round_id` as `email` (an editor of
    the round's organisation): refused for an address not invited, or invited and withdrawn, for
    someone who has submitted already, and once the round takes no more answers."""
    address = email_address(email)
    with store.transaction(write=False) as tx:
        found = round_for(tx, actor, round_id)
        invitation = _invitation(tx, found, address)
        asked = questionnaire_of(tx, invitation)
    if found.state not in TAKES_ANSWERS:
        raise RoundError(f"round {round_id} is {found.state}: it is not taking answers, so there is no "
                         "questionnaire to fill in")
    if invitation.submitted:
        raise InvalidEdit(f"{address} has submitted their answers to round {round_id} already")
    from ..formats.writers.word_round_questionnaire import round_questionnaire_docx   # python-docx: when needed
    made = round_questionnaire_docx(asked.framework, found, organisation=asked.organisation, email=address,
                                    profile=asked.profile, items=asked.items, today=today)
    return PaperQuestionnaire(asked, address, made.data, made.title, made.replaced_characters)


def _invitation(tx, found: Round, address: str) -> Invitation:
    mine = [i for i in tx.invitations(found.id) if i.held_by(address)]
    if not mine:
        raise InvalidEdit(f"{address} is not invited to round {found.id}: invite them first")
    return mine[0]


def import_paper_answers(store: Store, actor: Actor, round_id: int, email: str, data: bytes | Path, *,
                         source: str) -> int:
    """Save and submit, for the person invited as `email`, the answers in `data` (a file's bytes, or
    its path), named `source` in messages: a filled questionnaire (Word), or answers typed into YAML
    (`answers: [{objective, score, comment}]`), told by the content, not the name. All or nothing;
    InvalidFile lists every problem found in the file. Returns how many items were answered."""
    address = email_address(email)
    if isinstance(data, Path):
        head = _head(data)
        if not looks_like_word(head):
            given = load_answers(data, source)
            return import_answers(store, actor, round_id, address, given)
        raw = _read(data, source)
    else:
        raw = data
        if not looks_like_word(raw[:8]):
            return import_answers(store, actor, round_id, address, answers_from_bytes(raw, source))
    with store.transaction(write=False) as tx:
        found = round_for(tx, actor, round_id)
        asked = questionnaire_of(tx, _invitation(tx, found, address))
    from ..formats.readers.word_answers import read_round_answers   # python-docx: when needed
    given = read_round_answers(raw, asked.framework, source=source, round_id=round_id, email=address,
                               items=asked.items, kind=found.kind)
    return import_answers(store, actor, round_id, address, dict(given))


def _head(path: Path) -> bytes:
    """A file's first bytes, to tell what it is (b"" if it cannot be read: reading it says why)."""
    try:
        with path.open("rb") as file:
            return file.read(8)
    except OSError:
        return b""


def _read(path: Path, source: str) -> bytes:
    """A Word file's bytes, refused before it is read when it is bigger than an upload may be."""
    try:
        too_big = size_problem(path.stat().st_size) if path.is_file() else None
        if too_big:
            raise InvalidFile([Problem(source, None, "", too_big)])
        with path.open("rb") as file:
            raw = file.read(UPLOAD_BYTES + 1)
    except OSError as exc:
        raise InvalidFile([Problem(source, None, "", f"cannot be read: {exc.strerror or exc}")]) from None
    return raw
