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

SOCIAL_SELLER = {
    "internet_access": "mobile_reliable",
    "online_presence": ("social_profile", "messaging_business"),
    "sales_channels": ("messaging_apps", "social_media"),
    "payments_accepted": ("cash_only",),
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
    load_instrument()
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
