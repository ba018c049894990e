from django.core.management.base import BaseCommand, CommandError

from recommendations.services import CATALOGUE_DIR, CatalogueError, catalogue_load


class Command(BaseCommand):
    help = (
        "Add the actions, programmes and providers of recommendations/catalogue/ to the "
        "database. Entries edited in the admin are kept unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--update", action="store_true", help="overwrite existing entries")

    def handle(self, *args, update: bool, **options):
        try:
            counts = catalogue_load(directory=CATALOGUE_DIR, update=update)
        except CatalogueError as error:
            problems = "\n".join(f"  - {problem}" for problem in error.problems)
            raise CommandError(
                f"The catalogue has problems; nothing was loaded:\n{problems}"
            ) from None
        if options["verbosity"]:
            self.stdout.write(
                "catalogue: {created} created, {updated} updated, {kept} kept".format(**counts)
            )
