"""Every resource of the router × every role × list/retrieve/create/update/delete (SPEC 1 and 6).

The rules the expected codes follow:
- anonymous → 401 everywhere; an agency reads everything non-personal and any write is 403;
- a row the user cannot see → 404 (another college's or enterprise's rows), on reads and writes alike;
- a row the user sees but may not change → 403 (e.g. a college admin editing the public enterprise directory);
- creating a row for another college or enterprise → 400 (the owner field rejects the id), never created;
- a role that may never create that kind of row → 403; an operation the resource does not offer → 405.
Refused writes change nothing: the row count and the updated field are checked after each.
Also here: list endpoints run a constant number of queries whatever the page size.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from colleges.models import IndustryCollegePartner
from demand.models import DemandList
from metrics.models import Alert, MetricRun, Scenario, Snapshot, SupplyDemandMajorRow, SupplyDemandRow
from portal.api_urls import router
from reference.models import District, PriorityMajor
from tests import factories as f

ROLES = ["bureau", "college", "other_college", "enterprise", "other_enterprise", "agency", "anonymous"]
USER_FIXTURES = {
    "bureau": "bureau_user",
    "college": "college_user",
    "other_college": "other_college_user",
    "enterprise": "enterprise_user",
    "other_enterprise": "other_enterprise_user",
    "agency": "agency_user",
}


@pytest.fixture(autouse=True)
def _fast_and_unthrottled(settings):
    # Throttle counters live in the cache: each test starts from zero. The role fixtures hash a
    # password per user; the fast hasher keeps 150 tests from spending minutes in PBKDF2.
    cache.clear()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def api_client(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@dataclass
class World:
    """The owner side of every row (college, enterprise) and the outsiders' college and enterprise."""

    college: object
    other_college: object
    enterprise: object
    other_enterprise: object
    cluster: object = None
    major: object = None

    def __post_init__(self):
        self.cluster = f.ClusterFactory(code="CLW", industry_codes=["C36"])
        self.major = f.MajorFactory(code="460701", industry_codes=["C36"])


@pytest.fixture
def world(college, other_college, enterprise, other_enterprise):
    return World(college, other_college, enterprise, other_enterprise)


def _run():
    return MetricRun.objects.create(year=2025, quarter=2, status="succeeded")


def _program(w, n):
    return f.ProgramFactory(college=w.college, major=f.MajorFactory(code=f"{470000 + n}"))


def _industry_college(w, n):
    ic = f.IndustryCollegeFactory(code=f"ICW{n}", college=w.college, cluster=w.cluster)
    IndustryCollegePartner.objects.create(industry_college=ic, enterprise=w.enterprise, is_chain_leader=True)
    return ic


def _demand_item(w, n):
    from demand.models import DemandAssignment

    demand_list, _ = DemandList.objects.get_or_create(enterprise=w.enterprise, year=2025, quarter=1)
    item = f.DemandItemFactory(demand_list=demand_list, title=f"需求{n}")
    if n:  # list rows carry assignments, so the prefetch is exercised
        DemandAssignment.objects.create(item=item, college=w.other_college)
    return item


def _snapshot(w, n):
    return Snapshot.objects.create(
        metric="alignment_rate",
        scope_type="city",
        scope_id=f"{n or ''}",
        scope_name="全市",
        year=2025,
        quarter=2,
        value=0.5,
        numerator=1,
        denominator=2,
        computed_at=timezone.now(),
        run=_run(),
    )


def _alert(w, n):
    return Alert.objects.create(program=_program(w, 50 + n), year=2025, rates={"2024": 0.5, "2025": 0.4})


def _current_run():
    # Every supply-demand row of the matrix hangs on one succeeded run: the latest of its period.
    run = MetricRun.objects.filter(year=2025, quarter=2, status="succeeded").first()
    return run or MetricRun.objects.create(year=2025, quarter=2, status="succeeded", finished_at=timezone.now())


def _supply_demand(w, n):
    return SupplyDemandRow.objects.create(
        run=_current_run(),
        scope_type="city",
        scope_name="全市",
        position=n,
        cluster=f"K{n}",
        cluster_name=f"集群{n}",
        demand=10,
        graduates=8,
        local_graduates=6,
        gap=4,
    )


