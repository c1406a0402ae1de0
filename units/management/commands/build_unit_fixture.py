import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from units.services import UnitDataError, build_unit_fixture, read_unit_csvs

DOMAIN_DIR = settings.BASE_DIR.parent / "shared" / "domain"


class Command(BaseCommand):
    help = "Generate fixtures/admin_units.json from the domain's admin_units.csv and changes CSV."

    def add_arguments(self, parser):
        parser.add_argument("--units", type=Path, default=DOMAIN_DIR / "admin_units.csv")
        parser.add_argument("--changes", type=Path, default=DOMAIN_DIR / "admin_unit_changes.csv")
        parser.add_argument(
            "-o", "--output", type=Path, default=settings.BASE_DIR / "fixtures/admin_units.json"
        )

    def handle(self, *args, units: Path, changes: Path, output: Path, **options):
        for path in (units, changes):
            if not path.exists():
                raise CommandError(f"{path}: file not found")
        try:
            unit_rows, change_rows = read_unit_csvs(units_path=units, changes_path=changes)
        except UnitDataError as exc:
            raise CommandError("\n".join(exc.problems)) from exc
        objects = build_unit_fixture(units=unit_rows, changes=change_rows)
        output.write_text(json.dumps(objects, ensure_ascii=False, indent=1) + "\n", "utf-8")
        self.stdout.write(f"{output}: {len(unit_rows)} units, {len(change_rows)} changes")
