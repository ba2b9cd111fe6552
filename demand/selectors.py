"""Reads about demand items shared by pages, API and the home pages: overdue items, the programs suggested
to fill a talent item, an item's history, a college's items and the colleges' responsiveness."""

import datetime
from dataclasses import dataclass

import pandas as pd
from django.db.models import Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
    college code, major code. Four queries whatever the result size (five if the item was
    loaded without its demand_list).
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


RESPONSIVENESS_COLUMNS = [
    "college_id",
    "college",
    "district",
    "item_id",
    "industry_id",
    "headcount",
    "status",
    "due_on",
    "fulfilled_on",
    "fulfilled_headcount",
    "assigned_at",
]


def responsiveness(*, college_ids=None, today: datetime.date | None = None) -> dict[str, list[dict]]:
    """How colleges answer the items assigned to them, per college, per district and per key cluster.

    Returns {"college": rows, "district": rows, "cluster": rows}; each row has `key`, `name` and:

    - `assigned`: the items assigned, counting items of submitted or accepted lists that are not cancelled
      (an item assigned to two colleges counts once for each college, once for a district or cluster);
    - `requested`: Σ their headcount (tech items ask for none); `delivered`: Σ fulfilled_headcount of those
      fulfilled (销号); `delivery_rate` = delivered ÷ requested (None without requested headcount);
    - `fulfilled`: how many are fulfilled; `median_days`: the median of fulfilled_on − the assignment's date
      (Asia/Shanghai; the first assignment within the group when several colleges of it hold the item;
      negative spans, a 销号 recorded before the assignment, count as 0), None without fulfilled items;
    - `due`: those whose outcome is known by `today` (fulfilled, or due before today);
      `on_time`: those fulfilled on or before their due date; `on_time_share` = on_time ÷ due (None if 0).

    A college counts in its own district; an item counts in the key cluster of its industry
    (reference.matching.KeyClusters, else 其他). `college_ids` limits the data to those colleges.
    Two queries (assignments with their items and colleges; the key clusters), aggregated with pandas.
    """
    today = today or timezone.localdate()
    assignments = DemandAssignment.objects.filter(item__list_status__in=COUNTED_LIST_STATUSES).exclude(
        item__status=ItemStatus.CANCELLED
    )
    if college_ids is not None:
        assignments = assignments.filter(college_id__in=college_ids)
    rows = list(
        assignments.values_list(
            "college_id",
            "college__name",
            "college__district",
            "item_id",
            "item__industry_id",
            "item__headcount",
            "item__status",
            "item__due_on",
            "item__fulfilled_on",
            "item__fulfilled_headcount",
            "assigned_at",
        )
    )
    result = {"college": [], "district": [], "cluster": []}
    if not rows:
        return result
    frame = pd.DataFrame(rows, columns=RESPONSIVENESS_COLUMNS)
    assigned = pd.to_datetime(frame["assigned_at"], utc=True).dt.tz_convert(timezone.get_current_timezone_name())
    frame["assigned_on"] = assigned.dt.tz_localize(None).dt.normalize()
    for column in ("due_on", "fulfilled_on"):
        frame[column] = pd.to_datetime(frame[column])
    for column in ("headcount", "fulfilled_headcount"):
        frame[column] = pd.to_numeric(frame[column]).astype(float)
    clusters = KeyClusters.load()
    frame["cluster"] = [clusters.of_industry(code) for code in frame["industry_id"]]
    cluster_names = {**clusters.names, OTHER: str(_("其他"))}
    frame["cluster_name"] = frame["cluster"].map(cluster_names)
    result["college"] = _responsiveness_rows(frame, "college_id", "college", today)
    result["district"] = _responsiveness_rows(frame, "district", "district", today)
    order = {code: i for i, code in enumerate([*clusters.codes, OTHER])}
    result["cluster"] = sorted(
        _responsiveness_rows(frame, "cluster", "cluster_name", today), key=lambda row: order[row["key"]]
    )
    return result


def _responsiveness_rows(frame: pd.DataFrame, key: str, name: str, today: datetime.date) -> list[dict]:
    # One row per (group, item): an item held by two colleges of a group counts once, from its first assignment.
    items = frame.groupby([key, "item_id"], sort=False).agg(
        name=(name, "first"),
        assigned_on=("assigned_on", "min"),
        headcount=("headcount", "first"),
        status=("status", "first"),
        due_on=("due_on", "first"),
        fulfilled_on=("fulfilled_on", "first"),
        fulfilled_headcount=("fulfilled_headcount", "first"),
    )
    items = items.reset_index()
    fulfilled = items["status"] == ItemStatus.FULFILLED
    items["fulfilled"] = fulfilled
    items["delivered"] = items["fulfilled_headcount"].where(fulfilled).fillna(0)
    items["requested"] = items["headcount"].fillna(0)
    items["days"] = (items["fulfilled_on"] - items["assigned_on"]).dt.days.clip(lower=0).where(fulfilled)
    items["due"] = fulfilled | (items["due_on"] < pd.Timestamp(today))
    items["on_time"] = fulfilled & (items["fulfilled_on"] <= items["due_on"])
    groups = items.groupby(key, sort=False).agg(
        name=("name", "first"),
        assigned=("item_id", "count"),
        requested=("requested", "sum"),
        delivered=("delivered", "sum"),
        fulfilled=("fulfilled", "sum"),
        median_days=("days", "median"),
        due=("due", "sum"),
        on_time=("on_time", "sum"),
    )
    rows = []
    for group_key, row in groups.iterrows():
        requested, due = int(row["requested"]), int(row["due"])
        rows.append(
            {
                "key": group_key.item() if hasattr(group_key, "item") else group_key,
                "name": row["name"],
                "assigned": int(row["assigned"]),
                "requested": requested,
                "delivered": int(row["delivered"]),
                "delivery_rate": int(row["delivered"]) / requested if requested else None,
                "fulfilled": int(row["fulfilled"]),
                "median_days": None if pd.isna(row["median_days"]) else float(row["median_days"]),
                "due": due,
                "on_time": int(row["on_time"]),
                "on_time_share": int(row["on_time"]) / due if due else None,
            }
        )
    rows.sort(key=lambda row: (-row["assigned"], str(row["name"])))
    return rows
