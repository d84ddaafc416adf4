"""``counterpart iati export|import|validate``: IATI 2.03 publication and import.

- ``export --program P [--year Y] --output F [--organisation]``: the program's activities (or, with
  ``--organisation``, its organisation file); refuses to write a file that fails the schema.
- ``import FILE (--program P | --create-program SLUG --donor-area CODE) [--default-area CODE]``:
  exits non-zero only when the file is not valid IATI; what an activity cannot hold is listed.
- ``validate FILE``: prints "valid" and exits 0, or the first errors with their lines and exits 1.
"""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from counterpart.core.audit import Actor
from counterpart.iati.exporter import iati_export_activities_write, iati_export_organisation
from counterpart.iati.importer import IatiImportResult
from counterpart.iati.reader import ActivityOutcome
from counterpart.iati.schemas import (
    IatiValidation,
    iati_validate_activities_file,
    iati_validate_bytes,
    iati_validate_file,
)
from counterpart.iati.stream_import import (
    iati_file_first_year_streamed,
    iati_import_file,
    iati_validate_activities_stream,
)
from counterpart.registry.models import Area, Program
from counterpart.registry.services import program_create

ACTOR = Actor.system("iati-cli")


class Command(BaseCommand):
    help = "IATI 2.03: export a program, import an activity file, validate a file."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, parser_class=CommandParser)
        export = commands.add_parser("export", help="write a program's IATI activity (or organisation) file")
        export.add_argument("--program", required=True)
        export.add_argument("--year", type=int, default=None)
        export.add_argument("--output", type=Path, required=True)
        export.add_argument("--organisation", action="store_true", help="the organisation file instead")
        imported = commands.add_parser("import", help="import an IATI activity file into a program")
        imported.add_argument("file", type=Path)
        imported.add_argument("--program", default=None, help="slug of an existing program")
        imported.add_argument("--create-program", default=None, metavar="SLUG", help="create this program first")
        imported.add_argument("--donor-area", default=None, help="donor area code for --create-program")
        imported.add_argument("--default-area", default=None, help="area code for activities without a known one")
        validate = commands.add_parser("validate", help="check a file against the IATI 2.03 schema")
        validate.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "export":
            self._export(options)
        elif action == "import":
            self._import(options)
        else:
            self._validate(options["file"])

    def _errors(self, validation: IatiValidation, limit: int = 10) -> str:
        lines = [str(error) for error in validation.errors[:limit]]
        return "\n".join(["无效 invalid", *lines])

    def _validate(self, path: Path) -> None:
        # An activity file in bounded memory; an organisation file (one organisation, small) as a tree.
        validation = iati_validate_activities_stream(path)
        if not validation.is_valid and validation.root not in ("", "iati-activities"):
            validation = iati_validate_file(path)
        if not validation.is_valid:
            raise CommandError(self._errors(validation))
        self.stdout.write("valid")

    def _program(self, slug: str) -> Program:
        program = Program.objects.filter(slug=slug).first()
        if program is None:
            raise CommandError(f"协作项目不存在 No program with slug “{slug}”.")
        return program

    def _refuse_invalid_export(self, validation: IatiValidation) -> None:
        if not validation.is_valid:
            raise CommandError(
                "导出文件不符合 IATI 2.03 模式 The export is not schema-valid:\n" + self._errors(validation)
            )

    def _export(self, options: dict[str, Any]) -> None:
        program = self._program(options["program"])
        output: Path = options["output"]
        if options["organisation"]:
            export = iati_export_organisation(program, year=options["year"])
            self._refuse_invalid_export(iati_validate_bytes(export.to_bytes()))
            output.write_bytes(export.to_bytes())
            count, warnings = export.count, export.warnings
        else:
            # Streamed to a file beside the output and validated as it is read back, so neither the
            # document nor its parse is held in memory; moved into place only once valid.
            partial = output.with_name(f".{output.name}.partial")
            try:
                written = iati_export_activities_write(program, partial, year=options["year"])
                self._refuse_invalid_export(iati_validate_activities_file(partial))
                partial.replace(output)
            finally:
                partial.unlink(missing_ok=True)
            count, warnings = written.count, written.warnings
        for warning in warnings:
            self.stderr.write(f"注意 warning: {warning}")
        self.stdout.write(f"已写入 Written: {output} ({count} activities/organisations)")

    def _import(self, options: dict[str, Any]) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"无法读取文件 Cannot read {path}")
        # Checked before anything is created (the program of --create-program included), read in bounded
        # memory (stream_import.py); the import reads the file once more, activity by activity.
        validation = iati_validate_activities_stream(path)
        if not validation.is_valid:
            raise CommandError(self._errors(validation))
        default_area = None
        if options["default_area"]:
            default_area = Area.objects.filter(code=options["default_area"]).first()
            if default_area is None:
                raise CommandError(f"地区不存在 No area with code {options['default_area']}.")
        program = self._target_program(options, path)
        result = iati_import_file(
            actor=ACTOR,
            path=path,
            program=program,
            default_area=default_area,
            source=str(path),
            on_activity=self._outcome_write,
            validation=validation,
        )
        if not result.is_valid:
            raise CommandError(self._errors(result.validation))
        self._report(result)

    def _target_program(self, options: dict[str, Any], path: Path) -> Program:
        if options["program"] and options["create_program"]:
            raise CommandError("--program 与 --create-program 只能选一个 Give --program or --create-program, not both.")
        if options["program"]:
            return self._program(options["program"])
        slug = options["create_program"]
        if not slug or not options["donor_area"]:
            raise CommandError("需要 --program P，或 --create-program SLUG --donor-area CODE")
        existing = Program.objects.filter(slug=slug).first()
        if existing is not None:
            return existing
        donor_area = Area.objects.filter(code=options["donor_area"]).first()
        if donor_area is None:
            raise CommandError(f"地区不存在 No area with code {options['donor_area']}.")
        try:
            return program_create(
                actor=ACTOR,
                slug=slug,
                name_zh=slug,
                donor_area=donor_area,
                start_year=iati_file_first_year_streamed(path) or 1996,
                description="由 IATI 导入创建 Created by an IATI import.",
            )
        except ValidationError as error:
            raise CommandError(f"无法创建协作项目 Cannot create the program: {error}") from None

    def _outcome_write(self, activity: ActivityOutcome) -> None:
        label = activity.identifier or f"(line {activity.line})"
        target = f" → {activity.project_code}" if activity.project_code else ""
        self.stdout.write(f"{activity.outcome}: {label}{target} (+{activity.transactions_added} transactions)")
        for note in activity.notes:
            self.stdout.write(f"    - {note}")

    def _report(self, result: IatiImportResult) -> None:
        self.stdout.write(
            f"导入完成 Imported: {result.count('created')} created, {result.count('updated')} updated,"
            f" {result.count('unchanged')} unchanged, {result.count('skipped')} skipped"
        )
