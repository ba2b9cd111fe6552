"""What-if scenarios (SPEC 4.3): the writes (create, update, duplicate, delete) and the evaluation.

A scenario's changes are checked here, for pages and API alike, and each refusal names the change
(by its position, from 1) and its field. Evaluation runs metrics.planner on a base prepared once per
period and kept in this process for BASE_TTL_S: a province's base is read from the database in about
a second, an evaluation then takes milliseconds and writes nothing.
"""

import copy
import datetime
import math
import threading
import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from colleges.models import College
from portal.periods import Period
from portal.services import require_bureau, save_as
from programs.choices import Schooling
from programs.models import Program
from reference.models import Major

from . import engine, planner
from .models import Scenario

MAX_CHANGES = 200
MAX_INTAKE = 10_000  # a program's yearly intake; the largest programs admit a few hundred
MAX_FACTOR = 10.0
BASE_TTL_S = 600  # how long a prepared period base is reused before the database is read again
_bases: dict[tuple[int, int], tuple[float, planner.PlannerBase]] = {}
_bases_lock = threading.Lock()


def _number(value, *, integer: bool, low: float, high: float):
    """A finite number within [low, high] (an int when `integer`), or None."""
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if not math.isfinite(number) or not low <= number <= high or (integer and number != int(number)):
        return None
    return int(number) if integer else number


def _check_open(change: dict, period: Period) -> dict:
    errors = {}
    if not College.objects.filter(code=str(change.get("college_code", ""))).exists():
        errors["college_code"] = _("院校代码 %(code)s 不存在。") % {"code": change.get("college_code", "")}
    if not Major.objects.filter(code=str(change.get("major_code", ""))).exists():
        errors["major_code"] = _("专业代码 %(code)s 不在专业目录中。") % {"code": change.get("major_code", "")}
    if change.get("schooling") not in Schooling.values:
        errors["schooling"] = _("学制应为 %(options)s 之一。") % {"options": "、".join(Schooling.values)}
    if _number(change.get("first_intake_year"), integer=True, low=period.year - 10, high=period.year + 10) is None:
        errors["first_intake_year"] = _("首次招生年份应为 %(low)s–%(high)s 之间的整数。") % {
            "low": period.year - 10,
            "high": period.year + 10,
        }
    if _number(change.get("intake"), integer=False, low=0, high=MAX_INTAKE) is None:
        errors["intake"] = _("年招生人数应为 0–%(max)s 之间的数。") % {"max": MAX_INTAKE}
    return errors


def _check_program(change: dict) -> dict:
    program = change.get("program")
    if isinstance(program, bool) or not isinstance(program, int) or not Program.objects.filter(pk=program).exists():
        return {"program": _("专业点 %(id)s 不存在。") % {"id": program}}
    return {}


def _check_set_intake(change: dict, period: Period) -> dict:
    errors = _check_program(change)
    if _number(change.get("from_year"), integer=True, low=period.year - 10, high=period.year + 10) is None:
        errors["from_year"] = _("起始招生年份应为 %(low)s–%(high)s 之间的整数。") % {
            "low": period.year - 10,
            "high": period.year + 10,
        }
    if _number(change.get("factor"), integer=False, low=0, high=MAX_FACTOR) is None:
        errors["factor"] = _("招生系数应为 0–%(max)s 之间的数（0 为停招，0.5 为减半）。") % {"max": MAX_FACTOR}
    return errors


def _check_close(change: dict, period: Period) -> dict:
    errors = _check_program(change)
    try:
        on = datetime.date.fromisoformat(str(change.get("on", "")))
    except ValueError:
        errors["on"] = _("停办日期应为 YYYY-MM-DD。")
    else:
        if on < period.start:
            errors["on"] = _("停办日期不能早于基准季度（%(start)s 起）。") % {"start": period.start.isoformat()}
    return errors


CHECKS = {"open": _check_open, "set_intake": _check_set_intake, "close": _check_close}


