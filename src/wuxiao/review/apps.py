from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "wuxiao.review"
    label = "review"
    verbose_name = _("Second round")

    def ready(self):
        from wuxiao.competitions.services import register_list_guard

        from . import (
            dashboard,
            dashboard_scoring,
            rules,  # noqa: F401  (registers the permissions)
            transitions,
        )
        from .services_scoring import ensure_rubric_editable

        # The second round's guards on the transitions out of it (R7): only the approved finalist list decides.
        transitions.register()
        # The office's panel (the stage's steps) and the expert's (entries to score) on the dashboard.
        dashboard.register()
        dashboard_scoring.register()
        # The criteria (R7) lock with the rubric at the first score: the edition's list editor obeys it too.
        register_list_guard("criteria", ensure_rubric_editable)
