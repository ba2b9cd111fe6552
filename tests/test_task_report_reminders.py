"""The "task report due" notice (issue 14): near a quarter's end, the users of each responsible unit that owes
the quarter's progress report on a plan task are reminded, once a day, and nobody else."""

import datetime

import pytest
from django.utils import timezone

from followup import services, tasks
from followup.selectors import days_left
from notices.models import Notice
from portal.periods import Period
from tests import factories as f

PERIOD = Period(2026, 4)
TEN_DAYS_LEFT = PERIOD.end - datetime.timedelta(days=10)


def _department(username, unit):
    return f.ProfileFactory(user=f.UserFactory(username=username), role="department", unit=unit).user


@pytest.fixture
def world(db):
    ndrc, finance, hr = (f.UnitFactory(name=name) for name in ("市发展改革委", "市财政局", "市人力资源社会保障局"))
    f.TaskFactory(code="T01", lead_units=[ndrc], co_units=[finance])
    f.TaskFactory(code="T02", lead_units=[ndrc])
    reported = f.TaskFactory(code="T03", lead_units=[hr])
    f.TaskReportFactory(task=reported, unit=hr, year=PERIOD.year, quarter=PERIOD.quarter)
    return {
        "ndrc": _department("ndrc", ndrc),
        "finance": _department("finance", finance),
        "hr": _department("hr", hr),
        "bureau": f.ProfileFactory(role="bureau").user,
    }


def _on(monkeypatch, day):
    """Run as on `day` (notices are de-duplicated by the day they are sent)."""
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    monkeypatch.setattr(timezone, "now", lambda: noon)


def test_units_owing_reports_are_reminded_with_their_own_count(world, monkeypatch):
    _on(monkeypatch, TEN_DAYS_LEFT)
    assert days_left(PERIOD) == 10
    sent = services.task_report_reminders_due()

    assert (sent.sent, sent.skipped) == (2, 0)
    notices = {n.recipient.username: n for n in Notice.objects.select_related("recipient")}
    assert set(notices) == {"ndrc", "finance"}  # hr has filed; the bureau owes nothing
    assert "2 项" in notices["ndrc"].body and "1 项" in notices["finance"].body
    assert notices["ndrc"].kind == "task_report_due" and notices["ndrc"].url == "/plan/"


def test_not_twice_the_same_day_and_nothing_on_other_days(world, monkeypatch):
    _on(monkeypatch, TEN_DAYS_LEFT)
    services.task_report_reminders_due()
    again = services.task_report_reminders_due()
    assert (again.sent, again.skipped) == (0, 2)
    _on(monkeypatch, TEN_DAYS_LEFT + datetime.timedelta(days=1))
    assert services.task_report_reminders_due() is None
    assert Notice.objects.count() == 2
    _on(monkeypatch, PERIOD.end - datetime.timedelta(days=3))
    later = services.task_report_reminders_due()
    assert (later.sent, later.skipped) == (2, 0)


def test_the_beat_task_on_a_reminder_day(world, monkeypatch):
    _on(monkeypatch, TEN_DAYS_LEFT)
    assert tasks.remind_task_reports_due() == {"sent": 2, "skipped": 0}
    assert tasks.remind_task_reports_due() == {"sent": 0, "skipped": 2}


def test_the_task_is_scheduled():
    from metrics.schedule import SCHEDULE

    assert SCHEDULE["followup: task report reminders"][0] == "followup.tasks.remind_task_reports_due"