def _supply_demand_major(w, n):
    return SupplyDemandMajorRow.objects.create(
        run=_current_run(),
        major_code=f"{460100 + n}",
        major_name=f"专业{n}",
        level="higher",
        demand=5,
        graduates=4,
        local_graduates=3,
        gap=2,
        forecast_1=4,
        forecast_2=4,
        forecast_3=4,
    )


def _priority_major(w, n):
    return PriorityMajor.objects.create(major=f.MajorFactory(code=f"{491000 + n}"), effective_from="2024-01-01")


def _unit():
    return f.UnitFactory(name="市测试牵头局")


def _task_report(w, n):
    unit = _unit()
    return f.TaskReportFactory(task=f.TaskFactory(code=f"TRW{n}", lead_units=[unit]), unit=unit)


# Plan tasks and reports (SPEC 4.5): the bureau keeps tasks; reports are filed by department users only
# (tests/test_plan.py covers that role); colleges and enterprises see none of them; nothing is deleted.
PLAN_HIDDEN = (200, 404, 403, 404, 405)


def _demand_list(w, n):
    return f.DemandListFactory(enterprise=w.enterprise, year=2020 + n, quarter=1, status="draft")


@dataclass
class Resource:
    make: object  # (world, n) -> a row owned by world.college / world.enterprise
    payload: object  # world -> a valid POST body naming that owner
    update: tuple  # (field, new value) for PATCH
    expect: dict  # role -> (list, retrieve, create, update, delete)
    model_field: str = ""  # model attribute behind the PATCHed field, when it differs
    extra: dict = field(default_factory=dict)


READ_ONLY = (200, 200, 403, 403, 403)
ANON = (401,) * 5
CRUD = (200, 200, 201, 200, 204)
OUTSIDER = (200, 404, 400, 404, 404)  # another college's/enterprise's row and owner id
HIDDEN = (200, 404, 403, 404, 404)  # rows of a kind this role never owns, none of them visible


def reference(make, payload, update, **options):
    return Resource(
        make,
        payload,
        update,
        {
            "bureau": CRUD,
            **dict.fromkeys(["college", "other_college", "enterprise", "other_enterprise", "agency"], READ_ONLY),
            "anonymous": ANON,
        },
        **options,
    )


def college_rows(make, payload, update, enterprise=HIDDEN, other_enterprise=HIDDEN):
    return Resource(
        make,
        payload,
        update,
        {
            "bureau": CRUD,
            "college": CRUD,
            "other_college": OUTSIDER,
            "enterprise": enterprise,
            "other_enterprise": other_enterprise,
            "agency": READ_ONLY,
            "anonymous": ANON,
        },
    )


