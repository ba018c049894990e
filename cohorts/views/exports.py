"""A manager downloads a cohort's assessments: CSV or XLSX, with a codebook, full or pseudonymised.

`?pseudonymised=1` gives the variant without names and contacts. The Excel workbook, and the
CSV of a cohort too large to stream within a request, are made in the background
(cohorts.workbooks): asked for by a form, then a page with its progress.
Cohorts of organisations the person does not manage do not exist for them (a 404).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from diagnostic.instrument import Instrument
from diagnostic.selectors import instrument_spec
from diagnostic.services import instrument_get_or_load

from .. import workbooks
from ..anonymity import K
from ..exports import XLSX_CONTENT_TYPE, codebook_rows, csv_lines, export_table
from ..models import Cohort, DataExport
from ..selectors import cohort_managed_or_404, workbook_for_user_or_404
from . import signed_in

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@login_required
@require_GET
def exports(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    """The page that lists the downloads of one cohort."""
    cohort = _managed_cohort(request, cohort_pk)
    context = {"cohort": cohort, "k": K, "csv_in_background": workbooks.csv_in_background(cohort)}
    return render(request, "cohorts/exports.html", context)


@login_required
@require_GET
def export_csv(request: HttpRequest, cohort_pk: int) -> HttpResponseBase:
    cohort = _managed_cohort(request, cohort_pk)
    pseudonymised = _pseudonymised(request)
    if workbooks.csv_in_background(cohort):
        messages.info(
            request,
            _(
                "This cohort has too many assessments to download at once. Ask for the CSV "
                "file below: it is prepared in the background and ready in a minute or two."
            ),
        )
        return redirect("cohorts:exports", cohort_pk=cohort.pk)
    table = export_table(cohort, _instrument(), pseudonymised=pseudonymised)
    return StreamingHttpResponse(
        csv_lines(table),
        content_type=CSV_CONTENT_TYPE,
        headers=_attachment(_data_filename(cohort, pseudonymised, "csv")),
    )


@login_required
@require_POST
def workbook_new(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    """Ask for the Excel workbook, or the CSV file, made in the background (cohorts.workbooks)."""
    cohort = _managed_cohort(request, cohort_pk)
    file_format = request.POST.get("format", DataExport.Format.XLSX)
    if file_format not in DataExport.Format.values:
        raise BadRequest("format must be xlsx or csv")
    export = workbooks.workbook_request(
        user=signed_in(request),
        cohort=cohort,
        pseudonymised=_pseudonymised(request),
        language=get_language(),
        file_format=file_format,
    )
    if export is None:
        raise Http404
    return redirect("cohorts:workbook", pk=export.pk)


@login_required
@require_GET
def workbook(request: HttpRequest, pk: int) -> HttpResponse:
    found = workbook_for_user_or_404(request.user, pk)
    if request.GET.get("format") == "json":
        return JsonResponse({"state": found.state, "progress": found.progress})
    return render(request, "cohorts/workbook.html", {"export": found})


@login_required
@require_POST
def workbook_again(request: HttpRequest, pk: int) -> HttpResponse:
    found = workbook_for_user_or_404(request.user, pk)
    workbooks.workbook_retry(export=found)
    return redirect("cohorts:workbook", pk=pk)


@login_required
@require_GET
def workbook_download(request: HttpRequest, pk: int) -> FileResponse:
    found = workbook_for_user_or_404(request.user, pk)
    if found.state != found.State.DONE:
        raise Http404
    csv = found.file_format == DataExport.Format.CSV
    return FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=_data_filename(found.cohort, found.pseudonymised, found.file_format),
        content_type=CSV_CONTENT_TYPE if csv else XLSX_CONTENT_TYPE,
    )


@login_required
@require_GET
def export_codebook(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    """What each column of the CSV export means, in the reader's language."""
    cohort = _managed_cohort(request, cohort_pk)
    pseudonymised = _pseudonymised(request)
    rows = codebook_rows(_instrument(), get_language(), pseudonymised=pseudonymised)
    if pseudonymised:
        name = _("%(cohort)s-codebook-pseudonymised-%(date)s")
    else:
        name = _("%(cohort)s-codebook-%(date)s")
    return HttpResponse(
        "".join(csv_lines(rows)),
        content_type=CSV_CONTENT_TYPE,
        headers=_attachment(_filename(name, cohort, "csv")),
    )


def _managed_cohort(request: HttpRequest, cohort_pk: int) -> Cohort:
    return cohort_managed_or_404(request.user, cohort_pk)


def _pseudonymised(request: HttpRequest) -> bool:
    """Refuses a value it does not know rather than guess, and perhaps hand out names."""
    value = request.GET.get("pseudonymised", "0")
    if value not in ("0", "1"):
        raise BadRequest("pseudonymised must be 0 or 1")
    return value == "1"


def _instrument() -> Instrument:
    return instrument_spec(instrument_get_or_load())


def _data_filename(cohort: Cohort, pseudonymised: bool, extension: str) -> str:
    if pseudonymised:
        name = _("%(cohort)s-assessments-pseudonymised-%(date)s")
    else:
        name = _("%(cohort)s-assessments-%(date)s")
    return _filename(name, cohort, extension)


def _filename(name: str, cohort: Cohort, extension: str) -> str:
    stem = name % {"cohort": slugify(cohort.name) or cohort.pk, "date": timezone.localdate()}
    return f"{stem}.{extension}"


def _attachment(filename: str) -> dict[str, str]:
    disposition = content_disposition_header(True, filename)
    assert disposition is not None
    return {"Content-Disposition": disposition}