def clean_changes(changes, period: Period) -> list[dict]:
    """The changes as stored, or ValidationError({"changes": [...]}) naming each bad change and field."""
    if not isinstance(changes, list):
        raise ValidationError({"changes": [_("专业调整应为列表。")]})
    if len(changes) > MAX_CHANGES:
        raise ValidationError({"changes": [_("一个方案最多 %(max)s 项调整。") % {"max": MAX_CHANGES}]})
    messages = []
    for position, change in enumerate(changes, start=1):
        action = change.get("action") if isinstance(change, dict) else None
        if action not in CHECKS:
            messages.append(_("第 %(n)s 项 action：应为 open、set_intake 或 close。") % {"n": position})
            continue
        for field, message in CHECKS[action](change, period).items():
            messages.append(
                _("第 %(n)s 项 %(field)s：%(message)s") % {"n": position, "field": field, "message": message}
            )
    if messages:
        raise ValidationError({"changes": messages})
    return [copy.deepcopy(change) for change in changes]


def _period(year, quarter) -> Period:
    try:
        return Period(int(year), int(quarter))
    except (TypeError, ValueError):
        raise ValidationError({"quarter": _("季度应为 1–4。")}) from None


@transaction.atomic
def scenario_save(*, instance: Scenario, by) -> Scenario:
    """Create or update a scenario (bureau); its changes are checked against the base period."""
    require_bureau(by, _("只有教育局可以编制规划方案。"))
    instance.changes = clean_changes(instance.changes, _period(instance.year, instance.quarter))
    if instance.pk is None and instance.created_by_id is None and by is not None:
        instance.created_by = by
    return save_as(instance, by)


@transaction.atomic
def scenario_duplicate(*, scenario: Scenario, by) -> Scenario:
    """A copy of the scenario, named "… (副本)", to try a variant without touching the original."""
    copy_of = Scenario(
        name=(_("%(name)s（副本）") % {"name": scenario.name})[:200],
        description=scenario.description,
        year=scenario.year,
        quarter=scenario.quarter,
        changes=copy.deepcopy(scenario.changes),
    )
    return scenario_save(instance=copy_of, by=by)


@transaction.atomic
def scenario_delete(*, scenario: Scenario, by) -> None:
    """Delete a scenario (bureau); nothing else refers to it."""
    require_bureau(by, _("只有教育局可以编制规划方案。"))
    scenario._history_user = by
    scenario.delete()


def planner_base(period: Period) -> planner.PlannerBase:
    """The period's prepared base, read from the database at most once per BASE_TTL_S in this process."""
    key = (period.year, period.quarter)
    with _bases_lock:
        cached = _bases.get(key)
        if cached and time.monotonic() - cached[0] < BASE_TTL_S:
            return cached[1]
    frames = engine.load_frames(period)
    majors = engine.majors_served(frames.clusters)
    base = planner.PlannerBase(planner.PlannerInputs(frames.headcounts, frames.priority_majors, majors))
    with _bases_lock:
        _bases[key] = (time.monotonic(), base)
        for stale in sorted(_bases, key=lambda k: _bases[k][0])[:-4]:  # keep the four latest periods
            del _bases[stale]
    return base


def forget_planner_bases() -> None:
    """Drop every prepared base (after a period's data was recomputed, and between tests)."""
    with _bases_lock:
        _bases.clear()


def scenario_evaluate(*, year: int, quarter: int, changes) -> dict:
    """SPEC 4.3's answer for the changes on the base period; nothing is written."""
    period = _period(year, quarter)
    return planner_base(period).evaluate(clean_changes(changes, period))


def change_errors(changes, period: Period) -> list[dict]:
    """Per change, {field: message} of what clean_changes refuses (empty when the change is fine), for a
    form that shows each message at its field; the rules are CHECKS, the same as clean_changes'."""
    if not isinstance(changes, list):
        return []
    errors = []
    for change in changes:
        action = change.get("action") if isinstance(change, dict) else None
        if action not in CHECKS:
            errors.append({"action": _("应为 open、set_intake 或 close。")})
        else:
            errors.append(CHECKS[action](change, period))
    return errors
