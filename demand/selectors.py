"""Reads about demand items shared by pages, API and the home pages: overdue items, the programs suggested
to fill a talent item, an item's history, a college's items and the colleges' responsiveness."""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, DurationField, Exists, ExpressionWrapper, F, OuterRef, Q, Sum, Value, When
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from colleges.models import College
from portal.roles import Role, college_id_of, role_of
from programs.models import Program, ProgramYear
from reference.matching import OTHER, KeyClusters, serves
from reference.models import Major

from .choices import COUNTED_LIST_STATUSES, UNFINISHED_ITEM_STATUSES, ItemStatus, ProposalStatus
from .models import DemandAssignment, DemandItem, FulfilmentProposal


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
    """The item's history, oldest first: status changes, progress notes, fulfilment proposals and the bureau's
    answers, claims. A college reads every status change but nothing another college wrote or was told: of
    an entry about another college it sees only a change of status, without its note (which would name it)."""
    events = list(item.events.select_related("by").order_by("at", "id"))
    if role_of(user) == Role.COLLEGE:
        own = college_id_of(user)
        kept = []
        for event in events:
            if event.college_id is not None and event.college_id != own:
                if event.from_status == event.to_status:
                    continue
                event.note = ""
            kept.append(event)
        events = kept
    return events


def college_items(items, college_id: int):
    """Of `items`, those assigned to a college, most urgent first (unfinished before finished, then by due
    date), each with `pending_proposal` (a proposal of 销号 awaits the bureau)."""
    return (
        items.filter(pk__in=DemandAssignment.objects.filter(college_id=college_id).values("item_id"))
        .annotate(
            pending_proposal=Exists(
                FulfilmentProposal.objects.filter(item_id=OuterRef("pk"), status=ProposalStatus.PENDING)
            )
        )
        .alias(finished=Case(When(status__in=UNFINISHED_ITEM_STATUSES, then=Value(0)), default=Value(1)))
        .order_by("finished", "due_on", "id")
    )


def responsiveness(*, college_ids=None, today: datetime.date | None = None) -> dict[str, list[dict]]:
    """How colleges answer the items assigned to them, per college, per district and per key cluster.

    The unit is an assignment (an item assigned to a college) of a submitted or accepted list whose item is
    not cancelled; an item assigned to two colleges counts once for each (each college answers it), in a
    district or cluster too. A college counts in its own district; an assignment counts in the key cluster
    of its item's industry (reference.matching.KeyClusters, else `other` 其他).
    Returns {"college": rows, "district": rows, "cluster": rows}; each row has `key`, `name` and:

    - `assigned`: the assignments; `requested`: Σ their items' headcount (tech items ask for none);
      `delivered`: Σ fulfilled_headcount of those fulfilled (销号); `delivery_rate` = delivered ÷ requested
      (None without requested headcount); `fulfilled`: how many are fulfilled;
    - `median_days`: the median over the fulfilled ones of fulfilled_on − the assignment's date
      (Asia/Shanghai); a 销号 dated before the assignment counts as 0 days; None without fulfilled ones;
    - `due`: those whose outcome is known on `today` (fulfilled, or due before today); `on_time`: those
      fulfilled on or before their due date; `on_time_share` = on_time ÷ due (None when nothing is due).

    Rows of colleges and districts come most assignments first, clusters in the key clusters' order.
    `college_ids` limits the data to those colleges. Set-based: two grouped queries (sums by college and
    industry; the days to 销号 by college, industry and day count) and the key clusters; the rest is
    arithmetic on those groups, so the cost grows with colleges × industries, not with items.
    """
    today = today or timezone.localdate()
    assignments = DemandAssignment.objects.filter(item__list_status__in=COUNTED_LIST_STATUSES).exclude(
        item__status=ItemStatus.CANCELLED
    )
    if college_ids is not None:
        assignments = assignments.filter(college_id__in=college_ids)
    fulfilled = Q(item__status=ItemStatus.FULFILLED)
    groups = list(
        assignments.values_list("college_id", "item__industry_id")
        .annotate(
            assigned=Count("id"),
            requested=Sum("item__headcount"),
            delivered=Sum("item__fulfilled_headcount", filter=fulfilled),
            fulfilled=Count("id", filter=fulfilled),
            due=Count("id", filter=fulfilled | Q(item__due_on__lt=today)),
            on_time=Count("id", filter=fulfilled & Q(item__fulfilled_on__lte=F("item__due_on"))),
        )
        .order_by()
    )
    result = {"college": [], "district": [], "cluster": []}
    if not groups:
        return result
    span = ExpressionWrapper(F("item__fulfilled_on") - TruncDate("assigned_at"), output_field=DurationField())
    spans = (
        assignments.filter(fulfilled)
        .annotate(span=span)
        .values_list("college_id", "item__industry_id", "span")
        .annotate(n=Count("id"))
        .order_by()
    )
    colleges = {
        pk: (name, district)
        for pk, name, district in College.objects.filter(pk__in={row[0] for row in groups}).values_list(
            "id", "name", "district"
        )
    }
    clusters = KeyClusters.load()
    cluster_of = {}
    cluster_names = {**clusters.names, OTHER: str(_("其他"))}

    def keys(college_id, industry_id):
        if industry_id not in cluster_of:
            cluster_of[industry_id] = clusters.of_industry(industry_id)
        name, district = colleges[college_id]
        cluster = cluster_of[industry_id]
        return {
            "college": (college_id, name),
            "district": (district, district),
            "cluster": (cluster, cluster_names[cluster]),
        }

    totals = {scope: {} for scope in result}
    days = {scope: {} for scope in result}
    for college_id, industry_id, *figures in groups:
        for scope, (key, name) in keys(college_id, industry_id).items():
            row = totals[scope].setdefault(key, {"key": key, "name": name, **dict.fromkeys(_SUMMED, 0)})
            for field, value in zip(_SUMMED, figures, strict=True):
                row[field] += value or 0
    for college_id, industry_id, delta, n in spans:
        for scope, (key, _name) in keys(college_id, industry_id).items():
            counts = days[scope].setdefault(key, {})
            whole = max(delta.days, 0)
            counts[whole] = counts.get(whole, 0) + n
    order = {code: i for i, code in enumerate([*clusters.codes, OTHER])}
    for scope, rows in totals.items():
        for key, row in rows.items():
            row["delivery_rate"] = row["delivered"] / row["requested"] if row["requested"] else None
            row["median_days"] = _median(days[scope].get(key, {}))
            row["on_time_share"] = row["on_time"] / row["due"] if row["due"] else None
        if scope == "cluster":
            result[scope] = sorted(rows.values(), key=lambda row: order[row["key"]])
        else:
            result[scope] = sorted(rows.values(), key=lambda row: (-row["assigned"], str(row["name"])))
    return result


# The figures of responsiveness() added up over groups, in the order the grouped query gives them.
_SUMMED = ("assigned", "requested", "delivered", "fulfilled", "due", "on_time")


def _median(counts: dict[int, int]) -> float | None:
    """The median of values given as {value: how many times}; None for none."""
    total = sum(counts.values())
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]  # the middle positions (0-based) of the sorted values
    found, seen = [], 0
    for value in sorted(counts):
        seen += counts[value]
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
        if not wanted:
            break
    return (found[0] + found[1]) / 2
