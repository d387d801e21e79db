from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinalsConfig(AppConfig):
    name = "wuxiao.finals"
    label = "finals"
    verbose_name = _("Final round")

    def ready(self):
        from . import dashboard, rules  # noqa: F401  (rules registers the permissions)

        # The office's panel (the stage's steps) and the expert's (sessions to judge, visits) on the dashboard.
        dashboard.register()
