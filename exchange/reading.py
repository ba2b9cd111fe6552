"""Reading a bundle (SPEC 7) into rows of text cells, checking its structure on the way.

A bundle is a folder of CSV files, a .zip of them, a single CSV named after its file, or one
.xlsx workbook with a sheet per file. Everything that is wrong with the *shape* of the input
(size, encoding, unknown or missing columns, formulas, unknown sheets) is reported here; the
meaning of the cells is checked by the importer. The helpers `decode_csv`, `parse_csv` and
`parse_workbook` are usable on their own, e.g. for an enterprise's uploaded demand list.
"""

import csv
import datetime
import difflib
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from portal.workbooks import WorkbookRefused, open_workbook

from .errors import ErrorLog
from .spec import FILES, unneutralise

CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 is a superset of GBK and GB2312
# A sheet larger than this goes as CSV: Excel itself crawls at that size, and openpyxl reads ~50 000 rows/s.
MAX_SHEET_ROWS = 200_000
MAX_SHEET_COLS = 64


@dataclass
class Table:
    """One file of a bundle: `label` is how the user names it (programs.csv, or sheet programs);
    `rows` are (row number as the user sees it, {column: text}) with blank rows left out."""

    name: str
    label: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def read_bundle(source, log: ErrorLog, *, files: dict[str, tuple[str, ...]] = FILES) -> dict[str, Table]:
    """Read `source` (a path, or an uploaded file object with .name and .read()) into tables by file name."""
    name = str(getattr(source, "name", source))
    if isinstance(source, str | Path) and Path(source).is_dir():
        members = [(p.name, _path_reader(p, log)) for p in sorted(Path(source).iterdir()) if p.is_file()]
        return _read_csv_members(members, log, files)
    suffix = Path(name).suffix.lower()
    data = _read_limited(source, Path(name).name, log)
    if data is None:
        return {}
    if suffix == ".xlsx":
        return parse_workbook(data, log, files=files, label=Path(name).name)
    if suffix == ".zip":
        return _read_zip(data, Path(name).name, log, files)
    if suffix == ".csv":
        return _read_csv_members([(Path(name).name, lambda: data)], log, files)
    log.add(Path(name).name, 0, "", _("无法识别的文件类型：请上传 CSV 文件夹、.zip 压缩包或 .xlsx 工作簿。"))
    return {}


def _limit() -> int:
    return settings.UPLOAD_MAX_BYTES


def _too_big(label: str, size: int, log: ErrorLog) -> bool:
    if size > _limit():
        log.add(
            label,
            0,
            "",
            _("文件大小 %(size)s 字节，超过上限 %(limit)s 字节。") % {"size": size, "limit": _limit()},
        )
        return True
    return False


def _path_reader(path: Path, log: ErrorLog):
    return lambda: None if _too_big(path.name, path.stat().st_size, log) else path.read_bytes()


def _read_limited(source, label: str, log: ErrorLog) -> bytes | None:
    if isinstance(source, str | Path):
        path = Path(source)
        if not path.is_file():
            log.add(label, 0, "", _("找不到文件或文件夹：%(path)s") % {"path": path})
            return None
        if _too_big(label, path.stat().st_size, log):
            return None
        return path.read_bytes()
    size = getattr(source, "size", None)
    if size is not None and _too_big(label, size, log):
        return None
    data = source.read(_limit() + 1)
    if _too_big(label, len(data), log):
        return None
    return data


def _read_zip(data: bytes, label: str, log: ErrorLog, files) -> dict[str, Table]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except zipfile.BadZipFile:
        log.add(label, 0, "", _("压缩包已损坏，无法读取。"))
        return {}

    def member(info):
        # file_size is declared by the archive and binding (zipfile stops there and checks the CRC), so
        # checking it first stops a zip bomb from being inflated.
        def read():
            if _too_big(Path(info.filename).name, info.file_size, log):
                return None
            try:
                return archive.read(info)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
                # a bad CRC, data longer or shorter than declared, an unknown method or a password
                log.add(Path(info.filename).name, 0, "", _("压缩包已损坏，无法读取。"))
                return None

        return read

    return _read_csv_members([(Path(info.filename).name, member(info)) for info in infos], log, files)


def _read_csv_members(members, log: ErrorLog, files) -> dict[str, Table]:
    tables = {}
    for filename, read in members:
        stem, suffix = Path(filename).stem, Path(filename).suffix.lower()
        if suffix != ".csv" or filename.startswith("."):
            continue
        if stem not in files:
            log.add(filename, 0, "", _unknown_name_message(_("未知的文件「%(name)s」。"), stem, filename, files))
            continue
        data = read()
        if data is None:
            continue
        text = decode_csv(data, filename, log)
        if text is None:
            continue
        tables[stem] = Table(stem, filename, parse_csv(text, filename, files[stem], log))
    if not tables and not log:
        log.add("", 0, "", _("没有找到任何数据文件（应为 %(names)s 等 CSV 文件）。") % {"names": "、".join(files)})
    return tables


