"""Who reaches an assessment: whoever holds its unguessable token, and nobody else.

An assisted assessment (run by a programme's consultant) can be read with its token, so the
owner keeps their result and roadmap, but only the people the programme allows may change
it: settings.ASSISTED_EDIT_POLICY names the function that decides.

An owner's own diagnostic shared with a programme stays the owner's: the programme's people
read it on their desk (settings.OWNER_ASSESSMENT_STAFF_PAGE names where), never act through
the owner's link, even one they came to hold.
"""

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import Assessment
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
            staff_page = _staff_page(request, assessment)
            if staff_page:
                messages.info(
                    request,
                    _(
                        "This is the owner’s own diagnostic. The programme sees it here, "
                        "read-only; only the owner can change it."
                    ),
                )
                return redirect(staff_page)
            if draft_only and assessment.is_submitted:
                messages.info(
                    request,
                    _(
                        "This diagnostic has already been submitted, so its answers can no "
                        "longer change. Here is your result."
                    ),
                )
                return redirect("diagnostic:result", token=assessment.token)
            if draft_only and assessment.assisted:
                refusal = assisted_edit_refusal(request, assessment)
                if refusal:
                    return refusal
            return view(request, assessment, *args, **kwargs)

        return wrapper

    return decorator


def assisted_edit_refusal(request: HttpRequest, assessment: Assessment) -> HttpResponseBase | None:
    """None when this person may change an assisted assessment; else the answer to give."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not import_string(settings.ASSISTED_EDIT_POLICY)(request.user, assessment):
        raise Http404
    return None


def _staff_page(request: HttpRequest, assessment: Assessment) -> str | None:
    if assessment.assisted or not request.user.is_authenticated:
        return None
    return import_string(settings.OWNER_ASSESSMENT_STAFF_PAGE)(request.user, assessment)
