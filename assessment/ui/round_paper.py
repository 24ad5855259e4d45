"""The Rounds page's paper route (issue 30): an editor downloads the blank questionnaire (Word) of
someone invited, to print or send, and uploads it once filled in (or their answers typed into YAML),
which saves and submits their answers, all or nothing. Everything it does is
`workflows.round_paper`'s to allow; this only offers it."""

from __future__ import annotations

import streamlit as st

from assessment.domain import limits
from assessment.domain.errors import AssessmentError, InvalidFile
from assessment.domain.numbers import counted
from assessment.domain.record import long_date
from assessment.domain.rounds import Invitation, Round
from assessment.ui import state
from assessment.ui.round_forms import DONE
from assessment.ui.text import md, said
from assessment.workflows.round_paper import file_name, import_paper_answers, paper_questionnaire

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UPLOADS = "rounds.paper.uploads"   # a new uploader after each import, so a file is never imported twice


def paper(found: Round, invited: list[Invitation]) -> None:
    """For someone invited who has not yet answered: their questionnaire to download, and the filled
    one (or their answers in YAML) to upload."""
    waiting = [i.email for i in invited if i.email and i.revoked_at is None and not i.submitted]
    if found.state != "open" or not waiting:
        return
    with st.expander("On paper: a questionnaire to print, and the answers brought back"):
        st.caption("For someone who would rather answer on paper, or in Word: download their questionnaire, which "
                   f"is marked as theirs (the round, and their address on every page), and ask for it back by "
                   f"{long_date(found.closes)}. Then upload it filled in, or their answers typed into a YAML file; "
                   "their answers are saved and submitted for them, all or none.")
        email = str(st.selectbox("Whose questionnaire", waiting, key="rounds.paper.email"))
        store, actor, round_id = state.store(), state.actor(), found.id or 0
        st.download_button(f"Download {md(email)}'s questionnaire (Word)", key="rounds.paper.download", mime=DOCX,
                           on_click="ignore", file_name=file_name(round_id, email),
                           data=lambda: paper_questionnaire(store, actor, round_id, email).data)
        uploads = st.session_state.get(UPLOADS, 0)
        upload = st.file_uploader(f"{md(email)}'s filled questionnaire (Word, .docx) or answers (YAML)",
                                  max_upload_size=limits.UPLOAD_BYTES // 2**20,   # the reader's own limit
                                  key=f"rounds.paper.file.{uploads}")
        if upload is None or not st.button(f"Import and submit {md(email)}'s answers", key="rounds.paper.import",
                                           type="primary"):
            return
        try:
            n = import_paper_answers(store, actor, round_id, email, upload.getvalue(), source=upload.name)
        except InvalidFile as exc:
            lines = exc.shown()
            if len(lines) == 1:
                st.error(said(f"{lines[0]}. Nothing was imported"))
            else:
                st.error(md(f"{upload.name} cannot be imported, so nothing was saved. Please correct these and "
                            "upload it again:"))
                st.markdown("\n".join(f"- {md(line)}" for line in lines))
            return
        except AssessmentError as exc:
            st.error(said(exc))
            return
        st.session_state[UPLOADS] = uploads + 1
        st.session_state[DONE] = f"Imported {upload.name}: {counted(n, 'answer')} submitted for {email}."
        st.rerun()
