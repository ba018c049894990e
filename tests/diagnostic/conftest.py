"""Lets the pure diagnostic tests translate text with or without pytest-django."""

import os

import django
from django.apps import apps
from django.conf import settings

# pytest-django (or the environment) names a settings module; without one, run on the minimum
# that translation needs.
if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(
        USE_I18N=True,
        LANGUAGE_CODE="en",
        LANGUAGES=[("en", "English"), ("es", "Spanish")],
        INSTALLED_APPS=[],
    )
if not apps.ready:
    django.setup()
