from django.core.management.base import BaseCommand

from diagnostic.benchmarks import MIN_FIRMS, benchmarks_refresh


class Command(BaseCommand):
    help = (
        "Work out again how firms compare with similar firms (Celery beat does it every hour); "
        f"a group needs at least {MIN_FIRMS} firms."
    )

    def handle(self, *args, **options):
        rows = benchmarks_refresh()
        if options["verbosity"]:
            self.stdout.write(f"benchmarks: {rows} figures")
