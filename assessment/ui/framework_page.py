"""Framework: browse the rubric of any framework, key area by key area (read-only)."""

from __future__ import annotations

import streamlit as st

from assessment.ui.html_tables import table
from assessment.ui.text import md
from assessment.workflows import queries

st.title("Framework")
names = {i: queries.framework(i).name for i in queries.frameworks()}   # chosen by name, not id
framework_id = str(st.selectbox("Framework", list(names), key="framework.id", format_func=lambda i: names[i]))
framework = queries.framework(framework_id)
st.caption(md(f"{framework.name}. {framework.source or ''}"))
key_area_id = st.selectbox("Key area", list(framework.key_areas), key="framework.key_area",
                           format_func=lambda k: framework.key_areas[k].title)
key_area = framework.key_areas[key_area_id]
st.header(md(key_area.title))
table([{"Level": lv.label, "Descriptor": key_area.rubric[lv.value]} for lv in framework.levels])
for objective in key_area.objectives:
    st.markdown(f"**{md(objective.id)}. {md(objective.title)}**")
    if objective.description:
        st.text(objective.description)
    for level, text in sorted(objective.levels.items()):
        st.caption(md(f"{framework.levels_by_value[level].label} for this objective: {text}"))
