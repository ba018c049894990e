from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from cohorts.catalogue_admin import catalogue_site
from config.health import health

urlpatterns: list[URLPattern | URLResolver] = [
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("desk/catalogue/", catalogue_site.urls),
    path("", include("diagnostic.urls")),
    path("", include("recommendations.urls")),
    path("", include("cohorts.urls")),
    path("", include("field.urls")),
)

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.not_found"
handler500 = "core.errors.server_error"
