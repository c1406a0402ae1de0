from pathlib import Path

from django.core.management.base import BaseCommand

from operations.backup import create_backup


class Command(BaseCommand):
    help = "Write a consistent backup of every table to a zip file."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", type=Path, required=True)

    def handle(self, *args, output: Path, **options):
        summary = create_backup(path=output)
        total = sum(summary.rows.values())
        self.stdout.write(f"{output}: {total} rows in {len(summary.rows)} tables")
