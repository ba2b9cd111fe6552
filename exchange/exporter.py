"""Export of a bundle (SPEC 7): the same files and columns the importer reads.

CSV files are UTF-8 with a BOM so that Excel opens them as Chinese; an .xlsx has a sheet per
file. A text cell that a spreadsheet would run as a formula gets a leading apostrophe (the
importer removes it again). With a user, each file holds only the rows the user may view.
"""

import csv
import datetime
import io
import zipfile
from collections import defaultdict
from pathlib import Path

from colleges.models import (
    College,
    CooperationProject,
    IndustryCollege,
    IndustryCollegePartner,
    TrainingBase,
    TrainingSession,
)
from demand.models import DemandItem
from enterprises.models import Enterprise
from portal.progress import counted
from portal.roles import Action
from programs.models import OrderClass, Program, ProgramYear
from reference.models import District, Industry, IndustryCluster, Major, PriorityMajor

from .spec import FILES, LIST_SEPARATOR, neutralise

PROGRAM = ("program__college__code", "program__major__code", "program__schooling")
PROGRAM_OWN = ("college__code", "major__code", "schooling")


def _scoped(model, user):
    return model.objects.all() if user is None else model.objects.restrict(user, Action.VIEW)


def _query(model, order: tuple, columns: tuple):
    """The rows of a file: `columns` (lookups) of the model's rows the user may view, in `order`."""
    return lambda user: _scoped(model, user).order_by(*order).values_list(*columns)


def _rows_industry_colleges(user):
    colleges = list(
        _scoped(IndustryCollege, user)
        .order_by("code")
        .values_list("pk", "code", "name", "college__code", "cluster__code", "established_on")
    )
    partners, leaders = defaultdict(list), defaultdict(list)
    for ic_id, uscc, leader in (
        IndustryCollegePartner.objects.filter(industry_college_id__in=[row[0] for row in colleges])
        .order_by("enterprise__uscc")
        .values_list("industry_college_id", "enterprise__uscc", "is_chain_leader")
    ):
        partners[ic_id].append(uscc)
        if leader:
            leaders[ic_id].append(uscc)
    return [(*row[1:], partners[row[0]], leaders[row[0]]) for row in colleges]


LIST = ("demand_list__enterprise__uscc", "demand_list__year", "demand_list__quarter")
# Per file, user → its rows. Priority majors' references hold the codes themselves (to_field="code").
ROWS = {
    "industries": _query(Industry, ("code",), FILES["industries"]),
    "clusters": _query(IndustryCluster, ("order", "code"), FILES["clusters"]),
    "majors": _query(Major, ("code",), FILES["majors"]),
    "districts": _query(District, ("order", "name"), FILES["districts"]),
    "priority_majors": _query(
        PriorityMajor, ("major_id", "effective_from"), ("major_id", "cluster_id", "effective_from", "effective_to")
    ),
    "enterprises": _query(
        Enterprise, ("uscc",), ("uscc", "name", "industry_id", "district", "scale", "tags", "integration_certified_on")
    ),
    "colleges": _query(College, ("code",), FILES["colleges"]),
    "programs": _query(Program, PROGRAM_OWN, (*PROGRAM_OWN, *FILES["programs"][3:])),
    "program_years": _query(ProgramYear, (*PROGRAM, "year"), (*PROGRAM, *FILES["program_years"][3:])),
    # Items by list, then by id: the importer matches a list's items by this position.
    "demand_items": _query(
        DemandItem,
        (*LIST, "id"),
        (*LIST, "demand_list__status", "kind", "title", "industry_id", *FILES["demand_items"][7:]),
    ),
    "industry_colleges": _rows_industry_colleges,
    "training_bases": _query(
        TrainingBase,
        ("code",),
        ("code", "name", "college__code", "enterprise__uscc", "kind", "certified", "established_on", "closed_on"),
    ),
    "order_classes": _query(
        OrderClass,
        (*PROGRAM, "enterprise__uscc", "year", "name"),
        (*PROGRAM, "enterprise__uscc", "year", "name", "seats", "kind"),
    ),
    "cooperation_projects": _query(
        CooperationProject,
        ("code",),
        ("code", "name", "college__code", "enterprise__uscc", "started_on", "ended_on"),
    ),
    "training_sessions": _query(
        TrainingSession,
        ("college__code", "enterprise__uscc", "held_on", "title"),
        ("college__code", "enterprise__uscc", "title", "held_on", "trainees"),
    ),
}


def cell(value):
    """A database value as a bundle cell: numbers stay numbers, text is neutralised against formulas."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return neutralise(LIST_SEPARATOR.join(str(item) for item in value))
    if isinstance(value, str):
        return neutralise(value)
    return value


def bundle_rows(user=None):
    """(file name, columns, rows of cells) for every file of the bundle, restricted to what `user` may view."""
    for name, columns in FILES.items():
        yield name, columns, ([cell(value) for value in row] for row in ROWS[name](user))


def export_bundle(path, *, user=None, fmt: str = "csv", advance=None) -> Path:
    """Write the bundle to `path`: a folder of CSV files, or one .xlsx workbook (fmt="xlsx").

    `advance(n, note)`, when given, is told of the rows written (a command's progress bar).
    """
    path = Path(path)
    files = bundle_rows(user)
    if advance is not None:
        files = ((name, columns, counted(rows, lambda n, name=name: advance(n, name))) for name, columns, rows in files)
    if fmt == "xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        for name, columns, rows in files:
            sheet = workbook.create_sheet(name)
            sheet.append(list(columns))
            for row in rows:
                sheet.append(row)
        path.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(path)
        return path
    if fmt != "csv":
        raise ValueError(f"unknown format {fmt!r}")
    path.mkdir(parents=True, exist_ok=True)
    for name, columns, rows in files:
        with open(path / f"{name}.csv", "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows)
    return path


class _Pipe(io.RawIOBase):
    """A write-only stream whose bytes are taken out as they come: the zip is sent while it is made."""

    def __init__(self):
        self.chunks = []

    def writable(self):
        return True

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


ZIP_ROWS_PER_CHUNK = 2000


def bundle_zip_stream(user=None):
    """The bundle as a zip of CSV files (UTF-8 with BOM), yielded in pieces while it is written, so a
    province's bundle never sits in memory. Restricted to what `user` may view, like export_bundle."""
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, columns, rows in bundle_rows(user):
            with archive.open(f"{name}.csv", "w", force_zip64=True) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                writer = csv.writer(text)
                writer.writerow(columns)
                for count, row in enumerate(rows, 1):
                    writer.writerow(row)
                    if count % ZIP_ROWS_PER_CHUNK == 0:
                        text.flush()
                        yield pipe.take()
                text.flush()
                text.detach()
            yield pipe.take()
    yield pipe.take()
