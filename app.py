"""Streamlit entry point: page config, who is using the app, and the pages their role allows
(a refusal or an unavailable database is shown as a one-line message, not a traceback)."""

from datetime import timedelta

import streamlit as st

from assessment.ui import navigation, respondent, signin, state, style
from assessment.ui.messages import shown_plainly

st.set_page_config(page_title="Procurement maturity", page_icon=":bar_chart:", layout="wide")
st.html(style.stylesheet())   # visible focus (the theme, .streamlit/config.toml, has the colours)


@st.fragment(run_every=timedelta(hours=12))
def redrawn_on_reconnecting() -> None:
    """Draws nothing. While a page has a fragment that reruns itself, Streamlit's browser code asks for
    a whole run as soon as its connection comes back, so a page whose app process stopped (behind a
    proxy that moves it to another, docs/deploy.md) is drawn afresh there at once: without it, the
    person's next click would only draw the page there, and its callback (a Save) would be lost."""


redrawn_on_reconnecting()   # every run: each whole run forgets the fragments of the last

with shown_plainly():
    if respondent.by_link():   # someone answering a round through their link: no sign-in, no other page
        respondent.show()
        st.stop()
    actor = signin.gate()
    state.tab()   # this browser tab's id, in the address of every page (its drafts are its own)
    page = st.navigation(navigation.pages(actor))
    state.on_page(getattr(page, "url_path", None))   # forms know whether the page was just come to
    # the browser tab says the page and the organisation (no title when app.py is imported bare, as a
    # process started with multiprocessing's spawn does after AppTest ran it as __main__)
    st.session_state["page.title"] = getattr(page, "title", None)
    navigation.footer()   # before the page runs: a page that stops part way still ends with it
    page.run()
