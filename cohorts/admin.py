"""A site administrator sets up an organisation and its first manager here; managers do the
rest from their desk (cohorts, invitations, teams)."""

from django.contrib import admin

from .models import Cohort, Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    fields = ["user", "role", "coordinator"]
    autocomplete_fields = ["user"]
    extra = 1


class CohortInline(admin.TabularInline):
    model = Cohort
    fields = ["name", "join_code", "follow_up_days", "closed_on"]
    readonly_fields = ["join_code"]
    extra = 0
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [MembershipInline, CohortInline]


@admin.register(Cohort)
class CohortAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "join_code", "follow_up_days", "closed_on"]
    list_filter = ["organisation"]
    search_fields = ["name", "join_code"]
    readonly_fields = ["join_code"]
