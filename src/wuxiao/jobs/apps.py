from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "wuxiao.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self):
        from . import leases  # noqa: F401  (connects the worker's task_started/task_finished receivers)
