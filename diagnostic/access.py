"""Who reaches an assessment: whoever holds its unguessable token, and nobody else."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .selectors import assessment_get_by_token, assessment_is_expired

AssessmentView = Callable[..., HttpResponseBase]


def with_assessment(*, draft_only: bool) -> Callable[[AssessmentView], AssessmentView]:
    """Resolve the token in the URL; unknown and expired links get a page that helps."""

    def decorator(view: AssessmentView) -> AssessmentView:
        @wraps(view)
        def wrapper(request: HttpRequest, token: str, *args, **kwargs) -> HttpResponseBase:
            assessment = assessment_get_by_token(token)
            if assessment is None:
                return render(request, "diagnostic/link_unknown.html", status=404)
            if assessment_is_expired(assessment):
                return render(request, "diagnostic/link_expired.html", status=410)
            if draft_only and assessment.is_submitted:
                messages.info(
                    request,
                    _(
                        "This diagnostic has already been submitted, so its answers can no "
                        "longer change. Here is your result."
                    ),
                )
                return redirect("diagnostic:result", token=assessment.token)
            return view(request, assessment, *args, **kwargs)

        return wrapper

    return decorator
