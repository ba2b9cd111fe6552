"""`manage.py export_bundle PATH [--format csv|xlsx]`: write every table as a bundle (SPEC 7)."""

from django.core.management.base import BaseCommand

from exchange.exporter import export_bundle
from portal.progress import progress


class Command(BaseCommand):
    help = "导出数据包：CSV 文件夹（UTF-8 带 BOM）或 .xlsx 工作簿，格式与导入相同。"

    def add_arguments(self, parser):
        parser.add_argument("path", help="目标文件夹（csv）或 .xlsx 文件路径")
        parser.add_argument("--format", choices=("csv", "xlsx"), default=None, help="默认按路径后缀判断")

    def handle(self, *args, path, format=None, **options):
        fmt = format or ("xlsx" if path.lower().endswith(".xlsx") else "csv")
        with progress(self.stdout, desc="导出", unit="行") as bar:
            written = export_bundle(path, fmt=fmt, advance=bar.advance)
        self.stdout.write(f"已导出到 {written}")
