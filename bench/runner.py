"""`manage.py bench`: the province-scale benchmark, each figure measured next to its floor in the same run.

Figures (one JSON object, also written to bench-results/latest.json):
- period_run_s: one whole period through the real metric task (child process, warm run) and its
  peak RSS; sql_floor_s: the same aggregates as hand-written SQL GROUP BY (bench.floor).
- api_list_*: GET /api/v1/demand-items/ as an agency token, against a bare JsonResponse of
  `.values()` of the same page (bench.urls), both through django.test.Client and the full middleware.
- api_cursor_*: the 1 000th page of demand items (50 a page) with cursor pages against the first one,
  and the same depth by page number (OFFSET) for comparison.
- home_*: the bureau home page.
- import_100k_s: a 100 000-item demand_items bundle through `import_bundle` (all-or-nothing).
- load_*: the API under gunicorn, driven for a bounded time by bench.load in a second process.
"""

import base64
import csv
import datetime
import io
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token

from demand.models import DemandItem, DemandItemEvent, DemandList
from enterprises.models import Enterprise
from portal.models import UserProfile
from portal.periods import Period

from . import floor
from .urls import BARE_PATH

RESULTS = Path(settings.BASE_DIR) / "bench-results" / "latest.json"
# The 100k import goes into a year no seed uses, and is purged before and after.
IMPORT_YEAR = 2099
IMPORT_ROWS = 100_000
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 200))  # timed requests per page, after WARMUP
WARMUP = 5
LOAD_CLIENTS = 16
# Upper bounds of the goals.
GOALS = {
    "period_run_s": 5,
    "period_floor_ratio": 3,
    "period_peak_rss_mib": 1024,
    "api_list_p95_ms": 40,
    "api_bare_p95_ratio": 2,
    "api_cursor_deep_first_ratio": 1.5,
    "home_p95_ms": 150,
    "home_queries": 15,
    "planner_p95_ms": 300,
    "import_100k_s": 30,
    "load_errors": 0,
}


def ensure_database(log) -> None:
    """PostgreSQL only; create the database when it is missing, then migrate."""
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        raise CommandError("The benchmark runs on PostgreSQL: set DATABASE_URL=postgres://… (make bench does).")
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        if "does not exist" not in str(exc):
            raise
        import psycopg2

        log(f"creating database {db['NAME']}")
        admin = psycopg2.connect(
            dbname="postgres", user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"] or None
        )
        admin.autocommit = True
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
        admin.close()
    call_command("migrate", interactive=False, verbosity=0)


