"""Reads about programs shared by pages, API and exports."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import DemandItem, IndustryCluster
from enterprises.validators import codes_match

from .models import Major, Program, ProgramYear

SAME_MAJOR = 1
SAME_CLUSTER = 2
RANK_LABELS = {SAME_MAJOR: _("同专业"), SAME_CLUSTER: _("同产业集群")}


def active_programs(on: datetime.date):
    """Programs active on a day (SPEC 3): established_on ≤ D and (closed_on empty or > D)."""
    return Program.objects.filter(Q(closed_on__isnull=True) | Q(closed_on__gt=on), established_on__lte=on)


def key_cluster_of(industry_code: str, clusters=None) -> IndustryCluster | None:
    """The (at most one) key cluster whose codes match the industry code by prefix.

    Pass `clusters` (an iterable of key clusters) to avoid the query when calling in a loop.
    """
    if not industry_code:
        return None
    if clusters is None:
        clusters = IndustryCluster.objects.filter(is_key=True)
    for cluster in clusters:
        if any(codes_match(industry_code, code) for code in cluster.industry_codes):
            return cluster
    return None


def serves(major_codes, cluster_codes) -> bool:
    """SPEC 2: a major serves a cluster when any of its industry codes matches any of the cluster's."""
    return any(codes_match(a, b) for a in major_codes for b in cluster_codes)


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
    cluster = key_cluster_of(item.industry_id)
    major_ids = set()
    if cluster is not None:
        for major_id, codes in Major.objects.values_list("id", "industry_codes"):
            if serves(codes, cluster.industry_codes):
                major_ids.add(major_id)
    match = Q(major_id__in=major_ids)
    if item.major_code:
        match |= Q(major__code=item.major_code)
    if not major_ids and not item.major_code:
        return []
    programs = list(active_programs(on).filter(match).select_related("college", "major"))
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
