from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core.errors import ProblemList
from diagnostic.selectors import instruments_shipped_combined
from diagnostic.stages import CONDITION_CODES

from .csv_io import CSVProblems
from .models import Action, Programme, Provider, RoadmapPDF
from .rules import rule_problems
from .services import catalogue_export_csv, catalogue_import_csv


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = [
            "code", "position", "dimension", "area", "categories", "cost", "effort", "horizon",
            "addresses", "when", "title", "why", "steps", "active",
        ]  # fmt: skip

    def clean(self):
        cleaned = self.cleaned_data
        instrument = instruments_shipped_combined()
        dimension, area = cleaned.get("dimension"), cleaned.get("area")
        try:
            areas = {a.code for a in instrument.dimension(dimension or "").areas}
        except KeyError:
            self.add_error("dimension", _("This dimension is not in the instrument."))
        else:
            if area not in areas:
                self.add_error("area", _("This area is not part of the dimension."))
        unknown = [code for code in cleaned.get("addresses") or [] if code not in CONDITION_CODES]
        if unknown:
            self.add_error("addresses", _("Unknown stage conditions: %s") % ", ".join(unknown))
        if cleaned.get("when") is not None:
            for problem in rule_problems(cleaned["when"], instrument):
                self.add_error("when", problem)
        return cleaned


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    form = ActionForm
    list_display = ["code", "dimension", "area", "cost", "effort", "horizon", "active"]
    list_filter = ["dimension", "cost", "horizon", "active"]
    search_fields = ["code", "title"]
    ordering = ["position"]


class CSVUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file (UTF-8)"))

    def __init__(self, *args, owners: QuerySet | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if owners is not None:  # an organisation's own catalogue: which one, if several
            self.fields["catalogue_of"] = forms.ModelChoiceField(
                label=_("Into the catalogue of"), queryset=owners, empty_label=None
            )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class CSVAdmin(admin.ModelAdmin):
    """Import and export of the whole list as CSV, beside the usual editing."""

    csv_kind = ""
    change_list_template = "recommendations/admin/change_list_csv.html"

    def csv_owners(self, request: HttpRequest) -> QuerySet | None:
        """The organisations whose own entries this list holds; None: the site's entries."""
        return None

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        return [
            path("import-csv/", self.admin_site.admin_view(self.import_csv), name=f"{name}_import"),
            path("export-csv/", self.admin_site.admin_view(self.export_csv), name=f"{name}_export"),
            *super().get_urls(),
        ]

    def import_csv(self, request: HttpRequest) -> HttpResponse:
        request.current_app = self.admin_site.name
        if not self.has_change_permission(request) or not self.has_add_permission(request):
            return redirect(reverse("admin:index", current_app=self.admin_site.name))
        problems = ProblemList()
        owners = self.csv_owners(request)
        form = CSVUploadForm(request.POST or None, request.FILES or None, owners=owners)
        if request.method == "POST" and form.is_valid():
            owner = form.cleaned_data.get("catalogue_of")
            try:
                counts = catalogue_import_csv(
                    kind=self.csv_kind,
                    content=form.cleaned_data["file"].read(),
                    catalogue_of=owner.pk if owner else None,
                )
            except CSVProblems as error:
                problems = error.problems
            else:
                messages.success(
                    request,
                    _("Imported: %(created)d added, %(updated)d updated.") % counts,
                )
                opts = self.model._meta
                return redirect(
                    reverse(
                        f"admin:{opts.app_label}_{opts.model_name}_changelist",
                        current_app=self.admin_site.name,
                    )
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "problems": problems,
            "title": _("Import from CSV"),
        }
        return render(request, "recommendations/admin/import_csv.html", context)

    def export_csv(self, request: HttpRequest) -> HttpResponse:
        owners = self.csv_owners(request)
        response = HttpResponse(
            catalogue_export_csv(kind=self.csv_kind, owners=owners),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{self.csv_kind}.csv"'
        return response


@admin.register(Programme)
class ProgrammeAdmin(CSVAdmin):
    csv_kind = "programmes"
    list_display = [
        "code", "organisation", "kind", "status", "checked_on", "closes_on", "catalogue_of",
        "active",
    ]  # fmt: skip
    list_filter = ["kind", "status", "active"]
    search_fields = ["code", "organisation", "name"]


@admin.register(Provider)
class ProviderAdmin(CSVAdmin):
    csv_kind = "providers"
    list_display = ["name", "price_tier", "is_example", "catalogue_of", "active"]
    list_filter = ["price_tier", "is_example", "active"]
    search_fields = ["name", "code"]


@admin.register(RoadmapPDF)
class RoadmapPDFAdmin(admin.ModelAdmin):
    list_display = ["assessment", "language", "state", "attempts", "created_at"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in RoadmapPDF._meta.fields]

    def has_add_permission(self, request, obj=None):
        return False
