"""Program review (SPEC 4.4, 专业预警与动态调整): the review rules applied to a period, and the workflow
of an alert — raised by a run → answered by the program's college (整改说明) → decided by the bureau.

The evaluation is set-based: one long DataFrame of (program, year, figure, value) and, per rule, a
vectorised test and a groupby; Python loops only over the rules and over the tripped programs when
their `trips` documents are built.
"""

import hashlib

import numpy as np
import pandas as pd
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notices.choices import NoticeKind
from notices.selectors import college_users
from notices.services import notify
from portal.periods import Period
from portal.roles import Role, college_id_of, role_of
from portal.services import require_bureau, save_validated
from programs.choices import EnrollmentStatus
from programs.models import Program
from programs.services import program_save
from reference.models import Major

from .choices import DECISION_STATUS, AlertDecision, AlertStatus, ReviewComparator, ReviewFigure, ReviewLevel
from .engine import load_frames
from .models import Alert, ReviewRule

# figure → (numerator, denominator) columns of ProgramYear (SPEC 4.4); null where the denominator is 0.
FIGURES = {
    ReviewFigure.IN_FIELD_RATE: ("employed_in_field", "employed"),
    ReviewFigure.EMPLOYMENT_RATE: ("employed", "graduates"),
    ReviewFigure.LOCAL_RATE: ("employed_locally", "employed"),
    ReviewFigure.INTAKE_FILL: ("admitted", "enrolled"),
}
LEVEL_RANK = {ReviewLevel.YELLOW.value: 1, ReviewLevel.RED.value: 2}
# What a decision does to the program's enrollment_status (keep leaves it as it is: normal).
DECISION_ENROLLMENT = {
    AlertDecision.RESTRICT: EnrollmentStatus.RESTRICTED,
    AlertDecision.STOP: EnrollmentStatus.STOPPED,
}


# --- evaluation ----------------------------------------------------------------------------------


def figures(f) -> pd.DataFrame:
    """Long table of every non-null figure of the programs active at E, years ≤ Y:
    program_id, year, level (the major's), normal (enrolling normally), figure, value."""
    years = f.program_years[f.program_years["active"]]
    programs = f.programs.set_index("program_id")
    levels = dict(Major.objects.values_list("code", "level"))
    frames = []
    for figure, (numerator, denominator) in FIGURES.items():
        rows = years[years[denominator] > 0]
        frames.append(
            pd.DataFrame(
                {
                    "program_id": rows["program_id"].astype(int),
                    "year": rows["year"].astype(int),
                    "figure": figure.value,
                    "value": rows[numerator].astype(float) / rows[denominator].astype(float),
                }
            )
        )
    long = pd.concat(frames, ignore_index=True)
    long["level"] = long["program_id"].map(programs["major_code"]).map(levels)
    long["normal"] = long["program_id"].map(programs["enrollment_status"]) == EnrollmentStatus.NORMAL
    return long


def bottom_cut(values: pd.DataFrame, percent: float) -> pd.Series:
    """Per (level, year): the k-th smallest value, k = ⌈n × p ÷ 100⌉ (n programs with the figure).

    n × p ÷ 100 is rounded to 9 places before the ceiling, so 10 × 30 ÷ 100 = 3.0000000000000004 gives 3.
    """
    ordered = values.sort_values("value", kind="stable")
    groups = ordered.groupby(["level", "year"], dropna=False)["value"]
    n = groups.transform("size")
    k = np.ceil(np.round(n * percent / 100, 9)).clip(lower=1)
    position = groups.cumcount() + 1
    cuts = ordered.loc[position == k, ["level", "year", "value"]]
    return values[["level", "year"]].merge(cuts, on=["level", "year"], how="left")["value"].set_axis(values.index)


def rule_hits(rule: ReviewRule, long: pd.DataFrame) -> pd.DataFrame:
    """The years the rule looks at for each program enrolling normally, where it trips on all of them:
    program_id, year, value (the N latest years with a value; programs with fewer than N are left out)."""
    values = long[long["figure"] == rule.figure]
    if rule.is_bottom:
        hit = values["value"] <= bottom_cut(values, rule.bottom_percent)
    elif rule.comparator == ReviewComparator.LT:
        hit = values["value"] < rule.threshold
    else:
        hit = values["value"] <= rule.threshold
    values = values.assign(hit=hit)[values["normal"]]
    looked = values.sort_values(["program_id", "year"], ascending=[True, False]).groupby("program_id").head(rule.years)
    summary = looked.groupby("program_id").agg(n=("hit", "size"), all_hit=("hit", "all"))
    tripped = summary.index[(summary["n"] == rule.years) & summary["all_hit"]]
    return looked.loc[looked["program_id"].isin(tripped), ["program_id", "year", "value"]]


