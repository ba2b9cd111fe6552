"""Notices (notices app): notify once per reason and day, e-mail unless switched off, the notice centre,
the unread count in the header."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from notices.models import Notice
from notices.selectors import enterprise_users
from notices.services import notify
from notices.tasks import send_notice_mail
from tests import factories as f

pytestmark = pytest.mark.django_db

REMINDER = {"kind": "reminder", "title": "请报送需求清单", "body": "距季度末还有 10 天。", "url": "/enterprises/lists/"}


def _user(username, email="", **profile):
    user = f.UserFactory(username=username, email=email)
    f.ProfileFactory(user=user, **profile)
    return user


def test_notify_creates_notices_and_mails_after_commit(enterprise_user, django_capture_on_commit_callbacks):
    enterprise_user.email = "clerk@example.cn"
    enterprise_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        result = notify([enterprise_user], reason="filing:2026-4", **REMINDER)
    assert (result.sent, result.skipped) == (1, 0)
    notice = Notice.objects.get(recipient=enterprise_user)
    assert (notice.title, notice.mail_status, notice.sent_on) == ("请报送需求清单", "sent", timezone.localdate())
    (message,) = mail.outbox
    assert message.to == ["clerk@example.cn"]
    assert "请报送需求清单" in message.subject and "http://127.0.0.1:8000/enterprises/lists/" in message.body


def test_same_reason_is_not_sent_twice_the_same_day_but_is_the_next_day(
    enterprise_user, monkeypatch, django_capture_on_commit_callbacks
):
    enterprise_user.email = "clerk@example.cn"
    enterprise_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        first = notify([enterprise_user], reason="filing:2026-4", **REMINDER)
        second = notify([enterprise_user], reason="filing:2026-4", **REMINDER)
    assert (first.sent, second.sent, second.skipped) == (1, 0, 1)
    assert Notice.objects.count() == 1 and len(mail.outbox) == 1

    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    with django_capture_on_commit_callbacks(execute=True):
        third = notify([enterprise_user], reason="filing:2026-4", **REMINDER)
    assert (third.sent, third.skipped) == (1, 0)
    assert Notice.objects.count() == 2 and len(mail.outbox) == 2


def test_email_off_means_no_mail_but_the_notice_appears(client, enterprise_user, django_capture_on_commit_callbacks):
    enterprise_user.email = "clerk@example.cn"
    enterprise_user.save()
    client.force_login(enterprise_user)
    client.post(reverse("notices:preference"), {"email_enabled": "0"})
    with django_capture_on_commit_callbacks(execute=True):
        notify([enterprise_user], reason="filing:2026-4", **REMINDER)
    assert mail.outbox == []
    assert Notice.objects.get(recipient=enterprise_user).mail_status == "skipped"
    assert "请报送需求清单" in client.get(reverse("notices:list")).content.decode()


def test_a_user_without_address_gets_the_notice_only(enterprise_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify([enterprise_user], reason="r", **REMINDER)
    assert mail.outbox == [] and Notice.objects.filter(recipient=enterprise_user).count() == 1


def test_notify_is_set_based_for_many_recipients(enterprise, django_assert_max_num_queries):
    for n in range(40):
        _user(f"clerk{n}", role="enterprise", enterprise=enterprise)
    _user("gone", role="enterprise", enterprise=enterprise).__class__.objects.filter(username="gone").update(
        is_active=False
    )
    with django_assert_max_num_queries(8):  # savepoints, the recipients, today’s, one insert
        result = notify(enterprise_users([enterprise.pk]), reason="filing:2026-4", **REMINDER)
    assert result.sent == 40  # the inactive user gets nothing


def test_a_redelivered_mail_task_sends_nothing_twice(enterprise_user, django_capture_on_commit_callbacks):
    enterprise_user.email = "clerk@example.cn"
    enterprise_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([enterprise_user], reason="r", **REMINDER)
    send_notice_mail(list(Notice.objects.values_list("pk", flat=True)))
    assert len(mail.outbox) == 1


def test_unread_count_in_the_header_mark_read_and_mark_all(client, enterprise_user, other_enterprise_user):
    notify([enterprise_user], reason="a", **REMINDER)
    notify([enterprise_user], reason="b", **{**REMINDER, "title": "第二条"})
    notify([other_enterprise_user], reason="a", **REMINDER)
    client.force_login(enterprise_user)
    page = client.get(reverse("home")).content.decode()
    assert 'data-testid="notice-count"' in page and ">2</span>" in page

    first = Notice.objects.filter(recipient=enterprise_user).first()
    client.post(reverse("notices:read", args=[first.pk]))
    first.refresh_from_db()
    assert first.read_at is not None
    assert ">1</span>" in client.get(reverse("notices:list")).content.decode()

    client.post(reverse("notices:read_all"))
    assert 'data-testid="notice-count"' not in client.get(reverse("home")).content.decode()
    assert Notice.objects.filter(recipient=other_enterprise_user, read_at__isnull=True).count() == 1


def test_another_users_notice_is_a_404(client, enterprise_user, other_enterprise_user):
    notify([other_enterprise_user], reason="a", **REMINDER)
    client.force_login(enterprise_user)
    notice = Notice.objects.get()
    assert client.post(reverse("notices:read", args=[notice.pk])).status_code == 404
    assert "请报送需求清单" not in client.get(reverse("notices:list")).content.decode()
    notice.refresh_from_db()
    assert notice.read_at is None


@pytest.mark.parametrize("role_user", ["bureau_user", "college_user", "enterprise_user", "agency_user"])
def test_every_role_has_the_notice_centre(client, request, role_user):
    user = request.getfixturevalue(role_user)
    notify([user], reason="a", **REMINDER)
    client.force_login(user)
    response = client.get(reverse("notices:list"))
    assert response.status_code == 200 and "请报送需求清单" in response.content.decode()


def test_the_notice_centre_lists_in_constant_queries(client, enterprise_user, django_assert_max_num_queries):
    for n in range(45):
        notify([enterprise_user], reason=f"r{n}", **REMINDER)
    client.force_login(enterprise_user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("notices:list"))
    assert response.status_code == 200


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers")
def test_two_concurrent_reminders_create_and_mail_each_notice_once(transactional_db, enterprise):
    from tests.test_concurrency import _race

    for n in range(20):
        _user(f"clerk{n}", email=f"clerk{n}@example.cn", role="enterprise", enterprise=enterprise)
    calls = [lambda: notify(enterprise_users([enterprise.pk]), reason="filing:2026-4", **REMINDER)] * 2
    outcomes = _race(calls)
    assert sorted((o.sent, o.skipped) for o in outcomes) == [(0, 20), (20, 0)]
    assert Notice.objects.count() == 20 and len(mail.outbox) == 20


def test_the_header_count_costs_one_query_per_page(client, enterprise_user):
    from django.test.utils import CaptureQueriesContext

    for n in range(5):
        notify([enterprise_user], reason=f"r{n}", **REMINDER)
    client.force_login(enterprise_user)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("home")).content.decode()
    notice_queries = [q["sql"] for q in queries if "notices_notice" in q["sql"]]
    assert len(notice_queries) == 1 and "COUNT(" in notice_queries[0]
    assert ">5</span>" in page
