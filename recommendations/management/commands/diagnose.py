import json
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from diagnostic.interchange import InterchangeError, diagnosis_report, parse_diagnostic, report_text
from diagnostic.scoring import score_answers
from diagnostic.selectors import instrument_spec
from diagnostic.services import instrument_get_or_load
from diagnostic.stages import place_stage, stage_rules_for
from recommendations.pdf import render_roadmap_pdf
from recommendations.presenters import roadmap_context
from recommendations.records import profile_from_dict
from recommendations.roadmap import plan_roadmap
from recommendations.rules import facts_from_result
from recommendations.services import catalogue_get_or_load


class Command(BaseCommand):
    help = (
        "Score one firm from a JSON file without the web and build its roadmap: "
        '{"language": "es", "profile": {...}, "answers": {"item_code": "option" | [...] | 12}}. '
        "Exits with status 2, naming every problem, when the input is not valid."
    )

    def add_arguments(self, parser):
        parser.add_argument("input", help="the JSON file, or - for standard input")
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument(
            "--pdf", metavar="OUT.pdf", type=Path, help="also write the roadmap PDF"
        )

    def handle(self, *args, input: str, format: str, pdf: Path | None, **options):
        with translation.override(settings.LANGUAGE_CODE):
            data = self._read(input)
        language = data.get("language") if isinstance(data, dict) else None
        if language not in {code for code, _name in settings.LANGUAGES}:
            language = settings.LANGUAGE_CODE
        instrument = instrument_spec(instrument_get_or_load())
        catalogue = catalogue_get_or_load().seen_by(frozenset())  # the site's: no organisation
        today = timezone.localdate()
        with translation.override(language):
            try:
                parsed = parse_diagnostic(data, instrument)
            except InterchangeError as error:
                problems = "\n".join(f"  - {problem}" for problem in error.problems)
                heading = _("%(file)s is not a valid diagnostic input:") % {"file": input}
                raise CommandError(f"{heading}\n{problems}", returncode=2) from None
            scores = score_answers(
                instrument, parsed.answers, people=parsed.profile.get("employees")
            )
            placement = place_stage(parsed.answers, stage_rules_for(instrument.code))
            profile = profile_from_dict(parsed.profile)
            facts = facts_from_result(parsed.answers, scores, placement, profile)
            roadmap = plan_roadmap(catalogue=catalogue, facts=facts, language=language, today=today)
            report = diagnosis_report(instrument, parsed, scores, placement)
            report["roadmap"] = roadmap.to_dict()
            if pdf:
                context = roadmap_context(
                    instrument=instrument,
                    stored_result={"scores": scores.to_dict(), "stage": placement.to_dict()},
                    roadmap=roadmap,
                    firm_name=parsed.profile.get("name", ""),
                    day=today,
                    language=language,
                )
                content = render_roadmap_pdf(context, language=language, country=profile.country)
                self._write(pdf, content)
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

    def _write(self, path: Path, content: bytes) -> None:
        try:
            path.write_bytes(content)
        except OSError as error:
            message = _("Cannot write %(file)s: %(error)s") % {"file": path, "error": error}
            raise CommandError(message, returncode=2) from None
