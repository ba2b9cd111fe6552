"""The metric engine (SPEC 4): every metric of a period for the city, each district and each college.

Set-based on purpose: each table is read once with ``values_list`` into a pandas DataFrame (about a
dozen queries per period whatever the size of the city), and every metric is a groupby over it.
Demand items are filtered by year in SQL, so a province-sized database loads only one year of them.

Attribution (SPEC 4): a row that belongs to a college counts in the college's district and the
college; a row that belongs only to an enterprise (a training base without a college, an
integration enterprise, a demand item, a policy delivery) counts in the enterprise's district.
"""

import datetime
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd
from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from colleges.models import College, CooperationProject, IndustryCollege, TrainingBase, TrainingSession
from demand.choices import COUNTED_LIST_STATUSES, ItemKind, ItemStatus
from demand.models import DemandItem, DemandList
from enterprises.choices import EnterpriseTag
from enterprises.models import Enterprise
from policies.models import PolicyDelivery
from portal.periods import Period
from programs.choices import Schooling
from programs.models import OrderClass, Program, ProgramYear
from reference.matching import OTHER, KeyClusters
from reference.models import District, Major, PriorityMajor

from . import headcounts
from .choices import ScopeType

MIN_CHAIN_LEADERS = 3  # an industry college complies with ≥ 3 chain-leader partners
KEY_ENTERPRISE_TAGS = frozenset(EnterpriseTag.values)  # SPEC 3: an enterprise with any of the four tags is key

INDEX = ["scope_type", "scope_id"]


@dataclass
class Frames:
    """Everything one period needs, loaded once."""

    period: Period
    clusters: KeyClusters
    scopes: pd.DataFrame  # scope_type, scope_id, scope_name
    colleges: pd.DataFrame  # college_id → college_code, name, district
    enterprises: pd.DataFrame  # enterprise_id → district, integration_certified_on, tags
    programs: pd.DataFrame  # program_id, college_code, district, major_code, schooling, active, served, status
    cohorts: pd.DataFrame  # every ProgramYear row (cohorts in school included), with the program's schooling
    talent_demand: pd.DataFrame  # district, industry_code, Σ headcount of the quarter's talent items
    talent_demand_year: pd.DataFrame  # the same for the four quarters ending with the period (SPEC 4.2)
    due_items: pd.DataFrame  # district, items due by E (not cancelled), of which fulfilled by E
    filed: pd.DataFrame  # enterprise_id of the enterprises with a submitted or accepted list of (Y, Q)
    priority_majors: pd.DataFrame  # major_code, effective_from, effective_to
    industry_colleges: pd.DataFrame
    training_bases: pd.DataFrame
    order_classes: pd.DataFrame
    projects: pd.DataFrame
    sessions: pd.DataFrame
    deliveries: pd.DataFrame

    @cached_property
    def program_years(self) -> pd.DataFrame:
        """ProgramYear rows up to Y joined to their program: the annual figures the ratios read."""
        rows = self.cohorts[self.cohorts["year"] <= self.period.year].drop(columns="schooling")
        columns = ["program_id", "college_code", "district", "schooling", "active", "served"]
        return rows.merge(self.programs[columns], on="program_id")

    @cached_property
    def supply_demand(self) -> pd.DataFrame:
        """Demand and supply per scope and bucket: used by the match index."""
        return supply_demand_long(self)

    @cached_property
    def headcounts(self) -> headcounts.HeadcountInputs:
        """The inputs of SPEC 4.2 (and of the planner) in the shape metrics.headcounts reads."""
        districts = self.scopes.loc[self.scopes["scope_type"] == ScopeType.DISTRICT.value, "scope_id"].tolist()
        return headcounts.HeadcountInputs(
            year=self.period.year,
            quarter=self.period.quarter,
            clusters=self.clusters,
            programs=self.programs,
            program_years=self.cohorts,
            talent_demand=self.talent_demand_year,
            districts=districts,
            colleges=self.colleges,
            city_name=settings.CITY_NAME,
        )


def _frame(queryset, columns: list[str], names: list[str] | None = None, dates=()) -> pd.DataFrame:
    """One query → a DataFrame with the given columns (also when empty); dates as datetime64, ids as Int64."""
    frame = pd.DataFrame.from_records(list(queryset.values_list(*columns)), columns=names or columns)
    for name in dates:
        frame[name] = pd.to_datetime(frame[name])
    # Keys as nullable integers: a column of only NULLs (no base has an enterprise) must still merge.
    for name in frame.columns:
        if name.endswith("_id"):
            frame[name] = pd.to_numeric(frame[name]).astype("Int64")
    return frame


