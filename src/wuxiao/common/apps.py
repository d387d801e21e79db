from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "wuxiao.common"
    label = "common"
    verbose_name = _("Common")

    def ready(self):
        from django.conf import settings
        from PIL import Image

        # Pillow warns above this and refuses twice this at Image.open, wherever a picture is opened.
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
