"""The owner's questionnaire: thin views that parse, call a service and render."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from config.ratelimit import rate_limited

from . import presenters
from .access import assisted_edit_refusal, with_assessment
from .benchmarks import comparison_for
from .flow import PROFILE, REVIEW, Step, step_for
from .forms import ProfileForm, StepForm
from .merge import decode_seen, seen_for
from .models import Assessment
from .places import places_of
from .selectors import answers_for, instrument_spec, notes_for
from .services import (
    ProfileMissing,
    TooManyEmails,
    answers_save,
    assessment_delete,
    assessment_start,
    assessment_submit,
    assessment_token_rotate,
    firm_profile_save,
    resume_link_email,
)


@require_http_methods(["GET"])
@cache_control(public=True, max_age=86400)
def places(request: HttpRequest) -> JsonResponse:
    """The states or provinces of ?country=, named in the page's language, for the profile
    form's list (enhancement: without JavaScript the form lists them after the country is
    sent). An unknown country gives an empty list."""
    country = request.GET.get("country", "")[:2]
    return JsonResponse(
        {
            "places": [
                {"code": code, "name": name} for code, name in places_of(country, get_language())
            ]
        }
    )


def landing(request: HttpRequest) -> HttpResponse:
    return render(request, "diagnostic/landing.html")


@require_POST
@rate_limited("new_assessment")
def start(request: HttpRequest) -> HttpResponse:
    assessment = assessment_start(language=get_language())
    return redirect("diagnostic:profile", token=assessment.token)


@with_assessment(draft_only=True)
def resume(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    return redirect(_step_url(assessment, assessment.last_step))


@require_http_methods(["GET", "POST"])
@with_assessment(draft_only=True)
def profile(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    position = step_for(instrument_spec(assessment.instrument), PROFILE)
    assert position is not None  # the profile is always the first step
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=assessment.firm)
        if form.is_valid():
            firm_profile_save(
                assessment=assessment,
                profile=form.cleaned_data,
                step=_next_code(request, position),
                language=get_language(),
            )
            return _go_on(request, assessment, position)
    else:
        form = ProfileForm(instance=assessment.firm)
    return render(
        request,
        "diagnostic/profile.html",
        _page_context(request, assessment, position, form),
    )


@require_http_methods(["GET", "POST"])
@with_assessment(draft_only=True)
def step(request: HttpRequest, assessment: Assessment, code: str) -> HttpResponse:
    spec = instrument_spec(assessment.instrument)
    position = step_for(spec, code)
    if position is None or code == PROFILE:
        raise Http404
    dimension = spec.dimension(code)
    language = get_language()
    conflicts: list[dict] = []
    codes = [item.code for area in dimension.areas for item in area.items]
    if request.method == "POST":
        # Shown again with errors, the page keeps what it first showed as the merge's base.
        seen = request.POST.get("seen", "")
        form = StepForm(
            request.POST,
            instrument=spec,
            dimension=dimension,
            language=language,
            with_notes=assessment.assisted,
        )
        if form.is_valid():
            conflicting = answers_save(
                assessment=assessment,
                items=form.items,
                answers=form.answers,
                step=_next_code(request, position),
                language=language,
                notes=form.notes if assessment.assisted else None,
                seen=decode_seen(seen),
            )
            if not conflicting:
                return _go_on(request, assessment, position)
            # Sent again as it is, the page now overwrites the other person's answers.
            answers, notes = answers_for(assessment), notes_for(assessment)
            seen = seen_for(codes, answers, notes)
            items = [spec.items[code] for code in conflicting]
            conflicts = presenters.conflicts(items, answers, notes, language)
    else:
        answers, notes = answers_for(assessment), notes_for(assessment)
        seen = seen_for(codes, answers, notes)
        initial = StepForm.initial_from_answers(dimension, answers, notes)
        form = StepForm(
            initial=initial,
            instrument=spec,
            dimension=dimension,
            language=language,
            with_notes=assessment.assisted,
        )
    context = _page_context(request, assessment, position, form)
    context["dimension"] = presenters.dimension_page(dimension, form, language)
    context["conflicts"] = conflicts
    context["seen"] = seen
    return render(request, "diagnostic/step.html", context, status=409 if conflicts else 200)


@require_http_methods(["GET", "POST"])
@with_assessment(draft_only=True)
def review(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    if request.method == "POST":
        try:
            submitted = assessment_submit(assessment=assessment)
        except ProfileMissing:
            messages.error(request, _("Please tell us about your business before you submit."))
            return redirect("diagnostic:profile", token=assessment.token)
        if not submitted:
            messages.info(request, _("This diagnostic had already been submitted."))
        return redirect("diagnostic:result", token=assessment.token)
    spec = instrument_spec(assessment.instrument)
    language = get_language()
    context = {
        "assessment": assessment,
        "resume_url": _resume_url(request, assessment),
        "review": presenters.review(
            spec, assessment.firm, answers_for(assessment), language, notes_for(assessment)
        ),
    }
    return render(request, "diagnostic/review.html", context)


@with_assessment(draft_only=False)
def result(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    if not assessment.is_submitted:
        messages.info(request, _("Check your answers and submit them to see your result."))
        return redirect("diagnostic:review", token=assessment.token)
    spec = instrument_spec(assessment.instrument)
    context = {
        "assessment": assessment,
        "result_url": request.build_absolute_uri(),
        "result": presenters.result(
            spec, assessment.result or {}, get_language(), comparison_for(assessment.firm)
        ),
    }
    return render(request, "diagnostic/result.html", context)


@require_POST
@with_assessment(draft_only=True)
def email_link(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    try:
        email = resume_link_email(assessment=assessment, link=_resume_url(request, assessment))
    except ProfileMissing:
        messages.error(request, _("Add your e-mail to your business details first."))
    except TooManyEmails:
        messages.error(
            request,
            _("We have already sent this link several times today. Please check your inbox."),
        )
    else:
        messages.success(
            request,
            _("We are sending the link to %(email)s.") % {"email": email.to},
        )
    return redirect(_step_url(assessment, request.POST.get("step", "")))


@require_POST
@with_assessment(draft_only=False)
def new_link(request: HttpRequest, assessment: Assessment) -> HttpResponseBase:
    # A consultant's draft is theirs to manage; its result, once submitted, is the owner's too.
    if assessment.assisted and not assessment.is_submitted:
        refusal = assisted_edit_refusal(request, assessment)
        if refusal:
            return refusal
    assessment_token_rotate(assessment=assessment)
    messages.success(request, _("Here is your new link. The old one no longer works."))
    if assessment.is_submitted:
        return redirect("diagnostic:result", token=assessment.token)
    return redirect(_step_url(assessment, request.POST.get("step", "")))


def _page_context(request: HttpRequest, assessment: Assessment, position: Step, form) -> dict:
    return {
        "assessment": assessment,
        "position": position,
        "form": form,
        "return_to_review": _returning_to_review(request),
        "resume_url": _resume_url(request, assessment),
    }


def _returning_to_review(request: HttpRequest) -> bool:
    return request.GET.get("return") == REVIEW or request.POST.get("return") == REVIEW


def _next_code(request: HttpRequest, position: Step) -> str:
    if request.POST.get("action") == "back" and position.previous:
        return position.previous
    return REVIEW if _returning_to_review(request) else position.next


def _go_on(request: HttpRequest, assessment: Assessment, position: Step) -> HttpResponse:
    """After a save: back, on to the next step, or back to the review page."""
    return redirect(_step_url(assessment, _next_code(request, position)))


def _step_url(assessment: Assessment, code: str) -> str:
    spec = instrument_spec(assessment.instrument)
    if code == REVIEW:
        return reverse("diagnostic:review", kwargs={"token": assessment.token})
    if code == PROFILE or step_for(spec, code) is None:
        return reverse("diagnostic:profile", kwargs={"token": assessment.token})
    return reverse("diagnostic:step", kwargs={"token": assessment.token, "code": code})


def _resume_url(request: HttpRequest, assessment: Assessment) -> str:
    return request.build_absolute_uri(
        reverse("diagnostic:resume", kwargs={"token": assessment.token})
    )


@require_http_methods(["GET", "POST"])
@with_assessment(draft_only=False)
def delete(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """An owner deletes their own diagnostic; one run by a programme's consultant is not theirs."""
    if assessment.assisted:
        raise Http404
    if request.method == "POST":
        assessment_delete(assessment=assessment)
        return render(request, "diagnostic/deleted.html")
    return render(request, "diagnostic/delete.html", {"assessment": assessment})
