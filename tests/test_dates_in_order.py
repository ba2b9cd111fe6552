"""Dates that cannot be meant (issue #15, finding 13): a program or training base closing before it
opens is a row error in imports as in forms (SPEC 7); an enterprise's new demand item cannot be due
before today, while imports of history may be."""

import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from demand.models import DemandItem
from exchange.importer import import_bundle
from tests import factories as f
from tests.exchange_helpers import BASE, U1, table_counts, write_bundle

pytestmark = pytest.mark.django_db

P = "college_code,major_code,schooling,established_on,closed_on,enrollment_status,emerging\n"
TB = "code,name,college_code,uscc,kind,certified,established_on,closed_on\n"
DI = (
    "uscc,year,quarter,list_status,kind,title,industry_code,major_code,headcount,due_on,status,"
    "fulfilled_on,fulfilled_headcount\n"
)


@pytest.fixture
def base_city(tmp_path):
    import_bundle(write_bundle(tmp_path / "base", BASE))
    return table_counts()


def test_import_refuses_a_program_or_base_that_closes_before_it_opens(tmp_path, base_city, capsys):
    bundle = write_bundle(
        tmp_path / "bad",
        {
            "programs": P + "13200,460701,5yr_higher,2020-09-01,2020-08-31,stopped,0\n",
            "training_bases": TB + "TB001,智能制造实训基地,13200,,public,1,2022-01-01,2021-06-30\n",
        },
    )

    with pytest.raises(CommandError):
        call_command("import_bundle", str(bundle))

    assert capsys.readouterr().err.splitlines() == [
        "programs.csv:2:closed_on: 撤销日期不能早于设立日期。",
        "training_bases.csv:2:closed_on: 撤销日期不能早于设立日期。",
    ]
    assert table_counts() == base_city


def test_import_accepts_closing_on_the_opening_day(tmp_path, base_city):
    import_bundle(
        write_bundle(tmp_path / "ok", {"programs": P + "13200,460701,5yr_higher,2020-09-01,2020-09-01,stopped,0\n"})
    )


def test_import_of_history_may_hold_items_due_in_the_past(tmp_path, base_city):
    import_bundle(
        write_bundle(
            tmp_path / "history", {"demand_items": DI + f"{U1},2024,1,accepted,talent,焊工,,,3,2024-03-30,open,,\n"}
        )
    )
    assert DemandItem.objects.get().due_on == datetime.date(2024, 3, 30)


@pytest.fixture
def draft(enterprise):
    return f.DemandListFactory(enterprise=enterprise, status="draft")


def test_enterprise_cannot_file_an_item_due_before_today(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    body = {"demand_list": draft.pk, "kind": "tech", "title": "工艺改进", "due_on": yesterday.isoformat()}

    response = client.post("/api/v1/demand-items/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"due_on": ["期望完成日期不能早于今天。"]}
    body["due_on"] = timezone.localdate().isoformat()
    assert client.post("/api/v1/demand-items/", body, content_type="application/json").status_code == 201
    assert DemandItem.objects.count() == 1


def test_enterprise_cannot_move_an_item_due_date_into_the_past(client, enterprise_user, draft):
    item = f.DemandItemFactory(demand_list=draft, due_on=timezone.localdate())
    client.force_login(enterprise_user)
    past = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
    response = client.patch(f"/api/v1/demand-items/{item.pk}/", {"due_on": past}, content_type="application/json")
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.due_on == timezone.localdate()


def test_bureau_cannot_file_an_item_due_in_the_past_either(client, bureau_user, draft):
    # History comes in by the bundle import (above); a person files what is needed from now on (issue 17).
    client.force_login(bureau_user)
    body = {"demand_list": draft.pk, "kind": "tech", "title": "补录", "due_on": "2024-03-30"}
    response = client.post("/api/v1/demand-items/", body, content_type="application/json")
    assert (response.status_code, response.json()) == (400, {"due_on": ["期望完成日期不能早于今天。"]})
    assert not DemandItem.objects.exists()