def _unknown_name_message(template, stem, label, files) -> str:
    message = template % {"name": label}
    close = difflib.get_close_matches(stem, list(files), n=1)
    if close:
        message += _("是否应为「%(name)s」？") % {"name": close[0]}
    else:
        message += _("可用的名称：%(names)s。") % {"names": "、".join(files)}
    return message


def decode_csv(data: bytes, label: str, log: ErrorLog) -> str | None:
    """Text of a CSV file in UTF-8 (with or without BOM) or GB18030/GBK, else None and an error."""
    if not data.strip():
        log.add(label, 0, "", _("文件为空。"))
        return None
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:  # NUL bytes: a binary file that happens to decode
            return text
    log.add(label, 0, "", _("无法识别文件编码：请保存为 UTF-8 或 GBK（GB18030）编码的 CSV 文件。"))
    return None


def parse_csv(text: str, label: str, columns: tuple[str, ...], log: ErrorLog) -> list[tuple[int, dict]]:
    """Rows of a CSV text checked against `columns`; the header is row 1, a record is one row."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        records = list(reader)
    except csv.Error as exc:
        log.add(label, reader.line_num, "", _("CSV 格式错误：%(error)s") % {"error": exc})
        return []
    return _rows(((number, record) for number, record in enumerate(records, start=1)), label, columns, log)


def _text_cell(value: str) -> str:
    value = value.strip()
    return unneutralise(value) if value.startswith("'") else value  # only an apostrophe can neutralise


class Formula(str):
    """A workbook cell holding a formula; reported once the header names its column."""


def _rows(numbered_records, label, columns, log: ErrorLog, *, cell=_text_cell) -> list[tuple[int, dict]]:
    header = None
    rows = []
    for number, record in numbered_records:
        values = list(map(cell, record))
        if header is None:
            if not any(values):
                continue
            header = _check_header(values, label, number, columns, log)
            if header is None:
                return []
            continue
        if not any(values):
            continue
        formulas = [(i, value) for i, value in enumerate(values) if isinstance(value, Formula)]
        for i, value in formulas:
            log.add(
                label,
                number,
                header[i] if i < len(header) else "",
                _("单元格是公式（%(formula)s）：请粘贴为数值后再导入。") % {"formula": value[:40]},
            )
        if formulas:
            continue
        if len(values) > len(header) and any(values[len(header) :]):
            log.add(
                label,
                number,
                "",
                _("本行有 %(n)s 个单元格，多于表头的 %(m)s 列。") % {"n": len(values), "m": len(header)},
            )
            continue
        values += [""] * (len(header) - len(values))
        rows.append((number, dict(zip(header, values, strict=False))))
    if header is None:
        log.add(label, 0, "", _("文件为空：缺少表头行。"))
    return rows


def _check_header(values, label, number, columns, log: ErrorLog) -> list[str] | None:
    """The header as column names, or None after reporting every missing, unknown or repeated column."""
    header = [value.lstrip("\ufeff").strip() for value in values]
    while header and not header[-1]:
        header.pop()
    ok = True
    seen = set()
    for name in header:
        if name in seen:
            log.add(label, number, name, _("列「%(name)s」重复。") % {"name": name})
            ok = False
        seen.add(name)
        if name not in columns:
            missing = [c for c in columns if c not in header]
            close = difflib.get_close_matches(name, missing or list(columns), n=1)
            hint = _("是否应为「%(name)s」？") % {"name": close[0]} if close else ""
            log.add(label, number, name or "", (_("未知的列「%(name)s」。") % {"name": name}) + hint)
            ok = False
    for name in columns:
        if name not in seen:
            log.add(label, number, name, _("缺少列「%(name)s」。") % {"name": name})
            ok = False
    return header if ok else None


def parse_workbook(data: bytes, log: ErrorLog, *, files=FILES, label: str = "") -> dict[str, Table]:
    """Tables of an .xlsx workbook, one sheet per file; formulas are refused, not evaluated."""
    try:
        # data_only=False keeps formulas as formulas, so a cell can't smuggle in a computed value.
        workbook = open_workbook(data, max_rows=MAX_SHEET_ROWS, max_cols=MAX_SHEET_COLS, data_only=False)
    except WorkbookRefused as refused:
        log.add(label, 0, "", refused.message)
        return {}
    tables = {}
    with workbook:
        for sheet in workbook.sheets:
            title = sheet.title.strip()
            if title not in files:
                log.add(title, 0, "", _unknown_name_message(_("未知的工作表「%(name)s」。"), title, title, files))
                continue
            try:
                tables[title] = Table(title, title, _rows(sheet.rows(), title, files[title], log, cell=xlsx_text))
            except WorkbookRefused as refused:
                log.add(title, 0, "", refused.message)
    if not tables and not log:
        log.add(label, 0, "", _("工作簿中没有任何数据工作表（应为 %(names)s 等）。") % {"names": "、".join(files)})
    return tables


def xlsx_text(value) -> str:
    """A workbook cell as the text a CSV would hold (a Formula for a formula)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value).strip()
    if text.startswith("="):
        return Formula(text)
    return unneutralise(text)
