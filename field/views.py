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
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cohorts.models import Role
from cohorts.selectors import roles_of
from cohorts.views import signed_in
from config.ratelimit import rate_limit_exceeded
from core.errors import PROBLEMS_SHOWN
from diagnostic.services import instrument_get_or_load

from .bundle import FORMAT, content_version
from .forms import SettleForm, made_by, made_on
from .models import Conflict
from .presenters import upload_answer
from .selectors import (
    conflict_for_reviewer_or_404,
    field_bundle,
    open_conflicts_for,
    settled_conflicts_for,
)
from .services import AlreadySettled, Refusal, conflict_settle, offline_assessment_receive
from .shell import app_texts, asset_url, asset_urls, shell_version

REVIEWER_ROLES = {Role.MANAGER, Role.COORDINATOR}


def _json(data: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def _error(status: int, error: str, message: str) -> JsonResponse:
    return _json({"error": error, "message": message}, status=status)


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
    wait = rate_limit_exceeded("field_upload", f"user:{request.user.pk}")
    if wait:
        message = _("Too many assessments sent for now: the app sends them again later.")
        response = _error(429, "too_many_requests", message)
        response["Retry-After"] = str(wait)
        return response
    try:
        data = json.loads(request.body)
    except RequestDataTooBig:
        return _error(400, "too_large", _("The upload is too large."))
    except (ValueError, RecursionError):  # not UTF-8, not JSON, or nested beyond reason
        return _error(400, "not_json", _("The upload is not JSON."))
    outcome = offline_assessment_receive(
        user=signed_in(request), data=data, language=get_language()
    )
    if isinstance(outcome, Refusal):
        body: dict[str, Any] = {"error": outcome.error, "message": outcome.message}
        if outcome.problems:  # every problem, up to PROBLEMS_SHOWN; `count` says how many
            body["count"] = len(outcome.problems)
            body["problems"] = [problem.to_dict() for problem in outcome.problems[:PROBLEMS_SHOWN]]
        return _json(body, status=outcome.status)
    assessment, created = outcome
    return _json(upload_answer(assessment), status=201 if created else 200)


# --- The app: its page, service worker and manifest ----------------------------------------


def _shell_context() -> dict[str, Any]:
    """The app's page is the same for every consultant (the service worker keeps one copy):
    what is theirs comes in the bundle."""
    return {
        "css": [asset_url("css/bootstrap.purged.css"), asset_url("css/app.css")],
        "entry_url": asset_url("field/app/app.js"),
        "icon_url": asset_url("field/icon-192.png"),
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
