"""Background jobs kept as rows: pending → running → done or failed, claimed by one task.

RoadmapPDF, cohorts' ImportJob and CohortReport share this life cycle. A task claims its
row with one conditional UPDATE, so a second delivery of a message finds it taken or done.
Two cases take a running row over: the same task id (the broker redelivered the message
because the worker running it was killed, and nothing else holds it) and a row untouched for
`stale_after` (its worker was lost without the broker noticing).
"""

from datetime import timedelta
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

PENDING, RUNNING, DONE, FAILED = "pending", "running", "done", "failed"
STALE_AFTER = timedelta(minutes=15)


def job_claim(model: type[models.Model], *, pk: int, task_id: str = "", **changes: Any) -> bool:
    """Mark the job running for `task_id`, applying `changes`; False when it isn't ours to run."""
    now = timezone.now()
    claimable = Q(state=PENDING) | Q(state=RUNNING, updated_at__lt=now - STALE_AFTER)
    if task_id:
        claimable |= Q(state=RUNNING, task_id=task_id)
    updated = (
        model._default_manager.filter(pk=pk)
        .filter(claimable)
        .update(state=RUNNING, task_id=task_id, updated_at=now, **changes)
    )
    return bool(updated)


def job_is_stalled(job: Any) -> bool:
    """A run that stopped without saying so: its worker was killed, or lost for too long."""
    return job.state == RUNNING and job.updated_at < timezone.now() - STALE_AFTER
