import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from diagnostic.interchange import InterchangeError, diagnosis_report, parse_diagnostic, report_text
from diagnostic.selectors import instrument_spec
from diagnostic.services import instrument_get_or_load


class Command(BaseCommand):
    help = (
        "Score one firm from a JSON file without the web: "
        '{"language": "es", "profile": {...}, "answers": {"item_code": "option" | [...] | 12}}. '
        "Exits with status 2, naming every problem, when the input is not valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", help="the JSON file, or - for standard input")
        parser.add_argument("--format", choices=["json", "text"], default="json")

    def handle(self, *args, input: str, format: str, **options):
        with translation.override(settings.LANGUAGE_CODE):
            data = self._read(input)
        language = data.get("language") if isinstance(data, dict) else None
        if language not in {code for code, _name in settings.LANGUAGES}:
            language = settings.LANGUAGE_CODE
        instrument = instrument_spec(instrument_get_or_load())
        with translation.override(language):
            try:
                parsed = parse_diagnostic(data, instrument)
            except InterchangeError as error:
                problems = "\n".join(f"  - {problem}" for problem in error.problems)
                heading = _("%(file)s is not a valid diagnostic input:") % {"file": input}
                raise CommandError(f"{heading}\n{problems}", returncode=2) from None
            report = diagnosis_report(instrument, parsed)
            if format == "text":
                self.stdout.write(report_text(report, instrument))
            else:
                self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))

    def _read(self, name: str) -> object:
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            message = _("Cannot read %(file)s: %(error)s") % {"file": name, "error": error}
            raise CommandError(message, returncode=2) from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            message = _("%(file)s is not valid JSON: %(error)s (line %(line)d, column %(column)d).")
            raise CommandError(
                message
                % {"file": name, "error": error.msg, "line": error.lineno, "column": error.colno},
                returncode=2,
            ) from None
