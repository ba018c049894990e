"""Generated files in S3-compatible object storage (FILE_STORAGE=s3), for several machines.

An S3 server (moto's, over HTTP on loopback) stands in for the bucket; the files still reach
people only through the views that check who asks, and "delete my data" deletes the objects.
"""

from urllib.request import Request, urlopen

import boto3
import pytest
from django.urls import reverse
from moto.server import ThreadedMotoServer

from recommendations.models import RoadmapPDF
from recommendations.services import catalogue_load
from tests.factories import SOCIAL_SELLER, make_assessment

from .test_settings import PRODUCTION, manage

pytestmark = pytest.mark.django_db
BUCKET = "ruta-files"


@pytest.fixture
def bucket(settings, monkeypatch):
    """An empty bucket on a local S3 server, as the default storage; its objects' keys."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ruta-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "ruta-test-secret")
    # moto keeps its buckets per process, across servers: start each test from none
    urlopen(Request(f"{endpoint}/moto-api/reset", method="POST"), timeout=10).close()  # noqa: S310
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    s3.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }

    def keys() -> list[str]:
        return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]

    yield keys
    server.stop()


@pytest.fixture
def submitted(instrument):
    catalogue_load()
    return make_assessment(language="es", answers=SOCIAL_SELLER, submitted=True)


def link(name: str, assessment) -> str:
    return reverse(f"recommendations:{name}", kwargs={"token": assessment.token})


def test_a_roadmap_pdf_is_an_object_in_the_bucket_reached_only_through_its_link(
    client, bucket, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link("pdf", submitted))
    [key] = bucket()
    assert key.startswith("roadmaps/") and key.endswith(".pdf")
    assert RoadmapPDF.objects.get().file.name == key

    status = client.get(link("pdf", submitted))
    assert link("pdf_download", submitted) in status.text
    assert "127.0.0.1" not in status.text  # no address of the bucket is handed out
    tampered = link("pdf_download", submitted).replace(submitted.token, submitted.token[:-1])
    assert client.get(tampered).status_code == 404
    download = client.get(link("pdf_download", submitted))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    download.close()  # a WSGI server closes the object; the test client leaves it to us


def test_delete_my_data_deletes_the_objects_too(
    client, bucket, submitted, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link("pdf", submitted))
    assert len(bucket()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("diagnostic:delete", kwargs={"token": submitted.token}))
    assert bucket() == []


def test_object_storage_is_chosen_by_one_setting_and_needs_its_bucket():
    script = "from django.conf import settings; print(settings.STORAGES['default']['BACKEND'])"
    chosen = manage(
        "shell",
        "--no-imports",
        "-c",
        script,
        env={**PRODUCTION, "FILE_STORAGE": "s3", "S3_BUCKET": BUCKET},
    )
    assert chosen.stdout.strip() == "storages.backends.s3.S3Storage", chosen.stderr
    local = manage("shell", "--no-imports", "-c", script, env=PRODUCTION)
    assert local.stdout.strip() == "django.core.files.storage.FileSystemStorage"
    missing = manage("check", env={**PRODUCTION, "FILE_STORAGE": "s3"})
    assert "FILE_STORAGE=s3 needs S3_BUCKET" in missing.stderr
    wrong = manage("check", env={**PRODUCTION, "FILE_STORAGE": "ftp"})
    assert "FILE_STORAGE must be local or s3, not 'ftp'" in wrong.stderr
