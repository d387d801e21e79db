from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from wuxiao.demo.data import DEMO_PASSWORD, awards_addresses, final_round_addresses, load_demo, logins


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
            live = final_round_addresses()
            if live:
                self.stdout.write("")
                self.stdout.write(f"决赛路演现场评分（{live['session']}），可并排打开：")
                self.stdout.write(f"  控制台（以 office 登录）  {settings.SITE_URL}{live['console']}")
                self.stdout.write(f"  大屏（无需登录）         {settings.SITE_URL}{live['screen']}")
                self.stdout.write(f"  评委手机（以 {'、'.join(live['judges'])} 登录） {settings.SITE_URL}{live['judge']}")
            awards = awards_addresses()
            if awards:
                self.stdout.write("")
                self.stdout.write("奖项评定（以 office 登录；公示页面无需登录）：")
                for title, hub, public in awards:
                    self.stdout.write(f"  {title}")
                    self.stdout.write(f"    组委会  {settings.SITE_URL}{hub}")
                    self.stdout.write(f"    公示    {settings.SITE_URL}{public}")
            self.stdout.write("")
            self.stdout.write(f"打开 {settings.SITE_URL}/")
