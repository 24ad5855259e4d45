"""Streamlit entry point: page config and navigation, nothing else."""

import streamlit as st

st.set_page_config(page_title="Procurement maturity", page_icon=":bar_chart:", layout="wide")

pages = [
    st.Page("assessment/ui/home.py", title="Home", default=True),
]
st.navigation(pages).run()
