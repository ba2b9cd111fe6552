"""Opening an uploaded .xlsx workbook without trusting it.

An .xlsx is a zip of XML parts, and every number in it can lie: the sheet's `<dimension>` (one
6 KB file declared A1:XFD1048576 and made openpyxl pad a million rows of 16 384 cells), the
sizes in the zip directory (a zip bomb), the XML itself (entities: external ones read local
files, nested ones expand to gigabytes). `open_workbook` looks at the parts before openpyxl
does: it refuses a damaged zip, too much or too well compressed content, any DTD (a workbook
never needs one), and sheets whose cells reach past `max_rows` / `max_cols`, measured from the
cells actually present, not from the declared dimension. Rows are then read only as far as the
cells go, and any error met while reading becomes a `WorkbookRefused` with a message for the user.
"""

import io
import re
import zipfile
from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.utils import column_index_from_string, get_column_letter

# Below this a part may compress as well as it likes (a small part of zeros is no bomb).
RATIO_CHECKED_FROM = 1024 * 1024
# Spreadsheet XML compresses 10–40×; a part packed more than this is built to explode.
MAX_RATIO = 200
CHUNK = 1024 * 1024

# A cell reference attribute (only cells have an r="A1"; rows have r="1"); group 3 is "/" for an empty
# self-closed cell (formatting only, no value). Anchored on the attribute, not on "<c", it scans
# about twice as fast (12 MB of sheet, 260 000 cells: ~0.1 s).
_CELL = re.compile(rb'\sr="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(/?)>')
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class WorkbookRefused(ValueError):
    """The upload is not a workbook we read; `message` says why, for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Sheet:
    """One worksheet: its title and its rows, read only as far as its cells go."""

    def __init__(self, worksheet, rows: int, cols: int, cells: int):
        self.title = worksheet.title
        self.max_row = rows
        self.max_col = cols
        self.cells = cells
        self._worksheet = worksheet

    def rows(self) -> Iterator[tuple[int, tuple]]:
        """(row number, values) of the rows holding any value, top to bottom."""
        if not self.max_row or not self.max_col:
            return
        rows = self._worksheet.iter_rows(max_row=self.max_row, max_col=self.max_col, values_only=True)
        try:
            for number, values in enumerate(rows, start=1):
                if any(value is not None and value != "" for value in values):
                    yield number, values
        except WorkbookRefused:
            raise
        except Exception as exc:  # a part that is not well-formed XML, a bad CRC…: the file is damaged
            raise WorkbookRefused(_("工作表「%(sheet)s」已损坏，无法读取。") % {"sheet": self.title}) from exc


class Workbook:
    """The sheets of a checked workbook; use as a context manager (closes the archive)."""

    def __init__(self, book, sizes: dict[str, tuple[int, int]]):
        self._book = book
        # openpyxl's read-only sheet knows which zip member it reads; the sizes were measured per member.
        self.sheets = [Sheet(ws, *sizes.get(ws._worksheet_path.lstrip("/"), (0, 0, 0))) for ws in book.worksheets]

    @property
    def sheetnames(self) -> list[str]:
        return [sheet.title for sheet in self.sheets]

    def __getitem__(self, title: str) -> Sheet:
        for sheet in self.sheets:
            if sheet.title == title:
                return sheet
        raise KeyError(title)

    def close(self) -> None:
        self._book.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def open_workbook(
    data: bytes, *, max_rows: int, max_cols: int, max_unpacked: int | None = None, data_only: bool = False
) -> Workbook:
    """The workbook in `data` once every check has passed, else WorkbookRefused.

    `max_rows`/`max_cols` bound the cells holding a value in each sheet; `max_unpacked` the
    uncompressed size of all parts (default ten times UPLOAD_MAX_BYTES). `data_only=False`
    keeps formulas as formulas, so that a caller can refuse them.
    """
    import openpyxl

    if max_unpacked is None:
        max_unpacked = 10 * settings.UPLOAD_MAX_BYTES
    damaged = _("无法读取该文件：它不是有效的 .xlsx 工作簿。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
        raise WorkbookRefused(damaged) from exc
    _check_sizes(members, max_unpacked)
    sizes = {}
    try:
        for info in members:
            if info.filename.endswith((".xml", ".rels", ".vml")):
                sizes[info.filename] = _scan_part(archive, info)
    except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
        # A bad CRC, a part longer or shorter than its directory entry says, an unknown method or a password.
        raise WorkbookRefused(damaged) from exc
    finally:
        archive.close()
    try:
        # read_only: rows are parsed as they are iterated, never the whole sheet at once.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as exc:  # KeyError, InvalidFileException, ParseError…: a zip, but not a workbook
        raise WorkbookRefused(damaged) from exc
    workbook = Workbook(book, sizes)
    for sheet in workbook.sheets:
        if sheet.cells > max_rows * max_cols:
            # Cells without a value count too: formatted empty cells cost openpyxl as much to parse.
            workbook.close()
            raise WorkbookRefused(
                _("工作表「%(sheet)s」有 %(cells)s 个单元格，超过上限 %(max)s 个。")
                % {"sheet": sheet.title, "cells": sheet.cells, "max": max_rows * max_cols}
            )
        if sheet.max_row > max_rows or sheet.max_col > max_cols:
            workbook.close()
            raise WorkbookRefused(
                _(
                    "工作表「%(sheet)s」的数据延伸到第 %(rows)s 行、第 %(col)s 列，"
                    "超过上限（最多 %(max_rows)s 行、%(max_cols)s 列）。"
                )
                % {
                    "sheet": sheet.title,
                    "rows": sheet.max_row,
                    "col": get_column_letter(sheet.max_col),
                    "max_rows": max_rows,
                    "max_cols": max_cols,
                }
            )
    return workbook


def _check_sizes(members, max_unpacked: int) -> None:
    # The directory's sizes are binding: zipfile stops at file_size and fails the CRC when the data
    # says otherwise, so checking them first stops a bomb before anything is inflated.
    for info in members:
        if info.file_size > RATIO_CHECKED_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise WorkbookRefused(_("工作簿的压缩比异常（疑似压缩炸弹），已拒绝。"))
    total = sum(info.file_size for info in members)
    if total > max_unpacked:
        raise WorkbookRefused(
            _("工作簿解压后有 %(size)s 字节，超过上限 %(limit)s 字节。") % {"size": total, "limit": max_unpacked}
        )


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int, int]:
    """(last row, last column) of the cells with a value in one XML part, and its number of cells (empty
    ones too: openpyxl parses those as well); refuses a DTD or a non-UTF-8 part."""
    max_row = max_col = cells = 0
    columns: set[bytes] = set()
    tail = b""
    with archive.open(info) as part:
        first = True
        while True:
            chunk = part.read(CHUNK)
            if first:
                # UTF-16/32 would hide "<!DOCTYPE" from the byte search below; Office writes UTF-8.
                if chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk[:4]:
                    raise WorkbookRefused(_("工作簿包含不支持的 XML 编码，已拒绝。"))
                first = False
            if not chunk:
                break
            text = tail + chunk
            # Cut after the last ">" so that no tag is split between two chunks.
            cut = text.rfind(b">") + 1
            text, tail = text[:cut], text[cut:]
            if _DTD.search(text):
                raise WorkbookRefused(_("工作簿包含 XML 实体声明（DTD），出于安全原因已拒绝。"))
            found = _CELL.findall(text)
            cells += len(found)
            for letters, row, empty in found:
                if not empty:
                    columns.add(letters)
                    row = int(row)
                    if row > max_row:
                        max_row = row
            if len(tail) > CHUNK:  # a tag a megabyte long is no spreadsheet
                raise WorkbookRefused(_("工作簿的 XML 内容异常，已拒绝。"))
    if _DTD.search(tail):
        raise WorkbookRefused(_("工作簿包含 XML 实体声明（DTD），出于安全原因已拒绝。"))
    if columns:
        max_col = max(column_index_from_string(letters.decode()) for letters in columns)
    return max_row, max_col, cells
