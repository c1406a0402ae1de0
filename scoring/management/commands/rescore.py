from django.core.management.base import BaseCommand, CommandError

from scoring.console import ProgressBar
from scoring.selectors import criteria_version
from scoring.services import rescore_round
from survey.models import Round


class Command(BaseCommand):
    help = (
        "Recompute a round as new scoring runs, under its own criteria versions or another "
        "version, beside the existing runs (which are never overwritten)."
    )

    def add_arguments(self, parser):
        parser.add_argument("round_code")
        parser.add_argument(
            "--criteria", metavar="CODE:VERSION", help="citizen set, e.g. CDHT:2 (default: own)"
        )
        parser.add_argument(
            "--household-criteria", metavar="CODE:VERSION", help="household set (default: own)"
        )
        parser.add_argument("--note", default="")
        parser.add_argument(
            "--workers",
            type=int,
            help="processes that score beside the one that reads and writes "
            "(default: one per other core; 0: none)",
        )

    def handle(self, *args, **options):
        round_ = Round.objects.filter(code=options["round_code"]).first()
        if round_ is None:
            raise CommandError(f"Không có đợt khảo sát {options['round_code']!r}.")
        try:
            citizen = criteria_version(text=options["criteria"]) if options["criteria"] else None
            household = (
                criteria_version(text=options["household_criteria"])
                if options["household_criteria"]
                else None
            )
            result = rescore_round(
                round_=round_,
                citizen_set=citizen,
                household_set=household,
                note=options["note"],
                progress=ProgressBar(self.stdout, "rescore"),
                workers=options["workers"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        runs = f"citizen run #{result.citizen_run.pk} ({result.citizen_run.criteria_set})"
        if result.household_run is not None:
            runs += f", household run #{result.household_run.pk} "
            runs += f"({result.household_run.criteria_set})"
        timings = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
        self.stdout.write(
            f"Rescored {round_.code}: {result.households:,} households, {result.members:,} "
            f"members in {result.seconds:.1f} s ({timings}); {runs}."
        )
