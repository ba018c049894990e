"""The staff's and joining owners' pages, one module for each part of the site: thin views
over the scoped reads of `cohorts.selectors` and the writes of `cohorts.services`."""

from django.contrib.auth.models import User
from django.http import HttpRequest


def signed_in(request: HttpRequest) -> User:
    """The person behind a request that `login_required` let through."""
    assert isinstance(request.user, User)
    return request.user
