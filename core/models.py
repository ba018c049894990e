from django.db import models
from django.utils.translation import gettext_lazy as _


class BackgroundJob(models.Model):
    """Work done in the background and kept as a row (core.jobs): waiting, then being
    prepared by the task that claimed it, then ready or failed. The roadmap PDFs, the
    cohorts' imports, reports and export files are such rows."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    task_id = models.CharField(max_length=255, blank=True)  # the task that claimed it
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
