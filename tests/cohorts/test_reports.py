"""The cohort report PDF: asked for on the dashboard, made in the background, for managers only."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from cohorts import reports
from cohorts.dashboards import Filters
from cohorts.models import CohortReport
from cohorts.presenters import filter_summary
from tests.cohorts.conftest import twelve_built_once

pytestmark = pytest.mark.django_db

# Every test here reads the twelve firms: built once for the module.
twelve, instrument, world, cohort_of_twelve = twelve_built_once()


def ask(client, data=None):
    return client.post(reverse("cohorts:report_new"), data or {})


def test_a_manager_gets_the_report_with_the_dashboards_figures(
    client, world, cohort_of_twelve, django_capture_on_commit_callbacks
):
    client.force_login(world.maria)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, {"cohort": cohort_of_twelve.pk})
    report = CohortReport.objects.get()
    assert response["Location"] == reverse("cohorts:report", kwargs={"pk": report.pk})
    assert (report.state, report.progress, report.language) == ("done", 100, "es")
    status = client.get(reverse("cohorts:report", kwargs={"pk": report.pk}) + "?format=json").json()
    assert status == {"state": "done", "progress": 100, "step": "done"}

    download = client.get(reverse("cohorts:report_download", kwargs={"pk": report.pk}))
    content = b"".join(download.streaming_content)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "Pueblos Digitales 2026" in text
    assert "12 de 14 negocios inscritos" in text  # as on the dashboard
    assert "<5" in text


def test_earlier_reports_are_listed_on_the_dashboard(
    client, world, cohort_of_twelve, django_capture_on_commit_callbacks
):
    client.force_login(world.maria)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client)
    page = client.get(reverse("cohorts:dashboard")).text
    assert reverse("cohorts:report", kwargs={"pk": CohortReport.objects.get().pk}) in page


def test_a_failed_report_says_so_and_can_be_retried(
    client, world, cohort_of_twelve, django_capture_on_commit_callbacks, monkeypatch
):
    client.force_login(world.maria)

    def broken(report):
        raise RuntimeError("the printer is on fire")

    monkeypatch.setattr(reports, "_render", broken)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client)
    report = CohortReport.objects.get()
    assert report.state == "failed"
    assert (
        "Intentar de nuevo" in client.get(reverse("cohorts:report", kwargs={"pk": report.pk})).text
    )
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("cohorts:report_again", kwargs={"pk": report.pk}))
    report.refresh_from_db()
    assert report.state == "done"


def test_a_report_runs_once_however_often_its_task_is_delivered(world, cohort_of_twelve):
    report = reports.report_request(
        user=world.maria,
        organisation=world.cohort.organisation,
        cohort=None,
        filters=reports.dashboards.Filters(),
        language="en",
    )
    assert reports.report_run(report_id=report.pk) is True
    assert reports.report_run(report_id=report.pk) is False


@pytest.mark.parametrize("who", ["ana", "carlos", "otto"])
def test_nobody_else_reaches_a_managers_report(
    client, world, cohort_of_twelve, who, django_capture_on_commit_callbacks
):
    client.force_login(world.maria)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client)
    report = CohortReport.objects.get()
    client.force_login(getattr(world, who))
    for name in ("cohorts:report", "cohorts:report_download"):
        assert client.get(reverse(name, kwargs={"pk": report.pk})).status_code == 404
    assert client.post(reverse("cohorts:report_again", kwargs={"pk": report.pk})).status_code == 404


def test_the_methods_note_names_the_filters_as_people_read_them():
    """A report filtered by size and state says "Micro (1 to 9 people)" and "Sonora", not
    the codes "micro" and "MX-SON"."""
    with translation.override("es"):
        summary = filter_summary(Filters(size="micro", region="MX-SON"))

    assert summary == ["Tamaño: Micro (1 a 9 personas)", "Estado, provincia o departamento: Sonora"]
