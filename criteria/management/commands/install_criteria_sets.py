from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from criteria.services import CriteriaSetInvalid, install_shipped_sets
from criteria.validation import CriteriaImportError


class Command(BaseCommand):
    help = "Install the criteria sets shipped in fixtures/criteria (idempotent)."

    def handle(self, *args, **options):
        directory = settings.BASE_DIR / "fixtures" / "criteria"
        try:
            installed = install_shipped_sets(directory=directory)
        except (CriteriaImportError, CriteriaSetInvalid) as exc:
            lines = [f"{p.location('en')}: {p.message('en')}" for p in exc.problems]
            raise CommandError("A shipped criteria set is invalid:\n" + "\n".join(lines)) from exc
        for cs in installed:
            self.stdout.write(f"Installed {cs.code} v{cs.version} ({cs.status})")
