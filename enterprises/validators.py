from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as StdnumError


def validate_uscc(value: str) -> None:
    """统一社会信用代码: 18 characters with the GB 32100-2015 check digit."""
    try:
        stdnum_uscc.validate(value)
    except InvalidChecksum:
        raise ValidationError(
            _("统一社会信用代码 %(value)s 校验位错误。"), code="uscc_checksum", params={"value": value}
        )
    except StdnumError:
        raise ValidationError(
            _("统一社会信用代码 %(value)s 格式错误（应为18位数字或大写字母）。"),
            code="uscc_format",
            params={"value": value},
        )
