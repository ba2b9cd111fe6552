"""API keys are shown once, at issue; the Django admin does not list them (issue #15, finding 8)."""

import pytest

from portal.tokens import token_issue

pytestmark = pytest.mark.django_db


def test_admin_does_not_list_api_tokens(client, django_user_model, bureau_user):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "x-long-password-1")
    token = token_issue(username="agency-system", by=bureau_user, create_agency=True)
    client.force_login(root)

    assert client.get("/admin/authtoken/tokenproxy/").status_code == 404
    assert client.get(f"/admin/authtoken/tokenproxy/{token.key}/change/").status_code == 404
    index = client.get("/admin/")
    assert index.status_code == 200
    assert token.key not in index.content.decode()
    assert "authtoken" not in index.content.decode()
