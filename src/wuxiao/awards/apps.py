from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "wuxiao.awards"
    label = "awards"
    verbose_name = _("Awards")

    def ready(self):
        from . import dashboard, rules, transitions  # noqa: F401  (rules registers the permissions)

        transitions.register()
        dashboard.register()
