"""The floor of a period run: every metric of SPEC 4 as hand-written PostgreSQL GROUP BY queries.

It writes nothing. It answers how fast the database itself computes the same numbers over
the same rows, so `period_run_s / sql_floor_s` is what the engine (ORM, snapshot writes, run
bookkeeping) adds. Each query returns every scope at once with GROUPING SETS: () is the city,
(district) the districts, (college) the colleges. Only the share arithmetic of
supply_demand_match (a few hundred numbers) is done in Python.

Demand items are selected by their list's year, quarter and status, as the engine selects them.
"""

import datetime
import time
import zoneinfo

from django.conf import settings
from django.db import connection, transaction

from colleges.models import (
    College,
    CooperationProject,
    IndustryCollege,
    IndustryCollegePartner,
    TrainingBase,
    TrainingSession,
)
from demand.models import DemandItem, DemandList
from enterprises.models import Enterprise
from policies.models import PolicyCard, PolicyDelivery
from portal.periods import quarter_end
from programs.models import OrderClass, Program, ProgramYear
from reference.models import Industry, IndustryCluster, Major, PriorityMajor

TABLES = {
    "cluster": IndustryCluster,
    "industry": Industry,
    "enterprise": Enterprise,
    "list": DemandList,
    "item": DemandItem,
    "college": College,
    "major": Major,
    "program": Program,
    "py": ProgramYear,
    "base": TrainingBase,
    "project": CooperationProject,
    "ic": IndustryCollege,
    "partner": IndustryCollegePartner,
    "session": TrainingSession,
    "order_class": OrderClass,
    "card": PolicyCard,
    "delivery": PolicyDelivery,
    "priority": PriorityMajor,
}

# Key clusters' codes, and which majors serve which key cluster (codes match by prefix).
SERVES = """
key_codes AS (
    SELECT c.id AS cluster_id, kc.code
    FROM {cluster} c CROSS JOIN LATERAL jsonb_array_elements_text(c.industry_codes) AS kc(code)
    WHERE c.is_key
),
serves AS (
    SELECT DISTINCT m.id AS major_id, k.cluster_id
    FROM {major} m CROSS JOIN LATERAL jsonb_array_elements_text(m.industry_codes) AS mc(code)
    JOIN key_codes k ON starts_with(mc.code, k.code) OR starts_with(k.code, mc.code)
)"""

ACTIVE_PROGRAM = "p.established_on <= %(end)s AND (p.closed_on IS NULL OR p.closed_on > %(end)s)"

# Every college-row metric: (district, college_id, is_city, is_district, numerator, denominator).
COLLEGE_SCOPES = "GROUP BY GROUPING SETS ((), (c.district), (c.id))"
COLLEGE_COLUMNS = "c.district, c.id, GROUPING(c.district, c.id)"

