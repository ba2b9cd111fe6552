"""Uploading demand items from Excel: the template, errors by row and column, all or nothing."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from demand.models import DemandItem
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADERS = ["需求类型", "需求名称", "所属行业（代码）", "专业代码", "需求人数", "期望完成日期"]


def workbook(rows, headers=HEADERS, name="items.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def draft(enterprise):
    f.MajorFactory(code="460701")
    f.IndustryFactory(code="C3670", parent_code="C36")
    return f.DemandListFactory(enterprise=enterprise, status="draft")


def upload(client, demand_list, file):
    return client.post(reverse("demand:list_upload", args=[demand_list.pk]), {"file": file})


def test_template_has_the_item_columns(client, enterprise_user):
    client.force_login(enterprise_user)
    response = client.get(reverse("demand:upload_template"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADERS


def test_valid_workbook_adds_every_row(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = upload(
        client,
        draft,
        workbook(
            [
                ["技能人才", "电池装配工", "C3670", "460701", 20, datetime.date(2030, 6, 30)],
                ["技术攻关", "热管理工艺改进", None, None, None, "2030-12-31"],
                ["training", "安全生产培训", "C36", "", 45, "2030-09-30"],
            ]
        ),
    )
    assert response.status_code == 302
    items = list(
        DemandItem.objects.filter(demand_list=draft).order_by("id").values_list("kind", "industry_id", "headcount")
    )
    assert items == [("talent", "C3670", 20), ("tech", "C36", None), ("training", "C36", 45)]


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_saved(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = upload(
        client,
        draft,
        workbook(
            [
                ["技能人才", "电池装配工", "C36", "", 20, "2030-06-30"],
                ["技能人才", "电工", "C36", "", 0, "2030-06-30"],
                ["外包", "", "Z99", "12", 5, "明年"],
            ]
        ),
    )
    assert response.status_code == 400
    errors = {(row, column) for row, column, _message in response.context["form"].row_errors}
    assert errors == {
        (3, "需求人数"),
        (4, "需求类型"),
        (4, "需求名称"),
        (4, "所属行业（代码）"),
        (4, "专业代码"),
        (4, "期望完成日期"),
    }
    page = response.content.decode()
    assert "第 3 行" in page and "技能人才和员工培训需求的人数必须大于 0。" in page
    assert "未导入任何数据" in page
    assert not DemandItem.objects.exists()


def test_missing_columns_are_named(client, enterprise_user, draft):
    client.force_login(enterprise_user)
    response = upload(client, draft, workbook([["技能人才", "电工"]], headers=["需求类型", "需求名称"]))
    assert response.context["form"].errors["file"] == [
        "第1行缺少列：所属行业（代码）、专业代码、需求人数、期望完成日期。请使用下载的模板。"
    ]


def test_only_xlsx_within_the_size_limit_is_accepted(client, enterprise_user, draft, settings):
    client.force_login(enterprise_user)
    response = upload(client, draft, SimpleUploadedFile("items.xls", b"\xd0\xcf\x11\xe0 old excel"))
    assert response.context["form"].errors["file"] == ["只接受 .xlsx 格式的 Excel 文件，请使用下载的模板。"]
    response = upload(client, draft, SimpleUploadedFile("items.xlsx", b"not a zip"))
    assert response.context["form"].errors["file"] == ["无法读取该文件：它不是有效的 .xlsx 工作簿。"]
    settings.UPLOAD_MAX_BYTES = 1024
    response = upload(client, draft, workbook([["技能人才", "电工", "C36", "", 5, "2030-06-30"]]))
    [message] = response.context["form"].errors["file"]
    assert message.startswith("文件大小") and message.endswith("超过上限 1.0\xa0KB。")
    assert not DemandItem.objects.exists()


def test_submitted_list_refuses_an_upload_and_keeps_its_items(client, enterprise_user, enterprise):
    submitted = f.DemandListFactory(enterprise=enterprise, status="submitted")
    f.DemandItemFactory(demand_list=submitted)
    client.force_login(enterprise_user)
    rows = [["技能人才", "电工", "C36", "", 5, "2030-06-30"], ["技能人才", "焊工", "C36", "", 3, "2030-06-30"]]
    response = upload(client, submitted, workbook(rows))
    # The form does not open for a submitted list: the clerk is sent back to it with the reason (issue 17).
    assert response.status_code == 302
    assert "不能再修改" in client.get(response.url).content.decode()
    assert DemandItem.objects.filter(demand_list=submitted).count() == 1


def test_another_enterprise_cannot_upload_into_a_list(client, other_enterprise_user, draft):
    client.force_login(other_enterprise_user)
    response = upload(client, draft, workbook([["技能人才", "电工", "C36", "", 5, "2030-06-30"]]))
    assert response.status_code == 404
    assert not DemandItem.objects.exists()


def test_workbook_stays_chinese_on_the_english_pages(client, enterprise_user, draft, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(enterprise_user)
    response = client.get(reverse("demand:upload_template"))
    assert [cell.value for cell in load_workbook(io.BytesIO(response.content)).worksheets[0][1]] == HEADERS
    response = upload(client, draft, workbook([["技能人才", "电工", "C36", "", 5, "2030-06-30"]]))
    assert response.status_code == 302
    assert DemandItem.objects.get(demand_list=draft).kind == "talent"
