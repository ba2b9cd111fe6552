"""What a scenario's pages and workbook show: its changes in words, and the planner's answer (SPEC 4.3)
for one scope as tables of baseline, scenario and difference, with the data of a chart per cluster."""

from django.utils import timezone
from django.utils.translation import gettext as _

from colleges.models import College
from portal.periods import quarter_label
from portal.xlsx import HEADCOUNT, RATIO, new_workbook, table_sheet, workbook_bytes
from programs.choices import Schooling
from programs.models import Program
from reference.matching import OTHER
from reference.models import Major

from .choices import Metric, ScopeType
from .models import Scenario
from .planner import METRICS

RATIO_POINTS = "+0.0%;-0.0%;0.0%"
SIGNED_HEADCOUNT = "+#,##0;-#,##0;0"


def program_labels(program_ids) -> dict[int, str]:
    """{id: "college · major（schooling）"} of the given programs. One query."""
    schooling = dict(Schooling.choices)
    rows = Program.objects.filter(pk__in=list(program_ids)).values_list(
        "pk", "college__name", "major__name", "schooling"
    )
    return {pk: f"{college} · {major}（{schooling.get(s, s)}）" for pk, college, major, s in rows}


def program_options() -> list[list]:
    """[[id, label, closed]] of every program, by college and major, for the change builder. One query."""
    schooling = dict(Schooling.choices)
    rows = Program.objects.order_by("college__name", "major__name", "schooling").values_list(
        "pk", "college__name", "major__name", "schooling", "closed_on"
    )
    return [
        [pk, f"{college} · {major}（{schooling.get(s, s)}）", closed is not None]
        for pk, college, major, s, closed in rows
    ]


def builder_options() -> dict:
    """Everything the change builder's selects offer (colleges, majors, programs, schooling). Three queries."""
    return {
        "colleges": [list(row) for row in College.objects.order_by("code").values_list("code", "name")],
        "majors": [list(row) for row in Major.objects.order_by("code").values_list("code", "name")],
        "programs": program_options(),
        "schooling": [[value, str(label)] for value, label in Schooling.choices],
    }


def builder_labels() -> dict:
    """The change builder's words, in the page's language."""
    return {
        "actions": {"open": _("新设专业点"), "set_intake": _("调整招生"), "close": _("停办专业点")},
        "fields": {
            "college_code": _("院校"),
            "major_code": _("专业"),
            "schooling": _("学制"),
            "first_intake_year": _("首次招生年份"),
            "intake": _("年招生人数"),
            "program": _("专业点"),
            "from_year": _("自哪一级起"),
            "factor": _("招生系数（0 停招，0.5 减半）"),
            "on": _("停办日期"),
            "action": _("类型"),
        },
        "choose": _("请选择"),
        "closed": _("已撤销"),
        "remove": _("删除此项"),
        "change": _("第 %(n)s 项"),
    }


def _number(value) -> str:
    return f"{value:g}" if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def describe_changes(changes: list) -> list[dict]:
    """Each change as {n, action, label, text}: what it does, in words. Three queries at most."""
    programs = program_labels(c.get("program") for c in changes if isinstance(c.get("program"), int))
    opens = [c for c in changes if c.get("action") == "open"]
    colleges = (
        dict(College.objects.filter(code__in=[str(c.get("college_code")) for c in opens]).values_list("code", "name"))
        if opens
        else {}
    )
    majors = (
        dict(Major.objects.filter(code__in=[str(c.get("major_code")) for c in opens]).values_list("code", "name"))
        if opens
        else {}
    )
    schooling = dict(Schooling.choices)
    described = []
    for n, change in enumerate(changes, start=1):
        action = change.get("action")
        if action == "open":
            label = _("新设专业点")
            text = _("%(college)s 新设 %(major)s（%(schooling)s），%(year)s 年起每年招生 %(intake)s 人") % {
                "college": colleges.get(str(change.get("college_code")), change.get("college_code")),
                "major": majors.get(str(change.get("major_code")), change.get("major_code")),
                "schooling": schooling.get(change.get("schooling"), change.get("schooling")),
                "year": change.get("first_intake_year"),
                "intake": _number(change.get("intake")),
            }
        elif action == "set_intake":
            factor = change.get("factor")
            label = _("停招") if factor == 0 else _("调整招生")
            text = _("%(program)s：%(year)s 级起招生 × %(factor)s") % {
                "program": programs.get(change.get("program"), change.get("program")),
                "year": change.get("from_year"),
                "factor": _number(factor),
            }
        elif action == "close":
            label = _("停办")
            text = _("%(program)s：%(on)s 起停办") % {
                "program": programs.get(change.get("program"), change.get("program")),
                "on": change.get("on"),
            }
        else:
            label, text = str(action), ""
        described.append({"n": n, "action": action, "label": label, "text": text})
    return described


def _diff(baseline: list, scenario: list) -> list:
    return [None if b is None or s is None else s - b for b, s in zip(baseline, scenario, strict=True)]


def _name(cluster: dict) -> str:
    return _("其他") if cluster["cluster"] == OTHER else cluster["cluster_name"]


