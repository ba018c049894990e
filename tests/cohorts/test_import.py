"""Paper questionnaires typed in later: checked in full, then imported in the background."""

import json
import logging
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cohorts import imports
from cohorts.models import CohortAssessment, Enrolment, ImportJob
from diagnostic.jobs import STALE_AFTER
from diagnostic.models import Answer, Assessment, Firm

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "instrument")]

HEADER = (
    "external_id,language,name,country,region,settlement,sector,employees,"
    "internet_access,sales_channels,payments_accepted"
)
# Stage D, C and B: social media; an own online store; a national marketplace paid by card.
GOOD_ROWS = (
    "SON-1,es,Panadería El Sol,MX,Sonora,city,agrifood,3,"
    "mobile_reliable,messaging_apps|social_media,cash_only",
    "SON-2,en,Tejidos Yaqui,MX,Sonora,rural,crafts_textiles,2,"
    "fixed_broadband,own_online_store,mobile_wallet",
    "SON-3,es,Ferretería Hermosillo,MX,Sonora,metro,retail_goods,12,"
    "fixed_broadband,national_marketplace|phone,card_terminal|bank_transfer",
)
STAGES = {"SON-1": "D", "SON-2": "C", "SON-3": "B"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def csv_file(*rows: str) -> bytes:
    return ("\r\n".join((HEADER, *rows)) + "\r\n").encode()


def upload(client, cohort, content: bytes, name: str = "respuestas.csv"):
    url = reverse("cohorts:import_new", kwargs={"cohort_pk": cohort.pk})
    return client.post(url, {"file": SimpleUploadedFile(name, content)})


def import_file(client, cohort, content: bytes, capture, name: str = "respuestas.csv"):
    """Upload a file and run the import it queues, in this process."""
    with capture(execute=True):
        response = upload(client, cohort, content, name)
    assert response.status_code == 302, response.text
    return ImportJob.objects.latest("created_at"), response


def status_url(job: ImportJob, **query: str) -> str:
    url = reverse("cohorts:import_status", kwargs={"job_pk": job.pk})
    return url + ("?format=json" if query.get("format") == "json" else "")


# --- Checked in full before anything is stored --------------------------------------------------


def test_a_file_with_problems_names_every_one_by_row_and_column_and_stores_nothing(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.maria)
    content = csv_file(
        GOOD_ROWS[0],
        "SON-2,en,Tejidos Yaqui,XX,Sonora,rural,crafts_textiles,2,fixed_broadband,amazon,",
        "SON-3,en,Ferretería Hermosillo,MX,Sonora,metro,retail_goods,12,"
        "fixed_broadband,phone,cash_only|card_terminal",
        "SON-1,es,Miel del Monte,MX,Sonora,rural,agrifood,3,,,",
    )
    firms = Firm.objects.count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(client, world.cohort, content)

    assert response.status_code == 200
    page = response.text
    assert "The file has 4 problems, listed below; nothing was imported." in page
    for problem in (
        "Row 3, column “country”: Select a valid choice. XX is not one of the available choices.",
        "Row 3, column “sales_channels”: “amazon” is not an answer to the question "
        "“sales_channels”.",
        "Row 4, column “payments_accepted”: “Cash only” can’t be combined with other answers.",
        "Row 5, column “external_id”: “SON-1” is also the external_id of row 2.",
    ):
        assert f"<li>{problem}</li>" in page
    assert callbacks == []
    assert Firm.objects.count() == firms
    assert not Enrolment.objects.exclude(external_id="").exists()
    assert not ImportJob.objects.exists()


def test_the_corrected_file_imports_firms_with_their_submitted_baselines(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.maria)

    job, response = import_file(
        client, world.cohort, csv_file(*GOOD_ROWS), django_capture_on_commit_callbacks
    )

    assert response["Location"] == status_url(job)
    assert (job.state, job.file_format, job.total, job.processed) == ("done", "csv", 3, 3)
    assert (job.created_count, job.skipped_count, job.created_by) == (3, 0, world.maria)
    imported = Enrolment.objects.filter(cohort=world.cohort).exclude(external_id="")
    assert {e.external_id: e.firm.name for e in imported} == {
        "SON-1": "Panadería El Sol",
        "SON-2": "Tejidos Yaqui",
        "SON-3": "Ferretería Hermosillo",
    }
    assert all(enrolment.consultant is None for enrolment in imported)
    for enrolment in imported:
        [baseline] = enrolment.assessments.select_related("assessment")
        assessment = baseline.assessment
        assert (baseline.kind, baseline.created_by) == ("baseline", world.maria)
        assert assessment.status == Assessment.Status.SUBMITTED
        assert assessment.firm == enrolment.firm
        assert assessment.stage == STAGES[enrolment.external_id]
    sol = Assessment.objects.get(firm__name="Panadería El Sol")
    assert sol.language == "es"
    assert dict(sol.answers.values_list("item_code", "value")) == {
        "internet_access": "mobile_reliable",
        "sales_channels": ["messaging_apps", "social_media"],
        "payments_accepted": ["cash_only"],
    }
    assert Assessment.objects.get(firm__name="Tejidos Yaqui").language == "en"


def test_importing_the_same_file_again_creates_no_duplicates(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.maria)
    content = csv_file(*GOOD_ROWS)
    import_file(client, world.cohort, content, django_capture_on_commit_callbacks)
    counts = (Firm.objects.count(), Enrolment.objects.count(), Answer.objects.count())

    again, _response = import_file(
        client, world.cohort, content, django_capture_on_commit_callbacks
    )

    assert (again.state, again.created_count, again.skipped_count) == ("done", 0, 3)
    assert (Firm.objects.count(), Enrolment.objects.count(), Answer.objects.count()) == counts
    page = client.get(status_url(again)).text
    assert "0 firms were added to the cohort" in page
    assert "3 firms were skipped: their external ids were already in the cohort." in page


def test_a_json_file_imports_too(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.carlos)
    profile = {
        "name": "Café Álamos",
        "country": "MX",
        "region": "Sonora",
        "settlement": "rural",
        "sector": "tourism_hospitality",
        "employees": 5,
    }
    records = [
        {
            "external_id": "J-1",
            "language": "en",
            "profile": profile,
            "answers": {"sales_channels": ["in_person_only"], "internet_access": "none"},
        },
        {"external_id": "J-2", "profile": {**profile, "name": "Hotel Kino"}},
    ]
    content = json.dumps(records, ensure_ascii=False).encode()

    # No extension: the content says it is JSON.
    job, _response = import_file(
        client, world.cohort, content, django_capture_on_commit_callbacks, name="respuestas"
    )

    assert (job.state, job.file_format, job.created_count) == ("done", "json", 2)
    cafe = Enrolment.objects.get(external_id="J-1")
    baseline = cafe.assessments.get()
    assert (baseline.created_by, baseline.assessment.language) == (world.carlos, "en")
    assert baseline.assessment.stage == "E"
    assert Enrolment.objects.get(external_id="J-2").assessments.get().assessment.stage == ""


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "respuestas.xlsx",
            b"PK\x03\x04 a zipped workbook",
            "This is a spreadsheet file, which can’t be read here",
        ),
        (
            "respuestas.txt",
            b"just some notes",
            "The file must be a CSV file (ending in .csv) or a JSON file (ending in .json).",
        ),
        ("respuestas.csv", HEADER.encode() + b"\r\n", "The file has no firms in it"),
        ("respuestas.json", b"[{]", "The file is not valid JSON"),
    ],
)
def test_a_file_that_is_not_csv_or_json_gets_a_clear_message(client, world, name, content, message):
    client.force_login(world.maria)

    response = upload(client, world.cohort, content, name)

    assert response.status_code == 200
    assert message in response.text
    assert not ImportJob.objects.exists()


