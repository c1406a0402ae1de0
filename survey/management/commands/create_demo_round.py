from datetime import date

from django.core.management.base import BaseCommand

from criteria.selectors import find_version
from survey.models import Round
from survey.rounds import create_round
from units.models import AdminUnit

DEMO_CODE = "thi-diem-2021"


class Command(BaseCommand):
    help = "Create the open demo round on the 36 pilot communes (idempotent)."

    def handle(self, *args, **options):
        if Round.objects.filter(code=DEMO_CODE).exists():
            return
        communes = AdminUnit.objects.filter(
            parent__in=["132@2020-02-01", "138@2020-02-01"], valid_from=date(2020, 2, 1)
        ).values_list("key", flat=True)
        create_round(
            code=DEMO_CODE,
            name="Khảo sát thí điểm 2021 (dữ liệu thử)",
            citizen_set=find_version(code="CDHT", version=1),
            household_set=find_version(code="GDHT", version=1),
            starts_on=date(2021, 6, 1),
            ends_on=date(2021, 12, 31),
            planned={key: 30 for key in communes},
            status=Round.Status.OPEN,
        )
        self.stdout.write(f"Created the demo round {DEMO_CODE}.")
