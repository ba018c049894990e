"""Each person reaches only the firms that are theirs: in the queries, proven by trying."""

import io

import openpyxl
import pytest
from django.urls import reverse
from pypdf import PdfReader

from cohorts.models import CohortReport, Invitation, Membership, Role
from cohorts.selectors import enrolments_for_user
from tests.cohorts.conftest import prepared_workbook

pytestmark = pytest.mark.django_db


def names(user) -> set[str]:
    return {enrolment.firm.name for enrolment in enrolments_for_user(user)}


def test_a_consultant_sees_only_the_firms_assigned_to_them(world):
    assert names(world.ana) == {"Bacanora La Sierra"}
    assert names(world.beto) == {"Tortillería Doña Luz"}


def test_a_coordinator_sees_their_team_firms(world):
    assert names(world.carlos) == {"Bacanora La Sierra"}


def test_a_manager_sees_their_whole_organisation_and_nothing_else(world):
    assert names(world.maria) == {"Bacanora La Sierra", "Tortillería Doña Luz"}
    assert names(world.otto) == {"Talavera Poblana"}


@pytest.mark.parametrize("who", ["beto", "carlos_other", "otto"])
@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "cohorts:firm"), ("post", "cohorts:assessment_new"), ("post", "cohorts:visit_new")],
)
def test_another_persons_firm_is_not_found(client, world, who, method, name):
    target = world.ana_firm if who != "carlos_other" else world.beto_firm
    user = {"beto": world.beto, "carlos_other": world.carlos, "otto": world.otto}[who]
    client.force_login(user)
    response = getattr(client, method)(reverse(name, kwargs={"pk": target.pk}))
    assert response.status_code == 404
    assert not target.assessments.exists()
    assert not target.visits.exists()


def test_a_guessed_firm_number_is_not_found(client, world):
    client.force_login(world.ana)
    assert client.get(reverse("cohorts:firm", kwargs={"pk": 99999})).status_code == 404


@pytest.mark.parametrize("name", ["cohorts:review", "cohorts:correct", "cohorts:email_roadmap"])
def test_an_assessment_is_found_only_under_its_own_firm(client, world, instrument, name):
    """María sees both firms of her cohort, yet one firm's assessment under the other's
    address is not found (found, each would answer with a message and a redirect)."""
    from cohorts.models import ReviewEvent
    from cohorts.services import cohort_assessment_start

    linked = cohort_assessment_start(enrolment=world.beto_firm, user=world.beto, language="es")
    client.force_login(world.maria)
    url = reverse(name, kwargs={"pk": world.ana_firm.pk, "linked_pk": linked.pk})
    assert client.post(url, {"action": "reviewed"}).status_code == 404
    assert not ReviewEvent.objects.exists() and world.beto_firm.assessments.count() == 1


def test_people_not_signed_in_are_sent_to_log_in(client, world):
    response = client.get(reverse("cohorts:firm", kwargs={"pk": world.ana_firm.pk}))
    assert response.status_code == 302
    assert reverse("cohorts:login") in response["Location"]


@pytest.mark.parametrize("who", ["ana", "carlos"])
def test_only_managers_invite(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("cohorts:invite")).status_code == 404


def test_the_desk_lists_only_your_firms(client, world):
    client.force_login(world.ana)
    page = client.get(reverse("cohorts:desk")).text
    assert "Bacanora La Sierra" in page
    assert "Tortillería Doña Luz" not in page and "Talavera Poblana" not in page


# A manager of two organisations chooses which one they work on


def test_a_manager_of_two_organisations_reports_on_the_second(
    client, rosa, django_capture_on_commit_callbacks
):
    client.force_login(rosa.rosa)
    one_cohort = {"organisation": rosa.puebla.pk, "cohort": rosa.puebla_cohort.pk}
    with django_capture_on_commit_callbacks():
        response = client.post(reverse("cohorts:report_new"), one_cohort)
        all_cohorts = client.post(reverse("cohorts:report_new"), {"organisation": rosa.puebla.pk})
    assert response.status_code == all_cohorts.status_code == 302
    assert [
        (report.organisation, report.cohort) for report in CohortReport.objects.order_by("pk")
    ] == [
        (rosa.puebla, rosa.puebla_cohort),
        (rosa.puebla, None),
    ]