def program_alerts(f, rules=None) -> list[dict]:
    """SPEC 4.4: one alert candidate per program that trips any active rule in the period of `f`:
    {program_id, year, level, trips, rates}. `rules` defaults to the active rules, in code order."""
    rules = list(ReviewRule.objects.filter(active=True).order_by("code")) if rules is None else rules
    long = figures(f)
    hits = []
    for order, rule in enumerate(rules):
        hits.append(rule_hits(rule, long).assign(order=order, rule=rule.code, level=str(rule.level)))
    if not hits:
        return []
    hits = pd.concat(hits, ignore_index=True)
    if hits.empty:
        return []
    in_field = long[long["figure"] == ReviewFigure.IN_FIELD_RATE.value].set_index(["program_id", "year"])["value"]
    alerts: dict[int, dict] = {}
    ordered = hits.sort_values(["program_id", "order", "year"], ascending=[True, True, False])
    for (program_id, _order), rows in ordered.groupby(["program_id", "order"], sort=False):
        alert = alerts.setdefault(int(program_id), {"program_id": int(program_id), "year": 0, "trips": []})
        level = rows["level"].iat[0]
        alert["trips"].append(
            {
                "rule": rows["rule"].iat[0],
                "level": level,
                "values": {str(int(y)): round(float(v), 4) for y, v in zip(rows["year"], rows["value"], strict=True)},
            }
        )
        alert["year"] = max(alert["year"], int(rows["year"].max()))
    for alert in alerts.values():
        alert["level"] = max((trip["level"] for trip in alert["trips"]), key=LEVEL_RANK.__getitem__)
        years = sorted({int(y) for trip in alert["trips"] for y in trip["values"]}, reverse=True)
        alert["rates"] = {
            str(y): round(float(in_field[(alert["program_id"], y)]), 4)
            for y in years
            if (alert["program_id"], y) in in_field.index
        }
    return list(alerts.values())


@transaction.atomic
def alerts_raise(*, run, candidates: list[dict]) -> None:
    """Store a run's alert candidates: new (program, year) pairs are raised; an open alert takes the
    latest trips (a rule changed); a decided alert is never touched (SPEC 4.4). The colleges of newly raised
    alerts are asked for their answer."""
    by_key = {(c["program_id"], c["year"]): c for c in candidates}
    programs, years = {p for p, _y in by_key}, {y for _p, y in by_key}
    raised = set(by_key) - set(
        Alert.objects.filter(program_id__in=programs, year__in=years).values_list("program_id", "year")
    )
    Alert.objects.bulk_create(
        [
            Alert(
                program_id=c["program_id"],
                year=c["year"],
                level=c["level"],
                trips=c["trips"],
                rates=c["rates"],
                run=run,
            )
            for c in candidates
        ],
        ignore_conflicts=True,
    )
    open_alerts = Alert.objects.filter(status=AlertStatus.OPEN, program_id__in=programs, year__in=years)
    now = timezone.now()
    changed = []
    for alert in open_alerts:
        candidate = by_key.get((alert.program_id, alert.year))
        if candidate and (alert.trips, alert.level) != (candidate["trips"], candidate["level"]):
            alert.trips, alert.level, alert.rates, alert.updated_at = (
                candidate["trips"],
                candidate["level"],
                candidate["rates"],
                now,
            )
            changed.append(alert)
    Alert.objects.bulk_update(changed, ["trips", "level", "rates", "updated_at"])
    if raised:
        _notify_colleges(raised)


def _notify_colleges(raised: set[tuple[int, int]]) -> None:
    """Ask the colleges of newly raised alerts for their answer (整改说明), once per batch of alerts."""
    batch = hashlib.sha1(repr(sorted(raised)).encode()).hexdigest()[:16]
    notify(
        college_users(Program.objects.filter(pk__in={program for program, _year in raised}).values("college_id")),
        kind=NoticeKind.REVIEW_DUE,
        title=_("本校有专业点触发预警，请提交整改说明"),
        body=_("指标计算发现本校专业点触发预警规则，请在预警页面查看并提交整改说明。"),
        url=reverse("metrics:alert_list"),
        reason=f"review-due:{batch}",
    )


