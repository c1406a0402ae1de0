from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from exports.options import ExportError, ExportOptions
from exports.services import export_round
from scoring.areas import HIERARCHIES, LEVELS
from survey.models import Round


class Command(BaseCommand):
    help = (
        "Write a round's workbook (or CSV, by the file's extension): cover, summary by unit "
        "with district subtotals and the total, indicators, breakdowns, chart and, with "
        "--detail, the households and members. The same content as the web export."
    )

    def add_arguments(self, parser):
        parser.add_argument("round_code")
        parser.add_argument("-o", "--output", required=True, help="FILE.xlsx or FILE.csv")
        parser.add_argument("--detail", action="store_true", help="add households and members")
        parser.add_argument("--units", nargs="+", default=[], help="unit keys (CODE@YYYY-MM-DD)")
        parser.add_argument("--level", choices=LEVELS, default="commune")
        parser.add_argument("--hierarchy", choices=HIERARCHIES, default="round")
        parser.add_argument("--approved-only", action="store_true")
        parser.add_argument(
            "--user", help="export as this user: their scope and personal-data permission"
        )
        parser.add_argument("--language", choices=("vi", "en"), default="vi")

    def handle(self, *args, **options):
        round_ = Round.objects.filter(code=options["round_code"]).first()
        if round_ is None:
            raise CommandError(f"Không có đợt khảo sát “{options['round_code']}”.")
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None or not user.is_active:
                raise CommandError(f"Không có người dùng “{options['user']}”.")
        output = Path(options["output"])
        file_format = "csv" if output.suffix.lower() == ".csv" else "xlsx"
        export_options = ExportOptions(
            units=tuple(options["units"]),
            level=options["level"],
            hierarchy=options["hierarchy"],
            detail=options["detail"],
            approved_only=options["approved_only"],
        )
        with translation.override(options["language"]):
            try:
                export = export_round(
                    round_=round_,
                    options=export_options,
                    user=user,
                    target=output,
                    file_format=file_format,
                )
            except ExportError as exc:
                raise CommandError(str(exc)) from exc
        details = ", ".join(f"{t.key}: {t.count:,}" for t in export.details)
        self.stdout.write(
            f"{output}: {len(export.rows)} dòng tổng hợp" + (f"; {details}" if details else "")
        )