def test_a_manager_of_two_organisations_sees_the_dashboard_of_the_one_chosen(client, rosa):
    client.force_login(rosa.rosa)
    # Without a choice, the first by name (Cámara de Comercio de Puebla), and the choice.
    first = client.get(reverse("cohorts:dashboard")).text
    assert "Puebla Digital" in first and "Pueblos Digitales 2026" not in first
    assert rosa.sonora.name in first
    chosen = client.get(reverse("cohorts:dashboard"), {"organisation": rosa.sonora.pk}).text
    assert "Pueblos Digitales 2026" in chosen and "Puebla Digital" not in chosen


def test_a_manager_of_two_organisations_invites_to_the_one_chosen(client, rosa):
    client.force_login(rosa.rosa)
    invite = reverse("cohorts:invite") + f"?organisation={rosa.puebla.pk}"
    page = client.get(invite).text
    assert rosa.puebla.name in page and "Pablo" in page and "Carlos" not in page
    response = client.post(
        invite,
        {
            "organisation": rosa.puebla.pk,
            "email": "nueva@example.org",
            "role": Role.CONSULTANT,
            "coordinator": rosa.pablo.pk,
        },
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.organisation, invitation.coordinator) == (rosa.puebla, rosa.pablo)


def test_a_coordinator_of_the_other_organisation_is_not_offered(client, rosa):
    client.force_login(rosa.rosa)
    carlos = Membership.objects.get(user__username="carlos")
    response = client.post(
        reverse("cohorts:invite"),
        {
            "organisation": rosa.puebla.pk,
            "email": "nueva@example.org",
            "role": Role.CONSULTANT,
            "coordinator": carlos.pk,
        },
    )
    assert response.status_code == 200
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("organisation", ["sonora", "abc", "99999", "9" * 30])
@pytest.mark.parametrize(
    ("method", "name"),
    [("get", "cohorts:dashboard"), ("get", "cohorts:invite"), ("post", "cohorts:report_new")],
)
def test_an_organisation_one_does_not_manage_is_not_found(
    client, world, organisation, method, name
):
    client.force_login(world.otto)
    value = world.cohort.organisation.pk if organisation == "sonora" else organisation
    response = getattr(client, method)(reverse(name), {"organisation": value})
    assert response.status_code == 404
    assert not CohortReport.objects.exists()


def test_a_manager_of_two_organisations_must_name_one_to_act(client, rosa):
    client.force_login(rosa.rosa)
    invitation = {"email": "nueva@example.org", "role": Role.CONSULTANT}
    assert client.post(reverse("cohorts:report_new")).status_code == 404
    assert client.post(reverse("cohorts:invite"), invitation).status_code == 404
    assert not CohortReport.objects.exists() and not Invitation.objects.exists()


# An owner's own diagnostic (joined with the cohort's code): the programme sees it, read-only.


@pytest.fixture
def joined(world, instrument):
    """Rosa joined Sonora's cohort with its code and saved her first answers."""
    from cohorts.forms import consent_text
    from cohorts.services import cohort_join
    from tests.factories import PROFILE, save_answers

    profile = {**PROFILE, "name": "Dulces Doña Rosa", "contact_email": "rosa@example.com"}
    assessment = cohort_join(
        cohort=world.cohort, profile=profile, consent_text=consent_text(world.cohort), language="es"
    )
    save_answers(assessment, {"internet_access": "mobile_reliable"})
    return assessment


def owner_url(name: str, assessment, **kwargs) -> str:
    return reverse(name, kwargs={"token": assessment.token, **kwargs})


