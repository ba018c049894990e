"""What the field app leaves behind: how each offline assessment arrived, and the conflicts
between assessments of one firm made without knowing of each other."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cohorts.models import CohortAssessment, Enrolment
from diagnostic.models import Assessment


class OfflineAssessment(models.Model):
    """How an assessment made offline on a consultant's phone reached the server: who sent
    it, what the phone knew and what it computed. The assessment itself is an ordinary
    submitted one, scored again by the server; its `client_id` makes a resend harmless."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="offline")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # A hash of what the upload says (uploads.Upload.fingerprint): the same client_id sent
    # again must say the same, or it is refused.
    fingerprint = models.CharField(max_length=64)
    # The firm's latest assessment as the phone knew it when the work began.
    based_on = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started on the phone"))
    finished_at = models.DateTimeField(_("finished on the phone"))
    # The stage and scores the phone's rules gave, kept as sent; the server's replace them.
    client_result = models.JSONField(null=True, blank=True)
    # Whether the phone's result was the server's; None when the phone sent none.
    result_matches = models.BooleanField(null=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("offline assessment")
        verbose_name_plural = _("offline assessments")

    def __str__(self) -> str:
        return f"{self.assessment} ({self.assessment.client_id})"


class Conflict(models.Model):
    """Two assessments of one firm made without knowing of each other: one uploaded from a
    phone, and another submitted since the assessment the phone knew of (or uploaded from
    another phone). Both are kept; a coordinator settles which counts for the firm."""

    class Decision(models.TextChoices):
        UPLOADED = "uploaded", _("The assessment uploaded from the phone counts")
        OTHER = "other", _("The other assessment counts")
        BOTH = "both", _("Both count: they are separate visits")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    uploaded = models.ForeignKey(CohortAssessment, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(CohortAssessment, on_delete=models.CASCADE, related_name="+")
    found_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["found_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["uploaded", "other"], name="one_conflict_per_pair"),
            models.CheckConstraint(
                condition=~Q(uploaded=models.F("other")), name="conflict_of_two_assessments"
            ),
        ]
        indexes = [models.Index(fields=["enrolment", "settled_at"], name="conflict_open")]
        verbose_name = _("conflict")
        verbose_name_plural = _("conflicts")

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.uploaded_id} / {self.other_id} ({self.decision or '-'})"

    @property
    def is_open(self) -> bool:
        return self.settled_at is None
