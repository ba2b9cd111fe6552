"""Every write to enterprises. Callers pass objects they got through `restrict(user, "change")`;
which fields each role may set is decided in scoping.py."""

from django.db import transaction
from django.utils.translation import gettext as _

from portal.services import require_bureau, save_as, set_fields

from .models import Enterprise

# The profile's fields (which of them each role may set: scoping.py).
ENTERPRISE_FIELDS = {"uscc", "name", "industry", "industry_id", "district", "scale", "tags", "integration_certified_on"}


@transaction.atomic
def enterprise_create(*, by, **fields) -> Enterprise:
    """Register an enterprise (bureau or import)."""
    require_bureau(by, _("只有教育局可以登记企业。"))
    enterprise = Enterprise()
    set_fields(enterprise, fields, ENTERPRISE_FIELDS)
    return save_as(enterprise, by)


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, by, **fields) -> Enterprise:
    """Update an enterprise profile; the clerk may not change the USCC or the certification date."""
    set_fields(enterprise, fields, ENTERPRISE_FIELDS)
    return save_as(enterprise, by)