def rosas_firm(world):
    from cohorts.models import Enrolment

    return Enrolment.objects.get(firm__name="Dulces Doña Rosa")


def test_no_staff_page_or_download_shows_an_owners_link(client, world, joined):
    from tests.factories import SOCIAL_SELLER, submit_answers

    submit_answers(joined, SOCIAL_SELLER)
    enrolment = rosas_firm(world)
    client.force_login(world.maria)
    pages = [
        client.get(reverse("cohorts:firm", kwargs={"pk": enrolment.pk})),
        client.get(reverse("cohorts:firm_export", kwargs={"pk": enrolment.pk})),
        client.get(reverse("cohorts:desk")),
        client.get(reverse("cohorts:dashboard")),
        client.get(reverse("cohorts:export_csv", kwargs={"cohort_pk": world.cohort.pk})),
    ]
    for page in pages:
        assert page.status_code == 200
        body = b"".join(page.streaming_content) if page.streaming else page.content
        assert joined.token.encode() not in body
    book = openpyxl.load_workbook(io.BytesIO(prepared_workbook(client, world.cohort)))
    cells = [str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row]
    assert not any(joined.token in cell for cell in cells)
    book.close()


def test_a_manager_cannot_change_an_owners_diagnostic_with_its_link(client, world, joined):
    from diagnostic.models import Answer, Assessment, OutboundEmail
    from tests.factories import PROFILE

    client.force_login(world.maria)
    token = joined.token
    client.post(owner_url("diagnostic:step", joined, code="readiness"), {"internet_access": "none"})
    client.post(
        owner_url("diagnostic:profile", joined), {**PROFILE, "contact_email": "maria@example.org"}
    )
    client.post(owner_url("diagnostic:email_link", joined))
    client.post(owner_url("diagnostic:new_link", joined))
    client.post(owner_url("diagnostic:delete", joined))

    assert Answer.objects.get(assessment=joined).value == "mobile_reliable"
    assert Assessment.objects.get(pk=joined.pk).firm.contact_email == "rosa@example.com"
    assert not OutboundEmail.objects.exists()
    assert Assessment.objects.get(pk=joined.pk).token == token
    assert Assessment.objects.filter(pk=joined.pk).exists()


def test_a_manager_opening_an_owners_link_is_sent_to_the_read_only_desk_page(client, world, joined):
    from cohorts.models import CohortAssessment

    client.force_login(world.maria)
    response = client.get(owner_url("diagnostic:step", joined, code="readiness"))
    linked = CohortAssessment.objects.get(assessment=joined)
    assert response["Location"] == reverse(
        "cohorts:assessment", kwargs={"pk": linked.enrolment_id, "linked_pk": linked.pk}
    )


def test_the_owner_still_changes_their_own_diagnostic(client, world, joined):
    from diagnostic.models import Answer

    client.post(owner_url("diagnostic:step", joined, code="readiness"), {"internet_access": "none"})
    assert Answer.objects.get(assessment=joined).value == "none"


def test_staff_read_an_owners_answers_result_and_roadmap_on_the_desk(client, world, joined):
    from cohorts.models import CohortAssessment
    from recommendations.services import catalogue_load
    from tests.factories import SOCIAL_SELLER, submit_answers

    catalogue_load()
    submit_answers(joined, SOCIAL_SELLER)
    linked = CohortAssessment.objects.get(assessment=joined)
    kwargs = {"pk": linked.enrolment_id, "linked_pk": linked.pk}
    client.force_login(world.maria)
    firm_page = client.get(reverse("cohorts:firm", kwargs={"pk": linked.enrolment_id})).text
    assert reverse("cohorts:assessment", kwargs=kwargs) in firm_page
    page = client.get(reverse("cohorts:assessment", kwargs=kwargs))
    assert page.status_code == 200
    assert "En redes sociales, incluidos Facebook Marketplace" in page.text  # one of her answers
    assert joined.token not in page.text
    roadmap = client.get(reverse("cohorts:assessment_roadmap", kwargs=kwargs))
    assert roadmap.status_code == 200
    assert "Dulces Doña Rosa" in roadmap.text
    assert joined.token not in roadmap.text
    pdf = client.get(reverse("cohorts:assessment_roadmap_pdf", kwargs=kwargs))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Dulces Doña Rosa" in text
    assert "/a/" not in text  # no link to her result, nor its QR code


