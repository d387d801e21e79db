"""Send the second round's scheduled reminders that are due (for cron), or start the worker's chain."""

from django.core.management.base import BaseCommand

from wuxiao.review.services_scoring import send_due_reminders
from wuxiao.review.tasks_scoring import ensure_reminder_schedule


class Command(BaseCommand):
    help = ("Remind experts with second-round scores outstanding in every edition whose reminder is due "
            "(ReviewSettings.reminder_every_days); --schedule instead queues the background worker's hourly check")

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true",
                            help="queue the hourly check in the background worker instead of sending now")

    def handle(self, *args, schedule=False, **options):
        if schedule:
            queued = ensure_reminder_schedule()
            self.stdout.write("queued" if queued else "nothing to queue")
            return
        done = send_due_reminders()
        for slug, count in done.items():
            self.stdout.write(f"{slug}: {count}")
