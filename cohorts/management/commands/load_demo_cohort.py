import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cohorts.models import (
    Cohort,
    CohortAssessment,
    Enrolment,
    Membership,
    Organisation,
    Profile,
    Role,
)
from cohorts.services import (
    cohort_assessment_start,
    enrolment_results_refresh,
    profile_set_language,
    visit_log,
)
from diagnostic.models import Assessment, Firm, Sector
from diagnostic.selectors import instrument_spec
from diagnostic.services import answers_save, assessment_submit, instrument_get_or_load

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
A = {
    **B,
    "sales_channels": ("social_media", "national_marketplace", "global_marketplace"),
    "payments_accepted": ("card_terminal", "online_gateway", "cross_border"),
    "business_software": ("accounting", "inventory", "e_invoicing"),
    "cross_border_sales": "regular",
}
STAGE_ANSWERS = {"A": A, "B": B, "C": C, "D": D, "E": E}
STAGE_ITEMS = set(A) | set(E)
SYNTHETIC_FIRMS = 200
MUNICIPALITIES = ["Hermosillo", "Cajeme", "Navojoa", "Guaymas", "Nogales", "Álamos", "Ures"]
# name, region, settlement, sector, consultant, baseline, follow-up (or None)
FIRMS = [
    ("Bacanora La Sierra", "MX-SON", "rural", "agrifood", 2, E, D),
    ("Tortillería Doña Luz", "MX-SON", "city", "agrifood", 2, D, C),
    ("Artesanías Yaqui", "MX-SON", "rural", "crafts_textiles", 2, E, None),
    ("Ferretería El Tornillo", "MX-SON", "city", "retail_goods", 3, C, B),
    ("Hotel Bahía Kino", "MX-SON", "rural", "tourism_hospitality", 3, D, None),
    ("Taller Mecánico Norte", "MX-SON", "metro", "services_b2c", 3, None, None),
]


class Command(BaseCommand):
    help = "Create the demo organisation, its cohort, people and firms (once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--synthetic-firms",
            type=int,
            default=SYNTHETIC_FIRMS,
            help="how many synthetic firms to add besides the named ones (default %(default)s)",
        )

    def handle(self, *args, **options):
        self.synthetic_firms = max(0, options["synthetic_firms"])
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
        spec = instrument_spec(instrument_get_or_load())
        for name, region, settlement, sector, index, baseline, follow_up in FIRMS:
            firm = Firm.objects.create(
                name=name, country="MX", region=region, settlement=settlement, sector=sector,
                employees=3, women_led=index == 2,
            )  # fmt: skip
            self.add(cohort, firm, memberships[index], baseline, follow_up)
        rng = random.Random(2026)  # noqa: S311 - the same synthetic firms every time
        for number in range(1, self.synthetic_firms + 1):
            start, moves = self.synthetic_path(rng)
            firm = Firm.objects.create(
                name=f"Negocio de ejemplo {number:03d}",
                country="MX",
                region="MX-SON",
                municipality=rng.choice(MUNICIPALITIES),
                settlement=rng.choices(["metro", "city", "rural"], weights=[2, 4, 4])[0],
                sector=rng.choice([code for code, _label in Sector.choices]),
                employees=rng.choice([1, 2, 3, 4, 5, 8, 12, 20, 35, 60]),
                women_led=rng.random() < 0.45,
            )
            extra = self.extra_answers(rng, spec)
            follow_up = {**extra, **STAGE_ANSWERS[moves]} if moves else None
            self.add(
                cohort,
                firm,
                memberships[2 + number % 2],
                {**extra, **STAGE_ANSWERS[start]},
                follow_up,
            )

    def synthetic_path(self, rng: random.Random) -> tuple[str, str | None]:
        """A baseline stage, and the stage of a follow-up when the firm had one."""
        start = rng.choices("EDCBA", weights=[35, 35, 15, 10, 5])[0]
        if rng.random() > 0.55:
            return start, None
        if start != "A" and rng.random() < 0.6:
            return start, "EDCBA"["EDCBA".index(start) + 1]
        return start, start

    def extra_answers(self, rng: random.Random, spec) -> dict:
        """Some of the other questions answered, so scores vary from firm to firm."""
        answers: dict = {}
        for item in spec.items.values():
            if item.code in STAGE_ITEMS or rng.random() < 0.4:
                continue
            if item.kind == "number":
                answers[item.code] = rng.randint(int(item.minimum), int(min(item.maximum, 20)))
            else:
                option = rng.choice([o.code for o in item.options if not o.exclusive])
                answers[item.code] = option if item.kind == "single" else (option,)
        return answers

    def add(self, cohort, firm, membership, baseline: dict | None, follow_up: dict | None) -> None:
        enrolment = Enrolment.objects.create(cohort=cohort, firm=firm, consultant=membership)
        consultant = membership.user
        language = Profile.objects.get(user=consultant).language
        now = timezone.now()
        for answers, months_ago in ((baseline, 6), (follow_up, 1)):
            if answers is None:
                continue
            linked = cohort_assessment_start(
                enrolment=enrolment, user=consultant, language=language
            )
            self.submit(linked.assessment, answers)
            when = now - timedelta(days=30 * months_ago)
            Assessment.objects.filter(pk=linked.assessment_id).update(
                created_at=when, submitted_at=when
            )
            CohortAssessment.objects.filter(pk=linked.pk).update(created_at=when)
            visit_log(
                enrolment=enrolment,
                user=consultant,
                day=when.date(),
                mode="in_person",
                hours=Decimal("2"),
                notes="",
            )
        # Backdated above: the first and latest results are worked out again from the dates.
        enrolment_results_refresh(enrolments=Enrolment.objects.filter(pk=enrolment.pk))

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
