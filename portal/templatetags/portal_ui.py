"""Template helpers of the shared layout: the role-aware menu and number formatting."""

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portal.periods import quarter_label as _quarter_label
from portal.roles import Role

register = template.Library()

# Each entry: a label and the URL names to try, the first that resolves wins. The domain pages
# live in other apps; a page that does not exist is left out of the menu rather than breaking it.
_MENUS = {
    Role.BUREAU: [
        (_("首页"), ["home"]),
        (_("企业与需求"), ["enterprises:enterprise_list"]),
        (_("院校"), ["colleges:college_list"]),
        (_("院校承接"), ["demand:college_work"]),
        (_("区县与目录"), ["reference:district_list"]),
        (_("政策"), ["policies:card_list"]),
        (_("催报督办"), ["followup:chase"]),
        (_("重点任务"), ["plan:task_list"]),
        (_("供需分析"), ["metrics:supply_demand"]),
        (_("规划方案"), ["metrics:scenario_list"]),
        (_("指标计算"), ["metrics:run_list"]),
        (_("预警"), ["metrics:alert_list"]),
        (_("数据交换/导入"), ["exchange:import_list"]),
        (_("API令牌"), ["api_tokens"]),
        (_("开通账号"), ["accounts:bulk_create"]),
        (_("管理后台"), ["admin:index"]),
    ],
    Role.COLLEGE: [
        (_("本校概况"), ["home"]),
        (_("我的任务"), ["demand:my_items"]),
        (_("揭榜需求"), ["demand:claimable_items"]),
        (_("专业点"), ["programs:program_list"]),
        (_("订单班"), ["programs:order_class_list"]),
        (_("产业学院"), ["colleges:industry_college_list"]),
        (_("实训基地"), ["colleges:training_base_list"]),
        (_("合作项目"), ["colleges:project_list"]),
        (_("职工培训"), ["colleges:session_list"]),
        (_("政策"), ["policies:card_list"]),
        (_("预警"), ["metrics:alert_list"]),
        (_("供需分析"), ["metrics:supply_demand"]),
        (_("导出数据"), ["exchange:export"]),
    ],
    Role.ENTERPRISE: [
        (_("首页"), ["home"]),
        (_("需求清单"), ["demand:demand_list_list"]),
        (_("导出数据"), ["exchange:export"]),
        (_("政策"), ["policies:inbox", "policies:card_list"]),
        # The enterprise list sends a clerk to their own profile.
        (_("企业信息"), ["enterprises:enterprise_list"]),
    ],
    Role.AGENCY: [
        (_("首页"), ["home"]),
        (_("规划方案"), ["metrics:scenario_list"]),
        (_("重点任务"), ["plan:task_list"]),
        (_("API文档"), ["api-docs"]),
    ],
    # A unit's own task pages, then what agencies read (SPEC 1).
    Role.DEPARTMENT: [
        (_("首页"), ["home"]),
        (_("重点任务"), ["plan:task_list"]),
        (_("进展看板"), ["plan:task_board"]),
        (_("政策"), ["policies:card_list"]),
        (_("规划方案"), ["metrics:scenario_list"]),
        (_("API文档"), ["api-docs"]),
    ],
}


def _first_url(names):
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


def menu_for(role, path):
    """The menu items [{label, url, active}] a role sees; the longest matching prefix is the active one."""
    items = []
    for label, names in _MENUS.get(role, []):
        url = _first_url(names)
        if url is not None:
            items.append({"label": label, "url": url, "active": False})
    best = max(
        (item for item in items if path == item["url"] or (item["url"] != "/" and path.startswith(item["url"]))),
        key=lambda item: len(item["url"]),
        default=None,
    )
    if best is not None:
        best["active"] = True
    return items


@register.inclusion_tag("includes/nav.html", takes_context=True)
def portal_nav(context):
    request = context.get("request")
    return {"items": menu_for(context.get("user_role"), request.path if request else "")}


@register.filter
def percent(value, digits=1):
    """0.8123 → "81.2%"; None → "—"."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f}%"


def format_figure(value, ratio: bool) -> str:
    """A metric value as people read it: ratios in per cent (one decimal), counts as whole numbers."""
    if value is None or value == "":
        return "—"
    value = float(value)
    if ratio:
        return f"{value * 100:.1f}%"
    return f"{int(value):,}" if value.is_integer() else f"{value:,.2f}"


@register.filter
def metric_value(value, ratio):
    """{{ snapshot.value|metric_value:is_ratio }}"""
    return format_figure(value, bool(ratio))


@register.filter
def bar_width(value):
    """A ratio as a CSS width percentage clamped to 0–100 (progress bars)."""
    if value is None:
        return 0
    return max(0, min(100, round(float(value) * 100)))


def _whole(value) -> int | None:
    if value is None or value == "":
        return None
    return int(round(float(value)))


@register.filter
def headcount(value):
    """A headcount as people read it: whole people with thousands separators (1234.6 → "1,235"); None → "—"."""
    whole = _whole(value)
    return "—" if whole is None else f"{whole:,}"


@register.filter
def headcount_abs(value):
    """headcount() without the sign: the size of a shortage or surplus, whose word says the direction."""
    whole = _whole(value)
    return "—" if whole is None else f"{abs(whole):,}"


@register.filter
def signed_headcount(value):
    """A difference in people: "+120", "−35" (a real minus sign), "0"."""
    whole = _whole(value)
    if whole is None:
        return "—"
    return f"+{whole:,}" if whole > 0 else (f"−{-whole:,}" if whole < 0 else "0")


@register.filter
def signed_points(value):
    """A difference of two ratios in percentage points, one decimal: 0.0123 → "+1.2"; None → "—"."""
    if value is None or value == "":
        return "—"
    points = round(float(value) * 100, 1)
    if points == 0:
        return "0.0"
    return f"+{points:.1f}" if points > 0 else f"−{-points:.1f}"


@register.simple_tag
def quarter_label(year, quarter):
    """{% quarter_label run.year run.quarter %}: the one way a quarter is written (portal.periods)."""
    return _quarter_label(year, quarter)
