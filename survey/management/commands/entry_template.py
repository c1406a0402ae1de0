from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from survey.imports.service import build_entry_template
from survey.models import Round


class Command(BaseCommand):
    help = (
        "Write a round's blank data-entry workbook (households and members sheets, "
        "drop-down lists, the round's units) for communes that survey on paper."
    )

    def add_arguments(self, parser):
        parser.add_argument("round_code")
        parser.add_argument("-o", "--output", type=Path, help="FILE.xlsx (default: mau-nhap-CODE)")

    def handle(self, *args, round_code: str, output: Path | None, **options):
        round_ = Round.objects.filter(code=round_code).first()
        if round_ is None:
            raise CommandError(f"{round_code}: không có đợt khảo sát này / no such round")
        name, data = build_entry_template(round_=round_)
        target = output or Path(name)
        target.write_bytes(data)
        self.stdout.write(f"{target} ({len(data) // 1024} KB)")
