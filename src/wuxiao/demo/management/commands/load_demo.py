from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from wuxiao.demo.data import DEMO_PASSWORD, load_demo, logins


class Command(BaseCommand):
    help = "Load the demo edition, units, users for every role and entries in every state (idempotent)."

    def handle(self, *args, **options):
        with translation.override("zh-hans"):
            created = load_demo()
            self.stdout.write(f"演示数据：新建届次 {created['editions']} 个，新建作品 {created['entries']} 项。")
            self.stdout.write("")
            self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}，可用用户名或手机号登录）：")
            for role, username, mobile, unit in logins():
                self.stdout.write(f"  {role:<12} {username:<10} {mobile}  {unit}")
            self.stdout.write("")
            self.stdout.write(f"打开 {settings.SITE_URL}/")
