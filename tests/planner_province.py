"""A synthetic province for the planner's speed: 12 000 programs, 400 colleges, 100 districts,
10 key clusters, a 20-change scenario. Run ``python -m tests.planner_province`` for the timings."""

import json
import statistics
import time

import numpy as np
import pandas as pd

from metrics.headcounts import HeadcountInputs
from metrics.planner import PlannerBase, PlannerInputs
from reference.matching import KeyClusters

YEAR, QUARTER = 2025, 2
SCHOOLINGS = ["secondary", "3yr_higher", "5yr_higher", "bachelor"]


def province(seed: int = 7, programs: int = 12_000, colleges: int = 400, districts: int = 100, clusters: int = 10):
    rng = np.random.default_rng(seed)
    cluster_codes = [f"K{i:02d}" for i in range(clusters)]
    key = KeyClusters(
        codes=cluster_codes,
        names={c: f"集群{c}" for c in cluster_codes},
        industry_codes={c: [f"C{20 + 2 * i}", f"C{21 + 2 * i}"] for i, c in enumerate(cluster_codes)},
    )
    # 400 majors: most serve one cluster, some two, some none.
    major_industries = []
    for _ in range(400):
        kind = rng.random()
        if kind < 0.2:
            major_industries.append([f"Q8{rng.integers(0, 9)}"])
        else:
            picks = rng.choice(clusters, size=2 if kind > 0.85 else 1, replace=False)
            major_industries.append([f"C{20 + 2 * int(p)}{rng.integers(10, 99)}" for p in picks])
    majors = pd.DataFrame({"major_code": [f"{400000 + i}" for i in range(400)]})
    majors["served"] = [key.served_by(codes) for codes in major_industries]

    district_names = [f"区{i:03d}" for i in range(districts)]
    college_frame = pd.DataFrame(
        {
            "college_code": [f"{10000 + i}" for i in range(colleges)],
            "name": [f"学院{i}" for i in range(colleges)],
            "district": rng.choice(district_names, size=colleges),
        }
    )
    college_idx = rng.integers(0, colleges, size=programs)
    major_idx = rng.integers(0, len(majors), size=programs)
    established = pd.to_datetime("2010-09-01") + pd.to_timedelta(rng.integers(0, 15 * 365, size=programs), unit="D")
    closed = pd.Series(pd.NaT, index=range(programs), dtype="datetime64[ns]")
    closing = rng.random(programs) < 0.1
    closed[closing] = established[closing] + pd.to_timedelta(rng.integers(365, 8 * 365, size=closing.sum()), unit="D")
    program_frame = pd.DataFrame(
        {
            "program_id": np.arange(1, programs + 1),
            "college_code": college_frame["college_code"].to_numpy()[college_idx],
            "district": college_frame["district"].to_numpy()[college_idx],
            "major_code": majors["major_code"].to_numpy()[major_idx],
            "schooling": rng.choice(SCHOOLINGS, size=programs),
            "established_on": established,
            "closed_on": closed.to_numpy(),
            "enrollment_status": rng.choice(["normal", "restricted", "stopped"], p=[0.85, 0.1, 0.05], size=programs),
        }
    )
    program_frame["served"] = majors["served"].to_numpy()[major_idx]

    # Six years of rows per program (Y−3 … Y+3), a share of the future cohorts missing.
    years = np.arange(YEAR - 3, YEAR + 4)
    pid = np.repeat(program_frame["program_id"].to_numpy(), len(years))
    year = np.tile(years, programs)
    keep = (year <= YEAR) | (rng.random(len(year)) < 0.7)
    enrolled = rng.integers(20, 200, size=len(year))
    graduates = np.where(year <= YEAR, (enrolled * rng.uniform(0.7, 1.0, size=len(year))).astype(int), 0)
    local = (graduates * rng.uniform(0.2, 0.9, size=len(year))).astype(int)
    program_years = pd.DataFrame(
        {
            "program_id": pid,
            "year": year,
            "enrolled": enrolled,
            "admitted": rng.integers(20, 200, size=len(year)),
            "graduates": graduates,
            "employed_locally": local,
        }
    )[keep]

    n_demand = 50_000
    industries = [f"C{c}{rng.integers(10, 99)}" for c in rng.integers(20, 40, size=n_demand)]
    demand = pd.DataFrame(
        {
            "district": rng.choice(district_names, size=n_demand),
            "industry_code": industries,
            "major_code": np.where(
                rng.random(n_demand) < 0.6, majors["major_code"].to_numpy()[rng.integers(0, 400, n_demand)], None
            ),
            "year": YEAR - (rng.random(n_demand) < 0.5).astype(int),
            "quarter": rng.integers(1, 5, size=n_demand),
            "headcount": rng.integers(1, 30, size=n_demand),
        }
    )
    priority = pd.DataFrame(
        {
            "major_code": majors["major_code"].sample(146, random_state=seed).to_numpy(),
            "effective_from": pd.Timestamp("2023-01-01"),
            "effective_to": pd.NaT,
        }
    )
    inputs = HeadcountInputs(
        year=YEAR,
        quarter=QUARTER,
        clusters=key,
        programs=program_frame,
        program_years=program_years,
        talent_demand=demand,
        districts=district_names,
        colleges=college_frame,
        city_name="全省",
    )
    return PlannerInputs(headcounts=inputs, priority_majors=priority, majors=majors)


