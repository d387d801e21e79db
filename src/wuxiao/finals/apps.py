from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinalsConfig(AppConfig):
    name = "wuxiao.finals"
    label = "finals"
    verbose_name = _("Final round")

    def ready(self):
        from . import rules  # noqa: F401  (registers the permissions)
