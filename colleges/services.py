"""Every write to colleges, industry colleges, training bases, projects and sessions.

Row visibility is the caller's (`restrict(user, "change")`); these services keep a college
admin from saving a row *into* another college, and validate everything with full_clean().
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enterprises.models import Enterprise
from portal.roles import Role, college_id_of, role_of
from portal.services import acts_as_bureau, require_bureau, save_as

from . import rules
from .models import College, CooperationProject, IndustryCollege, IndustryCollegePartner, TrainingBase, TrainingSession


def require_college_owner(by, college_id) -> None:
    """A college admin writes only rows of their own college; the bureau writes any."""
    if acts_as_bureau(by):
        return
    if role_of(by) != Role.COLLEGE or college_id is None or college_id != college_id_of(by):
        raise PermissionDenied(_("只能维护本院校的数据。"))


# ---- colleges and their rows -------------------------------------------------------------


@transaction.atomic
def college_save(*, instance: College, by) -> College:
    """Create (bureau) or update (bureau or the college's own admin) a college."""
    if instance.pk is None:
        require_bureau(by, _("只有教育局可以新增院校。"))
    else:
        require_college_owner(by, instance.pk)
    return save_as(instance, by)


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
    save_as(instance, by)
    if partner_ids is None and chain_leader_ids is None:
        return instance
    current = dict(
        IndustryCollegePartner.objects.filter(industry_college=instance).values_list("enterprise_id", "is_chain_leader")
    )
    flags = rules.partner_flags(
        current if partner_ids is None else [int(pk) for pk in partner_ids],
        [pk for pk, flag in current.items() if flag]
        if chain_leader_ids is None
        else [int(pk) for pk in chain_leader_ids],
    )
    partners, leaders = set(flags), {pk for pk, flag in flags.items() if flag}
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
    """Save a training base of a college (its admin) or of anyone (the bureau); see scoping.py."""
    require_college_owner(by, instance.college_id)
    return save_as(instance, by)


@transaction.atomic
def cooperation_project_save(*, instance: CooperationProject, by) -> CooperationProject:
    """Save a 产学合作协同育人项目 of a college."""
    require_college_owner(by, instance.college_id)
    return save_as(instance, by)


@transaction.atomic
def training_session_save(*, instance: TrainingSession, by) -> TrainingSession:
    """Save a 职工技能培训 session of a college."""
    require_college_owner(by, instance.college_id)
    return save_as(instance, by)
