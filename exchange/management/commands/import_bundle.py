"""`manage.py import_bundle PATH`: load a bundle (SPEC 7) all or nothing."""

from django.core.management.base import BaseCommand, CommandError

from exchange.errors import BundleInvalid
from exchange.importer import import_bundle
from portal.progress import progress


class Command(BaseCommand):
    help = "导入数据包（CSV 文件夹、.zip 或 .xlsx 工作簿）：全部成功或全部不导入。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV 文件夹、.zip 压缩包或 .xlsx 工作簿")

    def handle(self, *args, path, **options):
        try:
            with progress(self.stdout, desc="导入", unit="步") as bar:
                result = import_bundle(path, on_progress=_steps(bar.advance))
        except BundleInvalid as exc:
            for line in exc.lines():
                self.stderr.write(line)
            raise CommandError(f"导入失败：{len(exc.errors) + exc.more} 个错误，未保存任何数据。", returncode=1)
        for line in result.lines():
            self.stdout.write(line)


def _steps(advance):
    """The importer counts steps done (read, then each file checked and written); the bar wants increments."""
    last = 0

    def on_progress(done, total):
        nonlocal last
        advance(done - last, f"{done}/{total}")
        last = done

    return on_progress
