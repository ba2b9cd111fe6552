"""The supply–demand analysis of SPEC 4.2 as pages and workbooks show it: a run's per-cluster table for
one scope, its by-major table (city) filtered, sorted and tagged with the key clusters each major serves,
and both as an Excel workbook. Reads the rows a run stored; a fixed number of queries whatever the size.
"""

from django.utils.translation import gettext as _

from portal.periods import Period, quarter_label
from portal.xlsx import HEADCOUNT, new_workbook, table_sheet, workbook_bytes
from reference.choices import MajorLevel
from reference.matching import OTHER, KeyClusters
from reference.models import Major

from .choices import RunStatus, ScopeType
from .models import MetricRun, SupplyDemandMajorRow
from .selectors import supply_demand_rows

FORECAST_YEARS = 3
TOTALLED = ("demand", "graduates", "local_graduates", "gap", "forecast_1", "forecast_2", "forecast_3")
MAJOR_FIGURES = ("demand", "graduates", "local_graduates", "gap", "forecast_1", "forecast_2", "forecast_3")
MAJOR_SORTS = ("major_code", "major_name", "level", *MAJOR_FIGURES)
DEFAULT_MAJOR_SORT = "-gap"  # the largest shortages first: the majors to add or grow
SCOPE_ORDER = {ScopeType.CITY: 0, ScopeType.DISTRICT: 1, ScopeType.COLLEGE: 2}


def gap_word(gap: float) -> str:
    """缺口 for a shortage, 过剩 for a surplus, 持平 when the gap rounds to no one."""
    if gap >= 0.5:
        return _("缺口")
    if gap <= -0.5:
        return _("过剩")
    return _("持平")


def run_periods() -> list[Period]:
    """Every quarter with a succeeded run, newest first. One query."""
    rows = (
        MetricRun.objects.filter(status=RunStatus.SUCCEEDED)
        .values_list("year", "quarter")
        .distinct()
        .order_by("-year", "-quarter")
    )
    return [Period(year, quarter) for year, quarter in rows]


def scope_key(scope_type: str, scope_id: str) -> str:
    """The URL form of a scope: "city", "district:清江浦区", "college:13501"."""
    return scope_type if scope_type == ScopeType.CITY else f"{scope_type}:{scope_id}"


def parse_scope_key(key: str | None) -> tuple[str, str]:
    """(scope_type, scope_id) of a scope key; anything unreadable is the city."""
    scope_type, _sep, scope_id = (key or "").partition(":")
    if scope_type in (ScopeType.DISTRICT, ScopeType.COLLEGE) and scope_id:
        return scope_type, scope_id
    return ScopeType.CITY, ""


def run_scopes(run: MetricRun, user) -> list[dict]:
    """The scopes of the run's table that `user` may see: the city, then districts, then colleges. One query."""
    rows = (
        run.supply_demand.restrict(user)
        .values_list("scope_type", "scope_id", "scope_name")
        .distinct()
        .order_by()  # sorted below: a province run has ~450 scopes, cheaper here than by the collation
    )
    labels = dict(ScopeType.choices)
    scopes = [
        {
            "key": scope_key(scope_type, scope_id),
            "scope_type": scope_type,
            "scope_id": scope_id,
            "name": str(ScopeType.CITY.label) if scope_type == ScopeType.CITY else (scope_name or scope_id),
            "type_label": labels.get(scope_type, scope_type),
        }
        for scope_type, scope_id, scope_name in rows
    ]
    return sorted(scopes, key=lambda s: (SCOPE_ORDER.get(s["scope_type"], 9), s["scope_id"]))


def cluster_table(run: MetricRun, scope_type: str | None = ScopeType.CITY, scope_id: str = "") -> dict:
    """The run's per-cluster headcounts of one scope (every scope when `scope_type` is None), with totals,
    the forecast years and the data of a small chart per cluster. One query."""
    rows = [
        {
            **row,
            "cluster_name": _("其他") if row["cluster"] == OTHER else row["cluster_name"],
            "gap_word": gap_word(row["gap"]),
            "forecasts": [row[f"forecast_{n}"] for n in range(1, FORECAST_YEARS + 1)],
        }
        for row in supply_demand_rows(run, scope_type, scope_id)
    ]
    years = [run.year + n for n in range(FORECAST_YEARS + 1)]
    totals = {name: sum(row[name] for row in rows) for name in TOTALLED}
    # Shares beside the headcounts: supply_demand_match (SPEC 4) compares shares, not heads, so the page
    # shows each side as a share of its own total too (None where that total is 0, as the index is null).
    for row in rows:
        row["demand_share"] = row["demand"] / totals["demand"] if totals["demand"] else None
        row["graduates_share"] = row["graduates"] / totals["graduates"] if totals["graduates"] else None
    return {
        "run": run,
        "rows": rows,
        "years": years,
        **totals,
        # Graduates of Y (recorded) and of Y+1..Y+3 (projected), one series per row, for charts.
        "sparklines": {
            "years": [str(year) for year in years],
            "rows": [
                {
                    "name": row["cluster_name"],
                    "values": [round(row["graduates"], 1)] + [round(v, 1) for v in row["forecasts"]],
                }
                for row in rows
            ],
        },
    }


