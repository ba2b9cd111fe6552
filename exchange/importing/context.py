"""What one import shares across its files: the rows that exist (preloaded once), the natural keys the
bundle brings, the per-row helpers that resolve references and run the models' clean(), and the writes."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from colleges.models import College, CooperationProject, IndustryCollege, TrainingBase, TrainingSession
from enterprises.models import Enterprise
from portal import bulk
from programs.models import OrderClass, Program, ProgramYear
from reference.models import District, Industry, IndustryCluster, Major, PriorityMajor

from ..cells import INVALID, Row
from ..errors import ErrorLog
from ..reading import Table

REASON = "导入"
ENTITY_LABELS = {
    "industry": ("行业", "industries"),
    "cluster": ("产业集群", "clusters"),
    "major": ("专业", "majors"),
    "enterprise": ("企业", "enterprises"),
    "college": ("院校", "colleges"),
    "program": ("专业点", "programs"),
    "district": ("区县", "districts"),
}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0


@dataclass
class Parsed:
    """A valid row: `values` by model attname, `refs` attname → (entity, natural key) resolved at write time."""

    number: int
    key: tuple
    values: dict
    refs: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


def complete(values: dict) -> bool:
    """Every cell parsed: the model's clean() can judge the row (even if a reference is missing)."""
    return INVALID not in values.values()


def required_error(row: Row, column: str):
    return row.error(column, _("「%(column)s」不能为空。") % {"column": column})


