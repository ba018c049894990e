"""Deleting a diagnostic deletes its files too, and housekeeping sweeps files left without a row."""

import os
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from diagnostic.models import OutboundEmail
from recommendations.models import RoadmapPDF
from tests.factories import SOCIAL_SELLER, make_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def with_files(assessment) -> list[Path]:
    """A roadmap PDF and an e-mail attachment of this assessment, as the worker leaves them."""
    pdf = RoadmapPDF.objects.create(
        assessment=assessment, language="es", catalogue_version="v1", state="done"
    )
    pdf.file.save("roadmap.pdf", ContentFile(b"%PDF-1.7"), save=True)
    email = OutboundEmail.objects.create(
        assessment=assessment, to="duena@example.com", subject="s", body="b", state="sent"
    )
    email.attachment.save("roadmap.pdf", ContentFile(b"%PDF-1.7"), save=True)
    return [Path(pdf.file.path), Path(email.attachment.path)]


def test_delete_my_data_deletes_the_roadmap_pdf_and_attachment_files(
    client, media, instrument, django_capture_on_commit_callbacks
):
    assessment = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    files = with_files(assessment)
    assert all(path.exists() for path in files)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("diagnostic:delete", kwargs={"token": assessment.token}))
    assert [path.exists() for path in files] == [False, False]


def test_files_stay_when_the_deletion_is_rolled_back(media, instrument):
    from django.db import transaction

    from diagnostic.services import assessment_delete

    assessment = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    files = with_files(assessment)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        assessment_delete(assessment=assessment)
        raise Undo
    assert all(path.exists() for path in files)


def old_file(media: Path, folder: str, name: str, *, hours: float = 3) -> Path:
    path = media / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7")
    then = time.time() - hours * 3600
    os.utime(path, (then, then))
    return path


def test_housekeeping_deletes_generated_files_that_no_row_holds(media, instrument):
    from cohorts.tasks import housekeeping as cohorts_housekeeping
    from diagnostic.tasks import housekeeping as diagnostic_housekeeping
    from recommendations.tasks import housekeeping as recommendations_housekeeping

    held = with_files(make_assessment(answers=SOCIAL_SELLER, submitted=True))
    for path in held:
        os.utime(path, (time.time() - 3 * 3600,) * 2)
    orphans = [
        old_file(media, folder, "left-behind.pdf")
        for folder in ("roadmaps", "outbox", "reports", "imports")
    ]
    being_written = old_file(media, "roadmaps", "just-now.pdf", hours=0)

    diagnostic_housekeeping()
    recommendations_housekeeping()
    cohorts_housekeeping()

    assert [path.exists() for path in orphans] == [False, False, False, False]
    assert all(path.exists() for path in held)
    assert being_written.exists()  # its row may not be committed yet
