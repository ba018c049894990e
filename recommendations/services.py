"""Writes: loading the catalogue, and preparing roadmap PDFs in the background."""

import logging
import uuid
from datetime import timedelta
from pathlib import Path

import yaml
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import ProblemList
from core.files import orphan_files_purge
from core.jobs import job_claim, job_enqueue, job_fail, job_requeue
from diagnostic.benchmarks import comparison_for
from diagnostic.models import Assessment, OutboundEmail
from diagnostic.selectors import instrument_spec, instruments_shipped_combined
from diagnostic.services import email_queue

from . import tasks
from .catalogue import ActionSpec, Catalogue, ProgrammeSpec, ProviderSpec
from .csv_io import CSVProblems, read_csv, write_csv
from .models import Action, Programme, Provider, RoadmapPDF, RoadmapSummary
from .parsing import parse_action, parse_all, parse_programme, parse_provider, unknown_providers
from .pdf import render_roadmap_pdf
from .presenters import roadmap_context
from .records import (
    action_fields,
    programme_fields,
    programme_spec,
    provider_fields,
    provider_spec,
)
from .selectors import catalogue_current, catalogue_version, roadmap_for_assessment

logger = logging.getLogger(__name__)

CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"
# A render that has been "running" this long was lost with its worker: it may be claimed again.


