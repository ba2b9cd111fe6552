"""Export of a bundle (SPEC 7): the same files and columns the importer reads.

CSV files are UTF-8 with a BOM so that Excel opens them as Chinese; an .xlsx has a sheet per
file. A text cell that a spreadsheet would run as a formula gets a leading apostrophe (the
importer removes it again). With a user, each file holds only the rows the user may view.
"""

import csv
import datetime
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
from portal.roles import Action
from programs.models import OrderClass, Program, ProgramYear
from reference.models import District, Industry, IndustryCluster, Major, PriorityMajor

from .spec import FILES, LIST_SEPARATOR, neutralise

PROGRAM = ("program__college__code", "program__major__code", "program__schooling")


def _scoped(model, user):
    return model.objects.all() if user is None else model.objects.restrict(user, Action.VIEW)


def _rows_industries(user):
    return _scoped(Industry, user).order_by("code").values_list("code", "name", "parent_code")


def _rows_clusters(user):
    return _scoped(IndustryCluster, user).order_by("order", "code").values_list(*FILES["clusters"])


def _rows_majors(user):
    return _scoped(Major, user).order_by("code").values_list(*FILES["majors"])


def _rows_districts(user):
    return _scoped(District, user).order_by("order", "name").values_list(*FILES["districts"])


def _rows_priority_majors(user):
    # Both references hold the codes themselves (to_field="code").
    return (
        _scoped(PriorityMajor, user)
        .order_by("major_id", "effective_from")
        .values_list("major_id", "cluster_id", "effective_from", "effective_to")
    )


def _rows_enterprises(user):
    return (
        _scoped(Enterprise, user)
        .order_by("uscc")
        .values_list("uscc", "name", "industry_id", "district", "scale", "tags", "integration_certified_on")
    )


def _rows_colleges(user):
    return _scoped(College, user).order_by("code").values_list(*FILES["colleges"])


def _rows_programs(user):
    return (
        _scoped(Program, user)
        .order_by("college__code", "major__code", "schooling")
        .values_list(
            "college__code", "major__code", "schooling", "established_on", "closed_on", "enrollment_status", "emerging"
        )
    )


def _rows_program_years(user):
    return _scoped(ProgramYear, user).order_by(*PROGRAM, "year").values_list(*PROGRAM, *FILES["program_years"][3:])


def _rows_demand_items(user):
    # Items by list, then by id: the importer matches a list's items by this position.
    return (
        _scoped(DemandItem, user)
        .order_by("demand_list__enterprise__uscc", "demand_list__year", "demand_list__quarter", "id")
        .values_list(
            "demand_list__enterprise__uscc",
            "demand_list__year",
            "demand_list__quarter",
            "demand_list__status",
            "kind",
            "title",
            "industry_id",
            "major_code",
            "headcount",
            "due_on",
            "status",
            "fulfilled_on",
            "fulfilled_headcount",
        )
    )


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


def _rows_training_bases(user):
    return (
        _scoped(TrainingBase, user)
        .order_by("code")
        .values_list(
            "code", "name", "college__code", "enterprise__uscc", "kind", "certified", "established_on", "closed_on"
        )
    )


def _rows_order_classes(user):
    return (
        _scoped(OrderClass, user)
        .order_by(*PROGRAM, "enterprise__uscc", "year", "name")
        .values_list(*PROGRAM, "enterprise__uscc", "year", "name", "seats", "kind")
    )


def _rows_cooperation_projects(user):
    return (
        _scoped(CooperationProject, user)
        .order_by("code")
        .values_list("code", "name", "college__code", "enterprise__uscc", "started_on", "ended_on")
    )


def _rows_training_sessions(user):
    return (
        _scoped(TrainingSession, user)
        .order_by("college__code", "enterprise__uscc", "held_on", "title")
        .values_list("college__code", "enterprise__uscc", "title", "held_on", "trainees")
    )


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
        rows = globals()[f"_rows_{name}"](user)
        yield name, columns, ([cell(value) for value in row] for row in rows)


def export_bundle(path, *, user=None, fmt: str = "csv") -> Path:
    """Write the bundle to `path`: a folder of CSV files, or one .xlsx workbook (fmt="xlsx")."""
    path = Path(path)
    if fmt == "xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        for name, columns, rows in bundle_rows(user):
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
    for name, columns, rows in bundle_rows(user):
        with open(path / f"{name}.csv", "w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(columns)
            writer.writerows(rows)
    return path
