"""Pages nobody else may keep: `Cache-Control: private, no-store`, decided by the route.

A page under an owner's link shows their business; the desk, its downloads and the accounts
show people's data. No shared proxy or browser cache may keep a copy, and the back button of
a shared computer should not bring one back.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.urls import ResolverMatch
from django.utils.cache import patch_cache_control

# Every page of these namespaces: the desk, its exports and imports, accounts, joining, and
# the field app's bundle and uploads.
PRIVATE_NAMESPACES = {"cohorts", "admin", "field"}
# And any route that carries a secret: an assessment's link, an invitation, a password reset.
SECRET_KWARGS = {"token", "uidb64"}


def is_private(match: ResolverMatch | None) -> bool:
    if match is None:
        return False
    return bool(set(match.namespaces) & PRIVATE_NAMESPACES or SECRET_KWARGS & set(match.kwargs))


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if is_private(getattr(request, "resolver_match", None)):
            patch_cache_control(response, private=True, no_store=True)
        return response
