"""Bulk import of a bundle (SPEC 7): all or nothing, by natural keys, set-based.

`import_bundle(source, user=None)` reads the bundle, checks every row against the rules of the
models and against the database plus the rest of the bundle, and only if nothing is wrong
writes everything in one transaction: a few queries to preload what exists, then bulk inserts
and updates in batches (with their django-simple-history records). Re-importing the same bundle
changes nothing.

Natural keys: districts by `name` (a code, when given, is unique too); priority majors by (major_code,
effective_from); industries, clusters, majors, colleges, industry colleges, training bases and
cooperation projects by `code`; enterprises by `uscc`; programs by (college_code, major_code,
schooling); program years by that and `year`; order classes by (college_code, major_code,
schooling, uscc, year, name); training sessions by (college_code, uscc, title, held_on).

Demand items have no key of their own. They belong to the demand list (uscc, year, quarter),
whose status is the `list_status` column (the same on every row of one list). The items of each
list that appears in the file are synchronised *by position*: the n-th row of that list in the
file updates the list's n-th existing item (ordered by id), rows beyond the existing items are
created, and existing items beyond the rows are deleted (with their assignments). Lists that do
not appear in the file are left alone. export_bundle writes items in that same order, so
import(export(db)) changes nothing. Each item status set by the import (a created item whose
status is not `open`, or a changed status) is recorded as a DemandItemEvent (by nobody, note
"导入"); the list's status is set as given, without the review workflow.

Districts (SPEC 7): a bundle with districts.csv may name on its colleges and enterprises only those
districts and the ones already in the database; a bundle without it brings, as new districts, the
names it uses (so older bundles still import).
"""

from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils.translation import gettext as _

from colleges.models import College, CooperationProject, TrainingBase, TrainingSession
from enterprises.models import Enterprise
from portal.roles import is_bureau
from programs.models import OrderClass, Program, ProgramYear
from reference.models import District, IndustryCluster, Major, PriorityMajor

from .errors import BundleInvalid, ErrorLog
from .importing import cooperation, demand, parties, programs, reference
from .importing.context import Context, Counts
from .reading import read_bundle
from .spec import FILES

__all__ = ["BundleInvalid", "Counts", "ImportResult", "import_bundle"]


class Kind(NamedTuple):
    """How one file of the bundle is imported: `parse(context, row)`; then, on the whole file, `check(context,
    table)`; its natural keys become known as `entity`; `write(context)`, or a plain sync of `model`."""

    parse: object
    model: type | None = None
    entity: str | None = None
    check: object = None
    write: object = None


KINDS: dict[str, Kind] = {
    "industries": Kind(
        reference.parse_industry, None, "industry", reference.check_industries, reference.write_industries
    ),
    "clusters": Kind(reference.parse_cluster, IndustryCluster, "cluster", reference.check_clusters),
    "majors": Kind(reference.parse_major, Major, "major"),
    "districts": Kind(reference.parse_district, District, "district", reference.check_districts),
    "priority_majors": Kind(reference.parse_priority_major, PriorityMajor),
    "enterprises": Kind(parties.parse_enterprise, Enterprise, "enterprise", parties.check_enterprises),
    "colleges": Kind(parties.parse_college, College, "college"),
    "programs": Kind(programs.parse_program, Program, "program"),
    "program_years": Kind(programs.parse_program_year, ProgramYear),
    "demand_items": Kind(demand.parse_demand_item, None, None, demand.check_demand_items, demand.write_demand_items),
    "industry_colleges": Kind(cooperation.parse_industry_college, write=cooperation.write_industry_colleges),
    "training_bases": Kind(cooperation.parse_training_base, TrainingBase),
    "order_classes": Kind(programs.parse_order_class, OrderClass),
    "cooperation_projects": Kind(cooperation.parse_cooperation_project, CooperationProject),
    "training_sessions": Kind(cooperation.parse_training_session, TrainingSession),
}
assert list(KINDS) == list(FILES), "one kind per file of the bundle, in the bundle's order"


class ImportResult(NamedTuple):
    """What an import did, per file name: created, updated, unchanged (and deleted demand items)."""

    counts: dict[str, Counts]

    def lines(self) -> list[str]:
        return [
            _("%(file)s：新增 %(c)s，更新 %(u)s，未变 %(n)s，删除 %(d)s")
            % {"file": name, "c": n.created, "u": n.updated, "n": n.unchanged, "d": n.deleted}
            for name, n in self.counts.items()
        ]


def import_bundle(source, *, user=None, dry_run: bool = False, on_progress=None) -> ImportResult:
    """Import a bundle (folder, .zip, .csv or .xlsx path, or an uploaded file) all or nothing.

    `user` None means the command line (full rights); otherwise only the bureau may import.
    Raises BundleInvalid with every error (file, row, column, message) and saves nothing then.
    `dry_run` does everything, writes included (so the counts are those of a real import), and then
    rolls the transaction back. `on_progress(done, total)` is called after reading and after each
    file is checked and written (total: 1 + 2 × the files in the bundle).
    """
    if user is not None and not is_bureau(user):
        raise PermissionDenied(_("只有教育局用户可以批量导入数据。"))
    progress = on_progress or (lambda done, total: None)
    log = ErrorLog()
    tables = read_bundle(source, log)
    log.raise_if_any()
    steps = _Steps(progress, 1 + 2 * len(tables))
    steps.advance()
    with transaction.atomic():
        _one_import_at_a_time()
        context = Context(tables, log, user)
        _validate(context, steps)
        log.raise_if_any()
        steps.total = steps.done + len(context.parsed)  # implied districts add a file to write
        _write(context, steps)
        if dry_run:
            transaction.set_rollback(True)
        return ImportResult(context.counts)


# Imports run one at a time (command, pages, dry runs): two bundles bringing the same new natural key
# would otherwise both insert it and one fail on the unique constraint instead of updating. A transaction
# lock on PostgreSQL; SQLite's IMMEDIATE transactions already queue writers.
IMPORT_LOCK_KEY = 7_000_016


def _one_import_at_a_time():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK_KEY])


class _Steps:
    def __init__(self, report, total: int):
        self.report, self.total, self.done = report, total, 0

    def advance(self):
        self.done += 1
        self.report(self.done, self.total)


def _validate(context: Context, steps: _Steps):
    """Every file in the bundle's order, so a row may refer to rows of the files before it."""
    for name, kind in KINDS.items():
        table = context.tables.get(name)
        if table is None:
            continue
        context.parsed[name] = context.parse_table(table, kind.parse)
        if kind.entity:
            context.register(kind.entity, name)
        if kind.check:
            kind.check(context, table)
        steps.advance()
    if context.implied_districts:
        reference.imply_districts(context)


def _write(context: Context, steps: _Steps):
    for name, kind in KINDS.items():
        if name not in context.parsed:
            continue
        if kind.write:
            kind.write(context)
        else:
            context.sync(name, kind.model, entity=kind.entity)
        steps.advance()