QUERIES = {
    "alignment_rate": f"""
        WITH {SERVES}
        SELECT {COLLEGE_COLUMNS},
               count(*) FILTER (WHERE p.major_id IN (SELECT major_id FROM serves)), count(*)
        FROM {{program}} p JOIN {{college}} c ON c.id = p.college_id
        WHERE {ACTIVE_PROGRAM}
        {COLLEGE_SCOPES}""",
    "cluster_coverage": f"""
        WITH {SERVES}
        SELECT {COLLEGE_COLUMNS}, count(DISTINCT s.cluster_id),
               (SELECT count(*) FROM {{cluster}} WHERE is_key)
        FROM {{program}} p JOIN {{college}} c ON c.id = p.college_id
        LEFT JOIN serves s ON s.major_id = p.major_id
        WHERE {ACTIVE_PROGRAM}
        {COLLEGE_SCOPES}""",
    "local_retention_rate": f"""
        SELECT {COLLEGE_COLUMNS}, sum(py.employed_locally), sum(py.employed)
        FROM {{py}} py JOIN {{program}} p ON p.id = py.program_id JOIN {{college}} c ON c.id = p.college_id
        WHERE py.year = %(year)s AND p.schooling = '5yr_higher'
        {COLLEGE_SCOPES}""",
    "in_field_rate": f"""
        SELECT {COLLEGE_COLUMNS}, sum(py.employed_in_field), sum(py.employed)
        FROM {{py}} py JOIN {{program}} p ON p.id = py.program_id JOIN {{college}} c ON c.id = p.college_id
        WHERE py.year = %(year)s
        {COLLEGE_SCOPES}""",
    # A base with a college counts in the college's district, an enterprise-only base in the enterprise's.
    "training_bases": """
        SELECT coalesce(c.district, e.district), b.college_id,
               GROUPING(coalesce(c.district, e.district), b.college_id), count(*), NULL
        FROM {base} b LEFT JOIN {college} c ON c.id = b.college_id LEFT JOIN {enterprise} e ON e.id = b.enterprise_id
        WHERE b.certified AND b.established_on <= %(end)s AND (b.closed_on IS NULL OR b.closed_on > %(end)s)
        GROUP BY GROUPING SETS ((), (coalesce(c.district, e.district)), (b.college_id))""",
    "integration_enterprises": """
        SELECT e.district, NULL, GROUPING(e.district) * 2 + 1, count(*), NULL
        FROM {enterprise} e
        WHERE e.integration_certified_on <= %(end)s
        GROUP BY GROUPING SETS ((), (e.district))""",
    "cooperation_projects": f"""
        SELECT {COLLEGE_COLUMNS}, count(*), NULL
        FROM {{project}} x JOIN {{college}} c ON c.id = x.college_id
        WHERE x.started_on <= %(end)s AND (x.ended_on IS NULL OR x.ended_on >= %(end)s)
        {COLLEGE_SCOPES}""",
    "industry_colleges": f"""
        SELECT {COLLEGE_COLUMNS}, count(*), NULL
        FROM {{ic}} x JOIN {{college}} c ON c.id = x.college_id
        WHERE x.established_on <= %(end)s
        {COLLEGE_SCOPES}""",
    "industry_college_compliance": f"""
        SELECT {COLLEGE_COLUMNS}, count(*) FILTER (WHERE coalesce(leaders.n, 0) >= 3), count(*)
        FROM {{ic}} x JOIN {{college}} c ON c.id = x.college_id
        LEFT JOIN (
            SELECT industry_college_id, count(*) AS n FROM {{partner}} WHERE is_chain_leader GROUP BY 1
        ) leaders ON leaders.industry_college_id = x.id
        WHERE x.established_on <= %(end)s
        {COLLEGE_SCOPES}""",
    "order_classes": f"""
        SELECT {COLLEGE_COLUMNS}, count(*), NULL
        FROM {{order_class}} o JOIN {{program}} p ON p.id = o.program_id JOIN {{college}} c ON c.id = p.college_id
        WHERE o.year = %(year)s
        {COLLEGE_SCOPES}""",
    "training_headcount": f"""
        SELECT {COLLEGE_COLUMNS}, sum(s.trainees), NULL
        FROM {{session}} s JOIN {{college}} c ON c.id = s.college_id
        WHERE s.held_on BETWEEN %(jan1)s AND %(end)s
        {COLLEGE_SCOPES}""",
    "demand_fulfilment_rate": """
        SELECT e.district, NULL, GROUPING(e.district) * 2 + 1,
               count(*) FILTER (WHERE i.status = 'fulfilled' AND i.fulfilled_on <= %(end)s), count(*)
        FROM {item} i JOIN {list} l ON l.id = i.demand_list_id JOIN {enterprise} e ON e.id = l.enterprise_id
        WHERE l.year = %(year)s AND l.status IN ('submitted', 'accepted')
          AND i.status <> 'cancelled' AND i.due_on <= %(end)s
        GROUP BY GROUPING SETS ((), (e.district))""",
    "priority_major_share": f"""
        SELECT {COLLEGE_COLUMNS},
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM {{priority}} d WHERE d.major_code = m.code AND d.effective_from <= %(end)s
                     AND (d.effective_to IS NULL OR d.effective_to >= %(end)s))),
               count(*)
        FROM {{program}} p JOIN {{college}} c ON c.id = p.college_id JOIN {{major}} m ON m.id = p.major_id
        WHERE {ACTIVE_PROGRAM}
        {COLLEGE_SCOPES}""",
    # Key enterprises: any of the four tags (jsonb ?| array).
    "filing_rate": """
        SELECT e.district, NULL, GROUPING(e.district) * 2 + 1,
               count(*) FILTER (WHERE EXISTS (
                   SELECT 1 FROM {list} l WHERE l.enterprise_id = e.id AND l.year = %(year)s
                     AND l.quarter = %(quarter)s AND l.status IN ('submitted', 'accepted'))),
               count(*)
        FROM {enterprise} e
        WHERE e.tags::jsonb ?| array['above_scale', 'specialized', 'little_giant', 'chain_leader']
        GROUP BY GROUPING SETS ((), (e.district))""",
    "policy_reach": """
        SELECT e.district, NULL, GROUPING(e.district) * 2 + 1,
               count(*) FILTER (WHERE d.acknowledged_at < %(cutoff)s), count(*)
        FROM {delivery} d JOIN {card} k ON k.id = d.card_id JOIN {enterprise} e ON e.id = d.enterprise_id
        WHERE k.published_at < %(cutoff)s
        GROUP BY GROUPING SETS ((), (e.district))""",
}

