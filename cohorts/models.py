import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BackgroundJob
from diagnostic.models import Assessment, Firm, Score
from recommendations.models import Action, Programme


class Role(models.TextChoices):
    MANAGER = "manager", _("Programme manager")
    COORDINATOR = "coordinator", _("Coordinator")
    CONSULTANT = "consultant", _("Consultant")


class Organisation(models.Model):
    """A state office, university or chamber that runs cohorts of firms."""

    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's role in one organisation; a consultant may belong to a coordinator's team."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    coordinator = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="team",
        verbose_name=_("coordinator"),
        limit_choices_to={"role": Role.COORDINATOR},
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_role_per_organisation"
            )
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8))


class Cohort(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cohorts")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    # Owners type this short code (or open its link) to take the diagnostic within the cohort.
    join_code = models.CharField(_("join code"), max_length=12, unique=True, default=new_join_code)
    # A firm whose latest result is older than this is due a follow-up assessment.
    follow_up_days = models.PositiveSmallIntegerField(
        _("follow-up after (days)"),
        default=150,
        validators=[MinValueValidator(30), MaxValueValidator(730)],
    )
    # A closed cohort takes no new firms, by join code or by a consultant; its records stay.
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return self.name


class EnrolmentStatus(models.TextChoices):
    """Where a firm's work stands in its cohort, worked out by selectors.enrolment_status."""

    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    REVIEWED = "reviewed", _("Reviewed")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")


class Enrolment(models.Model):
    """A firm in a cohort, with the consultant who assesses it: the lead of its team, when
    several students assess the firm together."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="enrolments")
    firm = models.ForeignKey(Firm, on_delete=models.PROTECT, related_name="enrolments")
    consultant = models.ForeignKey(
        Membership,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="enrolments",
        verbose_name=_("consultant"),
        limit_choices_to={"role": Role.CONSULTANT},
    )
    # The rest of the firm's team: they see the firm and fill in its assessments as the lead does.
    members = models.ManyToManyField(
        Membership,
        blank=True,
        related_name="team_enrolments",
        verbose_name=_("team members"),
        limit_choices_to={"role": Role.CONSULTANT},
    )
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The firm's first and latest submitted result in this cohort, with their stage, overall
    # score and the firm's figures as that assessment recorded them (people working, yearly
    # sales, currency, its answer on the share of online sales): kept by
    # services.enrolment_results_refresh in the transaction that changes them, so dashboards
    # and reports read them without ranking or joining every assessment.
    first_result = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    first_result_stage = models.CharField(max_length=1, blank=True, editable=False)
    first_result_overall = models.PositiveSmallIntegerField(null=True, editable=False)
    first_result_employees = models.PositiveIntegerField(null=True, editable=False)
    first_result_turnover = models.DecimalField(
        max_digits=15, decimal_places=2, null=True, editable=False
    )
    first_result_currency = models.CharField(max_length=3, blank=True, editable=False)
    first_result_online_share = models.CharField(max_length=20, blank=True, editable=False)
    latest_result = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, editable=False, related_name="+"
    )
    latest_result_stage = models.CharField(max_length=1, blank=True, editable=False)
    latest_result_overall = models.PositiveSmallIntegerField(null=True, editable=False)
    latest_result_employees = models.PositiveIntegerField(null=True, editable=False)
    latest_result_turnover = models.DecimalField(
        max_digits=15, decimal_places=2, null=True, editable=False
    )
    latest_result_currency = models.CharField(max_length=3, blank=True, editable=False)
    latest_result_online_share = models.CharField(max_length=20, blank=True, editable=False)
    # Worked out from the assessments, so never part of an organisation's export file.
    DERIVED_FIELDS = tuple(
        f"{end}_result_{name}"
        for end in ("first", "latest")
        for name in ("stage", "overall", "employees", "turnover", "currency", "online_share")
    )

    class Meta:
        indexes = [
            models.Index(fields=["cohort", "latest_result_stage"], name="enrolment_latest_stage")
        ]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "firm"], name="one_enrolment_per_firm"),
            models.UniqueConstraint(
                fields=["cohort", "external_id"],
                condition=~Q(external_id=""),
                name="unique_external_id_in_cohort",
            ),
        ]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")

    def __str__(self) -> str:
        return f"{self.firm} · {self.cohort}"


class CohortAssessment(models.Model):
    """An assessment made within a cohort: a baseline or a follow-up, and its review."""

    class Kind(models.TextChoices):
        BASELINE = "baseline", _("Baseline")
        FOLLOW_UP = "follow_up", _("Follow-up")

    class Review(models.TextChoices):
        RETURNED = "returned", _("Returned")
        REVIEWED = "reviewed", _("Reviewed")

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="cohort_link"
    )
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The coordinator's decision; "in progress" and "submitted" come from the assessment.
    review = models.CharField(_("review"), max_length=20, choices=Review.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # A correction of a reviewed assessment is a new revision that points at the one it corrects.
    corrects = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="corrections"
    )
    # Kept, but not the firm's result: two assessments of the same time were made without
    # knowing of each other (one offline), and a coordinator chose the other one to count.
    set_aside = models.BooleanField(_("set aside"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        # A reviewed assessment has one correction; a later change corrects that correction.
        # (One draft per firm spans two tables: the enrolment's row lock keeps that rule.)
        constraints = [
            models.UniqueConstraint(
                fields=["corrects"],
                condition=Q(corrects__isnull=False),
                name="one_correction_per_assessment",
            ),
        ]
        verbose_name = _("cohort assessment")
        verbose_name_plural = _("cohort assessments")

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.get_kind_display()}"


class ScoreTally(models.Model):
    """How many of a cohort's firms have each score (0–100) in their latest result, per
    dimension and area: the cohort's score histogram, kept by services.enrolment_results_refresh
    as each firm's latest result changes, so the dashboard counts 101 rows per dimension instead
    of every score of every firm. `manage.py cohort_tallies --rebuild` counts them again."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="score_tallies")
    kind = models.CharField(max_length=10, choices=Score.Kind.choices)
    code = models.CharField(max_length=64)
    value = models.PositiveSmallIntegerField()
    # Not checked positive: a count gone wrong (a row deleted by hand) must not stop a submit;
    # `cohort_tallies` finds it.
    firms = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "kind", "code", "value"], name="one_tally_per_score"
            )
        ]

    def __str__(self) -> str:
        return f"{self.cohort_id} {self.code}={self.value}: {self.firms}"


