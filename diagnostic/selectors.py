"""Reads. An owner reaches an assessment only through its unguessable token."""

import threading
from datetime import timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from .instrument import Instrument as InstrumentSpec
from .instrument import combined
from .instrument_file import load_instrument_file, parse_instrument
from .models import Answer, AnswerNote, Assessment, Instrument

_specs: dict[tuple[int, str], InstrumentSpec] = {}
_specs_lock = threading.Lock()


INSTRUMENTS_DIR = Path(__file__).resolve().parent / "instruments"


@cache
def instruments_shipped_combined() -> InstrumentSpec:
    """Every shipped instrument version combined: the codes the recommendation catalogue may
    name, so an action can use a question that only the newer versions ask."""
    paths = sorted(INSTRUMENTS_DIR.glob("*.yaml"))
    return combined([parse_instrument(load_instrument_file(path)) for path in paths])


def instrument_spec(instrument: Instrument) -> InstrumentSpec:
    """The parsed definition; cached per process, since a version in use never changes."""
    key = (instrument.pk, instrument.checksum)
    spec = _specs.get(key)
    if spec is None:
        spec = parse_instrument(instrument.definition)
        with _specs_lock:
            _specs[key] = spec
    return spec


def assessment_get_by_token(token: str) -> Assessment | None:
    if not token or len(token) > 64:
        return None
    return (
        Assessment.objects.select_related("instrument", "firm")
        .defer("instrument__definition")  # parsed once per process by instrument_spec
        .filter(token=token)
        .first()
    )


def assessment_is_expired(assessment: Assessment) -> bool:
    """An owner's draft untouched for longer than DRAFT_RESUME_DAYS can no longer be resumed.

    A consultant's (assisted) draft never expires: it is the programme's record of the firm,
    kept by housekeeping, and while it is open no other assessment of the firm can start.
    """
    if assessment.is_submitted or assessment.assisted:
        return False
    limit = timezone.now() - timedelta(days=settings.DRAFT_RESUME_DAYS)
    return assessment.updated_at < limit


def notes_for(assessment: Assessment) -> dict[str, str]:
    """Item code → the consultant's note, for assisted assessments."""
    if not assessment.assisted:
        return {}
    return dict(AnswerNote.objects.filter(assessment=assessment).values_list("item_code", "text"))


def answers_for(assessment: Assessment) -> dict[str, object]:
    """Item code → stored value, as the instrument's answer functions expect."""
    return dict(Answer.objects.filter(assessment=assessment).values_list("item_code", "value"))