def _sort_key(field: str):
    if field in ("major_code", "major_name", "level"):
        return lambda row: (row[field] or "", row["major_code"])
    return lambda row: (row[field], row["major_code"])


def major_table(run: MetricRun, *, level: str = "", cluster: str = "", sort: str = DEFAULT_MAJOR_SORT) -> dict:
    """The run's by-major rows (city), of one level and serving one key cluster (or `other`: none) when
    given, sorted by `sort` ("gap", "-demand", …); an unknown level, cluster or sort is ignored. Three queries.

    A major serves a key cluster when its industry codes match the cluster's (reference.matching).
    """
    clusters = KeyClusters.load()
    rows = list(
        SupplyDemandMajorRow.objects.filter(run=run).values("major_code", "major_name", "level", *MAJOR_FIGURES)
    )
    codes = dict(Major.objects.filter(code__in=[r["major_code"] for r in rows]).values_list("code", "industry_codes"))
    levels = dict(MajorLevel.choices)
    for row in rows:
        row["served"] = clusters.served_by(codes.get(row["major_code"]) or [])
        row["served_names"] = [clusters.names[c] for c in row["served"]]
        row["level_label"] = levels.get(row["level"], row["level"])
        row["gap_word"] = gap_word(row["gap"])
    level = level if level in MajorLevel.values else ""
    cluster = cluster if cluster in clusters.codes or cluster == OTHER else ""
    if level:
        rows = [row for row in rows if row["level"] == level]
    if cluster == OTHER:
        rows = [row for row in rows if not row["served"]]
    elif cluster:
        rows = [row for row in rows if cluster in row["served"]]
    field = sort.removeprefix("-")
    if field not in MAJOR_SORTS:
        sort, field = DEFAULT_MAJOR_SORT, DEFAULT_MAJOR_SORT.removeprefix("-")
    rows.sort(key=_sort_key(field), reverse=sort.startswith("-"))
    return {
        "rows": rows,
        "sort": sort,
        "level": level,
        "cluster": cluster,
        "cluster_choices": [(code, clusters.names[code]) for code in clusters.codes] + [(OTHER, _("不服务重点集群"))],
        "level_choices": MajorLevel.choices,
        "items_without_major": run.items_without_major,
    }


def workbook(run: MetricRun, scope_name: str, clusters: dict, majors: dict) -> bytes:
    """Both tables as .xlsx: 按产业集群 (the chosen scope), 按专业 (city, as filtered and sorted), 说明."""
    book = new_workbook()
    taken: set[str] = set()
    forecast_headers = [(_("%(year)s年预计毕业生") % {"year": year}, HEADCOUNT, 14) for year in clusters["years"][1:]]
    figures = [
        (_("需求人数"), HEADCOUNT, 12),
        (_("毕业生"), HEADCOUNT, 12),
        (_("本地就业"), HEADCOUNT, 12),
        (_("缺口（需求−本地就业）"), HEADCOUNT, 14),
        (_("供需"), None, 8),
        *forecast_headers,
    ]

    def numbers(row):
        return [
            row["demand"],
            row["graduates"],
            row["local_graduates"],
            row["gap"],
            str(row["gap_word"]),
            *[row[f"forecast_{n}"] for n in range(1, FORECAST_YEARS + 1)],
        ]

    table_sheet(
        book,
        _("按产业集群"),
        [(_("范围"), None, 16), (_("产业集群"), None, 26), *figures],
        ([scope_name, row["cluster_name"], *numbers(row)] for row in clusters["rows"]),
        taken,
    )
    table_sheet(
        book,
        _("按专业（全市）"),
        [
            (_("专业代码"), None, 10),
            (_("专业名称"), None, 26),
            (_("层次"), None, 10),
            (_("服务的重点产业集群"), None, 30),
            *figures,
        ],
        (
            [
                row["major_code"],
                row["major_name"],
                str(row["level_label"]),
                "、".join(row["served_names"]),
                *numbers(row),
            ]
            for row in majors["rows"]
        ),
        taken,
    )
    notes = [
        (_("统计期"), quarter_label(run.year, run.quarter)),
        (_("计算任务"), f"#{run.pk}"),
        (_("按产业集群的范围"), scope_name),
        (_("未填专业的人才需求条数（不在按专业表中）"), run.items_without_major),
        (
            _("口径"),
            _(
                "需求：近四个季度已提交或已受理清单中的技能人才需求人数；"
                "缺口 = 需求 − 本地就业毕业生，正为缺口、负为过剩。"
            ),
        ),
    ]
    table_sheet(book, _("说明"), [(_("项目"), None, 36), (_("内容"), HEADCOUNT, 80)], notes, taken)
    return workbook_bytes(book)
