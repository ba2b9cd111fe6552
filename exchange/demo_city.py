"""The demo city behind `manage.py seed_demo`, and a province-sized variant for load tests.

Everything is drawn from one random.Random(seed) in a fixed order and every date is relative
to fixed anchors (TODAY = 2026-11-25), so a seed always gives the same rows. Everything is
written in one transaction, in batches: small tables by bulk_create, the big ones as plain values
(portal.bulk.insert_values); demand lists, items and deliveries are generated chunk by chunk, so the
province scale never holds them all in memory (about 200 MB at most).
"""

import bisect
import dataclasses
import datetime
import functools
import hashlib
import itertools
import math
import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc

from colleges import models as cm
from demand import models as dm
from demand.choices import COUNTED_LIST_STATUSES
from enterprises import models as em
from metrics import models as mm
from policies import models as pm
from portal import bulk
from portal.models import UserProfile
from portal.periods import Period
from programs import models as prm
from reference import models as rm
from reference.matching import codes_match

from . import demo_plan
from . import demo_reference as ref

TODAY = datetime.date(2026, 11, 25)
QUARTERS = [(y, q) for y in (2025, 2026) for q in (1, 2, 3, 4)]
CURRENT_QUARTER = (2026, 4)
DEMO_PASSWORD = "Demo@2026portal"
BATCH = 5000
NO_GRADUATES = dict.fromkeys(("graduates", "employed", "employed_in_field", "employed_locally"), 0)
SCHOOLING_YEARS = {"secondary": 3, "3yr_higher": 3, "5yr_higher": 5, "bachelor": 4}
MAJOR_LEVEL = {"secondary": "secondary", "3yr_higher": "higher", "5yr_higher": "higher", "bachelor": "bachelor"}
# Schooling forms a college of each kind runs, with their shares.
KIND_SCHOOLING = {
    "higher": (("3yr_higher", 0.75), ("5yr_higher", 0.25)),
    "bachelor": (("bachelor", 0.6), ("3yr_higher", 0.4)),
    "technician": (("secondary", 0.55), ("5yr_higher", 0.45)),
    "secondary": (("secondary", 0.6), ("5yr_higher", 0.4)),
}


class _Choices:
    """(value, weight) pairs, picked with one rng.random() each (cumulative weights, bisect)."""

    def __init__(self, pairs):
        self.values = [value for value, _w in pairs]
        self.cumulative = list(itertools.accumulate(weight for _v, weight in pairs))

    def pick(self, rng: random.Random):
        return self.values[bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])]


ITEM_KINDS = _Choices((("talent", 0.55), ("training", 0.25), ("tech", 0.2)))
PENDING_STATUSES = _Choices((("open", 0.35), ("matched", 0.3), ("in_progress", 0.35)))
BASE_KINDS = _Choices((("school_factory", 0.45), ("factory_school", 0.35), ("public", 0.2)))
SCHOOLING_CHOICES = {kind: _Choices(pairs) for kind, pairs in KIND_SCHOOLING.items()}
KIND_PROGRAM_WEIGHT = {"higher": 2.5, "bachelor": 1.5, "technician": 1.2, "secondary": 1.0}
# Share of programs whose major serves a key cluster: the city's alignment target is 0.80.
ALIGNED_SHARE = 0.82


@dataclass(frozen=True)
class ScaleSpec:
    """How much of everything to make."""

    name: str
    colleges: int
    programs: int
    enterprises: int
    program_years: tuple[int, ...]
    filer_share: float  # enterprises that file demand lists at all
    filing_rate: float  # chance a filer files in a given quarter
    items_per_list: tuple[int, int]
    training_bases: int
    industry_colleges: int
    order_classes_per_year: int
    projects: int
    sessions_per_year: int
    certified_enterprises: int  # 产教融合型企业
    feedback_per_card_quarter: int
    alert_programs: int
    # Skip PostgreSQL's FK triggers (superuser only): checking millions of rows we just wrote
    # consistently took ~100 s at COMMIT. The city keeps them, so the tests check the references.
    trust_foreign_keys: bool = False


CITY = ScaleSpec(
    name="city",
    colleges=len(ref.CITY_COLLEGES),
    programs=300,
    enterprises=800,
    program_years=(2023, 2024, 2025, 2026),
    filer_share=0.4,
    filing_rate=0.75,
    items_per_list=(1, 6),
    training_bases=30,
    industry_colleges=12,
    order_classes_per_year=25,
    projects=35,
    sessions_per_year=60,
    certified_enterprises=40,
    feedback_per_card_quarter=6,
    alert_programs=6,
)
# 400 colleges, 12 000 programs, ~100 000 program-years (cohorts in school included), 50 000 enterprises,
# ~800 000 demand items.
PROVINCE = ScaleSpec(
    name="province",
    colleges=400,
    programs=12000,
    enterprises=50000,
    program_years=(2022, 2023, 2024, 2025, 2026),
    filer_share=0.5,
    filing_rate=0.8,
    items_per_list=(3, 7),
    training_bases=600,
    industry_colleges=240,
    order_classes_per_year=500,
    projects=700,
    sessions_per_year=1200,
    certified_enterprises=2500,
    feedback_per_card_quarter=100,
    alert_programs=120,
    trust_foreign_keys=True,
)
SCALES = {"city": CITY, "province": PROVINCE}


def scaled(spec: ScaleSpec, factor: float) -> ScaleSpec:
    """The spec with every count multiplied by factor (at least 1 of each): a small province for smoke tests."""
    counts = {
        f.name: max(1, math.ceil(getattr(spec, f.name) * factor)) for f in dataclasses.fields(spec) if f.type is int
    }
    counts["colleges"] = max(counts["colleges"], 4)
    return dataclasses.replace(spec, name=f"{spec.name}×{factor:g}", **counts)


@functools.cache  # PBKDF2 is deliberately slow: hash once per process (and hasher setting) for all users
def _demo_password_hash(hashers: tuple[str, ...]) -> str:
    return make_password(DEMO_PASSWORD)


class DemoDataExists(Exception):
    """Raised instead of seeding over existing domain data."""


# Models the reset empties, children before parents (raw deletes: no per-row signals or history).
_RESET_ORDER = [
    mm.Scenario,
    mm.Alert,
    mm.Snapshot,
    mm.SupplyDemandRow,
    mm.SupplyDemandMajorRow,
    mm.MetricRun,
    pm.PolicyFeedback,
    pm.PolicyDelivery,
    pm.PolicyCard,
    prm.OrderClass,
    prm.ProgramYear,
    dm.DemandClaim,
    dm.FulfilmentProposal,
    dm.DemandAssignment,
    dm.DemandItemEvent,
    dm.DemandItem,
    dm.DemandList,
    cm.IndustryCollegePartner,
    cm.IndustryCollege,
    cm.TrainingBase,
    cm.CooperationProject,
    cm.TrainingSession,
    prm.Program,
    rm.PriorityMajor,
    rm.District,
    rm.Major,
    cm.College,
    em.Enterprise,
    rm.IndustryCluster,
    rm.Industry,
]
DEMO_USERS = [
    ("bureau", "bureau"),
    ("college", "college"),
    ("enterprise", "enterprise"),
    ("agency", "agency"),
]


