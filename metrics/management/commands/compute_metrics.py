from dataclasses import astuple

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Min
from django.utils.translation import gettext as _

from metrics import services
from metrics.choices import Metric, RunStatus, ScopeType
from portal.periods import Period
from portal.progress import progress


def _earliest_year() -> int | None:
    """The first year with periodic data (program figures or demand lists): earlier quarters have nothing to show."""
    from demand.models import DemandList
    from programs.models import ProgramYear

    years = [ProgramYear.objects.aggregate(v=Min("year"))["v"], DemandList.objects.aggregate(v=Min("year"))["v"]]
    years = [y for y in years if y]
    return min(years) if years else None


class Command(BaseCommand):
    help = (
        "Compute every metric of a period (SPEC 4) in-process and print the city figures; --queue hands it to Celery."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int)
        parser.add_argument("--quarter", type=int)
        parser.add_argument(
            "--all", action="store_true", help="every quarter from the earliest data to the current one"
        )
        parser.add_argument("--queue", action="store_true", help="enqueue on the broker instead of computing here")
        parser.add_argument("--since", type=int, help="with --all: start at this year instead of the earliest data")

    def handle(self, *args, year=None, quarter=None, all=False, queue=False, since=None, **options):
        if all:
            periods = self._all_periods(since)
        elif year is None or quarter is None:
            raise CommandError(_("请指定 --year 和 --quarter，或使用 --all。"))
        else:
            periods = [(year, quarter)]
        failed = []
        with progress(self.stdout, desc=_("计算"), unit=_("个季度"), total=len(periods)) as bar:
            for y, q in periods:
                try:
                    if queue:
                        run = services.metric_run_enqueue(year=y, quarter=q, trigger="command")
                    else:
                        run = services.metric_run_create(year=y, quarter=q, trigger="command")
                except ValidationError as exc:
                    raise CommandError("；".join(f"{field}：{m}" for field, ms in exc.message_dict.items() for m in ms))
                bar.advance(1, f"{y}Q{q}")
                if queue:
                    bar.write(_("已排队：%(y)s年第%(q)s季度（任务 #%(id)s）") % {"y": y, "q": q, "id": run.id})
                    continue
                executed = services.metric_run_execute(run_id=run.id)
                if executed is None:  # the period's run is already being computed elsewhere
                    raise CommandError(
                        _("%(y)s年第%(q)s季度正在计算中（任务 #%(id)s），请稍后再试。") % {"y": y, "q": q, "id": run.id}
                    )
                run = executed
                if run.status != RunStatus.SUCCEEDED:
                    failed.append(run)
                    self.stderr.write(_("%(y)s年第%(q)s季度计算失败：%(e)s") % {"y": y, "q": q, "e": run.error})
                    continue
                if len(periods) == 1:
                    self._print_city(run)
                else:
                    bar.write(
                        _("%(y)s年第%(q)s季度：完成，用时 %(s).2f 秒") % {"y": y, "q": q, "s": run.duration_s or 0}
                    )
        if failed:
            raise CommandError(_("%(n)d 个季度计算失败。") % {"n": len(failed)})

    def _all_periods(self, since):
        first = since or _earliest_year()
        current = Period.containing()
        if first is None:
            return [astuple(current)]
        periods, period = [], Period(first, 1)
        while period <= current:
            periods.append(astuple(period))
            period = period.next()
        return periods

    def _print_city(self, run):
        labels = dict(Metric.choices)
        rows = run.snapshots.filter(scope_type=ScopeType.CITY).order_by("metric")
        self.stdout.write(
            _("%(y)s年第%(q)s季度 全市指标（任务 #%(id)s，用时 %(s).2f 秒）")
            % {"y": run.year, "q": run.quarter, "id": run.id, "s": run.duration_s or 0}
        )
        for snapshot in rows:
            value = "—" if snapshot.value is None else f"{snapshot.value:.4f}".rstrip("0").rstrip(".")
            self.stdout.write(f"  {snapshot.metric:<28} {value:>12}  {labels.get(snapshot.metric, '')}")
