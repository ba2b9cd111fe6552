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

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from colleges import rules as college_rules
from colleges.models import (
    College,
    CooperationProject,
    IndustryCollege,
    IndustryCollegePartner,
    TrainingBase,
    TrainingSession,
)
from demand import rules as demand_rules
from demand.models import LIST_FIELDS, DemandItem, DemandItemEvent, DemandList, copy_list_fields_to_items
from enterprises import rules as enterprise_rules
from enterprises.models import Enterprise
from portal import bulk
from portal.roles import is_bureau
from programs.models import OrderClass, Program, ProgramYear
from reference import rules as reference_rules
from reference.models import District, Industry, IndustryCluster, Major, PriorityMajor

from .cells import INVALID, Row
from .errors import BundleInvalid, ErrorLog
from .reading import Table, read_bundle
from .spec import FILES

REASON = "导入"

__all__ = ["BundleInvalid", "ImportResult", "import_bundle"]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


@dataclass
class ImportResult:
    """What an import did, per file name: created, updated, unchanged (and deleted demand items)."""

    counts: dict[str, Counts] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [
            _("%(file)s：新增 %(c)s，更新 %(u)s，未变 %(n)s，删除 %(d)s")
            % {"file": name, "c": n.created, "u": n.updated, "n": n.unchanged, "d": n.deleted}
            for name, n in self.counts.items()
        ]


def import_bundle(source, *, user=None) -> ImportResult:
    """Import a bundle (folder, .zip, .csv or .xlsx path, or an uploaded file) all or nothing.

    `user` None means the command line (full rights); otherwise only the bureau may import.
    Raises BundleInvalid with every error (file, row, column, message) and saves nothing then.
    """
    if user is not None and not is_bureau(user):
        raise PermissionDenied(_("只有教育局用户可以批量导入数据。"))
    log = ErrorLog()
    tables = read_bundle(source, log)
    log.raise_if_any()
    with transaction.atomic():
        importer = _Importer(tables, log, user)
        importer.validate()
        log.raise_if_any()
        return importer.write()


@dataclass
class Parsed:
    """A valid row: `values` by model attname, `refs` attname → (entity, natural key) resolved at write time."""

    number: int
    key: tuple
    values: dict
    refs: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


ENTITY_LABELS = {
    "industry": ("行业", "industries"),
    "cluster": ("产业集群", "clusters"),
    "major": ("专业", "majors"),
    "enterprise": ("企业", "enterprises"),
    "college": ("院校", "colleges"),
    "program": ("专业点", "programs"),
    "district": ("区县", "districts"),
}


def _maker(model):
    """`model(**values)` for many rows at about half the cost: the values (by attname; a missing one gets
    its default, as with keywords) go in positionally, in field order, as when Django loads rows."""
    fields = model._meta.concrete_fields
    attnames = [f.attname for f in fields]
    called = [f for f in fields if f.has_default() and callable(f.default)]  # a fresh value per row
    fixed = {f.attname: f.get_default() for f in fields if f not in called}

    def make(values: dict):
        row = fixed | values
        for f in called:
            if f.attname not in values:
                row[f.attname] = f.get_default()
        return model(*map(row.__getitem__, attnames))

    return make


def _complete(values: dict) -> bool:
    """Every cell parsed: the model's clean() can judge the row (even if a reference is missing)."""
    return INVALID not in values.values()


