from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "wuxiao.screening"
    label = "screening"
    verbose_name = _("Preliminary round and eligibility check")

    def ready(self):
        from . import dashboard, transitions

        transitions.register()
        dashboard.register()
