from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EntriesConfig(AppConfig):
    name = "wuxiao.entries"
    label = "entries"
    verbose_name = _("Entries")

    def ready(self):
        from . import guards

        guards.register()
