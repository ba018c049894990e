from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BackgroundJob
from diagnostic.models import Assessment, Sector, Settlement

from .catalogue import CATEGORIES
from .fields import CodeListField, TranslatedTextField


class Cost(models.TextChoices):
    FREE = "free", _("Free")
    LOW = "low", _("Low cost")
    MEDIUM = "medium", _("Medium cost")
    HIGH = "high", _("High cost")


class Effort(models.TextChoices):
    LOW = "low", _("Little effort")
    MEDIUM = "medium", _("Some effort")
    HIGH = "high", _("Much effort")


class Horizon(models.TextChoices):
    DAYS_30 = "30_days", _("In the next 30 days")
    MONTHS_3 = "3_months", _("In the next 3 months")
    MONTHS_12 = "12_months", _("In the next 12 months")


class ProgrammeKind(models.TextChoices):
    GRANT = "grant", _("Grant")
    VOUCHER = "voucher", _("Voucher")
    TRAINING = "training", _("Training")
    MENTORING = "mentoring", _("Mentoring")
    MARKETPLACE_ONBOARDING = "marketplace_onboarding", _("Marketplace onboarding")
    PAYMENTS_ONBOARDING = "payments_onboarding", _("Help to take digital payments")
    FINANCING = "financing", _("Financing")


class ProgrammeStatus(models.TextChoices):
    OPEN = "open", _("Taking applications")
    CLOSED = "closed", _("Closed")
    UNKNOWN = "unknown", _("Not confirmed")


PriceTier = Cost  # a provider's price reads like an action's cost


class OwnershipRule(models.TextChoices):
    REQUIRED = "required", _("Required")
    BONUS = "bonus", _("Gives a higher benefit")


