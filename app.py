"""Streamlit entry point: page config, who is using the app, and the pages their role allows
(a refusal or an unavailable database is shown as a one-line message, not a traceback)."""

import streamlit as st

from assessment.ui import navigation, signin, state, style
from assessment.ui.messages import shown_plainly

st.set_page_config(page_title="Procurement maturity", page_icon=":bar_chart:", layout="wide")
st.html(style.stylesheet())   # visible focus (the theme, .streamlit/config.toml, has the colours)

with shown_plainly():
    actor = signin.gate()
    state.tab()   # this browser tab's id, in the address of every page (its drafts are its own)
    page = st.navigation(navigation.pages(actor))
    state.on_page(getattr(page, "url_path", None))   # forms know whether the page was just come to
    # the browser tab says the page and the organisation (no title when app.py is imported bare, as a
    # process started with multiprocessing's spawn does after AppTest ran it as __main__)
    st.session_state["page.title"] = getattr(page, "title", None)
    page.run()