class CatalogueError(Exception):
    """A catalogue file with problems; nothing was loaded."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def catalogue_read(
    directory: Path,
) -> tuple[list[ActionSpec], list[ProgrammeSpec], list[ProviderSpec]]:
    """Every entry of the three catalogue files, or CatalogueError listing every problem.

    Actions are checked against every shipped instrument version: one catalogue serves them all.
    """
    problems: list[str] = []
    instrument = instruments_shipped_combined()

    def read(name: str, parse) -> list:
        path = directory / name
        try:
            entries = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            problems.append(f"{name}: {error}")
            return []
        specs, found = parse_all(entries, parse, label=lambda n: f"{name}, entry {n}")
        problems.extend(found)
        return specs

    actions = read("actions.yaml", lambda data, where: parse_action(data, where, instrument))
    programmes = read("programmes.yaml", parse_programme)
    providers = read("providers.yaml", parse_provider)
    problems.extend(unknown_providers(actions, providers))
    if problems:
        raise CatalogueError(problems)
    return actions, programmes, providers


def catalogue_load(*, directory: Path = CATALOGUE_DIR, update: bool = False) -> dict[str, int]:
    """Add the catalogue files' entries; with `update`, also overwrite edited ones.

    Without `update`, what editors changed in the admin is kept.
    """
    actions, programmes, providers = catalogue_read(directory)
    counts = {"created": 0, "updated": 0, "kept": 0}
    with transaction.atomic():
        for position, spec in enumerate(actions):
            _upsert(
                Action, spec.code, {**action_fields(spec), "position": position}, update, counts
            )
        for programme in programmes:
            _upsert(Programme, programme.code, programme_fields(programme), update, counts)
        for provider in providers:
            _upsert(Provider, provider.code, provider_fields(provider), update, counts)
    return counts


def _upsert(model, code: str, fields: dict, update: bool, counts: dict[str, int]) -> None:
    row = model.objects.filter(code=code).first()
    if row is None:
        model.objects.create(code=code, **fields)
        counts["created"] += 1
    elif update:
        for name, value in fields.items():
            setattr(row, name, value)
        row.save()
        counts["updated"] += 1
    else:
        counts["kept"] += 1


def catalogue_import_csv(
    *, kind: str, content: bytes, catalogue_of: int | None = None
) -> dict[str, int]:
    """Add or update programmes or providers from CSV, in the site's catalogue or in an
    organisation's own (`catalogue_of`); a file with any problem changes nothing, and neither
    does a code that another catalogue uses.

    Raises csv_io.CSVProblems naming every problem by row and column.
    """
    specs = read_csv(kind, content)
    model: type[Programme] | type[Provider] = Programme if kind == "programmes" else Provider
    owners = dict(
        model.objects.filter(code__in=[spec.code for spec in specs]).values_list(
            "code", "catalogue_of_id"
        )
    )
    taken = ProblemList()
    for spec in specs:
        if spec.code in owners and owners[spec.code] != catalogue_of:
            taken.add(
                _("The code “%(code)s” belongs to another catalogue: choose another code.")
                % {"code": spec.code}
            )
    if taken.count:
        raise CSVProblems(taken)
    counts = {"created": 0, "updated": 0, "kept": 0}
    with transaction.atomic():
        for spec in specs:
            if isinstance(spec, ProgrammeSpec):
                fields = programme_fields(spec)
            else:
                fields = provider_fields(spec)
            _upsert(model, spec.code, {**fields, "catalogue_of_id": catalogue_of}, True, counts)
    return counts


def catalogue_export_csv(*, kind: str, owners: QuerySet | None = None) -> str:
    """The site's entries, or (`owners`) those of these organisations' own catalogues."""
    scope = {"catalogue_of__isnull": True} if owners is None else {"catalogue_of__in": owners}
    if kind == "programmes":
        programmes = Programme.objects.filter(**scope).order_by("code")
        return write_csv(kind, (programme_spec(row) for row in programmes))
    providers = Provider.objects.filter(**scope).order_by("code")
    return write_csv(kind, (provider_spec(row) for row in providers))


def roadmap_pdf_request(*, assessment: Assessment) -> RoadmapPDF:
    """The PDF of this assessment's roadmap for the current catalogue, queued if new.

    Two quick clicks ask for the same row: the unique constraint makes one of them win.
    Asking again for a pending one queues it again (harmless: one task claims it). Raises
    QueueUnavailable when the broker is down; the row then waits, pending, for the next ask.
    """
    version = catalogue_version()
    key = {"assessment": assessment, "language": assessment.language, "catalogue_version": version}
    pdf = RoadmapPDF.objects.filter(**key).first()
    if pdf is None:
        try:
            with transaction.atomic():
                pdf = RoadmapPDF.objects.create(**key)
        except IntegrityError:
            return RoadmapPDF.objects.get(**key)
    if pdf.state == RoadmapPDF.State.PENDING:
        job_enqueue(tasks.render_roadmap_pdf, pdf.pk)
    return pdf


def roadmap_pdf_retry(*, pdf: RoadmapPDF) -> None:
    """Queue a failed render again; QueueUnavailable when the broker is down."""
    retried = RoadmapPDF.objects.filter(pk=pdf.pk, state=RoadmapPDF.State.FAILED).update(
        state=RoadmapPDF.State.PENDING, error="", updated_at=timezone.now()
    )
    if retried:
        job_enqueue(tasks.render_roadmap_pdf, pdf.pk)


def roadmap_pdf_claim(*, pdf_id: int, task_id: str = "") -> bool:
    """Take a render for this task; False when it is done or another task has it."""
    return job_claim(RoadmapPDF, pk=pdf_id, task_id=task_id, attempts=F("attempts") + 1)


def roadmap_pdf_store(*, pdf_id: int, content: bytes) -> None:
    pdf = RoadmapPDF.objects.get(pk=pdf_id)
    pdf.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=False)
    pdf.state = RoadmapPDF.State.DONE
    pdf.error = ""
    pdf.save(update_fields=["file", "state", "error", "updated_at"])


def roadmap_pdf_fail(*, pdf_id: int, error: str) -> None:
    logger.exception("Roadmap PDF %s failed: %s", pdf_id, error)
    job_fail(RoadmapPDF, pk=pdf_id, error=error)


def roadmap_pdf_content(*, pdf_id: int) -> bytes:
    """Render the roadmap PDF of a queued row, in the row's language."""
    pdf = RoadmapPDF.objects.select_related("assessment__instrument", "assessment__firm").get(
        pk=pdf_id
    )
    return roadmap_pdf_bytes(assessment=pdf.assessment, language=pdf.language)


