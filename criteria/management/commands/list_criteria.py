from django.core.management.base import BaseCommand

from criteria.selectors import list_versions


class Command(BaseCommand):
    help = "List every criteria set version: code, version, status, title."

    def handle(self, *args, **options):
        for cs in list_versions():
            self.stdout.write(f"{cs.code}\t{cs.version}\t{cs.status}\t{cs.title_vi}")
