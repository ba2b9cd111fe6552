import getpass
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services


class Command(BaseCommand):
    help = (
        "创建市教育局（局端）用户。交互式询问用户名、邮箱和密码；或加 --noinput，从环境变量 "
        "BUREAU_USERNAME、BUREAU_EMAIL、BUREAU_PASSWORD（以及可选的 BUREAU_NAME）读取。"
        "--superuser 同时授予 Django 管理后台权限。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", help="用户名（默认取 BUREAU_USERNAME）")
        parser.add_argument("--email", help="电子邮箱（默认取 BUREAU_EMAIL），用于找回密码")
        parser.add_argument("--name", help="姓名（默认取 BUREAU_NAME）")
        parser.add_argument("--superuser", action="store_true", help="同时授予管理后台权限")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive", help="不询问")

    def handle(self, *args, username, email, name, superuser, interactive, **options):
        username = username or os.environ.get("BUREAU_USERNAME", "")
        email = email if email is not None else os.environ.get("BUREAU_EMAIL", "")
        name = name if name is not None else os.environ.get("BUREAU_NAME", "")
        password = os.environ.get("BUREAU_PASSWORD", "")
        if interactive:
            username = username or input("用户名：").strip()
            if not email:
                email = input("电子邮箱（可留空）：").strip()
            if not password:
                password = getpass.getpass("密码：")
                if password != getpass.getpass("再次输入密码："):
                    raise CommandError("两次输入的密码不一致。")
        elif not username or not password:
            raise CommandError("--noinput 时需要 BUREAU_USERNAME 和 BUREAU_PASSWORD 环境变量（或 --username）。")
        try:
            user = services.bureau_user_create(
                username=username, password=password, email=email, name=name, superuser=superuser
            )
        except ValidationError as error:
            raise CommandError("\n".join(f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms))
        kind = "局端用户（含管理后台权限）" if superuser else "局端用户"
        self.stdout.write(self.style.SUCCESS(f"已创建{kind} {user.username}。"))
