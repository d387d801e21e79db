"""The background conflict check of the whole pool (django-tasks; run by `manage.py db_worker`)."""

from django_tasks import task


@task()
def conflict_check_task(check_id: int) -> int:
    """Run the queued ConflictCheck `check_id`; returns the number of automatic conflicts found."""
    from .models import ConflictCheck
    from .services_pool import run_conflict_check

    check = ConflictCheck.objects.select_related("edition", "started_by").filter(pk=check_id).first()
    if check is None or check.finished_at is not None:
        return 0
    return run_conflict_check(check.edition, check.started_by, check=check).found
