"""The background recomputation of an edition's flags (django-tasks; run by `manage.py db_worker`)."""

from django_tasks import task


@task()
def recompute_flags(edition_id: int, actor_id: int | None = None) -> dict:
    """Recompute the automatic flags of one edition; returns the count per kind."""
    from django.contrib.auth import get_user_model

    from .flags import run_flag_check

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return run_flag_check(edition_id, actor)