def test_a_file_over_5_mb_is_refused(client, world):
    client.force_login(world.maria)
    content = csv_file(*GOOD_ROWS)

    response = upload(client, world.cohort, content + b" " * (5 * 1024 * 1024 - len(content) + 1))

    assert "The file is larger than 5 MB: split it into smaller files." in response.text
    assert not ImportJob.objects.exists()


def test_the_import_page_links_to_the_csv_template(client, world):
    client.force_login(world.maria)
    page = client.get(reverse("cohorts:import_new", kwargs={"cohort_pk": world.cohort.pk}))
    assert page.status_code == 200
    assert reverse("cohorts:import_template") in page.text
    assert 'enctype="multipart/form-data"' in page.text

    template = client.get(reverse("cohorts:import_template"))

    assert template["Content-Type"] == "text/csv; charset=utf-8"
    assert template["Content-Disposition"].startswith("attachment;")
    assert template.text.startswith("external_id,language,name,")


# --- Progress --------------------------------------------------------------------------------


def test_the_status_page_shows_progress_without_javascript_and_as_json(client, world):
    client.force_login(world.maria)
    response = upload(client, world.cohort, csv_file(*GOOD_ROWS))  # queued, not run
    job = ImportJob.objects.get()
    assert response["Location"] == status_url(job)

    page = client.get(status_url(job)).text
    assert 'id="pdf-state" data-state="pending"' in page
    assert f'data-status-url="{status_url(job, format="json")}"' in page
    assert '<progress id="import-progress" max="3" value="0">0%</progress>' in page
    assert "0 of 3 firms processed (0%)." in page
    assert f'href="{status_url(job)}">Check again</a>' in page
    assert client.get(status_url(job, format="json")).json() == {
        "state": "pending",
        "processed": 0,
        "total": 3,
    }

    imports.import_run(job_id=job.pk, language="en")

    assert client.get(status_url(job, format="json")).json() == {
        "state": "done",
        "processed": 3,
        "total": 3,
    }
    page = client.get(status_url(job)).text
    assert 'data-state="done"' in page
    assert "3 of 3 firms processed (100%)." in page
    assert "3 firms were added to the cohort with their baseline assessments." in page
    assert "Check again" not in page


