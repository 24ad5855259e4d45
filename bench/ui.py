"""UI benchmark: a rerun of the score page for the largest key area (Obtaining Social Value,
10 objectives) against a bare Streamlit page with the same number and kinds of elements.

Both run through AppTest in the same process and the same run. The floor page is generated from
the element counts AppTest finds on the real page (selectboxes, text areas, text inputs, date
inputs, buttons, markdown, text, captions, expanders, forms), so it asks Streamlit to draw the
same things with none of the project's work: no database read, no roll-ups, no drafts.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterator

from streamlit.testing.v1 import AppTest

from .harness import Ratio, Result, time_pair

ROOT = Path(__file__).resolve().parent.parent
KINDS = ("selectbox", "text_area", "text_input", "date_input", "button", "markdown", "text", "caption",
         "expander", "warning", "info", "table", "divider")


def score_page(folder: Path) -> AppTest:
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench-ui.db'}"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.selectbox(key="home.org").set_value("medway").run()
    at.selectbox(key="home.period").set_value("2023").run()
    at.switch_page("assessment/ui/score.py").run()
    at.selectbox(key="score.key_area").set_value("obtaining-social-value").run()
    assert not at.exception, at.exception
    return at


def counts(at: AppTest) -> dict[str, int]:
    return {kind: len(getattr(at, kind)) for kind in KINDS}


def floor_script(n: dict[str, int]) -> str:
    """A page drawing the same number of each kind of element, in one flat run."""
    lines = ["import streamlit as st", "st.set_page_config(layout='wide')"]
    lines += [f"st.selectbox('s{i}', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'], key='s{i}')"
              for i in range(n["selectbox"])]
    lines += [f"st.text_area('t{i}', 'Some comment text that a council would write.', key='t{i}')"
              for i in range(n["text_area"])]
    lines += [f"st.text_input('i{i}', key='i{i}')" for i in range(n["text_input"])]
    lines += [f"st.date_input('d{i}', value=None, key='d{i}')" for i in range(n["date_input"])]
    lines += [f"st.button('b{i}', key='b{i}')" for i in range(n["button"])]
    lines += [f"st.markdown('**m{i}** some words')" for i in range(n["markdown"])]
    lines += [f"st.text('Descriptor text {i} of a level of the rubric.')" for i in range(n["text"])]
    lines += [f"st.caption('c{i}')" for i in range(n["caption"])]
    lines += [f"st.expander('e{i}')" for i in range(n["expander"])]
    lines += [f"st.warning('w{i}')" for i in range(n["warning"])]
    lines += [f"st.info('n{i}')" for i in range(n["info"])]
    lines += [f"st.table({{'1 – Minimum': ['Descriptor {i}'], '2 – Developing': ['d'], '3 – Mature': ['d'], "
              f"'4 – Leader': ['d'], '5 – Innovator': ['d']}})" for i in range(n["table"])]
    lines += ["st.divider()" for _ in range(n["divider"])]
    return "\n".join(lines) + "\n"


def run() -> Iterator[Result]:
    with tempfile.TemporaryDirectory(prefix="bench-ui-") as folder:
        subject = score_page(Path(folder))
        n = counts(subject)
        path = Path(folder) / "floor_page.py"
        path.write_text(floor_script(n), encoding="utf-8")
        floor = AppTest.from_file(str(path), default_timeout=120)
        floor.run()
        assert counts(floor)["selectbox"] == n["selectbox"] and counts(floor)["text_area"] == n["text_area"]
        subject_times, floor_times = time_pair(subject.run, floor.run, repeat=15)
        yield Ratio("score page rerun (10 objectives)", "bare page, same elements", subject_times, floor_times,
                    aim=1.3, details={"elements": n})
