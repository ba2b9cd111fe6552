"""Every write to reference data (bureau only)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.services import require_bureau, save_as

from . import rules
from .models import District, Industry, IndustryCluster, Major, PriorityMajor


@transaction.atomic
def industry_save(*, instance: Industry, by) -> Industry:
    """Create or update an industry of GB/T 4754-2017 (bureau)."""
    require_bureau(by, _("只有教育局可以维护行业分类。"))
    return save_as(instance, by)


@transaction.atomic
def cluster_save(*, instance: IndustryCluster, by) -> IndustryCluster:
    """Create or update an industry cluster; key clusters may not overlap by prefix (IndustryCluster.clean)."""
    require_bureau(by, _("只有教育局可以维护产业集群。"))
    # Serialise cluster writes so two concurrent saves cannot each pass the overlap check.
    list(IndustryCluster.objects.select_for_update().filter(is_key=True).values_list("pk", flat=True))
    return save_as(instance, by)


@transaction.atomic
def major_save(*, instance: Major, by) -> Major:
    """Create or update a major of the catalogue (bureau)."""
    require_bureau(by, _("只有教育局可以维护专业目录。"))
    return save_as(instance, by)


@transaction.atomic
def district_save(*, instance: District, by) -> District:
    """Create or update a district (bureau); one still named by colleges or enterprises keeps its name."""
    require_bureau(by, _("只有教育局可以维护区县列表。"))
    if instance.pk is not None:
        stored = District.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
        if stored is not None and stored != instance.name:
            error = rules.district_in_use_error(stored)
            if error:
                raise ValidationError({"name": error})
    return save_as(instance, by)


@transaction.atomic
def district_delete(*, district: District, by) -> None:
    """Delete a district (bureau) that no college or enterprise names any more."""
    require_bureau(by, _("只有教育局可以维护区县列表。"))
    error = rules.district_in_use_error(district.name)
    if error:
        raise ValidationError(error)
    district._history_user = by
    district.delete()


@transaction.atomic
def priority_major_save(*, instance: PriorityMajor, by) -> PriorityMajor:
    """Create or update an entry of the 优先发展专业目录 (bureau)."""
    require_bureau(by, _("只有教育局可以维护优先发展专业目录。"))
    return save_as(instance, by)


@transaction.atomic
def priority_major_delete(*, entry: PriorityMajor, by) -> None:
    """Remove an entry of the directory (bureau); to end one in force, set its effective_to instead."""
    require_bureau(by, _("只有教育局可以维护优先发展专业目录。"))
    entry._history_user = by
    entry.delete()
