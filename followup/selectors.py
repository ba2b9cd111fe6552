"""The bureau's chase lists (督办催报) for a quarter: who has yet to do what. Each list is one query,
filterable by district and tag, shared by the page, its Excel export and the reminders."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from demand.choices import COUNTED_LIST_STATUSES
from demand.models import DemandList
from enterprises.models import Enterprise
from enterprises.selectors import key_q, tag_q
from policies.choices import PolicyStatus
from policies.models import PolicyFeedback
from portal.periods import Period


@dataclass(frozen=True)
class Chase:
    key: str
    label: str
    hint: str


FILING = Chase("filing", _("应报未报"), _("重点企业（规上、专精特新、小巨人、链主）本季度尚未提交需求清单。"))
ACKNOWLEDGEMENT = Chase("acknowledgement", _("政策未知晓"), _("本季度末以前发布的政策明白卡，企业尚未确认知晓。"))
FEEDBACK = Chase("feedback", _("回访未回复"), _("本季度抽样的政策落实回访，企业尚未回复。"))
CHASES = {chase.key: chase for chase in (FILING, ACKNOWLEDGEMENT, FEEDBACK)}


def _enterprises(district: str = "", tag: str = ""):
    enterprises = Enterprise.objects.all()
    if district:
        enterprises = enterprises.filter(district=district)
    if tag:
        enterprises = enterprises.filter(tag_q(tag))
    return enterprises


def unfiled(period: Period, *, district: str = "", tag: str = ""):
    """应报未报: key enterprises without a submitted or accepted list of `period`, with the status of the
    list they have (draft, returned) or None."""
    filed = DemandList.objects.filter(year=period.year, quarter=period.quarter, status__in=COUNTED_LIST_STATUSES)
    own_list = DemandList.objects.filter(enterprise=OuterRef("pk"), year=period.year, quarter=period.quarter)
    return (
        _enterprises(district, tag)
        .filter(key_q())
        .exclude(pk__in=filed.values("enterprise_id"))
        .annotate(list_status=Subquery(own_list.values("status")[:1]))
        .order_by("district", "name", "pk")
    )


def _published_by(period: Period) -> datetime.datetime:
    """The first moment after the quarter (Asia/Shanghai): cards published before it count."""
    return timezone.make_aware(datetime.datetime.combine(period.next().start, datetime.time.min))


def unacknowledged(period: Period, *, district: str = "", tag: str = ""):
    """Enterprises with a delivery of a card published by the end of `period` (and not archived) that they
    have not acknowledged, with how many (`pending`) and since when (`since`)."""
    waiting = Q(
        policy_deliveries__acknowledged_at__isnull=True,
        policy_deliveries__card__status=PolicyStatus.PUBLISHED,
        policy_deliveries__card__published_at__lt=_published_by(period),
    )
    return (
        _enterprises(district, tag)
        .annotate(
            pending=Count("policy_deliveries", filter=waiting),
            since=Min("policy_deliveries__delivered_at", filter=waiting),
        )
        .filter(pending__gt=0)
        .order_by("district", "name", "pk")
    )


def unanswered_feedback(period: Period, *, district: str = "", tag: str = ""):
    """The feedback sampled in `period` (政策落实回头看) that its enterprise has not answered."""
    return (
        PolicyFeedback.objects.filter(
            year=period.year,
            quarter=period.quarter,
            answered_at__isnull=True,
            enterprise__in=_enterprises(district, tag),
        )
        .select_related("card", "enterprise")
        .order_by("enterprise__district", "enterprise__name", "card__title", "pk")
    )


ROWS = {FILING.key: unfiled, ACKNOWLEDGEMENT.key: unacknowledged, FEEDBACK.key: unanswered_feedback}


def chase_rows(chase: str, period: Period, *, district: str = "", tag: str = ""):
    """The rows of one chase list (enterprises, or feedback requests for `feedback`)."""
    return ROWS[chase](period, district=district, tag=tag)


def enterprise_ids(chase: str, rows) -> set[int]:
    """The enterprises a chase list's rows name (one query)."""
    field = "enterprise_id" if chase == FEEDBACK.key else "pk"
    return set(rows.order_by().values_list(field, flat=True).distinct())


def days_left(period: Period, today: datetime.date | None = None) -> int:
    """Days from `today` (Asia/Shanghai) to the quarter's last day; negative once it has passed."""
    return (period.end - (today or timezone.localdate())).days


def period_choices(today: datetime.date | None = None) -> list[Period]:
    """The quarter we are in and the four before it, newest first."""
    current = Period.containing(today)
    return list(reversed(current.last_four())) + [current.last_four()[0].previous()]
