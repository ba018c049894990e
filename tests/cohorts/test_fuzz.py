"""Whatever a person sends to the desk, dashboard, exports and imports, the answer is never a 500.

Hypothesis fills every form and query parameter of each view with arbitrary text (NUL bytes,
unicode, huge numbers, lists of values), signed in as María (manager), Carlos (coordinator)
Ana (consultant), Otto (of another organisation) or Rosa (manager of two organisations). A
refused request leaves everything stored as it was.
"""

import os
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cohorts.forms import consent_text
from cohorts.models import CohortReport, DataExport, ImportJob
from cohorts.services import assessment_mark_reviewed, cohort_assessment_start, cohort_join
from diagnostic.forms import ProfileForm
from tests.factories import PROFILE, SOCIAL_SELLER, submit_answers

pytestmark = pytest.mark.django_db

PROFILE_FIELDS = tuple(ProfileForm.Meta.fields)
DASHBOARD_FILTERS = (
    "organisation", "cohort", "settlement", "women_led", "sector", "size", "region", "consultant",
    "submitted_from", "submitted_to",
)  # fmt: skip

# One text: anything printable or not (no lone surrogates: they cannot be sent as UTF-8).
ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
AWKWARD = st.sampled_from(
    [
        "", "abc", "0", "-1", "1.5", "1e400", "NaN", "inf", "\x00", "1\x00", "٣", "²",
        "9" * 30, "-" + "9" * 30, "2026-02-30", "99999-01-01", "0000-00-00", "true", "[]",
        "<script>", "' OR 1=1 --", "ﷺ" * 50, "a" * 5000,
    ]
)  # fmt: skip
HUGE_NUMBER = st.integers(min_value=-(10**40), max_value=10**40).map(str)
# Values the forms accept, so that mixed with the others the deeper code runs too.
PLAUSIBLE = st.one_of(
    st.integers(min_value=0, max_value=30).map(str),
    st.sampled_from(
        [
            "rural", "agrifood", "micro", "yes", "no", "in_person", "reviewed", "return",
            "consultant", "coordinator", "MX", "MXN", "2026-01-15", "1", "json", "on",
            "in_progress", "Sonora", "nueva@example.org",
        ]
    ),
)  # fmt: skip
VALUE = st.one_of(ANY_TEXT, AWKWARD, HUGE_NUMBER, PLAUSIBLE)
# A parameter left out, given once, or given several times (?cohort=1&cohort=x).
PARAMETER = st.one_of(st.none(), VALUE, st.lists(VALUE, min_size=2, max_size=3))
PK = st.integers(min_value=0, max_value=10**30)

