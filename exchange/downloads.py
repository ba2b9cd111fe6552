"""Downloads of the pages: the bundle as an .xlsx (the .zip streams from exporter.bundle_zip_stream) and a job's
error report."""

import csv
import io
import shutil
import tempfile
from pathlib import Path

from .exporter import export_bundle
from .spec import neutralise

ERROR_COLUMNS = ("file", "row", "column", "message")
# A city's bundle stays in memory; a province's goes to a temporary file.
SPOOL_BYTES = 16 * 1024 * 1024


def bundle_xlsx(user) -> tempfile.SpooledTemporaryFile:
    """The bundle `user` may view as an .xlsx workbook (written by export_bundle), rewound for reading."""
    handle = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    with tempfile.TemporaryDirectory() as folder:
        with open(export_bundle(Path(folder) / "bundle.xlsx", user=user, fmt="xlsx"), "rb") as written:
            shutil.copyfileobj(written, handle)
    handle.seek(0)
    return handle


def error_report_csv(errors) -> bytes:
    """[file, row, column, message] rows as a CSV that Excel opens as Chinese (UTF-8 with BOM)."""
    text = io.StringIO(newline="")
    writer = csv.writer(text)
    writer.writerow(ERROR_COLUMNS)
    # File and column names come from the upload: neutralised like every exported text cell.
    writer.writerows([neutralise(str(cell)) if isinstance(cell, str) else cell for cell in row] for row in errors)
    return text.getvalue().encode("utf-8-sig")
