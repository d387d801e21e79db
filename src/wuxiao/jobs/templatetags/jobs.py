from django import template

from wuxiao.jobs.queries import task_state as _task_state

register = template.Library()


@register.simple_tag
def task_state(task_id):
    """`{% task_state job.task_id as task %}`: attempts and whether the worker stopped answering (or None)."""
    return _task_state(task_id)
