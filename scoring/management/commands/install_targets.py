from django.core.management.base import BaseCommand

from scoring.services import install_default_targets


class Command(BaseCommand):
    help = (
        "Install the national targets of QĐ 677/QĐ-TTg and QĐ 387/QĐ-TTg that are missing "
        "(idempotent; values edited since are kept)."
    )

    def handle(self, *args, **options):
        created = install_default_targets()
        self.stdout.write(f"Targets: {created} created.")
