"""Load a clinic's licensed questionnaire (e.g. ODI v2.1a, ZCQ) from a JSON file.

    python manage.py load_instrument odi-2.1a.json --clinic 3

The file format is in assessments/README.md. The file is checked strictly; on any problem
nothing is changed and every problem is listed.
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments import services
from assessments.engine import DefinitionError
from clinic.models import Clinic

MAX_BYTES = 1_000_000


class Command(BaseCommand):
    help = "Load a licensed questionnaire definition (JSON) for one clinic."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to the instrument JSON file.")
        parser.add_argument(
            "--clinic",
            required=True,
            type=int,
            help="Id of the clinic that holds the licence; only it will see the questionnaire.",
        )

    def handle(self, *args, file, clinic, **options):
        clinic_obj = Clinic.objects.filter(pk=clinic).first()
        if clinic_obj is None:
            raise CommandError(f"No clinic with id {clinic}.")
        definition = self._read(Path(file))
        try:
            instrument, created = services.instrument_load(definition=definition, clinic=clinic_obj)
        except DefinitionError as error:
            problems = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(
                f"{file} was not loaded; nothing changed. Problems:\n{problems}"
            ) from error
        except ValidationError as error:
            raise CommandError(
                f"{file} was not loaded; nothing changed. {' '.join(error.messages)}"
            ) from error
        if created:
            self.stdout.write(
                f"Loaded {instrument.title} version {instrument.version} "
                f"for {clinic_obj.name} ({len(instrument.items)} items)."
            )
        else:
            self.stdout.write(
                f"{instrument.title} version {instrument.version} was already loaded "
                f"for {clinic_obj.name}; nothing changed."
            )

    def _read(self, path: Path) -> dict:
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > MAX_BYTES:
            raise CommandError(f"{path} is larger than 1 MB; is it the right file?")
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError as error:
            raise CommandError(f"{path} is not UTF-8 text.") from error
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path} is not valid JSON: line {error.lineno}, column {error.colno}: {error.msg}."
            ) from error
