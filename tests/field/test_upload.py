"""Uploading an assessment made offline: stored once, submitted, scored again by the server."""

import json
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from cohorts.dashboards import Filters, dashboard
from cohorts.models import Cohort, CohortAssessment, Enrolment
from diagnostic.models import Assessment
from diagnostic.scoring import score_answers
from diagnostic.selectors import instrument_spec
from field import services
from field.models import OfflineAssessment
from tests.field.conftest import send, upload_body

pytestmark = pytest.mark.django_db


def signed_in(user, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def test_an_offline_assessment_is_stored_submitted_and_scored_again(world, current):
    body = upload_body(world.ana_firm, current)
    response = send(signed_in(world.ana), body)
    assert response.status_code == 201, response.content
    data = response.json()
    assessment = Assessment.objects.get(client_id=body["client_id"])
    assert assessment.is_submitted and assessment.assisted
    assert assessment.firm_id == world.ana_firm.firm_id
    assert assessment.instrument == current
    linked = CohortAssessment.objects.get(assessment=assessment)
    assert (linked.enrolment, linked.kind, linked.created_by) == (
        world.ana_firm,
        "baseline",
        world.ana,
    )
    assert data["assessment_id"] == assessment.pk
    assert data["client_id"] == body["client_id"]
    assert data["result"]["stage"] == "D" == assessment.stage
    assert data["result"]["stage_name"] == "Vendedor en redes sociales"
    assert data["result"]["overall"] == assessment.overall_score
    assert set(data["result"]["dimensions"]) == {
        d.code for d in instrument_spec(current).dimensions
    }
    assert data["result_url"] == f"/es/a/{assessment.token}/result/"
    assert data["desk_url"] == f"/es/desk/firms/{world.ana_firm.pk}/assessments/{linked.pk}/"
    assert data["conflicts"] == []
    assert data["client_result_matches"] is None
    record = OfflineAssessment.objects.get(assessment=assessment)
    assert record.uploaded_by == world.ana
    assert record.finished_at.isoformat()[:19] == body["finished_at"][:19]


def test_the_programme_dashboard_counts_the_firm(world, current):
    send(signed_in(world.ana), upload_body(world.ana_firm, current))
    enrolment = Enrolment.objects.get(pk=world.ana_firm.pk)
    assert enrolment.latest_result is not None and enrolment.latest_result_stage == "D"
    figures = dashboard(
        Cohort.objects.filter(pk=world.cohort.pk),
        Filters(),
        instrument_spec(current),
        small_cell=1,
    )
    assert (figures["enrolled"], figures["assessed"]) == (2, 1)
    assert dict(figures["stages"])["D"] == 1


def finished(moment: datetime) -> dict[str, str]:
    """An upload's times for a visit that ended at `moment`."""
    return {
        "started_at": (moment - timedelta(minutes=40)).isoformat(),
        "finished_at": moment.isoformat(),
    }


def test_an_assessment_sent_days_later_counts_from_when_the_phone_finished_it(world, current):
    Enrolment.objects.filter(pk=world.ana_firm.pk).update(
        created_at=timezone.now() - timedelta(days=60)
    )
    visit = timezone.now() - timedelta(days=9)
    body = upload_body(world.ana_firm, current, **finished(visit))

    send(signed_in(world.ana), body)

    assessment = Assessment.objects.get(client_id=body["client_id"])
    assert assessment.submitted_at == visit
    cohorts = Cohort.objects.filter(pk=world.cohort.pk)
    spec = instrument_spec(current)
    that_day = Filters(submitted_from=visit.date(), submitted_to=visit.date())
    assert dashboard(cohorts, that_day, spec, small_cell=0)["assessed"] == 1
    since = Filters(submitted_from=(visit + timedelta(days=1)).date())
    assert dashboard(cohorts, since, spec, small_cell=0)["assessed"] == 0


@pytest.mark.parametrize(
    "clock",
    ["ahead", "reset", "before the firm joined", "before the result it was based on"],
)
def test_a_phone_clock_that_cannot_be_right_gives_way_to_when_the_upload_came(
    world, current, clock
):
    now = timezone.now()
    Enrolment.objects.filter(pk=world.ana_firm.pk).update(created_at=now - timedelta(days=20))
    based_on = None
    if clock == "before the result it was based on":
        baseline = upload_body(world.ana_firm, current, **finished(now - timedelta(days=5)))
        send(signed_in(world.ana), baseline)
        based_on = Assessment.objects.get(client_id=baseline["client_id"]).pk
    visit = {
        "ahead": now + timedelta(hours=3),
        "reset": datetime(2001, 1, 1, tzinfo=now.tzinfo),
        "before the firm joined": now - timedelta(days=21),
        "before the result it was based on": now - timedelta(days=6),
    }[clock]
    kind = "baseline" if based_on is None else "follow_up"
    body = upload_body(world.ana_firm, current, kind=kind, based_on=based_on, **finished(visit))

    response = send(signed_in(world.ana), body)

    assert response.status_code == 201, response.content
    assessment = Assessment.objects.get(client_id=body["client_id"])
    assert now <= assessment.submitted_at <= timezone.now()
    # The phone's own time is kept with the upload.
    assert OfflineAssessment.objects.get(assessment=assessment).finished_at == visit


def test_the_firms_profile_found_on_the_visit_is_kept_scored_with_and_becomes_the_firms(
    world, current
):
    firm = world.ana_firm.firm
    firm.refresh_from_db()
    before = (firm.employees, firm.annual_turnover)
    answers = {**upload_body(world.ana_firm, current)["answers"], "digital_training_hours": 12}
    found = {
        "employees": before[0] + 3,
        "annual_turnover": "480000.50",
        "formally_registered": True,
    }
    body = upload_body(world.ana_firm, current, answers=answers, profile=found)

    assert send(signed_in(world.ana), body).status_code == 201

    assessment = Assessment.objects.get(client_id=body["client_id"])
    assert (assessment.employees, assessment.annual_turnover) == (
        before[0] + 3,
        Decimal("480000.50"),
    )
    # Hours of training count per person: scored with the people found on the visit.
    spec = instrument_spec(current)
    cleaned = {code: tuple(v) if isinstance(v, list) else v for code, v in answers.items()}
    visit = score_answers(spec, cleaned, people=before[0] + 3)
    assert assessment.overall_score == visit.overall.value
    assert visit.overall.value != score_answers(spec, cleaned, people=before[0]).overall.value
    firm.refresh_from_db()
    assert (firm.employees, firm.annual_turnover) == (before[0] + 3, Decimal("480000.50"))
    assert firm.formally_registered is True
    enrolment = Enrolment.objects.get(pk=world.ana_firm.pk)
    assert enrolment.latest_result_employees == before[0] + 3


def test_figures_of_a_visit_older_than_the_firms_latest_result_stay_with_that_assessment(
    world, current
):
    Enrolment.objects.filter(pk=world.ana_firm.pk).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    firm = world.ana_firm.firm
    newer = upload_body(world.ana_firm, current, **finished(timezone.now() - timedelta(days=1)))
    send(signed_in(world.ana), newer)
    firm.refresh_from_db()
    current_figures = (firm.employees, firm.annual_turnover, firm.exports)
    older = upload_body(
        world.ana_firm,
        current,
        kind="follow_up",
        profile={"employees": 40, "annual_turnover": None, "exports": True},
        **finished(timezone.now() - timedelta(days=8)),
    )

    assert send(signed_in(world.ana), older).status_code == 201

    assert Assessment.objects.get(client_id=older["client_id"]).employees == 40
    firm.refresh_from_db()
    assert (firm.employees, firm.annual_turnover, firm.exports) == current_figures


def test_the_same_upload_with_other_figures_is_refused_as_another_assessment(world, current):
    ana = signed_in(world.ana)
    body = upload_body(world.ana_firm, current, profile={"employees": 5})
    assert send(ana, body).status_code == 201
    assert send(ana, body).status_code == 200
    changed = send(ana, {**body, "profile": {"employees": 7}})
    assert changed.status_code == 409
    assert Assessment.objects.get(client_id=body["client_id"]).employees == 5


def test_the_phones_result_is_kept_and_compared_with_the_servers(world, current):
    client = signed_in(world.ana)
    first = send(client, upload_body(world.ana_firm, current)).json()["result"]
    phone = {
        "stage": first["stage"],
        "overall": first["overall"],
        "dimensions": first["dimensions"],
    }
    same = send(client, upload_body(world.ana_firm, current, client_result=phone)).json()
    wrong = send(
        client, upload_body(world.ana_firm, current, client_result={**phone, "stage": "C"})
    ).json()
    assert (same["client_result_matches"], wrong["client_result_matches"]) == (True, False)
    record = OfflineAssessment.objects.get(assessment_id=wrong["assessment_id"])
    assert record.client_result["stage"] == "C" and record.result_matches is False


def test_sending_the_same_upload_again_returns_the_same_assessment(world, current):
    client = signed_in(world.ana)
    body = upload_body(world.ana_firm, current)
    first, again = send(client, body), send(client, body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()
    assert Assessment.objects.filter(client_id=body["client_id"]).count() == 1
    assert CohortAssessment.objects.filter(enrolment=world.ana_firm).count() == 1


def test_the_database_decides_between_two_uploads_sent_at_once(world, current, monkeypatch):
    """The second of two simultaneous uploads finds nothing on its first look, tries to store
    the same client_id, and is answered with the first one's assessment."""
    client = signed_in(world.ana)
    body = upload_body(world.ana_firm, current)
    first = send(client, body)
    looks = []
    real_lookup = services.assessment_by_client_id

    def not_there_yet(client_id):
        looks.append(client_id)
        return None if len(looks) == 1 else real_lookup(client_id)

    monkeypatch.setattr(services, "assessment_by_client_id", not_there_yet)
    again = send(client, body)
    assert len(looks) == 2  # before trying, and after the unique client_id refused it
    assert again.status_code == 200 and again.json() == first.json()
    assert Assessment.objects.filter(client_id=body["client_id"]).count() == 1
    assert CohortAssessment.objects.filter(enrolment=world.ana_firm).count() == 1


def test_the_same_client_id_with_other_answers_is_a_conflict(world, current):
    client = signed_in(world.ana)
    body = upload_body(world.ana_firm, current)
    send(client, body)
    changed = {**body, "answers": {**body["answers"], "internet_access": "fixed_broadband"}}
    response = send(client, changed)
    assert response.status_code == 409
    assert response.json()["error"] == "client_id_taken"
    assert Assessment.objects.filter(client_id=body["client_id"]).count() == 1


def test_the_same_client_id_from_another_person_is_a_conflict(world, current):
    body = upload_body(world.ana_firm, current)
    send(signed_in(world.ana), body)
    theirs = upload_body(world.beto_firm, current, client_id=body["client_id"])
    response = send(signed_in(world.beto), theirs)
    assert response.status_code == 409
    assert "Bacanora" not in response.content.decode()
    assert not CohortAssessment.objects.filter(enrolment=world.beto_firm).exists()


def test_bad_answers_are_refused_with_every_problem_in_spanish(world, current):
    body = upload_body(
        world.ana_firm,
        current,
        answers={
            "internet_access": "by_pigeon",
            "sales_channels": "messaging_apps",
            "no_such_question": "yes",
        },
    )
    response = send(signed_in(world.ana), body, language="es")
    assert response.status_code == 400
    data = response.json()
    assert data["error"] == "invalid"
    problems = {problem["field"]: problem for problem in data["problems"]}
    assert problems["answers.no_such_question"]["code"] == "unknown_item"
    assert problems["answers.no_such_question"]["message"] == (
        "No hay ninguna pregunta con el código “no_such_question”."
    )
    assert problems["answers.internet_access"]["code"] == "unknown_option"
    assert "no es una respuesta" in problems["answers.internet_access"]["message"]
    assert problems["answers.sales_channels"]["code"] == "not_a_list"
    assert not Assessment.objects.filter(client_id=body["client_id"]).exists()
    assert not CohortAssessment.objects.exists()


def test_a_malformed_upload_is_refused_in_json(world, current):
    client = signed_in(world.ana)
    not_json = send(client, "{not json")
    assert not_json.status_code == 400 and not_json.json()["error"] == "not_json"
    wrong = send(client, upload_body(world.ana_firm, current, client_id="1234", kind="annual"))
    assert wrong.status_code == 400
    assert {problem["code"] for problem in wrong.json()["problems"]} == {
        "invalid_uuid",
        "invalid_kind",
    }
    assert not Assessment.objects.exists()


def test_an_upload_built_to_hurt_gets_a_400_not_a_500(world, current):
    client = signed_in(world.ana)
    nested = send(client, "[" * 100_000 + "]" * 100_000)
    assert nested.status_code == 400 and nested.json()["error"] == "not_json"
    many = upload_body(world.ana_firm, current, answers={f"q{n}": "x" for n in range(500)})
    response = send(client, many)
    assert response.status_code == 400
    assert response.json()["count"] == 500 and len(response.json()["problems"]) == 100


def test_a_questionnaire_that_changed_since_the_download_is_refused(world, current):
    body = upload_body(
        world.ana_firm, current, instrument={"code": current.code, "checksum": "0" * 64}
    )
    response = send(signed_in(world.ana), body)
    assert response.status_code == 400
    assert response.json()["problems"][0]["code"] == "instrument_changed"


def test_a_firm_the_consultant_does_not_assess_is_not_found_like_an_unknown_one(world, current):
    client = signed_in(world.ana)
    bodies = [
        upload_body(world.beto_firm, current),
        upload_body(world.otto_firm, current),
        upload_body(world.ana_firm, current, firm_id=999_999, enrolment_id=None),
    ]
    responses = [send(client, body) for body in bodies]
    assert [response.status_code for response in responses] == [404, 404, 404]
    assert responses[0].json()["error"] == "not_found"
    assert responses[0].json() == responses[1].json() == responses[2].json()
    assert not Assessment.objects.exists()


def test_a_firm_id_that_does_not_match_its_enrolment_is_not_found(world, current):
    body = upload_body(world.ana_firm, current, firm_id=world.beto_firm.firm_id)
    assert send(signed_in(world.ana), body).status_code == 404


@pytest.mark.parametrize("who", ["maria", "carlos"])
def test_only_consultants_upload(world, current, who):
    response = send(signed_in(getattr(world, who)), upload_body(world.ana_firm, current))
    assert response.status_code == 403
    assert response.json()["error"] == "not_a_consultant"
    assert not Assessment.objects.exists()


def test_uploads_need_the_security_token_from_the_bundle(world, current):
    client = signed_in(world.ana, enforce_csrf_checks=True)
    body = json.dumps(upload_body(world.ana_firm, current))
    refused = client.post("/es/desk/field/assessments/", data=body, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["error"] == "csrf_failed"
    assert not Assessment.objects.exists()
    token = client.get("/es/desk/field/bundle.json").json()["csrf_token"]
    accepted = client.post(
        "/es/desk/field/assessments/",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert accepted.status_code == 201


def test_someone_signed_out_is_told_in_json(world, current):
    response = send(Client(), upload_body(world.ana_firm, current))
    assert response.status_code == 403
    assert response.json()["error"] == "not_signed_in"


def test_a_consultant_sending_too_many_is_asked_in_json_to_wait_and_nothing_is_stored(
    world, current, settings
):
    from django.core.cache import cache

    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "field_upload": "2/h"}
    ana = signed_in(world.ana)
    first = upload_body(world.ana_firm, current)
    assert send(ana, first).status_code == 201
    assert send(ana, first).status_code == 200  # a retry counts as well
    other = upload_body(world.ana_firm, current, kind="follow_up")

    response = send(ana, other)

    assert response.status_code == 429
    assert response.json() == {
        "error": "too_many_requests",
        "message": "Demasiadas evaluaciones enviadas por ahora: "
        "la aplicación las vuelve a enviar más tarde.",
    }
    assert 0 < int(response["Retry-After"]) <= 3600
    assert not Assessment.objects.filter(client_id=other["client_id"]).exists()
    assert Assessment.objects.filter(client_id=first["client_id"]).exists()
    # Counted per person: a colleague's upload is not held up.
    assert send(signed_in(world.beto), upload_body(world.beto_firm, current)).status_code == 201
