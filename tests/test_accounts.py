"""Issue 18: accounts an IT department can hand out — bureau users from the command line, enterprise
and college accounts in bulk with one-time passwords (all or nothing, errors by row), password
change for every user and reset by e-mail."""

import csv
import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts import services
from accounts.models import OneTimePassword
from enterprises.models import Enterprise
from exchange.errors import BundleInvalid
from portal.models import UserProfile
from portal.roles import role_of

User = get_user_model()
HEADER = "username,name,email,uscc,college_code\n"


def upload(text: str, name: str = "accounts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8-sig"), content_type="text/csv")


@pytest.fixture
def owners(enterprise, college):
    return enterprise, college


def test_bulk_accounts_are_created_per_row_with_one_time_passwords(owners, bureau_user):
    enterprise, college = owners
    text = HEADER + f"qiye01,张三,zhang@example.cn,{enterprise.uscc},\nxuexiao01,李四,,,{college.code}\n"

    issued = services.accounts_bulk_create(source=upload(text), by=bureau_user)

    assert [(a.row, a.username, a.role, a.owner_code) for a in issued] == [
        (2, "qiye01", "enterprise", enterprise.uscc),
        (3, "xuexiao01", "college", college.code),
    ]
    clerk = User.objects.get(username="qiye01")
    assert (clerk.first_name, clerk.email, role_of(clerk), clerk.profile.enterprise) == (
        "张三",
        "zhang@example.cn",
        "enterprise",
        enterprise,
    )
    assert User.objects.get(username="xuexiao01").profile.college == college
    assert clerk.check_password(issued[0].password)
    assert len(issued[0].password) == services.PASSWORD_LENGTH and issued[0].password != issued[1].password
    assert set(OneTimePassword.objects.values_list("user__username", "issued_by")) == {
        ("qiye01", bureau_user.pk),
        ("xuexiao01", bureau_user.pk),
    }


def test_bulk_accounts_report_every_bad_row_and_create_nothing(owners, bureau_user):
    enterprise, college = owners
    text = HEADER + (
        f"good01,,,{enterprise.uscc},\n"  # row 2: fine on its own
        "Bureau,,,,13290\n"  # row 3: the name is taken (whatever its case)
        "new02,,,91320800MA1XXXXXX0,\n"  # row 4: no such enterprise
        f"good01,,,,{college.code}\n"  # row 5: repeats row 2
        f"both,,,{enterprise.uscc},{college.code}\n"  # row 6: two owners
        "none,,not-an-email,,\n"  # row 7: no owner, bad e-mail
        f"has space,,,,{college.code}\n"  # row 8: not a username
        "x9,,,,99999\n"  # row 9: no such college
    )
    users_before = User.objects.count()

    with pytest.raises(BundleInvalid) as refusal:
        services.accounts_bulk_create(source=upload(text, "开户.csv"), by=bureau_user)

    assert [(e.file, e.row, e.column) for e in refusal.value.errors] == [
        ("开户.csv", 3, "username"),
        ("开户.csv", 4, "uscc"),
        ("开户.csv", 5, "username"),
        ("开户.csv", 6, "college_code"),
        ("开户.csv", 7, "email"),
        ("开户.csv", 7, "uscc"),
        ("开户.csv", 8, "username"),
        ("开户.csv", 9, "college_code"),
    ]
    assert "与第 2 行重复" in refusal.value.errors[2].message
    assert User.objects.count() == users_before
    assert not OneTimePassword.objects.exists()


def test_bulk_accounts_refuse_a_file_with_wrong_columns(bureau_user):
    with pytest.raises(BundleInvalid) as refusal:
        services.accounts_bulk_create(source=upload("username,uscc\nx,y\n"), by=bureau_user)
    assert {e.column for e in refusal.value.errors} == {"name", "email", "college_code"}


def test_bulk_accounts_from_a_workbook(owners, bureau_user):
    enterprise, _college = owners
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "账号"
    sheet.append(["username", "name", "email", "uscc", "college_code"])
    sheet.append(["wb01", "王五", None, enterprise.uscc, None])
    data = io.BytesIO()
    workbook.save(data)

    issued = services.accounts_bulk_create(source=SimpleUploadedFile("accounts.xlsx", data.getvalue()))

    assert [a.username for a in issued] == ["wb01"]
    assert UserProfile.objects.get(user__username="wb01").enterprise == enterprise


def test_bureau_page_shows_one_time_passwords_once_and_uncached(client, bureau_user, owners):
    enterprise, _college = owners
    client.force_login(bureau_user)

    response = client.post("/accounts/bulk/", {"file": upload(HEADER + f"page01,,,{enterprise.uscc},\n")})

    assert response.status_code == 200
    password = re.search(r"<code>(\w+)</code>", response.content.decode()).group(1)
    assert User.objects.get(username="page01").check_password(password)
    assert "no-store" in response["Cache-Control"]


def test_bureau_page_lists_errors_by_row_and_creates_nothing(client, bureau_user):
    client.force_login(bureau_user)
    response = client.post("/accounts/bulk/", {"file": upload(HEADER + "bad01,,,,99999\n")})
    assert response.status_code == 400
    assert "第 2 行" in response.content.decode() and "99999" in response.content.decode()
    assert not User.objects.filter(username="bad01").exists()


