"""Streamlit entry point: page config and navigation, nothing else."""

import streamlit as st

st.set_page_config(page_title="Procurement maturity", page_icon=":bar_chart:", layout="wide")

pages = [
    st.Page("assessment/ui/home.py", title="Start", default=True),
    st.Page("assessment/ui/score.py", title="Score a key area"),
    st.Page("assessment/ui/actions_page.py", title="Actions"),
    st.Page("assessment/ui/framework_page.py", title="Framework"),
]
st.navigation(pages).run()
