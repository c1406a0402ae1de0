from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from criteria.files import FORMATS, write_criteria_file
from criteria.selectors import find_version
from criteria.services import load_spec


class Command(BaseCommand):
    help = "Export a criteria set version as a workbook (xlsx), YAML or a plain XLSForm."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # "--version V" names the set's version; it replaces Django's own --version option,
        # which would otherwise clash with it and stop the command from starting.
        kwargs.setdefault("conflict_handler", "resolve")
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--version", dest="set_version", type=int)
        parser.add_argument("--format", dest="file_format", choices=FORMATS, required=True)
        parser.add_argument("-o", "--output", type=Path, required=True)

    def handle(self, *args, code, set_version, file_format, output: Path, **options):
        criteria_set = find_version(code=code, version=set_version)
        if criteria_set is None:
            wanted = f"{code} v{set_version}" if set_version else code
            raise CommandError(f"Không có bộ tiêu chí {wanted} / no criteria set {wanted}")
        spec = load_spec(criteria_set=criteria_set)
        with output.open("wb") as target:
            write_criteria_file(specs=[spec], file_format=file_format, target=target)
        self.stdout.write(f"{output}: {spec.code} v{spec.version} ({file_format})")