def _active(frame: pd.DataFrame, end: pd.Timestamp, start="established_on", stop="closed_on") -> pd.Series:
    """SPEC 3: active on E means started ≤ E and (no stop date or stop > E)."""
    return (frame[start] <= end) & (frame[stop].isna() | (frame[stop] > end))


def load_frames(period: Period) -> Frames:
    """Read every table the period needs (one query each, about twenty) and attach scopes to the rows."""
    clusters = KeyClusters.load()
    colleges = _frame(
        College.objects.all(), ["id", "code", "name", "district"], ["college_id", "college_code", "name", "district"]
    )
    enterprises = _frame(
        Enterprise.objects.all(),
        ["id", "district", "integration_certified_on", "tags"],
        ["enterprise_id", "district", "integration_certified_on", "tags"],
        dates=["integration_certified_on"],
    )
    programs = _programs(period, clusters, colleges)
    return Frames(
        period=period,
        clusters=clusters,
        scopes=_scopes(colleges, enterprises),
        colleges=colleges,
        enterprises=enterprises,
        programs=programs,
        cohorts=_cohorts(programs),
        **_demand(period),
        priority_majors=_frame(
            PriorityMajor.objects.all(),
            ["major_id", "effective_from", "effective_to"],
            ["major_code", "effective_from", "effective_to"],
            dates=["effective_from", "effective_to"],
        ),
        **_college_rows(period, colleges, enterprises),
        deliveries=_deliveries(period),
    )


def majors_served(clusters: KeyClusters) -> pd.DataFrame:
    """Every major of the catalogue: major_id, major_code and the key clusters it serves (`served`)."""
    majors = _frame(Major.objects.all(), ["id", "code", "industry_codes"], ["major_id", "major_code", "industry_codes"])
    majors["served"] = [clusters.served_by(list(codes or [])) for codes in majors["industry_codes"]]
    return majors


def _programs(period: Period, clusters: KeyClusters, colleges: pd.DataFrame) -> pd.DataFrame:
    majors = majors_served(clusters)
    programs = _frame(
        Program.objects.all(),
        ["id", "college_id", "major_id", "schooling", "established_on", "closed_on", "enrollment_status"],
        ["program_id", "college_id", "major_id", "schooling", "established_on", "closed_on", "enrollment_status"],
        dates=["established_on", "closed_on"],
    )
    programs = programs.merge(majors[["major_id", "major_code", "served"]], on="major_id", how="left").merge(
        colleges[["college_id", "college_code", "district"]], on="college_id", how="left"
    )
    programs["active"] = _active(programs, pd.Timestamp(period.end))
    return programs


def _cohorts(programs: pd.DataFrame) -> pd.DataFrame:
    columns = ["program_id", "year", "enrolled", "admitted", "graduates", "employed"]
    rows = _frame(ProgramYear.objects.all(), [*columns, "employed_in_field", "employed_locally"])
    return rows.merge(programs[["program_id", "schooling"]], on="program_id")


def _demand(period: Period) -> dict:
    """Demand items counted per district (and industry, major) in SQL: a province quarter has hundreds of
    thousands of items but only districts × industries groups. Selected by the list's own fields, not the
    item's copies (DemandItem.year…): the lists' index finds a quarter's lists faster, and the official
    figures rest on the source of truth."""
    counted = DemandItem.objects.filter(demand_list__status__in=COUNTED_LIST_STATUSES)
    of_year = counted.filter(demand_list__year=period.year)
    district = "demand_list__enterprise__district"
    talent_demand = _frame(
        of_year.filter(demand_list__quarter=period.quarter, kind=ItemKind.TALENT)
        .values(district, "industry_id")
        .annotate(headcount=Sum("headcount"))
        .order_by(),
        [district, "industry_id", "headcount"],
        ["district", "industry_code", "headcount"],
    )
    quarters = Q()
    for quarter in period.last_four():
        quarters |= Q(demand_list__year=quarter.year, demand_list__quarter=quarter.quarter)
    talent_demand_year = _frame(
        counted.filter(quarters, kind=ItemKind.TALENT)
        .exclude(status=ItemStatus.CANCELLED)
        .values(district, "industry_id", "major_code")
        .annotate(headcount=Sum("headcount"), items=Count("id"))
        .order_by(),
        [district, "industry_id", "major_code", "headcount", "items"],
        ["district", "industry_code", "major_code", "headcount", "items"],
    )
    due_items = _frame(
        of_year.filter(due_on__lte=period.end)
        .exclude(status=ItemStatus.CANCELLED)
        .values(district)
        .annotate(
            due=Count("id"),
            fulfilled=Count("id", filter=Q(status=ItemStatus.FULFILLED, fulfilled_on__lte=period.end)),
        )
        .order_by(),
        [district, "due", "fulfilled"],
        ["district", "due", "fulfilled"],
    )
    filed = _frame(
        DemandList.objects.filter(year=period.year, quarter=period.quarter, status__in=COUNTED_LIST_STATUSES),
        ["enterprise_id"],
    )
    return {
        "talent_demand": talent_demand,
        "talent_demand_year": talent_demand_year,
        "due_items": due_items,
        "filed": filed,
    }


