from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from criteria.files import read_criteria_file
from criteria.services import CriteriaSetInvalid, CriteriaSetLocked, publish, save_spec
from criteria.validation import CriteriaImportError


class Command(BaseCommand):
    help = "Import a criteria set from an .xlsx workbook or a YAML file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--publish", dest="do_publish", action="store_true", help="publish after importing"
        )
        parser.add_argument("--language", default="vi", choices=["vi", "en"])

    def handle(self, *args, file: Path, do_publish: bool, language: str, **options):
        translation.activate(language)
        if not file.is_file():
            raise CommandError(f"{file}: không tìm thấy tệp / file not found")
        try:
            spec = read_criteria_file(data=file.read_bytes(), filename=file.name)
            criteria_set = save_spec(spec=spec)
            if do_publish and criteria_set.status == "draft":
                criteria_set = publish(criteria_set=criteria_set)
        except (CriteriaImportError, CriteriaSetInvalid) as exc:
            for problem in exc.problems:
                self.stderr.write(f"{problem.location(language)}: {problem.message(language)}")
            raise CommandError(
                f"{file.name}: {len(exc.problems)} lỗi, không có gì được lưu"
                if language == "vi"
                else f"{file.name}: {len(exc.problems)} problem(s), nothing was saved"
            ) from exc
        except CriteriaSetLocked as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{criteria_set.code} v{criteria_set.version} {criteria_set.status}: "
            f"{criteria_set.title_vi}"
        )