# supply_demand_match, side by side: demand by (district, cluster), supply by (district|college, cluster).
# Cluster 0 is the `other` bucket.
DEMAND = f"""
    WITH {SERVES},
    industry_cluster AS (
        SELECT i.code, min(k.cluster_id) AS cluster_id
        FROM {{industry}} i JOIN key_codes k ON starts_with(i.code, k.code) OR starts_with(k.code, i.code)
        GROUP BY i.code
    ),
    demand AS (
        SELECT e.district, coalesce(ic.cluster_id, 0) AS cluster_id, i.headcount
        FROM {{item}} i JOIN {{list}} l ON l.id = i.demand_list_id JOIN {{enterprise}} e ON e.id = l.enterprise_id
        LEFT JOIN industry_cluster ic ON ic.code = i.industry_code
        WHERE l.year = %(year)s AND l.quarter = %(quarter)s AND l.status IN ('submitted', 'accepted')
          AND i.kind = 'talent'
    )
    SELECT district, NULL, GROUPING(district) * 2 + 1, cluster_id, sum(headcount)
    FROM demand GROUP BY GROUPING SETS ((cluster_id), (district, cluster_id))"""

SUPPLY = f"""
    WITH {SERVES},
    fan_out AS (SELECT major_id, count(*) AS n FROM serves GROUP BY major_id),
    supply AS (
        SELECT c.district, c.id AS college_id, coalesce(s.cluster_id, 0) AS cluster_id,
               py.graduates::float8 / coalesce(f.n, 1) AS graduates
        FROM {{py}} py JOIN {{program}} p ON p.id = py.program_id JOIN {{college}} c ON c.id = p.college_id
        LEFT JOIN serves s ON s.major_id = p.major_id LEFT JOIN fan_out f ON f.major_id = p.major_id
        WHERE py.year = %(year)s AND {ACTIVE_PROGRAM}
    )
    SELECT district, college_id, GROUPING(district, college_id), cluster_id, sum(graduates)
    FROM supply GROUP BY GROUPING SETS ((cluster_id), (district, cluster_id), (college_id, cluster_id))"""