def test_progress_is_written_every_so_many_firms(client, world, monkeypatch):
    monkeypatch.setattr(imports, "PROGRESS_EVERY", 2)
    client.force_login(world.maria)
    upload(client, world.cohort, csv_file(*GOOD_ROWS))
    job = ImportJob.objects.get()
    seen = []
    record_one = imports.import_record

    def watched(**kwargs):
        seen.append(ImportJob.objects.get(pk=job.pk).processed)
        return record_one(**kwargs)

    monkeypatch.setattr(imports, "import_record", watched)

    assert imports.import_run(job_id=job.pk, language="en")
    assert seen == [0, 0, 2]
    assert ImportJob.objects.get(pk=job.pk).processed == 3


def test_a_second_delivery_of_the_task_does_nothing(client, world):
    client.force_login(world.maria)
    upload(client, world.cohort, csv_file(*GOOD_ROWS))
    job = ImportJob.objects.get()
    assert imports.import_run(job_id=job.pk, language="en")

    assert not imports.import_run(job_id=job.pk, language="en")
    assert Enrolment.objects.exclude(external_id="").count() == 3


def test_a_run_lost_with_its_worker_is_claimed_again_only_once_stale(client, world):
    client.force_login(world.maria)
    upload(client, world.cohort, csv_file(*GOOD_ROWS))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(state="running", updated_at=timezone.now())
    assert not imports.import_claim(job_id=job.pk)

    lost = timezone.now() - STALE_AFTER - timedelta(minutes=1)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=lost)

    assert "Try again" in client.get(status_url(job)).text
    assert imports.import_run(job_id=job.pk, language="en")
    assert ImportJob.objects.get(pk=job.pk).state == "done"


