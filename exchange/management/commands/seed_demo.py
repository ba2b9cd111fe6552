from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exchange import demo_city
from portal.progress import progress


class Command(BaseCommand):
    help = (
        "生成确定性的演示数据：一座淮安风格的城市（--scale city，默认）或一个省的数据量（--scale province，"
        "用于压力测试）。同一 --seed 总是生成同样的数据。数据库中已有业务数据时拒绝执行；"
        "加 --reset 则先删除全部业务数据（及其指标结果和演示账号）再生成。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="随机种子（默认 2026）")
        parser.add_argument("--scale", choices=sorted(demo_city.SCALES), default="city", help="数据规模")
        parser.add_argument("--reset", action="store_true", help="先删除已有的业务数据")

    def handle(self, *args, seed, scale, reset, **options):
        if settings.PRODUCTION:
            # Demo accounts with a published password, and --reset deletes every domain row.
            raise CommandError(
                "DJANGO_ENV=production：拒绝生成演示数据（演示账号的密码是公开的，--reset 会删除全部业务数据）。"
            )
        self.stdout.write(f"生成演示数据：scale={scale} seed={seed}")
        try:
            with progress(self.stdout, desc="生成", unit="步", total=None) as bar:
                report = demo_city.seed(
                    spec=demo_city.SCALES[scale], seed=seed, reset=reset, log=bar.write, advance=bar.advance
                )
        except demo_city.DemoDataExists as exc:
            raise CommandError(str(exc))
        for name, count in report["counts"].items():
            self.stdout.write(f"  {name}: {count}")
        self.stdout.write(
            self.style.SUCCESS(f"完成，用时 {report['seconds']:.1f} 秒。演示账号（密码 {report['password']}）：")
        )
        for username, role in report["users"]:
            self.stdout.write(f"  {username}  ({role})")
