"""The app through Streamlit's AppTest, on a fresh SQLite file."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import ROOT, shown, tables


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def test_empty_database_starts_with_the_examples(app):
    org = app.selectbox(key="home.org")
    assert org.options == ["Medway Council", "Worcestershire County Council"]
    assert app.selectbox(key="home.period").value == "2023"
    text = " ".join(m.value for m in shown(app.markdown))
    assert "Overall: **3 – Mature** (mean 3.29 from 59 of 59 objectives)" in text
    assert "24 objectives improved, 35 unchanged, 0 declined" in text


def test_key_area_table_and_rule(app):
    table = tables(app)[0]
    assert list(table["Key area"])[:2] == ["Engaging Councillors", "Engaging Senior Members"]
    assert list(table["Scored"])[:2] == ["3 of 3", "4 of 4"]
    assert list(table["Level"])[0] == "2 – Developing"
    assert any("whole level at or below the mean, and is provisional" in c.value for c in shown(app.caption))


def test_switching_to_a_key_area_record(app):
    app.selectbox(key="home.org").select("worcestershire").run()
    table = tables(app)[0]
    row = table[table["Key area"] == "Managing Strategic Risk"].iloc[0]
    assert (row["Scored"], row["Mean"], row["Target"], row["Against target"]) == ("1 of 1", "3.00", "5.00 by 2025",
                                                                      "2 levels to go")
    # Worcestershire's own framework: nine key areas in its words, the enablers left out
    assert len(table) == 9 and "Developing talent" not in set(table["Key area"])
    leaders = table[table["Key area"] == "Engaging with Members and Senior Leaders"].iloc[0]
    assert (leaders["Scored"], leaders["Mean"], leaders["Target"]) == ("1 of 1", "2.00", "4.00 by 2025")
