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
    for url in ("/", "/enterprises/", "/colleges/", "/policies/", "/metrics/runs/", "/metrics/alerts/", "/admin/"):
        assert f'href="{url}"' in body
    assert '<a class="site-nav__link is-active" href="/" aria-current="page">' in body
    assert "退出登录" in body


def test_college_menu_has_own_pages_and_no_admin(client, college_user):
    client.force_login(college_user)
    body = client.get(reverse("metrics:alert_list")).content.decode()
    assert 'href="/programs/"' in body and 'href="/metrics/alerts/" aria-current="page"' in body
    assert 'href="/admin/"' not in body and 'href="/metrics/runs/"' not in body


def test_enterprise_menu_has_lists_and_policies_only(client, enterprise_user):
    client.force_login(enterprise_user)
    body = client.get(reverse("home")).content.decode()
    assert 'href="/enterprises/lists/"' in body and 'href="/policies/inbox/"' in body
    assert 'href="/metrics/alerts/"' not in body and 'href="/colleges/"' not in body


def test_agency_menu_points_to_api_docs(client, agency_user):
    client.force_login(agency_user)
    body = client.get(reverse("home")).content.decode()
    assert 'href="/api/docs/"' in body
    assert 'href="/admin/"' not in body


def test_language_switch_posts_to_set_language_and_english_shows_english(client, bureau_user):
    client.force_login(bureau_user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/metrics/runs/"})
    assert response.status_code == 302 and response.url == "/metrics/runs/"
    body = client.get(reverse("metrics:run_list")).content.decode()
    assert '<html lang="en">' in body
    assert "Metric runs" in body and "Sign out" in body and "Start a run" in body
    assert "退出登录" not in body
    # The switch now offers the way back to Chinese.
    assert 'name="language" value="zh-hans"' in body

    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    body = client.get(reverse("metrics:run_list")).content.decode()
    assert '<html lang="zh-CN">' in body and "退出登录" in body


def test_login_page_in_english(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    body = client.get(reverse("login")).content.decode()
    assert "Sign in with the account the education bureau gave you." in body
    assert "Industry–Education Integration Portal" in body


def test_lockout_page_after_too_many_failures(client, bureau_user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "bureau", "password": "wrong-password"})
    response = client.post(reverse("login"), {"username": "bureau", "password": "Passw0rd!Portal"})
    assert response.status_code == 429
    assert "账号已临时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_error_is_shown_and_user_stays_signed_out(client, bureau_user):
    response = client.post(reverse("login"), {"username": "bureau", "password": "wrong-password"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_pagination_include_keeps_filters(client, bureau_user):
    from metrics.models import MetricRun

    MetricRun.objects.bulk_create([MetricRun(year=2025, quarter=1, status="succeeded") for _ in range(35)])
    client.force_login(bureau_user)
    body = client.get(reverse("metrics:run_list"), {"page": 1}).content.decode()
    assert "第 1 / 2 页，共 35 条" in body
    assert 'href="?page=2"' in body


def test_missing_page_uses_the_portal_layout(client, bureau_user):
    client.force_login(bureau_user)
    response = client.get("/metrics/runs/999999/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