PARTNER_READS = (200, 200, 403, 403, 403)
# Tables written by metric runs only: everyone signed in lists and reads the city's lines.
RUN_OUTPUT = {
    **dict.fromkeys(
        ["bureau", "college", "other_college", "enterprise", "other_enterprise"], (200, 200, 405, 405, 405)
    ),
    "agency": READ_ONLY,
    "anonymous": ANON,
}
RESOURCES = {
    "industries": reference(
        lambda w, n: f.IndustryFactory(code=f"D{40 + n}"),
        lambda w: {"code": "E48", "name": "土木工程建筑业", "parent_code": "E"},
        ("name", "新行业名称"),
    ),
    "clusters": reference(
        lambda w, n: f.ClusterFactory(code=f"CLT{n}", industry_codes=[f"C{40 + n}"], is_key=False),
        lambda w: {"code": "CLN", "name": "新集群", "industry_codes": ["C39"], "is_key": True, "order": 9},
        ("name", "新集群名称"),
    ),
    "majors": reference(
        lambda w, n: f.MajorFactory(code=f"{480000 + n}"),
        lambda w: {"code": "490101", "name": "新专业", "level": "higher", "industry_codes": ["C36"]},
        ("name", "新专业名称"),
    ),
    "enterprises": Resource(
        lambda w, n: w.enterprise if n == 0 else f.EnterpriseFactory(),
        lambda w: {
            "uscc": f.make_uscc(900001),
            "name": "新登记企业",
            "industry": "C36",
            "district": "清江浦区",
            "scale": "small",
            "tags": ["specialized"],
        },
        ("name", "新企业名称"),
        {
            "bureau": CRUD,
            "college": READ_ONLY,
            "other_college": READ_ONLY,
            "enterprise": (200, 200, 403, 200, 403),
            "other_enterprise": (200, 404, 403, 404, 404),
            "agency": READ_ONLY,
            "anonymous": ANON,
        },
    ),
    "demand-lists": Resource(
        _demand_list,
        lambda w: {"enterprise": w.enterprise.pk, "year": 2026, "quarter": 1},
        ("year", 2030),
        {
            "bureau": (200, 200, 201, 405, 405),
            "college": (200, 404, 403, 405, 405),
            "other_college": (200, 404, 403, 405, 405),
            "enterprise": (200, 200, 201, 405, 405),
            "other_enterprise": (200, 404, 400, 405, 405),
            "agency": READ_ONLY,
            "anonymous": ANON,
        },
    ),
    "demand-items": Resource(
        _demand_item,
        lambda w: {
            "demand_list": w.target.demand_list_id,
            "kind": "talent",
            "title": "新增技能人才需求",
            "headcount": 5,
            "due_on": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),  # not in the past
        },
        ("title", "改过的需求"),
        {
            "bureau": CRUD,
            "college": HIDDEN,
            "other_college": HIDDEN,
            "enterprise": CRUD,
            "other_enterprise": OUTSIDER,
            "agency": READ_ONLY,
            "anonymous": ANON,
        },
    ),
    "colleges": Resource(
        lambda w, n: w.college if n == 0 else f.CollegeFactory(),
        lambda w: {"code": "13999", "name": "新设职业学院", "kind": "secondary", "district": "淮安区"},
        ("name", "改名职业学院"),
        {
            "bureau": CRUD,
            "college": (200, 200, 403, 200, 403),
            **dict.fromkeys(["other_college", "enterprise", "other_enterprise", "agency"], READ_ONLY),
            "anonymous": ANON,
        },
    ),
    "programs": college_rows(
        _program,
        lambda w: {
            "college": w.college.pk,
            "major": w.major.pk,
            "schooling": "5yr_higher",
            "established_on": "2021-09-01",
        },
        ("emerging", True),
    ),
    "program-years": college_rows(
        lambda w, n: f.ProgramYearFactory(program=_program(w, n)),
        lambda w: {
            "program": w.target.program_id,
            "year": 2026,
            "enrolled": 100,
            "admitted": 30,
            "graduates": 30,
            "employed": 25,
            "employed_in_field": 20,
            "employed_locally": 18,
        },
        ("graduates", 41),
    ),
    "industry-colleges": college_rows(
        _industry_college,
        lambda w: {
            "code": "ICNEW",
            "name": "新产业学院",
            "college": w.college.pk,
            "cluster": w.cluster.pk,
            "established_on": "2024-09-01",
            "partner_ids": [w.enterprise.pk],
            "chain_leader_ids": [],
        },
        ("name", "改名产业学院"),
        enterprise=PARTNER_READS,
    ),
    "training-bases": college_rows(
        lambda w, n: f.TrainingBaseFactory(code=f"TBW{n}", college=w.college, enterprise=w.enterprise),
        lambda w: {
            "code": "TBNEW",
            "name": "新实训基地",
            "college": w.college.pk,
            "enterprise": w.enterprise.pk,
            "kind": "school_factory",
            "certified": True,
            "established_on": "2023-03-01",
        },
        ("certified", False),
        # The enterprise reads a base that names it; bases are kept by colleges and the bureau (scoping.py).
        enterprise=(200, 200, 403, 403, 403),
        other_enterprise=HIDDEN,
    ),
    "order-classes": college_rows(
        lambda w, n: f.OrderClassFactory(program=_program(w, n), enterprise=w.enterprise),
        lambda w: {
            "program": w.target.program_id,
            "enterprise": w.enterprise.pk,
            "year": 2026,
            "name": "新订单班",
            "seats": 40,
            "kind": "named",
        },
        ("seats", 45),
        enterprise=PARTNER_READS,
    ),
    "cooperation-projects": college_rows(
        lambda w, n: f.CooperationProjectFactory(code=f"CPW{n}", college=w.college, enterprise=w.enterprise),
        lambda w: {
            "code": "CPNEW",
            "name": "新协同育人项目",
            "college": w.college.pk,
            "enterprise": w.enterprise.pk,
            "started_on": "2025-01-01",
        },
        ("name", "改名项目"),
        enterprise=PARTNER_READS,
    ),
    "training-sessions": college_rows(
        lambda w, n: f.TrainingSessionFactory(college=w.college, enterprise=w.enterprise),
        lambda w: {
            "college": w.college.pk,
            "enterprise": w.enterprise.pk,
            "title": "新培训",
            "held_on": "2025-05-01",
            "trainees": 20,
        },
        ("trainees", 21),
        enterprise=PARTNER_READS,
    ),
    "policies": Resource(
        lambda w, n: f.PolicyCardFactory(status="published", published_at=timezone.now()),
        lambda w: {
            "title": "新政策",
            "category": "talent",
            "summary": "人才引进补贴",
            "body": "符合条件的企业按人给予补贴。",
            "issuer": "市人社局",
            "effective_from": "2025-01-01",
            "audience_tags": ["specialized"],
        },
        ("title", "改过的政策"),
        {
            "bureau": (200, 200, 201, 200, 405),
            **dict.fromkeys(["college", "other_college", "enterprise", "other_enterprise"], (200, 200, 403, 403, 405)),
            "agency": READ_ONLY,
            "anonymous": ANON,
        },
    ),
    "targets": reference(
        lambda w, n: f.TargetFactory(order=n),
        lambda w: {"metric": "training_bases", "threshold": 30, "deadline_year": 2025, "source": "实施意见"},
        ("threshold", 0.85),
    ),
    "snapshots": Resource(
        _snapshot,
        lambda w: {"metric": "alignment_rate", "scope_type": "city", "year": 2025, "quarter": 3, "value": 1},
        ("value", 0.9),
        {
            **dict.fromkeys(
                ["bureau", "college", "other_college", "enterprise", "other_enterprise"], (200, 200, 405, 405, 405)
            ),
            "agency": READ_ONLY,
            "anonymous": ANON,
        },
    ),
    "metric-runs": Resource(
        lambda w, n: _run(),
        lambda w: {"year": 2025, "quarter": 1},
        ("year", 2024),
        {
            "bureau": (200, 200, 202, 405, 204),
            **dict.fromkeys(["college", "other_college", "enterprise", "other_enterprise"], (200, 404, 403, 405, 404)),
            "agency": READ_ONLY,
            "anonymous": ANON,
        },
    ),
    "review-rules": reference(
        lambda w, n: f.ReviewRuleFactory(code=f"rule_{n}"),
        lambda w: {
            "code": "bottom_10",
            "name": "就业率末位",
            "figure": "employment_rate",
            "years": 1,
            "bottom_percent": 10,
        },
        ("name", "改名规则"),
    ),
    "alerts": Resource(
        _alert,
        lambda w: {"program": w.target.program_id, "year": 2026},
        ("note", "改过的意见"),
        {
            "bureau": (200, 200, 405, 405, 405),
            "college": (200, 200, 405, 405, 405),
            "other_college": (200, 404, 405, 405, 405),
            "enterprise": (200, 404, 405, 405, 405),
            "other_enterprise": (200, 404, 405, 405, 405),
            "agency": READ_ONLY,
            "anonymous": ANON,
        },
    ),
    "districts": reference(
        lambda w, n: District.objects.create(name=f"测试区{n}", order=10 + n),
        lambda w: {"code": "320899", "name": "新设区", "order": 9},
        ("name", "改名区"),
    ),
    "priority-majors": reference(
        _priority_major,
        lambda w: {"major_code": w.major.code, "cluster_code": w.cluster.code, "effective_from": "2025-01-01"},
        ("cluster_code", "CLW"),
        model_field="cluster_id",
    ),
    "supply-demand": Resource(
        _supply_demand,
        lambda w: {"scope_type": "city", "cluster": "X", "demand": 1},
        ("demand", 99),
        RUN_OUTPUT,
    ),
    "supply-demand-majors": Resource(
        _supply_demand_major,
        lambda w: {"major_code": "460701", "demand": 1},
        ("demand", 99),
        RUN_OUTPUT,
    ),
    "scenarios": Resource(
        lambda w, n: Scenario.objects.create(name=f"方案{n}", year=2025, quarter=2, changes=[]),
        lambda w: {"name": "新方案", "year": 2025, "quarter": 2, "changes": []},
        ("name", "改名方案"),
        {
            "bureau": CRUD,
            **dict.fromkeys(["college", "other_college", "enterprise", "other_enterprise"], HIDDEN),
            "agency": READ_ONLY,
            "anonymous": ANON,
        },
    ),
    "tasks": Resource(
        lambda w, n: f.TaskFactory(code=f"TW{n}", lead_units=[_unit()]),
        lambda w: {"code": "TNEW", "title": "新任务", "lead_units": [_unit().code], "due_on": "2027-12-31"},
        ("title", "改过的任务"),
        {
            "bureau": (200, 200, 201, 200, 405),
            **dict.fromkeys(["college", "other_college", "enterprise", "other_enterprise"], PLAN_HIDDEN),
            "agency": READ_ONLY,
            "anonymous": ANON,
        },
    ),
    "task-reports": Resource(
        _task_report,
        lambda w: {"task": w.target.task_id, "year": 2026, "quarter": 1, "status": "done", "text": "已完成"},
        ("text", "改过的进展"),
        {
            "bureau": (200, 200, 403, 403, 405),
            **dict.fromkeys(["college", "other_college", "enterprise", "other_enterprise"], PLAN_HIDDEN),
            "agency": READ_ONLY,
            "anonymous": ANON,
        },
    ),
}

