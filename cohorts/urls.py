from django.contrib.auth import views as auth_views
from django.urls import path

from . import assessment_views, export_views, import_views, plan_views, views

app_name = "cohorts"

urlpatterns = [
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", views.password_reset, name="password_reset"),
    path("accounts/password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/finished/",
        views.password_reset_complete,
        name="password_reset_complete",
    ),
    path("accounts/", views.account, name="account"),
    path("accounts/invitations/<str:token>/", views.invitation, name="invitation"),
    path("join/", views.join_code, name="join_code"),
    path("join/<str:code>/", views.join, name="join"),
    path("desk/", views.desk, name="desk"),
    path("desk/firms/new/", views.firm_new, name="firm_new"),
    path("desk/firms/<int:pk>/", views.firm, name="firm"),
    path("desk/firms/<int:pk>/assess/", views.assessment_new, name="assessment_new"),
    path("desk/firms/<int:pk>/visits/", views.visit_new, name="visit_new"),
    path("desk/firms/<int:pk>/export.json", views.firm_export, name="firm_export"),
    path(
        "desk/firms/<int:pk>/assessments/<int:linked_pk>/",
        assessment_views.assessment,
        name="assessment",
    ),
    path(
        "desk/firms/<int:pk>/assessments/<int:linked_pk>/roadmap/",
        assessment_views.assessment_roadmap,
        name="assessment_roadmap",
    ),
    path(
        "desk/firms/<int:pk>/assessments/<int:linked_pk>/roadmap.pdf",
        assessment_views.assessment_roadmap_pdf,
        name="assessment_roadmap_pdf",
    ),
    path("desk/firms/<int:pk>/assessments/<int:linked_pk>/review/", views.review, name="review"),
    path("desk/firms/<int:pk>/assessments/<int:linked_pk>/correct/", views.correct, name="correct"),
    path(
        "desk/firms/<int:pk>/assessments/<int:linked_pk>/email-roadmap/",
        views.email_roadmap,
        name="email_roadmap",
    ),
    path("desk/firms/<int:pk>/plan/", plan_views.plan_new, name="plan_new"),
    path(
        "desk/firms/<int:pk>/plan/<int:item_pk>/",
        plan_views.planned_action,
        name="planned_action",
    ),
    path("desk/firms/<int:pk>/referrals/", plan_views.referral_new, name="referral_new"),
    path("desk/firms/<int:pk>/referrals/<int:item_pk>/", plan_views.referral, name="referral"),
    path("desk/activity/", views.activity, name="activity"),
    path("desk/cohorts/", views.cohort_list, name="cohorts"),
    path("desk/cohorts/new/", views.cohort_new, name="cohort_new"),
    path("desk/cohorts/<int:cohort_pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("desk/teams/", views.teams, name="teams"),
    path("desk/firms/<int:pk>/consultant/", views.reassign, name="reassign"),
    path("desk/invite/", views.invite, name="invite"),
    path("desk/dashboard/", views.dashboard, name="dashboard"),
    path("desk/reports/new/", views.report_new, name="report_new"),
    path("desk/reports/<int:pk>/", views.report, name="report"),
    path("desk/reports/<int:pk>/again/", views.report_again, name="report_again"),
    path("desk/reports/<int:pk>/download/", views.report_download, name="report_download"),
    path("desk/cohorts/<int:cohort_pk>/exports/", export_views.exports, name="exports"),
    path(
        "desk/cohorts/<int:cohort_pk>/exports/assessments.csv",
        export_views.export_csv,
        name="export_csv",
    ),
    path(
        "desk/cohorts/<int:cohort_pk>/exports/workbooks/",
        export_views.workbook_new,
        name="workbook_new",
    ),
    path("desk/workbooks/<int:pk>/", export_views.workbook, name="workbook"),
    path("desk/workbooks/<int:pk>/again/", export_views.workbook_again, name="workbook_again"),
    path(
        "desk/workbooks/<int:pk>/download/",
        export_views.workbook_download,
        name="workbook_download",
    ),
    path(
        "desk/cohorts/<int:cohort_pk>/exports/codebook.csv",
        export_views.export_codebook,
        name="export_codebook",
    ),
    path("desk/cohorts/<int:cohort_pk>/import/", import_views.import_new, name="import_new"),
    path("desk/imports/template.csv", import_views.import_template, name="import_template"),
    path("desk/imports/<int:job_pk>/", import_views.import_status, name="import_status"),
    path("desk/imports/<int:job_pk>/again/", import_views.import_again, name="import_again"),
]