def test_bulk_page_and_template_are_the_bureaus_only(client, college_user):
    client.force_login(college_user)
    assert client.get("/accounts/bulk/").status_code == 404
    assert client.get("/accounts/bulk/template.csv").status_code == 404


def test_one_time_password_must_be_replaced_at_first_sign_in(client, owners):
    enterprise, _college = owners
    (account,) = services.accounts_bulk_create(source=upload(HEADER + f"first01,,,{enterprise.uscc},\n"))

    response = client.post("/accounts/login/", {"username": "first01", "password": account.password})
    assert response.status_code == 302
    assert client.get("/").url == "/accounts/password/change/"
    assert client.get("/enterprises/").url == "/accounts/password/change/"
    assert client.get("/accounts/password/change/").status_code == 200

    response = client.post(
        "/accounts/password/change/",
        {"old_password": account.password, "new_password1": "Huaian!Portal2027", "new_password2": "Huaian!Portal2027"},
    )
    assert response.url == "/accounts/password/change/done/"
    assert client.get("/").status_code == 200
    assert not OneTimePassword.objects.exists()


def test_every_user_can_change_their_password(client, college_user):
    client.force_login(college_user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "Passw0rd!Portal", "new_password1": "Qingjiang#2027x", "new_password2": "Qingjiang#2027x"},
    )
    assert response.status_code == 302
    college_user.refresh_from_db()
    assert college_user.check_password("Qingjiang#2027x")


def test_password_change_refuses_a_wrong_current_password_in_chinese(client, college_user):
    client.force_login(college_user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": "Qingjiang#2027x", "new_password2": "Qingjiang#2027x"},
    )
    assert response.status_code == 200
    assert "你的旧密码不正确。请重新输入。" in response.content.decode()


def test_password_reset_by_email(client, enterprise_user, settings):
    enterprise_user.email = "clerk@example.cn"
    enterprise_user.save()

    response = client.post("/accounts/password/reset/", {"email": "CLERK@example.cn"})
    assert response.url == "/accounts/password/reset/sent/"
    (message,) = mail.outbox
    assert message.to == ["clerk@example.cn"]
    assert message.subject == "产教融合管理平台：重设密码"
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", message.body).group(1)
    assert "您好" in message.body

    form_url = client.get(link).url  # Django swaps the token for a session and redirects
    response = client.post(form_url, {"new_password1": "Reset#Huaian2027", "new_password2": "Reset#Huaian2027"})
    assert response.url == "/accounts/password/reset/done/"
    enterprise_user.refresh_from_db()
    assert enterprise_user.check_password("Reset#Huaian2027")
    assert client.get(link).status_code == 200  # the link is spent: the page says so
    assert "重设链接无效" in client.get(link).content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.cn"})
    assert response.url == "/accounts/password/reset/sent/"
    assert mail.outbox == []


def test_password_reset_email_in_english(client, enterprise_user):
    enterprise_user.email = "clerk@example.cn"
    enterprise_user.save()
    with translation.override("en"):  # the request switches this thread's language: switch it back after
        client.post("/accounts/password/reset/", {"email": "clerk@example.cn"}, HTTP_ACCEPT_LANGUAGE="en")
    (message,) = mail.outbox
    assert "Reset your password" in message.subject
    assert "Hello" in message.body


def test_create_bureau_user_from_environment(db, monkeypatch):
    monkeypatch.setenv("BUREAU_USERNAME", "juzhang")
    monkeypatch.setenv("BUREAU_EMAIL", "juzhang@example.cn")
    monkeypatch.setenv("BUREAU_PASSWORD", "Huaian#Bureau2027")
    out = io.StringIO()
    call_command("create_bureau_user", "--noinput", "--superuser", stdout=out)
    user = User.objects.get(username="juzhang")
    assert (role_of(user), user.is_superuser, user.is_staff, user.email) == ("bureau", True, True, "juzhang@example.cn")
    assert user.check_password("Huaian#Bureau2027")
    with pytest.raises(CommandError, match="已存在"):
        call_command("create_bureau_user", "--noinput", stdout=out)


def test_create_bureau_user_refuses_a_weak_password(db, monkeypatch):
    monkeypatch.setenv("BUREAU_PASSWORD", "12345678")
    with pytest.raises(CommandError, match="password"):
        call_command("create_bureau_user", "--noinput", "--username", "weak", stdout=io.StringIO())
    assert not User.objects.filter(username="weak").exists()


def test_create_accounts_command_writes_passwords_or_lists_errors(owners, tmp_path):
    enterprise, college = owners
    source = tmp_path / "accounts.csv"
    source.write_text(HEADER + f"cmd01,,,{enterprise.uscc},\ncmd02,,,,nope\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"accounts.csv:3:college_code"):
        call_command("create_accounts", str(source), stdout=io.StringIO())
    assert not User.objects.filter(username__startswith="cmd").exists()

    source.write_text(HEADER + f"cmd01,,,{enterprise.uscc},\ncmd02,,,,{college.code}\n", encoding="utf-8")
    out = tmp_path / "issued.csv"
    call_command("create_accounts", str(source), "--out", str(out), stdout=io.StringIO())
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert [(r["username"], r["role"]) for r in rows] == [("cmd01", "enterprise"), ("cmd02", "college")]
    assert User.objects.get(username="cmd02").check_password(rows[1]["password"])


def test_seed_demo_refuses_to_run_in_production(db, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not Enterprise.objects.exists()
