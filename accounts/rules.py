"""Bulk accounts: reading the file and checking its rows (one account per row).

Columns (SPEC 7 style, header row first): username, name, email, uscc, college_code. Each row fills
exactly one of uscc (an enterprise clerk's account) and college_code (a college admin's account).
A CSV file (UTF-8 or GBK) or an .xlsx workbook with the accounts on its only sheet.
"""

import io
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from colleges.models import College
from enterprises.models import Enterprise
from exchange.errors import ErrorLog
from exchange.reading import decode_csv, parse_csv, parse_workbook
from portal.roles import Role

COLUMNS = ("username", "name", "email", "uscc", "college_code")
MAX_ROWS = 5000


@dataclass(frozen=True)
class AccountRow:
    """A checked row: the account to create for one enterprise or one college."""

    row: int
    username: str
    name: str
    email: str
    role: str
    enterprise: Enterprise | None
    college: College | None

    @property
    def owner_code(self) -> str:
        return self.enterprise.uscc if self.enterprise else self.college.code

    @property
    def owner_name(self) -> str:
        return self.enterprise.name if self.enterprise else self.college.name


def read_rows(source, log: ErrorLog) -> tuple[str, list[tuple[int, dict]]]:
    """(label, rows) of an uploaded file object or a path; shape errors go to `log`."""
    name = Path(str(getattr(source, "name", source))).name
    if isinstance(source, str | Path):
        try:
            data = Path(source).read_bytes()
        except OSError:
            log.add(name, 0, "", _("找不到文件：%(path)s") % {"path": source})
            return name, []
    else:
        data = source.read()
    if name.lower().endswith(".xlsx"):
        return name, _workbook_rows(data, name, log)
    if not name.lower().endswith(".csv"):
        log.add(name, 0, "", _("无法识别的文件类型：请上传 .csv 或 .xlsx 文件。"))
        return name, []
    text = decode_csv(data, name, log)
    return name, ([] if text is None else parse_csv(text, name, COLUMNS, log))


def _workbook_rows(data: bytes, label: str, log: ErrorLog) -> list[tuple[int, dict]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        sheets = workbook.sheetnames
        workbook.close()
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        log.add(label, 0, "", _("无法读取 Excel 工作簿：请上传 .xlsx 格式的文件。"))
        return []
    tables = parse_workbook(data, log, files={sheets[0].strip(): COLUMNS}, label=label)
    return next(iter(tables.values())).rows if tables else []


def _username_errors(username: str, taken: set, seen: dict) -> list[str]:
    if not username:
        return [_("用户名不能为空。")]
    if len(username) > 150:
        return [_("用户名最长 150 个字符。")]
    errors = []
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        errors.append(_("用户名只能包含字母、数字和 @ . + - _。"))
    if username.lower() in taken:
        errors.append(_("用户名「%(name)s」已存在。") % {"name": username})
    elif username.lower() in seen:
        errors.append(_("用户名「%(name)s」与第 %(row)s 行重复。") % {"name": username, "row": seen[username.lower()]})
    return errors


def _contact_errors(fields: dict) -> list[tuple[str, str]]:
    errors = []
    if len(fields["name"].strip()) > 150:
        errors.append(("name", _("姓名最长 150 个字符。")))
    email = fields["email"].strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(("email", _("电子邮箱「%(email)s」格式错误。") % {"email": email}))
    return errors


def _owner(fields: dict, enterprises: dict, colleges: dict):
    """(enterprise, college, [(column, message)]): the row names exactly one existing owner."""
    uscc, code = fields["uscc"].strip().upper(), fields["college_code"].strip()
    if uscc and code:
        return None, None, [("college_code", _("统一社会信用代码和院校代码只能填写一个。"))]
    if not uscc and not code:
        return None, None, [("uscc", _("请填写企业的统一社会信用代码或院校代码。"))]
    if uscc:
        enterprise = enterprises.get(uscc)
        if enterprise is None:
            return None, None, [("uscc", _("没有统一社会信用代码为 %(code)s 的企业。") % {"code": uscc})]
        return enterprise, None, []
    college = colleges.get(code)
    if college is None:
        return None, None, [("college_code", _("没有院校代码为 %(code)s 的院校。") % {"code": code})]
    return None, college, []


def check_rows(rows: list[tuple[int, dict]], label: str, log: ErrorLog) -> list[AccountRow]:
    """The rows as accounts to create; every problem goes to `log` as (file, row, column, message)."""
    if not rows and not log:
        log.add(label, 0, "", _("文件中没有任何账号。"))
    if len(rows) > MAX_ROWS:
        log.add(label, 0, "", _("一次最多开通 %(max)s 个账号，本文件有 %(n)s 行。") % {"max": MAX_ROWS, "n": len(rows)})
        return []
    # Existing usernames are matched whatever their case: people type them in any case.
    wanted = {fields["username"].strip().lower() for _number, fields in rows if fields["username"].strip()}
    taken = set(
        get_user_model()
        .objects.annotate(lowered=Lower("username"))
        .filter(lowered__in=wanted)
        .values_list("lowered", flat=True)
    )
    usccs = {f["uscc"].strip().upper() for _n, f in rows if f["uscc"].strip()}
    codes = {f["college_code"].strip() for _n, f in rows if f["college_code"].strip()}
    enterprises = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=usccs)}
    colleges = {c.code: c for c in College.objects.filter(code__in=codes)}

    checked, seen = [], {}
    for number, fields in rows:
        username = fields["username"].strip()
        enterprise, college, owner_errors = _owner(fields, enterprises, colleges)
        errors = [("username", m) for m in _username_errors(username, taken, seen)]
        errors += _contact_errors(fields) + owner_errors
        if username:
            seen.setdefault(username.lower(), number)
        for column, message in errors:
            log.add(label, number, column, message)
        if not errors:
            role = Role.ENTERPRISE if enterprise else Role.COLLEGE
            checked.append(
                AccountRow(number, username, fields["name"].strip(), fields["email"].strip(), role, enterprise, college)
            )
    return checked
