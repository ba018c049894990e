from django.urls import path

from . import views

app_name = "field"

urlpatterns = [
    path("desk/field/bundle.json", views.bundle, name="bundle"),
    path("desk/field/assessments/", views.upload, name="upload"),
    path("desk/field/conflicts/", views.conflicts, name="conflicts"),
    path(
        "desk/field/conflicts/<int:pk>/settle/",
        views.conflict_settle_view,
        name="conflict_settle",
    ),
]
