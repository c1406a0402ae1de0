from django.core.management import call_command
from django.core.management.base import BaseCommand

from accounts.services import DEMO_ACCOUNTS, create_demo_accounts


class Command(BaseCommand):
    help = (
        "Load the reference data, one demo account per role, the open demo round and two "
        "closed rounds of generated households (idempotent)."
    )

    def handle(self, *args, **options):
        call_command("load_reference_data", stdout=self.stdout)
        create_demo_accounts()
        call_command("create_demo_round", stdout=self.stdout)
        # Two closed rounds of generated households (demo app), so that the reports,
        # comparisons and exports show figures on first start.
        call_command("create_demo_rounds", stdout=self.stdout)
        self.stdout.write("Demo accounts (user / password / role):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username} / {account.password} / {account.role}")
