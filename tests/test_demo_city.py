"""The demo city of `seed_demo`: seeded once for the module (city scale, seed 2026), then checked
from the outside: counts, validity of every row, the shape the dashboard relies on, the logins."""

import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.test import override_settings
from django.urls import reverse
from stdnum.cn import uscc as stdnum_uscc

from colleges import models as cm
from demand import models as dm
from enterprises import models as em
from exchange import demo_city
from policies import models as pm
from portal.roles import college_id_of, enterprise_id_of, role_of
from programs import models as prm
from reference import models as rm
from reference.matching import codes_match, overlapping_codes

END_2026 = datetime.date(2026, 12, 31)


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """`manage.py seed_demo` once for the whole module, in a transaction rolled back afterwards; its output."""
    # The suite hashes passwords with MD5 (conftest), an autouse fixture that runs after this one.
    fast_hashing = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic(), fast_hashing:
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def seeded(city, db):
    return city


def test_city_has_the_promised_sizes(seeded):
    printed = dict(line.strip().split(": ") for line in seeded.splitlines() if re.fullmatch(r"  [a-z]+: \d+", line))
    assert {name: int(n) for name, n in printed.items()} == {
        "industry": 113,
        "industrycluster": 10,
        "major": 69,
        "district": 7,
        "college": 20,
        "prioritymajor": 40,
        "program": 298,
        "programyear": 2058,
        "enterprise": 800,
        "demandlist": 1822,
        "demanditem": 6331,
        "demanditemevent": 8139,
        "demandassignment": 2305,
        "fulfilmentproposal": 1,
        "demandclaim": 1,
        "industrycollege": 12,
        "industrycollegepartner": 71,
        "trainingbase": 30,
        "orderclass": 100,
        "cooperationproject": 35,
        "trainingsession": 234,
        "policycard": 10,
        "policydelivery": 4652,
        "policyfeedback": 284,
        "unit": 19,
        "task": 24,
        "taskreport": 377,
    }
    assert dm.DemandItem.objects.count() == 6331
    # The colleges' work: the demo college's notes and one proposal waiting, two items open for claims, one claimed.
    demo_college = get_user_model().objects.get(username="college").profile.college_id
    assert dm.DemandItemEvent.objects.filter(kind="progress", college_id=demo_college).count() == 3
    assert dm.FulfilmentProposal.objects.get().status == "pending"
    assert dm.DemandItem.objects.claimable(get_user_model().objects.get(username="college")).count() == 2
    assert dm.DemandClaim.objects.get().college_id == demo_college
    assert sorted(dm.DemandList.objects.order_by().values_list("year", "quarter").distinct()) == demo_city.QUARTERS
    # Graduated cohorts 2023–2026, then the cohorts in school: up to five more years for 五年制高职.
    years = prm.ProgramYear.objects.order_by().values_list("year", flat=True).distinct()
    assert sorted(years) == list(range(2023, 2032))
    assert set(cm.College.objects.values_list("district", flat=True)) == set(demo_city.ref.CITY_DISTRICTS)


def test_every_enterprise_has_a_valid_uscc_and_a_real_industry(seeded):
    usccs = list(em.Enterprise.objects.values_list("uscc", flat=True))
    assert len(usccs) == len(set(usccs)) == 800
    assert all(stdnum_uscc.is_valid(u) for u in usccs)
    for enterprise in em.Enterprise.objects.order_by("id")[:50]:
        enterprise.full_clean()
    key_codes = [c for cl in rm.IndustryCluster.objects.filter(is_key=True) for c in cl.industry_codes]
    clustered = sum(
        1
        for code in em.Enterprise.objects.values_list("industry_id", flat=True)
        if any(codes_match(code, c) for c in key_codes)
    )
    assert clustered / 800 > 0.8