class Visit(models.Model):
    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        PHONE = "phone", _("By phone")
        ONLINE = "online", _("Online")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="visits")
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    day = models.DateField(_("date"))
    mode = models.CharField(_("how"), max_length=20, choices=Mode.choices)
    # Students count these hours for credit; visits logged before hours were asked have none.
    hours = models.DecimalField(
        _("hours"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("12"))],
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-created_at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.day}"


class PlannedAction(models.Model):
    """An action of the firm's roadmap that the owner agreed, at a visit, to take by a date, and
    how it went by the follow-up."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    # Still to be done: past their target date, these are overdue.
    OPEN = (Status.PLANNED, Status.IN_PROGRESS)

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="planned_actions"
    )
    # Catalogue actions are retired (inactive), never deleted while a plan names them (unless
    # the plan goes too, with its organisation).
    action = models.ForeignKey(Action, on_delete=models.RESTRICT, related_name="+")
    target = models.DateField(_("target date"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    reason = models.TextField(_("why it was dropped"), max_length=500, blank=True)
    agreed_on = models.DateField(_("agreed on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["target", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "action"], name="one_plan_per_action")
        ]
        verbose_name = _("planned action")
        verbose_name_plural = _("planned actions")

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.action_id} · {self.status}"


class Referral(models.Model):
    """A firm sent to a support programme, and how far it got: referred, applied, granted (or
    turned down)."""

    class Status(models.TextChoices):
        REFERRED = "referred", _("Referred")
        APPLIED = "applied", _("Applied")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Not granted")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="referrals")
    programme = models.ForeignKey(Programme, on_delete=models.RESTRICT, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.REFERRED
    )
    referred_on = models.DateField(_("referred on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["referred_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "programme"], name="one_referral_per_programme"
            )
        ]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.programme_id} · {self.status}"


class Profile(models.Model):
    """What a signed-in person prefers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    language = models.CharField(_("preferred language"), max_length=10)

    def __str__(self) -> str:
        return f"{self.user} ({self.language})"


class Invitation(models.Model):
    """An e-mailed invitation to join an organisation with a role."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    coordinator = models.ForeignKey(
        Membership, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation} ({self.role})"


class ReviewEvent(models.Model):
    """Who did what to a cohort assessment, and when: its review history."""

    class Action(models.TextChoices):
        RETURNED = "returned", _("Returned with a comment")
        REVIEWED = "reviewed", _("Marked as reviewed")
        REOPENED = "reopened", _("Reopened for a correction")
        SET_ASIDE = "set_aside", _("Set aside: another assessment of the same time counts")
        COUNTED = "counted", _("Chosen to count for the firm")

    cohort_assessment = models.ForeignKey(
        CohortAssessment, on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.cohort_assessment} · {self.action}"


class ImportJob(BackgroundJob):
    """A file of responses imported into a cohort in the background, with its progress."""

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    file = models.FileField(upload_to="imports/")
    file_format = models.CharField(max_length=10)  # "csv" or "json"
    language = models.CharField(max_length=10, blank=True)  # of its problems' messages
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True)
    # Failed on the file's own problems: nothing was imported and running it again cannot help.
    refused = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.state}"


class JoinConsent(models.Model):
    """An owner's consent to share their self-diagnostic with a cohort's programme."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="consents")
    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="consent")
    text = models.TextField(_("what the owner agreed to"))
    language = models.CharField(max_length=10)
    consented_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.consented_at:%Y-%m-%d}"


class CohortReport(BackgroundJob):
    """A cohort report PDF, made in the background for a manager, with its progress."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="reports")
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, null=True, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=10)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    progress = models.PositiveSmallIntegerField(default=0)
    step = models.CharField(max_length=20, blank=True)
    file = models.FileField(upload_to="reports/", blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.created_at:%Y-%m-%d} · {self.state}"


class DataExport(BackgroundJob):
    """A cohort's assessments as a file made in the background for a manager: the Excel
    workbook, or the CSV of a cohort too large to stream within a request."""

    class Format(models.TextChoices):
        XLSX = "xlsx", "Excel"
        CSV = "csv", "CSV"

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="data_exports")
    pseudonymised = models.BooleanField(default=False)
    file_format = models.CharField(max_length=4, choices=Format.choices, default=Format.XLSX)
    language = models.CharField(max_length=10)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    progress = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="exports/", blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.cohort} · {self.created_at:%Y-%m-%d} · {self.state}"