@pytest.mark.parametrize("who", ["beto", "otto"])
def test_an_owners_diagnostic_on_the_desk_is_not_found_for_others(client, world, joined, who):
    from cohorts.models import CohortAssessment

    linked = CohortAssessment.objects.get(assessment=joined)
    kwargs = {"pk": linked.enrolment_id, "linked_pk": linked.pk}
    client.force_login(getattr(world, who))
    assert client.get(reverse("cohorts:assessment", kwargs=kwargs)).status_code == 404
    assert client.get(reverse("cohorts:assessment_roadmap", kwargs=kwargs)).status_code == 404


# A consultant-run draft: rights come from the organisation as it is now.


def test_a_consultant_removed_from_the_organisation_can_no_longer_open_or_save_their_draft(
    client, world, instrument
):
    from cohorts.models import Membership
    from cohorts.services import cohort_assessment_start
    from diagnostic.models import Answer

    linked = cohort_assessment_start(enrolment=world.beto_firm, user=world.ana, language="es")
    Membership.objects.filter(user=world.ana).delete()
    client.force_login(world.ana)
    step = owner_url("diagnostic:step", linked.assessment, code="readiness")
    assert client.get(step).status_code == 404
    client.post(step, {"internet_access": "none"})
    assert not Answer.objects.filter(assessment=linked.assessment).exists()


def test_the_consultant_of_the_firm_still_saves_the_draft(client, world, instrument):
    from cohorts.services import cohort_assessment_start
    from diagnostic.models import Answer

    linked = cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    client.force_login(world.ana)
    step = owner_url("diagnostic:step", linked.assessment, code="readiness")
    client.post(step, {"internet_access": "none"})
    assert Answer.objects.get(assessment=linked.assessment).value == "none"


def test_an_anonymous_link_holder_cannot_make_a_new_link_for_a_consultants_draft(
    client, world, instrument
):
    from cohorts.services import cohort_assessment_start

    linked = cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    token = linked.assessment.token
    client.post(owner_url("diagnostic:new_link", linked.assessment))
    linked.assessment.refresh_from_db()
    assert linked.assessment.token == token


def test_a_manager_cannot_return_an_owners_diagnostic_to_draft(client, world, joined):
    from cohorts.models import CohortAssessment
    from diagnostic.models import Assessment
    from tests.factories import SOCIAL_SELLER, submit_answers

    submit_answers(joined, SOCIAL_SELLER)
    linked = CohortAssessment.objects.get(assessment=joined)
    client.force_login(world.maria)
    client.post(
        reverse("cohorts:review", kwargs={"pk": linked.enrolment_id, "linked_pk": linked.pk}),
        {"action": "return", "comment": "Cambie la respuesta"},
    )
    assert Assessment.objects.get(pk=joined.pk).is_submitted


def test_staff_cannot_email_the_roadmap_of_an_owners_own_diagnostic(client, world, joined):
    from cohorts.models import CohortAssessment
    from diagnostic.models import OutboundEmail
    from tests.factories import SOCIAL_SELLER, submit_answers

    submit_answers(joined, SOCIAL_SELLER)
    linked = CohortAssessment.objects.get(assessment=joined)
    client.force_login(world.maria)
    url = reverse(
        "cohorts:email_roadmap", kwargs={"pk": linked.enrolment_id, "linked_pk": linked.pk}
    )
    assert client.post(url).status_code == 404
    assert not OutboundEmail.objects.exists()