def test_reference_data_is_valid_and_key_clusters_are_disjoint(seeded):
    for model in (rm.Industry, rm.IndustryCluster, rm.Major, cm.College):
        for row in model.objects.all():
            row.full_clean()
    keys = list(rm.IndustryCluster.objects.filter(is_key=True))
    assert len(keys) == 8
    assert all(overlapping_codes(a.industry_codes, b.industry_codes) is None for a in keys for b in keys if a != b)
    assert rm.IndustryCluster.objects.filter(is_key=False).count() == 2
    levels = dict(rm.Major.objects.order_by().values_list("level").annotate(n=Count("id")))
    assert levels == {"higher": 43, "secondary": 16, "bachelor": 10}


def test_program_figures_are_consistent_and_programs_match_their_college(seeded):
    assert not prm.ProgramYear.objects.filter(
        Q(employed__gt=F("graduates")) | Q(employed_in_field__gt=F("employed")) | Q(employed_locally__gt=F("employed"))
    ).exists()
    for figure in prm.ProgramYear.objects.order_by("id")[:40]:
        figure.full_clean()
    for program in prm.Program.objects.order_by("id")[:40]:
        program.full_clean()
    for schooling, level, kind in prm.Program.objects.values_list("schooling", "major__level", "college__kind"):
        assert demo_city.MAJOR_LEVEL[schooling] == level
        assert schooling in dict(demo_city.KIND_SCHOOLING[kind])
    assert prm.Program.objects.filter(schooling="5yr_higher").count() > 50
    assert prm.Program.objects.exclude(closed_on=None).count() > 0
    assert prm.Program.objects.filter(emerging=True).count() > 0
    assert prm.Program.objects.filter(enrollment_status="restricted").count() == 2
    assert prm.Program.objects.filter(enrollment_status="stopped", closed_on=None).count() == 2


def test_cohorts_in_school_drive_the_forecast(seeded):
    cohorts = prm.ProgramYear.objects.filter(year__gt=2026)
    assert not cohorts.exclude(graduates=0, employed=0, employed_in_field=0, employed_locally=0).exists()
    assert not cohorts.filter(Q(enrolled=0) | Q(enrolled__gt=F("admitted"))).exists()
    # Every program teaching at the end of 2026 that still admits has its next three graduating cohorts.
    admitting = prm.Program.objects.filter(closed_on=None).exclude(enrollment_status="stopped")
    for program in admitting.filter(established_on__lt=datetime.date(2023, 1, 1)):
        assert {2027, 2028, 2029} <= set(program.years.values_list("year", flat=True)), program
    # A stopped program teaches out the cohorts it admitted before 2025, and admits no one after.
    for program in prm.Program.objects.filter(enrollment_status="stopped", closed_on=None):
        length = demo_city.SCHOOLING_YEARS[program.schooling]
        assert max(program.years.values_list("year", flat=True)) == 2024 + length
    # A restricted program halved its intake from 2025.
    for program in prm.Program.objects.filter(enrollment_status="restricted"):
        length = demo_city.SCHOOLING_YEARS[program.schooling]
        intake = dict(program.years.values_list("year", "admitted"))
        assert intake[2025 + length] < 0.65 * intake[2024 + length]
    completion = prm.ProgramYear.objects.filter(year__lte=2026).aggregate(g=Sum("graduates"), e=Sum("enrolled"))
    assert 0.9 < completion["g"] / completion["e"] < 1


def test_priority_major_directory_is_valid_and_partly_revised(seeded):
    entries = list(rm.PriorityMajor.objects.all())
    for entry in entries:
        entry.full_clean()
    majors = {entry.major_id for entry in entries}
    assert 0.4 < len(majors) / rm.Major.objects.count() < 0.8
    assert sum(entry.cluster_id is not None for entry in entries) > len(entries) / 2
    assert any(entry.effective_to for entry in entries)
    assert {entry.effective_from for entry in entries} == {datetime.date(2023, 1, 1), datetime.date(2025, 1, 1)}
    programs = prm.Program.objects.filter(closed_on=None)
    current = {entry.major_id for entry in entries if entry.effective_to is None}
    in_directory = sum(code in current for code in programs.values_list("major__code", flat=True))
    assert 0.3 < in_directory / programs.count() < 0.9


