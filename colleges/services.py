"""Every write to colleges, industry colleges, training bases, projects, sessions and assignments.

Row visibility is the caller's (`restrict(user, "change")`); these services keep a college
admin from saving a row *into* another college, and validate everything with full_clean().
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.choices import COUNTED_LIST_STATUSES, ItemStatus
from enterprises.models import DemandItem, Enterprise
from enterprises.services import demand_item_transition
from portal.roles import Role, college_id_of, enterprise_id_of, role_of
from portal.services import acts_as_bureau, require_bureau, save_validated

from .models import (
    College,
    CooperationProject,
    DemandAssignment,
    IndustryCollege,
    IndustryCollegePartner,
    TrainingBase,
    TrainingSession,
)


def _save(instance, by):
    instance._history_user = by
    return save_validated(instance)


def require_college_owner(by, college_id) -> None:
    """A college admin writes only rows of their own college; the bureau writes any."""
    if acts_as_bureau(by):
        return
    if role_of(by) != Role.COLLEGE or college_id is None or college_id != college_id_of(by):
        raise PermissionDenied(_("只能维护本院校的数据。"))


# ---- assignments of demand items ---------------------------------------------------------


@transaction.atomic
def demand_item_assign(*, item: DemandItem, college: College, by) -> DemandAssignment:
    """Assign an item to a college (bureau); an open item becomes matched. Assigning twice is a no-op."""
    require_bureau(by, _("只有教育局可以分派需求。"))
    if item.demand_list.status not in COUNTED_LIST_STATUSES:
        message = _("清单「%(list)s」尚未提交，不能分派需求。") % {"list": item.demand_list}
        raise ValidationError({"item": message})
    if item.status in (ItemStatus.FULFILLED, ItemStatus.CANCELLED):
        raise ValidationError({"item": _("需求「%(item)s」已办结，不能再分派。") % {"item": item}})
    assignment, created = DemandAssignment.objects.get_or_create(
        item=item, college=college, defaults={"assigned_by": by}
    )
    if created and item.status == ItemStatus.OPEN:
        demand_item_transition(
            item=item, to_status=ItemStatus.MATCHED, by=by, note=_("分派给%(college)s") % {"college": college.name}
        )
    return assignment


@transaction.atomic
def demand_item_unassign(*, item: DemandItem, college: College, by) -> None:
    """Withdraw an item's assignment to a college (bureau). The item's status is left as it is."""
    require_bureau(by, _("只有教育局可以撤回分派。"))
    deleted, _rows = DemandAssignment.objects.filter(item=item, college=college).delete()
    if not deleted:
        raise ValidationError(
            {"college": _("需求「%(item)s」没有分派给%(college)s。") % {"item": item, "college": college}}
        )


# ---- colleges and their rows -------------------------------------------------------------


@transaction.atomic
def college_save(*, instance: College, by) -> College:
    """Create (bureau) or update (bureau or the college's own admin) a college."""
    if instance.pk is None:
        require_bureau(by, _("只有教育局可以新增院校。"))
    else:
        require_college_owner(by, instance.pk)
    return _save(instance, by)


@transaction.atomic
def industry_college_save(
    *,
    instance: IndustryCollege,
    by,
    partner_ids: list[int] | None = None,
    chain_leader_ids: list[int] | None = None,
) -> IndustryCollege:
    """Save an industry college and, when given, its partner enterprises.

    `partner_ids` replaces the partners (None keeps them); chain leaders are partners too,
    so `chain_leader_ids` are added to the partners and flagged 链主 (None keeps the flags).
    """
    require_college_owner(by, instance.college_id)
    _save(instance, by)
    if partner_ids is None and chain_leader_ids is None:
        return instance
    current = dict(
        IndustryCollegePartner.objects.filter(industry_college=instance).values_list("enterprise_id", "is_chain_leader")
    )
    partners = set(current) if partner_ids is None else {int(pk) for pk in partner_ids}
    leaders = (
        {pk for pk, flag in current.items() if flag}
        if chain_leader_ids is None
        else {int(pk) for pk in chain_leader_ids}
    )
    partners |= leaders
    known = set(Enterprise.objects.filter(pk__in=partners).values_list("pk", flat=True))
    missing = sorted(partners - known)
    if missing:
        raise ValidationError({"partners": _("合作企业不存在：%(ids)s") % {"ids": ", ".join(map(str, missing))}})
    IndustryCollegePartner.objects.filter(industry_college=instance).exclude(enterprise_id__in=partners).delete()
    IndustryCollegePartner.objects.bulk_create(
        [
            IndustryCollegePartner(industry_college=instance, enterprise_id=pk, is_chain_leader=pk in leaders)
            for pk in sorted(partners - set(current))
        ]
    )
    kept = partners & set(current)
    IndustryCollegePartner.objects.filter(industry_college=instance, enterprise_id__in=kept & leaders).update(
        is_chain_leader=True
    )
    IndustryCollegePartner.objects.filter(industry_college=instance, enterprise_id__in=kept - leaders).update(
        is_chain_leader=False
    )
    return instance


@transaction.atomic
def training_base_save(*, instance: TrainingBase, by) -> TrainingBase:
    """Save a training base; an enterprise clerk may keep a base that belongs to their enterprise alone."""
    if role_of(by) == Role.ENTERPRISE:
        if instance.college_id is not None or instance.enterprise_id != enterprise_id_of(by):
            raise PermissionDenied(_("只能维护本企业自有的实训基地。"))
    else:
        require_college_owner(by, instance.college_id)
    return _save(instance, by)


@transaction.atomic
def cooperation_project_save(*, instance: CooperationProject, by) -> CooperationProject:
    """Save a 产学合作协同育人项目 of a college."""
    require_college_owner(by, instance.college_id)
    return _save(instance, by)


@transaction.atomic
def training_session_save(*, instance: TrainingSession, by) -> TrainingSession:
    """Save a 职工技能培训 session of a college."""
    require_college_owner(by, instance.college_id)
    return _save(instance, by)
