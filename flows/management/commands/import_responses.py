from pathlib import Path

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from flows.imports import import_responses
from survey.imports.files import DEFAULT_LIMITS, Limits
from survey.imports.problems import ImportRefused
from survey.imports.service import SOURCES
from survey.models import Round


class Command(BaseCommand):
    help = (
        "Import households into a round from a paper data-entry workbook, a KoboToolbox XLSX "
        "export or an ODK Central CSV zip. All or nothing: on any problem, every problem is "
        "printed with its sheet, row and column, nothing is written and the exit status is 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("round_code")
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--source", choices=SOURCES, help="paper, kobo or odk (default: from the content)"
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="correct households already in the round (history is recorded)",
        )
        parser.add_argument(
            "--user",
            required=True,
            help="the importing user: the units must be in their scope; they are the surveyor",
        )
        parser.add_argument(
            "--check", action="store_true", help="check the file only, write nothing"
        )
        parser.add_argument(
            "--max-mb",
            type=int,
            default=10,
            help="largest file accepted, in MB (default 10, as uploads on the web); the "
            "unpacked size limit grows with it",
        )
        parser.add_argument("--language", default="vi", choices=["vi", "en"])

    def handle(self, *args, round_code: str, file: Path, language: str, **options):
        translation.activate(language)
        round_ = Round.objects.filter(code=round_code).first()
        if round_ is None:
            raise CommandError(f"{round_code}: không có đợt khảo sát này / no such round")
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"{options['user']}: không có người dùng này / no such user")
        if not file.is_file():
            raise CommandError(f"{file}: không tìm thấy tệp / file not found")
        try:
            report = import_responses(
                round_=round_,
                user=user,
                data=file.read_bytes(),
                filename=file.name,
                source=options["source"],
                update=options["update"],
                check_only=options["check"],
                limits=DEFAULT_LIMITS
                if options["max_mb"] <= 10
                else Limits.megabytes(options["max_mb"]),
            )
        except ImportRefused as exc:
            for problem in exc.problems:
                self.stderr.write(f"{problem.location(language)}: {problem.message(language)}")
            raise CommandError(
                f"{file.name}: {len(exc.problems)} lỗi, không có gì được lưu"
                if language == "vi"
                else f"{file.name}: {len(exc.problems)} problem(s), nothing was saved"
            ) from exc
        for warning in report.warnings:
            self.stderr.write(f"{warning.location(language)}: {warning.message(language)}")
        if language == "vi":
            verb = "đã nhập" if report.written else "kiểm tra xong, chưa ghi"
            self.stdout.write(
                f"{file.name} ({report.source}, sha256 {report.sha256[:12]}): {verb}; "
                f"{report.households} hộ, {report.members} thành viên; tạo mới {report.created}, "
                f"cập nhật {report.updated}, không đổi {report.unchanged} ({report.seconds:.1f} s)"
            )
        else:
            verb = "imported" if report.written else "checked, nothing written"
            self.stdout.write(
                f"{file.name} ({report.source}, sha256 {report.sha256[:12]}): {verb}; "
                f"{report.households} households, {report.members} members; created "
                f"{report.created}, updated {report.updated}, unchanged {report.unchanged} "
                f"({report.seconds:.1f} s)"
            )
