import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cohorts.transfer import TransferError, organisation_import, read_file_data


class Command(BaseCommand):
    help = (
        "Recreate an organisation from an export_organisation file, all or nothing; "
        "refused when any of it exists here already."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the JSON file; '-': standard input")

    def handle(self, *args, **options):
        try:
            if options["file"] == "-":
                text = sys.stdin.read()
            else:
                with open(options["file"], encoding="utf-8") as source:
                    text = source.read()
        except (OSError, UnicodeDecodeError) as error:
            message = _("Cannot read %(file)s: %(error)s")
            raise CommandError(message % {"file": options["file"], "error": error}) from None
        try:
            organisation = organisation_import(data=read_file_data(text))
        except TransferError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _("%(organisation)s: imported (id %(id)d).")
            % {"organisation": organisation.name, "id": organisation.pk}
        )