class Action(models.Model):
    """A concrete step, picked for a roadmap when its rule holds."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    position = models.PositiveIntegerField(_("position in the catalogue"), default=0)
    dimension = models.CharField(_("dimension"), max_length=30)
    area = models.CharField(_("area"), max_length=40)
    categories = CodeListField(_("solution categories"), allowed=CATEGORIES)
    cost = models.CharField(_("cost"), max_length=10, choices=Cost.choices)
    effort = models.CharField(_("effort"), max_length=10, choices=Effort.choices)
    horizon = models.CharField(_("horizon"), max_length=10, choices=Horizon.choices)
    addresses = CodeListField(
        _("stage conditions it meets"),
        help_text=_("Codes such as channel_c or capability_b_payments, separated by commas."),
    )
    when = models.JSONField(
        _("rule"),
        null=True,
        blank=True,
        help_text=_("When the action applies, in the rule language; empty: always."),
    )
    providers = CodeListField(
        _("providers"),
        help_text=_(
            "Codes of the providers whose service the steps use, best first, separated by "
            "commas; only these are shown with the action."
        ),
    )
    title = TranslatedTextField(_("title"), max_length=200)
    why = TranslatedTextField(_("why it matters"), multiline=True)
    steps = TranslatedTextField(_("steps, one per line"), multiline=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("action")
        verbose_name_plural = _("actions")

    def __str__(self) -> str:
        return self.code


class Programme(models.Model):
    """A support programme, offered to the firms it covers while it is open."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = TranslatedTextField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=ProgrammeKind.choices)
    benefit = TranslatedTextField(_("benefit"), multiline=True)
    description = TranslatedTextField(_("description"), multiline=True)
    url = models.URLField(_("link"), blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    countries = CodeListField(_("countries"), help_text=_("ISO codes; empty: every country."))
    regions = CodeListField(
        _("regions"),
        help_text=_("ISO 3166-2 codes such as MX-PUE or ES-MD; empty: the whole country."),
    )
    municipalities = CodeListField(
        _("municipalities"), help_text=_("Names of the towns or cities; empty: the whole region.")
    )
    online = models.BooleanField(_("online, anywhere in its countries"), default=False)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    status = models.CharField(
        _("applications"),
        max_length=10,
        choices=ProgrammeStatus.choices,
        default=ProgrammeStatus.UNKNOWN,
        help_text=_("As the programme's sources said when last checked. Closed: never offered."),
    )
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    sources = models.TextField(
        _("sources"),
        blank=True,
        help_text=_("Where the facts come from, one per line: a web address or a document."),
    )
    categories = CodeListField(_("solution categories"), allowed=CATEGORIES)
    employees_min = models.PositiveIntegerField(_("employees, at least"), null=True, blank=True)
    employees_max = models.PositiveIntegerField(_("employees, at most"), null=True, blank=True)
    # 15 digits: SQLite keeps 15 significant digits, and a 16-digit limit read back rounded up
    # to 17 digits breaks every roadmap.
    turnover_max = models.DecimalField(
        _("yearly sales, at most"), max_digits=15, decimal_places=2, null=True, blank=True
    )
    turnover_currency = models.CharField(_("currency of the sales limit"), max_length=3, blank=True)
    years_trading_min = models.DecimalField(
        _("years trading, at least"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    years_trading_max = models.DecimalField(
        _("years trading, at most"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    sectors_included = CodeListField(_("only these sectors"), allowed=tuple(Sector.values))
    sectors_excluded = CodeListField(_("not these sectors"), allowed=tuple(Sector.values))
    physical_storefront_required = models.BooleanField(
        _("needs a shop open to customers"), default=False
    )
    town_population_max = models.PositiveIntegerField(
        _("town population, at most"), null=True, blank=True
    )
    settlements = CodeListField(_("only these types of place"), allowed=tuple(Settlement.values))
    women_owned = models.CharField(
        _("women-owned firms"), max_length=10, choices=OwnershipRule.choices, blank=True
    )
    minority_owned = models.CharField(
        _("minority-owned firms"), max_length=10, choices=OwnershipRule.choices, blank=True
    )
    formally_registered_required = models.BooleanField(
        _("needs formal registration"), default=False
    )
    other_conditions = models.JSONField(
        _("other conditions"),
        default=list,
        blank=True,
        help_text=_("A list of texts by language, each to check with the programme."),
    )
    # An organisation's own entry, shown only to the firms in its cohorts; empty: the site's,
    # shown to every firm it covers.
    catalogue_of = models.ForeignKey(
        "cohorts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("in the catalogue of"),
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("support programme")
        verbose_name_plural = _("support programmes")

    def __str__(self) -> str:
        return self.code


class Provider(models.Model):
    """A service provider or platform, by solution category and coverage."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    categories = CodeListField(_("solution categories"), allowed=CATEGORIES)
    description = TranslatedTextField(_("description"), multiline=True)
    countries = CodeListField(_("countries"), help_text=_("ISO codes; empty: every country."))
    regions = CodeListField(
        _("regions"),
        help_text=_("ISO 3166-2 codes such as MX-PUE or ES-MD; empty: the whole country."),
    )
    municipalities = CodeListField(
        _("municipalities"), help_text=_("Names of the towns or cities; empty: the whole region.")
    )
    online = models.BooleanField(_("serves online"), default=False)
    languages = CodeListField(_("languages"))
    price_tier = models.CharField(_("price"), max_length=10, choices=PriceTier.choices)
    url = models.URLField(_("link"), blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    is_example = models.BooleanField(_("an invented example"), default=False)
    # An organisation's own entry, shown only to the firms in its cohorts; empty: the site's,
    # shown to every firm it covers.
    catalogue_of = models.ForeignKey(
        "cohorts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("in the catalogue of"),
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("provider")
        verbose_name_plural = _("providers")

    def __str__(self) -> str:
        return self.name


class RoadmapPDF(BackgroundJob):
    """A roadmap PDF, rendered once per assessment, language and catalogue version."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="roadmap_pdfs"
    )
    language = models.CharField(max_length=10)
    catalogue_version = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="roadmaps/", blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "language", "catalogue_version"], name="one_pdf_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.language} {self.state}"


class RoadmapSummary(models.Model):
    """What the roadmap of a submitted assessment recommends: kept so reports count it in SQL."""

    class Kind(models.TextChoices):
        ACTION = "action", _("Action")
        PROGRAMME = "programme", _("Programme")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="roadmap_summary"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    code = models.CharField(max_length=64)
    eligible = models.CharField(max_length=5, blank=True)  # programmes: a catalogue.Verdict

    class Meta:
        indexes = [models.Index(fields=["kind", "code"])]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.kind} {self.code}"
