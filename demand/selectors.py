"""Reads about demand items shared by pages and API: the programs suggested to fill a talent item."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.roles import Role, college_id_of, role_of
from programs.models import Program, ProgramYear
from reference.matching import OTHER, KeyClusters, serves
from reference.models import Major

from .choices import COUNTED_LIST_STATUSES, UNFINISHED_ITEM_STATUSES
from .models import DemandItem


def overdue_q(today: datetime.date | None = None, *, prefix: str = "") -> Q:
    """The one rule of "overdue": an unfinished item whose due date has passed (Asia/Shanghai).

    `prefix` reaches items through a relation (e.g. "items__" from a list). DemandItem.is_overdue is the
    same rule for one loaded item.
    """
    today = today or timezone.localdate()
    return Q(**{f"{prefix}status__in": UNFINISHED_ITEM_STATUSES, f"{prefix}due_on__lt": today})


def overdue_items(queryset, today: datetime.date | None = None):
    """The overdue items the bureau chases: those of submitted or accepted lists, oldest due first.

    Exactly the partial index's condition (item_overdue_idx), so the count is read from that index alone.
    """
    return queryset.filter(overdue_q(today), list_status__in=COUNTED_LIST_STATUSES).order_by("due_on", "id")


SAME_MAJOR = 1
SAME_CLUSTER = 2
# The item page shows this many suggestions, the rest behind "more".
SUGGESTIONS_SHOWN = 5


RANK_LABELS = {SAME_MAJOR: _("同专业"), SAME_CLUSTER: _("同产业集群")}


@dataclass(frozen=True)
class Suggestion:
    """A program suggested for a talent item: rank 1 same major, rank 2 same key cluster."""

    program: Program
    rank: int
    expected_graduates: int | None
    graduates_year: int | None

    @property
    def reason(self) -> str:
        return str(RANK_LABELS[self.rank])


def suggested_programs(*, item: DemandItem, on: datetime.date | None = None) -> list[Suggestion]:
    """Programs active on `on` (default today) that can fill the item, best first.

    Rank 1: the program's major is the item's major_code. Rank 2: the major serves the key
    cluster of the item's industry (prefix matching both ways), without repeating rank 1.
    Expected graduates are the graduates of the item's year + 1 (the cohort leaving next
    year) if the college reported that year, else those of the latest reported year; None
    when it reported none. Order: rank, expected graduates (most first, unknown last),
    college code, major code, except that programs expecting no graduates (0 or unknown) come after
    every program that expects some: they cannot fill the item next year. Four queries whatever the
    result size (five if the item was loaded without its demand_list).
    """
    on = on or timezone.localdate()
    clusters = KeyClusters.load()
    cluster = clusters.of_industry(item.industry_id)
    major_ids = set()
    if cluster != OTHER:
        for major_id, codes in Major.objects.values_list("id", "industry_codes"):
            if serves(codes or [], clusters.industry_codes[cluster]):
                major_ids.add(major_id)
    match = Q(major_id__in=major_ids)
    if item.major_code:
        match |= Q(major__code=item.major_code)
    if not major_ids and not item.major_code:
        return []
    programs = list(Program.objects.active_on(on).filter(match).select_related("college", "major"))
    if not programs:
        return []
    wanted_year = item.demand_list.year + 1
    best = {}  # program id -> (year, graduates): wanted year wins, else the latest
    for program_id, year, graduates in ProgramYear.objects.filter(program__in=programs).values_list(
        "program_id", "year", "graduates"
    ):
        held = best.get(program_id)
        if held is None or (held[0] != wanted_year and (year == wanted_year or year > held[0])):
            best[program_id] = (year, graduates)
    suggestions = []
    for program in programs:
        year, graduates = best.get(program.pk, (None, None))
        rank = SAME_MAJOR if item.major_code and program.major.code == item.major_code else SAME_CLUSTER
        suggestions.append(Suggestion(program, rank, graduates, year))
    suggestions.sort(
        key=lambda s: (
            not s.expected_graduates,
            s.rank,
            s.expected_graduates is None,
            -(s.expected_graduates or 0),
            s.program.college.code,
            s.program.major.code,
        )
    )
    return suggestions


def item_history(item: DemandItem, user) -> list:
    """The item's status changes, oldest first. A college reads every change but not the notes of
    assignments to other colleges (which would name them)."""
    events = list(item.events.select_related("by").order_by("at", "id"))
    if role_of(user) == Role.COLLEGE:
        own = college_id_of(user)
        for event in events:
            if event.college_id is not None and event.college_id != own:
                event.note = ""
    return events
