"""The field app's server: the bundle a consultant's phone takes offline, the upload of each
assessment made there, and the desk page where coordinators settle conflicts.

The two JSON endpoints answer in JSON whatever happens (403, 400, 404, 409), with messages
in the URL's language; the conflicts page is an ordinary desk page.
"""

import json
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cohorts.models import Role
from cohorts.selectors import roles_of
from cohorts.views import signed_in
from core.errors import PROBLEMS_SHOWN
from diagnostic.models import Assessment
from diagnostic.selectors import instrument_spec
from diagnostic.services import instrument_get_or_load
from diagnostic.stages import STAGES

from .bundle import FORMAT, content_version
from .forms import SettleForm, made_by, made_on
from .models import Conflict
from .selectors import (
    assessment_by_client_id,
    based_on_for,
    conflict_for_reviewer_or_404,
    conflicts_of,
    field_bundle,
    instrument_by_code,
    open_conflicts_for,
    settled_conflicts_for,
    upload_enrolments,
)
from .services import AlreadySettled, ClientIdTaken, conflict_settle, offline_assessment_upload
from .shell import app_texts, asset_url, asset_urls, shell_version
from .uploads import Problem, check_answers, parse_upload, result_summary

REVIEWER_ROLES = {Role.MANAGER, Role.COORDINATOR}


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _error(status: int, error: str, message: str) -> JsonResponse:
    return _json({"error": error, "message": message}, status=status)


def _invalid(problems: list[Problem]) -> JsonResponse:
    """Every problem, up to PROBLEMS_SHOWN of them; `count` says how many there were."""
    return _json(
        {
            "error": "invalid",
            "message": _("The assessment was not saved: correct these problems and send it again."),
            "count": len(problems),
            "problems": [problem.to_dict() for problem in problems[:PROBLEMS_SHOWN]],
        },
        status=400,
    )


