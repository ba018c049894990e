from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .contact import phone_display
from .places import subdivision_name


class Instrument(models.Model):
    """One version of the question bank, loaded from a file; frozen once an assessment uses it."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    definition = models.JSONField(_("definition"))
    checksum = models.CharField(_("checksum"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")

    def __str__(self) -> str:
        return self.code


class Settlement(models.TextChoices):
    METRO = "metro", _("Large city (over 1 million people)")
    CITY = "city", _("Smaller city")
    RURAL = "rural", _("Small town or countryside")


class Sector(models.TextChoices):
    RETAIL_GOODS = "retail_goods", _("Shop or retail of goods")
    MANUFACTURING = "manufacturing", _("Manufacturing")
    AGRIFOOD = "agrifood", _("Farming, food and drink")
    CRAFTS_TEXTILES = "crafts_textiles", _("Crafts and textiles")
    SERVICES_B2C = "services_b2c", _("Services for people (beauty, repairs, health…)")
    SERVICES_B2B = "services_b2b", _("Services for other businesses")
    TOURISM_HOSPITALITY = "tourism_hospitality", _("Tourism, hotels and restaurants")
    IT_DIGITAL_SERVICES = "it_digital_services", _("IT and digital services")
    OTHER = "other", _("Other")


class Firm(models.Model):
    """The business being assessed: the profile of DESIGN 2.4."""

    # The profile an owner or consultant gives, in the order it is asked.
    PROFILE_FIELDS = (
        "name",
        "owner_name",
        "contact_email",
        "phone",
        "country",
        "region",
        "municipality",
        "settlement",
        "town_population",
        "sector",
        "employees",
        "annual_turnover",
        "currency",
        "years_trading",
        "women_led",
        "has_physical_storefront",
        "formally_registered",
        "exports",
    )
    # What changes over time and so is kept with each submitted assessment as well.
    SNAPSHOT_FIELDS = ("employees", "annual_turnover", "currency")

    name = models.CharField(_("business name"), max_length=200)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    owner_name = models.CharField(_("owner's name"), max_length=120, blank=True)
    # E.164 (+5215512345678), checked for the firm's country (diagnostic.contact).
    phone = models.CharField(_("WhatsApp or mobile number"), max_length=20, blank=True)
    country = CountryField(_("country"))
    # ISO 3166-2 code of the most specific subdivision (diagnostic.places); empty where the
    # country has none. Older rows may hold a name the form asks to choose again.
    region = models.CharField(_("state or province"), max_length=120, blank=True)
    municipality = models.CharField(_("municipality"), max_length=120, blank=True)
    settlement = models.CharField(_("type of place"), max_length=10, choices=Settlement.choices)
    town_population = models.PositiveIntegerField(
        _("population of your town"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(40_000_000)],
    )
    sector = models.CharField(_("main activity"), max_length=30, choices=Sector.choices)
    employees = models.PositiveIntegerField(
        _("people working in the business"),
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
    )
    # 15 digits: SQLite keeps a decimal as a double, exact to 15 significant digits only.
    annual_turnover = models.DecimalField(
        _("yearly sales"),
        max_digits=15,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    years_trading = models.PositiveSmallIntegerField(
        _("years in business"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200)],
    )
    women_led = models.BooleanField(_("led by a woman"), null=True, blank=True)
    has_physical_storefront = models.BooleanField(
        _("has a shop or premises open to customers"), null=True, blank=True
    )
    formally_registered = models.BooleanField(_("formally registered"), null=True, blank=True)
    exports = models.BooleanField(_("sells abroad"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("firm")
        verbose_name_plural = _("firms")

    def __str__(self) -> str:
        return self.name

    def phone_display(self) -> str:
        """The number as people write it: "+52 55 1234 5678"."""
        return phone_display(self.phone)

    def region_name(self) -> str:
        """The state or province as the reader calls it ("Comunidad de Madrid")."""
        return subdivision_name(self.region, get_language() or "en")


class Assessment(models.Model):
    """One run of the questionnaire for a firm, reachable by its resume token."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    token = models.CharField(max_length=64, unique=True)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="assessments")
    firm = models.ForeignKey(
        Firm, on_delete=models.CASCADE, null=True, blank=True, related_name="assessments"
    )
    language = models.CharField(_("language"), max_length=10)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    last_step = models.CharField(max_length=40, default="profile")
    # Run by a consultant with the owner: each item can carry a note.
    assisted = models.BooleanField(default=False)
    # Started from an earlier assessment's answers, to be checked again one by one.
    prefilled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The stored result (DESIGN 2.2): reports aggregate these without re-scoring.
    overall_score = models.PositiveSmallIntegerField(null=True, blank=True)
    # Completeness (DESIGN 2.2): the scored questions the overall rests on, of those that apply;
    # empty for results scored before it was recorded.
    items_scored = models.PositiveSmallIntegerField(null=True, blank=True)
    items_applicable = models.PositiveSmallIntegerField(null=True, blank=True)
    # The firm as it was when submitted, so change from baseline to follow-up shows in jobs
    # and sales, not only in scores (online sales share and channels are answers already).
    employees = models.PositiveIntegerField(null=True, blank=True)
    annual_turnover = models.DecimalField(max_digits=15, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    stage = models.CharField(max_length=1, blank=True)
    result = models.JSONField(null=True, blank=True)
    # The id the device gave an assessment made offline (the field app): an upload sent again
    # finds this row instead of making a second one. Unique, so two uploads at once store one.
    client_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.firm or '—'} ({self.get_status_display()})"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED


class Answer(models.Model):
    """The answer to one item: an option code, a list of option codes, or a number."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    item_code = models.CharField(max_length=64)
    value = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item_code"], name="one_answer_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_code}={self.value}"


class Score(models.Model):
    """One stored 0–100 score of a submitted assessment, so reports aggregate it in SQL."""

    class Kind(models.TextChoices):
        DIMENSION = "dimension", _("Dimension")
        AREA = "area", _("Area")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    code = models.CharField(max_length=64)
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "kind", "code"], name="one_score_each")
        ]
        indexes = [models.Index(fields=["kind", "code", "value"])]

    def __str__(self) -> str:
        return f"{self.code}={self.value}"


class AnswerNote(models.Model):
    """A consultant's note on one item of an assisted assessment."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="notes")
    item_code = models.CharField(max_length=64)
    text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item_code"], name="one_note_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_code}: {self.text[:40]}"


class OutboundEmail(models.Model):
    """An e-mail to send in the background; the state column makes sending idempotent."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    attachment = models.FileField(upload_to="outbox/", blank=True)
    attachment_name = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.subject} → {self.to} ({self.state})"


class Benchmark(models.Model):
    """The mean score of one dimension among similar firms' latest results: a group of firms
    (same sector and size band, same sector, or all) with at least MIN_FIRMS of them.

    Worked out in SQL by `benchmarks.benchmarks_refresh` in the background; read as is.
    """

    class Group(models.TextChoices):
        SECTOR_SIZE = "sector_size", _("same activity and size")
        SECTOR = "sector", _("same activity")
        ALL = "all", _("all businesses")

    group = models.CharField(max_length=12, choices=Group.choices)
    sector = models.CharField(max_length=30, blank=True)
    size = models.CharField(max_length=10, blank=True)
    dimension = models.CharField(max_length=64)
    firms = models.PositiveIntegerField()
    mean = models.PositiveSmallIntegerField()
    refreshed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["group", "sector", "size", "dimension"], name="one_benchmark_each"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.sector} {self.size} {self.dimension}={self.mean}"
