from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cohorts.models import Cohort, CohortAssessment, Enrolment, Membership, Organisation, Role
from cohorts.services import cohort_assessment_start, profile_set_language, visit_log
from diagnostic.models import Assessment, Firm
from diagnostic.selectors import instrument_spec
from diagnostic.services import answers_save, assessment_submit

DEMO_PASSWORD = "ruta-demo-2026"  # noqa: S105 - public, for the demo accounts only
PEOPLE = [
    ("demo-gerente", "María", "López", Role.MANAGER, "es"),
    ("demo-coordinador", "Carlos", "Ramírez", Role.COORDINATOR, "es"),
    ("demo-consultora", "Ana", "Torres", Role.CONSULTANT, "es"),
    ("demo-consultant", "Ben", "Miller", Role.CONSULTANT, "en"),
]
E = {"internet_access": "mobile_unreliable", "sales_channels": ("in_person_only",)}
D = {
    "internet_access": "mobile_reliable",
    "online_presence": ("social_profile", "messaging_business"),
    "sales_channels": ("messaging_apps", "social_media"),
    "payments_accepted": ("cash_only",),
}
C = {**D, "sales_channels": ("social_media", "own_online_store"), "online_sales_share": "under_10"}
B = {
    **C,
    "sales_channels": ("social_media", "national_marketplace"),
    "payments_accepted": ("bank_transfer", "mobile_wallet"),
    "business_software": ("accounting",),
}
# name, region, settlement, sector, consultant, baseline, follow-up (or None)
FIRMS = [
    ("Bacanora La Sierra", "Sonora", "rural", "agrifood", 2, E, D),
    ("Tortillería Doña Luz", "Sonora", "city", "agrifood", 2, D, C),
    ("Artesanías Yaqui", "Sonora", "rural", "crafts_textiles", 2, E, None),
    ("Ferretería El Tornillo", "Sonora", "city", "retail_goods", 3, C, B),
    ("Hotel Bahía Kino", "Sonora", "rural", "tourism_hospitality", 3, D, None),
    ("Taller Mecánico Norte", "Sonora", "metro", "services_b2c", 3, None, None),
]


class Command(BaseCommand):
    help = "Create the demo organisation, its cohort, people and firms (once)."

    def handle(self, *args, **options):
        if Organisation.objects.filter(name__endswith="(demo)").exists():
            self.stdout.write(self.summary())
            return
        with transaction.atomic():
            self.create()
        self.stdout.write(self.summary())

    def create(self) -> None:
        organisation = Organisation.objects.create(name="Secretaría de Economía de Sonora (demo)")
        cohort = Cohort.objects.create(organisation=organisation, name="Pueblos Digitales 2026")
        users, memberships = [], []
        coordinator = None
        for username, first, last, role, language in PEOPLE:
            user = get_user_model().objects.create_user(
                username=username,
                email=f"{username}@example.org",
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
            )
            profile_set_language(user=user, language=language)
            membership = Membership.objects.create(
                user=user,
                organisation=organisation,
                role=role,
                coordinator=coordinator if role == Role.CONSULTANT else None,
            )
            if role == Role.COORDINATOR:
                coordinator = membership
            users.append(user)
            memberships.append(membership)
        now = timezone.now()
        for name, region, settlement, sector, index, baseline, follow_up in FIRMS:
            firm = Firm.objects.create(
                name=name, country="MX", region=region, settlement=settlement, sector=sector,
                employees=3, women_led=index == 2,
            )  # fmt: skip
            enrolment = Enrolment.objects.create(
                cohort=cohort, firm=firm, consultant=memberships[index]
            )
            consultant = users[index]
            for answers, months_ago in ((baseline, 6), (follow_up, 1)):
                if answers is None:
                    continue
                linked = cohort_assessment_start(
                    enrolment=enrolment, user=consultant, language=PEOPLE[index][4]
                )
                self.submit(linked.assessment, answers)
                when = now - timedelta(days=30 * months_ago)
                Assessment.objects.filter(pk=linked.assessment_id).update(
                    created_at=when, submitted_at=when
                )
                CohortAssessment.objects.filter(pk=linked.pk).update(created_at=when)
                visit_log(
                    enrolment=enrolment, user=consultant, day=when.date(), mode="in_person",
                    notes="",
                )  # fmt: skip

    def submit(self, assessment: Assessment, answers: dict) -> None:
        spec = instrument_spec(assessment.instrument)
        answers_save(
            assessment=assessment,
            items=[spec.items[code] for code in answers],
            answers=answers,
            step="review",
            language=assessment.language,
        )
        assessment_submit(assessment=assessment)

    def summary(self) -> str:
        lines = [f"Demo log-ins (password {DEMO_PASSWORD}):"]
        lines += [f"  {username:<18} {role.label}" for username, _f, _l, role, _lang in PEOPLE]
        return "\n".join(lines)