def test_the_city_sits_near_its_targets(seeded):
    keys = list(rm.IndustryCluster.objects.filter(is_key=True))
    active = prm.Program.objects.filter(Q(closed_on=None) | Q(closed_on__gt=END_2026)).select_related("major")

    def serves(major):
        return any(codes_match(a, b) for a in major.industry_codes for k in keys for b in k.industry_codes)

    alignment = sum(serves(p.major) for p in active) / active.count()
    assert 0.78 < alignment < 0.85
    five_year = prm.ProgramYear.objects.filter(year=2026, program__schooling="5yr_higher").aggregate(
        local=Sum("employed_locally"), employed=Sum("employed")
    )
    assert 0.82 < five_year["local"] / five_year["employed"] < 0.88
    # Programs whose in-field rate stayed below 60 % in 2025 and 2026 (the alerts of SPEC 4).
    rates = {}
    for program_id, year, in_field, employed in prm.ProgramYear.objects.filter(
        year__in=(2025, 2026), employed__gt=0
    ).values_list("program_id", "year", "employed_in_field", "employed"):
        rates.setdefault(program_id, {})[year] = in_field / employed
    alerting = [p for p, r in rates.items() if len(r) == 2 and max(r.values()) < 0.6]
    assert len(alerting) == demo_city.CITY.alert_programs
    chain_leaders = cm.IndustryCollege.objects.annotate(
        leaders=Count("partnerships", filter=Q(partnerships__is_chain_leader=True))
    ).values_list("leaders", flat=True)
    assert 0 < sum(n >= 3 for n in chain_leaders) < len(chain_leaders)
    assert em.Enterprise.objects.exclude(integration_certified_on=None).count() == 40
    assert all(
        n == 25
        for n in prm.OrderClass.objects.order_by().values("year").annotate(n=Count("id")).values_list("n", flat=True)
    )


def test_demand_items_are_valid_in_every_status(seeded):
    statuses = dict(dm.DemandItem.objects.order_by().values_list("status").annotate(n=Count("id")))
    assert set(statuses) == {"open", "matched", "in_progress", "fulfilled", "cancelled"}
    assert set(dm.DemandItem.objects.values_list("kind", flat=True)) == {"talent", "tech", "training"}
    assert set(dm.DemandList.objects.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "accepted",
        "returned",
    }
    for item in dm.DemandItem.objects.order_by("id")[::120]:
        item.full_clean()
    # Only counted lists move; draft and returned ones stay open; ticked-off items are in the past.
    assert (
        not dm.DemandItem.objects.filter(demand_list__status__in=("draft", "returned")).exclude(status="open").exists()
    )
    assert not dm.DemandItem.objects.filter(fulfilled_on__gt=demo_city.TODAY).exists()
    overdue = dm.DemandItem.objects.filter(due_on__lt=demo_city.TODAY).exclude(status__in=("fulfilled", "cancelled"))
    assert overdue.exists()
    assert dm.DemandList.objects.filter(status="returned").exclude(return_reason="").count() == (
        dm.DemandList.objects.filter(status="returned").count()
    )
    moved = dm.DemandItem.objects.exclude(status="open").count()
    assert dm.DemandItemEvent.objects.filter(kind="status").order_by().values("item").distinct().count() == moved
    assert not dm.DemandAssignment.objects.filter(item__status="open").exists()


