from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from metrics import review
from portal.periods import Period


class Command(BaseCommand):
    help = (
        "Show the program review on the demo city (SPEC 4.4): add the example rules, raise the period's "
        "alerts, answer some for their colleges and decide some for the bureau (metrics.review.demo_review)."
    )

    def add_arguments(self, parser):
        current = Period.containing()
        parser.add_argument("--year", type=int, default=current.year)
        parser.add_argument("--quarter", type=int, default=current.quarter)

    def handle(self, *args, year, quarter, **options):
        counts = review.demo_review(year=year, quarter=quarter)
        self.stdout.write(
            _("专业预警：红牌 %(red)d，黄牌 %(yellow)d，已提交整改说明 %(answered)d，已研判 %(decided)d。") % counts
        )
