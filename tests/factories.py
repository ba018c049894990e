"""Small builders of test data, written in code rather than fixture files."""

import time
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from diagnostic.models import Assessment, Firm, Instrument
from diagnostic.selectors import instrument_spec
from diagnostic.services import (
    INSTRUMENTS_DIR,
    answers_save,
    assessment_start,
    assessment_submit,
    instrument_load,
)

PROFILE = {
    "name": "Herbolaria Coyoacán",
    "contact_email": "duena@example.com",
    "country": "MX",
    "region": "MX-CMX",
    "settlement": "metro",
    "sector": "retail_goods",
    "employees": 4,
}

# A shop that sells through WhatsApp and Facebook (stage D) and answered at least half of
# each dimension's questions, so every dimension and the overall are scored (DESIGN 2.2).
SOCIAL_SELLER = {
    "internet_access": "mobile_reliable",
    "owner_digital_confidence": "basic",
    "business_devices": ("personal_phone",),
    "business_bank_account": "personal_account",
    "digital_payment_services": "available_not_used",
    "online_presence": ("social_profile", "messaging_business"),
    "social_posting_frequency": "weekly",
    "customer_reviews": "respond",
    "brand_identity": "logo_only",
    "product_content": "photos_with_prices",
    "sales_channels": ("messaging_apps", "social_media"),
    "payments_accepted": ("cash_only",),
    "online_sales_share": "10_to_25",
    "online_store_setup": "catalog_only",
    "channel_coordination": "when_remembered",
    "accounting_records": "notebook",
    "file_storage": "one_device",
    "inventory_control": "paper",
    "supplier_ordering": "messaging_or_email",
    "order_delivery": "case_by_case",
    "digital_attitude": "after_others",
    "digital_responsibility": "owner_when_possible",
    "team_collaboration": "individual_chats",
}


def load_instrument() -> Instrument:
    instrument, _status = instrument_load(path=INSTRUMENTS_DIR / "mydigitalsme-v1.yaml")
    return instrument


def make_firm(**fields) -> Firm:
    return Firm.objects.create(**{**PROFILE, **fields})


def make_assessment(
    *,
    language: str = "es",
    firm: Firm | None = None,
    answers: dict | None = None,
    submitted: bool = False,
    with_firm: bool = True,
) -> Assessment:
    # The instrument is read from its file once per database (assessment_start), not per call.
    assessment = assessment_start(language=language)
    if with_firm:
        assessment.firm = firm or make_firm()
        assessment.save()
    if answers:
        save_answers(assessment, answers)
    if submitted:
        assessment_submit(assessment=assessment)
    assessment.refresh_from_db()
    return assessment


def age(assessment: Assessment, days: int) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(
        updated_at=timezone.now() - timedelta(days=days)
    )


def wait_until(condition: Callable[[], bool], seconds: float = 30) -> None:
    """Wait for work done elsewhere (a worker thread); fail when it doesn't happen in time."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"still not done after {seconds} s")
        time.sleep(0.2)


def save_answers(assessment: Assessment, answers: dict) -> None:
    """Store cleaned answers as the questionnaire pages would."""
    spec = instrument_spec(assessment.instrument)
    answers_save(
        assessment=assessment,
        items=[spec.items[code] for code in answers],
        answers=answers,
        step="culture",
        language=assessment.language,
    )


def submit_answers(assessment: Assessment, answers: dict) -> None:
    save_answers(assessment, answers)
    assessment_submit(assessment=assessment)