def _college_rows(period: Period, colleges: pd.DataFrame, enterprises: pd.DataFrame) -> dict:
    """Industry colleges, certified training bases, order classes, projects and sessions with their scopes."""
    college_scope = colleges[["college_id", "college_code", "district"]]
    industry_colleges = _frame(
        IndustryCollege.objects.annotate(
            chain_leaders=Count("partnerships", filter=Q(partnerships__is_chain_leader=True))
        ),
        ["college_id", "established_on", "chain_leaders"],
        dates=["established_on"],
    ).merge(college_scope, on="college_id", how="left")
    training_bases = _frame(
        TrainingBase.objects.filter(certified=True),
        ["college_id", "enterprise_id", "established_on", "closed_on"],
        dates=["established_on", "closed_on"],
    )
    enterprise_district = enterprises[["enterprise_id", "district"]].rename(columns={"district": "enterprise_district"})
    training_bases = training_bases.merge(college_scope, on="college_id", how="left").merge(
        enterprise_district, on="enterprise_id", how="left"
    )
    # A base with a college counts in the college's district, one with only an enterprise in the enterprise's.
    training_bases["district"] = training_bases["district"].fillna(training_bases["enterprise_district"])
    return {
        "industry_colleges": industry_colleges,
        "training_bases": training_bases,
        "order_classes": _frame(
            OrderClass.objects.filter(year=period.year), ["program__college_id"], ["college_id"]
        ).merge(college_scope, on="college_id", how="left"),
        "projects": _frame(
            CooperationProject.objects.all(), ["college_id", "started_on", "ended_on"], dates=["started_on", "ended_on"]
        ).merge(college_scope, on="college_id", how="left"),
        "sessions": _frame(
            TrainingSession.objects.filter(held_on__gte=datetime.date(period.year, 1, 1), held_on__lte=period.end),
            ["college_id", "trainees"],
        ).merge(college_scope, on="college_id", how="left"),
    }


def _deliveries(period: Period) -> pd.DataFrame:
    """Policy deliveries per district, counted in SQL (a province has hundreds of thousands of them)."""
    # Cards and acknowledgements are timestamps: "by E" means before midnight after E, local time.
    cutoff = timezone.make_aware(datetime.datetime.combine(period.end + datetime.timedelta(days=1), datetime.time()))
    return _frame(
        PolicyDelivery.objects.filter(card__published_at__lt=cutoff)
        .values("enterprise__district")
        .annotate(delivered=Count("id"), acknowledged=Count("id", filter=Q(acknowledged_at__lt=cutoff)))
        .order_by(),
        ["enterprise__district", "delivered", "acknowledged"],
        ["district", "delivered", "acknowledged"],
    )


def _scopes(colleges: pd.DataFrame, enterprises: pd.DataFrame) -> pd.DataFrame:
    """The city, each district named by a college or an enterprise (in the bureau's order), each college."""
    named = (set(colleges["district"].dropna()) | set(enterprises["district"].dropna())) - {""}
    order = {name: i for i, name in enumerate(District.objects.values_list("name", flat=True))}
    districts = sorted(named, key=lambda name: (order.get(name, len(order)), name))
    return pd.concat(
        [
            pd.DataFrame({"scope_type": [ScopeType.CITY.value], "scope_id": [""], "scope_name": [settings.CITY_NAME]}),
            pd.DataFrame({"scope_type": ScopeType.DISTRICT.value, "scope_id": districts, "scope_name": districts}),
            pd.DataFrame(
                {
                    "scope_type": ScopeType.COLLEGE.value,
                    "scope_id": colleges["college_code"],
                    "scope_name": colleges["name"],
                }
            ),
        ],
        ignore_index=True,
    )


