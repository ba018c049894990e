"""Programme managers: cohorts, teams, invitations, the dashboard and its report."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from diagnostic.selectors import instrument_spec
from diagnostic.services import instrument_get_or_load

from .. import dashboards, presenters, reports
from ..forms import (
    CohortForm,
    DashboardFilterForm,
    InvitationForm,
    OrganisationForm,
    TeamForm,
)
from ..models import Cohort, Membership, Role
from ..selectors import (
    cohort_managed_or_404,
    cohorts_managed_by,
    cohorts_of,
    manager_memberships_for,
    members_with_role,
    report_for_user_or_404,
    reports_for,
)
from ..services import (
    cohort_create,
    cohort_update,
    invitation_create,
    teams_set,
)
from . import signed_in


@login_required
@require_http_methods(["GET", "POST"])
def invite(request: HttpRequest) -> HttpResponse:
    membership, organisation_form = _managing(request)
    form = InvitationForm(request.POST or None, organisation=membership.organisation)
    if request.method == "POST" and form.is_valid():
        invitation_create(
            membership=membership,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            coordinator=form.cleaned_data["coordinator"],
            link_for=lambda found: request.build_absolute_uri(
                reverse("cohorts:invitation", kwargs={"token": found.token})
            ),
        )
        messages.success(
            request, _("The invitation is on its way to %(email)s.") % form.cleaned_data
        )
        return redirect("cohorts:desk")
    context = {
        "form": form,
        "organisation": membership.organisation,
        "organisation_form": organisation_form,
    }
    return render(request, "cohorts/invite.html", context)


def _managing(request: HttpRequest) -> tuple[Membership, OrganisationForm | None]:
    """The manager's membership of the organisation the request names; 404 if not theirs.

    Without a name: the only organisation they manage, or, to look at, the first of several
    (a change asks for one). The form to choose comes back for managers of several only.
    """
    data = request.POST if request.method == "POST" else request.GET
    memberships = manager_memberships_for(request.user)
    mine = list(memberships)
    if not mine:
        raise Http404
    several = len(mine) > 1
    if "organisation" in data or (several and request.method == "POST"):
        form = OrganisationForm(data, memberships=memberships)
        if not form.is_valid():
            raise Http404
        membership = form.membership()
    else:
        membership = mine[0]
        form = OrganisationForm(
            initial={"organisation": membership.organisation_id}, memberships=memberships
        )
    return membership, form if several else None


@login_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    """The organisation's cohorts, open and closed, with their codes and settings."""
    membership, organisation_form = _managing(request)
    cohorts = cohorts_of(membership.organisation)
    context = {
        "organisation": membership.organisation,
        "organisation_form": organisation_form,
        "cohorts": cohorts,
    }
    return render(request, "cohorts/cohort_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_new(request: HttpRequest) -> HttpResponse:
    membership, _organisation_form = _managing(request)
    form = CohortForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        cohort = cohort_create(organisation=membership.organisation, **form.cleaned_data)
        messages.success(
            request,
            _("The cohort is ready: owners join with the code %(code)s.")
            % {"code": cohort.join_code},
        )
        return redirect(_in_organisation("cohorts:cohorts", membership))
    context = {"form": form, "organisation": membership.organisation}
    return render(request, "cohorts/cohort_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def cohort_edit(request: HttpRequest, cohort_pk: int) -> HttpResponse:
    cohort = cohort_managed_or_404(request.user, cohort_pk)
    form = CohortForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        cohort_update(cohort=cohort, **form.cleaned_data)
        messages.success(request, _("The cohort is saved."))
        return redirect(reverse("cohorts:cohorts") + f"?organisation={cohort.organisation_id}")
    context = {"form": form, "cohort": cohort, "organisation": cohort.organisation}
    return render(request, "cohorts/cohort_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def teams(request: HttpRequest) -> HttpResponse:
    """Which coordinator's team each consultant of the organisation is in."""
    membership, organisation_form = _managing(request)
    form = TeamForm(
        request.POST or None,
        consultants=members_with_role(membership.organisation, Role.CONSULTANT),
        coordinators=members_with_role(membership.organisation, Role.COORDINATOR),
    )
    if request.method == "POST" and form.is_valid():
        teams_set(teams=form.teams())
        messages.success(request, _("The teams are saved."))
        return redirect(_in_organisation("cohorts:teams", membership))
    context = {
        "form": form,
        "organisation": membership.organisation,
        "organisation_form": organisation_form,
    }
    return render(request, "cohorts/teams.html", context)


def _in_organisation(name: str, membership: Membership) -> str:
    return reverse(name) + f"?organisation={membership.organisation_id}"


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """A programme's figures: one cohort or all the organisation's, with filters."""
    membership, organisation_form = _managing(request)
    managed, consultants = _cohorts_and_consultants(request, membership)
    form = DashboardFilterForm(request.GET or None, cohorts=managed, consultants=consultants)
    chosen = form.cleaned_data.get("cohort") if form.is_valid() else None
    cohorts = managed.filter(pk=chosen.pk) if chosen else managed
    filters = form.filters()
    instrument = instrument_spec(instrument_get_or_load())
    # The organisation's own managers see exact counts; "published" shows what the report shows.
    published = request.GET.get("view") == "published"
    small_cell = dashboards.SMALL_CELL if published else 0
    figures = dashboards.dashboard(cohorts, filters, instrument, small_cell=small_cell)
    context = {
        "organisation": membership.organisation,
        "organisation_form": organisation_form,
        "form": form,
        "figures": figures,
        "charts": presenters.dashboard_charts(figures, get_language()),
        "recommended": presenters.recommended(figures, get_language()),
        "breakdowns": dashboards.breakdowns(cohorts, filters, small_cell=small_cell),
        "stages": dashboards.STAGES,
        "small_cell": dashboards.SMALL_CELL,
        "published": published,
        "switch_query": _query_with(request, view=None if published else "published"),
        "cohort": chosen,
        "reports": reports_for(request.user, membership.organisation),
    }
    return render(request, "cohorts/dashboard.html", context)


def _query_with(request: HttpRequest, **changes: str | None) -> str:
    """The request's query string with these parameters set (None: removed)."""
    query = request.GET.copy()
    for name, value in changes.items():
        query.pop(name, None)
        if value is not None:
            query[name] = value
    return query.urlencode()


def _cohorts_and_consultants(
    request: HttpRequest, membership: Membership
) -> tuple[QuerySet[Cohort], QuerySet[Membership]]:
    """What a manager may filter their organisation's dashboard by."""
    cohorts = cohorts_managed_by(request.user).filter(organisation=membership.organisation_id)
    return cohorts, members_with_role(membership.organisation, Role.CONSULTANT)


@login_required
@require_POST
def report_new(request: HttpRequest) -> HttpResponse:
    """Ask for the cohort report PDF of the dashboard as filtered, in the manager's language."""
    membership, _organisation_form = _managing(request)
    cohorts, consultants = _cohorts_and_consultants(request, membership)
    form = DashboardFilterForm(request.POST, cohorts=cohorts, consultants=consultants)
    if not form.is_valid():
        raise Http404
    report = reports.report_request(
        user=signed_in(request),
        organisation=membership.organisation,
        cohort=form.cleaned_data["cohort"],
        filters=form.filters(),
        language=get_language(),
    )
    if report is None:
        raise Http404
    return redirect("cohorts:report", pk=report.pk)


@login_required
def report(request: HttpRequest, pk: int) -> HttpResponse:
    found = report_for_user_or_404(request.user, pk)
    if request.GET.get("format") == "json":
        return JsonResponse({"state": found.state, "progress": found.progress, "step": found.step})
    return render(request, "cohorts/report.html", {"report": found})


@login_required
@require_POST
def report_again(request: HttpRequest, pk: int) -> HttpResponse:
    found = report_for_user_or_404(request.user, pk)
    reports.report_retry(report=found)
    return redirect("cohorts:report", pk=pk)


@login_required
def report_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    found = report_for_user_or_404(request.user, pk)
    if found.state != found.State.DONE:
        raise Http404
    with translation.override(found.language):
        filename = _("cohort-report.pdf")
    return FileResponse(found.file.open("rb"), as_attachment=True, filename=filename)
