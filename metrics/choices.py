from django.db import models
from django.utils.translation import gettext_lazy as _


class Metric(models.TextChoices):
    ALIGNMENT_RATE = "alignment_rate", _("专业设置与产业匹配度")
    CLUSTER_COVERAGE = "cluster_coverage", _("重点产业领域专业覆盖率")
    SUPPLY_DEMAND_MATCH = "supply_demand_match", _("人才供需匹配指数")
    LOCAL_RETENTION_RATE = "local_retention_rate", _("毕业生本地留存率（五年制高职）")
    IN_FIELD_RATE = "in_field_rate", _("专业对口就业率")
    TRAINING_BASES = "training_bases", _("实训基地数")
    INTEGRATION_ENTERPRISES = "integration_enterprises", _("产教融合型企业数")
    COOPERATION_PROJECTS = "cooperation_projects", _("产学合作协同育人项目数")
    INDUSTRY_COLLEGES = "industry_colleges", _("产业学院/产教联合体数")
    INDUSTRY_COLLEGE_COMPLIANCE = "industry_college_compliance", _("产业学院对接链主企业达标率")
    ORDER_CLASSES = "order_classes", _("订单班冠名班数")
    TRAINING_HEADCOUNT = "training_headcount", _("职工技能培训人次")
    DEMAND_FULFILMENT_RATE = "demand_fulfilment_rate", _("企业需求销号率")
    POLICY_REACH = "policy_reach", _("惠企政策应知尽知率")
    PRIORITY_MAJOR_SHARE = "priority_major_share", _("优先发展专业占比")
    FILING_RATE = "filing_rate", _("重点企业清单报送率")


class ScopeType(models.TextChoices):
    CITY = "city", _("全市")
    DISTRICT = "district", _("区县")
    COLLEGE = "college", _("院校")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("计算中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


# A period has at most one run in these (the partial unique index one_active_run_per_period).
ACTIVE_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class Comparator(models.TextChoices):
    GTE = ">=", "≥"
    LTE = "<=", "≤"


class TargetStatus(models.TextChoices):
    ACHIEVED = "achieved", _("已达成")
    ON_TRACK = "on_track", _("进展正常")
    AT_RISK = "at_risk", _("存在风险")
    NO_DATA = "no_data", _("暂无数据")


class PaceStatus(models.TextChoices):
    """A deadline target's recent pace against the pace it needs (metrics.selectors.targets_progress)."""

    ON_PACE = "on_pace", _("进度达标")
    BEHIND = "behind", _("进度滞后")


class AlertStatus(models.TextChoices):
    """Open until the bureau decides (the college's answer does not change it: see Alert.answered_at);
    the decided statuses follow the decision (AlertDecision, DECISION_STATUS)."""

    OPEN = "open", _("待研判")
    RESTRICTED = "restricted", _("已限制招生")
    STOPPED = "stopped", _("已停止招生")
    DISMISSED = "dismissed", _("保留招生")


class AlertDecision(models.TextChoices):
    """The bureau's decision on an alert (SPEC 4.4)."""

    KEEP = "keep", _("保留（正常招生）")
    RESTRICT = "restrict", _("限制招生")
    STOP = "stop", _("停止招生")


# What each decision makes of the alert; "dismissed" is the historical name of a kept alert.
DECISION_STATUS = {
    AlertDecision.KEEP: AlertStatus.DISMISSED,
    AlertDecision.RESTRICT: AlertStatus.RESTRICTED,
    AlertDecision.STOP: AlertStatus.STOPPED,
}


class ReviewFigure(models.TextChoices):
    """A program's annual figures a review rule reads (SPEC 4.4), each null where its denominator is 0."""

    IN_FIELD_RATE = "in_field_rate", _("对口就业率")
    EMPLOYMENT_RATE = "employment_rate", _("就业率")
    LOCAL_RATE = "local_rate", _("本地就业率")
    INTAKE_FILL = "intake_fill", _("招生完成率")


class ReviewLevel(models.TextChoices):
    YELLOW = "yellow", _("黄牌")
    RED = "red", _("红牌")


class ReviewComparator(models.TextChoices):
    LT = "lt", "<"
    LTE = "lte", "≤"