def _rollup(rows: pd.DataFrame, columns: list[str], *, by_college: bool = True) -> pd.DataFrame:
    """Sum ``columns`` of the rows for the city, each district and (if by_college) each college."""
    city = rows[columns].sum().to_frame().T.assign(scope_type=ScopeType.CITY.value, scope_id="")
    parts = [city]
    groupings = [("district", ScopeType.DISTRICT)] + ([("college_code", ScopeType.COLLEGE)] if by_college else [])
    for key, scope_type in groupings:
        grouped = rows.dropna(subset=[key]).groupby(key)[columns].sum().reset_index()
        parts.append(grouped.rename(columns={key: "scope_id"}).assign(scope_type=scope_type.value))
    return pd.concat(parts, ignore_index=True).set_index(INDEX)


def _count(rows: pd.DataFrame, *, by_college: bool = True, weight: str | None = None) -> pd.DataFrame:
    rows = rows.assign(numerator=rows[weight] if weight else 1)
    return _rollup(rows, ["numerator"], by_college=by_college)


def _ratio(rows: pd.DataFrame, numerator, denominator, *, by_college: bool = True) -> pd.DataFrame:
    rows = rows.assign(numerator=numerator, denominator=denominator)
    return _rollup(rows, ["numerator", "denominator"], by_college=by_college)


def alignment_rate(f: Frames) -> pd.DataFrame:
    active = f.programs[f.programs["active"]]
    return _ratio(active, active["served"].map(bool).astype(int), 1)


def cluster_coverage(f: Frames) -> pd.DataFrame:
    served = f.programs[f.programs["active"]].explode("served").dropna(subset=["served"])
    parts = [
        pd.DataFrame(
            {"scope_type": [ScopeType.CITY.value], "scope_id": [""], "numerator": [served["served"].nunique()]}
        )
    ]
    for key, scope_type in (("district", ScopeType.DISTRICT), ("college_code", ScopeType.COLLEGE)):
        counted = served.groupby(key)["served"].nunique().reset_index(name="numerator")
        parts.append(counted.rename(columns={key: "scope_id"}).assign(scope_type=scope_type.value))
    return pd.concat(parts, ignore_index=True).set_index(INDEX)


def supply_demand_long(f: Frames) -> pd.DataFrame:
    """Per scope and bucket (key cluster or OTHER): demand and supply headcounts (SPEC 4).

    Supply: graduates of year Y of programs active at E, split equally over the key clusters the
    major serves (OTHER when none). Demand: talent headcount of (Y, Q) lists by the item's
    industry's cluster. Colleges are set against the city's demand.
    """
    years = f.program_years
    supply = years[(years["year"] == f.period.year) & years["active"]].copy()
    supply["bucket"] = supply["served"].map(lambda served: served or [OTHER])
    supply["graduates"] = supply["graduates"] / supply["bucket"].map(len)
    supply = supply.explode("bucket")

    demand = f.talent_demand.copy()
    buckets = {code: f.clusters.of_industry(code) for code in demand["industry_code"].unique()}
    demand["bucket"] = demand["industry_code"].map(buckets)

    def by_scope(rows, value, keys):
        parts = [rows.groupby("bucket")[value].sum().reset_index().assign(scope_type=ScopeType.CITY.value, scope_id="")]
        for key, scope_type in keys:
            grouped = rows.dropna(subset=[key]).groupby([key, "bucket"])[value].sum().reset_index()
            parts.append(grouped.rename(columns={key: "scope_id"}).assign(scope_type=scope_type.value))
        return pd.concat(parts, ignore_index=True)

    supply_long = by_scope(supply, "graduates", [("district", ScopeType.DISTRICT), ("college_code", ScopeType.COLLEGE)])
    demand_long = by_scope(demand, "headcount", [("district", ScopeType.DISTRICT)])
    city_demand = demand_long[demand_long["scope_type"] == ScopeType.CITY.value][["bucket", "headcount"]]
    colleges = f.scopes[f.scopes["scope_type"] == ScopeType.COLLEGE.value][INDEX]
    demand_long = pd.concat([demand_long, colleges.merge(city_demand, how="cross")], ignore_index=True)

    # Empty sides come back with float columns; align the keys' dtypes before merging.
    keys = {"scope_type": object, "scope_id": object, "bucket": object}
    table = supply_long.astype(keys).merge(demand_long.astype(keys), on=[*INDEX, "bucket"], how="outer")
    table = table.rename(columns={"graduates": "supply", "headcount": "demand"})
    for side in ("supply", "demand"):
        table[side] = pd.to_numeric(table[side]).astype(float).fillna(0.0)
    return table