def consultant_json(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A JSON endpoint for consultants: anyone else gets a 403 in JSON (never a login page)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return _error(
                403, "not_signed_in", _("Log in again on the site, then send your assessments.")
            )
        if Role.CONSULTANT not in roles_of(request.user):
            return _error(
                403,
                "not_a_consultant",
                _("The field app is for consultants: your account assesses no firms."),
            )
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@consultant_json
def bundle(request: HttpRequest) -> HttpResponse:
    """The consultant's firms, the instrument and the catalogue, to take offline."""
    content = field_bundle(
        signed_in(request),
        instrument=instrument_get_or_load(),
        language=get_language(),
        today=timezone.localdate(),
    )
    content["upload_url"] = reverse("field:upload")
    return _json(
        {
            "format": FORMAT,
            "version": content_version(content),
            "csrf_token": get_token(request),
            **content,
        }
    )


@require_POST
@consultant_json
def upload(request: HttpRequest) -> HttpResponse:
    """One assessment made offline: checked, stored once, submitted and scored again."""
    user = signed_in(request)
    try:
        data = json.loads(request.body)
    except RequestDataTooBig:
        return _error(400, "too_large", _("The upload is too large."))
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested beyond reason
        return _error(400, "not_json", _("The upload is not JSON."))
    parsed, problems = parse_upload(data, default_language=get_language())
    if parsed is None:
        return _invalid(problems)
    enrolments = upload_enrolments(user, firm_id=parsed.firm_id, enrolment_id=parsed.enrolment_id)
    if not enrolments:
        return _error(404, "not_found", _("None of the firms you assess has this id."))
    if len(enrolments) > 1:
        message = _("This firm is in several of your cohorts: say which with “enrolment_id”.")
        return _invalid([Problem("enrolment_id", "enrolment_required", message)])
    instrument = instrument_by_code(parsed.instrument_code)
    if instrument is None or instrument.checksum != parsed.instrument_checksum:
        code = "unknown_instrument" if instrument is None else "instrument_changed"
        message = _(
            "This site does not have the questionnaire “%(code)s” as the phone has it: "
            "download the field app’s data again."
        ) % {"code": parsed.instrument_code}
        return _invalid([Problem("instrument", code, message)])
    answers, problems = check_answers(instrument_spec(instrument), parsed)
    if problems:
        return _invalid(problems)
    (enrolment,) = enrolments
    try:
        _assessment, created = offline_assessment_upload(
            user=user,
            enrolment=enrolment,
            upload=parsed,
            instrument=instrument,
            answers=answers,
            based_on=based_on_for(enrolment, parsed.based_on),
        )
    except ClientIdTaken:
        message = _(
            "Another assessment was sent with this client_id: give each assessment its own."
        )
        return _error(409, "client_id_taken", message)
    stored = assessment_by_client_id(parsed.client_id)
    assert stored is not None
    return _json(_stored(stored), status=201 if created else 200)


def _stored(assessment: Assessment) -> dict[str, Any]:
    """What the phone keeps of a stored upload, the same each time it is sent: the server's
    result, in place of its own."""
    linked = assessment.cohort_link
    record = assessment.offline
    summary = result_summary(assessment.result)
    with translation.override(assessment.language):
        result_url = reverse("diagnostic:result", kwargs={"token": assessment.token})
        roadmap_url = reverse("recommendations:roadmap", kwargs={"token": assessment.token})
    return {
        "client_id": str(assessment.client_id),
        "assessment_id": assessment.pk,
        "firm_id": assessment.firm_id,
        "enrolment_id": linked.enrolment_id,
        "kind": linked.kind,
        "instrument": assessment.instrument.code,
        "submitted_at": assessment.submitted_at.isoformat() if assessment.submitted_at else None,
        "result": {
            **summary,
            "stage_name": str(STAGES[summary["stage"]]) if summary["stage"] else None,
        },
        "client_result_matches": record.result_matches,
        "conflicts": [
            {"id": conflict, "other_assessment_id": other}
            for conflict, other in conflicts_of(linked)
        ],
        "result_url": result_url,
        "roadmap_url": roadmap_url,
        "desk_url": reverse(
            "cohorts:assessment", kwargs={"pk": linked.enrolment_id, "linked_pk": linked.pk}
        ),
    }


# --- The app: its page, service worker and manifest ----------------------------------------


def _shell_context() -> dict[str, Any]:
    """The app's page is the same for every consultant (the service worker keeps one copy):
    what is theirs comes in the bundle."""
    return {
        "css": [asset_url("css/bootstrap.purged.css"), asset_url("css/app.css")],
        "entry_url": asset_url("field/app/app.js"),
        "config": {
            "language": get_language(),
            "texts": app_texts(),
            "urls": {
                "app": reverse("field:app"),
                "bundle": reverse("field:bundle"),
                "service_worker": reverse("field:service_worker"),
                "login": f"{reverse('cohorts:login')}?{urlencode({'next': reverse('field:app')})}",
                "logout": reverse("cohorts:logout"),
                "desk": reverse("cohorts:desk"),
            },
        },
    }


@login_required
@require_GET
def app(request: HttpRequest) -> HttpResponse:
    """The field app's page, for consultants: it runs the whole app, online or not."""
    if Role.CONSULTANT not in roles_of(request.user):
        raise Http404
    return render(request, "field/app.html", _shell_context())


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served under the app's URL so that its scope is the app's pages.

    Public (nothing in it is anyone's) and never cached by the browser, so a changed file
    reaches the phone the next time it is online."""
    page = render_to_string("field/app.html", _shell_context())
    manifest_json = json.dumps(_manifest())
    settings = {
        "version": f"{get_language()}-{shell_version(page, manifest_json)}",
        "shell": reverse("field:app"),
        "precache": [reverse("field:app"), reverse("field:manifest"), *asset_urls()],
    }
    script = render_to_string("field/sw.js", {"settings": json.dumps(settings)})
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response


def _manifest() -> dict[str, Any]:
    return {
        "name": _("Ruta Digital field app"),
        "short_name": _("Ruta Digital"),
        "description": _("Assess your firms without a connection and send the results later."),
        "lang": get_language(),
        "start_url": reverse("field:app"),
        "scope": reverse("field:app"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b5394",
        "icons": [
            {
                "src": asset_url(f"field/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }


@require_GET
def manifest(request: HttpRequest) -> HttpResponse:
    """The web app manifest that makes the app installable on the phone's home screen."""
    return JsonResponse(
        _manifest(),
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


# --- Conflicts (HTML) -----------------------------------------------------------------------


@login_required
@require_GET
def conflicts(request: HttpRequest) -> HttpResponse:
    """Open conflicts of the firms this coordinator or manager reviews, and the latest settled."""
    if not roles_of(request.user) & REVIEWER_ROLES:
        raise Http404
    return render(request, "field/conflicts.html", _conflicts_context(request))


@login_required
@require_POST
def conflict_settle_view(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = conflict_for_reviewer_or_404(request.user, pk)
    form = SettleForm(request.POST, conflict=conflict)
    if not form.is_valid():
        return render(request, "field/conflicts.html", _conflicts_context(request, sent=form))
    try:
        conflict_settle(
            conflict=conflict, decision=form.cleaned_data["decision"], actor=signed_in(request)
        )
    except AlreadySettled:
        messages.info(request, _("Someone settled this conflict a moment ago."))
    else:
        messages.success(
            request,
            _("The conflict of %(firm)s is settled.") % {"firm": conflict.enrolment.firm.name},
        )
    return redirect("field:conflicts")


def _conflicts_context(request: HttpRequest, *, sent: SettleForm | None = None) -> dict[str, Any]:
    open_rows = [
        {
            "conflict": conflict,
            "sides": _sides(conflict),
            "form": sent
            if sent is not None and sent.prefix == f"conflict-{conflict.pk}"
            else SettleForm(conflict=conflict),
        }
        for conflict in open_conflicts_for(request.user)
    ]
    settled_rows = [
        {"conflict": conflict, "sides": _sides(conflict)}
        for conflict in settled_conflicts_for(request.user)
    ]
    return {"open_rows": open_rows, "settled_rows": settled_rows}


def _sides(conflict: Conflict) -> list[dict[str, Any]]:
    """The two assessments, as the page's table shows them."""
    return [
        {
            "label": label,
            "linked": linked,
            "offline": getattr(linked.assessment, "offline", None) is not None,
            "by": made_by(linked),
            "on": made_on(linked),
            "counts": conflict.decision in (which, Conflict.Decision.BOTH),
        }
        for label, linked, which in (
            (_("Uploaded from the phone"), conflict.uploaded, Conflict.Decision.UPLOADED),
            (_("The other assessment"), conflict.other, Conflict.Decision.OTHER),
        )
    ]
