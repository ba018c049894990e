"""Paper questionnaires typed in later: checked in full, then imported in the background."""

import json
import logging
import re
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cohorts import imports
from cohorts.models import CohortAssessment, Enrolment, ImportJob
from core.jobs import STALE_AFTER
from diagnostic import import_files
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
        # the dashboard reads the imported result as the firm's first and latest
        assert enrolment.first_result == enrolment.latest_result == assessment
        assert enrolment.latest_result_stage == assessment.stage
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


# --- Bounded: a bad file costs one short page, however bad it is --------------------------------


def problems_listed(page: str) -> int:
    listed = re.search(r'<ul class="import-problems">(.*?)</ul>', page, re.DOTALL)
    return listed.group(1).count("<li>") if listed else 0


def bad_records(file_format: str, count: int) -> bytes:
    """`count` firms whose country is not one: one problem each."""
    if file_format == "csv":
        row = "B-{n},es,Negocio,XX,Sonora,city,agrifood,3,mobile_reliable,phone,cash_only"
        return csv_file(*(row.format(n=n) for n in range(count)))
    profile = {"name": "Negocio", "country": "XX", "region": "Sonora"}
    profile |= {"settlement": "city", "sector": "agrifood", "employees": 3}
    return json.dumps(
        [{"external_id": f"B-{n}", "profile": profile} for n in range(count)]
    ).encode()


@pytest.mark.parametrize("file_format", ["csv", "json"])
def test_a_file_of_ten_thousand_bad_rows_lists_the_first_hundred_problems_and_how_many_more(
    client, world, file_format
):
    client.force_login(world.maria)

    response = upload(client, world.cohort, bad_records(file_format, 10_000), f"f.{file_format}")

    assert response.status_code == 200
    page = response.text
    assert problems_listed(page) == 101  # the first 100 problems, then how many more
    assert "…and 9,900 more firms, not checked: the check stops after 100 problems." in page
    assert "The file has at least 100 problems, listed below; nothing was imported." in page
    assert len(response.content) < 100_000
    assert not ImportJob.objects.exists()
    assert not Enrolment.objects.exclude(external_id="").exists()


def test_a_header_of_thousands_of_near_miss_column_names_is_one_problem(client, world):
    client.force_login(world.maria)
    header = ",".join(f"sales_channel{n}" for n in range(5_000))

    response = upload(client, world.cohort, f"{header}\r\nA-1\r\n".encode())

    assert response.status_code == 200
    assert problems_listed(response.text) == 1
    assert "The file has 5000 columns; it can have at most 200." in response.text
    assert not ImportJob.objects.exists()


def test_a_line_longer_than_any_row_is_one_problem(client, world):
    client.force_login(world.maria)
    cells = ",".join(f"{number % 1000:03}" for number in range(1_200_000))

    response = upload(client, world.cohort, csv_file(cells))

    assert response.status_code == 200
    assert problems_listed(response.text) == 1
    assert "Line 2 of the file has more than 200,000 characters: no row is that long." in (
        response.text
    )
    assert not ImportJob.objects.exists()


def test_an_overlong_cell_is_named_without_being_repeated_back(client, world):
    client.force_login(world.maria)
    huge = "X" * 100_000
    content = csv_file(GOOD_ROWS[0].replace(",MX,", f",{huge},"), GOOD_ROWS[1])

    response = upload(client, world.cohort, content)

    assert response.status_code == 200
    assert (
        "<li>Row 2, column “country”: The text is longer than 1,000 characters.</li>"
        in response.text
    )
    assert len(response.content) < 50_000
    assert not ImportJob.objects.exists()


