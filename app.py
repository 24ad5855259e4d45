"""Streamlit entry point: page config, who is using the app, and the pages their role allows
(a refusal or an unavailable database is shown as a one-line message, not a traceback)."""

import streamlit as st

from assessment.ui import navigation, signin
from assessment.ui.errors import shown_plainly

st.set_page_config(page_title="Procurement maturity", page_icon=":bar_chart:", layout="wide")

with shown_plainly():
    actor = signin.gate()
    st.navigation(navigation.pages(actor)).run()
