"""SPEC §4.2 — supply and demand in headcounts, with a three-year forecast — as pure functions.

No database here: every function takes pandas frames (and plain values) and returns frames, so the
engine can feed it from the ORM and the tests from CSV files. The same per-program arrays
(``ProgramArrays``) back the §4.2 table and the §4.3 planner (``metrics.planner``), so the
planner's baseline reproduces the §4.2 figures bit for bit.

Input frames (column names are the contract; extra columns are ignored):

``programs``
    ``program_id`` (unique), ``college_code``, ``district`` (the college's; None/"" when unknown),
    ``major_code``, ``schooling`` (``secondary|3yr_higher|5yr_higher|bachelor``), ``established_on``,
    ``closed_on`` (datetime64, NaT when open), ``enrollment_status`` (``normal|restricted|stopped``),
    ``served`` (list of the key cluster codes the major serves, in cluster order:
    ``KeyClusters.served_by(major industry codes)``).
``program_years``
    ``program_id``, ``year``, ``enrolled``, ``admitted``, ``graduates``, ``employed_locally`` — every
    year, including the cohorts still in school (rows of years > Y).
``talent_demand``
    counted talent items (kind ``talent``, status not cancelled, list submitted or accepted):
    ``district`` (the enterprise's), ``industry_code`` (the item's, defaulted to the enterprise's),
    ``major_code`` (None/NaN/"" when the item names none), ``headcount``; optionally ``year`` and
    ``quarter`` (the list's; then rows outside the four quarters ending with (Y, Q) are dropped here,
    otherwise the frame must already be that window) and ``items`` (how many items a pre-aggregated
    row stands for; 1 per row when absent). Optionally ``bucket`` (the key cluster or ``other``),
    otherwise computed with ``KeyClusters.of_industry``.
``colleges``
    ``college_code``, ``name`` (optional), ``district``: every college scope, in display order.
``districts``
    the district names of the district scopes, in display order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from portal.periods import Period
from reference.matching import OTHER, KeyClusters

OTHER_NAME = "其他"
STOPPED = "stopped"
CITY, DISTRICT, COLLEGE = "city", "district", "college"
FORECAST_YEARS = 3
FORECAST_COLUMNS = [f"forecast_{i}" for i in range(1, FORECAST_YEARS + 1)]


# ---------------------------------------------------------------------------------------------
# Periods


def demand_quarters(year: int, quarter: int) -> list[tuple[int, int]]:
    """The four quarters ending with (year, quarter), oldest first, across the year boundary."""
    index = year * 4 + (quarter - 1)
    return [(i // 4, i % 4 + 1) for i in range(index - 3, index + 1)]


def active_on(programs: pd.DataFrame, date) -> np.ndarray:
    """SPEC §3: established_on ≤ D and (closed_on empty or closed_on > D)."""
    date = pd.Timestamp(date)
    established = programs["established_on"]
    closed = programs["closed_on"]
    return ((established <= date) & (closed.isna() | (closed > date))).to_numpy(dtype=bool)


def _missing(values: pd.Series) -> pd.Series:
    return values.isna() | (values.astype(object) == "")


# ---------------------------------------------------------------------------------------------
# Completion ratio and projections


def completion_ratios(program_years: pd.DataFrame, programs: pd.DataFrame, year: int) -> dict[str, float]:
    """c_s: city-wide Σ graduates ÷ Σ enrolled over ProgramYear rows of schooling s with year < Y and
    enrolled > 0. Schoolings without such rows are absent: use ``ratios.get(s, 1.0)``.

    Always city-wide: pass every program (or give ``program_years`` a ``schooling`` column)."""
    rows = program_years[(program_years["year"] < year) & (program_years["enrolled"] > 0)]
    if "schooling" not in rows.columns:
        rows = rows.assign(schooling=rows["program_id"].map(programs.set_index("program_id")["schooling"]))
    rows = rows.dropna(subset=["schooling"])
    sums = rows.groupby("schooling")[["graduates", "enrolled"]].sum()
    return {
        str(s): float(g) / float(e) for s, g, e in zip(sums.index, sums["graduates"], sums["enrolled"], strict=True)
    }


@dataclass
class ProgramArrays:
    """Per-program arrays for one period, in the order of the ``programs`` frame.

    ``graduates``/``local``: the ProgramYear of year Y (0 without one); ``projection[:, h]``: the
    projected graduates of year Y+1+h (§4.2 rule, whatever the program's activity); ``active``:
    active at E. The bucket split is kept as (program, bucket, divisor) triples ``nz_*``: a program
    serving n key clusters has n triples with divisor n, one serving none a single OTHER triple.
    """

    year: int
    end: pd.Timestamp
    clusters: KeyClusters
    program_ids: np.ndarray
    index_of: dict
    schooling: np.ndarray  # object
    major_code: np.ndarray  # object
    college_code: np.ndarray  # object
    district: np.ndarray  # object (None where unknown)
    aligned: np.ndarray  # bool: serves ≥ 1 key cluster
    stopped: np.ndarray  # bool
    active: np.ndarray  # bool, at E
    graduates: np.ndarray
    local: np.ndarray
    projection: np.ndarray  # (n, horizon)
    ratios: dict[str, float]
    nz_prog: np.ndarray
    nz_bucket: np.ndarray
    nz_div: np.ndarray
    buckets: list[str] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.program_ids)

    def ratio(self, schooling: str) -> float:
        return self.ratios.get(schooling, 1.0)


def _projections(programs, years, pidx, year_of, c, year, horizon, by_program) -> np.ndarray:
    """(n, horizon): projected graduates of Y+1.. — the cohort in school × c_s, else the latest intake × c_s,
    0 for a stopped program or one without any row."""
    n = len(programs)
    stopped = (programs["enrollment_status"].astype(object) == STOPPED).to_numpy(dtype=bool)
    # Latest row of each program (largest year, any year): its admitted is the held intake.
    has_row = np.zeros(n, dtype=bool)
    has_row[pidx] = True
    latest_admitted = np.zeros(n)
    if len(pidx):
        order = np.lexsort((year_of, pidx))  # by program, then year
        last = order[np.r_[pidx[order][1:] != pidx[order][:-1], True]]  # each program's largest year
        latest_admitted[pidx[last]] = years["admitted"].to_numpy(dtype=float)[last]
    held = np.where(has_row & ~stopped, latest_admitted * c, 0.0)

    projection = np.zeros((n, horizon))
    for h in range(horizon):
        enrolled, present = by_program(year_of == year + 1 + h, "enrolled")
        projection[:, h] = np.where(present, enrolled * c, held)

    return projection


def _bucket_split(served: list, clusters: KeyClusters):
    """(program, bucket, divisor) triples: a program serving n key clusters adds 1/n to each, one serving
    none all to OTHER; and the buckets in order."""
    bucket_index = {code: i for i, code in enumerate([*clusters.codes, OTHER])}
    nz_prog, nz_bucket, nz_div = [], [], []
    for i, codes in enumerate(served):
        codes = list(codes) if isinstance(codes, (list, tuple, np.ndarray)) else []
        if codes:
            for code in codes:
                nz_prog.append(i)
                nz_bucket.append(bucket_index[code])
                nz_div.append(float(len(codes)))
        else:
            nz_prog.append(i)
            nz_bucket.append(bucket_index[OTHER])
            nz_div.append(1.0)

    return (
        np.array(nz_prog, dtype=np.int64),
        np.array(nz_bucket, dtype=np.int64),
        np.array(nz_div, dtype=float),
        list(bucket_index),
    )


def prepare_programs(
    programs: pd.DataFrame,
    program_years: pd.DataFrame,
    clusters: KeyClusters,
    year: int,
    quarter: int,
    horizon: int = FORECAST_YEARS,
) -> ProgramArrays:
    """Build the per-program arrays of period (year, quarter) with projections for Y+1..Y+horizon."""
    end = pd.Timestamp(Period(year, quarter).end)
    n = len(programs)
    program_ids = programs["program_id"].to_numpy()
    index_of = {pid: i for i, pid in enumerate(program_ids.tolist())}
    if len(index_of) != n:
        raise ValueError("program_id must be unique")
    schooling = programs["schooling"].astype(object).to_numpy()
    ratios = completion_ratios(program_years, programs, year)
    c = np.array([ratios.get(s, 1.0) for s in schooling], dtype=float)

    years = program_years[program_years["program_id"].isin(index_of)]
    pidx = years["program_id"].map(index_of).to_numpy(dtype=np.int64)
    year_of = years["year"].to_numpy(dtype=np.int64)

    def by_program(mask: np.ndarray, column: str) -> tuple[np.ndarray, np.ndarray]:
        values = np.zeros(n)
        present = np.zeros(n, dtype=bool)
        np.add.at(values, pidx[mask], years[column].to_numpy(dtype=float)[mask])
        present[pidx[mask]] = True
        return values, present

    graduates, _ = by_program(year_of == year, "graduates")
    local, _ = by_program(year_of == year, "employed_locally")

    projection = _projections(programs, years, pidx, year_of, c, year, horizon, by_program)

    nz_prog, nz_bucket, nz_div, buckets = _bucket_split(programs["served"].tolist(), clusters)

    district = programs["district"].astype(object).where(~_missing(programs["district"]), None).to_numpy()
    return ProgramArrays(
        year=year,
        end=end,
        clusters=clusters,
        program_ids=program_ids,
        index_of=index_of,
        schooling=schooling,
        major_code=programs["major_code"].astype(object).to_numpy(),
        college_code=programs["college_code"].astype(object).to_numpy(),
        district=district,
        aligned=np.array(
            [bool(len(s)) if isinstance(s, (list, tuple, np.ndarray)) else False for s in programs["served"]],
            dtype=bool,
        ),
        stopped=(programs["enrollment_status"].astype(object) == STOPPED).to_numpy(dtype=bool),
        active=active_on(programs, end),
        graduates=graduates,
        local=local,
        projection=projection,
        ratios=ratios,
        nz_prog=nz_prog,
        nz_bucket=nz_bucket,
        nz_div=nz_div,
        buckets=buckets,
    )


def baseline_matrix(arrays: ProgramArrays, horizon: int) -> np.ndarray:
    """(n, 1 + horizon): graduates of Y, then projected graduates of Y+1.., of programs active at E
    (0 for the others). §4.2 and the planner's baseline both sum this very matrix."""
    mask = arrays.active.astype(float)
    out = np.empty((arrays.n, 1 + horizon))
    out[:, 0] = arrays.graduates * mask
    out[:, 1:] = arrays.projection[:, :horizon] * mask[:, None]
    return out


def bucket_sums(
    values: np.ndarray,
    nz_prog: np.ndarray,
    nz_bucket: np.ndarray,
    nz_div: np.ndarray,
    scope_of: np.ndarray,
    n_scopes: int,
    n_buckets: int,
) -> np.ndarray:
    """Σ per (scope, bucket) of each column of ``values`` (n, T), split ÷ n over served clusters.

    ``scope_of[i]`` is program i's scope index (−1: in no scope). Sums run in program order, so the
    same programs in the same order give the same floats whatever else is appended.
    """
    scope = scope_of[nz_prog]
    keep = scope >= 0
    idx = scope[keep] * n_buckets + nz_bucket[keep]
    share = values[nz_prog[keep]] / nz_div[keep, None]
    out = np.empty((n_scopes * n_buckets, values.shape[1]))
    for t in range(values.shape[1]):
        out[:, t] = np.bincount(idx, weights=share[:, t], minlength=n_scopes * n_buckets)
    return out.reshape(n_scopes, n_buckets, values.shape[1])


# ---------------------------------------------------------------------------------------------
# Demand


def counted_demand(talent_demand: pd.DataFrame, year: int, quarter: int) -> pd.DataFrame:
    """The talent demand rows of the four quarters ending with (Y, Q), with an ``items`` column."""
    rows = talent_demand
    if "year" in rows.columns and "quarter" in rows.columns:
        window = {y * 4 + q for y, q in demand_quarters(year, quarter)}
        key = rows["year"].astype(int) * 4 + rows["quarter"].astype(int)
        rows = rows[key.isin(window)]
    if "items" not in rows.columns:
        rows = rows.assign(items=1)
    return rows


def demand_by_bucket(rows: pd.DataFrame, clusters: KeyClusters) -> pd.DataFrame:
    """Σ headcount per (district, bucket); ``district`` None for enterprises without one."""
    if "bucket" in rows.columns:
        bucket = rows["bucket"]
    else:
        mapping = {code: clusters.of_industry(str(code)) for code in rows["industry_code"].dropna().unique()}
        bucket = rows["industry_code"].map(mapping).fillna(OTHER)
    district = rows["district"].astype(object).where(~_missing(rows["district"]), "")
    frame = pd.DataFrame(
        {"district": district, "bucket": bucket, "headcount": pd.to_numeric(rows["headcount"]).astype(float)}
    )
    return frame.groupby(["district", "bucket"], sort=False)["headcount"].sum().reset_index()


# ---------------------------------------------------------------------------------------------
# §4.2 table


@dataclass
class HeadcountInputs:
    """Everything §4.2 (and, with ``priority_majors`` and ``majors``, §4.3) needs for one period."""

    year: int
    quarter: int
    clusters: KeyClusters
    programs: pd.DataFrame
    program_years: pd.DataFrame
    talent_demand: pd.DataFrame
    districts: Sequence[str]
    colleges: pd.DataFrame
    city_name: str = ""

    @property
    def end(self) -> pd.Timestamp:
        return pd.Timestamp(Period(self.year, self.quarter).end)


def _scope_index(values: np.ndarray, keys: Sequence[str]) -> np.ndarray:
    position = {key: i for i, key in enumerate(keys)}
    return np.array([position.get(v, -1) for v in values], dtype=np.int64)


def supply_demand_headcounts(inputs: HeadcountInputs, arrays: ProgramArrays | None = None) -> pd.DataFrame:
    """The §4.2 rows: one per scope (city, each district, each college) × bucket (key clusters in
    order, then ``other``), also when every number is 0.

    Columns: ``scope_type``, ``scope_id`` ('' for the city, the district name, the college code),
    ``scope_name``, ``cluster``, ``cluster_name``, ``position`` (0-based bucket order), ``demand``,
    ``graduates``, ``local_graduates``, ``gap`` (= demand − local_graduates), ``forecast_1..3``.
    Plain floats, no rounding.
    """
    if arrays is None:
        arrays = prepare_programs(
            inputs.programs, inputs.program_years, inputs.clusters, inputs.year, inputs.quarter, FORECAST_YEARS
        )
    buckets = arrays.buckets
    n_buckets = len(buckets)
    base = baseline_matrix(arrays, FORECAST_YEARS)
    values = np.column_stack([base[:, :1], arrays.local * arrays.active, base[:, 1:]])  # g, l, f1..f3
    nz = (arrays.nz_prog, arrays.nz_bucket, arrays.nz_div)

    districts = list(inputs.districts)
    college_codes = inputs.colleges["college_code"].astype(str).tolist()
    city = bucket_sums(values, *nz, np.zeros(arrays.n, dtype=np.int64), 1, n_buckets)
    by_district = bucket_sums(values, *nz, _scope_index(arrays.district, districts), len(districts), n_buckets)
    college_of = np.array([str(c) for c in arrays.college_code], dtype=object)
    by_college = bucket_sums(values, *nz, _scope_index(college_of, college_codes), len(college_codes), n_buckets)

    demand = demand_by_bucket(counted_demand(inputs.talent_demand, inputs.year, inputs.quarter), inputs.clusters)
    bucket_pos = {b: i for i, b in enumerate(buckets)}
    city_demand = np.zeros(n_buckets)
    np.add.at(city_demand, demand["bucket"].map(bucket_pos).to_numpy(dtype=np.int64), demand["headcount"].to_numpy())
    district_demand = np.zeros((len(districts), n_buckets))
    d_idx = _scope_index(demand["district"].to_numpy(), districts)
    keep = d_idx >= 0
    np.add.at(
        district_demand,
        (d_idx[keep], demand["bucket"].map(bucket_pos).to_numpy(dtype=np.int64)[keep]),
        demand["headcount"].to_numpy()[keep],
    )

    names = dict(zip(college_codes, inputs.colleges.get("name", inputs.colleges["college_code"]), strict=True))
    scopes = (
        [(CITY, "", inputs.city_name, city[0], city_demand)]
        + [(DISTRICT, d, d, by_district[i], district_demand[i]) for i, d in enumerate(districts)]
        + [(COLLEGE, c, names[c], by_college[i], city_demand) for i, c in enumerate(college_codes)]
    )
    cluster_names = {**inputs.clusters.names, OTHER: OTHER_NAME}
    records = []
    for scope_type, scope_id, scope_name, supply, demand_k in scopes:
        for k, bucket in enumerate(buckets):
            g, local, *forecast = supply[k].tolist()
            d = float(demand_k[k])
            records.append(
                (scope_type, scope_id, scope_name, bucket, cluster_names[bucket], k, d, g, local, d - local, *forecast)
            )
    columns = ["scope_type", "scope_id", "scope_name", "cluster", "cluster_name", "position"]
    columns += ["demand", "graduates", "local_graduates", "gap", *FORECAST_COLUMNS]
    return pd.DataFrame.from_records(records, columns=columns)


@dataclass
class MajorTable:
    """§4.2 by major (city): ``rows`` and how many counted talent items named no major."""

    rows: pd.DataFrame  # major_code, demand, graduates, local_graduates, gap, forecast_1..3
    items_without_major: int


def supply_demand_by_major(inputs: HeadcountInputs, arrays: ProgramArrays | None = None) -> MajorTable:
    """One row per major that has demand (talent items naming it) or programs active at E, sorted by
    major code; no split: a program adds everything to its own major. gap = demand − local_graduates."""
    if arrays is None:
        arrays = prepare_programs(
            inputs.programs, inputs.program_years, inputs.clusters, inputs.year, inputs.quarter, FORECAST_YEARS
        )
    base = baseline_matrix(arrays, FORECAST_YEARS)
    active = arrays.active
    supply = pd.DataFrame(
        {
            "major_code": arrays.major_code[active].astype(str),
            "graduates": base[active, 0],
            "local_graduates": arrays.local[active],
            **{col: base[active, 1 + i] for i, col in enumerate(FORECAST_COLUMNS)},
        }
    )
    supply = supply.groupby("major_code", sort=False).sum()

    rows = counted_demand(inputs.talent_demand, inputs.year, inputs.quarter)
    no_major = _missing(rows["major_code"])
    items_without_major = int(pd.to_numeric(rows.loc[no_major, "items"]).sum())
    named = rows[~no_major]
    demand = pd.to_numeric(named["headcount"]).astype(float).groupby(named["major_code"].astype(str)).sum()

    codes = sorted(set(supply.index) | set(demand.index))
    table = pd.DataFrame({"major_code": codes})
    table["demand"] = demand.reindex(codes, fill_value=0.0).to_numpy(dtype=float)
    for col in ["graduates", "local_graduates", *FORECAST_COLUMNS]:
        table[col] = supply[col].reindex(codes, fill_value=0.0).to_numpy(dtype=float)
    table["gap"] = table["demand"] - table["local_graduates"]
    table = table[["major_code", "demand", "graduates", "local_graduates", "gap", *FORECAST_COLUMNS]]
    return MajorTable(rows=table, items_without_major=items_without_major)


# ---------------------------------------------------------------------------------------------
# The priority directory


def in_directory(priority_majors: pd.DataFrame, date) -> set[str]:
    """Major codes in the priority directory on date D: effective_from ≤ D and (effective_to empty
    or ≥ D). ``priority_majors``: major_code, effective_from, effective_to (datetime64)."""
    date = pd.Timestamp(date)
    rows = priority_majors
    inside = (rows["effective_from"] <= date) & (rows["effective_to"].isna() | (rows["effective_to"] >= date))
    return set(rows.loc[inside, "major_code"].astype(str))
