"""The office's way into an edition's awards stage, for the page modules (awards.manage, else 403; an unknown
edition, 404)."""

from django.shortcuts import get_object_or_404

from wuxiao.common.permissions import require
from wuxiao.competitions.models import Edition


def managed_edition(user, slug: str) -> Edition:
    require(user, "awards.manage")
    return get_object_or_404(Edition, slug=slug)
