"""The one permission check: a named django-rules predicate, for an active user.

Views, templates (`{% has_perm %}` through `User.has_perm`), the API and the services all ask
here, so that a permission means the same everywhere. There is no superuser shortcut: the site
administrator is a predicate (accounts.rules.is_administrator) that grants what it names and no
more; it never acts in a unit's name.
"""

from functools import wraps

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def allowed(user, perm: str, obj=None) -> bool:
    """Whether `user` holds `perm` (on `obj`): an active account whose rules predicate says yes."""
    return bool(user is not None and getattr(user, "is_active", False) and rules.has_perm(perm, user, obj))


def require(user, perm: str, obj=None, message=None) -> None:
    """Refuse with PermissionDenied (403 on pages and in the API, with `message` if given) unless
    `user` holds `perm`."""
    if not allowed(user, perm, obj):
        raise PermissionDenied(*([message] if message is not None else []))


def permission_required(perm: str):
    """A view for holders of `perm` (an object-free permission): anonymous visitors are sent to the
    login page, logged-in people without it get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, perm)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
