"""Reminders from the chase lists: one click of the bureau, or the beat schedule near a quarter's end;
and the responsible units' reminder of the plan tasks' quarterly reports (SPEC 4.5).

A reminder is a notice (notices.notify) to the users of each enterprise on the list, with the reason
`chase-<list>:<quarter>`: a second reminder the same day — a second click, or a click after the
automatic one — reaches nobody again, and the next day's does.
"""

import datetime
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notices.choices import NoticeKind
from notices.selectors import enterprise_users, unit_users
from notices.services import Sent, notify
from plan.selectors import reports_due
from portal.periods import Period
from portal.services import require_bureau

from . import selectors
from .selectors import ACKNOWLEDGEMENT, FILING

# The automatic filing reminder goes out when this many days are left in the quarter.
FILING_REMINDER_DAYS_LEFT = (10, 3, 1)


@dataclass(frozen=True)
class Reminded:
    enterprises: int  # on the list (or selected from it)
    sent: int  # users reminded now
    skipped: int  # users already reminded today for the same reason
    without_users: int  # enterprises with no active user to remind


def _message(chase: str, period: Period, today: datetime.date) -> dict:
    if chase == FILING.key:
        return {
            "title": _("请报送%(period)s企业需求清单") % {"period": period},
            "body": _("贵企业为重点企业，%(period)s需求清单尚未提交。季度截止日 %(end)s，还有 %(days)s 天。")
            % {"period": period, "end": period.end, "days": max(selectors.days_left(period, today), 0)},
            "url": reverse("demand:demand_list_list"),
        }
    if chase == ACKNOWLEDGEMENT.key:
        return {
            "title": _("请确认知晓惠企政策明白卡"),
            "body": _("教育局推送给贵企业的惠企政策明白卡尚未确认知晓，请阅读后点击“已知晓”。"),
            "url": reverse("policies:inbox"),
        }
    return {
        "title": _("请回复%(period)s政策落实回访") % {"period": period},
        "body": _("贵企业被抽中参加%(period)s政策落实回头看，请回复是否享受到政策及意见建议。") % {"period": period},
        "url": reverse("policies:inbox"),
    }


def chase_remind(
    *,
    chase: str,
    period: Period,
    by,
    district: str = "",
    tag: str = "",
    selected: list[int] | None = None,
    today: datetime.date | None = None,
) -> Reminded:
    """Remind the enterprises on a chase list (all of it under the filters, or the `selected` rows of it:
    enterprise ids, feedback ids for `feedback`). Rows not on the list are ignored. Bureau or system only."""
    require_bureau(by, _("只有教育局可以发送催报提醒。"))
    if chase not in selectors.CHASES:
        raise ValueError(f"unknown chase list {chase!r}")
    rows = selectors.chase_rows(chase, period, district=district, tag=tag)
    if selected is not None:
        rows = rows.filter(pk__in=selected)
    enterprise_ids = selectors.enterprise_ids(chase, rows)
    users = enterprise_users(enterprise_ids)
    reached = set(users.values_list("profile__enterprise_id", flat=True).distinct())
    result = notify(
        users,
        kind=NoticeKind.REMINDER,
        reason=f"chase-{chase}:{period.key}",
        **_message(chase, period, today or timezone.localdate()),
    )
    return Reminded(
        enterprises=len(enterprise_ids),
        sent=result.sent,
        skipped=result.skipped,
        without_users=len(enterprise_ids - reached),
    )


def filing_reminders_due(*, today: datetime.date | None = None) -> Reminded | None:
    """The automatic filing reminder: on the days FILING_REMINDER_DAYS_LEFT before the quarter's end, the key
    enterprises without a submitted list of the quarter are reminded; other days nothing is sent (None)."""
    today = today or timezone.localdate()
    period = Period.containing(today)
    if selectors.days_left(period, today) not in FILING_REMINDER_DAYS_LEFT:
        return None
    return chase_remind(chase=FILING.key, period=period, by=None, today=today)


def task_report_reminders_due(*, today: datetime.date | None = None) -> Sent | None:
    """On the days FILING_REMINDER_DAYS_LEFT before a quarter's end, remind the users of each responsible unit
    that still owes this quarter's progress report on one of its tasks (plan.selectors.reports_due); one
    notice per user and day, naming how many tasks are due. Other days nothing is sent (None)."""
    today = today or timezone.localdate()
    period = Period.containing(today)
    if selectors.days_left(period, today) not in FILING_REMINDER_DAYS_LEFT:
        return None
    due_per_unit: dict[int, int] = {}
    for _task_id, unit_id in reports_due(period):
        due_per_unit[unit_id] = due_per_unit.get(unit_id, 0) + 1
    sent = skipped = 0
    # One notify per unit (a city has a few dozen): each unit's users read their own count of tasks.
    for unit_id, count in due_per_unit.items():
        users = unit_users([unit_id])
        result = notify(
            users,
            kind=NoticeKind.TASK_REPORT_DUE,
            reason=f"task-report-due:{period.key}",
            title=_("请报送%(period)s重点任务进展") % {"period": period},
            body=_("本单位还有 %(count)s 项重点任务未报送%(period)s进展。季度截止日 %(end)s，还有 %(days)s 天。")
            % {"count": count, "period": period, "end": period.end, "days": selectors.days_left(period, today)},
            url=reverse("plan:task_list"),
        )
        sent, skipped = sent + result.sent, skipped + result.skipped
    return Sent(sent=sent, skipped=skipped)
