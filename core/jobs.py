"""Background jobs kept as rows: pending → running → done or failed, claimed by one task.

Every BackgroundJob (RoadmapPDF, cohorts' ImportJob, CohortReport and DataExport) has this
life cycle. A task claims its
row with one conditional UPDATE, so a second delivery of a message finds it taken or done.
Two cases take a running row over: the same task id (the broker redelivered the message
because the worker running it was killed, and nothing else holds it) and a row untouched for
`stale_after` (its worker was lost without the broker noticing).

A failure is always recorded (`job_fail`), so a failed job never looks lost and is not queued
again for ever.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import Task
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import BackgroundJob

logger = logging.getLogger(__name__)
State = BackgroundJob.State

STALE_AFTER = timedelta(minutes=15)
# A pending row older than this has probably lost its message (Redis restarted empty, or was
# down when the row was made): `job_requeue` sends it again.
REQUEUE_AFTER = timedelta(minutes=5)
# The longest error text kept; the full one, with its traceback, is in the log.
ERROR_MAX_LENGTH = 2000


class QueueUnavailable(Exception):
    """The broker can't be reached: the work is kept, and the visitor asked to try again."""


def job_enqueue(task: Task, *args: Any) -> None:
    """Queue `task` for a row that is committed, or will be when the transaction commits.

    Outside a transaction a broker outage raises QueueUnavailable at once; inside one it is
    only logged at commit. Either way the row stays pending and `job_requeue` sends it later.
    """
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: task.delay(*args), robust=True)
        return
    try:
        task.delay(*args)
    except OperationalError as error:
        # The task's name, not its arguments: some are personal (a password reset's address).
        logger.warning("Queue unavailable for %s: %s", task.name, error)
        raise QueueUnavailable from error


def job_claim(model: type[BackgroundJob], *, pk: int, task_id: str = "", **changes: Any) -> bool:
    """Mark the job running for `task_id`, applying `changes`; False when it isn't ours to run."""
    now = timezone.now()
    claimable = Q(state=State.PENDING) | Q(state=State.RUNNING, updated_at__lt=now - STALE_AFTER)
    if task_id:
        claimable |= Q(state=State.RUNNING, task_id=task_id)
    updated = (
        model._default_manager.filter(pk=pk)
        .filter(claimable)
        .update(state=State.RUNNING, task_id=task_id, updated_at=now, **changes)
    )
    return bool(updated)


def job_fail(model: type[BackgroundJob], *, pk: int, **details: Any) -> None:
    """Mark the job failed with `details` (an error text, a list of problems) shown to people.

    Its texts are first made storable (no NUL, which PostgreSQL refuses; no lone surrogate,
    which is no UTF-8; at most ERROR_MAX_LENGTH characters). Should writing them still fail,
    the job is marked failed without them: a job left "running" would be queued again and
    fail again for ever.
    """
    now = timezone.now()
    jobs = model._default_manager.filter(pk=pk)
    try:
        # Its own transaction (tasks run in autocommit): nothing of the failed work comes along.
        with transaction.atomic():
            jobs.update(state=State.FAILED, updated_at=now, **_storable(details))
    except Exception:  # a database's refusal, an encoding error: the state is written anyway
        logger.exception("Could not record the details of the failure of %s %s", model, pk)
        jobs.update(state=State.FAILED, updated_at=now)


def _storable(value: Any) -> Any:
    """`value` with each text in it cleaned and shortened so that any database stores it."""
    if isinstance(value, str):
        text = value.replace("\0", "\N{REPLACEMENT CHARACTER}")
        return text.encode(errors="replace").decode()[:ERROR_MAX_LENGTH]
    if isinstance(value, dict):
        return {key: _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


def job_is_stalled(job: Any) -> bool:
    """A run that stopped without saying so: its worker was killed, or lost for too long."""
    return job.state == State.RUNNING and job.updated_at < timezone.now() - STALE_AFTER


def job_requeue(jobs: QuerySet[Any], publish: Callable[[Any], None], *, limit: int = 500) -> int:
    """Queue again the jobs whose message was probably lost; how many were queued.

    Pending rows older than REQUEUE_AFTER and running rows untouched for STALE_AFTER; a
    duplicate message is harmless, the claim lets only one task run a job.
    """
    now = timezone.now()
    lost = jobs.filter(
        Q(state=State.PENDING, updated_at__lt=now - REQUEUE_AFTER)
        | Q(state=State.RUNNING, updated_at__lt=now - STALE_AFTER)
    ).order_by("pk")[:limit]
    queued = 0
    for job in lost:
        # Marked first, so a worker that takes the message at once finds the row waiting.
        marked = jobs.filter(pk=job.pk, state=job.state, updated_at=job.updated_at).update(
            state=State.PENDING, updated_at=now
        )
        if not marked:
            continue  # a worker moved it on meanwhile
        try:
            publish(job)
        except OperationalError:
            logger.warning("Queue still unavailable; %s jobs wait for the next round", jobs.model)
            break
        queued += 1
    return queued
