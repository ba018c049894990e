"""The consultant's desk: firms, assessments, follow-ups and visits."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts.models import CohortAssessment, Enrolment
from diagnostic.models import Answer, Assessment
from tests.factories import PROFILE, SOCIAL_SELLER, make_firm, submit_answers

pytestmark = pytest.mark.django_db


def start(client, enrolment) -> Assessment:
    response = client.post(reverse("cohorts:assessment_new", kwargs={"pk": enrolment.pk}))
    linked = CohortAssessment.objects.filter(enrolment=enrolment).latest("created_at")
    assert response["Location"] == reverse(
        "diagnostic:resume", kwargs={"token": linked.assessment.token}
    )
    return linked.assessment


def test_a_consultant_adds_a_firm_that_is_assigned_to_them(client, world):
    client.force_login(world.ana)
    data = {
        **PROFILE,
        "name": "Panadería El Sol",
        "cohort": world.cohort.pk,
        "external_id": "SON-7",
    }
    response = client.post(reverse("cohorts:firm_new"), data)
    enrolment = Enrolment.objects.get(firm__name="Panadería El Sol")
    assert response["Location"] == reverse("cohorts:firm", kwargs={"pk": enrolment.pk})
    assert enrolment.consultant.user == world.ana
    assert enrolment.external_id == "SON-7"


def test_a_consultant_cannot_assign_a_firm_to_someone_else(client, world):
    client.force_login(world.ana)
    beto = world.beto_firm.consultant
    data = {**PROFILE, "cohort": world.cohort.pk, "consultant": beto.pk}
    response = client.post(reverse("cohorts:firm_new"), data)
    assert response.status_code == 200
    assert "error-summary" in response.text
    assert not Enrolment.objects.filter(firm__name=PROFILE["name"], consultant=beto).exists()


def test_the_baseline_then_a_follow_up_that_starts_from_the_last_answers(client, world, instrument):
    client.force_login(world.ana)
    baseline = start(client, world.ana_firm)
    assert baseline.firm == world.ana_firm.firm
    submit_answers(baseline, SOCIAL_SELLER)

    follow_up = start(client, world.ana_firm)
    kinds = list(world.ana_firm.assessments.values_list("kind", flat=True))
    assert kinds == ["baseline", "follow_up"]
    prefilled = dict(Answer.objects.filter(assessment=follow_up).values_list("item_code", "value"))
    assert prefilled["sales_channels"] == ["messaging_apps", "social_media"]


def test_one_assessment_in_progress_at_a_time(client, world, instrument):
    client.force_login(world.ana)
    start(client, world.ana_firm)
    response = client.post(reverse("cohorts:assessment_new", kwargs={"pk": world.ana_firm.pk}))
    assert response["Location"] == reverse("cohorts:firm", kwargs={"pk": world.ana_firm.pk})
    assert world.ana_firm.assessments.count() == 1


def test_the_firm_page_shows_the_stage_movement(client, world, instrument):
    client.force_login(world.ana)
    submit_answers(start(client, world.ana_firm), SOCIAL_SELLER)
    submit_answers(
        start(client, world.ana_firm),
        {**SOCIAL_SELLER, "sales_channels": ("social_media", "own_online_store")},
    )
    page = client.get(reverse("cohorts:firm", kwargs={"pk": world.ana_firm.pk})).text
    assert "de D a C" in page


def test_a_visit_is_logged_and_a_future_one_refused(client, world):
    client.force_login(world.ana)
    url = reverse("cohorts:visit_new", kwargs={"pk": world.ana_firm.pk})
    tomorrow = timezone.localdate() + timedelta(days=1)
    refused = client.post(url, {"day": tomorrow.isoformat(), "mode": "phone", "notes": "x"})
    assert refused.status_code == 200
    assert "no puede ser en el futuro" in refused.text
    client.post(
        url,
        {
            "day": timezone.localdate().isoformat(),
            "mode": "in_person",
            "hours": "2",
            "notes": "Catálogo listo",
        },
    )
    assert world.ana_firm.visits.get().notes == "Catálogo listo"


def test_the_desk_filters_by_status_and_name(client, world, instrument):
    client.force_login(world.maria)
    start(client, world.ana_firm)
    desk = reverse("cohorts:desk")
    in_progress = client.get(desk, {"status": "in_progress"}).text
    assert "Bacanora La Sierra" in in_progress and "Tortillería Doña Luz" not in in_progress
    not_started = client.get(desk, {"status": "not_started"}).text
    assert "Tortillería Doña Luz" in not_started and "Bacanora La Sierra" not in not_started
    assert "Tortillería" in client.get(desk, {"q": "tortill"}).text
    assert client.get(desk, {"status": "nonsense"}).status_code == 200


def test_the_next_page_of_the_desk_keeps_its_filters(client, world):
    for number in range(55):
        Enrolment.objects.create(
            cohort=world.cohort, firm=make_firm(name=f"Panadería {number:02}")
        )  # fmt: skip
    client.force_login(world.maria)
    desk = reverse("cohorts:desk")
    first = client.get(desk, {"q": "panadería", "status": "not_started", "page": "1"})
    assert 'href="?q=panader%C3%ADa&amp;status=not_started&amp;page=2"' in first.text
    second = client.get(desk, {"q": "panadería", "status": "not_started", "page": "2"})
    assert "Panadería 54" in second.text and "Tortillería Doña Luz" not in second.text


def test_the_desk_takes_the_same_queries_however_many_firms(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.maria)
    with django_assert_max_num_queries(8):
        client.get(reverse("cohorts:desk"))
    for number in range(30):
        Enrolment.objects.create(
            cohort=world.cohort,
            firm=world.ana_firm.firm.__class__.objects.create(
                **{**PROFILE, "name": f"Firma {number}"}
            ),
        )
    with django_assert_max_num_queries(8):
        client.get(reverse("cohorts:desk"))


def test_a_consultant_writes_a_note_on_an_item_and_sees_it_on_the_review(client, world, instrument):
    client.force_login(world.ana)
    assessment = start(client, world.ana_firm)
    step = reverse("diagnostic:step", kwargs={"token": assessment.token, "code": "readiness"})
    page = client.get(step).text
    assert 'name="internet_access__note"' in page
    client.post(
        step, {"internet_access": "mobile_unreliable", "internet_access__note": "Solo en la plaza"}
    )
    review = client.get(reverse("diagnostic:review", kwargs={"token": assessment.token})).text
    assert "Solo en la plaza" in review


def test_owners_are_not_asked_for_notes(client, instrument):
    from tests.factories import make_assessment

    assessment = make_assessment()
    page = client.get(
        reverse("diagnostic:step", kwargs={"token": assessment.token, "code": "readiness"})
    )
    assert "__note" not in page.text


def test_a_follow_up_asks_to_check_each_prefilled_answer(client, world, instrument):
    client.force_login(world.ana)
    submit_answers(start(client, world.ana_firm), SOCIAL_SELLER)
    follow_up = start(client, world.ana_firm)
    assert follow_up.prefilled
    page = client.get(
        reverse("diagnostic:step", kwargs={"token": follow_up.token, "code": "ecommerce"})
    ).text
    assert "vienen de la última evaluación" in page


def test_a_consultants_assessment_cannot_be_deleted_from_its_link(client, world, instrument):
    client.force_login(world.ana)
    assessment = start(client, world.ana_firm)
    client.logout()
    response = client.post(reverse("diagnostic:delete", kwargs={"token": assessment.token}))
    assert response.status_code == 404
    assert Assessment.objects.filter(pk=assessment.pk).exists()


def test_an_enrolled_firm_outlives_its_owners_deleted_self_assessment(world, instrument):
    from diagnostic.services import assessment_delete
    from tests.factories import make_assessment

    own = make_assessment(firm=world.ana_firm.firm)
    assessment_delete(assessment=own)
    assert Enrolment.objects.filter(pk=world.ana_firm.pk, firm__isnull=False).exists()


def test_a_follow_up_shows_progress_by_dimension_and_what_changed(client, world, instrument):
    client.force_login(world.ana)
    submit_answers(start(client, world.ana_firm), SOCIAL_SELLER)
    submit_answers(
        start(client, world.ana_firm),
        {**SOCIAL_SELLER, "sales_channels": ("social_media", "own_online_store")},
    )
    page = client.get(reverse("cohorts:firm", kwargs={"pk": world.ana_firm.pk})).text
    assert "<svg" in page and "progress-chart" in page
    assert "Qué cambió, respuesta por respuesta" in page
    assert "En nuestra propia tienda en línea" in page


def test_a_manager_exports_everything_held_about_one_firm(client, world, instrument):
    client.force_login(world.ana)
    assessment = start(client, world.ana_firm)
    submit_answers(assessment, SOCIAL_SELLER)
    client.force_login(world.maria)
    response = client.get(reverse("cohorts:firm_export", kwargs={"pk": world.ana_firm.pk}))
    data = response.json()
    assert data["firm"]["name"] == "Bacanora La Sierra"
    assert data["assessments"][0]["answers"]["sales_channels"] == ["messaging_apps", "social_media"]
    assert data["assessments"][0]["stage"] == "D"
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize("who", ["ana", "carlos", "otto"])
def test_only_a_manager_of_the_organisation_exports_a_firm(client, world, who):
    client.force_login(getattr(world, who))
    response = client.get(reverse("cohorts:firm_export", kwargs={"pk": world.ana_firm.pk}))
    assert response.status_code == 404


def test_the_roadmap_pdf_is_emailed_to_the_owner(
    client, world, instrument, django_capture_on_commit_callbacks
):
    from django.core import mail

    from recommendations.services import catalogue_load

    catalogue_load()
    client.force_login(world.ana)
    assessment = start(client, world.ana_firm)
    submit_answers(assessment, SOCIAL_SELLER)
    linked = CohortAssessment.objects.get(assessment=assessment)
    url = reverse("cohorts:email_roadmap", kwargs={"pk": world.ana_firm.pk, "linked_pk": linked.pk})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    message = mail.outbox[-1]
    assert message.to == ["duena@example.com"]
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("hoja-de-ruta-digital.pdf", "application/pdf")
    assert content.startswith(b"%PDF")


def test_another_consultant_cannot_email_a_roadmap(client, world, instrument):
    linked = CohortAssessment.objects.create(
        assessment=Assessment.objects.create(
            token="x" * 43, instrument_id=instrument.pk, language="es", firm=world.ana_firm.firm
        ),
        enrolment=world.ana_firm,
        kind="baseline",
    )
    client.force_login(world.beto)
    url = reverse("cohorts:email_roadmap", kwargs={"pk": world.ana_firm.pk, "linked_pk": linked.pk})
    assert client.post(url).status_code == 404


def test_the_consultant_can_send_the_result_and_roadmap_by_whatsapp(client, world, instrument):
    firm = world.ana_firm.firm
    firm.phone, firm.owner_name = "+526621234567", "Luz"
    firm.save()
    client.force_login(world.ana)
    linked = start(client, world.ana_firm)
    submit_answers(linked, SOCIAL_SELLER)

    page = client.get(reverse("cohorts:firm", kwargs={"pk": world.ana_firm.pk})).text

    assert "+52 662 123 4567" in page
    link = next(part for part in page.split('"') if part.startswith("https://wa.me/"))
    parts = urlsplit(link.replace("&amp;", "&"))
    assert parts.path == "/526621234567"
    message = parse_qs(parts.query)["text"][0]
    assert message.startswith("Hola Luz, aquí está el diagnóstico digital de Bacanora La Sierra")
    assert f"http://testserver/es/a/{linked.token}/result/" in message


def test_no_whatsapp_link_without_a_number(client, world, instrument):
    client.force_login(world.ana)
    submit_answers(start(client, world.ana_firm), SOCIAL_SELLER)

    page = client.get(reverse("cohorts:firm", kwargs={"pk": world.ana_firm.pk})).text

    assert "wa.me" not in page
