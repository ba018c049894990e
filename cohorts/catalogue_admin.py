"""An organisation's own catalogue: programmes and providers its managers add for the firms in
its cohorts, beside the site's, edited with the site catalogue's editor (the same forms, checks
and CSV import) and scoped to the organisations each manager runs.

It is a second admin site at /<language>/desk/catalogue/ for managers, who are not staff:
every list, form and file shows and changes only their organisations' own entries.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from recommendations.admin import CSVAdmin, ProgrammeAdmin, ProviderAdmin
from recommendations.models import Programme, Provider

from .models import Organisation, Role


def organisations_managed(request: HttpRequest) -> QuerySet[Organisation]:
    if not request.user.is_authenticated or not request.user.is_active:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=request.user, memberships__role=Role.MANAGER
    ).distinct()


class OrganisationCatalogueSite(admin.AdminSite):
    site_header = _("Your organisation’s catalogue")
    site_title = _("Your organisation’s catalogue")
    index_title = _("Programmes and providers for your cohorts’ firms")

    def has_permission(self, request: HttpRequest) -> bool:
        return organisations_managed(request).exists()

    def each_context(self, request: HttpRequest) -> dict:
        return {**super().each_context(request), "site_url": reverse("cohorts:desk")}


catalogue_site = OrganisationCatalogueSite(name="catalogue")


class OwnEntries(CSVAdmin):
    """A catalogue list scoped to the manager's organisations."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .filter(  # type: ignore[misc]
                catalogue_of__in=organisations_managed(request)
            )
        )

    def csv_owners(self, request: HttpRequest) -> QuerySet[Organisation]:
        return organisations_managed(request)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "catalogue_of":
            kwargs["queryset"] = organisations_managed(request)
            kwargs["required"] = True
            kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return True

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return True

    def has_add_permission(self, request: HttpRequest) -> bool:
        return True

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return True

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return True


@admin.register(Programme, site=catalogue_site)
class OwnProgrammeAdmin(OwnEntries, ProgrammeAdmin):
    pass


@admin.register(Provider, site=catalogue_site)
class OwnProviderAdmin(OwnEntries, ProviderAdmin):
    pass
