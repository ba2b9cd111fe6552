"""Chase lists (followup) from the outside: the bureau's lists per quarter, filtered and exported, the
one-click reminder that never reaches anyone twice the same day, and the automatic reminder near a
quarter's end (service and Celery task)."""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from enterprises.models import Enterprise
from followup import selectors, services
from followup.tasks import remind_unfiled_key_enterprises
from notices.models import Notice
from policies.services import policy_card_publish, policy_feedback_sample
from portal.periods import Period
from tests import factories as f

pytestmark = pytest.mark.django_db

# The quarter we are in, as the pages default to it.
NOW = Period.containing()
TAGS = [["above_scale"], ["specialized"], ["little_giant"], ["chain_leader"], ["above_scale", "chain_leader"]]


def _clerk(enterprise, username):
    return f.ProfileFactory(user=f.UserFactory(username=username), role="enterprise", enterprise=enterprise).user


@pytest.fixture
def city():
    """Key enterprises in two districts, some of which filed this quarter (submitted, accepted) and some not
    (none, draft, returned, or only the quarter before); and enterprises without a tag, which are not key."""
    key = [f.EnterpriseFactory(tags=tags, district=district) for district in ("清江浦区", "淮阴区") for tags in TAGS]
    plain = [f.EnterpriseFactory(tags=[]) for _n in range(3)]
    for enterprise, status in zip(key[:3], ["submitted", "accepted", "submitted"], strict=True):
        f.DemandListFactory(enterprise=enterprise, year=NOW.year, quarter=NOW.quarter, status=status)
    for enterprise, status in zip(key[3:6], ["draft", "returned", "draft"], strict=True):
        f.DemandListFactory(enterprise=enterprise, year=NOW.year, quarter=NOW.quarter, status=status)
    f.DemandListFactory(enterprise=key[6], year=NOW.previous().year, quarter=NOW.previous().quarter, status="accepted")
    f.DemandListFactory(enterprise=plain[0], year=NOW.year, quarter=NOW.quarter, status="draft")
    return {"key": key, "plain": plain}


def test_chase_list_is_the_key_enterprises_minus_those_with_a_submitted_list(city):
    key = {e.pk for e in Enterprise.objects.all() if e.tags}
    filed = set(
        f.DemandListFactory._meta.model.objects.filter(
            year=NOW.year, quarter=NOW.quarter, status__in=["submitted", "accepted"]
        ).values_list("enterprise_id", flat=True)
    )
    assert {e.pk for e in selectors.unfiled(NOW)} == key - filed
    assert len(key - filed) == 7
    in_huaiyin = {e.pk for e in city["key"] if e.district == "淮阴区"} - filed
    assert {e.pk for e in selectors.unfiled(NOW, district="淮阴区")} == in_huaiyin
    chain = {e.pk for e in city["key"] if "chain_leader" in e.tags} - filed
    assert {e.pk for e in selectors.unfiled(NOW, tag="chain_leader")} == chain


def test_the_page_lists_filters_and_shows_days_left(client, bureau_user, city, django_assert_max_num_queries):
    client.force_login(bureau_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("followup:chase_list", args=["filing"]), {"period": NOW.key})
    assert response.context["page_obj"].paginator.count == 7
    assert response.context["days_left"] == (NOW.end - timezone.localdate()).days
    response = client.get(reverse("followup:chase_list", args=["filing"]), {"period": NOW.key, "district": "淮阴区"})
    assert {e.district for e in response.context["page_obj"]} == {"淮阴区"}


