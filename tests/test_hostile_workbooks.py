"""Hostile .xlsx uploads (issue #15, findings 1 and 5): a lying dimension, zip bombs, damaged and
lying zips, XML entities. The demand-list page answers with a form error, `import_bundle` with
file/row/column errors and a non-zero exit; nothing is saved and nothing takes seconds."""

import io
import re
import struct
import time
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from demand.models import DemandItem
from portal.workbooks import WorkbookRefused, open_workbook
from tests import factories as f
from tests.exchange_helpers import table_counts

pytestmark = pytest.mark.django_db

HEADERS = ["需求类型", "需求名称", "所属行业（代码）", "专业代码", "需求人数", "期望完成日期"]
SHEET = "xl/worksheets/sheet1.xml"
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _book(rows, title=None) -> bytes:
    book = openpyxl.Workbook()
    if title:
        book.active.title = title
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _replace(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The workbook `data` with some parts replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in parts:
                target.writestr(info.filename, source.read(info))
        for name, content in parts.items():
            target.writestr(name, content)
    return buffer.getvalue()


def _sheet_xml(cells: str, dimension: str = "A1:XFD1048576") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {MAIN}><dimension ref="{dimension}"/>'
        f"<sheetData>{cells}</sheetData></worksheet>"
    ).encode()


def _inline(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _million_rows_book(title=None) -> bytes:
    """6 KB: a header row and one cell at the sheet's last row, under a dimension of the whole sheet."""
    header = "".join(_inline(f"{chr(65 + i)}1", name) for i, name in enumerate(HEADERS))
    cells = f'<row r="1">{header}</row><row r="1048576">{_inline("A1048576", "技能人才")}</row>'
    return _replace(_book([["x"]], title), {SHEET: _sheet_xml(cells)})


def _set_central_size(data: bytes, name: str, *, file_size: int | None = None, crc: int | None = None) -> bytes:
    """Rewrite what the zip directory says about one member (the data stays as it was)."""
    raw = bytearray(data)
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        name_len = struct.unpack_from("<H", raw, at + 28)[0]
        if raw[at + 46 : at + 46 + name_len].decode() == name:
            if crc is not None:
                struct.pack_into("<I", raw, at + 16, crc)
            if file_size is not None:
                struct.pack_into("<I", raw, at + 24, file_size)
            return bytes(raw)
        at = raw.find(b"PK\x01\x02", at + 4)
    raise AssertionError(name)


XXE = (
    '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f'<worksheet {MAIN}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    "</sheetData></worksheet>"
).encode()
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
    + f']><sst {MAIN} count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
).encode()


def _bomb(base: bytes) -> bytes:
    # 60 MB of spaces inside the sheet compress to ~60 KB: a ratio of 1 000.
    return _replace(base, {"xl/bomb.xml": b"<a>" + b" " * 60_000_000 + b"</a>"})


