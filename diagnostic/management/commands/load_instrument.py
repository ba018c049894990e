from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diagnostic.instrument_file import InstrumentError
from diagnostic.services import INSTRUMENTS_DIR, InstrumentLocked, instrument_load


class Command(BaseCommand):
    help = (
        "Load instrument files (default: every file in diagnostic/instruments/) into the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="instrument YAML files")

    def handle(self, *args, paths: list[Path], **options):
        for path in paths or sorted(INSTRUMENTS_DIR.glob("*.yaml")):
            if not path.is_file():
                raise CommandError(f"{path}: no such file")
            try:
                instrument, status = instrument_load(path=path)
            except InstrumentError as error:
                raise CommandError(f"{path} is not a valid instrument:\n{error}") from None
            except InstrumentLocked as error:
                raise CommandError(str(error)) from None
            if options["verbosity"]:
                self.stdout.write(f"{instrument.code}: {status}")
