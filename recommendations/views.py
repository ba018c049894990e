"""The roadmap page and its PDF, for whoever holds the assessment's link."""

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.ratelimit import rate_limited
from core.jobs import QueueUnavailable
from diagnostic.access import with_assessment
from diagnostic.benchmarks import comparison_for
from diagnostic.models import Assessment
from diagnostic.selectors import instrument_spec

from .models import RoadmapPDF
from .presenters import roadmap_context
from .selectors import catalogue_version, roadmap_for_assessment, roadmap_pdf_for
from .services import roadmap_pdf_request, roadmap_pdf_retry


def _submitted_in_its_language(request: HttpRequest, assessment: Assessment, name: str):
    """A roadmap is shown in the language of its assessment, whatever the viewer's."""
    if not assessment.is_submitted:
        messages.info(request, _("Check your answers and submit them to see your roadmap."))
        return redirect("diagnostic:review", token=assessment.token)
    if translation.get_language() != assessment.language:
        with translation.override(assessment.language):
            return redirect(reverse(name, kwargs={"token": assessment.token}))
    return None


@require_GET
@with_assessment(draft_only=False)
def roadmap(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    elsewhere = _submitted_in_its_language(request, assessment, "recommendations:roadmap")
    if elsewhere:
        return elsewhere
    plan = roadmap_for_assessment(assessment, today=timezone.localdate())
    context = roadmap_context(
        instrument=instrument_spec(assessment.instrument),
        stored_result=assessment.result or {},
        roadmap=plan,
        firm_name=assessment.firm.name if assessment.firm else "",
        day=timezone.localdate(assessment.submitted_at) if assessment.submitted_at else None,
        language=assessment.language,
        result_url=request.build_absolute_uri(
            reverse("diagnostic:result", kwargs={"token": assessment.token})
        ),
        comparison=comparison_for(assessment.firm),
    )
    context["assessment"] = assessment
    context["pdf"] = roadmap_pdf_for(assessment.pk, assessment.language, catalogue_version())
    return render(request, "recommendations/roadmap.html", context)


@rate_limited("pdf")
@with_assessment(draft_only=False)
def roadmap_pdf(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """GET: how the PDF is coming along; POST: ask for it."""
    elsewhere = _submitted_in_its_language(request, assessment, "recommendations:pdf")
    if elsewhere:
        return elsewhere
    if request.method == "POST":
        try:
            roadmap_pdf_request(assessment=assessment)
        except QueueUnavailable:
            return _queue_unavailable(request, assessment)
        return redirect("recommendations:pdf", token=assessment.token)
    pdf = roadmap_pdf_for(assessment.pk, assessment.language, catalogue_version())
    if pdf is None:
        return redirect("recommendations:roadmap", token=assessment.token)
    if request.GET.get("format") == "json":
        return JsonResponse({"state": pdf.state})
    return render(
        request, "recommendations/pdf_status.html", {"assessment": assessment, "pdf": pdf}
    )


@require_POST
@rate_limited("pdf")
@with_assessment(draft_only=False)
def roadmap_pdf_again(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    pdf = roadmap_pdf_for(assessment.pk, assessment.language, catalogue_version())
    if pdf is not None:
        try:
            roadmap_pdf_retry(pdf=pdf)
        except QueueUnavailable:
            return _queue_unavailable(request, assessment)
    return redirect("recommendations:pdf", token=assessment.token)


def _queue_unavailable(request: HttpRequest, assessment: Assessment) -> HttpResponse:
    """Redis is down: say so, and offer to ask again; the results themselves are safe."""
    context = {"assessment": assessment, "queue_unavailable": True}
    return render(request, "recommendations/pdf_status.html", context, status=503)


@require_GET
@with_assessment(draft_only=False)
def roadmap_pdf_download(request: HttpRequest, assessment: Assessment) -> HttpResponseBase:
    pdf = roadmap_pdf_for(assessment.pk, assessment.language, catalogue_version())
    if pdf is None or pdf.state != RoadmapPDF.State.DONE:
        return redirect("recommendations:roadmap", token=assessment.token)
    with translation.override(assessment.language):
        filename = _("digital-roadmap.pdf")
    return FileResponse(pdf.file.open("rb"), as_attachment=True, filename=filename)
