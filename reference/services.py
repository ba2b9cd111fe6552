"""Every write to reference data (bureau only)."""

from django.db import transaction
from django.utils.translation import gettext as _

from portal.services import require_bureau, save_as

from .models import Industry, IndustryCluster, Major


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
