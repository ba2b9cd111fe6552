"""SPEC §4.2 (headcounts and forecast) as pure functions:
the small-city-plus figures for 2024 Q4 and 2025 Q2, plus hand-checked edge cases. No database."""

import math

import numpy as np
import pandas as pd
import pytest

from metrics import headcounts as hc
from reference.matching import KeyClusters
from tests import small_city_plus as scp

FIELDS = ["demand", "graduates", "local_graduates", "gap", "forecast_1", "forecast_2", "forecast_3"]


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@pytest.mark.parametrize(("year", "quarter"), scp.PERIODS)
def test_supply_demand_reproduces_every_expected_figure(year, quarter):
    table = hc.supply_demand_headcounts(scp.inputs(year, quarter))
    expected = [r for r in scp.expected()["supply_demand"] if (r["year"], r["quarter"]) == (year, quarter)]
    assert len(expected) == 14 * 9
    # Exactly the expected (scope, bucket) rows, nothing more.
    assert set(zip(table["scope_type"], table["scope_id"], table["cluster"], strict=True)) == {
        (r["scope_type"], r["scope_key"], r["cluster"]) for r in expected
    }
    indexed = table.set_index(["scope_type", "scope_id", "cluster"])
    mismatches = []
    for r in expected:
        row = indexed.loc[(r["scope_type"], r["scope_key"], r["cluster"])]
        for name in FIELDS:
            if not close(float(row[name]), r[name]):
                mismatches.append((r["scope_type"], r["scope_key"], r["cluster"], name, row[name], r[name]))
    assert mismatches == []


def test_supply_demand_rows_in_order_and_typed():
    inputs = scp.inputs(2024, 4)
    table = hc.supply_demand_headcounts(inputs)
    buckets = [*inputs.clusters.codes, hc.OTHER]
    scopes = [("city", "")] + [("district", d) for d in inputs.districts]
    scopes += [("college", c) for c in inputs.colleges["college_code"]]
    assert list(zip(table["scope_type"], table["scope_id"], table["cluster"], strict=True)) == [
        (t, i, b) for t, i in scopes for b in buckets
    ]
    assert table["position"].tolist() == list(range(len(buckets))) * len(scopes)
    for name in FIELDS:
        assert table[name].dtype == np.float64
    assert (table["gap"] == table["demand"] - table["local_graduates"]).all()
    assert table.loc[table["cluster"] == hc.OTHER, "cluster_name"].unique().tolist() == [hc.OTHER_NAME]
    # 涟水县 has enterprises but no colleges: demand only.
    lianshui = table[table["scope_id"] == "涟水县"]
    assert lianshui["demand"].sum() > 0
    assert (lianshui[["graduates", "local_graduates", *hc.FORECAST_COLUMNS]] == 0).all().all()
    # College scopes carry the city's demand.
    city = table[table["scope_type"] == "city"]["demand"].to_numpy()
    for code in inputs.colleges["college_code"]:
        assert (table[table["scope_id"] == code]["demand"].to_numpy() == city).all()


@pytest.mark.parametrize(("year", "quarter"), scp.PERIODS)
def test_supply_demand_by_major_reproduces_every_expected_figure(year, quarter):
    inputs = scp.inputs(year, quarter)
    result = hc.supply_demand_by_major(inputs)
    expected = [r for r in scp.expected()["supply_demand_majors"] if (r["year"], r["quarter"]) == (year, quarter)]
    assert set(result.rows["major_code"]) == {r["major_code"] for r in expected}
    indexed = result.rows.set_index("major_code")
    mismatches = [
        (r["major_code"], name, indexed.loc[r["major_code"], name], r[name])
        for r in expected
        for name in FIELDS
        if not close(float(indexed.loc[r["major_code"], name]), r[name])
    ]
    assert mismatches == []
    # Items without a major: counted, not in the table.
    rows = inputs.talent_demand
    window = hc.demand_quarters(year, quarter)
    in_window = [(y, q) in window for y, q in zip(rows["year"], rows["quarter"], strict=True)]
    assert result.items_without_major == int(rows[in_window]["major_code"].isna().sum()) > 0


def test_demand_quarters_cross_the_year_boundary():
    assert hc.demand_quarters(2025, 2) == [(2024, 3), (2024, 4), (2025, 1), (2025, 2)]
    assert hc.demand_quarters(2024, 4) == [(2024, 1), (2024, 2), (2024, 3), (2024, 4)]
    assert hc.demand_quarters(2025, 1) == [(2024, 2), (2024, 3), (2024, 4), (2025, 1)]


# ---- hand-checked toy city ------------------------------------------------------------------