def supply_demand_match(f: Frames) -> pd.DataFrame:
    """Σ_k min(supply share, demand share) per scope; null where either side has no headcount."""
    long = f.supply_demand
    totals = long.groupby(INDEX)[["supply", "demand"]].transform("sum")
    low = np.minimum(long["supply"] / totals["supply"], long["demand"] / totals["demand"])
    table = low.groupby([long["scope_type"], long["scope_id"]]).sum().to_frame("numerator")
    sums = long.groupby(INDEX)[["supply", "demand"]].sum()
    empty = (sums["supply"] <= 0) | (sums["demand"] <= 0)
    table.loc[empty.reindex(table.index, fill_value=True), "numerator"] = None
    # A share-of-totals index: the sum of mins is the value itself, so the denominator is 1.
    return table.assign(denominator=1.0)


def local_retention_rate(f: Frames) -> pd.DataFrame:
    years = f.program_years
    rows = years[(years["year"] == f.period.year) & (years["schooling"] == Schooling.HIGHER_5YR)]
    return _ratio(rows, rows["employed_locally"], rows["employed"])


def in_field_rate(f: Frames) -> pd.DataFrame:
    rows = f.program_years[f.program_years["year"] == f.period.year]
    return _ratio(rows, rows["employed_in_field"], rows["employed"])


def training_bases(f: Frames) -> pd.DataFrame:
    return _count(f.training_bases[_active(f.training_bases, pd.Timestamp(f.period.end))])


def integration_enterprises(f: Frames) -> pd.DataFrame:
    rows = f.enterprises[f.enterprises["integration_certified_on"] <= pd.Timestamp(f.period.end)]
    return _count(rows, by_college=False)


def cooperation_projects(f: Frames) -> pd.DataFrame:
    end = pd.Timestamp(f.period.end)
    rows = f.projects
    # SPEC 4: a project ending on E still counts (ended_on ≥ E), unlike a program closed on E.
    return _count(rows[(rows["started_on"] <= end) & (rows["ended_on"].isna() | (rows["ended_on"] >= end))])


def _established_industry_colleges(f: Frames) -> pd.DataFrame:
    return f.industry_colleges[f.industry_colleges["established_on"] <= pd.Timestamp(f.period.end)]


def industry_colleges(f: Frames) -> pd.DataFrame:
    return _count(_established_industry_colleges(f))


def industry_college_compliance(f: Frames) -> pd.DataFrame:
    rows = _established_industry_colleges(f)
    return _ratio(rows, (rows["chain_leaders"] >= MIN_CHAIN_LEADERS).astype(int), 1)


def order_classes(f: Frames) -> pd.DataFrame:
    return _count(f.order_classes)


def training_headcount(f: Frames) -> pd.DataFrame:
    return _count(f.sessions, weight="trainees")


def demand_fulfilment_rate(f: Frames) -> pd.DataFrame:
    rows = f.due_items
    return _ratio(rows, rows["fulfilled"], rows["due"], by_college=False)


def policy_reach(f: Frames) -> pd.DataFrame:
    rows = f.deliveries
    return _ratio(rows, rows["acknowledged"], rows["delivered"], by_college=False)


def priority_major_share(f: Frames) -> pd.DataFrame:
    """Programs active at E whose major is in the priority directory at E ÷ programs active at E."""
    active = f.programs[f.programs["active"]]
    listed = active["major_code"].isin(headcounts.in_directory(f.priority_majors, f.period.end))
    return _ratio(active, listed.astype(int), 1)


def filing_rate(f: Frames) -> pd.DataFrame:
    """Key enterprises (any of the four tags) with a submitted or accepted list of (Y, Q) ÷ key enterprises."""
    is_key = f.enterprises["tags"].map(lambda tags: bool(set(tags or []) & KEY_ENTERPRISE_TAGS)).astype(bool)
    key = f.enterprises[is_key]
    filed = key["enterprise_id"].isin(set(f.filed["enterprise_id"]))
    return _ratio(key, filed.astype(int), 1, by_college=False)


def supply_demand_rows(f: Frames) -> list[dict]:
    """SPEC 4.2: the run's table, every scope × (key clusters in order, then OTHER), plain floats."""
    return headcounts.supply_demand_headcounts(f.headcounts).to_dict("records")


def supply_demand_major_rows(f: Frames) -> tuple[list[dict], int]:
    """SPEC 4.2 by major (city): the rows and how many counted talent items named no major."""
    table = headcounts.supply_demand_by_major(f.headcounts)
    names = {code: (name, level) for code, name, level in Major.objects.values_list("code", "name", "level")}
    rows = table.rows.assign(
        major_name=[names.get(code, ("", ""))[0] for code in table.rows["major_code"]],
        level=[names.get(code, ("", ""))[1] for code in table.rows["major_code"]],
    )
    return rows.to_dict("records"), table.items_without_major
