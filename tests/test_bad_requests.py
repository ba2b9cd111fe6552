"""Requests no real client sends are a 400 or 404, never a 500 (issue #15, finding 10)."""

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/metrics/scope/college/%00/",
        "/metrics/scope/district/a%00b/",
        "/api/v1/colleges/?district=%00",
        "/api/v1/programs/?college_code=x%00",
    ],
)
def test_nul_in_the_address_is_a_400(client, bureau_user, url):
    client.force_login(bureau_user)
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):  # JSON like the API's other errors (schemathesis: undocumented content type)
        assert response.json() == {"detail": "网址中含有空字符（%00）。"}


@pytest.mark.parametrize("url", ["/admin/colleges/college/?district=%00", "/admin/enterprises/enterprise/?q=%00"])
def test_nul_in_an_admin_filter_is_a_400(client, django_user_model, url):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x-long-password-1"))
    assert client.get(url).status_code == 400


def test_json_nested_ten_thousand_deep_is_a_400(client, bureau_user):
    client.force_login(bureau_user)
    body = "[" * 10_000 + "]" * 10_000
    response = client.post("/api/v1/targets/", body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套" in response.json()["detail"]


def test_json_just_over_the_depth_limit_is_a_400(client, bureau_user):
    from portal.drf import MAX_JSON_DEPTH

    client.force_login(bureau_user)
    body = {"metric": "alignment_rate", "source": [[[]]]}
    for _level in range(MAX_JSON_DEPTH):
        body = {"x": body}
    response = client.post("/api/v1/targets/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400


def test_json_depth_counts_lists_and_objects():
    from portal.drf import json_depth

    assert json_depth(1) == 0
    assert json_depth({"a": [1, {"b": []}]}) == 4
