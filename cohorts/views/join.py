"""Owners joining a cohort with its code, for a diagnostic of their own."""

from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from config.ratelimit import rate_limited

from ..forms import (
    JoinCodeForm,
    JoinForm,
    consent_text,
)
from ..selectors import cohort_by_join_code
from ..services import (
    cohort_join,
)


@require_http_methods(["GET"])
def join_code(request: HttpRequest) -> HttpResponse:
    """Where an owner types the short code a programme gave them."""
    form = JoinCodeForm(request.GET or None)
    if form.is_valid():
        return redirect("cohorts:join", code=form.cleaned_data["code"].strip().upper())
    return render(request, "cohorts/join_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
@rate_limited("new_assessment")
def join(request: HttpRequest, code: str) -> HttpResponse:
    cohort = cohort_by_join_code(code)
    if cohort is None:
        return render(request, "cohorts/join_unknown.html", {"form": JoinCodeForm()}, status=404)
    if cohort.closed_on is not None:
        return render(request, "cohorts/join_closed.html", {"cohort": cohort}, status=410)
    form = JoinForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        assessment = cohort_join(
            cohort=cohort,
            profile=form.profile(),
            consent_text=consent_text(cohort),
            language=get_language(),
        )
        return redirect("diagnostic:step", token=assessment.token, code="readiness")
    return render(request, "cohorts/join.html", {"form": form, "cohort": cohort})
