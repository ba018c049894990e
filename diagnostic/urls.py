from django.urls import path

from . import paper, views

app_name = "diagnostic"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("start/", views.start, name="start"),
    path("places/", views.places, name="places"),
    path("a/<str:token>/", views.resume, name="resume"),
    path("a/<str:token>/profile/", views.profile, name="profile"),
    path("a/<str:token>/step/<slug:code>/", views.step, name="step"),
    path("a/<str:token>/review/", views.review, name="review"),
    path("a/<str:token>/result/", views.result, name="result"),
    path("a/<str:token>/email-link/", views.email_link, name="email_link"),
    path("a/<str:token>/new-link/", views.new_link, name="new_link"),
    path("a/<str:token>/delete/", views.delete, name="delete"),
    path("paper/questionnaire.pdf", paper.paper_questionnaire, name="paper_questionnaire"),
]
