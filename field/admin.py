"""Uploads and conflicts, read-only: where a site administrator finds the offline results the
phone's rules worked out differently from the server (a fault in the app's rules)."""

from django.contrib import admin

from diagnostic.admin import ReadOnlyAdmin

from .models import Conflict, OfflineAssessment


@admin.register(OfflineAssessment)
class OfflineAssessmentAdmin(ReadOnlyAdmin):
    list_display = ["assessment", "uploaded_by", "finished_at", "uploaded_at", "result_matches"]
    list_filter = ["result_matches"]
    list_select_related = ["assessment__firm", "uploaded_by"]


@admin.register(Conflict)
class ConflictAdmin(ReadOnlyAdmin):
    list_display = ["enrolment", "found_at", "decision", "settled_by", "settled_at"]
    list_filter = ["decision"]
    list_select_related = ["enrolment__firm", "enrolment__cohort", "settled_by"]
