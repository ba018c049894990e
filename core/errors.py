"""Error pages in the site's look and the visitor's language (the URL's /es/ or /en/).

Also the bounded list of problems that checking an uploaded file reports.
"""

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext, ngettext

# An uploaded file's check lists at most this many problems, and stops there.
PROBLEMS_SHOWN = 100


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent after its page expired: common on a phone left open for hours. A JSON
    request (an app's upload) is answered in JSON, so the app can tell why."""
    if request.content_type == "application/json":
        message = gettext(
            "The request’s security token is missing or out of date: get a new one and send "
            "the request again."
        )
        return JsonResponse({"error": "csrf_failed", "message": message}, status=403)
    return render(request, "403_csrf.html", status=403)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No session lookup: the error may be that the database is unreachable.
    return render(request, "500.html", {"user": AnonymousUser()}, status=500)


class ProblemList:
    """Problems found checking a file: the first `limit` kept, any more only counted.

    Checkers stop once it is `full`, so a file with thousands of problems costs no more time,
    memory or page than one with a hundred.
    """

    def __init__(self, limit: int = PROBLEMS_SHOWN) -> None:
        self.limit = limit
        self.shown: list[str] = []
        self.count = 0

    def add(self, problem: str) -> None:
        self.count += 1
        if len(self.shown) < self.limit:
            self.shown.append(problem)

    @property
    def full(self) -> bool:
        return self.count >= self.limit

    def __bool__(self) -> bool:
        return self.count > 0

    def lines(self) -> list[str]:
        """The problems kept, then how many more were found, in the active language."""
        more = self.count - len(self.shown)
        if not more:
            return list(self.shown)
        message = ngettext("…and %(count)s more problem.", "…and %(count)s more problems.", more)
        return [*self.shown, message % {"count": number_format(more, force_grouping=True)}]
