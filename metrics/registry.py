"""Every metric declared once: its key and label (metrics.choices.Metric), whether it is a ratio or a
count, which scope kinds it has, how pages and the report format it, and the function of the engine
that computes it. The engine, dashboards, report, API and admin read this; adding a metric is one
Metric choice, one entry here and its function in engine.py.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from . import engine
from .choices import Metric, ScopeType

RATIO = "ratio"
COUNT = "count"
ALL_SCOPES = frozenset(ScopeType)
NO_COLLEGE = frozenset({ScopeType.CITY, ScopeType.DISTRICT})


@dataclass(frozen=True)
class MetricDef:
    key: Metric
    kind: str  # RATIO (a fraction in [0, 1] with numerator and denominator) or COUNT
    scopes: frozenset  # the scope kinds it is computed for (SPEC 4)
    compute: Callable[[engine.Frames], pd.DataFrame]

    @property
    def label(self) -> str:
        return str(self.key.label)

    @property
    def is_ratio(self) -> bool:
        return self.kind == RATIO

    @property
    def excel_format(self) -> str:
        return "0.0%" if self.is_ratio else "#,##0"


METRICS: tuple[MetricDef, ...] = (
    MetricDef(Metric.ALIGNMENT_RATE, RATIO, ALL_SCOPES, engine.alignment_rate),
    MetricDef(Metric.CLUSTER_COVERAGE, RATIO, ALL_SCOPES, engine.cluster_coverage),
    MetricDef(Metric.SUPPLY_DEMAND_MATCH, RATIO, ALL_SCOPES, engine.supply_demand_match),
    MetricDef(Metric.LOCAL_RETENTION_RATE, RATIO, ALL_SCOPES, engine.local_retention_rate),
    MetricDef(Metric.IN_FIELD_RATE, RATIO, ALL_SCOPES, engine.in_field_rate),
    MetricDef(Metric.TRAINING_BASES, COUNT, ALL_SCOPES, engine.training_bases),
    MetricDef(Metric.INTEGRATION_ENTERPRISES, COUNT, NO_COLLEGE, engine.integration_enterprises),
    MetricDef(Metric.COOPERATION_PROJECTS, COUNT, ALL_SCOPES, engine.cooperation_projects),
    MetricDef(Metric.INDUSTRY_COLLEGES, COUNT, ALL_SCOPES, engine.industry_colleges),
    MetricDef(Metric.INDUSTRY_COLLEGE_COMPLIANCE, RATIO, ALL_SCOPES, engine.industry_college_compliance),
    MetricDef(Metric.ORDER_CLASSES, COUNT, ALL_SCOPES, engine.order_classes),
    MetricDef(Metric.TRAINING_HEADCOUNT, COUNT, ALL_SCOPES, engine.training_headcount),
    MetricDef(Metric.DEMAND_FULFILMENT_RATE, RATIO, NO_COLLEGE, engine.demand_fulfilment_rate),
    MetricDef(Metric.POLICY_REACH, RATIO, NO_COLLEGE, engine.policy_reach),
    MetricDef(Metric.PRIORITY_MAJOR_SHARE, RATIO, ALL_SCOPES, engine.priority_major_share),
    MetricDef(Metric.FILING_RATE, RATIO, NO_COLLEGE, engine.filing_rate),
)
BY_KEY = {m.key.value: m for m in METRICS}
RATIO_METRICS = frozenset(m.key.value for m in METRICS if m.is_ratio)


def get(key: str) -> MetricDef:
    return BY_KEY[key]


def is_ratio(key: str) -> bool:
    return key in RATIO_METRICS
