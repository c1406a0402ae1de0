from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from exports.pruning import prune_exports


class Command(BaseCommand):
    help = "Delete finished exports and their files after EXPORT_RETENTION_DAYS (audited)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, **options):
        days = options["days"] or settings.EXPORT_RETENTION_DAYS
        if days < 1:
            raise CommandError("--days must be at least 1")
        removed = prune_exports(days=days)
        self.stdout.write(
            f"Removed {removed['jobs']} exports older than {days} days ({removed['files']} files)."
        )
