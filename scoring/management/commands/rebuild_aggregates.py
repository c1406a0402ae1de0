from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from scoring.aggregates import rebuild_run_aggregates
from scoring.definitions import current_definitions
from scoring.models import ScoringRun
from survey.models import Round


class Command(BaseCommand):
    help = (
        "Rebuild the per-unit aggregates of a round's runs from the score rows, with the "
        "definitions now in force (after changing SCORING_TARGET_DEFINITIONS)."
    )

    def add_arguments(self, parser):
        parser.add_argument("round_code", nargs="?", help="a round code (default: every round)")

    def handle(self, *args, round_code=None, **options):
        runs = ScoringRun.objects.filter(complete=True).select_related("round")
        if round_code:
            if not Round.objects.filter(code=round_code).exists():
                raise CommandError(f"Không có đợt khảo sát {round_code!r}.")
            runs = runs.filter(round__code=round_code)
        definitions = current_definitions()
        with transaction.atomic():
            for run in runs.order_by("pk"):
                cells = rebuild_run_aggregates(run=run, definitions=definitions)
                self.stdout.write(f"{run.round.code} run #{run.pk}: {cells} cells")