# --- rules -----------------------------------------------------------------------------------------


@transaction.atomic
def review_rule_save(*, instance: ReviewRule, by) -> ReviewRule:
    """Create or update a review rule (bureau); refused with the field named when its test is not exactly one."""
    require_bureau(by, _("只有教育局可以维护预警规则。"))
    instance._history_user = by
    return save_validated(instance)


@transaction.atomic
def review_rule_delete(*, rule: ReviewRule, by) -> None:
    """Delete a rule (bureau). Alerts it raised keep its code in their trips; deactivating keeps the rule."""
    require_bureau(by, _("只有教育局可以维护预警规则。"))
    rule._history_user = by
    rule.delete()


# --- workflow --------------------------------------------------------------------------------------


def _locked(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().select_related("program").get(pk=alert.pk)


@transaction.atomic
def alert_answer(*, alert: Alert, by, plan: str, targets: str = "") -> Alert:
    """The program's own college answers an open alert with its rectification plan (整改说明) and target
    figures; it may revise the answer until the bureau decides."""
    alert = _locked(alert)
    # by=None is the system (the demo city, an import), which may record an answer on a college's behalf.
    if by is not None and (role_of(by) != Role.COLLEGE or college_id_of(by) != alert.program.college_id):
        raise PermissionDenied(_("只有该专业点所在院校可以提交整改说明。"))
    if alert.is_decided:
        raise ValidationError({"answer_plan": _("该预警已研判，不能再提交整改说明。")})
    if not (plan or "").strip():
        raise ValidationError({"answer_plan": _("请填写整改说明。")})
    alert.answer_plan = plan.strip()
    alert.answer_targets = (targets or "").strip()
    alert.answered_by = by
    alert.answered_at = timezone.now()
    alert._history_user = by
    return save_validated(alert)


@transaction.atomic
def alert_decide(*, alert: Alert, by, decision: str, note: str = "") -> Alert:
    """The bureau decides an open alert: keep, restrict or stop, with a reason. In the same transaction
    the program's enrollment_status follows (restrict → restricted, stop → stopped; keep leaves it) through
    programs' service, so the program's history records who and when. Nothing else of the program changes."""
    require_bureau(by, _("只有教育局可以研判预警。"))
    if decision not in AlertDecision.values:
        raise ValidationError({"decision": _("研判结果只能是“保留”“限制招生”或“停止招生”。")})
    if not (note or "").strip():
        raise ValidationError({"note": _("请填写研判理由。")})
    alert = _locked(alert)
    if alert.is_decided:
        raise ValidationError({"decision": _("该预警已研判，不能重复处理。")})
    if decision in DECISION_ENROLLMENT:
        program = Program.objects.select_for_update().get(pk=alert.program_id)
        program.enrollment_status = DECISION_ENROLLMENT[decision]
        program_save(instance=program, by=by)
    alert.decision = decision
    alert.status = DECISION_STATUS[decision]
    alert.decided_by = by
    alert.decided_at = timezone.now()
    alert.note = note.strip()
    alert._history_user = by
    return save_validated(alert)


def trips_with_rules(alert: Alert) -> list[dict]:
    """The alert's trips with each rule's name, figure and test (rules since deleted show their code only)."""
    rules = {rule.code: rule for rule in ReviewRule.objects.filter(code__in=[t["rule"] for t in alert.trips])}
    rows = []
    for trip in alert.trips:
        rule = rules.get(trip["rule"])
        rows.append(
            {
                "code": trip["rule"],
                "level": trip["level"],
                "level_label": ReviewLevel(trip["level"]).label,
                "rule": rule,
                "test": rule.test_label() if rule else "",
                "figure": ReviewFigure(rule.figure).label if rule else "",
                "values": sorted(trip["values"].items(), reverse=True),
            }
        )
    return rows


def with_rates(alerts) -> list[Alert]:
    """The alerts, each with `trip_rates`: per tripped rule the figure's name and the values that raised it,
    newest year first ([{"figure", "level", "values": [(year, value), …]}]); an alert of before the rules
    (no trips) shows its in-field rates. One query for the rules."""
    alerts = list(alerts)
    codes = {trip["rule"] for alert in alerts for trip in alert.trips}
    figures = dict(ReviewRule.objects.filter(code__in=codes).values_list("code", "figure"))
    for alert in alerts:
        trips = alert.trips or [
            {"rule": "", "figure": ReviewFigure.IN_FIELD_RATE, "level": alert.level, "values": alert.rates or {}}
        ]
        alert.trip_rates = []
        for trip in trips:
            figure = trip.get("figure") or figures.get(trip["rule"])
            alert.trip_rates.append(
                {
                    # A rule since deleted shows its code.
                    "figure": ReviewFigure(figure).label if figure else trip["rule"],
                    "level": trip["level"],
                    "values": sorted(trip["values"].items(), reverse=True),
                }
            )
    return alerts


# --- demo ------------------------------------------------------------------------------------------

# Example rules beside in_field_60 (figures of the demo city: in-field rates 0.40–0.94, local rates 0.44–0.99).
DEMO_RULES = [
    {
        "code": "in_field_70",
        "name": "对口就业率连续两年低于 70%",
        "figure": ReviewFigure.IN_FIELD_RATE,
        "years": 2,
        "level": ReviewLevel.YELLOW,
        "comparator": ReviewComparator.LT,
        "threshold": 0.70,
        "source": "专业动态调整：对口就业率偏低的专业先亮黄牌（示例规则）",
    },
    {
        "code": "employment_bottom_5",
        "name": "就业率处于同层次末位 5%",
        "figure": ReviewFigure.EMPLOYMENT_RATE,
        "years": 1,
        "level": ReviewLevel.YELLOW,
        "bottom_percent": 5.0,
        "source": "专业动态调整：就业率排名靠后的专业亮黄牌（示例规则）",
    },
    {
        "code": "local_rate_55",
        "name": "本地就业率连续两年低于 55%",
        "figure": ReviewFigure.LOCAL_RATE,
        "years": 2,
        "level": ReviewLevel.RED,
        "comparator": ReviewComparator.LT,
        "threshold": 0.55,
        "source": "服务地方产业：毕业生留本地就业比例过低的专业亮红牌（示例规则）",
    },
]
DEMO_ANSWER = ("优化课程设置，与合作企业共建实习岗位，压缩下一年度招生计划。", "下一年度对口就业率达到 65% 以上")
DEMO_DECISIONS = [
    (AlertDecision.KEEP, "整改措施可行，保留招生，下年度复核。"),
    (AlertDecision.RESTRICT, "连续两年未达标，限制招生一年。"),
    (AlertDecision.STOP, "多项指标长期偏低，停止招生。"),
]


@transaction.atomic
def demo_review(*, year: int, quarter: int) -> dict:
    """Put the demo city's review on show: the example rules beside in_field_60, the period's alerts
    raised, about two thirds of them answered by their colleges and a third decided by the bureau (in
    program order, so the same city gives the same board; only on the first call). Returns the counts by level
    and stage."""
    for rule in DEMO_RULES:
        defaults = {"comparator": "", "threshold": None, "bottom_percent": None, **rule}
        if not ReviewRule.objects.filter(code=rule["code"]).exists():
            review_rule_save(instance=ReviewRule(**defaults), by=None)
    alerts_raise(run=None, candidates=program_alerts(load_frames(Period(year, quarter))))
    # Once: a second call (the demo rerun on the same city) answers and decides nothing more.
    touched = Alert.objects.filter(~Q(answered_at=None) | ~Q(status=AlertStatus.OPEN)).exists()
    open_alerts = [] if touched else list(Alert.objects.filter(year__lte=year).order_by("program_id", "year"))
    for n, alert in enumerate(open_alerts):
        if n % 3 != 2:
            alert_answer(alert=alert, by=None, plan=DEMO_ANSWER[0], targets=DEMO_ANSWER[1])
        if n % 3 == 0:
            decision, note = DEMO_DECISIONS[(n // 3) % len(DEMO_DECISIONS)]
            alert_decide(alert=alert, by=None, decision=decision, note=note)
    alerts = Alert.objects.all()
    return {
        "red": alerts.filter(level=ReviewLevel.RED).count(),
        "yellow": alerts.filter(level=ReviewLevel.YELLOW).count(),
        "answered": alerts.exclude(answered_at=None).count(),
        "decided": alerts.exclude(status=AlertStatus.OPEN).count(),
    }
