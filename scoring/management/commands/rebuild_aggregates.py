from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from scoring.aggregates import rebuild_run_aggregates
from scoring.console import ProgressBar
from scoring.models import ScoringRun
from scoring.services import record_response_scores
from survey.models import HouseholdResponse, Round


class Command(BaseCommand):
    help = (
        "Rebuild the per-unit aggregates of a round's runs from the score rows, with the "
        "definitions of each run's criteria set (after a set's cadre groups or digital "
        "indicator changed). With "
        "--rerecord, first score every response again through record_response_scores "
        "(for data scored before the aggregates existed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("round_code", nargs="?", help="a round code (default: every round)")
        parser.add_argument("--rerecord", action="store_true")

    def handle(self, *args, round_code=None, rerecord=False, **options):
        runs = ScoringRun.objects.filter(complete=True).select_related("round")
        responses = HouseholdResponse.objects.all()
        if round_code:
            if not Round.objects.filter(code=round_code).exists():
                raise CommandError(f"Không có đợt khảo sát {round_code!r}.")
            runs = runs.filter(round__code=round_code)
            responses = responses.filter(round__code=round_code)
        with transaction.atomic():
            if rerecord:
                total = responses.count()
                progress = ProgressBar(self.stdout, "record")
                for done, response in enumerate(responses.select_related("round").iterator(), 1):
                    record_response_scores(response=response)
                    progress(done, total)
            for run in runs.order_by("pk"):
                cells = rebuild_run_aggregates(run=run)
                self.stdout.write(f"{run.round.code} run #{run.pk}: {cells} cells")