# SPEC 4.2 in headcounts: demand of the four quarters ending with the period by (district, cluster), and per
# (scope, cluster) the graduates and local graduates of Y and the projected graduates of Y+1..Y+3 of the
# programs active at E (cohort in school × c_s, else the latest intake × c_s, 0 when stopped or no row).
HEADCOUNT_DEMAND = f"""
    WITH {SERVES},
    industry_cluster AS (
        SELECT i.code, min(k.cluster_id) AS cluster_id
        FROM {{industry}} i JOIN key_codes k ON starts_with(i.code, k.code) OR starts_with(k.code, i.code)
        GROUP BY i.code
    ),
    demand AS (
        SELECT e.district, coalesce(ic.cluster_id, 0) AS cluster_id, i.headcount
        FROM {{item}} i JOIN {{list}} l ON l.id = i.demand_list_id JOIN {{enterprise}} e ON e.id = l.enterprise_id
        LEFT JOIN industry_cluster ic ON ic.code = i.industry_code
        WHERE (l.year * 4 + l.quarter) BETWEEN %(index)s - 3 AND %(index)s AND l.status IN ('submitted', 'accepted')
          AND i.kind = 'talent' AND i.status <> 'cancelled'
    )
    SELECT district, NULL, GROUPING(district) * 2 + 1, cluster_id, sum(headcount)::float8
    FROM demand GROUP BY GROUPING SETS ((cluster_id), (district, cluster_id))"""

HEADCOUNT_SUPPLY = f"""
    WITH {SERVES},
    fan_out AS (SELECT major_id, count(*) AS n FROM serves GROUP BY major_id),
    ratios AS (
        SELECT p.schooling, sum(py.graduates)::float8 / sum(py.enrolled) AS c
        FROM {{py}} py JOIN {{program}} p ON p.id = py.program_id
        WHERE py.year < %(year)s AND py.enrolled > 0 GROUP BY p.schooling
    ),
    latest AS (SELECT DISTINCT ON (program_id) program_id, admitted FROM {{py}} ORDER BY program_id, year DESC),
    per_program AS (
        SELECT p.id, p.major_id, c.district, c.id AS college_id,
               coalesce(now.graduates, 0)::float8 AS g, coalesce(now.employed_locally, 0)::float8 AS l,
               {{projected}}
        FROM {{program}} p JOIN {{college}} c ON c.id = p.college_id
        LEFT JOIN {{py}} now ON now.program_id = p.id AND now.year = %(year)s
        LEFT JOIN latest ON latest.program_id = p.id
        LEFT JOIN ratios r ON r.schooling = p.schooling
        WHERE {ACTIVE_PROGRAM}
    ),
    split AS (
        SELECT x.district, x.college_id, coalesce(s.cluster_id, 0) AS cluster_id, coalesce(f.n, 1) AS n,
               x.g, x.l, x.f1, x.f2, x.f3
        FROM per_program x LEFT JOIN serves s ON s.major_id = x.major_id LEFT JOIN fan_out f ON f.major_id = x.major_id
    )
    SELECT district, college_id, GROUPING(district, college_id), cluster_id,
           sum(g / n), sum(l / n), sum(f1 / n), sum(f2 / n), sum(f3 / n)
    FROM split GROUP BY GROUPING SETS ((cluster_id), (district, cluster_id), (college_id, cluster_id))"""
PROJECTED = ", ".join(
    f"""CASE WHEN y{h}.enrolled IS NOT NULL THEN y{h}.enrolled * coalesce(r.c, 1)
             WHEN p.enrollment_status = 'stopped' OR latest.admitted IS NULL THEN 0
             ELSE latest.admitted * coalesce(r.c, 1) END AS f{h}"""
    for h in (1, 2, 3)
)
PROJECTED_JOINS = " ".join(
    f"LEFT JOIN {{py}} y{h} ON y{h}.program_id = p.id AND y{h}.year = %(year)s + {h}" for h in (1, 2, 3)
)
HEADCOUNT_SUPPLY = HEADCOUNT_SUPPLY.replace("{projected}", PROJECTED).replace(
    "LEFT JOIN latest ON", PROJECTED_JOINS + " LEFT JOIN latest ON"
)

# 限制招生预警: in-field rate below 0.60 in both of the two latest years <= Y that have data.
ALERTS = """
    WITH rates AS (
        SELECT program_id, employed_in_field::float8 / employed AS rate,
               row_number() OVER (PARTITION BY program_id ORDER BY year DESC) AS latest
        FROM {py} WHERE year <= %(year)s AND employed > 0
    )
    SELECT program_id FROM rates WHERE latest <= 2
    GROUP BY program_id HAVING count(*) = 2 AND max(rate) < 0.6"""


