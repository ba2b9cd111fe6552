"""Chinese pages read as Chinese and English pages as English where the catalogue alone cannot do it:
labels built per request, Django's own unique message, the admin's change history, the API docs."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from enterprises.models import Enterprise
from metrics.forms import RunForm
from tests import factories as f


def test_quarter_options_follow_the_language_of_the_request():
    with translation.override("zh-hans"):
        assert [str(label) for _q, label in RunForm().fields["quarter"].choices][-1] == "第4季度"
    with translation.override("en"):
        assert [str(label) for _q, label in RunForm().fields["quarter"].choices] == ["Q1", "Q2", "Q3", "Q4"]


@pytest.mark.django_db
def test_a_taken_unique_code_is_said_in_plain_chinese():
    existing = f.EnterpriseFactory()
    duplicate = Enterprise(uscc=existing.uscc, name="另一家公司", industry=existing.industry, district="淮阴区")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as raised:
        duplicate.validate_unique()
    with translation.override("zh-hans"):  # the message is rendered when read
        assert raised.value.message_dict["uscc"] == ["已存在相同统一社会信用代码的企业。"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "shown", "absent"),
    [
        (
            "zh-hans",
            ["变更内容", "修改原因", "状态：", "已对接", "推进中"],
            ["CHANGES", "Changes", "None", "matched"],
        ),
        ("en", ["Changes", "Change reason", "Status: ", "Matched", "In progress"], ["None", "matched →"]),
    ],
)
def test_admin_history_shows_labels_in_the_page_language(django_user_model, language, shown, absent):
    item = f.DemandItemFactory(status="matched")
    item.status = "in_progress"
    item.save()
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x-long-password-1"))
    client.cookies["django_language"] = language
    page = client.get(f"/admin/demand/demanditem/{item.pk}/history/").content.decode()
    for text in shown:
        assert text in page, text
    for text in absent:
        assert text not in page, text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "description"),
    [
        ("zh-hans", "产教融合管理平台 API", "产教融合管理平台的 REST API"),
        ("en", "Industry–Education Integration Portal API", "REST API of the Industry–Education Integration Portal"),
    ],
)
def test_api_docs_introduce_themselves_in_the_page_language(client, bureau_user, language, title, description):
    client.force_login(bureau_user)
    schema = client.get("/api/schema/", {"format": "json"}, HTTP_ACCEPT_LANGUAGE=language).json()
    assert schema["info"]["title"] == title
    assert schema["info"]["description"].startswith(description)
