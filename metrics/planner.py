"""SPEC §4.3 — the what-if planner — as pure functions over the frames of ``metrics.headcounts``.

``PlannerBase(inputs)`` does the per-period work once (completion ratios, each program's projection
for six years, activity and directory membership on the six year ends, the demand and local yields
of §4.2, the baseline aggregates), as numpy arrays in program order. ``base.evaluate(changes)``
then copies two (n × 6) matrices, applies the changes to the rows they touch, and re-aggregates
with ``np.bincount``: a few milliseconds at province scale. Nothing is written anywhere.

Interpretations (where SPEC §4.3 leaves a choice):

* Which programs count. Graduates of year Y are the §4.2 ones (ProgramYear of Y of programs active
  at E); projected graduates of Y+1..Y+5 follow the §4.2 rule for the programs active at E, so the
  baseline's Y+1..Y+3 *are* ``forecast_1..3`` (the same matrix summed in the same order: bit for
  bit). A program not active at E (closed before E, or established after E) adds no graduates in
  any year, in the baseline as in the scenario — but it counts in the activity metrics of every
  year end at which it is active. Baseline closures after E do not stop a program's projection
  (§4.2 has no such rule); only a ``close`` change does.
* Year Y. "Changes apply to it only through activity on 31 December of Y": a program whose
  graduates of Y are in the §4.2 figure drops out of the scenario's Y column exactly when a change
  makes it inactive on 31 Dec Y while it was active then in the baseline — i.e. a ``close`` dated
  on or before 31 Dec Y (even after E, e.g. closed on 1 Sep Y in a Q2 base: its 2025 cohort has
  graduated, but the scenario treats the program as gone from the year's figures). A program that
  already closes between E and 31 Dec Y in the baseline keeps its Y graduates in both columns.
  ``set_intake`` never changes the Y column, and an opened program adds no graduates to it (it has
  no recorded cohort), whatever its first intake year; both still change the Y column's activity
  metrics (an opened program with f ≤ Y is active on 31 Dec Y).
* ``open``: active on 31 Dec t iff f ≤ t (from 1 Sep f); n × c_s graduates in every year
  t ≥ f + L_s with t > Y; its district is its college's, its clusters its major's (``majors``).
* ``set_intake``: the program's projected graduates of years t > Y with t ≥ f + L_s are multiplied
  by k. Several changes on one program compose in list order (factors multiply; after a close
  they multiply 0).
* ``close`` on D: inactive on every year end ≥ D (a baseline closed_on earlier than D still wins),
  0 projected graduates in every year t > year(D) (years up to D's year keep their cohorts).
* ℓ_k = l_k ÷ g_k of §4.2 for the scope and bucket; where g_k = 0 the scope's Σl ÷ Σg over all
  buckets; 0 where that is 0/0. Gap = d_k − graduates × ℓ_k, the same formula for every year of
  both columns (so the Y column's baseline gap equals §4.2's d − l up to one rounding).
* Ratios are None where the denominator is 0 (no active program in scope; no key clusters).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .headcounts import (
    CITY,
    DISTRICT,
    OTHER,
    OTHER_NAME,
    HeadcountInputs,
    ProgramArrays,
    _scope_index,
    active_on,
    baseline_matrix,
    bucket_sums,
    counted_demand,
    demand_by_bucket,
    prepare_programs,
)

PLAN_YEARS = 6  # Y, Y+1, …, Y+5
SCHOOLING_YEARS = {"secondary": 3, "3yr_higher": 3, "bachelor": 4, "5yr_higher": 5}
METRICS = ("alignment_rate", "cluster_coverage", "priority_major_share")


@dataclass
class PlannerInputs:
    """The §4.2 inputs plus what only the planner needs.

    ``priority_majors``: major_code, effective_from, effective_to (datetime64, NaT when open-ended).
    ``majors``: major_code, served (list of key cluster codes) — every major an ``open`` may name;
    the programs' own majors are taken from ``headcounts.programs`` when absent here.
    """

    headcounts: HeadcountInputs
    priority_majors: pd.DataFrame
    majors: pd.DataFrame | None = None


# ---------------------------------------------------------------------------------------------
# Changes


@dataclass(frozen=True)
class Open:
    college_code: str
    major_code: str
    schooling: str
    first_intake_year: int
    intake: float


@dataclass(frozen=True)
class SetIntake:
    program: object
    from_year: int
    factor: float


@dataclass(frozen=True)
class Close:
    program: object
    on: pd.Timestamp


Change = Open | SetIntake | Close


def parse_change(change: Mapping | Change) -> Change:
    """One change as the API sends it (``{"action": "open", …}``) → Open | SetIntake | Close.

    Raises ValueError with a readable message on a malformed change."""
    if isinstance(change, (Open, SetIntake, Close)):
        return change
    action = change.get("action")
    try:
        if action == "open":
            parsed = Open(
                college_code=str(change["college_code"]),
                major_code=str(change["major_code"]),
                schooling=str(change["schooling"]),
                first_intake_year=int(change["first_intake_year"]),
                intake=float(change["intake"]),
            )
            if parsed.schooling not in SCHOOLING_YEARS:
                raise ValueError(f"unknown schooling {parsed.schooling!r}")
            if not parsed.intake >= 0:
                raise ValueError("intake must be ≥ 0")
            return parsed
        if action == "set_intake":
            parsed = SetIntake(
                program=change["program"], from_year=int(change["from_year"]), factor=float(change["factor"])
            )
            if not parsed.factor >= 0:
                raise ValueError("factor must be ≥ 0")
            return parsed
        if action == "close":
            on = pd.Timestamp(change["on"])
            if pd.isna(on):
                raise ValueError("close needs a date")
            return Close(program=change["program"], on=on.normalize())
    except KeyError as missing:
        raise ValueError(f"{action} change without {missing.args[0]!r}") from None
    except (TypeError, ValueError) as error:
        raise ValueError(f"invalid {action} change: {error}") from None
    raise ValueError(f"unknown action {action!r}")


# ---------------------------------------------------------------------------------------------
# The prepared base


@dataclass
class _Programs:
    """The arrays a scenario changes or extends (rows = programs, columns = the six year ends)."""

    graduates: np.ndarray  # (n, 6) float
    active: np.ndarray  # (n, 6) bool
    listed: np.ndarray  # (n, 6) bool: major in the priority directory on that year end
    aligned: np.ndarray  # (n,) bool
    district: np.ndarray  # (n,) int, −1 for none
    nz_prog: np.ndarray
    nz_bucket: np.ndarray
    nz_div: np.ndarray


@dataclass
class _Figures:
    graduates: np.ndarray  # (S, B, 6)
    gap: np.ndarray  # (S, B, 6)
    metrics: dict[str, list[list]]  # metric → per scope 6 values (None where null)


class PlannerBase:
    """Everything a period's scenarios share, computed once (see the module docstring)."""

    def __init__(self, inputs: PlannerInputs | HeadcountInputs, priority_majors: pd.DataFrame | None = None):
        if isinstance(inputs, HeadcountInputs):
            if priority_majors is None:
                raise ValueError("priority_majors is required")
            inputs = PlannerInputs(headcounts=inputs, priority_majors=priority_majors)
        hc = inputs.headcounts
        self.inputs = inputs
        self.year = hc.year
        self.years = [hc.year + t for t in range(PLAN_YEARS)]
        self.year_ends = [pd.Timestamp(datetime.date(y, 12, 31)) for y in self.years]
        self.clusters = hc.clusters
        arrays: ProgramArrays = prepare_programs(
            hc.programs, hc.program_years, hc.clusters, hc.year, hc.quarter, PLAN_YEARS - 1
        )
        self.arrays = arrays
        self.buckets = arrays.buckets
        self.n_keys = len(hc.clusters.codes)
        self.districts = list(hc.districts)
        self.scopes = [(CITY, "", hc.city_name)] + [(DISTRICT, d, d) for d in self.districts]
        self.n_scopes = len(self.scopes)

        self._read_majors(hc, inputs)
        self._read_colleges(hc, arrays)
        self.programs = self._program_matrix(hc, arrays)
        self._read_demand_and_yields(hc, arrays)
        self.baseline = self._figures(self.programs)

    def _read_majors(self, hc: HeadcountInputs, inputs: PlannerInputs) -> None:
        """The clusters each major serves (for opens) and its directory membership on each year end."""
        served = dict(zip(hc.programs["major_code"].astype(str), hc.programs["served"], strict=True))
        if inputs.majors is not None:
            served.update(zip(inputs.majors["major_code"].astype(str), inputs.majors["served"], strict=True))
        self.served = {
            code: list(codes) if isinstance(codes, (list, tuple, np.ndarray)) else [] for code, codes in served.items()
        }
        directory = inputs.priority_majors
        self.listed_by_major: dict[str, np.ndarray] = {}
        if len(directory):
            codes = directory["major_code"].astype(str).to_numpy()
            start = directory["effective_from"].to_numpy(dtype="datetime64[ns]")
            stop = directory["effective_to"].to_numpy(dtype="datetime64[ns]")
            ends = np.array(self.year_ends, dtype="datetime64[ns]")
            inside = (start[:, None] <= ends[None, :]) & (np.isnat(stop)[:, None] | (stop[:, None] >= ends[None, :]))
            for code in np.unique(codes):
                self.listed_by_major[code] = inside[codes == code].any(axis=0)
        self._not_listed = np.zeros(PLAN_YEARS, dtype=bool)

    def _read_colleges(self, hc: HeadcountInputs, arrays: ProgramArrays) -> None:
        """Each college's district scope (an opened program counts in its college's district)."""
        colleges = hc.colleges
        self.college_district = dict(
            zip(
                colleges["college_code"].astype(str),
                _scope_index(colleges["district"].to_numpy(), self.districts),
                strict=True,
            )
        )
        # Programs' colleges not in the colleges frame still have their own district.
        for code, district in zip(arrays.college_code, _scope_index(arrays.district, self.districts), strict=True):
            self.college_district.setdefault(str(code), district)

    def _program_matrix(self, hc: HeadcountInputs, arrays: ProgramArrays) -> _Programs:
        """The baseline's (programs × year ends) arrays: graduates, activity, directory membership."""
        active = np.column_stack([active_on(hc.programs, end) for end in self.year_ends])
        listed = np.array([self.listed_by_major.get(str(m), self._not_listed) for m in arrays.major_code], dtype=bool)
        return _Programs(
            graduates=baseline_matrix(arrays, PLAN_YEARS - 1),
            active=active.reshape(arrays.n, PLAN_YEARS),
            listed=listed.reshape(arrays.n, PLAN_YEARS),
            aligned=arrays.aligned,
            district=_scope_index(arrays.district, self.districts),
            nz_prog=arrays.nz_prog,
            nz_bucket=arrays.nz_bucket,
            nz_div=arrays.nz_div,
        )

    def _read_demand_and_yields(self, hc: HeadcountInputs, arrays: ProgramArrays) -> None:
        """Demand of the four quarters and the local yields ℓ of §4.2, per scope and bucket."""
        n_buckets = len(self.buckets)
        position = {b: i for i, b in enumerate(self.buckets)}
        demand = demand_by_bucket(counted_demand(hc.talent_demand, hc.year, hc.quarter), hc.clusters)
        bucket = demand["bucket"].map(position).to_numpy(dtype=np.int64)
        headcount = demand["headcount"].to_numpy(dtype=float)
        scope = _scope_index(demand["district"].to_numpy(), self.districts)
        self.demand = np.zeros((self.n_scopes, n_buckets))
        np.add.at(self.demand[0], bucket, headcount)
        keep = scope >= 0
        np.add.at(self.demand, (scope[keep] + 1, bucket[keep]), headcount[keep])

        base_gl = np.column_stack([self.programs.graduates[:, 0], arrays.local * arrays.active])
        g_l = self._bucket_sums(base_gl, self.programs)  # (S, B, 2)
        g, loc = g_l[:, :, 0], g_l[:, :, 1]
        g_total, l_total = g.sum(axis=1), loc.sum(axis=1)
        fallback = np.divide(l_total, g_total, out=np.zeros_like(g_total), where=g_total != 0)
        self.yields = np.where(g != 0, loc / np.where(g != 0, g, 1.0), fallback[:, None])

    # -- aggregation ---------------------------------------------------------------------------

    def _bucket_sums(self, values: np.ndarray, p: _Programs) -> np.ndarray:
        n = len(p.district)
        nz = (p.nz_prog, p.nz_bucket, p.nz_div)
        n_buckets = len(self.buckets)
        city = bucket_sums(values, *nz, np.zeros(n, dtype=np.int64), 1, n_buckets)
        districts = bucket_sums(values, *nz, p.district, len(self.districts), n_buckets)
        return np.concatenate([city, districts])

    def _per_scope_year(self, mask: np.ndarray, p: _Programs) -> np.ndarray:
        """Σ over programs of a (n, 6) bool/float mask per (scope, year): (S, 6)."""
        weights = mask.astype(float)
        city = weights.sum(axis=0, dtype=float)[None, :]
        keep = p.district >= 0
        idx = (p.district[keep, None] * PLAN_YEARS + np.arange(PLAN_YEARS)).ravel()
        districts = np.bincount(idx, weights=weights[keep].ravel(), minlength=len(self.districts) * PLAN_YEARS)
        return np.concatenate([city, districts.reshape(-1, PLAN_YEARS)])

    def _figures(self, p: _Programs) -> _Figures:
        graduates = self._bucket_sums(p.graduates, p)
        gap = self.demand[:, :, None] - graduates * self.yields[:, :, None]

        active_count = self._per_scope_year(p.active, p)
        aligned = self._per_scope_year(p.active & p.aligned[:, None], p)
        listed = self._per_scope_year(p.active & p.listed, p)

        # Coverage: key clusters with ≥ 1 active program serving them, per scope and year.
        key = p.nz_bucket < self.n_keys
        prog, cluster = p.nz_prog[key], p.nz_bucket[key]
        serving = p.active[prog]  # (nnz, 6)
        steps = np.arange(PLAN_YEARS)
        city_idx = (cluster[:, None] * PLAN_YEARS + steps).ravel()
        covered_city = np.bincount(city_idx, weights=serving.ravel(), minlength=self.n_keys * PLAN_YEARS)
        covered_city = (covered_city.reshape(self.n_keys, PLAN_YEARS) > 0).sum(axis=0)[None, :]
        district = p.district[prog]
        inside = district >= 0
        d_idx = ((district[inside] * self.n_keys + cluster[inside])[:, None] * PLAN_YEARS + steps).ravel()
        size = len(self.districts) * self.n_keys * PLAN_YEARS
        covered = np.bincount(d_idx, weights=serving[inside].ravel(), minlength=size)
        covered = (covered.reshape(len(self.districts), self.n_keys, PLAN_YEARS) > 0).sum(axis=1)
        coverage = np.concatenate([covered_city, covered]).astype(float)

        keys = np.full_like(coverage, float(self.n_keys))
        metrics = {
            "alignment_rate": _ratios(aligned, active_count),
            "cluster_coverage": _ratios(coverage, keys),
            "priority_major_share": _ratios(listed, active_count),
        }
        return _Figures(graduates=graduates, gap=gap, metrics=metrics)

    # -- scenarios -----------------------------------------------------------------------------

    def apply(self, changes: Iterable[Mapping | Change]) -> _Programs:
        """The program arrays with the changes applied (the base's arrays are never modified)."""
        base = self.programs
        graduates = base.graduates.copy()
        active = base.active.copy()
        years = np.array(self.years)
        future = years > self.year
        opened = []
        for change in map(parse_change, changes):
            if isinstance(change, Open):
                opened.append(self._opened(change, years, future))
                continue
            i = self._program_index(change.program)
            if i is None:
                raise ValueError(f"unknown program {change.program!r}")
            if isinstance(change, SetIntake):
                first = change.from_year + SCHOOLING_YEARS.get(str(self.arrays.schooling[i]), 0)
                graduates[i, future & (years >= first)] *= change.factor
            else:
                ends = np.array(self.year_ends, dtype="datetime64[ns]")
                active[i] &= ends < change.on.to_datetime64()
                graduates[i, future & (years > change.on.year)] = 0.0
        # Year Y: only through activity on 31 Dec Y (a change that ends the program's activity then).
        lost = base.active[:, 0] & ~active[:, 0]
        graduates[lost, 0] = 0.0
        if not opened:
            return _Programs(graduates, active, base.listed, base.aligned, base.district, *self._nz(base))
        n = len(base.district)
        extra_nz = [
            (n + j, self.buckets.index(bucket), float(div))
            for j, (*_, buckets) in enumerate(opened)
            for bucket, div in buckets
        ]
        return _Programs(
            graduates=np.vstack([graduates, np.array([o[0] for o in opened])]),
            active=np.vstack([active, np.array([o[1] for o in opened])]),
            listed=np.vstack([base.listed, np.array([o[2] for o in opened])]),
            aligned=np.concatenate([base.aligned, np.array([o[3] for o in opened], dtype=bool)]),
            district=np.concatenate([base.district, np.array([o[4] for o in opened], dtype=np.int64)]),
            nz_prog=np.concatenate([base.nz_prog, np.array([e[0] for e in extra_nz], dtype=np.int64)]),
            nz_bucket=np.concatenate([base.nz_bucket, np.array([e[1] for e in extra_nz], dtype=np.int64)]),
            nz_div=np.concatenate([base.nz_div, np.array([e[2] for e in extra_nz], dtype=float)]),
        )

    def _program_index(self, program) -> int | None:
        index = self.arrays.index_of.get(program)
        if index is None and isinstance(program, str) and program.strip().lstrip("-").isdigit():
            index = self.arrays.index_of.get(int(program))  # an id sent as text
        return index

    @staticmethod
    def _nz(p: _Programs):
        return p.nz_prog, p.nz_bucket, p.nz_div

    def _opened(self, change: Open, years: np.ndarray, future: np.ndarray):
        district = self.college_district.get(change.college_code)
        if district is None:
            raise ValueError(f"unknown college {change.college_code!r}")
        if change.major_code not in self.served:
            raise ValueError(f"unknown major {change.major_code!r}")
        served = self.served[change.major_code]
        per_year = change.intake * self.arrays.ratio(change.schooling)
        first = change.first_intake_year + SCHOOLING_YEARS[change.schooling]
        graduates = np.where(future & (years >= first), per_year, 0.0)
        active = years >= change.first_intake_year  # from 1 Sep f: active on 31 Dec of f and after
        listed = self.listed_by_major.get(change.major_code, self._not_listed)
        buckets = [(code, len(served)) for code in served] or [(OTHER, 1)]
        return graduates, active, listed, bool(served), district, buckets

    def evaluate(self, changes: Iterable[Mapping | Change] = ()) -> dict:
        """The §4.3 answer: ``{"years", "scopes": [{scope_type, scope_id, scope_name, metrics, clusters}]}``.

        City first, then each district; every list has six values (years Y … Y+5), ratios None where
        null. How year Y, closures and opens are read: see the module docstring. Raises ValueError
        for a malformed change or one naming an unknown program, college or major."""
        changes = list(changes)
        scenario = self._figures(self.apply(changes)) if changes else self.baseline
        return self._answer(self.baseline, scenario)

    def _answer(self, base: _Figures, scen: _Figures) -> dict:
        names = {**self.clusters.names, OTHER: OTHER_NAME}
        bg, sg = base.graduates.tolist(), scen.graduates.tolist()
        bgap, sgap = base.gap.tolist(), scen.gap.tolist()
        scopes = []
        for s, (scope_type, scope_id, scope_name) in enumerate(self.scopes):
            scopes.append(
                {
                    "scope_type": scope_type,
                    "scope_id": scope_id,
                    "scope_name": scope_name,
                    "metrics": {m: {"baseline": base.metrics[m][s], "scenario": scen.metrics[m][s]} for m in METRICS},
                    "clusters": [
                        {
                            "cluster": bucket,
                            "cluster_name": names[bucket],
                            "graduates": {"baseline": bg[s][k], "scenario": sg[s][k]},
                            "gap": {"baseline": bgap[s][k], "scenario": sgap[s][k]},
                        }
                        for k, bucket in enumerate(self.buckets)
                    ],
                }
            )
        return {"years": list(self.years), "scopes": scopes}


def _ratios(numerator: np.ndarray, denominator: np.ndarray) -> list[list]:
    """Per scope, six values: numerator ÷ denominator, None where the denominator is 0."""
    values = np.divide(numerator, denominator, out=np.zeros_like(numerator, dtype=float), where=denominator > 0)
    return [
        [v if d > 0 else None for v, d in zip(vs, ds, strict=True)]
        for vs, ds in zip(values.tolist(), denominator.tolist(), strict=True)
    ]


def evaluate(base_inputs: PlannerBase | PlannerInputs, changes: Iterable[Mapping | Change] = ()) -> dict:
    """Evaluate a scenario (SPEC §4.3). Pass a ``PlannerBase`` to reuse the per-period preparation."""
    base = base_inputs if isinstance(base_inputs, PlannerBase) else PlannerBase(base_inputs)
    return base.evaluate(changes)