# --- Failures --------------------------------------------------------------------------------


def test_a_failed_run_shows_the_problem_with_a_retry_that_imports_the_rest(
    client, world, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    client.force_login(world.maria)
    submit = imports.assessment_submit

    def broken_on_the_second_firm(*, assessment):
        if assessment.firm.name == "Tejidos Yaqui":
            raise RuntimeError("the database fell over")
        return submit(assessment=assessment)

    monkeypatch.setattr(imports, "assessment_submit", broken_on_the_second_firm)
    with caplog.at_level(logging.ERROR, logger="cohorts.imports"):
        job, _response = import_file(
            client, world.cohort, csv_file(*GOOD_ROWS), django_capture_on_commit_callbacks
        )

    assert (job.state, job.processed, job.created_count) == ("failed", 1, 1)
    assert "the database fell over" in caplog.text
    # The second firm's transaction was rolled back whole: no firm without its assessment.
    assert not Firm.objects.filter(name="Tejidos Yaqui").exists()
    page = client.get(status_url(job)).text
    assert 'data-state="failed"' in page
    assert "The import stopped at the firm with external_id “SON-2”" in page
    assert "Try again" in page

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cohorts:import_again", kwargs={"job_pk": job.pk}))

    assert response["Location"] == status_url(job)
    job.refresh_from_db()
    assert (job.state, job.created_count, job.skipped_count, job.problems) == ("done", 2, 1, [])
    assert Enrolment.objects.exclude(external_id="").count() == 3
    assert CohortAssessment.objects.filter(assessment__status="submitted").count() == 3


def test_only_a_failed_import_can_be_tried_again(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.maria)
    job, _response = import_file(
        client, world.cohort, csv_file(*GOOD_ROWS), django_capture_on_commit_callbacks
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("cohorts:import_again", kwargs={"job_pk": job.pk}))

    assert callbacks == []
    assert ImportJob.objects.get(pk=job.pk).state == "done"


# --- Who may import ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ana", "beto", "otto"])
def test_consultants_and_outsiders_cannot_import_into_the_cohort(client, world, who):
    client.force_login(getattr(world, who))
    url = reverse("cohorts:import_new", kwargs={"cohort_pk": world.cohort.pk})

    assert client.get(url).status_code == 404
    assert upload(client, world.cohort, csv_file(*GOOD_ROWS)).status_code == 404
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("who", ["ana", "otto"])
def test_consultants_and_outsiders_do_not_see_the_cohorts_imports(
    client, world, who, django_capture_on_commit_callbacks
):
    client.force_login(world.maria)
    job, _response = import_file(
        client, world.cohort, csv_file(*GOOD_ROWS), django_capture_on_commit_callbacks
    )
    ImportJob.objects.filter(pk=job.pk).update(state="failed")
    client.force_login(getattr(world, who))

    assert client.get(status_url(job)).status_code == 404
    assert client.get(status_url(job, format="json")).status_code == 404
    again = reverse("cohorts:import_again", kwargs={"job_pk": job.pk})
    assert client.post(again).status_code == 404
    assert ImportJob.objects.get(pk=job.pk).state == "failed"


def test_the_coordinator_sees_the_managers_import(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.maria)
    job, _response = import_file(
        client, world.cohort, csv_file(*GOOD_ROWS), django_capture_on_commit_callbacks
    )
    client.force_login(world.carlos)

    assert client.get(status_url(job)).status_code == 200


def test_people_not_signed_in_are_sent_to_log_in(client, world):
    for url in (
        reverse("cohorts:import_new", kwargs={"cohort_pk": world.cohort.pk}),
        reverse("cohorts:import_status", kwargs={"job_pk": 1}),
        reverse("cohorts:import_template"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("cohorts:login") in response["Location"]