def _scope(district, college_id, grouping):
    """GROUPING(district, college) is a bitmask: 3 the city, 1 a district, 2 a college."""
    if grouping == 3:
        return ("city", "")
    if grouping == 1:
        return ("district", district)
    return ("college", college_id)


def _run(sql, params):
    tables = {name: model._meta.db_table for name, model in TABLES.items()}
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**tables), params)
        return cursor.fetchall()


def _match(supply: dict, demand: dict):
    """Σ_k min of the two sides' shares; None when either side is empty."""
    s_total, d_total = sum(supply.values()), sum(demand.values())
    if not s_total or not d_total:
        return None
    return sum(min(supply.get(k, 0) / s_total, demand.get(k, 0) / d_total) for k in set(supply) | set(demand))


def compute(year: int, quarter: int) -> dict:
    """Every metric for every scope of the period: {metric: {(scope_type, scope_id): (numerator, denominator)}}."""
    end = quarter_end(year, quarter)
    cutoff = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time(), zoneinfo.ZoneInfo(settings.TIME_ZONE)
    )
    params = {
        "year": year,
        "quarter": quarter,
        "index": year * 4 + quarter,
        "end": end,
        "jan1": datetime.date(year, 1, 1),
        "cutoff": cutoff,
    }
    with transaction.atomic():
        # jsonb_array_elements_text is estimated at 100 rows a call, which pushes the small key-cluster
        # queries past jit_above_cost: PostgreSQL then spends ~2 s compiling a 30 ms query. The
        # engine's plain queries never reach that cost, so the floor turns JIT off for itself only.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        return _compute(params)


def _compute(params: dict) -> dict:
    results = {}
    for metric, sql in QUERIES.items():
        results[metric] = {
            _scope(district, college_id, grouping): (numerator, denominator)
            for district, college_id, grouping, numerator, denominator in _run(sql, params)
            if not (grouping == 1 and district is None) and not (grouping == 2 and college_id is None)
        }

    demand, supply = {}, {}
    for rows, sides in ((_run(DEMAND, params), demand), (_run(SUPPLY, params), supply)):
        for district, college_id, grouping, cluster_id, amount in rows:
            sides.setdefault(_scope(district, college_id, grouping), {})[cluster_id] = float(amount or 0)
    city = ("city", "")
    results["supply_demand_match"] = {
        scope: (_match(side, demand.get(scope if scope[0] != "college" else city, {})), 1)
        for scope, side in supply.items()
    }
    results["alerts"] = {("city", ""): (len(_run(ALERTS, params)), None)}
    results["headcounts"] = _headcounts(params)
    return results


def _headcounts(params: dict) -> dict:
    """{(scope_type, scope_id, cluster_id): [demand, graduates, local, f1, f2, f3]} (cluster 0: other)."""
    table = {}
    for district, college_id, grouping, cluster_id, *sums in _run(HEADCOUNT_SUPPLY, params):
        table[(*_scope(district, college_id, grouping), cluster_id)] = [0.0, *map(float, sums)]
    demand = {}
    for district, college_id, grouping, cluster_id, amount in _run(HEADCOUNT_DEMAND, params):
        demand[(*_scope(district, college_id, grouping), cluster_id)] = float(amount or 0)
    for key, amount in demand.items():
        table.setdefault(key, [0.0] * 6)[0] = amount
    for (scope_type, _scope_id, cluster_id), row in table.items():
        if scope_type == "college":  # a college's supply is set against the city's demand
            row[0] = demand.get(("city", "", cluster_id), 0.0)
    return table


def timed(year: int, quarter: int) -> tuple[float, dict]:
    """Seconds to compute the whole period in SQL, and the figures."""
    started = time.perf_counter()
    figures = compute(year, quarter)
    return time.perf_counter() - started, figures