def domain_data_exists() -> bool:
    return any(model.objects.exists() for model in (rm.Industry, em.Enterprise, cm.College, rm.Major))


def reset_domain_data() -> None:
    """Delete every domain row (and its history), the metric results computed from them and the demo users."""
    demo_plan.reset()
    UserProfile.objects.filter(college__isnull=False).delete()
    UserProfile.objects.filter(enterprise__isnull=False).delete()
    for model in _RESET_ORDER:
        qs = model.objects.all()
        qs._raw_delete(qs.db)
        history = getattr(model, "history", None)
        if history is not None:
            hqs = history.model.objects.all()
            hqs._raw_delete(hqs.db)
    # Last, so deleting them has no domain rows left to update (reviewed_by, created_by …).
    get_user_model().objects.filter(username__in=[u for u, _role in DEMO_USERS]).delete()


def _bulk_rows(model, rows: Iterable[dict], counts: dict) -> int:
    """bulk.insert_values over any iterable of dict rows, BATCH at a time; returns how many were written."""
    n, buf = 0, []
    for row in rows:
        buf.append(row)
        if len(buf) >= BATCH:
            bulk.insert_values(model, buf)
            n += len(buf)
            buf = []
    bulk.insert_values(model, buf)
    n += len(buf)
    counts[model._meta.model_name] = counts.get(model._meta.model_name, 0) + n
    return n


def _bulk(model, rows: Iterable, counts: dict) -> int:
    """bulk_create rows (a generator is fine) BATCH at a time; returns how many were written."""
    n, buf = 0, []
    for row in rows:
        buf.append(row)
        if len(buf) >= BATCH:
            model.objects.bulk_create(buf, batch_size=BATCH)
            n += len(buf)
            buf = []
    if buf:
        model.objects.bulk_create(buf, batch_size=BATCH)
        n += len(buf)
    counts[model._meta.model_name] = counts.get(model._meta.model_name, 0) + n
    return n


