"""What the awards stage's API modules share."""

from django.http import HttpRequest
from ninja.errors import HttpError

from wuxiao.api_common import edition_or_404
from wuxiao.common.permissions import allowed


def managed_edition(request: HttpRequest, slug: str, forbidden):
    """The edition by `slug` for the committee office (awards.manage), else 403 with `forbidden`; 404 if unknown."""
    if not allowed(request.auth, "awards.manage"):
        raise HttpError(403, str(forbidden))
    return edition_or_404(slug)