def test_the_export_holds_every_row_of_the_list(client, bureau_user, city):
    client.force_login(bureau_user)
    response = client.get(reverse("followup:chase_list", args=["filing"]), {"format": "xlsx", "page": "1"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    usccs = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert usccs == {e.uscc for e in selectors.unfiled(NOW)}
    assert len(usccs) == len(city["key"]) - 3


@pytest.mark.parametrize("role_user", ["college_user", "enterprise_user", "agency_user"])
def test_only_the_bureau_has_the_chase_lists(client, request, role_user, city):
    client.force_login(request.getfixturevalue(role_user))
    assert client.get(reverse("followup:chase")).status_code == 404
    assert client.get(reverse("followup:chase_list", args=["filing"]), {"format": "xlsx"}).status_code == 404
    response = client.post(reverse("followup:remind", args=["filing"]), {"scope": "all"})
    assert response.status_code == 404
    assert not Notice.objects.exists()


def test_one_click_reminds_all_listed_once_a_day(client, bureau_user, city, monkeypatch):
    period = NOW
    clerks = [_clerk(e, f"clerk{n}") for n, e in enumerate(city["key"])]
    _clerk(city["plain"][1], "plain_clerk")  # not key: never reminded
    client.force_login(bureau_user)
    url = reverse("followup:remind", args=["filing"])
    response = client.post(url, {"scope": "all", "period": period.key}, follow=True)
    message = str(list(response.context["messages"])[0])
    assert "向 7 家企业" in message and "新发送 7 条" in message and "跳过 0 条" in message
    assert set(Notice.objects.values_list("recipient_id", flat=True)) == {u.pk for u in clerks[3:]}

    response = client.post(url, {"scope": "all", "period": period.key}, follow=True)
    assert "新发送 0 条，今日已提醒过而跳过 7 条" in str(list(response.context["messages"])[0])
    assert Notice.objects.count() == 7

    tomorrow = timezone.now() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "now", lambda: tomorrow)
    client.force_login(bureau_user)  # the session of "yesterday" has expired
    client.post(url, {"scope": "all", "period": period.key})
    assert Notice.objects.count() == 14


def test_reminding_selected_rows_ignores_rows_not_on_the_list(client, bureau_user, city):
    period = Period.containing()
    clerks = [_clerk(e, f"clerk{n}") for n, e in enumerate(city["key"][3:5])]
    plain_clerk = _clerk(city["plain"][1], "plain_clerk")
    filed_clerk = _clerk(city["key"][0], "filed_clerk")
    client.force_login(bureau_user)
    selected = [city["key"][3].pk, city["plain"][1].pk, city["key"][0].pk]
    client.post(
        reverse("followup:remind", args=["filing"]), {"scope": "selected", "selected": selected, "period": period.key}
    )
    assert set(Notice.objects.values_list("recipient_id", flat=True)) == {clerks[0].pk}
    assert not Notice.objects.filter(recipient__in=[plain_clerk, filed_clerk]).exists()


def test_enterprises_without_users_are_counted(bureau_user, city):
    result = services.chase_remind(chase="filing", period=NOW, by=bureau_user)
    assert (result.enterprises, result.sent, result.without_users) == (7, 0, 7)


def test_unacknowledged_and_unanswered_lists_and_their_reminders(bureau_user, enterprise, other_enterprise):
    clerk, other_clerk = _clerk(enterprise, "clerk"), _clerk(other_enterprise, "other_clerk")
    card = policy_card_publish(card=f.PolicyCardFactory(), by=bureau_user)
    delivery = card.deliveries.get(enterprise=other_enterprise)
    delivery.acknowledged_at = timezone.now()
    delivery.save()
    period = Period.containing()
    rows = list(selectors.unacknowledged(period))
    assert [(e.pk, e.pending) for e in rows] == [(enterprise.pk, 1)]
    assert list(selectors.unacknowledged(period.previous())) == []  # published after that quarter

    feedback = policy_feedback_sample(
        card=card, year=period.year, quarter=period.quarter, size=2, by=bureau_user, seed=1
    )
    answered = next(fb for fb in feedback if fb.enterprise_id == other_enterprise.pk)
    answered.answered_at = timezone.now()
    answered.save()
    assert [fb.enterprise_id for fb in selectors.unanswered_feedback(period)] == [enterprise.pk]

    assert services.chase_remind(chase="acknowledgement", period=period, by=bureau_user).sent == 1
    assert services.chase_remind(chase="feedback", period=period, by=bureau_user).sent == 1
    assert Notice.objects.filter(recipient=clerk).count() == 2
    assert not Notice.objects.filter(recipient=other_clerk).exists()


def test_automatic_reminder_ten_days_before_the_quarter_ends(city, monkeypatch):
    clerks = [_clerk(e, f"clerk{n}") for n, e in enumerate(city["key"])]
    ten_days_before = NOW.end - datetime.timedelta(days=10)
    assert services.filing_reminders_due(today=ten_days_before - datetime.timedelta(days=1)) is None
    assert not Notice.objects.exists()

    noon = timezone.make_aware(datetime.datetime.combine(ten_days_before, datetime.time(12)))
    monkeypatch.setattr(timezone, "now", lambda: noon)
    reminded = services.filing_reminders_due()
    assert (reminded.enterprises, reminded.sent) == (7, 7)
    notice = Notice.objects.filter(recipient=clerks[-1]).get()
    assert NOW.label in notice.title and "还有 10 天" in notice.body and notice.sent_on == ten_days_before

    # The Celery task the beat runs, the same day: the same reason reaches nobody twice.
    assert remind_unfiled_key_enterprises() == {"enterprises": 7, "sent": 0, "skipped": 7, "without_users": 0}
    assert Notice.objects.count() == 7


def test_reminder_task_is_scheduled():
    from metrics.schedule import SCHEDULE

    assert SCHEDULE["followup: filing reminders"][0] == "followup.tasks.remind_unfiled_key_enterprises"
