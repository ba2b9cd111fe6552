import csv

from django.core.management.base import BaseCommand, CommandError

from accounts import services
from exchange.errors import BundleInvalid
from portal.progress import progress

COLUMNS = ["row", "username", "password", "role", "owner_code", "owner_name", "name", "email"]


class Command(BaseCommand):
    help = (
        "从 CSV 或 .xlsx 文件批量开通企业用户和院校管理员账号（列：username, name, email, uscc, college_code）。"
        "全部校验通过才开通，否则逐行列出错误、不开通任何账号并以非零状态退出。"
        "一次性密码写入 --out 指定的 CSV 文件（默认输出到屏幕），用户首次登录后必须修改。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="账号文件（.csv 或 .xlsx）")
        parser.add_argument("--out", help="写出账号和一次性密码的 CSV 文件（UTF-8，可用 Excel 打开）")

    def handle(self, *args, path, out, **options):
        try:
            with progress(self.stdout, desc="密码加密", unit="个") as bar:
                issued = services.accounts_bulk_create(source=path, progress=bar.advance)
        except BundleInvalid as refusal:
            raise CommandError("文件有错误，未开通任何账号：\n" + "\n".join(refusal.lines()))
        if out:
            with open(out, "w", encoding="utf-8-sig", newline="") as handle:
                _write(handle, issued)
            self.stdout.write(self.style.SUCCESS(f"已开通 {len(issued)} 个账号，一次性密码已写入 {out}。"))
        else:
            _write(self.stdout, issued)
            self.stderr.write(f"已开通 {len(issued)} 个账号。")


def _write(handle, issued) -> None:
    writer = csv.writer(handle)
    writer.writerow(COLUMNS)
    for account in issued:
        writer.writerow([getattr(account, column) for column in COLUMNS])