def _truncated(base: bytes) -> bytes:
    return base[: len(base) * 2 // 3]


def _lying_crc(base: bytes) -> bytes:
    return _set_central_size(base, SHEET, crc=0xDEADBEEF)


def _lying_size(base: bytes) -> bytes:
    # The directory claims a tiny sheet; the data is longer than that.
    return _set_central_size(base, SHEET, file_size=10)


def _not_a_workbook(base: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet/>")
    return buffer.getvalue()


def _broken_xml(base: bytes) -> bytes:
    return _replace(base, {SHEET: _sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is>', "A1")})


HOSTILE = {
    "million_rows": (lambda base: _million_rows_book(), "第 1048576 行"),
    "zip_bomb": (_bomb, "压缩比异常"),
    "truncated": (_truncated, "不是有效的 .xlsx 工作簿"),
    "lying_crc": (_lying_crc, "不是有效的 .xlsx 工作簿"),
    "lying_size": (_lying_size, "不是有效的 .xlsx 工作簿"),
    "not_a_workbook": (_not_a_workbook, "不是有效的 .xlsx 工作簿"),
    "broken_xml": (_broken_xml, "已损坏"),
    "xxe": (lambda base: _replace(base, {SHEET: XXE}), "DTD"),
    "billion_laughs": (lambda base: _replace(base, {"xl/sharedStrings.xml": LAUGHS}), "DTD"),
}


@pytest.fixture
def draft(enterprise):
    return f.DemandListFactory(enterprise=enterprise, status="draft")


@pytest.mark.parametrize("make,message", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_workbook_upload_gets_a_form_error_quickly(client, enterprise_user, draft, make, message):
    data = make(_book([HEADERS, ["技能人才", "电工", "", "", 5, "2030-06-30"]]))
    client.force_login(enterprise_user)

    started = time.monotonic()
    response = client.post(
        reverse("demand:list_upload", args=[draft.pk]), {"file": SimpleUploadedFile("items.xlsx", data)}
    )

    assert time.monotonic() - started < 2
    assert response.status_code == 400  # the page's answer to a refused upload, not a 500
    [error] = response.context["form"].errors["file"]
    assert message in error, error
    assert not DemandItem.objects.exists()


@pytest.mark.parametrize("make,message", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_workbook_bundle_is_refused_by_the_command(tmp_path, capsys, make, message):
    path = tmp_path / "bundle.xlsx"
    path.write_bytes(
        make(
            _book([["code", "name", "kind", "district"], ["13209", "淮安技师学院", "technician", "淮安区"]], "colleges")
        )
    )
    before = table_counts()

    started = time.monotonic()
    with pytest.raises(CommandError) as caught:
        call_command("import_bundle", str(path))

    assert time.monotonic() - started < 2
    assert caught.value.returncode == 1
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1 and re.match(r"^(bundle\.xlsx|colleges):0:: ", lines[0]), lines
    assert message in lines[0]
    assert table_counts() == before


def test_declared_dimension_is_not_trusted_for_reading(client, enterprise_user, draft):
    # A real file whose dimension claims the whole sheet: read as far as its cells go, quickly.
    header = "".join(_inline(f"{chr(65 + i)}1", name) for i, name in enumerate(HEADERS))
    row = _inline("A2", "技能人才") + _inline("B2", "电工") + '<c r="E2"><v>5</v></c>' + _inline("F2", "2030-06-30")
    data = _replace(_book([["x"]]), {SHEET: _sheet_xml(f'<row r="1">{header}</row><row r="2">{row}</row>')})
    client.force_login(enterprise_user)

    started = time.monotonic()
    response = client.post(
        reverse("demand:list_upload", args=[draft.pk]), {"file": SimpleUploadedFile("items.xlsx", data)}
    )

    assert time.monotonic() - started < 2
    assert response.status_code == 302
    assert list(DemandItem.objects.values_list("title", "headcount")) == [("电工", 5)]


def test_open_workbook_bounds_rows_and_columns_by_cells_with_values():
    # Formatting-only cells (self-closed) far below do not count; a value in column AZ does.
    formatted = '<row r="900000"><c r="A900000" s="1"/></row>'
    data = _replace(_book([["x"]]), {SHEET: _sheet_xml(f'<row r="1">{_inline("C1", "a")}</row>{formatted}', "A1")})
    with open_workbook(data, max_rows=10, max_cols=5) as workbook:
        [sheet] = workbook.sheets
        assert (sheet.max_row, sheet.max_col) == (1, 3)
        assert list(sheet.rows()) == [(1, (None, None, "a"))]

    wide = _replace(_book([["x"]]), {SHEET: _sheet_xml(f'<row r="1">{_inline("AZ1", "a")}</row>', "A1")})
    with pytest.raises(WorkbookRefused, match="第 AZ 列"):
        open_workbook(wide, max_rows=10, max_cols=5)


def test_total_unpacked_size_is_limited():
    data = _book([["x" * 1000] for _ in range(100)])
    with pytest.raises(WorkbookRefused, match="解压后"):
        open_workbook(data, max_rows=1000, max_cols=5, max_unpacked=50_000)


def test_zip_of_csv_files_lying_about_a_member_is_refused(tmp_path, capsys):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("colleges.csv", "code,name,kind,district\n13209,淮安技师学院,technician,淮安区\n")
    path = tmp_path / "bundle.zip"
    path.write_bytes(_set_central_size(buffer.getvalue(), "colleges.csv", crc=0))
    before = table_counts()

    with pytest.raises(CommandError):
        call_command("import_bundle", str(path))

    assert capsys.readouterr().err.splitlines() == ["colleges.csv:0:: 压缩包已损坏，无法读取。"]
    assert table_counts() == before


def test_rows_of_formatted_empty_cells_are_refused_before_parsing(client, enterprise_user, draft):
    # No value anywhere past the header, but 2 000 rows × 300 empty styled cells for openpyxl to parse.
    header = "".join(_inline(f"{chr(65 + i)}1", name) for i, name in enumerate(HEADERS))
    empty = "".join(f'<c r="{openpyxl.utils.get_column_letter(c)}{{r}}" s="1"/>' for c in range(1, 301))
    rows = "".join(f'<row r="{r}">{empty.format(r=r)}</row>' for r in range(2, 2002))
    data = _replace(_book([["x"]]), {SHEET: _sheet_xml(f'<row r="1">{header}</row>{rows}', "A1")})
    client.force_login(enterprise_user)

    started = time.monotonic()
    response = client.post(
        reverse("demand:list_upload", args=[draft.pk]), {"file": SimpleUploadedFile("items.xlsx", data)}
    )

    assert time.monotonic() - started < 2
    [error] = response.context["form"].errors["file"]
    assert "个单元格，超过上限" in error
