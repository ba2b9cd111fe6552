from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plan.workbook import TaskImportInvalid, import_tasks


class Command(BaseCommand):
    help = (
        "从 Excel 工作簿导入重点任务（列：code, title, content, lead_units, co_units, due_on；"
        "单位按名称，多个用“;”分隔；编号已存在则更新）。有任何错误时逐行列出，全部不导入。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help=".xlsx 文件路径")

    def handle(self, *args, path, **options):
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取 {path}：{exc}") from exc
        try:
            count = import_tasks(data, by=None)
        except TaskImportInvalid as invalid:
            for row, column, message in invalid.errors:
                self.stderr.write(f"第 {row} 行 {column}：{message}")
            raise CommandError(f"{len(invalid.errors)} 处错误，未导入任何任务。") from None
        self.stdout.write(self.style.SUCCESS(f"已导入 {count} 项任务。"))
