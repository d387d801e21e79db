"""Ending idle sessions (GB/T 22239 level 3): SESSION_IDLE_TIMEOUT_MINUTES without a request logs out."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.utils.translation import gettext as _

LAST_ACTIVITY = "last_activity"
# The stamp is refreshed at most this often, so that a session is not written on every request.
REFRESH_SECONDS = 60


def stamp_activity(sender, request, user, **kwargs):
    """user_logged_in receiver: a login is activity, stamped with the session it saves anyway."""
    request.session[LAST_ACTIVITY] = int(time.time())


class IdleTimeoutMiddleware:
    """Logs out a session whose last request is older than the timeout; the next page asks to log in.

    The entry form's autosave then gets a 401 and keeps what was typed on the device
    (static/entries/form.js), to be offered again after the next login.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(LAST_ACTIVITY)
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                logout(request)
                messages.info(request, _("You were logged out after %(minutes)d minutes without activity. "
                                         "Please log in again.") % {"minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES})
            elif last is None or now - last >= REFRESH_SECONDS:
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)
