"""Cohort report PDFs: asked for by a manager, made in the background, step by step."""

import logging
import uuid
from contextlib import suppress
from dataclasses import asdict
from datetime import date

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from core.files import orphan_files_purge
from core.jobs import QueueUnavailable, job_claim, job_enqueue, job_fail, job_requeue
from core.pdf import render_pdf
from diagnostic.selectors import instrument_spec
from diagnostic.services import instrument_get_or_load

from . import dashboards, presenters, tasks
from .models import Cohort, CohortReport, Membership, Organisation, Role

logger = logging.getLogger(__name__)

# The steps a report goes through, with the progress reached at the end of each.
STEPS = (("figures", 35), ("segments", 65), ("rendering", 95))


def filters_to_json(filters: dashboards.Filters) -> dict:
    data = asdict(filters)
    for key in ("submitted_from", "submitted_to"):
        data[key] = data[key].isoformat() if data[key] else None
    return data


def filters_from_json(data: dict) -> dashboards.Filters:
    values = dict(data)
    for key in ("submitted_from", "submitted_to"):
        values[key] = date.fromisoformat(values[key]) if values.get(key) else None
    return dashboards.Filters(**values)


def report_request(
    *,
    user: User,
    organisation: Organisation,
    cohort: Cohort | None,
    filters: dashboards.Filters,
    language: str,
) -> CohortReport | None:
    """Queue a report of one cohort (or all the organisation's) for a manager of it."""
    manages = Membership.objects.filter(user=user, organisation=organisation, role=Role.MANAGER)
    if not manages.exists() or (cohort and cohort.organisation_id != organisation.pk):
        return None
    report = CohortReport.objects.create(
        organisation=organisation,
        cohort=cohort,
        filters=filters_to_json(filters),
        language=language,
        requested_by=user,
    )
    with suppress(QueueUnavailable):  # shown as waiting; housekeeping queues it again
        job_enqueue(tasks.render_cohort_report, report.pk)
    return report


def report_retry(*, report: CohortReport) -> None:
    retried = CohortReport.objects.filter(pk=report.pk, state=CohortReport.State.FAILED).update(
        state=CohortReport.State.PENDING, error="", progress=0, step="", updated_at=timezone.now()
    )
    if retried:
        with suppress(QueueUnavailable):
            job_enqueue(tasks.render_cohort_report, report.pk)


def report_claim(*, report_id: int, task_id: str = "") -> bool:
    return job_claim(CohortReport, pk=report_id, task_id=task_id, progress=0, step="")


def _progress(report_id: int, step: str, progress: int) -> None:
    CohortReport.objects.filter(pk=report_id).update(
        step=step, progress=progress, updated_at=timezone.now()
    )


def report_run(*, report_id: int, task_id: str = "") -> bool:
    """Make the PDF of a claimed report, writing its progress as it goes."""
    if not report_claim(report_id=report_id, task_id=task_id):
        return False
    report = CohortReport.objects.select_related("organisation", "cohort").get(pk=report_id)
    try:
        content = _render(report)
    except Exception as error:  # shown on the report page with a retry button
        logger.exception("Cohort report %s failed", report_id)
        job_fail(CohortReport, pk=report_id, error=f"{type(error).__name__}: {error}")
        return False
    report.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=False)
    report.state = CohortReport.State.DONE
    report.progress = 100
    report.step = "done"
    report.save(update_fields=["file", "state", "progress", "step", "updated_at"])
    return True


def _render(report: CohortReport) -> bytes:
    cohorts = Cohort.objects.filter(organisation=report.organisation)
    if report.cohort_id:
        cohorts = cohorts.filter(pk=report.cohort_id)
    filters = filters_from_json(report.filters)
    instrument = instrument_spec(instrument_get_or_load())
    with translation.override(report.language):
        figures = dashboards.dashboard(cohorts, filters, instrument)
        _progress(report.pk, "figures", STEPS[0][1])
        breakdowns = dashboards.breakdowns(cohorts, filters)
        _progress(report.pk, "segments", STEPS[1][1])
        context = {
            "report": report,
            "figures": figures,
            "charts": presenters.dashboard_charts(figures, report.language),
            "recommended": presenters.recommended(figures, report.language),
            "breakdowns": breakdowns,
            "stages": dashboards.STAGES,
            "small_cell": dashboards.SMALL_CELL,
            "instrument": instrument,
            "filters": presenters.filter_summary(filters),
        }
        content = render_pdf("cohorts/report_pdf.html", context, language=report.language)
    _progress(report.pk, "rendering", STEPS[2][1])
    return content


def reports_requeue() -> int:
    """Queue again the reports whose message was lost (Redis down or restarted empty)."""
    return job_requeue(
        CohortReport.objects.all(), lambda report: tasks.render_cohort_report.delay(report.pk)
    )


def reports_orphans_purge() -> int:
    """Delete report files that no report holds any more."""
    held = set(CohortReport.objects.exclude(file="").values_list("file", flat=True))
    return orphan_files_purge(folder="reports", held=held)
