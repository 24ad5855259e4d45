"""Privacy notice (/privacy): for everyone, signed in or not, linked from every page's footer and the
sign-in page (`navigation.footer`).

With sign-in, the council's notice: its template (deploy/privacy-notice.md, or the council's own that
ASSESSMENT_PRIVACY_NOTICE names) filled from the settings (who the controller is, whom to ask, how long
each log is kept), each value shown as written (`domain.privacy.filled`). A template that cannot be
shown is one line saying why. In local mode, a short notice of its own: nothing leaves the machine."""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit import config

from assessment import settings, workflows
from assessment.domain import privacy
from assessment.domain.retention import KEPT
from assessment.ui import signin, state
from assessment.ui.text import md


def local_notice() -> str:
    """The notice of local mode: where the data is, who can read it, no sign-in, no email (unless a mail
    server is set), no cookies beyond the app's own."""
    where = privacy.place(workflows.database_url())
    if where.file is not None:
        kept = (f"in the SQLite database file {md(Path(where.file).resolve())} on this computer; the tool sends it "
                "nowhere else")
    else:
        kept = f"in the PostgreSQL database on {md(where.server)}; the tool sends it nowhere else"
    try:
        mail = settings.mail()
    except settings.BadSetting:
        mail = None   # `notify run` refuses to send with a wrong mail setting
    email = (f"**Email.** Reminders are sent by email through the mail server {md(mail.host)}, to the people added "
             "to the tool who have not switched them off." if mail else
             "**No sign-in, no email.** The tool does not ask who you are, and sends no email (no mail server is "
             "set up).")
    statistics = (" Streamlit's usage statistics are switched on (browser.gatherUsageStats), so your browser sends "
                  "Streamlit anonymous figures about its use: set it to false to stop them."
                  if config.get_option("browser.gatherUsageStats") else "")
    return f"""This copy of the tool runs in **local mode**: no sign-in is set up, and only this computer can
reach it.

- **Nothing leaves this computer.** Everything you enter (scores, comments, actions and their owners,
  notes, the names of any people you add) is kept {kept}.
- **Whoever can use this computer's account can read it**: anyone who uses this computer as you, or
  can read that file or its backups, can read everything in it.
- {email}
- **No cookies beyond the app's own session**: the only cookie is the one the app uses to protect
  your session from other websites. Nothing tracks you.{statistics}

If the tool is later set up for other people to sign in, the council's own privacy notice takes this
one's place."""


st.title("Privacy notice")
if not signin.auth_configured():
    st.markdown(local_notice())
    st.stop()
try:
    notice = settings.privacy()
    chosen = settings.retention_days()
except settings.BadSetting as exc:
    st.error(md(f"The privacy notice cannot be shown: {exc}. Show this to the people who run this tool."))
    st.stop()
if not notice.own and state.actor().manages_deployment:
    st.caption(md(f"For those who run this tool: this is the notice the tool comes with. Edit a copy with your data "
                  f"protection officer (the words in square brackets are yours to confirm), and name it in the "
                  f"setting {privacy.NOTICE_SETTING}, as docs/deploy.md says."))
st.markdown(privacy.filled(notice.template, controller_setting=notice.controller, contact_setting=notice.contact,
                           kept=KEPT, chosen=chosen, escape=md))
