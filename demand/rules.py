"""The per-row rules of demand items that every path applies: the services (pages, API) for one row,
the bundle import and the list upload for many. One rule, one place; each decision is written here.

- Industry: an item without an industry takes its enterprise's.
- Delivered headcount: an item stored as fulfilled without one delivered what it asked for.
- Major: a code that looks like one (six digits) must be in the major catalogue; a malformed one
  is reported by DemandItem.clean().
- Due date: a demand is filed for what is needed from now on, so a due date that a person sets (an
  enterprise or the bureau, in pages or the API) cannot be before today, on a new item or when changed;
  an edit that leaves the date as it was is accepted (an item may fall due while it is open). Only the
  system (bundle import, demo city: by=None) records items due in the past (history).
- History: every item gets a creation event (from "" to the status it is created with), whatever
  that status, so an item's history always starts at its creation.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from reference.models import Major

from .choices import ItemStatus
from .models import DemandItem, DemandItemEvent


def apply_item_defaults(values: dict, *, enterprise_industry_id: str | None) -> dict:
    """Fill the defaults into an item's field values (attnames: `industry_id`); returns `values`."""
    if not values.get("industry_id") and enterprise_industry_id:
        values["industry_id"] = enterprise_industry_id
    if values.get("status") == ItemStatus.FULFILLED and values.get("fulfilled_headcount") is None:
        values["fulfilled_headcount"] = values.get("headcount")
    return values


def is_major_code_shaped(code) -> bool:
    return bool(code) and isinstance(code, str) and len(code) == 6 and code.isdigit()


def check_major_code(code: str, *, known_codes=None) -> None:
    """Refuse a six-digit code that is not in the catalogue (`known_codes`, else the database)."""
    if not is_major_code_shaped(code):
        return
    known = code in known_codes if known_codes is not None else Major.objects.filter(code=code).exists()
    if not known:
        raise ValidationError({"major_code": _("专业代码 %(code)s 不在职业教育专业目录中。") % {"code": code}})


def creation_event(item: DemandItem, *, by, note: str = "") -> DemandItemEvent:
    """The event that opens an item's history (unsaved: the bulk paths create many at once)."""
    return DemandItemEvent(item=item, from_status="", to_status=item.status, by=by, note=note)


def check_due_on(due_on, *, by) -> None:
    """Refuse a due date before today (Asia/Shanghai) set by a person (by=None is the system)."""
    if by is not None and due_on and due_on < timezone.localdate():
        raise ValidationError({"due_on": _("期望完成日期不能早于今天。")})
