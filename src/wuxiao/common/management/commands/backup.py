import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wuxiao.common.backup import BackupError, write_backup


class Command(BaseCommand):
    help = ("Write the database and every uploaded file to one .tar.gz archive, with a manifest of checksums. "
            "Safe while the site runs.")

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, help="the archive to write (default: "
                            "$DATA_DIR/backups/wuxiao-YYYYMMDD-HHMMSS.tar.gz)")

    def handle(self, *args, output=None, **options):
        output = output or (Path(settings.DATA_DIR) / "backups"
                            / f"wuxiao-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M%S}.tar.gz")
        try:
            manifest = write_backup(output.resolve())
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        media = manifest["media"]
        self.stdout.write(f"Backup written to {output.resolve()} ({output.stat().st_size} bytes): the "
                          f"{manifest['database']['vendor']} database and {media['files']} files "
                          f"({media['bytes']} bytes). Restore it with `manage.py restore {output}`.")