def test_cooperation_and_policy_rows_are_valid(seeded):
    for model in (cm.IndustryCollege, cm.TrainingBase, cm.CooperationProject, cm.TrainingSession, prm.OrderClass):
        for row in model.objects.all()[:20]:
            row.full_clean()
    for card in pm.PolicyCard.objects.all():
        card.full_clean()
    published = pm.PolicyCard.objects.exclude(published_at=None)
    # Every published card reached exactly its audience (empty audience = every enterprise).
    for card in published:
        tags = set(card.audience_tags)
        audience = [e for e in em.Enterprise.objects.only("tags") if not tags or tags & set(e.tags)]
        assert card.deliveries.count() == len(audience)
    assert pm.PolicyDelivery.objects.exclude(acknowledged_at=None).exists()
    assert pm.PolicyFeedback.objects.exclude(answered_at=None).exists()
    assert pm.PolicyCard.objects.filter(status="draft").count() == 1
    assert 2000 < cm.TrainingSession.objects.filter(held_on__year=2025).aggregate(n=Sum("trainees"))["n"] < 10000


def test_demo_users_log_in_with_their_roles(seeded, client):
    assert "Demo@2026portal" in seeded
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["bureau", "college", "enterprise", "agency"])}
    assert {name: role_of(u) for name, u in users.items()} == {
        "bureau": "bureau",
        "college": "college",
        "enterprise": "enterprise",
        "agency": "agency",
    }
    assert users["bureau"].is_superuser and users["bureau"].is_staff
    assert college_id_of(users["college"]) == cm.College.objects.order_by("code").first().id
    enterprise_id = enterprise_id_of(users["enterprise"])
    draft = dm.DemandList.objects.get(enterprise_id=enterprise_id, year=2026, quarter=4)
    assert draft.status == "draft" and draft.items.exists()
    assert dm.DemandList.objects.filter(enterprise_id=enterprise_id).count() == 8
    for username in users:
        response = client.post(reverse("login"), {"username": username, "password": demo_city.DEMO_PASSWORD})
        assert response.status_code == 302, username
        assert client.session["_auth_user_id"] == str(users[username].pk)
        client.logout()


def test_seeding_again_is_refused_and_changes_nothing(seeded):
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo")
    assert em.Enterprise.objects.count() == 800
    assert get_user_model().objects.filter(username="bureau").count() == 1


def test_the_demo_city_is_consistent_with_itself(seeded):
    from metrics.models import Target

    # Feedback: a "benefited" answer never says the enterprise is not yet eligible, and the other way round.
    answered = pm.PolicyFeedback.objects.exclude(answered_at=None)
    assert answered.filter(benefited=True).exists() and answered.filter(benefited=False).exists()
    assert not answered.filter(benefited=True, comment__contains="尚未").exists()
    assert not answered.filter(benefited=False, comment__startswith="已").exists()
    # Names say what the industry code says.
    assert not em.Enterprise.objects.filter(name__contains="汽车服务").exclude(industry_id="O8111").exists()
    assert not em.Enterprise.objects.filter(name__contains="餐饮").exclude(industry_id="H6210").exists()
    # Targets cite this city's documents only.
    sources = list(Target.objects.values_list("source", flat=True))
    assert sources and not [s for s in sources if "盘锦" in s]


def test_the_plan_tasks_have_units_logins_and_reports_of_every_kind(seeded, client):
    from plan import selectors
    from plan.models import Task, TaskReport

    assert Task.objects.count() == 24 and "dept_fgw  (department · 市发展改革委)" in seeded
    overdue = selectors.overdue_tasks(today=demo_city.TODAY).count()  # silent in 2026Q3
    assert 1 <= overdue <= 10
    returned = TaskReport.objects.filter(review_state="returned")
    assert returned.exists() and all(r.review_reason for r in returned)
    assert TaskReport.objects.filter(review_state="submitted", year=2026, quarter=4).exists()
    response = client.post(reverse("login"), {"username": "dept_fgw", "password": demo_city.DEMO_PASSWORD})
    assert response.status_code == 302
    assert "市发展改革委" in client.get("/").content.decode()
