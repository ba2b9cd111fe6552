import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

INDUSTRY_CODE_RE = re.compile(r"^[A-T](\d{2}(\d{1,2})?)?$")


def validate_industry_code(value: str) -> None:
    """GB/T 4754-2017 codes: a section letter, then 2, 3 or 4 digits (C, C36, C367, C3670)."""
    if not INDUSTRY_CODE_RE.match(value or ""):
        raise ValidationError(
            _("行业代码 %(value)s 不符合 GB/T 4754-2017（如 C36、C3670）。"),
            code="industry_code",
            params={"value": value},
        )


def validate_industry_codes(values) -> None:
    if not isinstance(values, list) or not values:
        raise ValidationError(_("至少填写一个行业代码。"), code="industry_codes_empty")
    for value in values:
        validate_industry_code(value)