def scenario(inputs: PlannerInputs, seed: int = 11, size: int = 20) -> list[dict]:
    rng = np.random.default_rng(seed)
    ids = inputs.headcounts.programs["program_id"].to_numpy()
    colleges = inputs.headcounts.colleges["college_code"].to_numpy()
    majors = inputs.majors["major_code"].to_numpy()
    changes = []
    for i in range(size):
        kind = i % 3
        if kind == 0:
            changes.append(
                {
                    "action": "open",
                    "college_code": str(rng.choice(colleges)),
                    "major_code": str(rng.choice(majors)),
                    "schooling": str(rng.choice(SCHOOLINGS)),
                    "first_intake_year": YEAR + int(rng.integers(0, 3)),
                    "intake": int(rng.integers(30, 120)),
                }
            )
        elif kind == 1:
            changes.append(
                {
                    "action": "set_intake",
                    "program": int(rng.choice(ids)),
                    "from_year": YEAR + int(rng.integers(-2, 3)),
                    "factor": float(rng.choice([0, 0.5, 1.5])),
                }
            )
        else:
            changes.append(
                {"action": "close", "program": int(rng.choice(ids)), "on": f"{YEAR + rng.integers(0, 4)}-08-31"}
            )
    return changes


def timings(runs: int = 60) -> dict:
    inputs = province()
    started = time.perf_counter()
    base = PlannerBase(inputs)
    prepare_s = time.perf_counter() - started
    changes = scenario(inputs)
    samples, with_json = [], []
    for _ in range(runs):
        started = time.perf_counter()
        answer = base.evaluate(changes)
        samples.append(time.perf_counter() - started)
        json.dumps(answer)  # what the API adds
        with_json.append(time.perf_counter() - started)
    samples.sort()
    with_json.sort()
    return {
        "programs": len(inputs.headcounts.programs),
        "scopes": len(answer["scopes"]),
        "changes": len(changes),
        "prepare_s": round(prepare_s, 3),
        "evaluate_p50_ms": round(statistics.median(samples) * 1000, 2),
        "evaluate_p95_ms": round(samples[int(0.95 * (len(samples) - 1))] * 1000, 2),
        "evaluate_max_ms": round(samples[-1] * 1000, 2),
        "with_json_p50_ms": round(statistics.median(with_json) * 1000, 2),
        "with_json_p95_ms": round(with_json[int(0.95 * (len(with_json) - 1))] * 1000, 2),
    }


if __name__ == "__main__":
    print(json.dumps(timings()))
