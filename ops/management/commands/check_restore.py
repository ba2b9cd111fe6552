import json

from django.core.management.base import BaseCommand, CommandError

from ops import selectors


class Command(BaseCommand):
    help = (
        "检查数据库（例如刚恢复的备份）：每张表的行数，以及每个周期最新一次成功的指标计算。"
        "在源库和恢复后的库上各运行一次（--json）并比较输出。迁移未全部应用时以非零状态退出。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="输出一个 JSON 对象，便于比较")

    def handle(self, *args, as_json: bool = False, **options):
        unapplied = selectors.unapplied_migrations()
        report = {
            "tables": selectors.table_counts(),
            "latest_runs": selectors.latest_runs_by_period(),
            "unapplied_migrations": unapplied,
        }
        if as_json:
            self.stdout.write(_dumps(report))
        else:
            self.stdout.write("表行数：")
            width = max(map(len, report["tables"]), default=0)
            for table, count in report["tables"].items():
                self.stdout.write(f"  {table:<{width}}  {count:>10}")
            self.stdout.write("各周期最新一次成功的指标计算：")
            for run in report["latest_runs"] or []:
                self.stdout.write(f"  {run['period']}  #{run['run']}  {run['finished_at']}  快照 {run['snapshots']}")
            if not report["latest_runs"]:
                self.stdout.write("  （无）")
        if unapplied:
            raise CommandError(f"有 {len(unapplied)} 个迁移尚未应用：{', '.join(unapplied[:5])}")


def _dumps(report: dict) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2)
