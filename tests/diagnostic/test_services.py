"""The diagnostic's life cycle as the programmes and the outbox's callers use it: a consultant's
draft, a result reopened, an e-mail queued, a diagnostic imported (diagnostic.services)."""

import pytest

from diagnostic.flow import REVIEW
from diagnostic.interchange import ParsedDiagnostic, parse_diagnostic
from diagnostic.models import Assessment, Firm, Instrument, OutboundEmail
from diagnostic.selectors import answers_for, instrument_spec
from diagnostic.services import (
    assessment_import,
    assessment_reopen,
    assessment_start_assisted,
    assessment_submit,
    email_queue,
    instrument_get_or_load,
)
from tests.factories import PROFILE, SOCIAL_SELLER, make_assessment, make_firm, save_answers

pytestmark = pytest.mark.django_db

DRAFT, SUBMITTED = Assessment.Status.DRAFT, Assessment.Status.SUBMITTED
# The social seller's answers as JSON carries them, and as they are stored: lists, not tuples.
SOCIAL_SELLER_JSON = {
    code: list(value) if isinstance(value, tuple) else value
    for code, value in SOCIAL_SELLER.items()
}


def scores_of(assessment: Assessment) -> set[tuple[str, str, int]]:
    return set(assessment.scores.values_list("kind", "code", "value"))


# assessment_start_assisted


def test_assessment_start_assisted_makes_an_empty_draft_of_the_firm():
    firm = make_firm()

    draft = Assessment.objects.get(pk=assessment_start_assisted(firm=firm, language="en").pk)

    assert (draft.firm, draft.language, draft.status) == (firm, "en", DRAFT)
    assert draft.assisted and not draft.prefilled
    assert draft.token and draft.instrument == instrument_get_or_load()
    assert answers_for(draft) == {}


def test_assessment_start_assisted_from_an_earlier_result_starts_with_a_copy_of_its_answers():
    earlier = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    answered = answers_for(earlier)

    started = assessment_start_assisted(firm=earlier.firm, language="es", answers_from=earlier)

    draft = Assessment.objects.get(pk=started.pk)
    assert (draft.firm, draft.status) == (earlier.firm, DRAFT)
    assert draft.assisted and draft.prefilled
    assert draft.token != earlier.token
    assert answers_for(draft) == answered == SOCIAL_SELLER_JSON
    assert draft.result is None and scores_of(draft) == set()
    # A copy: changing the draft leaves the earlier result as it was.
    save_answers(draft, {"internet_access": "none"})
    earlier.refresh_from_db()
    assert earlier.status == SUBMITTED and answers_for(earlier) == answered


# assessment_reopen


def test_assessment_reopen_makes_a_result_a_draft_at_its_review_page_that_keeps_its_result():
    submitted = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    scores = scores_of(submitted)
    assert scores

    assert assessment_reopen(assessment_id=submitted.pk) is True

    reopened = Assessment.objects.get(pk=submitted.pk)
    assert (reopened.status, reopened.last_step) == (DRAFT, REVIEW)
    assert (reopened.result, reopened.stage, reopened.overall_score, reopened.submitted_at) == (
        submitted.result,
        "D",
        submitted.overall_score,
        submitted.submitted_at,
    )
    assert scores_of(reopened) == scores
    assert answers_for(reopened) == answers_for(submitted)


def test_a_reopened_assessment_submitted_again_has_its_result_replaced():
    assessment = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    first_scores = scores_of(assessment)
    assessment_reopen(assessment_id=assessment.pk)
    save_answers(assessment, {"accounting_records": "accounting_software"})

    assert assessment_submit(assessment=Assessment.objects.get(pk=assessment.pk)) is True

    resubmitted = Assessment.objects.get(pk=assessment.pk)
    assert resubmitted.status == SUBMITTED and resubmitted.submitted_at > assessment.submitted_at
    assert resubmitted.overall_score != assessment.overall_score
    second_scores = scores_of(resubmitted)
    assert second_scores != first_scores
    assert {score[:2] for score in second_scores} == {score[:2] for score in first_scores}