def roadmap_pdf_bytes(*, assessment: Assessment, language: str, with_link: bool = True) -> bytes:
    """The roadmap PDF of a submitted assessment, rendered now.

    With the link to the result (and its QR code) only for whoever holds that link already.
    """
    with translation.override(language):
        roadmap = roadmap_for_assessment(assessment, today=timezone.localdate())
        path = reverse("diagnostic:result", kwargs={"token": assessment.token})
        context = roadmap_context(
            instrument=instrument_spec(assessment.instrument),
            stored_result=assessment.result or {},
            roadmap=roadmap,
            firm_name=assessment.firm.name if assessment.firm else "",
            day=timezone.localdate(assessment.submitted_at) if assessment.submitted_at else None,
            language=language,
            result_url=f"{settings.SITE_URL}{path}" if with_link else "",
            comparison=comparison_for(assessment.firm),
        )
    country = str(assessment.firm.country) or None if assessment.firm else None
    return render_roadmap_pdf(context, language=language, country=country)


def roadmap_email(*, assessment: Assessment, to: str) -> OutboundEmail:
    """E-mail the roadmap PDF, in the assessment's language; the PDF is made in the background."""
    with translation.override(assessment.language):
        path = reverse("recommendations:roadmap", kwargs={"token": assessment.token})
        context = {"firm": assessment.firm, "link": f"{settings.SITE_URL}{path}"}
        subject = _("Your digital roadmap from Ruta Digital")
        body = render_to_string("recommendations/email/roadmap.txt", context)
        filename = _("digital-roadmap.pdf")
    return email_queue(
        to=to,
        subject=subject,
        body=body,
        assessment=assessment,
        attachment_name=filename,
        task=tasks.email_roadmap_pdf,
    )


def roadmap_email_attach(*, email_id: int) -> None:
    """Render and attach the roadmap PDF to a queued e-mail, once."""
    email = OutboundEmail.objects.select_related("assessment").get(pk=email_id)
    if email.attachment or email.assessment is None:
        return
    content = roadmap_pdf_bytes(assessment=email.assessment, language=email.assessment.language)
    email.attachment.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=True)


def catalogue_get_or_load() -> Catalogue:
    """The current catalogue, loaded from its files on a fresh database."""
    if not Action.objects.exists():
        catalogue_load()
    return catalogue_current()


def roadmap_summary_queue(*, assessment_id: int) -> None:
    """After a submit: keep what the roadmap recommends, in the background."""
    tasks.store_roadmap_summary.delay(assessment_id)


def roadmap_summary_store(*, assessment_id: int) -> None:
    """The roadmap's actions and programme verdicts of a submitted assessment, replaced whole."""
    assessment = (
        Assessment.objects.select_related("instrument", "firm")
        .filter(pk=assessment_id, status=Assessment.Status.SUBMITTED)
        .first()
    )
    if assessment is None:
        return
    with translation.override(assessment.language):
        roadmap = roadmap_for_assessment(assessment, today=timezone.localdate())
    rows = [
        RoadmapSummary(assessment=assessment, kind=RoadmapSummary.Kind.ACTION, code=chosen.code)
        for chosen in roadmap.actions
    ] + [
        RoadmapSummary(
            assessment=assessment,
            kind=RoadmapSummary.Kind.PROGRAMME,
            code=match.programme.code,
            eligible=match.eligible,
        )
        for match in (*roadmap.programmes, *roadmap.not_eligible)
    ]
    with transaction.atomic():
        RoadmapSummary.objects.filter(assessment=assessment).delete()
        RoadmapSummary.objects.bulk_create(rows)


# --- Housekeeping (Celery beat) ----------------------------------------------------------


def roadmap_pdfs_requeue() -> int:
    """Queue again the renders whose message was lost (Redis down or restarted empty)."""
    return job_requeue(RoadmapPDF.objects.all(), lambda pdf: tasks.render_roadmap_pdf.delay(pdf.pk))


def roadmap_pdfs_purge() -> int:
    """Delete PDFs older than GENERATED_FILES_DAYS; the owner's next ask makes one again."""
    limit = timezone.now() - timedelta(days=settings.GENERATED_FILES_DAYS)
    purged = 0
    for pdf in RoadmapPDF.objects.filter(updated_at__lt=limit).exclude(
        state=RoadmapPDF.State.RUNNING
    ):
        pdf.file.delete(save=False)
        pdf.delete()
        purged += 1
    return purged


def roadmap_pdfs_orphans_purge() -> int:
    """Delete roadmap PDF files that no row holds any more."""
    held = set(RoadmapPDF.objects.exclude(file="").values_list("file", flat=True))
    return orphan_files_purge(folder="roadmaps", held=held)
