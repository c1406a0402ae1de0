from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.services import ensure_roles


class Command(BaseCommand):
    help = "Load the pilot units, roles, shipped criteria sets and national targets (idempotent)."

    def handle(self, *args, **options):
        call_command("loaddata", "admin_units", verbosity=0)
        ensure_roles()
        call_command("install_criteria_sets", stdout=self.stdout)
        call_command("install_targets", stdout=self.stdout)
        self.stdout.write(
            "Reference data loaded: administrative units, roles, criteria sets, national targets."
        )
