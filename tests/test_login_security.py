"""Login brute force is throttled (django-axes) and sessions expire (issue 7)."""

import pytest
from django.conf import settings

from tests import factories as f

PASSWORD = "Passw0rd!Portal"


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_login_with_right_password_signs_in(db, client):
    f.ProfileFactory(user=f.UserFactory(username="bureau1"), role="bureau")
    response = _login(client, "bureau1", PASSWORD)
    assert response.status_code == 302
    assert client.session.get("_auth_user_id")


def test_five_failed_logins_lock_the_account_even_for_the_right_password(db, client):
    f.ProfileFactory(user=f.UserFactory(username="bureau2"), role="bureau")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "bureau2", "wrong-password").status_code == 200
    locked = _login(client, "bureau2", "wrong-password")
    assert locked.status_code == 429
    assert "账号已临时锁定" in locked.content.decode()
    again = _login(client, "bureau2", PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_so_others_can_still_sign_in(db, client):
    f.ProfileFactory(user=f.UserFactory(username="victim"), role="bureau")
    f.ProfileFactory(user=f.UserFactory(username="colleague"), role="bureau")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "victim", "guess")
    assert _login(client, "colleague", PASSWORD).status_code == 302


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_password_validators_reject_weak_passwords(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("12345678")
    validate_password("Huaian#Portal2026")


def test_lockout_behind_a_proxy_is_per_real_address(db, client, settings):
    # Behind one proxy every request comes from the proxy; the lockout must key on the client it saw.
    settings.TRUSTED_PROXY_COUNT = 1
    f.ProfileFactory(user=f.UserFactory(username="victim2"), role="bureau")
    attacker = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "victim2", "password": "guess"}, **attacker)
    assert client.post("/accounts/login/", {"username": "victim2", "password": PASSWORD}, **attacker).status_code == 429

    owner = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    assert client.post("/accounts/login/", {"username": "victim2", "password": PASSWORD}, **owner).status_code == 302


def test_forwarded_addresses_left_of_the_trusted_proxies_are_not_believed(rf, settings):
    from portal.client_ip import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # "1.2.3.4" was written by the client itself
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.2.3.4"
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="unknown")) == "10.0.0.2"
