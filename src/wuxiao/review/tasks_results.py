"""The background move of a second round's entries once its finalist list is approved (django-tasks; run by
`manage.py db_worker`): a province's thousands of entries take longer than a request may."""

from django_tasks import task


@task()
def move_finalist_entries(finalist_list_id: int, actor_id: int | None = None) -> dict:
    """Move every entry still in the second round as the approved list says; returns the counts."""
    from django.contrib.auth import get_user_model

    from .services_results import move_entries_by_list

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return move_entries_by_list(finalist_list_id=finalist_list_id, actor=actor)
