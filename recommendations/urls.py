from django.urls import path

from . import views

app_name = "recommendations"

urlpatterns = [
    path("a/<str:token>/roadmap/", views.roadmap, name="roadmap"),
    path("a/<str:token>/roadmap/pdf/", views.roadmap_pdf, name="pdf"),
    path("a/<str:token>/roadmap/pdf/again/", views.roadmap_pdf_again, name="pdf_again"),
    path("a/<str:token>/roadmap/pdf/download/", views.roadmap_pdf_download, name="pdf_download"),
]
