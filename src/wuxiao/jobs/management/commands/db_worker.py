"""django-tasks-db's worker, with a lease on the task it runs (wuxiao.jobs.leases).

It replaces the library's `db_worker` (this app comes first in INSTALLED_APPS), so every way of
starting the worker (`make run`, production) takes part in re-queueing the tasks of dead workers.
"""

from django_tasks_db.management.commands import db_worker

from wuxiao.jobs.leases import LeaseKeeper


class Command(db_worker.Command):
    help = ("Run a database background worker; it keeps a lease on the task it runs and queues again "
            "the tasks of workers that died")

    def handle(self, *args, **options):
        with LeaseKeeper(worker_id=options["worker_id"]):
            super().handle(*args, **options)
