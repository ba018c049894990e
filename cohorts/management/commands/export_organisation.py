import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cohorts.transfer import TransferError, organisation_export, organisation_find


class Command(BaseCommand):
    help = "Write everything one organisation holds as JSON (import it with import_organisation)."

    def add_arguments(self, parser):
        parser.add_argument("organisation", help="the organisation's id or exact name")
        parser.add_argument(
            "--output", default="-", help="the file to write; '-' (the default): standard output"
        )

    def handle(self, *args, **options):
        try:
            organisation = organisation_find(options["organisation"])
        except TransferError as error:
            raise CommandError(str(error)) from None
        data = organisation_export(organisation=organisation)
        text = json.dumps(data, ensure_ascii=False, indent=1)
        if options["output"] == "-":
            self.stdout.write(text)
            return
        try:
            with open(options["output"], "w", encoding="utf-8") as output:
                output.write(text + "\n")
        except OSError as error:
            message = _("Cannot write %(file)s: %(error)s")
            raise CommandError(
                message % {"file": options["output"], "error": error.strerror}
            ) from None
        self.stderr.write(
            _("%(organisation)s: written to %(file)s.")
            % {"organisation": organisation.name, "file": options["output"]}
        )
