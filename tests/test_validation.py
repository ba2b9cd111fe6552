"""Every validation rule of the domain rejects its bad case with its Chinese message on its field,
through the services that pages, API and import call; the database constraints hold even when
someone bypasses full_clean()."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from colleges import services as college_services
from colleges.models import TrainingBase
from demand import services as demand_services
from demand.models import DemandItem, DemandList
from enterprises import rules as enterprise_rules
from enterprises import services as enterprise_services
from enterprises.models import Enterprise
from policies import services as policy_services
from policies.models import PolicyCard
from programs import services as program_services
from programs.models import Program, ProgramYear
from reference import services as reference_services
from reference.models import IndustryCluster
from tests import factories as f
from tests.factories import make_uscc

D = datetime.date
# An enterprise's new item may not be due before today (issue #15).
DUE = timezone.localdate() + datetime.timedelta(days=90)


def errors_of(call) -> dict:
    with pytest.raises(ValidationError) as raised:
        call()
    return raised.value.message_dict


# ---- enterprises ---------------------------------------------------------------------------


def _enterprise_fields(**overrides):
    fields = {
        "uscc": make_uscc(777),
        "name": "淮安校验测试有限公司",
        "industry": f.IndustryFactory(code="C36"),
        "district": "清江浦区",
        "scale": "small",
        "tags": [],
    }
    return fields | overrides


def test_uscc_with_wrong_check_digit_is_rejected_on_uscc(bureau_user):
    good = make_uscc(777)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")

    errors = errors_of(lambda: enterprise_services.enterprise_create(by=bureau_user, **_enterprise_fields(uscc=bad)))

    assert errors == {"uscc": [f"统一社会信用代码 {bad} 校验位错误。"]}
    assert not Enterprise.objects.exists()


@pytest.mark.parametrize("bad", ["91320800ABC", "91320800000000777o", "9132080000000077IX"])
def test_uscc_of_wrong_format_is_rejected_on_uscc(bureau_user, bad):
    errors = errors_of(lambda: enterprise_services.enterprise_create(by=bureau_user, **_enterprise_fields(uscc=bad)))

    assert errors["uscc"] == [f"统一社会信用代码 {bad} 格式错误（应为18位数字或大写字母）。"]


def test_unknown_enterprise_tag_is_rejected_on_tags(bureau_user):
    errors = errors_of(
        lambda: enterprise_services.enterprise_create(
            by=bureau_user, **_enterprise_fields(tags=["chain_leader", "unicorn"])
        )
    )

    assert errors == {"tags": [enterprise_rules.unknown_tags_error(["unicorn"])]}
    assert errors["tags"][0].startswith("未知的企业标签：unicorn；可选值：above_scale（规上企业）")


def test_unknown_field_is_rejected_by_name(bureau_user):
    errors = errors_of(lambda: enterprise_services.enterprise_create(by=bureau_user, **_enterprise_fields(owner="x")))

    assert errors == {"owner": ["不能修改此字段。"]}


@pytest.mark.parametrize(
    ("existing", "new"),
    [(["C36"], ["C3670"]), (["C3670"], ["C36"]), (["C26", "C3670"], ["C3670"])],
    ids=["new-is-narrower", "new-is-wider", "same-code"],
)
def test_key_clusters_overlapping_by_prefix_are_rejected(bureau_user, existing, new):
    f.ClusterFactory(code="NEV", name="新能源汽车及零部件", industry_codes=existing)
    cluster = IndustryCluster(code="CHEM", name="化工新材料", industry_codes=new, is_key=True)

    errors = errors_of(lambda: reference_services.cluster_save(instance=cluster, by=bureau_user))

    other = next(code for code in existing if code.startswith(new[0]) or new[0].startswith(code))
    message = f"重点集群之间不得共享行业：{new[0]} 与集群「新能源汽车及零部件」（NEV）的 {other} 重叠。"
    assert errors == {"industry_codes": [message]}
    assert IndustryCluster.objects.count() == 1


def test_non_key_cluster_may_share_industries(bureau_user):
    f.ClusterFactory(code="NEV", industry_codes=["C36"])
    cluster = IndustryCluster(code="AUTO", name="汽车后市场", industry_codes=["C3670"], is_key=False)

    reference_services.cluster_save(instance=cluster, by=bureau_user)

    assert IndustryCluster.objects.count() == 2


def test_cluster_needs_at_least_one_industry_code(bureau_user):
    cluster = IndustryCluster(code="EMPTY", name="空集群", industry_codes=[], is_key=True)

    errors = errors_of(lambda: reference_services.cluster_save(instance=cluster, by=bureau_user))

    assert errors == {"industry_codes": ["此字段不能为空。"]}


# ---- demand lists and items ------------------------------------------------------------------


def _item_fields(**overrides):
    return {"kind": "talent", "title": "数控车工", "headcount": 5, "due_on": DUE} | overrides


@pytest.mark.parametrize("kind", ["talent", "training"])
@pytest.mark.parametrize("headcount", [0, None])
def test_talent_and_training_items_need_a_positive_headcount(enterprise, enterprise_user, kind, headcount):
    demand_list = f.DemandListFactory(enterprise=enterprise, status="draft")

    errors = errors_of(
        lambda: demand_services.demand_item_create(
            demand_list=demand_list, by=enterprise_user, **_item_fields(kind=kind, headcount=headcount)
        )
    )

    assert errors == {"headcount": ["技能人才和员工培训需求的人数必须大于 0。"]}
    assert not DemandItem.objects.exists()


def test_tech_item_may_have_no_headcount(enterprise, enterprise_user):
    demand_list = f.DemandListFactory(enterprise=enterprise, status="draft")

    item = demand_services.demand_item_create(
        demand_list=demand_list, by=enterprise_user, **_item_fields(kind="tech", headcount=None)
    )

    assert item.headcount is None


def test_unknown_major_code_is_rejected_on_major_code(enterprise, enterprise_user):
    demand_list = f.DemandListFactory(enterprise=enterprise, status="draft")

    errors = errors_of(
        lambda: demand_services.demand_item_create(
            demand_list=demand_list, by=enterprise_user, **_item_fields(major_code="460799")
        )
    )

    assert errors == {"major_code": ["专业代码 460799 不在职业教育专业目录中。"]}


def test_malformed_major_code_is_rejected_on_major_code(enterprise, enterprise_user):
    demand_list = f.DemandListFactory(enterprise=enterprise, status="draft")

    errors = errors_of(
        lambda: demand_services.demand_item_create(
            demand_list=demand_list, by=enterprise_user, **_item_fields(major_code="46A7")
        )
    )

    assert errors == {"major_code": ["专业代码应为6位数字。"]}


def test_fulfilled_item_without_date_is_rejected_on_fulfilled_on(enterprise, bureau_user):
    demand_list = f.DemandListFactory(enterprise=enterprise)

    errors = errors_of(
        lambda: demand_services.demand_item_create(
            demand_list=demand_list, by=bureau_user, **_item_fields(status="fulfilled")
        )
    )

    assert errors == {"fulfilled_on": ["已销号的需求必须填写销号日期。"]}


def test_second_list_for_the_same_enterprise_and_quarter_is_rejected(enterprise):
    f.DemandListFactory(enterprise=enterprise, year=2025, quarter=2)

    errors = errors_of(lambda: DemandList(enterprise=enterprise, year=2025, quarter=2).full_clean())

    assert errors == {"__all__": ["该企业这一季度的需求清单已存在。"]}


def test_quarter_5_is_rejected_on_quarter(enterprise, enterprise_user):
    errors = errors_of(
        lambda: demand_services.demand_list_get_or_create(
            enterprise=enterprise, year=2025, quarter=5, by=enterprise_user
        )
    )

    assert errors == {"quarter": ["确保该值小于或等于4。"]}
    assert not DemandList.objects.exists()


def test_fulfilment_in_the_future_or_negative_is_rejected(bureau_user):
    item = f.DemandItemFactory()
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)

    errors = errors_of(lambda: demand_services.demand_item_fulfil(item=item, by=bureau_user, on=tomorrow))
    assert errors == {"fulfilled_on": ["销号日期不能晚于今天。"]}
    errors = errors_of(
        lambda: demand_services.demand_item_fulfil(item=item, by=bureau_user, on=D(2025, 6, 1), headcount=-1)
    )
    assert errors == {"fulfilled_headcount": ["实际满足人数不能为负数。"]}
    item.refresh_from_db()
    assert item.status == "open"


# ---- programs --------------------------------------------------------------------------------


def test_program_closed_before_established_is_refused(college, college_user):
    program = Program(
        college=college,
        major=f.MajorFactory(),
        schooling="3yr_higher",
        established_on=D(2020, 9, 1),
        closed_on=D(2020, 8, 31),
    )

    # SPEC 7: a row error in forms and imports alike (the model's clean(), which both run).
    errors = errors_of(lambda: program_services.program_save(instance=program, by=college_user))

    assert errors == {"closed_on": ["撤销日期不能早于设立日期。"]}
    assert not Program.objects.exists()


@pytest.mark.parametrize(
    ("figures", "field", "message"),
    [
        ({"graduates": 40, "employed": 41}, "employed", "就业人数（41）不能超过毕业生数（40）。"),
        ({"employed": 36, "employed_in_field": 37}, "employed_in_field", "对口就业人数（37）不能超过就业人数（36）。"),
        ({"employed": 36, "employed_locally": 40}, "employed_locally", "本地就业人数（40）不能超过就业人数（36）。"),
        ({"admitted": -1}, "admitted", "确保该值大于或等于0。"),
        ({"employed_locally": -3}, "employed_locally", "确保该值大于或等于0。"),
    ],
    ids=["employed>graduates", "in_field>employed", "locally>employed", "negative-admitted", "negative-locally"],
)
def test_program_year_inequalities(college, college_user, figures, field, message):
    program = f.ProgramFactory(college=college)
    program_year = f.ProgramYearFactory.build(program=program, **figures)

    errors = errors_of(lambda: program_services.program_year_save(instance=program_year, by=college_user))

    assert errors == {field: [message]}
    assert not ProgramYear.objects.exists()


# ---- colleges --------------------------------------------------------------------------------


def test_training_base_without_owner_is_rejected_on_college(bureau_user):
    base = TrainingBase(code="TB900", name="无主基地", kind="public", established_on=D(2022, 1, 1))

    errors = errors_of(lambda: college_services.training_base_save(instance=base, by=bureau_user))

    assert errors == {"college": ["实训基地至少要有一个所属院校或所属企业。"]}


def test_training_base_closed_before_established_is_refused(college, college_user):
    base = f.TrainingBaseFactory.build(college=college, established_on=D(2022, 1, 1), closed_on=D(2021, 1, 1))

    errors = errors_of(lambda: college_services.training_base_save(instance=base, by=college_user))

    assert errors == {"closed_on": ["撤销日期不能早于设立日期。"]}
    assert not TrainingBase.objects.filter(code=base.code).exists()


# ---- policies --------------------------------------------------------------------------------


def test_policy_effective_to_before_from_is_rejected(bureau_user):
    card = f.PolicyCardFactory.build(effective_from=D(2025, 1, 1), effective_to=D(2024, 12, 31))

    errors = errors_of(lambda: policy_services.policy_card_save(instance=card, by=bureau_user))

    assert errors == {"effective_to": ["失效日期不能早于生效日期。"]}
    assert not PolicyCard.objects.exists()


def test_policy_unknown_audience_tag_is_rejected(bureau_user):
    card = f.PolicyCardFactory.build(audience_tags=["specialized", "unicorn"])

    errors = errors_of(lambda: policy_services.policy_card_save(instance=card, by=bureau_user))

    assert errors == {"audience_tags": ["适用企业标签只能是：above_scale, specialized, little_giant, chain_leader"]}


# ---- the database holds the rules when full_clean() is bypassed ------------------------------


def _violates(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_database_refuses_employed_above_graduates(db):
    program = f.ProgramFactory()

    _violates(lambda: ProgramYear.objects.create(program=program, year=2025, graduates=10, employed=11))


def test_database_refuses_talent_item_without_headcount(db):
    demand_list = f.DemandListFactory()

    _violates(
        lambda: DemandItem.objects.create(
            demand_list=demand_list,
            kind="talent",
            title="x",
            industry=demand_list.enterprise.industry,
            headcount=0,
            due_on=D(2025, 6, 30),
        )
    )


def test_database_refuses_second_list_for_a_quarter_and_quarter_5(db):
    demand_list = f.DemandListFactory(year=2025, quarter=2)

    _violates(lambda: DemandList.objects.create(enterprise=demand_list.enterprise, year=2025, quarter=2))
    _violates(lambda: DemandList.objects.create(enterprise=demand_list.enterprise, year=2025, quarter=5))


def test_database_refuses_ownerless_training_base(db):
    _violates(lambda: TrainingBase.objects.create(code="TB1", name="x", kind="public", established_on=D(2020, 1, 1)))
