"""An assessment read on the desk: answers, result and roadmap, never the owner's link.

This is how a programme's people see an owner's own diagnostic (shared with their consent):
read-only, with no action that belongs to the owner (changing it, a new link, deleting it,
e-mailing it).
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import translate_url
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from config.ratelimit import rate_limited
from diagnostic import presenters as diagnostic_presenters
from diagnostic.benchmarks import comparison_for
from diagnostic.selectors import answers_for, instrument_spec, notes_for
from recommendations.presenters import roadmap_context
from recommendations.selectors import roadmap_for_assessment
from recommendations.services import roadmap_pdf_bytes

from ..selectors import linked_for_user_or_404


@login_required
@require_GET
def assessment(request: HttpRequest, pk: int, linked_pk: int) -> HttpResponse:
    linked = linked_for_user_or_404(request.user, pk, linked_pk)
    found = linked.assessment
    spec = instrument_spec(found.instrument)
    language = get_language()
    context = {
        "enrolment": linked.enrolment,
        "linked": linked,
        "assessment": found,
        "result": diagnostic_presenters.result(
            spec, found.result or {}, language, comparison_for(found.firm)
        )
        if found.is_submitted
        else None,
        "review": diagnostic_presenters.review(
            spec, found.firm, answers_for(found), language, notes_for(found)
        ),
    }
    return render(request, "cohorts/assessment.html", context)


@login_required
@require_GET
def assessment_roadmap(request: HttpRequest, pk: int, linked_pk: int) -> HttpResponse:
    linked = linked_for_user_or_404(request.user, pk, linked_pk)
    found = linked.assessment
    if not found.is_submitted:
        raise Http404
    if get_language() != found.language:  # a roadmap reads in its assessment's language
        return redirect(translate_url(request.path, found.language))
    context = roadmap_context(
        instrument=instrument_spec(found.instrument),
        stored_result=found.result or {},
        roadmap=roadmap_for_assessment(found, today=timezone.localdate()),
        firm_name=found.firm.name if found.firm else "",
        day=timezone.localdate(found.submitted_at) if found.submitted_at else None,
        language=found.language,
        comparison=comparison_for(found.firm),
    )
    context.update({"enrolment": linked.enrolment, "linked": linked})
    return render(request, "cohorts/assessment_roadmap.html", context)


@login_required
@require_GET
@rate_limited("pdf", methods=("GET",))
def assessment_roadmap_pdf(request: HttpRequest, pk: int, linked_pk: int) -> HttpResponse:
    """The roadmap PDF, made now and without the owner's link (so never stored with it)."""
    linked = linked_for_user_or_404(request.user, pk, linked_pk)
    found = linked.assessment
    if not found.is_submitted:
        raise Http404
    content = roadmap_pdf_bytes(assessment=found, language=found.language, with_link=False)
    with translation.override(found.language):
        filename = _("digital-roadmap.pdf")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
