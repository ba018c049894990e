from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cohorts.models import Cohort
from cohorts.services import score_tallies_differing, score_tallies_rebuild


class Command(BaseCommand):
    help = (
        "Check each cohort's score tallies (the dashboard's histograms) against a fresh count "
        "of its firms' latest results; with --rebuild, count those that differ again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="count the tallies that differ again"
        )

    def handle(self, *args, **options):
        differing = score_tallies_differing(Cohort.objects.all())
        if not differing:
            self.stdout.write(_("Every cohort's tallies match its firms' latest results."))
            return
        for cohort in differing:
            self.stdout.write(_("%(cohort)s: the tallies differ.") % {"cohort": cohort})
        if not options["rebuild"]:
            raise CommandError(_("Run the command again with --rebuild to count them again."))
        score_tallies_rebuild(cohorts=Cohort.objects.filter(pk__in=[c.pk for c in differing]))
        self.stdout.write(_("Counted again: %(count)d cohorts.") % {"count": len(differing)})
