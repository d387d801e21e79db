"""The office's way into an edition's final round, shared by the stage's page modules (finals.manage, else 403;
an unknown edition, 404)."""

from django.shortcuts import get_object_or_404

from wuxiao.common.permissions import require
from wuxiao.competitions.models import Edition


def managed_edition(user, slug: str) -> Edition:
    require(user, "finals.manage")
    return get_object_or_404(Edition, slug=slug)
