from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The province benchmark (`manage.py bench`): no models, only the command and its harness."""

    name = "bench"
    verbose_name = "Benchmark"
