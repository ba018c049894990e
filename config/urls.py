from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("", include("diagnostic.urls")),
    path("", include("recommendations.urls")),
    path("", include("cohorts.urls")),
)

handler404 = "diagnostic.errors.not_found"
handler500 = "diagnostic.errors.server_error"
