"""Login throttling: django-axes' lock on one username from one address, plus one on the address.

Axes locks a username after AXES_FAILURE_LIMIT wrong passwords from one address. Password
spraying tries one common password on many usernames, so it never trips that lock; this
handler also locks the address itself once all its wrong passwords, whatever the usernames,
reach LOGIN_ADDRESS_FAILURE_LIMIT within the cool-off time. The visitor sees the same
locked-out page.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class AddressAwareHandler(AxesDatabaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        """Failures of this username here; the lock-out count when the address is over its limit."""
        failures = super().get_failures(request, credentials)
        if address_failures(request) >= settings.LOGIN_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures


def address_failures(request: HttpRequest) -> int:
    """Wrong passwords from the request's address within the cool-off time, for any username."""
    attempts = AccessAttempt.objects.filter(
        ip_address=request.axes_ip_address,  # type: ignore[attr-defined]
        attempt_time__gte=get_cool_off_threshold(request),
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
