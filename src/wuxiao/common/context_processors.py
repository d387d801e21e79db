from django.utils.functional import SimpleLazyObject


def site(request):
    """The current edition and the user's roles, for the page frame (queried only when used)."""
    from wuxiao.competitions.models import Edition

    user = getattr(request, "user", None)
    return {
        "current_edition": SimpleLazyObject(Edition.objects.current),
        "user_roles": SimpleLazyObject(
            lambda: user.role_set() if user is not None and user.is_authenticated else frozenset()),
    }
