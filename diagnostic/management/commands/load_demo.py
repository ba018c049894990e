import json

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import translation

from diagnostic.interchange import parse_diagnostic
from diagnostic.models import Assessment
from diagnostic.selectors import instrument_spec
from diagnostic.services import assessment_import, instrument_get_or_load

DEMO_FIRMS = [
    "social-seller-es.json",
    "marketplace-cash-only-en.json",
    "global-firm-en.json",
    "incipient-rural-es.json",
]


class Command(BaseCommand):
    help = "Add the demo firms of examples/ as submitted diagnostics (once) and list their results."

    def handle(self, *args, **options):
        instrument = instrument_get_or_load()
        spec = instrument_spec(instrument)
        for name in DEMO_FIRMS:
            data = json.loads((settings.BASE_DIR / "examples" / name).read_text(encoding="utf-8"))
            diagnostic = parse_diagnostic(data, spec)
            assessment = (
                Assessment.objects.filter(
                    firm__name=diagnostic.profile["name"], status=Assessment.Status.SUBMITTED
                )
                .select_related("firm")
                .first()
            ) or assessment_import(instrument=instrument, diagnostic=diagnostic)
            with translation.override(assessment.language):
                path = reverse("diagnostic:result", kwargs={"token": assessment.token})
            stage = assessment.stage or "—"
            name = diagnostic.profile["name"]
            self.stdout.write(f"  {stage}  {name}: http://127.0.0.1:8000{path}")