class Context:
    """The state of one import; `existing[file name]` holds the rows there are, by natural key."""

    def __init__(self, tables: dict[str, Table], log: ErrorLog, user):
        self.tables, self.log, self.user = tables, log, user
        self.parsed: dict[str, list[Parsed]] = {}
        self.counts: dict[str, Counts] = {}
        self.new_keys: dict[str, set] = defaultdict(set)  # natural keys that the bundle brings
        self.failed_keys: dict[str, list] = defaultdict(list)  # keys of bad rows: not reported again as missing
        self.new_enterprise_industry: dict[str, str] = {}
        self.implied_districts: dict[str, None] = {}  # names a bundle without districts.csv brings, in order
        self.scratch: dict = {}
        self._preload_reference()
        self._preload_parties()
        self._preload_rows()

    # ---------------------------------------------------------------- preload
    def _preload_reference(self):
        by = lambda model, key: {getattr(o, key): o for o in model.objects.all()}  # noqa: E731
        self.existing = {
            "industries": by(Industry, "code"),
            "clusters": by(IndustryCluster, "code"),
            "majors": by(Major, "code"),
            "districts": by(District, "name"),
        }
        self.ids: dict[str, dict] = {
            "industry": {code: code for code in self.existing["industries"]},  # FKs point at the code
            "cluster": {code: c.pk for code, c in self.existing["clusters"].items()},
            "major": {code: m.pk for code, m in self.existing["majors"].items()},
            "district": {name: d.pk for name, d in self.existing["districts"].items()},
        }
        if "priority_majors" in self.tables:
            self.existing["priority_majors"] = {(p.major_id, p.effective_from): p for p in PriorityMajor.objects.all()}

    def _preload_parties(self):
        # Enterprise instances are needed only to sync enterprises.csv; else three columns do (50 000 rows).
        if "enterprises" in self.tables:
            self.existing["enterprises"] = {e.uscc: e for e in Enterprise.objects.all()}
            known = [(uscc, e.pk, e.industry_id) for uscc, e in self.existing["enterprises"].items()]
        else:
            known = list(Enterprise.objects.values_list("uscc", "pk", "industry_id"))
        self.ids["enterprise"] = {uscc: pk for uscc, pk, _industry in known}
        self.enterprise_industry = {uscc: industry for uscc, _pk, industry in known}
        self.existing["colleges"] = {c.code: c for c in College.objects.all()}
        self.ids["college"] = {code: c.pk for code, c in self.existing["colleges"].items()}

    def _preload_rows(self):
        college_code = {pk: code for code, pk in self.ids["college"].items()}
        major_code = {pk: code for code, pk in self.ids["major"].items()}
        uscc = {pk: uscc for uscc, pk in self.ids["enterprise"].items()}
        programs = {(college_code[p.college_id], major_code[p.major_id], p.schooling): p for p in Program.objects.all()}
        self.existing["programs"] = programs
        self.ids["program"] = {key: p.pk for key, p in programs.items()}
        program_key = {p.pk: key for key, p in programs.items()}
        keys = {
            "program_years": (ProgramYear, lambda y: (*program_key[y.program_id], y.year)),
            "order_classes": (
                OrderClass,
                lambda o: (*program_key[o.program_id], uscc[o.enterprise_id], o.year, o.name),
            ),
            "training_sessions": (
                TrainingSession,
                lambda s: (college_code[s.college_id], uscc[s.enterprise_id], s.title, s.held_on),
            ),
            "industry_colleges": (IndustryCollege, lambda o: o.code),
            "training_bases": (TrainingBase, lambda o: o.code),
            "cooperation_projects": (CooperationProject, lambda o: o.code),
        }
        for name, (model, key) in keys.items():
            if name in self.tables:
                self.existing[name] = {key(o): o for o in model.objects.all()}

    # ---------------------------------------------------------------- checks
    def parse_table(self, table: Table, parse) -> list[Parsed]:
        """`parse(context, row)` for every row; bad rows and repeated keys are reported and left out."""
        parsed, first_row = [], {}
        for number, cells in table.rows:
            row = Row(self.log, table.label, number, cells)
            result = parse(self, row)
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

    def register(self, entity: str, name: str):
        """The natural keys of file `name` (its bad rows too) become known for the files after it."""
        keys = [p.key for p in self.parsed[name]] + self.failed_keys[name]
        self.new_keys[entity].update(key[0] if len(key) == 1 else key for key in keys)

    def known(self, entity: str, key) -> bool:
        return key in self.ids[entity] or key in self.new_keys[entity]

    def ref(self, row: Row, column: str, entity: str, key=None, *, optional=False):
        """The natural key in `column` if that row exists in the database or the bundle."""
        value = row.cells[column] if key is None else key
        if value == "" or value is INVALID:
            if value == "" and not optional:
                return required_error(row, column)
            return None if value == "" else INVALID
        if not self.known(entity, value):
            label, file = ENTITY_LABELS[entity]
            shown = " / ".join(value) if isinstance(value, tuple) else value
            return row.error(
                column,
                _("%(what)s「%(key)s」不存在：既不在数据库中，也不在本次导入的 %(file)s 中。")
                % {"what": label, "key": shown, "file": file},
            )
        return value

    def clean(self, row: Row, model, values: dict, columns: dict[str, str] | None = None):
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

    def program_key(self, row: Row):
        key = (row.cells["college_code"], row.cells["major_code"], row.field("schooling", Program))
        if INVALID in key:
            return INVALID
        for column in ("college_code", "major_code"):
            if not row.cells[column]:
                return required_error(row, column)
        if self.known("program", key):
            return key
        # Name the missing part: the college or major itself, else the program.
        for column, entity in (("college_code", "college"), ("major_code", "major")):
            if self.ref(row, column, entity) is INVALID:
                return INVALID
        return self.ref(row, "major_code", "program", key)

    # ---------------------------------------------------------------- writing
    def resolve(self, p: Parsed) -> dict:
        values = dict(p.values)
        for attname, (entity, key) in p.refs.items():
            values[attname] = None if key is None else self.ids[entity][key]
        return values

    def sync(self, name: str, model, *, entity: str | None = None, touched=frozenset()):
        """Create the rows whose key is new, update the changed ones; keys in `touched` count as updated."""
        existing = self.existing[name]
        counts = self.counts.setdefault(name, Counts())
        creates, updates, changed = [], [], set()
        for p in self.parsed[name]:
            key = p.key[0] if len(p.key) == 1 else p.key
            values = self.resolve(p)
            obj = existing.get(key)
            if obj is None:
                creates.append((key, model(**values)))
                continue
            diff = [attname for attname, value in values.items() if getattr(obj, attname) != value]
            for attname in diff:
                setattr(obj, attname, values[attname])
            if diff or key in touched:  # touched: its related rows changed, so its updated_at moves too
                updates.append(obj)
                changed.update(diff)
            else:
                counts.unchanged += 1
        self.create(model, [obj for _key, obj in creates])
        self.update(model, updates, changed)
        counts.created += len(creates)
        counts.updated += len(updates)
        for key, obj in creates:
            existing[key] = obj
            if entity:
                self.ids[entity][key] = obj.pk
        return creates

    def create(self, model, objs):
        bulk.create(model, objs, user=self.user, reason=REASON)

    def update(self, model, objs, fields):
        bulk.update(model, objs, fields, user=self.user, reason=REASON)