# The bundle download and the deletions feed are not resources of rows (tests/test_api_sync.py).
REGISTERED = [prefix for prefix, _viewset, _basename in router.registry if prefix not in ("bundle", "deletions")]


def test_every_registered_resource_has_a_spec_and_the_spec_names_them_all():
    assert sorted(REGISTERED) == sorted(RESOURCES)
    assert len(REGISTERED) == 27


def _detail(prefix, pk):
    return f"/api/v1/{prefix}/{pk}/"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("prefix", REGISTERED)
def test_role_matrix(prefix, role, world, request):
    spec = RESOURCES[prefix]
    user = request.getfixturevalue(USER_FIXTURES[role]) if role != "anonymous" else None
    target = spec.make(world, 0)
    world.target = target
    model = type(target)
    client = api_client(user)
    list_code, retrieve_code, create_code, update_code, delete_code = spec.expect[role]

    response = client.get(f"/api/v1/{prefix}/")
    assert response.status_code == list_code, response.content
    if list_code == 200:
        assert set(response.json()) == {"count", "next", "previous", "results"}

    response = client.get(_detail(prefix, target.pk))
    assert response.status_code == retrieve_code, response.content

    before = model.objects.count()
    response = client.post(f"/api/v1/{prefix}/", spec.payload(world), format="json")
    assert response.status_code == create_code, response.content
    assert model.objects.count() == before + (1 if create_code in (201, 202) else 0)
    if create_code == 400:
        assert any("无效" in str(messages) for messages in response.json().values()), response.content

    name, value = spec.update
    attribute = spec.model_field or name
    old = getattr(model.objects.get(pk=target.pk), attribute)
    response = client.patch(_detail(prefix, target.pk), {name: value}, format="json")
    assert response.status_code == update_code, response.content
    assert getattr(model.objects.get(pk=target.pk), attribute) == (value if update_code == 200 else old)

    before = model.objects.count()
    response = client.delete(_detail(prefix, target.pk))
    assert response.status_code == delete_code, response.content
    assert model.objects.filter(pk=target.pk).exists() == (delete_code != 204)
    assert model.objects.count() == before - (1 if delete_code == 204 else 0)


def _list_queries(client, prefix, page_size):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/{prefix}/", {"page_size": page_size})
    assert response.status_code == 200, response.content
    return len(queries), response.json()


@pytest.mark.parametrize("prefix", REGISTERED)
def test_list_runs_constant_queries_whatever_the_page_size(prefix, world, bureau_user):
    spec = RESOURCES[prefix]
    world.target = spec.make(world, 0)
    for n in range(1, 12):
        spec.make(world, n)
    client = api_client(bureau_user)
    client.get(f"/api/v1/{prefix}/")  # warm-up: token and session lookups of the first call
    small, page = _list_queries(client, prefix, 5)
    large, everything = _list_queries(client, prefix, 50)
    assert len(page["results"]) == 5
    assert len(everything["results"]) == everything["count"] >= 12
    assert small == large


def test_page_size_is_capped_at_500(bureau_user):
    from reference.models import Industry

    Industry.objects.bulk_create([Industry(code=f"Z{n:04d}", name=f"行业{n}") for n in range(503)])
    body = api_client(bureau_user).get("/api/v1/industries/", {"page_size": 1000}).json()
    assert body["count"] == 503
    assert len(body["results"]) == 500
    assert body["next"].endswith("page=2&page_size=1000")
    assert body["previous"] is None
