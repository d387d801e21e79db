from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "wuxiao.review"
    label = "review"
    verbose_name = _("Second round")

    def ready(self):
        from . import (
            rules,  # noqa: F401  (registers the permissions)
            transitions,
        )

        # The second round's guards on the transitions out of it (R7): only the approved finalist list decides.
        transitions.register()
