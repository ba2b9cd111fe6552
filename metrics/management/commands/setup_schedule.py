from django.core.management.base import BaseCommand

from metrics.schedule import install_schedule


class Command(BaseCommand):
    help = "Install or update the periodic tasks of metrics.schedule in the beat database (idempotent)."

    def handle(self, *args, **options):
        for name in install_schedule():
            self.stdout.write(name)