def scope_result(answer: dict, scope: dict) -> dict:
    """One scope of the planner's answer as the result page shows it: metric rows and cluster blocks with
    baseline, scenario and difference per year, the data of a chart per cluster, and whether anything moved."""
    metrics = []
    for key in METRICS:
        values = scope["metrics"][key]
        metrics.append(
            {
                "key": key,
                "label": Metric(key).label,
                "baseline": values["baseline"],
                "scenario": values["scenario"],
                "diff": _diff(values["baseline"], values["scenario"]),
            }
        )
    clusters = []
    for cluster in scope["clusters"]:
        graduates, gap = cluster["graduates"], cluster["gap"]
        clusters.append(
            {
                "cluster": cluster["cluster"],
                "name": _name(cluster),
                "graduates": {**graduates, "diff": _diff(graduates["baseline"], graduates["scenario"])},
                "gap": {**gap, "diff": _diff(gap["baseline"], gap["scenario"])},
            }
        )
    for cluster in clusters:
        cluster["changed"] = any(abs(d) > 1e-9 for d in cluster["graduates"]["diff"] + cluster["gap"]["diff"])
    # The clusters a scenario moves come first (in their order), the untouched ones after them.
    clusters.sort(key=lambda c: not c["changed"])
    changed = any(c["changed"] for c in clusters) or any(
        abs(d) > 1e-9 for row in metrics for d in row["diff"] if d is not None
    )
    chart = {
        "years": [str(year) for year in answer["years"]],
        "clusters": [
            {
                "name": c["name"],
                "graduates": {k: [round(v, 1) for v in c["graduates"][k]] for k in ("baseline", "scenario")},
                "gap": {k: [round(v, 1) for v in c["gap"][k]] for k in ("baseline", "scenario")},
            }
            for c in clusters
        ],
    }
    return {"years": answer["years"], "metrics": metrics, "clusters": clusters, "changed": changed, "chart": chart}


def scope_name(scope: dict) -> str:
    return str(ScopeType.CITY.label) if scope["scope_type"] == ScopeType.CITY else scope["scope_name"]


def workbook(scenario: Scenario, answer: dict, described: list[dict]) -> bytes:
    """The scenario as .xlsx: 指标 and 产业集群 (every scope × year, baseline / scenario / difference, in long
    form so the autofilter picks a scope or a year), 调整 (its changes), 说明."""
    book = new_workbook()
    taken: set[str] = set()
    years = answer["years"]

    def metric_rows():
        for scope in answer["scopes"]:
            for key in METRICS:
                values = scope["metrics"][key]
                for i, year in enumerate(years):
                    b, s = values["baseline"][i], values["scenario"][i]
                    yield [
                        scope_name(scope),
                        str(Metric(key).label),
                        year,
                        b,
                        s,
                        None if b is None or s is None else s - b,
                    ]

    def cluster_rows():
        for scope in answer["scopes"]:
            for cluster in scope["clusters"]:
                g, p = cluster["graduates"], cluster["gap"]
                for i, year in enumerate(years):
                    yield [
                        scope_name(scope),
                        _name(cluster),
                        year,
                        g["baseline"][i],
                        g["scenario"][i],
                        g["scenario"][i] - g["baseline"][i],
                        p["baseline"][i],
                        p["scenario"][i],
                        p["scenario"][i] - p["baseline"][i],
                    ]

    table_sheet(
        book,
        _("指标"),
        [
            (_("范围"), None, 14),
            (_("指标"), None, 28),
            (_("年度"), "0", 8),
            (_("基准"), RATIO, 10),
            (_("方案"), RATIO, 10),
            (_("差值"), RATIO_POINTS, 10),
        ],
        metric_rows(),
        taken,
    )
    table_sheet(
        book,
        _("产业集群"),
        [
            (_("范围"), None, 14),
            (_("产业集群"), None, 26),
            (_("年度"), "0", 8),
            (_("毕业生（基准）"), HEADCOUNT, 14),
            (_("毕业生（方案）"), HEADCOUNT, 14),
            (_("毕业生差值"), SIGNED_HEADCOUNT, 12),
            (_("缺口（基准）"), SIGNED_HEADCOUNT, 14),
            (_("缺口（方案）"), SIGNED_HEADCOUNT, 14),
            (_("缺口差值"), SIGNED_HEADCOUNT, 12),
        ],
        cluster_rows(),
        taken,
    )
    table_sheet(
        book,
        _("调整"),
        [(_("序号"), "0", 6), (_("类型"), None, 12), (_("内容"), None, 80)],
        ([c["n"], str(c["label"]), c["text"]] for c in described),
        taken,
    )
    table_sheet(
        book,
        _("说明"),
        [(_("项目"), None, 20), (_("内容"), None, 80)],
        [
            (_("方案名称"), scenario.name),
            (_("说明"), scenario.description),
            (_("基准季度"), quarter_label(scenario.year, scenario.quarter)),
            (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
            (
                _("口径"),
                _("缺口 = 需求 − 预计毕业生 × 本地就业率；正为缺口、负为过剩。需求固定为基准季度前四个季度的需求。"),
            ),
        ],
        taken,
    )
    return workbook_bytes(book)