def ensure_seeded(*, reseed: bool, log) -> None:
    """Seed the province once; a database that already holds it is reused (detected by its counts)."""
    from colleges.models import College
    from exchange.demo_city import PROVINCE

    seeded = Enterprise.objects.count() >= PROVINCE.enterprises and College.objects.count() >= PROVINCE.colleges
    if seeded and not reseed:
        log("province data set found, not reseeding (--reseed to force)")
        return
    log("seeding the province (several minutes, once)")
    started = time.perf_counter()
    call_command("seed_demo", scale="province", reset=True, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # fresh statistics, as autovacuum would give a live database
    log(f"seeded in {time.perf_counter() - started:.0f} s")


def dataset() -> dict:
    from colleges.models import College
    from policies.models import PolicyDelivery
    from programs.models import Program, ProgramYear

    return {
        "enterprises": Enterprise.objects.count(),
        "colleges": College.objects.count(),
        "programs": Program.objects.count(),
        "program_years": ProgramYear.objects.count(),
        "demand_lists": DemandList.objects.count(),
        "demand_items": DemandItem.objects.count(),
        "policy_deliveries": PolicyDelivery.objects.count(),
    }


def latest_period() -> tuple[int, int]:
    """The latest quarter with submitted demand: the period the bureau looks at most."""
    row = (
        DemandList.objects.exclude(year=IMPORT_YEAR)
        .filter(status__in=["submitted", "accepted"])
        .order_by("-year", "-quarter")
        .values_list("year", "quarter")
        .first()
    )
    if row is None:
        raise CommandError("No submitted demand lists: the data set is empty.")
    return row


def _user(username: str, role: str):
    user, _ = get_user_model().objects.get_or_create(username=username)
    UserProfile.objects.get_or_create(user=user, defaults={"role": role})
    return user


def agency_tokens(count: int) -> list[str]:
    """Tokens of `count` agency users (the load uses several, as several integrators would)."""
    return [Token.objects.get_or_create(user=_user(f"bench-agency-{i}", "agency"))[0].key for i in range(count)]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def timed_get(client: Client, url: str, **headers) -> dict:
    """p50/p95 over REQUESTS GETs after WARMUP, and the queries of one request."""
    for _ in range(WARMUP):
        response = client.get(url, **headers)
        if response.status_code != 200:
            raise CommandError(f"GET {url} answered {response.status_code}: {response.content[:300]!r}")
    durations = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        client.get(url, **headers)
        durations.append(time.perf_counter() - started)
    with CaptureQueriesContext(connection) as queries:
        client.get(url, **headers)
    durations.sort()
    return {
        "p50_ms": _ms(statistics.median(durations)),
        "p95_ms": _ms(durations[int(0.95 * len(durations)) - 1]),
        "queries": len(queries),
    }


def measure_period(year: int, quarter: int, log) -> dict:
    floor.timed(year, quarter)  # warm the caches, as the child's first run does
    log(f"period {year}Q{quarter}: real task in a child process")
    child = subprocess.run(
        [sys.executable, "-m", "bench.period", str(year), str(quarter)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if child.returncode != 0:
        raise CommandError(f"period run failed:\n{child.stderr[-3000:]}")
    run = json.loads(child.stdout.strip().splitlines()[-1])
    if run["status"] != "succeeded":
        raise CommandError(f"period run {run['run_id']} {run['status']}: {run['error']}")
    floor_s, figures = floor.timed(year, quarter)
    headcounts = figures.pop("headcounts")
    return {
        "period": f"{year}Q{quarter}",
        "period_run_s": run["warm_s"],
        "period_run_cold_s": run["cold_s"],
        "sql_floor_s": round(floor_s, 3),
        "period_floor_ratio": round(run["warm_s"] / floor_s, 2),
        "period_peak_rss_mib": run["peak_rss_mib"],
        "period_snapshots": run["snapshots"],
        "floor_mismatches": floor_mismatches(run["run_id"], figures) + headcount_mismatches(run["run_id"], headcounts),
    }


def headcount_mismatches(run_id: int, floor_rows: dict) -> list[str]:
    """Where the run's SPEC 4.2 rows and the SQL floor's disagree (every scope × bucket of the run)."""
    from colleges.models import College
    from metrics.models import SupplyDemandRow
    from reference.models import IndustryCluster

    college_ids = dict(College.objects.values_list("code", "id"))
    cluster_ids = {**dict(IndustryCluster.objects.values_list("code", "id")), "other": 0}
    fields = ["demand", "graduates", "local_graduates", "forecast_1", "forecast_2", "forecast_3"]
    mismatches = []
    for row in SupplyDemandRow.objects.filter(run_id=run_id).values("scope_type", "scope_id", "cluster", *fields):
        scope_id = college_ids[row["scope_id"]] if row["scope_type"] == "college" else row["scope_id"]
        cluster = cluster_ids[row["cluster"]]
        expected = floor_rows.get((row["scope_type"], scope_id, cluster)) or [0.0] * 6
        if row["scope_type"] == "college":
            expected = [floor_rows.get(("city", "", cluster), [0.0])[0], *expected[1:]]
        engine = [row[name] for name in fields]
        if any(abs(a - b) > 1e-6 * max(1.0, abs(b)) for a, b in zip(engine, expected, strict=True)):
            mismatches.append(
                f"headcounts {row['scope_type']} {row['scope_id']} {row['cluster']}: {engine} vs {expected}"
            )
    return mismatches[:20]


def floor_mismatches(run_id: int, figures: dict) -> list[str]:
    """Where the engine's snapshots and the SQL floor disagree (both should follow SPEC 4 exactly)."""
    from colleges.models import College
    from metrics.models import Snapshot

    college_codes = dict(College.objects.values_list("id", "code"))
    mismatches = []
    snapshots = {(s.metric, s.scope_type, s.scope_id): s for s in Snapshot.objects.filter(run_id=run_id)}
    for metric, scopes in figures.items():
        for (scope_type, scope_id), (numerator, denominator) in scopes.items():
            if scope_type == "college":
                scope_id = college_codes[scope_id]
            snapshot = snapshots.get((metric, scope_type, scope_id))
            if snapshot is None:
                if metric != "alerts":
                    mismatches.append(f"{metric} {scope_type} {scope_id}: no snapshot")
                continue
            if metric == "supply_demand_match":
                expected = numerator
            elif denominator is None:
                expected = float(numerator or 0)
            else:
                expected = numerator / denominator if denominator else None
            if (expected is None) != (snapshot.value is None) or (
                expected is not None and abs(expected - snapshot.value) > 1e-6
            ):
                mismatches.append(f"{metric} {scope_type} {scope_id}: engine {snapshot.value} floor {expected}")
    return mismatches[:20]


def planner_changes(year: int, count: int = 20) -> list[dict]:
    """A realistic 20-change scenario over the province: halve or stop intakes, close programs, open new ones."""
    from colleges.models import College
    from programs.models import Program
    from reference.models import Major

    programs = list(Program.objects.filter(closed_on__isnull=True).order_by("pk").values_list("pk", flat=True)[:count])
    colleges = list(College.objects.order_by("code").values_list("code", flat=True)[: count // 4])
    majors = list(Major.objects.order_by("code").values_list("code", flat=True)[: count // 4])
    changes = [{"action": "set_intake", "program": pk, "from_year": year + 1, "factor": 0.5} for pk in programs[:8]]
    changes += [{"action": "set_intake", "program": pk, "from_year": year + 1, "factor": 0} for pk in programs[8:10]]
    changes += [{"action": "close", "program": pk, "on": f"{year + 1}-07-01"} for pk in programs[10:15]]
    changes += [
        {
            "action": "open",
            "college_code": college,
            "major_code": major,
            "schooling": "3yr_higher",
            "first_intake_year": year + 1,
            "intake": 120,
        }
        for college, major in zip(colleges, majors, strict=False)
    ]
    return changes[:count]


def measure_planner(year: int, quarter: int, log) -> dict:
    """SPEC 4.3 evaluation at province scale: the per-period base once, then warm evaluations (validation
    of the changes included), a 20-change scenario and an empty one."""
    from metrics import scenarios

    scenarios.forget_planner_bases()
    started = time.perf_counter()
    scenarios.planner_base(Period(year, quarter))
    base_s = time.perf_counter() - started
    changes = planner_changes(year)
    figures = {"planner_base_s": round(base_s, 3), "planner_changes": len(changes)}
    for name, scenario in (("planner", changes), ("planner_empty", [])):
        times = []
        for _i in range(WARMUP + 50):
            started = time.perf_counter()
            scenarios.scenario_evaluate(year=year, quarter=quarter, changes=scenario)
            times.append(time.perf_counter() - started)
        times = sorted(times[WARMUP:])
        figures[f"{name}_p50_ms"] = _ms(times[len(times) // 2])
        figures[f"{name}_p95_ms"] = _ms(times[int(len(times) * 0.95) - 1])
    log(f"planner: base {base_s:.2f}s, p95 {figures['planner_p95_ms']} ms")
    return figures


@override_settings(ROOT_URLCONF="bench.urls", DEBUG=False)
def measure_api(year: int, token: str) -> dict:
    query = f"?year={year}&status=open&page_size=50"
    api = timed_get(Client(), f"/api/v1/demand-items/{query}", HTTP_AUTHORIZATION=f"Token {token}")
    bare = timed_get(Client(), f"/{BARE_PATH}{query}")
    return {
        "api_list_p50_ms": api["p50_ms"],
        "api_list_p95_ms": api["p95_ms"],
        "api_list_queries": api["queries"],
        "bare_list_p50_ms": bare["p50_ms"],
        "bare_list_p95_ms": bare["p95_ms"],
        "bare_list_queries": bare["queries"],
        "api_bare_p95_ratio": round(api["p95_ms"] / bare["p95_ms"], 2),
    }


DEEP_PAGE = 1000


@override_settings(DEBUG=False)
def measure_cursor(token: str) -> dict:
    """The 1 000th page of demand items by cursor (keyset on id) against the first, and by page number."""
    # The cursor a walk would hold before page 1 000: the id ending page 999, encoded as DRF does
    # (walking there would take 999 requests and measure nothing more).
    last_before = DemandItem.objects.order_by("id").values_list("id", flat=True)[(DEEP_PAGE - 1) * 50 - 1]
    cursor = base64.b64encode(urllib.parse.urlencode({"p": last_before}).encode()).decode()
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    first = timed_get(Client(), "/api/v1/demand-items/?pagination=cursor&page_size=50", **headers)
    deep = timed_get(Client(), f"/api/v1/demand-items/?cursor={urllib.parse.quote(cursor)}&page_size=50", **headers)
    numbered = timed_get(Client(), f"/api/v1/demand-items/?page={DEEP_PAGE}&page_size=50", **headers)
    return {
        "api_cursor_first_p95_ms": first["p95_ms"],
        "api_cursor_page_1000_p95_ms": deep["p95_ms"],
        "api_cursor_page_1000_queries": deep["queries"],
        "api_page_number_1000_p95_ms": numbered["p95_ms"],
        "api_cursor_deep_first_ratio": round(deep["p95_ms"] / first["p95_ms"], 2),
    }


@override_settings(DEBUG=False)
def measure_home() -> dict:
    client = Client()
    client.force_login(_user("bench-bureau", "bureau"))
    home = timed_get(client, reverse("home"))
    return {"home_p50_ms": home["p50_ms"], "home_p95_ms": home["p95_ms"], "home_queries": home["queries"]}


def purge_import_year() -> None:
    """Delete the imported year with plain SQL: a model delete would write 100 000 history rows."""
    tables = {
        "event": DemandItemEvent._meta.db_table,
        "item": DemandItem._meta.db_table,
        "item_history": DemandItem.history.model._meta.db_table,
        "list": DemandList._meta.db_table,
        "list_history": DemandList.history.model._meta.db_table,
    }
    from demand.models import DemandAssignment

    tables["assignment"] = DemandAssignment._meta.db_table
    items = "SELECT i.id FROM {item} i JOIN {list} l ON l.id = i.demand_list_id WHERE l.year = %(year)s"
    statements = [
        f"DELETE FROM {{event}} WHERE item_id IN ({items})",
        f"DELETE FROM {{assignment}} WHERE item_id IN ({items})",
        f"DELETE FROM {{item_history}} WHERE id IN ({items})",
        "DELETE FROM {item} WHERE demand_list_id IN (SELECT id FROM {list} WHERE year = %(year)s)",
        "DELETE FROM {list_history} WHERE year = %(year)s",
        "DELETE FROM {list} WHERE year = %(year)s",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement.format(**tables), {"year": IMPORT_YEAR})
        # This machine's PostgreSQL runs without autovacuum: without this every run would leave the
        # next one 100 000 dead items (and their history) to wade through.
        for table in ("event", "assignment", "item", "item_history", "list", "list_history"):
            cursor.execute(f"VACUUM ANALYZE {tables[table]}")


def write_import_bundle(folder: Path) -> int:
    """demand_items.csv: IMPORT_ROWS items spread over the existing enterprises, one list each."""
    enterprises = list(Enterprise.objects.order_by("id").values_list("uscc", "industry_id"))
    columns = "uscc year quarter list_status kind title industry_code major_code headcount due_on status".split()
    columns += ["fulfilled_on", "fulfilled_headcount"]
    kinds = ["talent", "tech", "training"]
    with open(folder / "demand_items.csv", "w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for n in range(IMPORT_ROWS):
            uscc, industry = enterprises[n % len(enterprises)]
            row = [uscc, IMPORT_YEAR, 1, "submitted", kinds[n % 3], f"压测需求{n}", industry, "", 5]
            writer.writerow([*row, f"{IMPORT_YEAR}-06-30", "open", "", ""])
    return len({u for u, _ in enterprises[:IMPORT_ROWS]})


def measure_import(log) -> dict:
    purge_import_year()
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        lists = write_import_bundle(folder)
        log(f"importing {IMPORT_ROWS} demand items into {lists} lists")
        started = time.perf_counter()
        call_command("import_bundle", str(folder), verbosity=0, stdout=io.StringIO())
        elapsed = time.perf_counter() - started
        imported = DemandItem.objects.filter(year=IMPORT_YEAR).count()
        if imported != IMPORT_ROWS:
            raise CommandError(f"import_bundle stored {imported} of {IMPORT_ROWS} items")
    finally:
        shutil.rmtree(folder)
        purge_import_year()
    return {"import_100k_s": round(elapsed, 2)}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(port: int, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise CommandError(f"gunicorn exited with {server.returncode}")
        try:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/", headers={"X-Forwarded-Proto": "https"})
            urllib.request.urlopen(request, timeout=2)
            return
        except urllib.error.HTTPError:
            return  # a redirect to the login page or an error page: the app answers
        except OSError:
            time.sleep(0.3)
    raise CommandError("gunicorn did not come up in time")


def measure_load(year: int, tokens: list[str], *, seconds: float, workers: int, threads: int, log) -> dict:
    """The API under gunicorn with production settings, driven from a second process for `seconds`."""
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": settings.DATABASE_URL,
        "LOG_LEVEL": "WARNING",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "portal.wsgi", "-w", str(workers), "--threads", str(threads)]
    server = subprocess.Popen(
        [*command, "-b", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=settings.BASE_DIR, env=env
    )
    try:
        _wait_until_up(port, server)
        paths = [f"/api/v1/demand-items/?year={year}&status=open&page_size=50&page={page}" for page in range(1, 11)]
        log(f"load: gunicorn -w {workers} --threads {threads}, {LOAD_CLIENTS} clients, {seconds:.0f} s")
        load_command = [sys.executable, "-m", "bench.load", "--port", str(port), "--seconds", str(seconds)]
        load_command += ["--concurrency", str(LOAD_CLIENTS)]
        for path in paths:
            load_command += ["--path", path]
        for token in tokens:
            load_command += ["--token", token]
        child = subprocess.run(load_command, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True)
        load = json.loads(child.stdout)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "load_rps": load["rps"],
        "load_errors": load["errors"],
        "load_requests": load["requests"],
        "load_statuses": load["statuses"],
        "load_p50_ms": load["p50_ms"],
        "load_p95_ms": load["p95_ms"],
        "load_p99_ms": load["p99_ms"],
        "load_server": f"gunicorn -w {workers} --threads {threads}",
        "load_clients": LOAD_CLIENTS,
        "load_seconds": load["seconds"],
    }


def cpu_reference_ms() -> float:
    """A fixed pure-Python workload, best of five: how fast this machine is right now (a shared VM's
    speed drifts by half between runs), so figures of different runs can be put side by side."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        sum(i * i for i in range(1_000_000))
        best = min(best, time.perf_counter() - started)
    return _ms(best)


def goals(figures: dict) -> dict:
    """Each goal measured in this run: met or not."""
    return {name: figures[name] <= bound for name, bound in GOALS.items() if figures.get(name) is not None}


def run(*, reseed: bool, load_seconds: float, workers: int, threads: int, skip: set[str], log) -> dict:
    """Every figure of the benchmark as one dict; also written to bench-results/latest.json."""
    ensure_database(log)
    ensure_seeded(reseed=reseed, log=log)
    year, quarter = latest_period()
    tokens = agency_tokens(LOAD_CLIENTS)
    figures = {
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        # A busy machine inflates every timing; the ratios to the floors suffer much less.
        "load_average_at_start": round(os.getloadavg()[0], 1),
        "cpu_ref_ms": cpu_reference_ms(),
        "dataset": dataset(),
    }
    if "period" not in skip:
        figures |= measure_period(year, quarter, log)
    if "planner" not in skip:
        figures |= measure_planner(year, quarter, log)
    if "api" not in skip:
        log("API list against the bare view")
        figures |= measure_api(year, tokens[0])
        log("cursor pages: the 1 000th against the first")
        figures |= measure_cursor(tokens[0])
    if "home" not in skip:
        log("bureau home")
        figures |= measure_home()
    if "import" not in skip:
        figures |= measure_import(log)
    if "load" not in skip:
        connections.close_all()
        figures |= measure_load(year, tokens, seconds=load_seconds, workers=workers, threads=threads, log=log)
    figures["load_average_at_end"] = round(os.getloadavg()[0], 1)
    figures["cpu_ref_ms_at_end"] = cpu_reference_ms()
    figures["goals_met"] = goals(figures)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return figures