@functools.cache  # a few thousand distinct days and hours; make_aware is the costly part
def _at(day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _quarter_start(year: int, quarter: int) -> datetime.date:
    return datetime.date(year, quarter * 3 - 2, 1)


def _uscc(n: int, region: str) -> str:
    """A valid USCC: 91 + region + a 9-character organisation code (GB 11714 check) + GB 32100 check."""
    digits = f"{(n * 7654321 + 13579246) % 10**8:08d}"  # multiplier coprime to 10: a bijection on 8 digits
    check = 11 - sum(int(d) * w for d, w in zip(digits, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11
    body = f"91{region}{digits}" + {10: "X", 11: "0"}.get(check, str(check))
    return body + stdnum_uscc.calc_check_digit(body)


@dataclass
class _Ent:
    """What later steps need to know about an enterprise, without keeping its model instance."""

    id: int
    index: int
    cluster: int | None  # index into CLUSTERS; None for other sectors
    industry: str
    district: str
    brand: str
    tags: tuple
    scale: str


@dataclass
class _Prog:
    """What later steps need to know about a program."""

    id: int
    college: int  # index into colleges
    major: str
    schooling: str
    established: datetime.date
    closed: datetime.date | None
    clusters: tuple


class _Seeder:
    """Generates and writes the data step by step, keeping the ids and facts later steps refer to."""

    def __init__(self, spec: ScaleSpec, seed: int, log: Callable[[str], None]):
        self.spec = spec
        self.rng = random.Random(seed)
        self.log = log
        self.counts: dict[str, int] = {}
        self.key_clusters = [i for i, c in enumerate(ref.CLUSTERS) if c[3]]

    # ---- reference data -------------------------------------------------------------------
    def reference(self):
        codes = {code for code, _name in ref.INDUSTRIES}

        def parent(code):
            for cut in (len(code) - 1, len(code) - 2, 1):
                if 0 < cut < len(code) and code[:cut] in codes:
                    return code[:cut]
            return ""

        _bulk(rm.Industry, (rm.Industry(code=c, name=n, parent_code=parent(c)) for c, n in ref.INDUSTRIES), self.counts)
        _bulk(
            rm.IndustryCluster,
            (
                rm.IndustryCluster(code=c[0], name=c[1], industry_codes=c[2], is_key=c[3], order=i + 1)
                for i, c in enumerate(ref.CLUSTERS)
            ),
            self.counts,
        )
        _bulk(
            rm.Major,
            (rm.Major(code=c, name=n, level=lv, industry_codes=ic) for c, n, lv, ic in ref.MAJORS),
            self.counts,
        )
        # Industries enterprises are registered in: the most specific codes under each cluster.
        self.cluster_industries = []
        for cluster in ref.CLUSTERS:
            under = [c for c in codes if any(c.startswith(p) for p in cluster[2])]
            leaves = sorted(c for c in under if not any(o != c and o.startswith(c) for o in under))
            self.cluster_industries.append(leaves)
        self.major_clusters = {
            code: tuple(
                i for i in self.key_clusters if any(codes_match(a, b) for a in inds for b in ref.CLUSTERS[i][2])
            )
            for code, _n, _lv, inds in ref.MAJORS
        }
        self.majors_by_level = {}
        for code, _n, level, _i in ref.MAJORS:
            self.majors_by_level.setdefault(level, []).append(code)
        self.major_names = {code: name for code, name, _lv, _i in ref.MAJORS}
        self.cluster_majors = {k: [m for m, ks in self.major_clusters.items() if k in ks] for k in self.key_clusters}

    def priority_majors(self):
        """优先发展专业目录: issued at the start of 2023 and revised for 2025, when a few majors left it and
        some came in; most entries name the key cluster the major serves."""
        rng, issued, revised = self.rng, datetime.date(2023, 1, 1), datetime.date(2025, 1, 1)

        def entries():
            for code, _name, _level, _industries in ref.MAJORS:
                served = self.major_clusters[code]
                if rng.random() >= (0.7 if served else 0.2):
                    continue
                cluster = ref.CLUSTERS[rng.choice(served)][0] if served and rng.random() < 0.8 else None
                start = revised if rng.random() < 0.2 else issued
                end = datetime.date(2024, 12, 31) if start == issued and rng.random() < 0.12 else None
                yield rm.PriorityMajor(major_id=code, cluster_id=cluster, effective_from=start, effective_to=end)

        _bulk(rm.PriorityMajor, entries(), self.counts)

    # ---- users ----------------------------------------------------------------------------
    def users(self, college_id: int, enterprise_id: int):
        User = get_user_model()
        hashed = _demo_password_hash(tuple(settings.PASSWORD_HASHERS))
        owners = {"college": {"college_id": college_id}, "enterprise": {"enterprise_id": enterprise_id}}
        made = {}
        for username, role in DEMO_USERS:
            user = User(username=username, password=hashed, is_staff=role == "bureau", is_superuser=role == "bureau")
            user.save()
            profile = UserProfile(user=user, role=role, **owners.get(role, {}))
            profile.full_clean()
            profile.save()
            made[role] = user
        validate_password(DEMO_PASSWORD, made["bureau"])
        return made

    # ---- colleges and programs ------------------------------------------------------------
    def colleges(self):
        rng = self.rng
        if self.spec.name == "city":
            rows = list(ref.CITY_COLLEGES)
            self.districts = list(ref.CITY_DISTRICTS)
            codes = {name: code for name, (_share, code) in ref.CITY_DISTRICTS.items()}
        else:
            codes = {f"{city}{d}": code for city, (_c, ds) in ref.PROVINCE_CITIES.items() for d, code in ds.items()}
            self.districts = list(codes)
            kinds = ["higher"] * 35 + ["bachelor"] * 5 + ["technician"] * 15 + ["secondary"] * 45
            rows, seen = [], set()
            while len(rows) < self.spec.colleges:
                district, field, kind = (
                    rng.choice(self.districts),
                    rng.choice(ref.PROVINCE_COLLEGE_FIELDS),
                    rng.choice(kinds),
                )
                name = f"{district}{field}{ref.COLLEGE_KIND_WORDS[kind]}"
                if name not in seen:
                    seen.add(name)
                    rows.append((name, kind, district))
        _bulk(
            rm.District,
            (rm.District(name=name, code=codes[name], order=i) for i, name in enumerate(self.districts, 1)),
            self.counts,
        )
        objs = []
        for i, (name, kind, district) in enumerate(rows):
            code = f"{13100 + i:05d}" if kind in ("higher", "bachelor") else f"3132{80000 + i:06d}"
            objs.append(cm.College(code=code, name=name, kind=kind, district=district))
        cm.College.objects.bulk_create(objs, batch_size=BATCH)
        self.counts["college"] = len(objs)
        self.college_rows = [(c.id, c.kind, c.name) for c in objs]

    def programs(self):
        rng, spec = self.rng, self.spec
        weights = [KIND_PROGRAM_WEIGHT[kind] * rng.uniform(0.8, 1.2) for _id, kind, _n in self.college_rows]
        total = sum(weights)
        self.progs: list[_Prog] = []
        objs = []
        pools = {}
        for level, majors in self.majors_by_level.items():
            for aligned in (True, False):
                pools[level, aligned] = [m for m in majors if bool(self.major_clusters[m]) == aligned] or majors
        for ci, (college_id, kind, _name) in enumerate(self.college_rows):
            wanted = max(3, round(spec.programs * weights[ci] / total))
            chosen: set[tuple[str, str]] = set()
            for _attempt in range(wanted * 4):
                if len(chosen) >= wanted:
                    break
                schooling = SCHOOLING_CHOICES[kind].pick(rng)
                aligned = rng.random() < ALIGNED_SHARE
                major = rng.choice(pools[MAJOR_LEVEL[schooling], aligned])
                if (major, schooling) in chosen:
                    continue
                chosen.add((major, schooling))
                emerging = rng.random() < 0.1
                start_year = rng.randint(2021, 2024) if emerging else rng.randint(2005, 2020)
                established = datetime.date(start_year, 9, 1)
                closed = None
                status = "normal"
                if not emerging and rng.random() < 0.05:
                    closed = datetime.date(rng.choice((2024, 2025, 2026)), 6, 30)
                    status = "stopped"
                prog = _Prog(0, ci, major, schooling, established, closed, self.major_clusters[major])
                self.progs.append(prog)
                objs.append(
                    {
                        "college_id": college_id,
                        "major_id": self._major_ids[major],
                        "schooling": schooling,
                        "established_on": established,
                        "closed_on": closed,
                        "enrollment_status": status,
                        "emerging": emerging,
                    }
                )
        # A few old programs were restricted (intake halved from 2025) after low in-field rates in 2023–2024,
        # a few stopped admitting in 2025 and teach out their cohorts; others now raise alerts.
        old_open = [i for i, p in enumerate(self.progs) if p.closed is None and p.established.year <= 2018]
        few = max(1, spec.alert_programs // 3)
        picked = rng.sample(old_open, min(len(old_open), spec.alert_programs + 2 * few))
        self.alerting = set(picked[: spec.alert_programs])
        self.restricted = set(picked[spec.alert_programs : spec.alert_programs + few])
        self.stopped = set(picked[spec.alert_programs + few :])
        for i in self.restricted:
            objs[i]["enrollment_status"] = "restricted"
        for i in self.stopped:
            objs[i]["enrollment_status"] = "stopped"
        for at in range(0, len(objs), BATCH):
            bulk.insert_values(prm.Program, objs[at : at + BATCH], with_ids=True)
        self.counts["program"] = len(objs)
        for prog, obj in zip(self.progs, objs, strict=True):
            prog.id = obj["id"]
        # Colleges that can fill a cluster's demand: those with a program serving it.
        self.cluster_colleges: dict[int, list[int]] = {}
        for prog in self.progs:
            for k in prog.clusters:
                ids = self.cluster_colleges.setdefault(k, [])
                college_id = self.college_rows[prog.college][0]
                if college_id not in ids:
                    ids.append(college_id)

    def program_years(self):
        """A row per cohort under its graduation year: graduated cohorts up to the last year with figures, then
        the cohorts now in school (enrolled, admitted, no graduates yet) that the forecast of SPEC 4.2 reads."""
        rng, first, last = self.rng, self.spec.program_years[0], self.spec.program_years[-1]

        def rows():
            for i, prog in enumerate(self.progs):
                length, size = SCHOOLING_YEARS[prog.schooling], rng.randint(30, 110)
                for year in range(first, last + length + 1):
                    intake = year - length  # admitted in September of this year
                    if intake < prog.established.year or (prog.closed and year > prog.closed.year):
                        continue
                    if i in self.stopped and intake >= 2025:
                        break
                    halved = i in self.restricted and intake >= 2025
                    admitted = round(size * rng.uniform(0.9, 1.1) * (0.5 if halved else 1))
                    if year > last:  # in school: a few percent leave each year
                        enrolled = round(admitted * rng.uniform(0.95, 0.99) ** (last - intake))
                        yield {
                            "program_id": prog.id,
                            "year": year,
                            "enrolled": enrolled,
                            "admitted": admitted,
                        } | NO_GRADUATES
                    else:
                        yield self._graduated(i, prog, year, admitted)

        _bulk_rows(prm.ProgramYear, rows(), self.counts)

    def _graduated(self, i: int, prog: _Prog, year: int, admitted: int) -> dict:
        rng = self.rng
        enrolled = round(admitted * rng.uniform(0.9, 0.98))
        graduates = round(enrolled * rng.uniform(0.93, 0.99))
        employed = round(graduates * rng.uniform(0.86, 0.98))
        low = (i in self.alerting and year >= 2025) or (i in self.restricted and year in (2023, 2024))
        in_field = round(employed * (rng.uniform(0.38, 0.56) if low else rng.uniform(0.64, 0.93)))
        local = (
            min(0.99, max(0.6, rng.gauss(0.852, 0.05))) if prog.schooling == "5yr_higher" else rng.uniform(0.45, 0.85)
        )
        return {
            "program_id": prog.id,
            "year": year,
            "enrolled": enrolled,
            "admitted": admitted,
            "graduates": graduates,
            "employed": employed,
            "employed_in_field": in_field,
            "employed_locally": round(employed * local),
        }

    # ---- enterprises ----------------------------------------------------------------------
    def enterprises(self):
        rng, spec = self.rng, self.spec
        if spec.name == "city":
            districts = [(d, w, code, "淮安") for d, (w, code) in ref.CITY_DISTRICTS.items()]
        else:
            districts = [
                (f"{city}{d}", 1.0, code, city.removesuffix("市"))
                for city, (code, ds) in ref.PROVINCE_CITIES.items()
                for d in ds
            ]
        cluster_choices = _Choices([(i, c[4]) for i, c in enumerate(ref.CLUSTERS)] + [(None, 0.1)])
        scales = _Choices((("large", 0.03), ("medium", 0.15), ("small", 0.5), ("micro", 0.32)))
        names: set[str] = set()
        self.ents: list[_Ent] = []
        objs = []
        district_choices = _Choices([((d, w, c, p), w) for d, w, c, p in districts])
        for n in range(spec.enterprises):
            district, _w, region, prefix = district_choices.pick(rng)
            cluster = cluster_choices.pick(rng)
            if n == 0:  # the demo clerk's enterprise: a large NEV chain leader in the city centre
                cluster, (district, _w, region, prefix) = 0, districts[0]
            if cluster is None:
                industry = rng.choice(ref.OTHER_SECTORS[0])
                words = ref.OTHER_SECTOR_WORDS[industry]
            else:
                industry, words = rng.choice(self.cluster_industries[cluster]), ref.CLUSTERS[cluster][5]
            scale = "large" if n == 0 else scales.pick(rng)
            for length in (2, 2, 2, 3, 3, 4):
                brand = "".join(rng.sample(ref.BRAND_CHARS, length))
                suffix = "股份有限公司" if scale == "large" and rng.random() < 0.5 else "有限公司"
                name = f"{prefix}{brand}{rng.choice(words)}{suffix}"
                if name not in names:
                    break
            names.add(name)
            tags = []
            if scale in ("large", "medium") or (scale == "small" and rng.random() < 0.25):
                tags.append("above_scale")
            if scale != "micro" and rng.random() < 0.1:
                tags.append("specialized")
                if rng.random() < 0.3:
                    tags.append("little_giant")
            self.ents.append(_Ent(0, n, cluster, industry, district, brand, (), scale))
            objs.append(
                {
                    "uscc": _uscc(n + 1, region),
                    "name": name,
                    "industry_id": industry,
                    "district": district,
                    "scale": scale,
                    "tags": tags,
                    "integration_certified_on": None,
                }
            )
        # Chain leaders (链主): the largest enterprises of each key cluster, at least four per cluster.
        for k in self.key_clusters:
            members = [e for e in self.ents if e.cluster == k]
            members.sort(key=lambda e: (e.index != 0, ("large", "medium", "small", "micro").index(e.scale), e.index))
            for e in members[: max(4, round(len(members) * 0.04))]:
                obj = objs[e.index]
                obj["scale"] = e.scale = "large" if e.scale in ("large", "medium") or e.index == 0 else "medium"
                obj["tags"] = ["above_scale", "chain_leader"] + [t for t in obj["tags"] if t != "above_scale"]
        objs[0]["tags"] = ["above_scale", "specialized", "chain_leader"]
        # 产教融合型企业: certified in batches over the years, mostly above-scale enterprises.
        candidates = [e.index for e in self.ents if "above_scale" in objs[e.index]["tags"]]
        certified = [0] + rng.sample(candidates[1:], min(len(candidates) - 1, spec.certified_enterprises - 1))
        batches = [
            datetime.date(y, m, d)
            for y, m, d in (
                (2020, 12, 30),
                (2021, 12, 28),
                (2022, 12, 30),
                (2023, 12, 26),
                (2024, 6, 28),
                (2024, 12, 27),
                (2025, 6, 30),
                (2025, 12, 29),
                (2026, 6, 30),
            )
        ]
        for idx in certified:
            objs[idx]["integration_certified_on"] = rng.choice(batches) if idx else batches[2]
        for at in range(0, len(objs), BATCH):
            bulk.insert_values(em.Enterprise, objs[at : at + BATCH], with_ids=True)
        self.counts["enterprise"] = len(objs)
        for e, obj in zip(self.ents, objs, strict=True):
            e.id, e.tags, e.scale = obj["id"], tuple(obj["tags"]), obj["scale"]
        self.demo_enterprise = self.ents[0]

    # ---- demand lists and items -----------------------------------------------------------
    def demand(self, bureau):
        rng, spec = self.rng, self.spec
        filers = [e for e in self.ents if e.index == 0 or rng.random() < spec.filer_share]
        for year, quarter in QUARTERS:
            start, end = _quarter_start(year, quarter), Period(year, quarter).end
            current = (year, quarter) == CURRENT_QUARTER
            if current:
                statuses = _Choices((("draft", 0.4), ("submitted", 0.4), ("accepted", 0.15), ("returned", 0.05)))
            elif (year, quarter) == (2026, 3):
                statuses = _Choices((("accepted", 0.55), ("submitted", 0.35), ("returned", 0.05), ("draft", 0.05)))
            else:
                statuses = _Choices((("accepted", 0.72), ("submitted", 0.13), ("returned", 0.08), ("draft", 0.07)))
            filing = [e for e in filers if e.index == 0 or rng.random() < spec.filing_rate]
            for chunk_start in range(0, len(filing), BATCH):
                chunk = filing[chunk_start : chunk_start + BATCH]
                lists = []
                for e in chunk:
                    status = statuses.pick(rng)
                    if e.index == 0:  # the demo clerk has this quarter's list still to submit
                        status = "draft" if current else "accepted"
                    created = _at(start + datetime.timedelta(days=rng.randint(0, 20)), 9)
                    submitted = reviewed = None
                    if status != "draft":
                        submitted = created + datetime.timedelta(days=rng.randint(1, 25), hours=rng.randint(0, 8))
                        submitted = min(submitted, _at(TODAY, 9))
                    if status in ("accepted", "returned"):
                        reviewed = min(submitted + datetime.timedelta(days=rng.randint(1, 14)), _at(TODAY, 11))
                    lists.append(
                        {
                            "enterprise_id": e.id,
                            "year": year,
                            "quarter": quarter,
                            "status": status,
                            "return_reason": rng.choice(ref.RETURN_REASONS) if status == "returned" else "",
                            "submitted_at": submitted,
                            "reviewed_at": reviewed,
                            "reviewed_by_id": bureau.id if reviewed else None,
                            "created_at": created,
                        }
                    )
                bulk.insert_values(dm.DemandList, lists, with_ids=True)
                self.counts["demandlist"] = self.counts.get("demandlist", 0) + len(lists)
                items, plans = [], []
                for e, lst in zip(chunk, lists, strict=True):
                    for _n in range(rng.randint(*spec.items_per_list)):
                        item, colleges = self._item(e, lst, start, end)
                        items.append(item)
                        plans.append((lst, colleges))
                for at in range(0, len(items), BATCH):
                    bulk.insert_values(dm.DemandItem, items[at : at + BATCH], with_ids=True)
                self.counts["demanditem"] = self.counts.get("demanditem", 0) + len(items)
                self._item_history(items, plans, bureau)

    def _item(self, e: _Ent, lst: dict, start, end):
        rng = self.rng
        kind = ITEM_KINDS.pick(rng)
        sector = ref.CLUSTERS[e.cluster] if e.cluster is not None else (None,) * 5 + ref.OTHER_SECTORS[1:]
        if kind == "talent":
            headcount = rng.randint(2, 40 if "chain_leader" in e.tags else 15)
            title = f"{rng.choice(sector[6])}招聘"
        elif kind == "training":
            headcount = rng.randint(10, 120)
            title = f"{rng.choice(sector[8]).removesuffix('培训')}培训"
        else:
            headcount = None
            title = f"{rng.choice(sector[7])}技术攻关"
        industry = e.industry
        if e.cluster is not None and rng.random() < 0.1:
            industry = rng.choice(self.cluster_industries[e.cluster])
        major = ""
        if kind == "talent" and e.cluster in self.key_clusters and rng.random() < 0.7:
            major = rng.choice(self.cluster_majors[e.cluster] or [""])
        due = end + datetime.timedelta(days=rng.randint(20, 240))
        status, fulfilled_on, fulfilled_headcount = "open", None, None
        if lst["status"] in COUNTED_LIST_STATUSES:
            if rng.random() < 0.05:
                status = "cancelled"
            elif rng.random() < (0.78 if due <= TODAY else 0.2):
                status = "fulfilled"
                if rng.random() < 0.15:  # ticked off late
                    fulfilled_on = due + datetime.timedelta(days=rng.randint(1, 45))
                else:
                    fulfilled_on = due - datetime.timedelta(days=rng.randint(0, 75))
                fulfilled_on = min(max(fulfilled_on, start + datetime.timedelta(days=10)), TODAY)
                if headcount:
                    fulfilled_headcount = max(1, round(headcount * rng.uniform(0.6, 1.0)))
            else:
                status = PENDING_STATUSES.pick(rng)
        created = lst["created_at"] + datetime.timedelta(hours=rng.randint(0, 48))
        item = {
            "demand_list_id": lst["id"],
            "year": lst["year"],
            "quarter": lst["quarter"],
            "list_status": lst["status"],
            "kind": kind,
            "title": title,
            "industry_id": industry,
            "major_code": major,
            "headcount": headcount,
            "due_on": due,
            "status": status,
            "fulfilled_on": fulfilled_on,
            "fulfilled_headcount": fulfilled_headcount,
            "created_at": created,
            "updated_at": _at(fulfilled_on, 16) if fulfilled_on else created,
        }
        # Talent/training items that got anywhere go to one (sometimes two) colleges serving the cluster.
        colleges = []
        if status in ("matched", "in_progress", "fulfilled") and kind != "tech" and rng.random() < 0.6:
            pool = self.cluster_colleges.get(e.cluster) or [c[0] for c in self.college_rows]
            colleges = rng.sample(pool, min(len(pool), 2 if rng.random() < 0.15 else 1))
        return item, colleges

    def _item_history(self, items, plans, bureau):
        """Status events (who and when) for every item that moved, and the college assignments."""
        paths = {
            "matched": ("matched",),
            "in_progress": ("matched", "in_progress"),
            "fulfilled": ("matched", "fulfilled"),
            "cancelled": ("cancelled",),
        }
        latest = _at(TODAY, 12)
        events, assignments = [], []
        for item, (lst, colleges) in zip(items, plans, strict=True):
            done = _at(item["fulfilled_on"], 16) if item["fulfilled_on"] else latest
            base = min(
                (lst["reviewed_at"] or lst["submitted_at"] or lst["created_at"]) + datetime.timedelta(days=3), done
            )
            previous = "open"
            for step, to in enumerate(paths.get(item["status"], ())):
                at = done if to == "fulfilled" else min(base + datetime.timedelta(days=7 * step), done)
                events.append(
                    {
                        "item_id": item["id"],
                        "from_status": previous,
                        "to_status": to,
                        "by_id": bureau.id,
                        "at": at,
                        "note": "",
                    }
                )
                previous = to
            for college_id in colleges:
                assignments.append(
                    {"item_id": item["id"], "college_id": college_id, "assigned_by_id": bureau.id, "assigned_at": base}
                )
        _bulk_rows(dm.DemandItemEvent, events, self.counts)
        _bulk_rows(dm.DemandAssignment, assignments, self.counts)

    # ---- colleges working their items: progress notes, a proposal of 销号, 公开揭榜 ------------
    def college_work(self, users):
        """The demo college's notes on three items in progress and a proposal of 销号 waiting for the bureau;
        two open items of other enterprises open for claims, the first claimed by the demo college. Picked by
        id among the rows generated above, so a seed always picks the same."""
        college_id, college_user = self.college_rows[0][0], users["college"]
        working = list(
            dm.DemandItem.objects.filter(status="in_progress", assignments__college_id=college_id)
            .order_by("id")
            .values_list("id", "headcount")[:3]
        )
        notes = [
            "已与企业对接岗位要求，推荐学生参加面试。",
            "首批学生已进入企业跟岗实习。",
            "企业反馈良好，正在准备第二批人选。",
        ]
        events = []
        for n, (item_id, _headcount) in enumerate(working):
            at = _at(TODAY - datetime.timedelta(days=20 - 5 * n), 15)
            events.append(self._work_event(item_id, "progress", college_user, college_id, at, notes[n]))
        if working:
            item_id, headcount = working[0]
            done_on = TODAY - datetime.timedelta(days=3)
            delivered = max(1, headcount - 1) if headcount else None
            proposal = {"item_id": item_id, "college_id": college_id, "headcount": delivered, "fulfilled_on": done_on}
            proposal.update(
                status="pending",
                proposed_by_id=college_user.id,
                proposed_at=_at(TODAY - datetime.timedelta(days=2), 16),
            )
            _bulk_rows(dm.FulfilmentProposal, [proposal], self.counts)
            text = _("%(college)s申请销号：实际满足 %(headcount)s 人，完成日期 %(on)s。") % {
                "college": self.college_rows[0][2],
                "headcount": delivered if delivered is not None else _("按需求人数"),
                "on": done_on.isoformat(),
            }
            events.append(
                self._work_event(item_id, "proposal", college_user, college_id, proposal["proposed_at"], text)
            )
        claimable = list(
            dm.DemandItem.objects.filter(status="open", list_status__in=COUNTED_LIST_STATUSES, assignments__isnull=True)
            .exclude(demand_list__enterprise_id=self.demo_enterprise.id)
            .filter(due_on__gt=TODAY)
            .order_by("id")
            .values_list("id", flat=True)[:2]
        )
        dm.DemandItem.objects.filter(pk__in=claimable).update(claims_open=True)
        for item_id in claimable:
            events.append(
                self._work_event(item_id, "claims_opened", None, None, _at(TODAY - datetime.timedelta(days=10), 9), "")
            )
        if claimable:
            plan = _("依托本校相关专业开设订单班，首批学生可于下学期进入企业实习。")
            claim = {"item_id": claimable[0], "college_id": college_id, "plan": plan, "status": "pending"}
            claim.update(claimed_by_id=college_user.id, claimed_at=_at(TODAY - datetime.timedelta(days=4), 11))
            _bulk_rows(dm.DemandClaim, [claim], self.counts)
            events.append(self._work_event(claimable[0], "claim", college_user, college_id, claim["claimed_at"], plan))
        _bulk_rows(dm.DemandItemEvent, events, self.counts)

    @staticmethod
    def _work_event(item_id, kind, by, college_id, at, note) -> dict:
        status = "open" if kind in ("claims_opened", "claim") else "in_progress"
        return {
            "item_id": item_id,
            "kind": kind,
            "from_status": status,
            "to_status": status,
            "by_id": by.id if by else None,
            "at": at,
            "note": note,
            "college_id": college_id,
        }

    # ---- cooperation: industry colleges, bases, order classes, projects, sessions ----------
    def cooperation(self):
        rng, spec = self.rng, self.spec
        colleges = self.college_rows
        college_names = {cid: name for cid, _kind, name in colleges}
        by_cluster = {k: [e for e in self.ents if e.cluster == k] for k in self.key_clusters}
        live = [k for k in self.key_clusters if by_cluster[k]]  # a tiny smoke-test scale may leave a cluster empty
        leaders = {k: [e for e in members if "chain_leader" in e.tags] for k, members in by_cluster.items()}
        all_colleges = [c[0] for c in colleges]

        # 产业学院: about two in three reach three chain-leader partners (the 100 % target is at risk).
        industry_colleges, partners = [], []
        leading = [c for c in colleges if c[1] != "secondary"] or colleges
        for n in range(spec.industry_colleges):
            college_id = leading[n % len(leading)][0]
            k = live[n % len(live)]
            cluster = ref.CLUSTERS[k]
            industry_colleges.append(
                cm.IndustryCollege(
                    code=f"CYXY{n + 1:03d}",
                    name=f"{college_names[college_id]}{cluster[1]}产业学院",
                    college_id=college_id,
                    cluster_id=self._cluster_ids[cluster[0]],
                    established_on=datetime.date(rng.randint(2019, 2025), rng.choice((3, 9)), rng.choice((1, 15))),
                )
            )
            n_leaders = rng.randint(3, 4) if n % 3 != 2 else rng.randint(0, 2)
            chosen = rng.sample(leaders[k], min(n_leaders, len(leaders[k])))
            others = [e for e in by_cluster[k] if "chain_leader" not in e.tags]
            partners.append(chosen + rng.sample(others, min(len(others), rng.randint(2, 5))))
        cm.IndustryCollege.objects.bulk_create(industry_colleges, batch_size=BATCH)
        self.counts["industrycollege"] = len(industry_colleges)
        _bulk(
            cm.IndustryCollegePartner,
            (
                cm.IndustryCollegePartner(
                    industry_college_id=ic.id, enterprise_id=e.id, is_chain_leader="chain_leader" in e.tags
                )
                for ic, chosen in zip(industry_colleges, partners, strict=True)
                for e in chosen
            ),
            self.counts,
        )

        # 实训基地: mostly certified, a few closed; 厂中校 belong to an enterprise (half of them jointly).
        def bases():
            for n in range(spec.training_bases):
                kind = BASE_KINDS.pick(rng)
                k = rng.choice(live)
                college_id = rng.choice(all_colleges) if kind != "factory_school" or rng.random() < 0.5 else None
                enterprise = rng.choice(by_cluster[k]) if kind == "factory_school" else None
                if kind == "public":
                    city = "淮安市" if spec.name == "city" else rng.choice(list(ref.PROVINCE_CITIES))
                    name = f"{city}{ref.CLUSTERS[k][1]}公共实训基地"
                elif enterprise is not None:
                    name = f"{enterprise.brand}{ref.CLUSTERS[k][5][0]}厂中校实训基地"
                else:
                    name = f"{college_names[college_id]}{ref.CLUSTERS[k][1]}实训基地"
                established = datetime.date(rng.randint(2014, 2025), rng.randint(1, 12), 1)
                closed = None
                if rng.random() < 0.06:
                    closed = datetime.date(rng.randint(established.year + 1, 2026), 6, 30)
                yield cm.TrainingBase(
                    code=f"SXJD{n + 1:04d}",
                    name=name,
                    college_id=college_id,
                    enterprise_id=enterprise.id if enterprise else None,
                    kind=kind,
                    certified=rng.random() < 0.9,
                    established_on=established,
                    closed_on=closed,
                )

        _bulk(cm.TrainingBase, bases(), self.counts)

        # 订单班 / 冠名班: a program active that year with an enterprise of a cluster its major serves.
        def order_classes():
            seen = set()
            for year in self.spec.program_years:
                active = [
                    p
                    for p in self.progs
                    if any(by_cluster.get(k) for k in p.clusters)
                    and p.established.year < year
                    and (p.closed is None or p.closed.year >= year)
                ]
                made = 0
                for _attempt in range(spec.order_classes_per_year * 5):
                    if made >= spec.order_classes_per_year or not active:
                        break
                    p = rng.choice(active)
                    e = rng.choice(by_cluster[rng.choice([k for k in p.clusters if by_cluster.get(k)])])
                    kind = "named" if rng.random() < 0.4 else "order"
                    if kind == "named":
                        name = f"{e.brand}冠名班（{year}级）"
                    else:
                        name = f"{e.brand}{self.major_names[p.major]}订单班"
                    if (p.id, e.id, year, name) in seen:
                        continue
                    seen.add((p.id, e.id, year, name))
                    made += 1
                    yield prm.OrderClass(
                        program_id=p.id, enterprise_id=e.id, year=year, name=name, seats=rng.randint(20, 50), kind=kind
                    )

        _bulk(prm.OrderClass, order_classes(), self.counts)

        # 产学合作协同育人项目: some finished, most running.
        def projects():
            for n in range(spec.projects):
                k = rng.choice(live)
                started = datetime.date(rng.randint(2021, 2026), rng.choice((1, 3, 6, 9)), 1)
                ended = datetime.date(started.year + rng.randint(1, 3), 12, 31) if rng.random() < 0.35 else None
                yield cm.CooperationProject(
                    code=f"XTYR{n + 1:04d}",
                    name=f"{rng.choice(ref.CLUSTERS[k][7])}产学合作协同育人项目",
                    college_id=rng.choice(self.cluster_colleges.get(k) or all_colleges),
                    enterprise_id=rng.choice(by_cluster[k]).id,
                    started_on=started,
                    ended_on=ended,
                )

        _bulk(cm.CooperationProject, projects(), self.counts)

        # 职工技能培训: sessions through each year, this year only up to today.
        def sessions():
            seen = set()
            for year in self.spec.program_years:
                first = datetime.date(year, 1, 1)
                days = (min(datetime.date(year, 12, 31), TODAY) - first).days
                count = round(spec.sessions_per_year * (days + 1) / 365)
                made = 0
                for _attempt in range(count * 5):
                    if made >= count:
                        break
                    k = rng.choice(live)
                    e = rng.choice(by_cluster[k])
                    college_id = rng.choice(self.cluster_colleges.get(k) or all_colleges)
                    title = f"{rng.choice(ref.CLUSTERS[k][8]).removesuffix('培训')}培训班"
                    held = first + datetime.timedelta(days=rng.randint(0, days))
                    if (college_id, e.id, title, held) in seen:
                        continue
                    seen.add((college_id, e.id, title, held))
                    made += 1
                    yield cm.TrainingSession(
                        college_id=college_id,
                        enterprise_id=e.id,
                        title=title,
                        held_on=held,
                        trainees=rng.randint(20, 160),
                    )

        _bulk(cm.TrainingSession, sessions(), self.counts)

    # ---- policy cards -----------------------------------------------------------------------
    def policies(self, bureau, clerk):
        rng, spec = self.rng, self.spec
        cards = []
        for title, category, summary, body, issuer, doc, frm, to, tags, status, published in ref.POLICY_CARDS:
            cards.append(
                {
                    "title": title,
                    "category": category,
                    "summary": summary,
                    "body": body,
                    "issuer": issuer,
                    "document_no": doc,
                    "effective_from": datetime.date.fromisoformat(frm),
                    "effective_to": datetime.date.fromisoformat(to) if to else None,
                    "audience_tags": tags,
                    "status": status,
                    "published_at": _at(datetime.date.fromisoformat(published), 9) if published else None,
                    "archived_at": _at(datetime.date(2026, 1, 5), 9) if status == "archived" else None,
                    "created_by_id": bureau.id,
                    "created_at": _at(datetime.date.fromisoformat(published or "2026-11-02"), 8),
                }
            )
        bulk.insert_values(pm.PolicyCard, cards, with_ids=True)
        self.counts["policycard"] = len(cards)
        now = _at(TODAY, 9)

        def audience(card):
            wanted = set(card["audience_tags"])
            return [e for e in self.ents if not wanted or wanted.intersection(e.tags)]

        def deliveries():
            for card in cards:
                if card["published_at"] is None:
                    continue
                for e in audience(card):
                    acknowledged = None
                    # The demo clerk leaves this year's cards to acknowledge during the demo.
                    if rng.random() < 0.62 and not (e.index == 0 and card["published_at"].year == 2026):
                        acknowledged = min(
                            card["published_at"] + datetime.timedelta(hours=rng.randint(4, 24 * 60)), now
                        )
                    yield {
                        "card_id": card["id"],
                        "enterprise_id": e.id,
                        "delivered_at": card["published_at"],
                        "acknowledged_at": acknowledged,
                        "acknowledged_by_id": clerk.id if acknowledged and e.index == 0 else None,
                    }

        _bulk_rows(pm.PolicyDelivery, deliveries(), self.counts)

        def feedback():
            for card in cards:
                if card["status"] != "published":
                    continue
                reached = audience(card)
                for year, quarter in QUARTERS:
                    if Period(year, quarter).end <= card["published_at"].date():
                        continue
                    sample = rng.sample(reached, min(len(reached), spec.feedback_per_card_quarter))
                    demo = self.ents[0]
                    if (year, quarter) == CURRENT_QUARTER and reached[0] is demo and demo not in sample:
                        sample.append(demo)  # an open question for the demo clerk to answer
                    requested = _at(_quarter_start(year, quarter) + datetime.timedelta(days=20), 9)
                    for e in sample:
                        answered = (year, quarter) != CURRENT_QUARTER and rng.random() < 0.6
                        benefited = (rng.random() < 0.75) if answered else None
                        yield {
                            "card_id": card["id"],
                            "enterprise_id": e.id,
                            "year": year,
                            "quarter": quarter,
                            "requested_at": requested,
                            "benefited": benefited,
                            "comment": rng.choice(ref.FEEDBACK_COMMENTS[benefited]) if answered else "",
                            "answered_at": requested + datetime.timedelta(days=rng.randint(2, 30))
                            if answered
                            else None,
                        }

        _bulk_rows(pm.PolicyFeedback, feedback(), self.counts)

    # ---- the city plan's tasks (Panjin's division of work) ----------------------------------
    def plan_tasks(self, bureau):
        hashed = _demo_password_hash(tuple(settings.PASSWORD_HASHERS))
        return demo_plan.seed(self.rng, hashed, bureau, self.counts)

    # ---- the whole run --------------------------------------------------------------------
    def run(self, advance):
        steps = []

        def step(label, fn, *args):
            began = time.perf_counter()
            result = fn(*args)
            steps.append((label, time.perf_counter() - began))
            self.log(f"  {label}: {steps[-1][1]:.1f}s")
            advance(1, label)
            return result

        step("reference", self.reference)
        step("priority majors", self.priority_majors)
        self._major_ids = dict(rm.Major.objects.values_list("code", "id"))
        self._cluster_ids = dict(rm.IndustryCluster.objects.values_list("code", "id"))
        step("colleges", self.colleges)
        step("programs", self.programs)
        step("program years", self.program_years)
        step("enterprises", self.enterprises)
        users = step("users", self.users, self.college_rows[0][0], self.demo_enterprise.id)
        step("demand lists", self.demand, users["bureau"])
        step("college work", self.college_work, users)
        step("cooperation", self.cooperation)
        step("policies", self.policies, users["bureau"], users["enterprise"])
        if self.spec.name == "city":
            step("target sources", self.target_sources)
        self.department_users = step("plan tasks", self.plan_tasks, users["bureau"])
        return users

    def target_sources(self):
        """The city's targets cite the demo city's documents only (seeded targets may cite another city)."""
        for metric, source in ref.CITY_TARGET_SOURCES.items():
            mm.Target.objects.filter(metric=metric, scope_type="city", scope_id="").update(source=source)


def _skip_foreign_key_checks() -> None:
    """Turn off FK triggers for the rest of the transaction when the database lets us (PostgreSQL superuser)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def seed(
    *,
    spec: ScaleSpec = CITY,
    seed: int = 2026,
    reset: bool = False,
    log: Callable[[str], None] = lambda _m: None,
    advance: Callable[..., None] = lambda n=1, note=None: None,
) -> dict:
    """Fill the database with the demo data of `spec`, in one transaction; `advance(1, step)` after each step.

    Refuses (DemoDataExists) when domain data is already there, unless reset=True, which first
    deletes all domain data. Returns the row counts, the elapsed seconds and the demo logins.
    """
    began = time.perf_counter()
    with transaction.atomic():
        if spec.trust_foreign_keys:
            _skip_foreign_key_checks()
        if domain_data_exists():
            if not reset:
                raise DemoDataExists(_("数据库中已有业务数据，未生成演示数据。如需清空后重新生成，请加 --reset。"))
            reset_domain_data()
        seeder = _Seeder(spec, seed, log)
        users = seeder.run(advance)
    return {
        "counts": seeder.counts,
        "seconds": time.perf_counter() - began,
        "users": [(u.username, role) for role, u in users.items()]
        + [(u.username, f"department · {u.profile.unit.name}") for u in seeder.department_users],
        "password": DEMO_PASSWORD,
    }


def digest() -> str:
    """A SHA-256 of the seeded content by natural keys (no ids, no wall-clock times): equal seeds, equal digests."""
    h = hashlib.sha256()

    def feed(rows):
        for row in sorted(rows, key=repr):
            h.update(repr(row).encode())

    feed(rm.Industry.objects.values_list("code", "name", "parent_code"))
    feed(rm.IndustryCluster.objects.values_list("code", "industry_codes", "is_key"))
    feed(rm.Major.objects.values_list("code", "name", "level", "industry_codes"))
    feed(rm.District.objects.values_list("code", "name", "order"))
    feed(rm.PriorityMajor.objects.values_list("major_id", "cluster_id", "effective_from", "effective_to"))
    feed(cm.College.objects.values_list("code", "name", "kind", "district"))
    feed(
        em.Enterprise.objects.values_list(
            "uscc", "name", "industry_id", "district", "scale", "tags", "integration_certified_on"
        )
    )
    feed(
        prm.Program.objects.values_list(
            "college__code", "major__code", "schooling", "established_on", "closed_on", "enrollment_status", "emerging"
        )
    )
    feed(
        prm.ProgramYear.objects.values_list(
            "program__college__code",
            "program__major__code",
            "program__schooling",
            "year",
            "enrolled",
            "admitted",
            "graduates",
            "employed",
            "employed_in_field",
            "employed_locally",
        )
    )
    feed(
        dm.DemandList.objects.values_list(
            "enterprise__uscc", "year", "quarter", "status", "submitted_at", "reviewed_at"
        )
    )
    feed(
        dm.DemandItem.objects.values_list(
            "demand_list__enterprise__uscc",
            "demand_list__year",
            "demand_list__quarter",
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
    feed(
        dm.DemandItemEvent.objects.values_list("item__demand_list__enterprise__uscc", "item__title", "to_status", "at")
    )
    feed(dm.DemandAssignment.objects.values_list("item__demand_list__enterprise__uscc", "item__title", "college__code"))
    feed(dm.DemandItem.objects.filter(claims_open=True).values_list("demand_list__enterprise__uscc", "title"))
    feed(dm.DemandItemEvent.objects.exclude(kind="status").values_list("item__title", "kind", "college__code", "note"))
    feed(
        dm.FulfilmentProposal.objects.values_list("item__title", "college__code", "headcount", "fulfilled_on", "status")
    )
    feed(dm.DemandClaim.objects.values_list("item__title", "college__code", "plan", "status"))
    feed(cm.IndustryCollege.objects.values_list("code", "name", "college__code", "cluster__code", "established_on"))
    feed(cm.IndustryCollegePartner.objects.values_list("industry_college__code", "enterprise__uscc", "is_chain_leader"))
    feed(cm.TrainingBase.objects.values_list("code", "name", "college__code", "enterprise__uscc", "kind", "certified"))
    feed(prm.OrderClass.objects.values_list("program__college__code", "enterprise__uscc", "year", "name", "seats"))
    feed(cm.CooperationProject.objects.values_list("code", "name", "college__code", "enterprise__uscc", "started_on"))
    feed(cm.TrainingSession.objects.values_list("college__code", "enterprise__uscc", "title", "held_on", "trainees"))
    feed(pm.PolicyDelivery.objects.values_list("card__title", "enterprise__uscc", "acknowledged_at"))
    feed(pm.PolicyFeedback.objects.values_list("card__title", "enterprise__uscc", "year", "quarter", "benefited"))
    feed(demo_plan.digest_rows())
    return h.hexdigest()
