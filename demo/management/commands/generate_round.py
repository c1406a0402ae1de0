from django.core.management.base import BaseCommand, CommandError

from demo.services import generate_round
from scoring.console import ProgressBar
from scoring.selectors import criteria_version
from survey.models import Round
from units.models import AdminUnit


class Command(BaseCommand):
    help = (
        "Create a round if it does not exist and fill it with synthetic submitted households "
        "(seeded, realistic distributions), scored and aggregated. By default: CDHT v1 and "
        "GDHT v1 on the 36 pilot-era communes of thành phố Yên Bái and huyện Trấn Yên, 2021."
    )

    def add_arguments(self, parser):
        parser.add_argument("round_code")
        parser.add_argument("--households", type=int, required=True)
        parser.add_argument("--seed", type=int, required=True)
        parser.add_argument(
            "--units", nargs="+", metavar="KEY", help="commune keys, e.g. 04528@2020-02-01"
        )
        parser.add_argument("--criteria", metavar="CODE:VERSION", help="the citizen set")
        parser.add_argument("--household-criteria", metavar="CODE:VERSION")
        parser.add_argument(
            "--status", choices=[s.value for s in Round.Status], default=Round.Status.CLOSED
        )

    def handle(self, *args, **options):
        if options["households"] < 1:
            raise CommandError("--households must be at least 1")
        try:
            citizen = criteria_version(text=options["criteria"]) if options["criteria"] else None
            household = (
                criteria_version(text=options["household_criteria"])
                if options["household_criteria"]
                else None
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        units = options["units"]
        if units:
            missing = sorted(
                set(units)
                - set(AdminUnit.objects.filter(key__in=units).values_list("key", flat=True))
            )
            if missing:
                raise CommandError(f"unknown unit keys: {', '.join(missing)}")
        try:
            result = generate_round(
                code=options["round_code"],
                households=options["households"],
                seed=options["seed"],
                unit_keys=units,
                citizen_set=citizen,
                household_set=household,
                status=options["status"],
                progress=ProgressBar(self.stdout, "generate"),
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        action = "created" if result.created else "extended"
        timings = ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items())
        self.stdout.write(
            f"Round {result.round.code} {action}: {result.households:,} households, "
            f"{result.members:,} members in {result.seconds:.1f} s ({timings})."
        )
