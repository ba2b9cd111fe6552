"""The small-city-plus bundle read straight from its CSVs into the frames of metrics.headcounts / planner.

No database: the rules a bundle import would apply are applied here (SPEC §2, §3, §7): a program's
district is its college's, a demand item's district its enterprise's, an item without an industry
takes its enterprise's, and only talent items not cancelled in submitted or accepted lists count.
"""

import json
from functools import cache
from pathlib import Path

import pandas as pd

from demand.choices import COUNTED_LIST_STATUSES
from metrics.headcounts import HeadcountInputs
from reference.matching import KeyClusters

EXAMPLES = Path(__file__).resolve().parents[2] / "shared" / "examples"
BUNDLE = EXAMPLES / "small-city-plus"
EXPECTED = EXAMPLES / "small-city-plus-expected.json"
PERIODS = [(2024, 4), (2025, 2)]
CITY_NAME = "淮安市"


def _csv(name: str) -> pd.DataFrame:
    return pd.read_csv(BUNDLE / f"{name}.csv", dtype=str, keep_default_na=False)


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values.replace("", None))


def _codes(value: str) -> list[str]:
    return [c for c in value.split(";") if c]


@cache
def bundle() -> dict:
    clusters_csv = _csv("clusters")
    key = clusters_csv[clusters_csv["is_key"] == "1"].assign(order=lambda f: f["order"].astype(int))
    key = key.sort_values(["order", "code"])
    clusters = KeyClusters(
        codes=key["code"].tolist(),
        names=dict(zip(key["code"], key["name"], strict=True)),
        industry_codes={c: _codes(i) for c, i in zip(key["code"], key["industry_codes"], strict=True)},
    )

    majors = _csv("majors")
    majors["served"] = [clusters.served_by(_codes(codes)) for codes in majors["industry_codes"]]
    served = dict(zip(majors["code"], majors["served"], strict=True))

    colleges = _csv("colleges").rename(columns={"code": "college_code"})
    college_district = dict(zip(colleges["college_code"], colleges["district"], strict=True))

    programs = _csv("programs")
    programs.insert(0, "program_id", range(1, len(programs) + 1))
    programs["district"] = programs["college_code"].map(college_district)
    programs["established_on"] = _dates(programs["established_on"])
    programs["closed_on"] = _dates(programs["closed_on"])
    programs["served"] = programs["major_code"].map(served)

    program_key = {
        (c, m, s): pid
        for pid, c, m, s in zip(
            programs["program_id"], programs["college_code"], programs["major_code"], programs["schooling"], strict=True
        )
    }
    years = _csv("program_years")
    years["program_id"] = [
        program_key[key] for key in zip(years["college_code"], years["major_code"], years["schooling"], strict=True)
    ]
    for column in ["year", "enrolled", "admitted", "graduates", "employed", "employed_in_field", "employed_locally"]:
        years[column] = years[column].astype(int)

    enterprises = _csv("enterprises").rename(columns={"uscc": "enterprise"})
    enterprises["tags"] = [_codes(t) for t in enterprises["tags"]]
    ent_district = dict(zip(enterprises["enterprise"], enterprises["district"], strict=True))
    ent_industry = dict(zip(enterprises["enterprise"], enterprises["industry_code"], strict=True))

    items = _csv("demand_items")
    items["year"] = items["year"].astype(int)
    items["quarter"] = items["quarter"].astype(int)
    lists = items[["uscc", "year", "quarter", "list_status"]].drop_duplicates()
    lists = lists.rename(columns={"uscc": "enterprise", "list_status": "status"})
    talent = items[
        items["list_status"].isin(COUNTED_LIST_STATUSES)
        & (items["kind"] == "talent")
        & (items["status"] != "cancelled")
    ].copy()
    talent["district"] = talent["uscc"].map(ent_district)
    talent["industry_code"] = talent["industry_code"].where(
        talent["industry_code"] != "", talent["uscc"].map(ent_industry)
    )
    talent["major_code"] = talent["major_code"].replace("", None)
    talent["headcount"] = talent["headcount"].astype(int)
    talent = talent[["district", "industry_code", "major_code", "year", "quarter", "headcount"]]

    priority = _csv("priority_majors")
    priority["effective_from"] = _dates(priority["effective_from"])
    priority["effective_to"] = _dates(priority["effective_to"])

    # District scopes: every district named by a college or an enterprise, in the districts' order.
    named = set(colleges["district"]) | set(enterprises["district"])
    districts_csv = _csv("districts").assign(order=lambda f: f["order"].astype(int)).sort_values("order")
    districts = [d for d in districts_csv["name"] if d in named]
    districts += sorted(named - set(districts) - {""})

    return {
        "clusters": clusters,
        "majors": majors[["code", "served"]].rename(columns={"code": "major_code"}),
        "colleges": colleges[["college_code", "name", "district"]],
        "programs": programs,
        "program_years": years,
        "enterprises": enterprises[["enterprise", "district", "tags"]],
        "lists": lists,
        "talent": talent,
        "priority_majors": priority,
        "districts": districts,
    }


def inputs(year: int, quarter: int) -> HeadcountInputs:
    b = bundle()
    return HeadcountInputs(
        year=year,
        quarter=quarter,
        clusters=b["clusters"],
        programs=b["programs"],
        program_years=b["program_years"],
        talent_demand=b["talent"],
        districts=b["districts"],
        colleges=b["colleges"],
        city_name=CITY_NAME,
    )


@cache
def expected() -> dict:
    with open(EXPECTED, encoding="utf-8") as fh:
        return json.load(fh)
