"""factory_boy factories for every model. Valid by default; override what a test is about."""

import datetime

import factory
from django.contrib.auth import get_user_model
from stdnum.cn import uscc as stdnum_uscc

from colleges import models as cm
from demand import models as dm
from enterprises import models as em
from metrics import models as mm
from plan import models as plm
from policies import models as pm
from portal.models import UserProfile
from programs import models as prm
from reference import models as rm


def make_uscc(n: int) -> str:
    """A valid 统一社会信用代码 whose body encodes n (GB 32100-2015 check digit computed by stdnum)."""
    body = f"91320800{n:09d}"
    return body + stdnum_uscc.calc_check_digit(body)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("Passw0rd!Portal")


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserProfile

    user = factory.SubFactory(UserFactory)
    role = "bureau"


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = rm.Industry
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{30 + n % 60:02d}")
    name = factory.LazyAttribute(lambda o: f"行业{o.code}")
    parent_code = ""


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = rm.IndustryCluster
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"CL{n}")
    name = factory.Sequence(lambda n: f"产业集群{n}")
    industry_codes = factory.List(["C36"])
    is_key = True
    order = factory.Sequence(lambda n: n)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = em.Enterprise

    uscc = factory.Sequence(lambda n: make_uscc(n + 1))
    name = factory.Sequence(lambda n: f"淮安测试企业{n}有限公司")
    industry = factory.SubFactory(IndustryFactory, code="C36")
    district = "清江浦区"
    scale = "medium"
    tags = factory.List([])


class DemandListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = dm.DemandList

    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2025
    quarter = 2
    status = "submitted"


class DemandItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = dm.DemandItem

    demand_list = factory.SubFactory(DemandListFactory)
    kind = "talent"
    title = factory.Sequence(lambda n: f"技能人才需求{n}")
    industry = factory.SelfAttribute("demand_list.enterprise.industry")
    headcount = 10
    due_on = datetime.date(2025, 6, 30)
    status = "open"


class CollegeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.College
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{13300 + n}")
    name = factory.Sequence(lambda n: f"测试职业技术学院{n}")
    kind = "higher"
    district = "清江浦区"


class MajorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = rm.Major
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{460000 + n}")
    name = factory.Sequence(lambda n: f"测试专业{n}")
    level = "higher"
    industry_codes = factory.List(["C36"])


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prm.Program

    college = factory.SubFactory(CollegeFactory)
    major = factory.SubFactory(MajorFactory)
    schooling = "3yr_higher"
    established_on = datetime.date(2020, 9, 1)


class ProgramYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prm.ProgramYear

    program = factory.SubFactory(ProgramFactory)
    year = 2025
    enrolled = 120
    admitted = 40
    graduates = 40
    employed = 36
    employed_in_field = 30
    employed_locally = 28


class OrderClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = prm.OrderClass

    program = factory.SubFactory(ProgramFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    year = 2025
    name = factory.Sequence(lambda n: f"订单班{n}")
    seats = 30
    kind = "order"


class IndustryCollegeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.IndustryCollege

    code = factory.Sequence(lambda n: f"IC{n:03d}")
    name = factory.Sequence(lambda n: f"产业学院{n}")
    college = factory.SubFactory(CollegeFactory)
    cluster = factory.SubFactory(ClusterFactory)
    established_on = datetime.date(2023, 9, 1)


class TrainingBaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.TrainingBase

    code = factory.Sequence(lambda n: f"TB{n:03d}")
    name = factory.Sequence(lambda n: f"实训基地{n}")
    college = factory.SubFactory(CollegeFactory)
    kind = "public"
    certified = True
    established_on = datetime.date(2022, 4, 1)


class CooperationProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.CooperationProject

    code = factory.Sequence(lambda n: f"CP{n:03d}")
    name = factory.Sequence(lambda n: f"协同育人项目{n}")
    college = factory.SubFactory(CollegeFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    started_on = datetime.date(2024, 1, 1)


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = cm.TrainingSession

    college = factory.SubFactory(CollegeFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    title = factory.Sequence(lambda n: f"技能培训{n}")
    held_on = datetime.date(2025, 3, 1)
    trainees = 50


class PolicyCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pm.PolicyCard

    title = factory.Sequence(lambda n: f"惠企政策{n}")
    category = "tax"
    summary = "研发费用加计扣除"
    body = "符合条件的企业研发费用按100%加计扣除。"
    issuer = "淮安市税务局"
    effective_from = datetime.date(2025, 1, 1)


class ReviewRuleFactory(factory.django.DjangoModelFactory):
    """A threshold rule; pass bottom_percent with comparator="" and threshold=None for a bottom rule."""

    class Meta:
        model = mm.ReviewRule
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"rule_{n}")
    name = "测试规则"
    figure = "employment_rate"
    years = 1
    level = "yellow"
    comparator = "lt"
    threshold = 0.5


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = mm.Target

    metric = "alignment_rate"
    threshold = 0.8
    source = "测试条款"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = plm.Unit
        django_get_or_create = ("name",)

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.Sequence(lambda n: f"市测试局{n}")
    order = factory.Sequence(lambda n: n)


class TaskFactory(factory.django.DjangoModelFactory):
    """A plan task; pass lead_units=[...] / co_units=[...] to set its units."""

    class Meta:
        model = plm.Task
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"T{n:02d}")
    title = factory.Sequence(lambda n: f"重点任务{n}")
    content = "任务内容"
    due_on = datetime.date(2027, 12, 31)

    @factory.post_generation
    def lead_units(self, create, units):
        if create and units:
            self.lead_units.set(units)

    @factory.post_generation
    def co_units(self, create, units):
        if create and units:
            self.co_units.set(units)


class TaskReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = plm.TaskReport

    task = factory.SubFactory(TaskFactory)
    unit = factory.SubFactory(UnitFactory)
    year = 2026
    quarter = 3
    status = "in_progress"
    text = "按计划推进"
    submitted_at = factory.LazyFunction(lambda: datetime.datetime(2026, 10, 5, 10, tzinfo=datetime.UTC))