def test_a_big_file_is_checked_in_full_by_its_import_before_anything_is_stored(
    client, world, monkeypatch
):
    client.force_login(world.maria)
    checked = []
    check_diagnostic = import_files.check_diagnostic

    def counted(*args, **kwargs):
        checked.append(1)
        return check_diagnostic(*args, **kwargs)

    monkeypatch.setattr(import_files, "check_diagnostic", counted)
    rows = [GOOD_ROWS[0].replace("SON-1", f"SON-{n}") for n in range(1, 2001)]
    rows[1800] = rows[1800].replace(",MX,", ",XX,")

    response = upload(client, world.cohort, csv_file(*rows))  # queued, not run

    # The upload checks the profiles and answers of the first 500 firms only: it stays quick.
    assert response.status_code == 302
    assert len(checked) == imports.IMPORT_CHECKED_AT_UPLOAD
    job = ImportJob.objects.get()
    assert job.total == 2000

    assert imports.import_run(job_id=job.pk, language="en") is False

    job.refresh_from_db()
    assert (job.state, job.created_count) == ("failed", 0)
    assert job.problems[1:] == [
        "Row 1802, column “country”: Select a valid choice. XX is not one of the available choices."
    ]
    assert not Enrolment.objects.exclude(external_id="").exists()
    page = client.get(status_url(job)).text
    assert "Nothing was imported: the file has the problems below." in page
    # Running the same file again cannot help: the page offers a corrected upload instead.
    assert "Try again" not in page and "Firms imported before it stopped" not in page
    assert reverse("cohorts:import_new", kwargs={"cohort_pk": world.cohort.pk}) in page
    assert "Upload a corrected file" in page


# --- Text the database can't store is refused at upload ---------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        (
            "external_id",
            "SON\x00-1",
            "The text has a NUL character, which can’t be stored; remove it.",
        ),
        (
            "name",
            "Panadería\x00",
            "The text has a NUL character, which can’t be stored; remove it.",
        ),
        ("region", "Sonora\x00", "The text has a NUL character, which can’t be stored; remove it."),
        ("external_id", "S" * 101, "The external_id is longer than 100 characters."),
    ],
)
def test_a_csv_cell_the_database_cannot_store_is_refused_by_row_and_column(
    client, world, column, value, message
):
    client.force_login(world.maria)
    cells = dict(zip(HEADER.split(","), GOOD_ROWS[0].split(","), strict=True))
    cells[column] = value

    response = upload(client, world.cohort, csv_file(",".join(cells.values()), GOOD_ROWS[1]))

    assert response.status_code == 200
    assert f"<li>Row 2, column “{column}”: {message}</li>" in response.text
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("field", ["external_id", "profile.name", "profile.municipality"])
def test_a_json_text_that_is_not_valid_unicode_is_refused_by_record_and_field(client, world, field):
    client.force_login(world.maria)
    record = {
        "external_id": "J-1",
        "profile": {
            "name": "Café Álamos",
            "country": "MX",
            "region": "Sonora",
            "settlement": "rural",
            "sector": "tourism_hospitality",
            "employees": 5,
        },
    }
    if field == "external_id":
        record["external_id"] = "J-\ud800"
    else:
        record["profile"][field.partition(".")[2]] = "Álamos \ud800"
    # A lone surrogate: valid JSON, but no UTF-8 text (or database) can hold it.
    content = json.dumps([record]).encode()

    response = upload(client, world.cohort, content, "respuestas.json")

    assert response.status_code == 200
    assert "<li>Record 1" in response.text
    assert (
        f"{field}: The text has a character that is not valid Unicode, which can’t be stored."
        in (response.text)
    )
    assert not ImportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_queued_file_with_a_nul_byte_ends_failed_and_is_not_queued_again(world):
    # A file checked before NUL bytes were refused; on PostgreSQL its run used to stay "running".
    content = csv_file(GOOD_ROWS[0].replace("SON-1", "SON\x00-1"), GOOD_ROWS[1])
    job = ImportJob(cohort=world.cohort, created_by=world.maria, file_format="csv", total=2)
    job.file.save("legacy.csv", ContentFile(content), save=True)

    assert imports.import_run(job_id=job.pk, language="en") is False

    job.refresh_from_db()
    assert job.state == "failed"
    assert job.problems == [
        "Nothing was imported: the file has the problems below. Correct them and upload the "
        "file again.",
        "Row 2, column “external_id”: The text has a NUL character, which can’t be stored; "
        "remove it.",
    ]
    assert not Enrolment.objects.exclude(external_id="").exists()
    ImportJob.objects.update(updated_at=timezone.now() - STALE_AFTER - timedelta(minutes=1))
    assert imports.imports_requeue() == 0


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
    store = imports.assessment_import

    def broken_on_the_second_firm(*, instrument, diagnostic, firm):
        if firm.name == "Tejidos Yaqui":
            raise RuntimeError("the database fell over")
        return store(instrument=instrument, diagnostic=diagnostic, firm=firm)

    monkeypatch.setattr(imports, "assessment_import", broken_on_the_second_firm)
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