def test_assessment_reopen_of_a_draft_is_false_and_changes_nothing():
    draft = make_assessment(answers=SOCIAL_SELLER)

    assert assessment_reopen(assessment_id=draft.pk) is False

    unchanged = Assessment.objects.get(pk=draft.pk)
    assert (unchanged.status, unchanged.last_step, unchanged.updated_at) == (
        DRAFT,
        draft.last_step,
        draft.updated_at,
    )


def test_assessment_reopen_a_second_time_is_false():
    submitted = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    assert assessment_reopen(assessment_id=submitted.pk) is True
    assert assessment_reopen(assessment_id=submitted.pk) is False


def test_assessment_reopen_of_an_unknown_id_is_false():
    assert assessment_reopen(assessment_id=987_654) is False


# email_queue


def test_email_queue_keeps_the_email_pending_and_sends_it_once_the_transaction_commits(
    django_capture_on_commit_callbacks, mailoutbox
):
    assessment = make_assessment()

    with django_capture_on_commit_callbacks() as on_commit:
        email = email_queue(
            to="duena@example.com", subject="Su enlace", body="Siga aquí", assessment=assessment
        )

    stored = OutboundEmail.objects.get()
    assert stored == email
    assert (stored.to, stored.subject, stored.body, stored.assessment) == (
        "duena@example.com",
        "Su enlace",
        "Siga aquí",
        assessment,
    )
    assert (stored.state, stored.attempts) == (OutboundEmail.State.PENDING, 0)
    assert len(on_commit) == 1 and mailoutbox == []

    on_commit[0]()  # the transaction commits: the send task runs (in-process in tests)

    stored.refresh_from_db()
    assert stored.state == OutboundEmail.State.SENT
    assert [(message.to, message.subject, message.body) for message in mailoutbox] == [
        (["duena@example.com"], "Su enlace", "Siga aquí")
    ]


@pytest.mark.django_db(transaction=True)
def test_email_queue_with_the_broker_down_keeps_the_email_pending_for_housekeeping(
    redis_down, mailoutbox
):
    email = email_queue(to="ana@example.org", subject="Clave nueva", body="Elija una clave")

    stored = OutboundEmail.objects.get()
    assert stored == email and stored.assessment is None
    assert stored.state == OutboundEmail.State.PENDING
    assert mailoutbox == []


# assessment_import


def checked_diagnostic(instrument: Instrument) -> ParsedDiagnostic:
    """The social seller as a diagnostic file gives it, checked as an import checks it."""
    data = {"language": "en", "profile": PROFILE, "answers": SOCIAL_SELLER_JSON}
    return parse_diagnostic(data, instrument_spec(instrument))


def test_assessment_import_submits_the_diagnostic_for_a_firm_made_from_its_profile():
    instrument = instrument_get_or_load()
    diagnostic = checked_diagnostic(instrument)

    imported = assessment_import(instrument=instrument, diagnostic=diagnostic)

    stored = Assessment.objects.select_related("firm").get()
    assert stored == imported
    assert (stored.status, stored.language, stored.last_step, stored.assisted) == (
        SUBMITTED,
        "en",
        REVIEW,
        False,
    )
    assert (stored.firm.name, stored.firm.employees) == (PROFILE["name"], PROFILE["employees"])
    assert answers_for(stored) == SOCIAL_SELLER_JSON
    # Scored as the same answers submitted through the questionnaire, and returned as stored.
    by_hand = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    assert (stored.stage, stored.result) == ("D", by_hand.result)
    assert scores_of(stored) == scores_of(by_hand)
    assert (imported.status, imported.result) == (SUBMITTED, stored.result)


def test_assessment_import_for_a_given_firm_stores_it_there_and_leaves_the_firm_as_it_is():
    instrument = instrument_get_or_load()
    firm = make_firm(name="Bacanora La Sierra", employees=12)

    imported = assessment_import(
        instrument=instrument, diagnostic=checked_diagnostic(instrument), firm=firm
    )

    assert list(Firm.objects.all()) == [firm]  # no firm made from the profile
    firm.refresh_from_db()
    assert (firm.name, firm.employees) == ("Bacanora La Sierra", 12)
    stored = Assessment.objects.get()
    assert (stored, stored.firm, stored.status) == (imported, firm, SUBMITTED)
    assert stored.employees == 12  # the snapshot is the given firm's, not the profile's
