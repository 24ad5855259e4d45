"""Radar chart data, its table alternative, and rendering to PNG."""

from __future__ import annotations

from assessment.charts import chart_png, radar_chart, radar_rows, radar_table


def test_radar_rows_carry_today_target_and_last_year(nps, medway):
    rows = radar_rows(nps, medway, "2023")
    assert len(rows) == 14 * 3
    councillors = {r["series"]: r for r in rows if r["key_area"] == "Engaging Councillors"}
    assert councillors["today"]["value"] == 2.83 and councillors["today"]["n"] == 3
    assert councillors["last year"]["label"] == "2022" and councillors["last year"]["value"] == 2.67
    assert councillors["target"]["value"] is None  # Medway sets no targets


def test_the_table_says_the_same_numbers(nps, worcestershire):
    rows = radar_rows(nps, worcestershire, "2022")
    table = {r["Key area"]: r for r in radar_table(rows)}
    assert table["Managing Strategic Risk"] == {"Key area": "Managing Strategic Risk", "2022": 3.0, "n": 1,
                                                "Target": 5.0}
    assert table["Developing talent"]["2022"] is None


def test_radar_spec_closes_polygons_and_names_levels(nps, medway):
    spec = radar_chart(radar_rows(nps, medway, "2023"), nps)
    assert [r["name"] for r in spec["datasets"]["ring_names"]] == [
        "1 – Minimum", "2 – Developing", "3 – Mature", "4 – Leader", "5 – Innovator"]
    series_layer = next(layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "line"
                        and "transform" in layer)
    values = spec["datasets"][series_layer["data"]["name"]]
    today = [v for v in values if v["series"] == "today"]
    assert today[0]["order"] == 0 and today[-1]["order"] == 14 and today[-1]["value"] == today[0]["value"]
    # Medway sets no targets, so the legend names only the two periods.
    legend = next(layer for layer in spec["layer"] if layer is series_layer)["encoding"]["color"]["scale"]["domain"]
    assert legend == ["2023 (where we are today)", "2022 (last year)"]


def test_the_spec_is_valid_vega_lite_for_any_shape(nps, worcestershire):
    import altair as alt
    for ids in (None, [ka.id for ka in nps.themes[0].key_areas]):
        spec = radar_chart(radar_rows(nps, worcestershire, "2022", key_area_ids=ids), nps, title="Worcestershire")
        alt.LayerChart.from_dict(spec, validate=True)  # raises on an invalid spec
        target = next(layer for layer in spec["layer"] if "transform" in layer)["encoding"]["color"]["scale"]
        assert target["domain"] == ["2022 (where we are today)", "Target (where we want to be)"]


def test_radar_renders_to_png(nps, medway):
    png = chart_png(radar_chart(radar_rows(nps, medway, "2023"), nps, title="Medway Council, 2023"))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000


def test_chart_numbers_round_as_the_tables_do(nps, medway):
    # Engaging Senior Members 2023 is 3.625: the movement table shows 3.63, so must the radar table.
    row = next(r for r in radar_table(radar_rows(nps, medway, "2023")) if r["Key area"] == "Engaging Senior Members")
    assert row["2023"] == 3.63
