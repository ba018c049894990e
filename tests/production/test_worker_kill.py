"""A Celery worker process killed in the middle of a job: the job is redelivered and done once.

The worker runs as a real prefork process against the test database and Redis; the test
kills its pool process with SIGKILL (as the kernel's OOM killer would) mid-job.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from cohorts import imports
from cohorts.models import Enrolment, ImportJob
from config.celery import app
from diagnostic.models import Assessment
from recommendations import services
from recommendations.models import RoadmapPDF
from tests.factories import SOCIAL_SELLER, make_assessment, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker_process():
    """A real worker process with one pool process; yields a function that kills the latter."""
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: a real Celery worker process takes tasks from Redis")
    name = f"kill-test-{uuid.uuid4().hex[:8]}@localhost"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": database_url(),
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "--app", "config", "worker", "--pool", "prefork",
         "--concurrency", "1", "--without-mingle", "--without-gossip", "--loglevel", "WARNING",
         "--hostname", name],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    app.conf.task_always_eager = False
    try:
        wait_until(lambda: bool(app.control.ping(destination=[name], timeout=0.5)), seconds=60)

        def kill_pool_process() -> None:
            children = Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split()
            assert children, "the worker has no pool process to kill"
            for child in children:
                os.kill(int(child), signal.SIGKILL)

        yield kill_pool_process
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def poll(condition, seconds: float = 60) -> None:
    """Like wait_until, but quick: the kill must land while the job is running."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the worker never started the job"
        time.sleep(0.005)


def test_a_pdf_whose_worker_is_killed_mid_render_still_arrives_once(worker_process, instrument):
    from recommendations.services import catalogue_load

    catalogue_load()
    assessment = make_assessment(answers=SOCIAL_SELLER, submitted=True)
    roadmaps = Path(settings.MEDIA_ROOT) / "roadmaps"
    before = set(roadmaps.glob("*.pdf")) if roadmaps.exists() else set()

    pdf = services.roadmap_pdf_request(assessment=assessment)
    poll(lambda: RoadmapPDF.objects.get(pk=pdf.pk).state == RoadmapPDF.State.RUNNING)
    worker_process()

    wait_until(lambda: RoadmapPDF.objects.get(pk=pdf.pk).state == RoadmapPDF.State.DONE, 90)
    pdf.refresh_from_db()
    assert pdf.attempts == 2  # the killed render, then the redelivered one
    assert RoadmapPDF.objects.filter(assessment=assessment).count() == 1
    assert set(roadmaps.glob("*.pdf")) - before == {Path(pdf.file.path)}
    assert Path(pdf.file.path).read_bytes().startswith(b"%PDF")


HEADER = (
    "external_id,language,name,country,region,settlement,sector,employees,"
    "internet_access,sales_channels,payments_accepted"
)


def test_an_import_whose_worker_is_killed_midway_imports_every_firm_once(
    worker_process, world, instrument
):
    rows = [
        f"KILL-{number},es,Negocio {number},MX,Sonora,city,agrifood,3,"
        "mobile_reliable,messaging_apps|social_media,cash_only"
        for number in range(300)
    ]
    content = ("\r\n".join((HEADER, *rows)) + "\r\n").encode()
    job = imports.import_create(
        cohort=world.cohort, user=world.maria, name="firmas.csv", content=content, language="es"
    )
    poll(lambda: ImportJob.objects.get(pk=job.pk).processed >= imports.PROGRESS_EVERY)
    worker_process()

    wait_until(lambda: ImportJob.objects.get(pk=job.pk).state == ImportJob.State.DONE, 180)
    job.refresh_from_db()
    imported = Enrolment.objects.filter(cohort=world.cohort, external_id__startswith="KILL-")
    assert imported.count() == 300
    assert imported.values("external_id").distinct().count() == 300
    assert Assessment.objects.filter(firm__enrolments__in=imported).count() == 300
    # The redelivered run found the firms the killed one had stored, and skipped them.
    assert job.skipped_count >= imports.PROGRESS_EVERY
    assert job.created_count + job.skipped_count == 300