class _Importer:
    def __init__(self, tables: dict[str, Table], log: ErrorLog, user):
        self.tables, self.log, self.user = tables, log, user
        self.parsed: dict[str, list[Parsed]] = {}
        self.ids: dict[str, dict] = {}  # entity → natural key → primary key (known rows)
        self.result = ImportResult()
        self.new_keys: dict[str, set] = defaultdict(set)  # natural keys that the bundle brings
        self.new_enterprise_industry: dict[str, str] = {}
        self.scratch: dict = {}
        self.failed_keys: dict[str, list] = defaultdict(list)  # keys of bad rows: not reported again as missing

    # ---------------------------------------------------------------- preload
    def _preload(self):
        need = set(self.tables)
        self.industry_by_code = {i.code: i for i in Industry.objects.all()}
        self.ids["industry"] = {code: code for code in self.industry_by_code}  # FKs point at the code
        self.clusters = {c.code: c for c in IndustryCluster.objects.all()}
        self.ids["cluster"] = {code: c.pk for code, c in self.clusters.items()}
        self.majors = {m.code: m for m in Major.objects.all()}
        self.ids["major"] = {code: m.pk for code, m in self.majors.items()}
        self.districts = {d.name: d for d in District.objects.all()}
        self.ids["district"] = {name: d.pk for name, d in self.districts.items()}
        self.implied_districts: dict[str, None] = {}  # names a bundle without districts.csv brings, in order
        self.priority_majors = (
            {(p.major_id, p.effective_from): p for p in PriorityMajor.objects.all()}
            if "priority_majors" in need
            else {}
        )
        # Enterprise instances are needed only to sync enterprises.csv; else three columns do (50 000 rows).
        if "enterprises" in need:
            self.enterprises = {e.uscc: e for e in Enterprise.objects.all()}
            known = [(uscc, e.pk, e.industry_id) for uscc, e in self.enterprises.items()]
        else:
            self.enterprises = {}
            known = list(Enterprise.objects.values_list("uscc", "pk", "industry_id"))
        self.ids["enterprise"] = {uscc: pk for uscc, pk, _industry in known}
        self.enterprise_industry = {uscc: industry for uscc, _pk, industry in known}
        self.colleges = {c.code: c for c in College.objects.all()}
        self.ids["college"] = {code: c.pk for code, c in self.colleges.items()}
        college_code = {pk: code for code, pk in self.ids["college"].items()}
        major_code = {pk: code for code, pk in self.ids["major"].items()}
        self.programs = {
            (college_code[p.college_id], major_code[p.major_id], p.schooling): p for p in Program.objects.all()
        }
        self.ids["program"] = {key: p.pk for key, p in self.programs.items()}
        program_key = {p.pk: key for key, p in self.programs.items()}
        enterprise_uscc = {pk: uscc for uscc, pk in self.ids["enterprise"].items()}
        self.program_years = (
            {(*program_key[y.program_id], y.year): y for y in ProgramYear.objects.all()}
            if "program_years" in need
            else {}
        )
        self.order_classes = (
            {
                (*program_key[o.program_id], enterprise_uscc[o.enterprise_id], o.year, o.name): o
                for o in OrderClass.objects.all()
            }
            if "order_classes" in need
            else {}
        )
        self.training_sessions = (
            {
                (college_code[s.college_id], enterprise_uscc[s.enterprise_id], s.title, s.held_on): s
                for s in TrainingSession.objects.all()
            }
            if "training_sessions" in need
            else {}
        )
        self.by_code = {
            name: ({o.code: o for o in model.objects.all()} if name in need else {})
            for name, model in (
                ("industry_colleges", IndustryCollege),
                ("training_bases", TrainingBase),
                ("cooperation_projects", CooperationProject),
            )
        }
        self.enterprise_uscc = enterprise_uscc

    # ---------------------------------------------------------------- validation
    def validate(self):
        self._preload()
        for name in FILES:
            table = self.tables.get(name)
            if table is not None:
                self.parsed[name] = self._parse_table(table, getattr(self, f"_parse_{name}"))
                getattr(self, f"_check_{name}", lambda table: None)(table)
        if self.implied_districts:
            self._imply_districts()

    def _parse_table(self, table: Table, parse) -> list[Parsed]:
        parsed, first_row = [], {}
        for number, cells in table.rows:
            row = Row(self.log, table.label, number, cells)
            result = parse(row)
            if not row.ok:
                if result.key and INVALID not in result.key:
                    self.failed_keys[table.name].append(result.key)
                continue
            if result.key in first_row:
                row.error(
                    "",
                    _("与第 %(row)s 行重复（%(key)s）。")
                    % {"row": first_row[result.key], "key": " / ".join(str(k) for k in result.key)},
                )
                continue
            first_row[result.key] = number
            parsed.append(result)
        return parsed

    def _known(self, entity: str, key) -> bool:
        return key in self.ids[entity] or key in self.new_keys[entity]

    def _ref(self, row: Row, column: str, entity: str, key=None, *, optional=False):
        """The natural key in `column` if that row exists in the database or the bundle."""
        value = row.cells[column] if key is None else key
        if value == "" or value is INVALID:
            if value == "" and not optional:
                return row.error(column, _("「%(column)s」不能为空。") % {"column": column})
            return None if value == "" else INVALID
        if not self._known(entity, value):
            label, file = ENTITY_LABELS[entity]
            shown = " / ".join(value) if isinstance(value, tuple) else value
            return row.error(
                column,
                _("%(what)s「%(key)s」不存在：既不在数据库中，也不在本次导入的 %(file)s 中。")
                % {"what": label, "key": shown, "file": file},
            )
        return value

    def _clean(self, row: Row, model, values: dict, columns: dict[str, str] | None = None):
        """Run the model's own clean() on the row's values; its field errors are reported under their columns."""
        # clean() only reads attributes, so one scratch instance per model is refilled for every row:
        # building a model instance per row would cost more than the rest of the validation.
        instance = self.scratch.get(model)
        if instance is None:
            instance = self.scratch[model] = model()
        instance.__dict__.update(values)
        try:
            instance.clean()
        except ValidationError as exc:
            columns = columns or {}
            for name, messages in exc.message_dict.items():
                column = columns.get(name, name if name in row.cells else "")
                row.error(column, "".join(messages))

    def _program_key(self, row: Row):
        key = (row.cells["college_code"], row.cells["major_code"], row.field("schooling", Program))
        if INVALID in key:
            return INVALID
        for column in ("college_code", "major_code"):
            if not row.cells[column]:
                return row.error(column, _("「%(column)s」不能为空。") % {"column": column})
        if self._known("program", key):
            return key
        # Name the missing part: the college or major itself, else the program.
        for column, entity in (("college_code", "college"), ("major_code", "major")):
            if self._ref(row, column, entity) is INVALID:
                return INVALID
        return self._ref(row, "major_code", "program", key)

    def _register(self, entity: str, name: str):
        keys = [p.key for p in self.parsed[name]] + self.failed_keys[name]
        self.new_keys[entity].update(key[0] if len(key) == 1 else key for key in keys)

    # industries
    def _parse_industries(self, row: Row):
        values = {name: row.field(name, Industry) for name in ("code", "name", "parent_code")}
        if _complete(values):
            self._clean(row, Industry, values)
        return Parsed(row.number, (values["code"],), values)

    def _check_industries(self, table):
        self._register("industry", "industries")
        for p in self.parsed["industries"]:
            parent = p.values["parent_code"]
            if parent:
                row = Row(self.log, table.label, p.number, {})
                self._ref(row, "parent_code", "industry", parent)

    # clusters
    def _parse_clusters(self, row: Row):
        values = {
            "code": row.field("code", IndustryCluster),
            "name": row.field("name", IndustryCluster),
            "industry_codes": row.list_field("industry_codes", IndustryCluster),
            "is_key": row.field("is_key", IndustryCluster),
            "order": row.field("order", IndustryCluster),
        }
        return Parsed(row.number, (values["code"],), values)

    def _check_clusters(self, table):
        """Key clusters may not share an industry: checked on the clusters as they will be after the import."""
        parsed = self.parsed["clusters"]
        self._register("cluster", "clusters")
        incoming = {p.key[0] for p in parsed}
        final = [(c.code, c.name, c.industry_codes, None) for c in self.clusters.values() if c.is_key]
        final = [c for c in final if c[0] not in incoming]
        for p in parsed:
            if not p.values["is_key"]:
                continue
            error = reference_rules.cluster_overlap_error(p.values["industry_codes"], [c[:3] for c in final])
            if error:
                Row(self.log, table.label, p.number, {}).error("industry_codes", error)
            final.append((p.key[0], p.values["name"], p.values["industry_codes"], p.number))

    # majors
    def _parse_majors(self, row: Row):
        values = {name: row.field(name, Major) for name in ("code", "name", "level")}
        values["industry_codes"] = row.list_field("industry_codes", Major)
        return Parsed(row.number, (values["code"],), values)

    def _check_majors(self, table):
        self._register("major", "majors")

    # districts
    def _parse_districts(self, row: Row):
        values = {name: row.field(name, District) for name in ("code", "name", "order")}
        return Parsed(row.number, (values["name"],), values)

    def _check_districts(self, table):
        """A code names one district: checked on the districts as they will be after the import."""
        self._register("district", "districts")
        incoming = {p.key[0] for p in self.parsed["districts"]}
        owner = {d.code: name for name, d in self.districts.items() if d.code and name not in incoming}
        for p in self.parsed["districts"]:
            code = p.values["code"]
            if code and owner.setdefault(code, p.key[0]) != p.key[0]:
                Row(self.log, table.label, p.number, {}).error(
                    "code", _("区划代码「%(code)s」已用于区县「%(name)s」。") % {"code": code, "name": owner[code]}
                )

    def _district(self, row: Row, name):
        """A college's or enterprise's district: with districts.csv one of those or the database's, else any."""
        if name is INVALID or name in self.ids["district"] or "districts" in self.tables:
            return self._ref(row, "district", "district", name)
        self.implied_districts.setdefault(name)
        return name

    def _imply_districts(self):
        start = max((d.order for d in self.districts.values()), default=0) + 1
        self.parsed["districts"] = [
            Parsed(0, (name,), {"code": "", "name": name, "order": start + i})
            for i, name in enumerate(self.implied_districts)
        ]

    # priority majors
    def _parse_priority_majors(self, row: Row):
        # Both references are by code (to_field), so the codes themselves are the values.
        major = self._ref(row, "major_code", "major")
        cluster = self._ref(row, "cluster_code", "cluster", optional=True)
        values = {name: row.field(name, PriorityMajor) for name in ("effective_from", "effective_to")}
        if _complete(values):
            self._clean(row, PriorityMajor, values)
        return Parsed(
            row.number, (major, values["effective_from"]), {**values, "major_id": major, "cluster_id": cluster}
        )

    # enterprises
    def _parse_enterprises(self, row: Row):
        values = {
            name: row.field(name, Enterprise)
            for name in ("uscc", "name", "district", "scale", "integration_certified_on")
        }
        tags = row.items("tags")
        error = enterprise_rules.unknown_tags_error(tags)
        if error:
            row.error("tags", error)
        values["tags"] = tags
        self._district(row, values["district"])
        industry = self._ref(row, "industry_code", "industry")
        return Parsed(row.number, (values["uscc"],), values, {"industry_id": ("industry", industry)})

    def _check_enterprises(self, table):
        self._register("enterprise", "enterprises")
        self.new_enterprise_industry = {p.key[0]: p.refs["industry_id"][1] for p in self.parsed["enterprises"]}

    # colleges
    def _parse_colleges(self, row: Row):
        values = {name: row.field(name, College) for name in ("code", "name", "kind", "district")}
        self._district(row, values["district"])
        return Parsed(row.number, (values["code"],), values)

    def _check_colleges(self, table):
        self._register("college", "colleges")

    # programs
    def _parse_programs(self, row: Row):
        college = self._ref(row, "college_code", "college")
        major = self._ref(row, "major_code", "major")
        values = {
            name: row.field(name, Program)
            for name in ("schooling", "established_on", "closed_on", "enrollment_status", "emerging")
        }
        if _complete(values):
            self._clean(row, Program, values)
        return Parsed(
            row.number,
            (college, major, values["schooling"]),
            values,
            {"college_id": ("college", college), "major_id": ("major", major)},
        )

    def _check_programs(self, table):
        self._register("program", "programs")

    # program years
    def _parse_program_years(self, row: Row):
        program = self._program_key(row)
        numbers = ("year", "enrolled", "admitted", "graduates", "employed", "employed_in_field", "employed_locally")
        values = {name: row.field(name, ProgramYear) for name in numbers}
        if _complete(values):
            self._clean(row, ProgramYear, values)
        return Parsed(
            row.number, (*program, values["year"]) if row.ok else (), values, {"program_id": ("program", program)}
        )

    # demand items
    def _parse_demand_items(self, row: Row):
        enterprise = self._ref(row, "uscc", "enterprise")
        year = row.field("year", DemandList)
        quarter = row.integer("quarter") if row.cells["quarter"] else row.required("quarter")
        if quarter is not INVALID and not 1 <= quarter <= 4:
            quarter = row.error("quarter", _("季度应为 1–4，而不是 %(value)s。") % {"value": quarter})
        list_status = row.field("list_status", DemandList, "status")
        values = {
            name: row.field(name, DemandItem)
            for name in ("kind", "title", "headcount", "due_on", "status", "fulfilled_on", "fulfilled_headcount")
        }
        values["major_code"] = row.field("major_code", DemandItem)
        if values["major_code"] is not INVALID and demand_rules.is_major_code_shaped(values["major_code"]):
            self._ref(row, "major_code", "major")  # the catalogue rule, against the database and this bundle
        industry = self._ref(row, "industry_code", "industry", optional=True)
        if enterprise not in (None, INVALID):
            # demand.rules: the enterprise's industry by default, the requested headcount as delivered.
            defaults = demand_rules.apply_item_defaults(
                {"industry_id": industry, **values}, enterprise_industry_id=self._enterprise_industry(enterprise)
            )
            industry, values["fulfilled_headcount"] = defaults["industry_id"], defaults["fulfilled_headcount"]
        if _complete(values):
            self._clean(row, DemandItem, values, {"industry": "industry_code"})
        return Parsed(
            row.number,
            (row.number,),  # items have no natural key: the position in their list identifies them
            values,
            {"industry_id": ("industry", industry)},
            {"list": (enterprise, year, quarter), "list_status": list_status},
        )

    def _enterprise_industry(self, uscc):
        if uscc in self.enterprise_industry:
            return self.enterprise_industry[uscc]
        return self.new_enterprise_industry[uscc]

    def _check_demand_items(self, table):
        first = {}
        for p in self.parsed["demand_items"]:
            key, status = p.extra["list"], p.extra["list_status"]
            if key not in first:
                first[key] = (p.number, status)
            elif first[key][1] != status:
                Row(self.log, table.label, p.number, {}).error(
                    "list_status",
                    _(
                        "同一清单（%(uscc)s %(year)s 年第 %(quarter)s 季度）的 list_status 必须一致："
                        "第 %(row)s 行为「%(status)s」。"
                    )
                    % {
                        "uscc": key[0],
                        "year": key[1],
                        "quarter": key[2],
                        "row": first[key][0],
                        "status": first[key][1],
                    },
                )

    # industry colleges
    def _parse_industry_colleges(self, row: Row):
        values = {name: row.field(name, IndustryCollege) for name in ("code", "name", "established_on")}
        college = self._ref(row, "college_code", "college")
        cluster = self._ref(row, "cluster_code", "cluster")
        partners = row.items("partner_usccs")
        leaders = row.items("chain_leader_usccs")
        for column, usccs in (("partner_usccs", partners), ("chain_leader_usccs", leaders)):
            for uscc in usccs:
                self._ref(row, column, "enterprise", uscc)
        return Parsed(
            row.number,
            (values["code"],),
            values,
            {"college_id": ("college", college), "cluster_id": ("cluster", cluster)},
            {"partners": college_rules.partner_flags(partners, leaders)},
        )

    # training bases
    def _parse_training_bases(self, row: Row):
        values = {
            name: row.field(name, TrainingBase)
            for name in ("code", "name", "kind", "certified", "established_on", "closed_on")
        }
        college = self._ref(row, "college_code", "college", optional=True)
        enterprise = self._ref(row, "uscc", "enterprise", optional=True)
        if _complete(values):
            # clean() asks only whether an owner is set, so a placeholder id stands in for a bundle row.
            owners = {"college_id": college and -1, "enterprise_id": enterprise and -1}
            self._clean(row, TrainingBase, {**values, **owners}, {"college": "college_code", "enterprise": "uscc"})
        return Parsed(
            row.number,
            (values["code"],),
            values,
            {"college_id": ("college", college), "enterprise_id": ("enterprise", enterprise)},
        )

    # order classes
    def _parse_order_classes(self, row: Row):
        program = self._program_key(row)
        enterprise = self._ref(row, "uscc", "enterprise")
        values = {name: row.field(name, OrderClass) for name in ("year", "name", "seats", "kind")}
        key = (*program, enterprise, values["year"], values["name"]) if row.ok else ()
        return Parsed(
            row.number, key, values, {"program_id": ("program", program), "enterprise_id": ("enterprise", enterprise)}
        )

    # cooperation projects
    def _parse_cooperation_projects(self, row: Row):
        values = {name: row.field(name, CooperationProject) for name in ("code", "name", "started_on", "ended_on")}
        college = self._ref(row, "college_code", "college")
        enterprise = self._ref(row, "uscc", "enterprise")
        if _complete(values):
            self._clean(row, CooperationProject, values)
        return Parsed(
            row.number,
            (values["code"],),
            values,
            {"college_id": ("college", college), "enterprise_id": ("enterprise", enterprise)},
        )

    # training sessions
    def _parse_training_sessions(self, row: Row):
        college = self._ref(row, "college_code", "college")
        enterprise = self._ref(row, "uscc", "enterprise")
        values = {name: row.field(name, TrainingSession) for name in ("title", "held_on", "trainees")}
        key = (college, enterprise, values["title"], values["held_on"])
        return Parsed(
            row.number, key, values, {"college_id": ("college", college), "enterprise_id": ("enterprise", enterprise)}
        )

    # ---------------------------------------------------------------- writing
    def write(self) -> ImportResult:
        for name in FILES:
            if name in self.parsed:
                writer = getattr(self, f"_write_{name}", None)
                writer() if writer else self._write_simple(name)
        return self.result

    def _resolve(self, p: Parsed) -> dict:
        values = dict(p.values)
        for attname, (entity, key) in p.refs.items():
            values[attname] = None if key is None else self.ids[entity][key]
        return values

    def _sync(self, name: str, model, existing: dict, *, entity: str | None = None, touched=frozenset()):
        """Create the rows whose key is new, update the changed ones; keys in `touched` count as updated."""
        counts = self.result.counts.setdefault(name, Counts())
        creates, updates, changed = [], [], set()
        for p in self.parsed[name]:
            key = p.key[0] if len(p.key) == 1 else p.key
            values = self._resolve(p)
            obj = existing.get(key)
            if obj is None:
                obj = model(**values)
                creates.append((key, obj))
                continue
            diff = [attname for attname, value in values.items() if getattr(obj, attname) != value]
            if diff:
                for attname in diff:
                    setattr(obj, attname, values[attname])
                updates.append(obj)
                changed.update(diff)
            elif key in touched:
                counts.updated += 1
            else:
                counts.unchanged += 1
        self._bulk_create(model, [obj for _key, obj in creates])
        self._bulk_update(model, updates, changed)
        counts.created += len(creates)
        counts.updated += len(updates)
        if entity:
            for key, obj in creates:
                existing[key] = obj
                self.ids[entity][key] = obj.pk
        return creates

    def _bulk_create(self, model, objs):
        bulk.create(model, objs, user=self.user, reason=REASON)

    def _bulk_update(self, model, objs, fields):
        bulk.update(model, objs, fields, user=self.user, reason=REASON)

    def _write_simple(self, name):
        model, existing, entity = {
            "industries": (Industry, self.industry_by_code, None),
            "clusters": (IndustryCluster, self.clusters, "cluster"),
            "majors": (Major, self.majors, "major"),
            "districts": (District, self.districts, None),
            "priority_majors": (PriorityMajor, self.priority_majors, None),
            "enterprises": (Enterprise, self.enterprises, "enterprise"),
            "colleges": (College, self.colleges, "college"),
            "programs": (Program, self.programs, "program"),
            "program_years": (ProgramYear, self.program_years, None),
            "training_bases": (TrainingBase, self.by_code["training_bases"], None),
            "order_classes": (OrderClass, self.order_classes, None),
            "cooperation_projects": (CooperationProject, self.by_code["cooperation_projects"], None),
            "training_sessions": (TrainingSession, self.training_sessions, None),
        }[name]
        self._sync(name, model, existing, entity=entity)

    def _write_industries(self):
        # Industry codes are the foreign keys themselves, so later files can refer to them already.
        self._sync("industries", Industry, self.industry_by_code)
        self.ids["industry"].update({p.key[0]: p.key[0] for p in self.parsed["industries"]})

    def _write_industry_colleges(self):
        existing = self.by_code["industry_colleges"]
        rows = {p.key[0]: p.extra["partners"] for p in self.parsed["industry_colleges"]}
        ids = [existing[code].pk for code in rows if code in existing]
        current = defaultdict(dict)
        for partner in IndustryCollegePartner.objects.filter(industry_college_id__in=ids):
            current[partner.industry_college_id][partner.enterprise_id] = partner
        creates, updates, deletes, touched = [], [], [], set()
        for code, wanted in rows.items():
            if code not in existing:
                continue
            have = current[existing[code].pk]
            wanted_ids = {self.ids["enterprise"][uscc]: leader for uscc, leader in wanted.items()}
            for enterprise_id, partner in have.items():
                if enterprise_id not in wanted_ids:
                    deletes.append(partner.pk)
                    touched.add(code)
                elif partner.is_chain_leader != wanted_ids[enterprise_id]:
                    partner.is_chain_leader = wanted_ids[enterprise_id]
                    updates.append(partner)
                    touched.add(code)
            for enterprise_id, leader in wanted_ids.items():
                if enterprise_id not in have:
                    creates.append(
                        IndustryCollegePartner(
                            industry_college_id=existing[code].pk, enterprise_id=enterprise_id, is_chain_leader=leader
                        )
                    )
                    touched.add(code)
        for code, obj in self._sync("industry_colleges", IndustryCollege, existing, touched=touched):
            creates.extend(
                IndustryCollegePartner(
                    industry_college_id=obj.pk, enterprise_id=self.ids["enterprise"][uscc], is_chain_leader=leader
                )
                for uscc, leader in rows[code].items()
            )
        IndustryCollegePartner.objects.filter(pk__in=deletes).delete()
        self._bulk_update(IndustryCollegePartner, updates, {"is_chain_leader"})
        self._bulk_create(IndustryCollegePartner, creates)

    def _write_demand_items(self):
        counts = self.result.counts.setdefault("demand_items", Counts())
        by_list: dict[tuple, list[Parsed]] = defaultdict(list)
        for p in self.parsed["demand_items"]:
            uscc, year, quarter = p.extra["list"]
            by_list[(self.ids["enterprise"][uscc], year, quarter)].append(p)
        years = {key[1] for key in by_list}
        lists = {(dl.enterprise_id, dl.year, dl.quarter): dl for dl in DemandList.objects.filter(year__in=years)}

        new_list, new_item = _maker(DemandList), _maker(DemandItem)
        new_lists, changed_lists, old_list_ids = [], [], []
        for key, rows in by_list.items():
            status = rows[0].extra["list_status"]
            demand_list = lists.get(key)
            if demand_list is None:
                demand_list = new_list({"enterprise_id": key[0], "year": key[1], "quarter": key[2], "status": status})
                new_lists.append(demand_list)
                lists[key] = demand_list
                continue
            old_list_ids.append(demand_list.pk)
            if demand_list.status != status:
                demand_list.status = status
                changed_lists.append(demand_list)
        self._bulk_create(DemandList, new_lists)
        self._bulk_update(DemandList, changed_lists, {"status"})
        copy_list_fields_to_items(changed_lists)

        # A list created just now has no items: only those of the lists that were there are read.
        items = defaultdict(list)
        for item in DemandItem.objects.filter(demand_list_id__in=old_list_ids).order_by("id"):
            items[item.demand_list_id].append(item)

        now = timezone.now()
        creates, updates, changed, deletes, events = [], [], set(), [], []
        for key, rows in by_list.items():
            demand_list = lists[key]
            have = items[demand_list.pk]
            # What DemandItem.copy_list_fields() takes from the list, worked out once for all its new items.
            copies = {name: getattr(demand_list, source) for name, source in LIST_FIELDS.items()}
            copies["demand_list_id"] = demand_list.pk
            for position, p in enumerate(rows):
                values = self._resolve(p)
                if position >= len(have):
                    creates.append(new_item(values | copies))
                    continue
                item = have[position]
                diff = [attname for attname, value in values.items() if getattr(item, attname) != value]
                if not diff:
                    counts.unchanged += 1
                    continue
                if "status" in diff:
                    events.append(DemandItemEvent(item=item, from_status=item.status, to_status=values["status"]))
                for attname in diff:
                    setattr(item, attname, values[attname])
                item.updated_at = now  # bulk_update does not touch auto_now fields
                updates.append(item)
                changed.update(diff)
            deletes.extend(item.pk for item in have[len(rows) :])
        if deletes:
            DemandItem.objects.filter(pk__in=deletes).delete()
        self._bulk_create(DemandItem, creates)
        self._bulk_update(DemandItem, updates, changed | {"updated_at"})
        events += [demand_rules.creation_event(item, by=self.user) for item in creates]
        for event in events:
            event.by, event.note = self.user, REASON
        self._bulk_create(DemandItemEvent, events)
        counts.created += len(creates)
        counts.updated += len(updates)
        counts.deleted += len(deletes)
