from datetime import date

from django.core.management.base import BaseCommand

from criteria.selectors import find_version
from demo.pilot import pilot_communes
from demo.services import generate_round
from survey.models import Round
from units.models import AdminUnit, UnitLevel
from units.selectors import valid_on_q

# Two closed rounds of generated households, so that reports, comparisons and exports show
# figures on first start. Seeded: every installation shows the same demo figures.
DEMO_ROUNDS = (
    {
        "code": "demo-2021",
        "name": "Dữ liệu thử: khảo sát 2021 (đã kết thúc)",
        "seed": 2021,
        "starts_on": date(2021, 6, 1),
        "ends_on": date(2021, 11, 30),
        "citizen": ("CDHT", 1),
    },
    {
        "code": "demo-2025",
        "name": "Dữ liệu thử: khảo sát 2025 (đã kết thúc)",
        "seed": 2025,
        "starts_on": date(2025, 8, 1),
        "ends_on": date(2025, 11, 30),
        "citizen": ("CDHT", 2),
    },
)


def _communes(day: date) -> list[str]:
    if day.year == 2021:
        return [unit.key for unit in pilot_communes()]
    # After 2025-07-01 the pilot area is the new communes of Tỉnh Lào Cai that succeed it.
    return list(
        AdminUnit.objects.filter(
            valid_on_q(day), level=UnitLevel.COMMUNE, parent_id="15@2025-07-01"
        ).values_list("key", flat=True)
    )


class Command(BaseCommand):
    help = "Create the two closed demo rounds (2021, 2025) of generated households (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=3000, help="per round")

    def handle(self, *args, **options):
        for demo in DEMO_ROUNDS:
            if Round.objects.filter(code=demo["code"]).exists():
                continue
            code, version = demo["citizen"]
            result = generate_round(
                code=demo["code"],
                name=demo["name"],
                households=options["households"],
                seed=demo["seed"],
                unit_keys=_communes(demo["starts_on"]),
                citizen_set=find_version(code=code, version=version),
                household_set=find_version(code="GDHT", version=1),
                starts_on=demo["starts_on"],
                ends_on=demo["ends_on"],
                status=Round.Status.CLOSED,
            )
            self.stdout.write(
                f"Created the demo round {demo['code']}: {options['households']} households "
                f"in {result.seconds:.1f} s."
            )
