from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wuxiao.common.backup import BackupError, migration_gap, restore_backup


class Command(BaseCommand):
    help = ("Bring back a `manage.py backup` archive into the configured database and media storage, after "
            "checking every checksum. Stop the web and worker processes first.")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--yes", action="store_true",
                            help="overwrite a database that has tables and media files that exist")

    def handle(self, *args, archive, yes, **options):
        if not archive.is_file():
            raise CommandError(f"{archive} does not exist or is not a file.")
        try:
            manifest = restore_backup(archive, replace=yes)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored the backup of {manifest['created_at']}: the {manifest['database']['vendor']} "
                          f"database and {manifest['media']['files']} files, every checksum verified.")
        missing, unknown = migration_gap(manifest)
        if missing:
            self.stdout.write(f"The backup predates {len(missing)} migration(s) of this version "
                              f"({', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''}): run `manage.py migrate` now.")
        if unknown:
            self.stderr.write(f"The backup comes from a newer version ({len(unknown)} migration(s) this code does not "
                              f"have, e.g. {unknown[0]}): run the version that made it.")
