"""Streamlit entry point: page config and navigation, nothing else (a refusal or an unavailable
database is shown as a one-line message, not a traceback)."""

import streamlit as st

from assessment.ui.errors import shown_plainly

st.set_page_config(page_title="Procurement maturity", page_icon=":bar_chart:", layout="wide")

pages = [
    st.Page("assessment/ui/home.py", title="Start", default=True),
    st.Page("assessment/ui/score.py", title="Score a key area", url_path="score"),
    st.Page("assessment/ui/report_page.py", title="Progress report", url_path="report"),
    st.Page("assessment/ui/actions_page.py", title="Actions", url_path="actions"),
    st.Page("assessment/ui/import_page.py", title="Import", url_path="import"),
    st.Page("assessment/ui/framework_page.py", title="Framework", url_path="framework"),
]
with shown_plainly():
    st.navigation(pages).run()