def toy_inputs(**overrides) -> hc.HeadcountInputs:
    clusters = KeyClusters(
        codes=["A", "B"], names={"A": "甲", "B": "乙"}, industry_codes={"A": ["C36"], "B": ["C39", "I65"]}
    )
    d = pd.Timestamp
    programs = pd.DataFrame(
        {
            "program_id": [1, 2, 3, 4, 5],
            "college_code": ["K1", "K1", "K2", "K2", "K2"],
            "district": ["东区", "东区", "西区", "西区", "西区"],
            "major_code": ["m1", "m2", "m3", "m4", "m5"],
            "schooling": ["3yr_higher", "3yr_higher", "bachelor", "secondary", "3yr_higher"],
            "established_on": [d("2015-09-01")] * 4 + [d("2025-01-01")],  # 5: not active at E
            "closed_on": [pd.NaT, pd.NaT, pd.NaT, pd.NaT, pd.NaT],
            "enrollment_status": ["normal", "stopped", "normal", "normal", "normal"],
            "served": [["A"], ["A", "B"], [], ["B"], ["A"]],
        }
    )
    # 3yr_higher past rows: graduates 80 + 10 of enrolled 100 + 50 → c = 0.6; bachelor: none → 1.
    years = pd.DataFrame.from_records(
        [
            # program, year, enrolled, admitted, graduates, employed_locally
            (1, 2023, 100, 40, 80, 30),
            (1, 2024, 90, 50, 60, 20),
            (1, 2025, 70, 45, 0, 0),
            (1, 2026, 44, 44, 0, 0),
            (2, 2023, 50, 20, 10, 5),
            (2, 2024, 40, 30, 30, 9),
            (2, 2025, 35, 30, 0, 0),
            (3, 2024, 0, 0, 12, 6),
            (3, 2025, 20, 25, 0, 0),
            (4, 2024, 0, 0, 0, 0),
            (5, 2026, 30, 30, 0, 0),
        ],
        columns=["program_id", "year", "enrolled", "admitted", "graduates", "employed_locally"],
    )
    demand = pd.DataFrame(
        {
            "district": ["东区", "西区", "北区", "东区"],
            "industry_code": ["C3670", "C3", "I6510", "C36"],
            "major_code": ["m1", None, "m9", ""],
            "year": [2024, 2024, 2024, 2023],
            "quarter": [4, 1, 2, 4],
            "headcount": [5, 7, 3, 100],
        }
    )
    values = dict(
        year=2024,
        quarter=4,
        clusters=clusters,
        programs=programs,
        program_years=years,
        talent_demand=demand,
        districts=["东区", "西区", "北区"],
        colleges=pd.DataFrame({"college_code": ["K1", "K2"], "name": ["一", "二"], "district": ["东区", "西区"]}),
        city_name="市",
    )
    values.update(overrides)
    return hc.HeadcountInputs(**values)


def test_completion_ratio_and_projection_rules():
    inputs = toy_inputs()
    arrays = hc.prepare_programs(inputs.programs, inputs.program_years, inputs.clusters, 2024, 4)
    assert arrays.ratios == {"3yr_higher": 90 / 150}  # rows of year < 2024 with enrolled > 0 only
    c = 0.6
    np.testing.assert_allclose(
        arrays.projection,
        [
            [70 * c, 44 * c, 44 * c],  # cohort rows, then the latest row's admitted (2026: 44)
            [35 * c, 0, 0],  # stopped: its cohort in school graduates, no held intake
            [20 * 1.0, 25, 25],  # bachelor: no past rows → c = 1
            [0, 0, 0],  # latest row admitted 0
            [30 * c, 30 * c, 30 * c],  # 2025 missing → held at the latest (2026) row's admitted
        ],
    )
    assert arrays.active.tolist() == [True, True, True, True, False]


def test_toy_table_by_hand():
    table = hc.supply_demand_headcounts(toy_inputs()).set_index(["scope_type", "scope_id", "cluster"])
    c = 0.6
    city_a = table.loc[("city", "", "A")]
    # Program 1 all to A, program 2 half to A and half to B; program 5 is not active at E.
    assert city_a["graduates"] == 60 + 15
    assert city_a["local_graduates"] == 20 + 4.5
    assert city_a["forecast_1"] == pytest.approx(70 * c + 35 * c / 2)
    assert city_a["forecast_2"] == pytest.approx(44 * c)
    # Demand: 2023 Q4 is outside the four quarters; "C3" matches A's C36 (prefix either way).
    assert city_a["demand"] == 5 + 7
    assert city_a["gap"] == 12 - 24.5
    assert table.loc[("city", "", "B"), "demand"] == 3
    assert table.loc[("city", "", "other"), "graduates"] == 12  # program 3 serves no key cluster
    assert table.loc[("district", "北区", "B"), "demand"] == 3
    assert table.loc[("district", "北区", "B"), "graduates"] == 0
    assert table.loc[("district", "西区", "A"), "demand"] == 7
    assert table.loc[("college", "K2", "A"), "demand"] == 12  # the city's demand
    assert table.loc[("college", "K2", "other"), "forecast_2"] == 25


def test_toy_by_major():
    result = hc.supply_demand_by_major(toy_inputs())
    rows = result.rows.set_index("major_code")
    assert list(rows.index) == ["m1", "m2", "m3", "m4", "m9"]  # m5 not active, m9 demand only
    assert rows.loc["m1", "demand"] == 5
    assert rows.loc["m1", "gap"] == 5 - 20
    assert rows.loc["m2", "graduates"] == 30  # no split in this table
    assert rows.loc["m9", "graduates"] == 0
    assert result.items_without_major == 1  # None and "" alike; the 2023 row is outside the window


def test_pre_aggregated_demand_with_item_counts():
    demand = pd.DataFrame(
        {"district": ["东区", "东区"], "industry_code": ["C36", "C36"], "major_code": [None, "m1"], "headcount": [9, 4]}
    ).assign(items=[3, 2])
    inputs = toy_inputs(talent_demand=demand)
    assert hc.supply_demand_by_major(inputs).items_without_major == 3
    table = hc.supply_demand_headcounts(inputs).set_index(["scope_type", "scope_id", "cluster"])
    assert table.loc[("city", "", "A"), "demand"] == 13


def test_empty_city_gives_zero_rows():
    inputs = toy_inputs(
        programs=toy_inputs().programs.iloc[0:0],
        program_years=toy_inputs().program_years.iloc[0:0],
        talent_demand=toy_inputs().talent_demand.iloc[0:0],
    )
    table = hc.supply_demand_headcounts(inputs)
    assert len(table) == (1 + 3 + 2) * 3
    assert (table[FIELDS] == 0).all().all()
    assert hc.supply_demand_by_major(inputs).rows.empty
