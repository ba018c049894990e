from django.contrib.auth import views as auth_views
from django.urls import path

from .views import accounts, assessments, desk, exports, imports, join, plans, programme

app_name = "cohorts"

urlpatterns = [
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", accounts.password_reset, name="password_reset"),
    path("accounts/password-reset/sent/", accounts.password_reset_done, name="password_reset_done"),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        accounts.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/finished/",
        accounts.password_reset_complete,
        name="password_reset_complete",
    ),
    path("accounts/", accounts.account, name="account"),
    path("accounts/invitations/<str:token>/", accounts.invitation, name="invitation"),
    path("join/", join.join_code, name="join_code"),
    path("join/<str:code>/", join.join, name="join"),
    path("desk/", desk.desk, name="desk"),
    path("desk/firms/new/", desk.firm_new, name="firm_new"),
    path("desk/firms/<int:pk>/", desk.firm, name="firm"),
    path("desk/firms/<int:pk>/assess/", desk.assessment_new, name="assessment_new"),
    path("desk/firms/<int:pk>/visits/", desk.visit_new, name="visit_new"),
    path("desk/firms/<int:pk>/export.json", desk.firm_export, name="firm_export"),
    path(
        "desk/firms/<int:pk>/assessments/<int:linked_pk>/",
        assessments.assessment,
        name="assessment",
    ),
    path(
        "desk/firms/<int:pk>/assessments/<int:linked_pk>/roadmap/",
        assessments.assessment_roadmap,
        name="assessment_roadmap",
    ),
    path(
        "desk/firms/<int:pk>/assessments/<int:linked_pk>/roadmap.pdf",
        assessments.assessment_roadmap_pdf,
        name="assessment_roadmap_pdf",
    ),
    path("desk/firms/<int:pk>/assessments/<int:linked_pk>/review/", desk.review, name="review"),
    path("desk/firms/<int:pk>/assessments/<int:linked_pk>/correct/", desk.correct, name="correct"),
    path(
        "desk/firms/<int:pk>/assessments/<int:linked_pk>/email-roadmap/",
        desk.email_roadmap,
        name="email_roadmap",
    ),
    path("desk/firms/<int:pk>/plan/", plans.plan_new, name="plan_new"),
    path(
        "desk/firms/<int:pk>/plan/<int:item_pk>/",
        plans.planned_action,
        name="planned_action",
    ),
    path("desk/firms/<int:pk>/referrals/", plans.referral_new, name="referral_new"),
    path("desk/firms/<int:pk>/referrals/<int:item_pk>/", plans.referral, name="referral"),
    path("desk/activity/", desk.activity, name="activity"),
    path("desk/cohorts/", programme.cohort_list, name="cohorts"),
    path("desk/cohorts/new/", programme.cohort_new, name="cohort_new"),
    path("desk/cohorts/<int:cohort_pk>/edit/", programme.cohort_edit, name="cohort_edit"),
    path("desk/teams/", programme.teams, name="teams"),
    path("desk/firms/<int:pk>/consultant/", desk.reassign, name="reassign"),
    path("desk/invite/", programme.invite, name="invite"),
    path("desk/dashboard/", programme.dashboard, name="dashboard"),
    path("desk/reports/new/", programme.report_new, name="report_new"),
    path("desk/reports/<int:pk>/", programme.report, name="report"),
    path("desk/reports/<int:pk>/again/", programme.report_again, name="report_again"),
    path("desk/reports/<int:pk>/download/", programme.report_download, name="report_download"),
    path("desk/cohorts/<int:cohort_pk>/exports/", exports.exports, name="exports"),
    path(
        "desk/cohorts/<int:cohort_pk>/exports/assessments.csv",
        exports.export_csv,
        name="export_csv",
    ),
    path(
        "desk/cohorts/<int:cohort_pk>/exports/workbooks/",
        exports.workbook_new,
        name="workbook_new",
    ),
    path("desk/workbooks/<int:pk>/", exports.workbook, name="workbook"),
    path("desk/workbooks/<int:pk>/again/", exports.workbook_again, name="workbook_again"),
    path(
        "desk/workbooks/<int:pk>/download/",
        exports.workbook_download,
        name="workbook_download",
    ),
    path(
        "desk/cohorts/<int:cohort_pk>/exports/codebook.csv",
        exports.export_codebook,
        name="export_codebook",
    ),
    path("desk/cohorts/<int:cohort_pk>/import/", imports.import_new, name="import_new"),
    path("desk/imports/template.csv", imports.import_template, name="import_template"),
    path("desk/imports/<int:job_pk>/", imports.import_status, name="import_status"),
    path("desk/imports/<int:job_pk>/again/", imports.import_again, name="import_again"),
]
