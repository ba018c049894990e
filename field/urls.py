from django.urls import path

from . import views

app_name = "field"

urlpatterns = [
    path("desk/field/app/", views.app, name="app"),
    path("desk/field/app/sw.js", views.service_worker, name="service_worker"),
    path("desk/field/app/manifest.webmanifest", views.manifest, name="manifest"),
    path("desk/field/bundle.json", views.bundle, name="bundle"),
    path("desk/field/assessments/", views.upload, name="upload"),
    path("desk/field/conflicts/", views.conflicts, name="conflicts"),
    path(
        "desk/field/conflicts/<int:pk>/settle/",
        views.conflict_settle_view,
        name="conflict_settle",
    ),
]
