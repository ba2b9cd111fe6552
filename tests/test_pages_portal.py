"""The shared layout: sign-in page, menus by role, language switch, messages."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_login_page_renders_form_with_chinese_labels(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="username"' in body and 'name="password"' in body
    assert "登录" in body
    assert 'action="/i18n/setlang/"' in body


def test_anonymous_home_redirects_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_bureau_menu_lists_metric_pages_and_admin(client, bureau_user):
    client.force_login(bureau_user)
    body = client.get(reverse("home")).content.decode()
    assert 'href="/admin/"' in body
    assert "退出登录" in body


def test_agency_menu_points_to_api_docs(client, agency_user):
    client.force_login(agency_user)
    body = client.get(reverse("home")).content.decode()
    assert 'href="/api/docs/"' in body
    assert 'href="/admin/"' not in body
