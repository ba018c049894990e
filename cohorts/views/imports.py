"""Importing a file of responses into a cohort: upload, template, progress and retry."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.ratelimit import rate_limited
from core.jobs import job_is_stalled
from diagnostic.import_files import import_csv_template
from diagnostic.interchange import InterchangeError
from diagnostic.selectors import instrument_spec
from diagnostic.services import instrument_get_or_load

from ..imports import (
    IMPORT_MAX_BYTES,
    import_create,
    import_retry,
)
from ..selectors import cohort_for_importer_or_404, import_job_for_user_or_404
from . import signed_in


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File of responses"),
        help_text=gettext_lazy(
            "A CSV file saved as “CSV UTF-8”, or a JSON file; at most 5 MB, one firm per row."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.json,text/csv,application/json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                gettext_lazy("The file is larger than 5 MB: split it into smaller files.")
            )
        return upload


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("import")
def import_new(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = cohort_for_importer_or_404(request.user, cohort_pk)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_create(
                cohort=cohort,
                user=signed_in(request),
                name=upload.name or "",
                content=upload.read(),
                language=get_language(),
            )
        except InterchangeError as error:
            problems = error.problems
            if error.complete:
                message = ngettext(
                    "The file has %(count)d problem, listed below; nothing was imported.",
                    "The file has %(count)d problems, listed below; nothing was imported.",
                    error.count,
                )
            else:
                message = ngettext(
                    "The file has at least %(count)d problem, listed below; nothing was imported.",
                    "The file has at least %(count)d problems, listed below; nothing was imported.",
                    error.count,
                )
            form.add_error("file", message % {"count": error.count})
        else:
            return redirect("cohorts:import_status", job_pk=job.pk)
    context = {"cohort": cohort, "form": form, "problems": problems}
    return render(request, "cohorts/import_new.html", context)


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    """The CSV header row of the instrument new assessments use, to fill in a spreadsheet."""
    content = import_csv_template(instrument_spec(instrument_get_or_load()))
    filename = _("ruta-digital-import-template.csv")
    return HttpResponse(
        content,
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


@login_required
@require_GET
def import_status(request: HttpRequest, job_pk: int) -> HttpResponse:
    """How the import is coming along; `?format=json` for the page's script."""
    job = import_job_for_user_or_404(request.user, job_pk)
    if request.GET.get("format") == "json":
        return JsonResponse({"state": job.state, "processed": job.processed, "total": job.total})
    context = {
        "job": job,
        "percent": job.processed * 100 // job.total if job.total else 100,
        "stalled": job_is_stalled(job),
    }
    return render(request, "cohorts/import_status.html", context)


@login_required
@require_POST
def import_again(request: HttpRequest, job_pk: int) -> HttpResponse:
    job = import_job_for_user_or_404(request.user, job_pk)
    import_retry(job=job, language=get_language())
    return redirect("cohorts:import_status", job_pk=job.pk)