FUZZ = settings(
    max_examples=25,
    deadline=None,
    # The scene is built once per endpoint and shared by its examples on purpose: a refused
    # request must leave it as it was, which the test checks after each one.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@dataclass
class Endpoint:
    method: str
    name: str
    parameters: tuple[str, ...] = ()
    # URL arguments: the name of a real object of the scene, fuzzed now and then.
    kwargs: dict[str, str] = field(default_factory=dict)
    upload: bool = False


ENDPOINTS = [
    Endpoint("get", "cohorts:desk", ("q", "cohort", "status", "page")),
    Endpoint("get", "cohorts:firm_new", ("cohort",)),
    Endpoint("post", "cohorts:firm_new", ("cohort", "consultant", "external_id", *PROFILE_FIELDS)),
    Endpoint("get", "cohorts:firm", kwargs={"pk": "enrolment"}),
    Endpoint("post", "cohorts:assessment_new", kwargs={"pk": "enrolment"}),
    Endpoint("post", "cohorts:visit_new", ("day", "mode", "notes"), {"pk": "enrolment"}),
    Endpoint(
        "post", "cohorts:review", ("action", "comment"), {"pk": "enrolment", "linked_pk": "linked"}
    ),
    Endpoint("post", "cohorts:correct", kwargs={"pk": "enrolment", "linked_pk": "linked"}),
    Endpoint("get", "cohorts:firm_export", kwargs={"pk": "enrolment"}),
    Endpoint("get", "cohorts:assessment", kwargs={"pk": "joined_enrolment", "linked_pk": "joined"}),
    Endpoint(
        "get",
        "cohorts:assessment_roadmap",
        kwargs={"pk": "joined_enrolment", "linked_pk": "joined"},
    ),
    Endpoint(
        "get",
        "cohorts:assessment_roadmap_pdf",
        kwargs={"pk": "joined_enrolment", "linked_pk": "joined"},
    ),
    Endpoint("post", "cohorts:email_roadmap", kwargs={"pk": "enrolment", "linked_pk": "linked"}),
    Endpoint("get", "cohorts:invite", ("organisation",)),
    Endpoint("post", "cohorts:invite", ("organisation", "email", "role", "coordinator")),
    Endpoint("get", "cohorts:dashboard", DASHBOARD_FILTERS),
    Endpoint("post", "cohorts:report_new", DASHBOARD_FILTERS),
    Endpoint("get", "cohorts:report", ("format",), {"pk": "report"}),
    Endpoint("post", "cohorts:report_again", kwargs={"pk": "report"}),
    Endpoint("get", "cohorts:report_download", kwargs={"pk": "report"}),
    Endpoint("get", "cohorts:exports", kwargs={"cohort_pk": "cohort"}),
    Endpoint("get", "cohorts:export_csv", ("pseudonymised",), {"cohort_pk": "cohort"}),
    Endpoint("post", "cohorts:workbook_new", ("pseudonymised",), {"cohort_pk": "cohort"}),
    Endpoint("get", "cohorts:workbook", ("format",), {"pk": "workbook"}),
    Endpoint("post", "cohorts:workbook_again", kwargs={"pk": "workbook"}),
    Endpoint("get", "cohorts:workbook_download", kwargs={"pk": "workbook"}),
    Endpoint("get", "cohorts:export_codebook", ("pseudonymised",), {"cohort_pk": "cohort"}),
    Endpoint("get", "cohorts:import_new", kwargs={"cohort_pk": "cohort"}),
    Endpoint("post", "cohorts:import_new", ("file",), {"cohort_pk": "cohort"}, upload=True),
    Endpoint("get", "cohorts:import_template"),
    Endpoint("get", "cohorts:import_status", ("format",), {"job_pk": "job"}),
    Endpoint("post", "cohorts:import_again", kwargs={"job_pk": "job"}),
]


@pytest.fixture
def scene(world, rosa, instrument, tmp_path, settings):
    """The named people signed in, and one of each thing the views take by number."""
    settings.MEDIA_ROOT = tmp_path
    linked = cohort_assessment_start(enrolment=world.ana_firm, user=world.ana, language="es")
    submit_answers(linked.assessment, SOCIAL_SELLER)
    assessment_mark_reviewed(linked=linked, actor=world.carlos)
    organisation = world.cohort.organisation
    joined = cohort_join(
        cohort=world.cohort,
        profile={**PROFILE, "name": "Dulces Doña Rosa"},
        consent_text=consent_text(world.cohort),
        language="es",
    )
    submit_answers(joined, SOCIAL_SELLER)
    objects = {
        "enrolment": world.ana_firm.pk,
        "linked": linked.pk,
        "joined_enrolment": joined.cohort_link.enrolment_id,
        "joined": joined.cohort_link.pk,
        "cohort": world.cohort.pk,
        "report": CohortReport.objects.create(
            organisation=organisation, language="es", requested_by=world.maria
        ).pk,
        "workbook": DataExport.objects.create(
            cohort=world.cohort, language="es", requested_by=world.maria
        ).pk,
        "job": ImportJob.objects.create(
            cohort=world.cohort, created_by=world.maria, file_format="csv"
        ).pk,
    }
    clients = {}
    for person in (world.maria, world.carlos, world.ana, world.otto, rosa.rosa):
        client = Client(raise_request_exception=False)
        client.force_login(person)
        clients[person.username] = client
    return clients, objects


def stored() -> dict[str, int]:
    """How many rows each table of the project holds."""
    return {
        model._meta.label: model._default_manager.count()
        for app in ("cohorts", "diagnostic", "recommendations")
        for model in apps.get_app_config(app).get_models()
    }


@FUZZ
@given(data=st.data())
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method}-{e.name}")
def test_no_parameter_makes_a_view_fail(scene, endpoint, data):
    clients, objects = scene
    person = data.draw(st.sampled_from(sorted(clients)), label="person")
    values = data.draw(
        st.fixed_dictionaries({name: PARAMETER for name in endpoint.parameters}), label="values"
    )
    kwargs = data.draw(
        st.fixed_dictionaries(
            {key: st.one_of(st.just(objects[name]), PK) for key, name in endpoint.kwargs.items()}
        ),
        label="kwargs",
    )
    sent = {name: value for name, value in values.items() if value is not None}
    if endpoint.upload:
        # A name with no file part ("/", "..") is one the test client itself refuses to send.
        name = data.draw(ANY_TEXT, label="file name")
        name = name if os.path.basename(name) not in ("", ".", "..") else "responses.csv"
        sent["file"] = SimpleUploadedFile(name, data.draw(st.binary(max_size=300), label="file"))
    url = reverse(endpoint.name, kwargs=kwargs)
    before = stored()

    response = getattr(clients[person], endpoint.method)(url, sent)

    if response.streaming:
        b"".join(response.streaming_content)  # read to the end, so the client closes it
    assert response.status_code < 500, (url, sent, response.status_code)
    if response.status_code not in (301, 302, 303):
        assert stored() == before, (url, sent)


def test_a_cohort_that_is_not_a_number_shows_the_form_again(client, world):
    client.force_login(world.maria)
    before = stored()
    response = client.post(reverse("cohorts:firm_new"), {"cohort": "abc", "name": "Abarrotes"})
    assert response.status_code == 200
    assert "Escoja una opción válida" in response.text
    assert stored() == before
