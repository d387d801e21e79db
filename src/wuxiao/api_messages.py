"""What the REST API says to people, in one place so its Chinese catalogue stays with the API.

The msgids are English; the translations live in src/wuxiao/locale (LOCALE_PATHS).
"""

from django.utils.translation import gettext_lazy as _

NOT_AUTHENTICATED = _("Please log in, or send a valid API token (Authorization: Bearer <token>).")
CSRF_FAILED = _("The security check failed (CSRF). Reload the page and try again.")
FORBIDDEN = _("You do not have permission to do this.")
NOT_FOUND = _("Not found.")
WRONG_CREDENTIALS = _("Wrong login name or password.")
TOKEN_REQUIRED = _("This request must be sent with the API token that is to be revoked.")
NO_EDITION = _("No competition edition has been set up yet.")
EDITION_NOT_FOUND = _("There is no competition edition with this short name.")
UNIT_NOT_FOUND = _("There is no unit with this number.")
UNIT_FORBIDDEN = _("You may not see this unit.")
UNITS_FORBIDDEN = _(
    "Only the committee office, recommending units and declaring units can list units; "
    "your account has none of these roles."
)
INVALID_INPUT = _("Some values have the wrong form or are missing: %(fields)s.")
# Not JSON, or JSON that is not an object (ninja gives both the same answer).
BAD_BODY = _("The request body could not be read: send a JSON object (Content-Type: application/json), "
             "such as {\"title\": \"…\"}.")
