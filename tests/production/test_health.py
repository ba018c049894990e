"""/health/ tells the truth about the database, Redis and the workers."""

import pytest


def health(client):
    response = client.get("/health/")
    return response.status_code, response.json()


@pytest.mark.django_db
def test_embedded_site_is_healthy_with_tasks_in_process(client):
    status, body = health(client)
    assert status == 200
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "not used", "worker": "in-process"},
    }


@pytest.mark.django_db
def test_redis_down_makes_the_site_unhealthy(client, redis_down):
    status, body = health(client)
    assert status == 503
    assert body["status"] == "failing"
    assert body["checks"] == {"database": "ok", "redis": "unreachable", "worker": "unknown"}


@pytest.mark.worker
def test_a_live_worker_answers_and_a_stopped_one_does_not(client, settings, transactional_db):
    from celery.contrib.testing.worker import start_worker

    from config import health as health_module
    from config.celery import app

    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL: a real Celery worker answers through Redis (CI sets it)")
    app.conf.task_always_eager = False
    health_module.worker_check_forget()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            status, body = health(client)
            assert (status, body["checks"]["worker"]) == (200, "ok")
        health_module.worker_check_forget()
        status, body = health(client)
        assert status == 503
        assert body["checks"] == {"database": "ok", "redis": "ok", "worker": "none answering"}
    finally:
        app.conf.task_always_eager = True


def test_health_leaks_no_detail_of_the_failure(client, redis_down, db):
    body = client.get("/health/").content.decode()
    assert "127.0.0.1" not in body and "Error" not in body


@pytest.mark.django_db
def test_a_probe_storm_waits_for_one_worker_ping_at_most(client, monkeypatch):
    import time

    from config import health as health_module
    from config.celery import app

    pings = []

    def silent_ping(**options):
        pings.append(options)
        time.sleep(0.3)  # nobody answers within the timeout
        return []

    monkeypatch.setattr(health_module, "redis_ok", lambda: True)
    monkeypatch.setattr(app.control, "ping", silent_ping)
    health_module.worker_check_forget()
    app.conf.task_always_eager = False
    try:
        started = time.monotonic()
        answers = [health(client) for _ in range(10)]
        elapsed = time.monotonic() - started
    finally:
        app.conf.task_always_eager = True
    assert {status for status, _body in answers} == {503}
    assert {body["checks"]["worker"] for _status, body in answers} == {"none answering"}
    assert len(pings) == 1
    assert elapsed < 1.5
