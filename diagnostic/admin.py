from django.contrib import admin

from .models import Answer, Assessment, Firm, Instrument, OutboundEmail


class ReadOnlyAdmin(admin.ModelAdmin):
    """Shown, never edited here: instruments change only through new versioned files."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Instrument)
class InstrumentAdmin(ReadOnlyAdmin):
    list_display = ["code", "loaded_at", "checksum"]


@admin.register(Firm)
class FirmAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "region", "settlement", "sector", "employees", "created_at"]
    list_filter = ["country", "settlement", "sector", "women_led"]
    search_fields = ["name", "region", "municipality"]


class AnswerInline(admin.TabularInline):
    model = Answer
    extra = 0
    can_delete = False
    readonly_fields = ["item_code", "value", "updated_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["firm", "status", "stage", "overall_score", "language", "updated_at"]
    list_filter = ["status", "stage", "language", "instrument"]
    search_fields = ["firm__name"]
    readonly_fields = [
        "token",
        "instrument",
        "firm",
        "status",
        "stage",
        "overall_score",
        "result",
        "submitted_at",
        "created_at",
        "updated_at",
    ]
    exclude = ["last_step"]
    inlines = [AnswerInline]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin):
    list_display = ["subject", "to", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state"]
    exclude = ["body"]  # it may hold a resume or password-reset link, which is a key
