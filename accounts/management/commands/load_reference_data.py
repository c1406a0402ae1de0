from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.services import ensure_roles


class Command(BaseCommand):
    help = "Load the pilot administrative units and create the role groups (idempotent)."

    def handle(self, *args, **options):
        call_command("loaddata", "admin_units", verbosity=0)
        ensure_roles()
        self.stdout.write("Reference data loaded: administrative units, roles.")
