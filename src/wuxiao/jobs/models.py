from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskLease(models.Model):
    """The worker running a background task answers for it until `expires_at`, renewed by its heartbeat.

    A lease that runs out means the worker died (SIGKILL, out of memory, the machine went down):
    any worker then puts the task back in the queue (see leases.requeue_expired).
    """

    task = models.OneToOneField("django_tasks_database.DBTaskResult", verbose_name=_("task"), primary_key=True,
                                on_delete=models.CASCADE, related_name="lease")
    worker_id = models.CharField(_("worker"), max_length=64)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)

    class Meta:
        verbose_name = _("task lease")
        verbose_name_plural = _("task leases")

    def __str__(self):
        return f"{self.task_id} · {self.worker_id}"
