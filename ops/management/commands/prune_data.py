from django.core.management.base import BaseCommand

from ops import retention


class Command(BaseCommand):
    help = (
        "按保留期限清理数据（RETENTION_* 设置）：被取代的指标计算结果行、过期会话、登录记录、"
        "以及（如已设置）过旧的审计历史。每个周期最新一次成功的计算始终保留。--dry-run 只统计不删除。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计将被删除的行数，不删除")

    def handle(self, *args, dry_run, **options):
        report = retention.data_prune(dry_run=dry_run)
        verb = "将删除" if dry_run else "已删除"
        for name, count in report.counts.items():
            self.stdout.write(f"  {name}: {count}")
        self.stdout.write(self.style.SUCCESS(f"{verb}共 {report.total} 行。"))
