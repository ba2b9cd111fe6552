"""`manage.py bench`: the province-scale benchmark (bench/runner.py); prints one JSON object."""

import json

from django.core.management.base import BaseCommand

from bench import runner

PARTS = ("period", "planner", "api", "home", "import", "load")


class Command(BaseCommand):
    help = (
        "Seed the province once, measure every figure next to its floor, print JSON, write bench-results/latest.json."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reseed", action="store_true", help="flush the database and seed the province again")
        parser.add_argument("--load-seconds", type=float, default=30, help="duration of the gunicorn load (≤ 120)")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes for the load")
        parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker for the load")
        parser.add_argument("--skip", action="append", choices=PARTS, default=[], help="leave a part out (repeat)")

    def handle(self, *args, **options):
        figures = runner.run(
            reseed=options["reseed"],
            load_seconds=min(options["load_seconds"], 120),
            workers=options["workers"],
            threads=options["threads"],
            skip=set(options["skip"]),
            log=lambda message: self.stderr.write(f"bench: {message}"),
        )
        self.stdout.write(json.dumps(figures, ensure_ascii=False))
