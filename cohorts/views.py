"""Accounts and the consultant's desk: thin views over scoped selectors and services."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.models import User
from django.core.paginator import Paginator
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
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config.ratelimit import address_key, rate_limit_exceeded, rate_limited
from core.jobs import QueueUnavailable
from diagnostic.instrument import localized
from diagnostic.selectors import instrument_spec
from diagnostic.services import instrument_get_or_load
from recommendations.services import roadmap_email

from . import dashboards, presenters, reports
from .accounts import password_reset_request
from .forms import (
    CohortForm,
    DashboardFilterForm,
    DeskFilterForm,
    EnrolForm,
    InvitationForm,
    JoinCodeForm,
    JoinForm,
    LanguageForm,
    NewAccountForm,
    OrganisationForm,
    PlanForm,
    PlannedActionForm,
    ReassignForm,
    ReferralForm,
    ReferralStatusForm,
    ReturnForm,
    TeamForm,
    VisitForm,
    consent_text,
)
from .models import Cohort, Invitation, Membership, PlannedAction, Role
from .selectors import (
    cohort_assessment_for,
    cohort_assessments_for,
    cohorts_for_importer,
    cohorts_for_user,
    cohorts_managed_by,
    cohorts_open,
    consultant_activity,
    consultant_memberships_for,
    consultants_overseen_by,
    enrolment_get_for_user,
    enrolment_status,
    enrolments_for_user,
    firm_record,
    manager_memberships_for,
    memberships_for,
    plan_choices,
    report_for_user_or_404,
    reports_for,
    reviewer_membership,
)
from .services import (
    AccountExists,
    AssessmentInProgress,
    InvitationUnusable,
    NotReviewable,
    OwnersOwn,
    assessment_correct,
    assessment_mark_reviewed,
    assessment_return,
    cohort_assessment_start,
    cohort_create,
    cohort_join,
    cohort_update,
    enrolment_reassign,
    firm_enrol,
    invitation_accept,
    invitation_create,
    invitation_is_for,
    invitation_usable,
    profile_set_language,
    teams_set,
    visit_log,
)


def signed_in(request: HttpRequest) -> User:
    """The person behind a request that `login_required` let through."""
    assert isinstance(request.user, User)
    return request.user


# --- Accounts ---------------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_success_url(self) -> str:
        """The desk, in the person's preferred language unless they asked for another page."""
        url = self.get_redirect_url()
        if url:
            return url
        profile = getattr(self.request.user, "profile", None)
        language = profile.language if profile else get_language()
        return presenters.url_in_language(reverse("cohorts:desk"), language)


class PasswordResetView(auth_views.PasswordResetView):
    """The link is e-mailed in the background: the answer is the same, as fast, for any address."""

    template_name = "registration/password_reset.html"
    success_url = reverse_lazy("cohorts:password_reset_done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"]
        wait = rate_limit_exceeded("password_reset", f"email:{address_key(email)}")
        if wait:
            form.add_error(
                "email",
                _(
                    "Several links were sent to this e-mail a short while ago. Check your inbox "
                    "and spam folder, or try again later."
                ),
            )
            response = self.render_to_response(self.get_context_data(form=form), status=429)
            response["Retry-After"] = str(wait)
            return response
        try:
            password_reset_request(email=email, language=get_language())
        except QueueUnavailable:
            form.add_error(
                None, _("The e-mail can’t be sent right now. Try again in a few minutes.")
            )
            return self.render_to_response(self.get_context_data(form=form), status=503)
        return redirect(self.get_success_url())


password_reset = rate_limited("password_reset")(PasswordResetView.as_view())
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="registration/password_reset_sent.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="registration/password_reset_new.html",
    success_url=reverse_lazy("cohorts:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="registration/password_reset_finished.html"
)


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    profile = getattr(request.user, "profile", None)
    form = LanguageForm(
        request.POST or None, initial={"language": profile.language if profile else get_language()}
    )
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        profile_set_language(user=signed_in(request), language=language)
        messages.success(request, _("Your preferred language is saved."))
        return redirect(presenters.url_in_language(reverse("cohorts:account"), language))
    context = {"form": form, "memberships": memberships_for(request.user)}
    return render(request, "cohorts/account.html", context)


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    found = Invitation.objects.select_related("organisation").filter(token=token[:64]).first()
    if found is None or not invitation_usable(found):
        return render(
            request, "cohorts/invitation_unusable.html", status=404 if found is None else 410
        )
    user = signed_in(request) if request.user.is_authenticated else None
    if user is not None and not invitation_is_for(found, user):
        context = {"invitation": found, "account": user.email or user.get_username()}
        return render(request, "cohorts/invitation_other_account.html", context, status=403)
    form = NewAccountForm(request.POST or None, email=found.email) if user is None else None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            membership, joined = invitation_accept(
                invitation=found,
                user=user,
                password=form.cleaned_data["password1"] if form else "",
                language=get_language(),
            )
        except InvitationUnusable:
            return render(request, "cohorts/invitation_unusable.html", status=410)
        except AccountExists:
            assert form is not None  # only a new account can clash with an existing one
            form.add_error(
                None,
                _(
                    "An account with the e-mail %(email)s exists already. Log in with it, "
                    "then open this invitation link again."
                )
                % {"email": found.email},
            )
        else:
            if form is not None:
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            _tell_how_they_joined(request, membership, joined)
            return redirect("cohorts:desk")
    return render(request, "cohorts/invitation.html", {"invitation": found, "form": form})


def _tell_how_they_joined(request: HttpRequest, membership: Membership, joined: bool) -> None:
    names = {"organisation": membership.organisation, "role": membership.get_role_display()}
    if joined:
        messages.success(request, _("Welcome to %(organisation)s.") % names)
    else:
        messages.info(
            request,
            _("You are a member of %(organisation)s already (%(role)s): your role stays as it is.")
            % names,
        )


# --- The desk ---------------------------------------------------------------------------------


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    cohorts = cohorts_for_user(request.user)
    form = DeskFilterForm(request.GET or None, cohorts=cohorts)
    enrolments = enrolments_for_user(request.user)
    status = ""
    if form.is_valid():
        if form.cleaned_data["q"]:
            enrolments = enrolments.filter(firm__name__icontains=form.cleaned_data["q"])
        if form.cleaned_data["cohort"]:
            enrolments = enrolments.filter(cohort=form.cleaned_data["cohort"])
        status = form.cleaned_data["status"]
    rows = [(enrolment, enrolment_status(enrolment)) for enrolment in enrolments]
    if status:
        rows = [row for row in rows if row[1] == status]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        # The filters, so that the next and previous pages keep them.
        "filters": urlencode(
            {name: request.GET[name] for name in form.fields if request.GET.get(name)}
        ),
        "memberships": memberships_for(request.user),
        "can_invite": memberships_for(request.user).filter(role=Role.MANAGER).exists(),
        "can_follow": memberships_for(request.user)
        .filter(role__in=[Role.MANAGER, Role.COORDINATOR])
        .exists(),
        "importable": cohorts_open(cohorts_for_importer(request.user)),
    }
    return render(request, "cohorts/desk.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def firm_new(request: HttpRequest) -> HttpResponse:
    cohorts = cohorts_open(cohorts_for_user(request.user))
    chosen = request.POST.get("cohort", "")
    # The cohort whose consultants the form offers: the one chosen when it is a whole number
    # (the form itself says what is wrong with anything else), else the first.
    cohort = None
    if chosen.isascii() and chosen.isdigit():
        cohort = cohorts.filter(pk=int(chosen)).first()
    cohort = cohort or cohorts.first()
    if cohort is None:
        if not memberships_for(request.user).exists():
            raise Http404
        messages.info(
            request,
            _(
                "None of your cohorts takes new firms at the moment: a programme manager opens "
                "or creates one under “Cohorts”."
            ),
        )
        return redirect("cohorts:desk")
    consultants = consultant_memberships_for(request.user, cohort)
    form = EnrolForm(request.POST or None, cohorts=cohorts, consultants=consultants)
    if request.method == "POST" and form.is_valid():
        consultant = (
            form.cleaned_data["consultant"] or consultants.filter(user=signed_in(request)).first()
        )
        enrolment = firm_enrol(
            cohort=form.cleaned_data["cohort"],
            profile=form.profile(),
            consultant=consultant,
            external_id=form.cleaned_data["external_id"],
        )
        messages.success(request, _("%(firm)s is enrolled.") % {"firm": enrolment.firm.name})
        if enrolment_get_for_user(request.user, enrolment.pk) is None:
            return redirect("cohorts:desk")
        return redirect("cohorts:firm", pk=enrolment.pk)
    return render(request, "cohorts/firm_new.html", {"form": form})


@login_required
def firm(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_get_for_user(request.user, pk)
    if enrolment is None:
        raise Http404
    return render(request, "cohorts/firm.html", firm_context(request, enrolment))


def firm_context(
    request: HttpRequest,
    enrolment,
    *,
    visit_form: VisitForm | None = None,
    returned: ReturnForm | None = None,
    plan_form: PlanForm | None = None,
    referral_form: ReferralForm | None = None,
    changed: PlannedActionForm | ReferralStatusForm | None = None,
) -> dict:
    """The firm page; a form sent back with its errors takes the place of the blank one."""
    history = presenters.history(cohort_assessments_for(enrolment), get_language())
    firm = enrolment.firm
    for row in history:
        row["review_form"] = (
            returned if returned and returned.linked_pk == row["pk"] else ReturnForm(row["pk"])
        )
        if firm.phone and row["token"] and row["is_submitted"]:
            row["whatsapp"] = presenters.whatsapp_results(
                firm, row["token"], row["language"], request.build_absolute_uri
            )
    actions, programmes = plan_choices(enrolment)
    today = timezone.localdate()
    language = get_language()
    plan = [
        {
            "item": item,
            "title": localized(item.action.title, language),
            "overdue": item.target < today and item.status in PlannedAction.OPEN,
            "form": changed
            if isinstance(changed, PlannedActionForm) and changed.instance.pk == item.pk
            else PlannedActionForm(instance=item),
        }
        for item in enrolment.planned_actions.select_related("action")
    ]
    referrals = [
        {
            "item": item,
            "name": localized(item.programme.name, language),
            "form": changed
            if isinstance(changed, ReferralStatusForm) and changed.instance.pk == item.pk
            else ReferralStatusForm(instance=item),
        }
        for item in enrolment.referrals.select_related("programme")
    ]
    return {
        "can_review": (reviewer := reviewer_membership(request.user, enrolment)) is not None,
        "can_export": reviewer is not None and reviewer.role == Role.MANAGER,
        "enrolment": enrolment,
        "status": enrolment_status(enrolment),
        "history": history,
        "progress": presenters.progress(
            cohort_assessments_for(enrolment),
            instrument_spec(instrument_get_or_load()),
            get_language(),
        ),
        "visits": enrolment.visits.select_related("consultant"),
        "visit_form": visit_form or VisitForm(),
        "plan": plan,
        "plan_form": plan_form or PlanForm(actions=actions),
        "referrals": referrals,
        "referral_form": referral_form or ReferralForm(programmes=programmes),
        "reassign_form": ReassignForm(
            initial={"consultant": enrolment.consultant_id, "members": enrolment.members.all()},
            consultants=consultant_memberships_for(request.user, enrolment.cohort),
        )
        if reviewer
        else None,
    }


@login_required
@require_POST
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager or coordinator sets the firm's team from the consultants they may assign: its
    lead and the other members."""
    enrolment = enrolment_get_for_user(request.user, pk)
    if enrolment is None or reviewer_membership(request.user, enrolment) is None:
        raise Http404
    form = ReassignForm(
        request.POST, consultants=consultant_memberships_for(request.user, enrolment.cohort)
    )
    if not form.is_valid():
        messages.error(request, _("Choose one of the consultants in the list."))
        return redirect("cohorts:firm", pk=pk)
    enrolment_reassign(
        enrolment=enrolment,
        consultant=form.cleaned_data["consultant"],
        members=form.cleaned_data["members"],
    )
    messages.success(request, _("The firm’s team is saved."))
    return redirect("cohorts:firm", pk=pk)


@login_required
@require_POST
def assessment_new(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_get_for_user(request.user, pk)
    if enrolment is None:
        raise Http404
    try:
        started = cohort_assessment_start(
            enrolment=enrolment, user=signed_in(request), language=get_language()
        )
    except AssessmentInProgress:
        messages.info(request, _("This firm already has an assessment in progress."))
        return redirect("cohorts:firm", pk=pk)
    return redirect("diagnostic:resume", token=started.assessment.token)


@login_required
@require_POST
def visit_new(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_get_for_user(request.user, pk)
    if enrolment is None:
        raise Http404
    form = VisitForm(request.POST)
    if not form.is_valid():
        return render(
            request, "cohorts/firm.html", firm_context(request, enrolment, visit_form=form)
        )
    visit_log(enrolment=enrolment, user=signed_in(request), **form.cleaned_data)
    messages.success(request, _("The visit is saved."))
    return redirect("cohorts:firm", pk=pk)


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
@require_POST
def review(request: HttpRequest, pk: int, linked_pk: int) -> HttpResponse:
    """A coordinator or manager returns a submitted assessment with a comment, or approves it."""
    enrolment = enrolment_get_for_user(request.user, pk)
    linked = cohort_assessment_for(enrolment, linked_pk) if enrolment else None
    if enrolment is None or linked is None or reviewer_membership(request.user, enrolment) is None:
        raise Http404
    try:
        if request.POST.get("action") == "reviewed":
            assessment_mark_reviewed(linked=linked, actor=signed_in(request))
            messages.success(request, _("The assessment is marked as reviewed."))
        else:
            form = ReturnForm(linked.pk, request.POST)
            if not form.is_valid():
                context = firm_context(request, enrolment, returned=form)
                return render(request, "cohorts/firm.html", context)
            comment = form.cleaned_data["comment"]
            assessment_return(linked=linked, actor=signed_in(request), comment=comment)
            messages.success(request, _("The assessment is back with its consultant."))
    except OwnersOwn:
        messages.error(
            request, _("An owner’s own diagnostic cannot be returned: only the owner changes it.")
        )
    except AssessmentInProgress:
        messages.error(request, _("This firm already has an assessment in progress."))
    except NotReviewable:
        messages.error(
            request,
            _("Only a submitted assessment that is not reviewed yet can be returned or reviewed."),
        )
    return redirect("cohorts:firm", pk=pk)


@login_required
@require_POST
def correct(request: HttpRequest, pk: int, linked_pk: int) -> HttpResponse:
    """A new revision of a reviewed assessment: the reviewed one stays as it was."""
    enrolment = enrolment_get_for_user(request.user, pk)
    linked = cohort_assessment_for(enrolment, linked_pk) if enrolment else None
    if enrolment is None or linked is None:
        raise Http404
    try:
        revision = assessment_correct(
            linked=linked, actor=signed_in(request), language=get_language()
        )
    except NotReviewable:
        messages.error(request, _("Only a reviewed assessment can be corrected."))
        return redirect("cohorts:firm", pk=pk)
    except AssessmentInProgress:
        messages.info(request, _("This firm already has an assessment in progress."))
        return redirect("cohorts:firm", pk=pk)
    return redirect("diagnostic:resume", token=revision.assessment.token)


# --- Owners joining a cohort ------------------------------------------------------------------


@require_http_methods(["GET"])
def join_code(request: HttpRequest) -> HttpResponse:
    """Where an owner types the short code a programme gave them."""
    form = JoinCodeForm(request.GET or None)
    if form.is_valid():
        return redirect("cohorts:join", code=form.cleaned_data["code"].strip().upper())
    return render(request, "cohorts/join_code.html", {"form": form})


@require_http_methods(["GET", "POST"])
@rate_limited("new_assessment")
def join(request: HttpRequest, code: str) -> HttpResponse:
    cohort = (
        Cohort.objects.select_related("organisation").filter(join_code=code.upper()[:12]).first()
    )
    if cohort is None:
        return render(request, "cohorts/join_unknown.html", {"form": JoinCodeForm()}, status=404)
    if cohort.closed_on is not None:
        return render(request, "cohorts/join_closed.html", {"cohort": cohort}, status=410)
    form = JoinForm(request.POST or None, cohort=cohort)
    if request.method == "POST" and form.is_valid():
        assessment = cohort_join(
            cohort=cohort,
            profile=form.profile(),
            consent_text=consent_text(cohort),
            language=get_language(),
        )
        return redirect("diagnostic:step", token=assessment.token, code="readiness")
    return render(request, "cohorts/join.html", {"form": form, "cohort": cohort})


@login_required
def firm_export(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager downloads everything the organisation holds about one firm."""
    enrolment = enrolment_get_for_user(request.user, pk)
    reviewer = reviewer_membership(request.user, enrolment) if enrolment else None
    if enrolment is None or reviewer is None or reviewer.role != Role.MANAGER:
        raise Http404
    response = JsonResponse(firm_record(enrolment), json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="firm-{enrolment.pk}.json"'
    return response


@login_required
@require_POST
def email_roadmap(request: HttpRequest, pk: int, linked_pk: int) -> HttpResponse:
    """Hand the roadmap over: its PDF to the owner's e-mail.

    Only for assessments the programme ran: an owner's own diagnostic is theirs to send.
    """
    enrolment = enrolment_get_for_user(request.user, pk)
    linked = cohort_assessment_for(enrolment, linked_pk) if enrolment else None
    if enrolment is None or linked is None or not linked.assessment.assisted:
        raise Http404
    email = enrolment.firm.contact_email
    if not linked.assessment.is_submitted or not email:
        messages.error(
            request,
            _("The roadmap can be sent once it is submitted and the firm has an e-mail."),
        )
        return redirect("cohorts:firm", pk=pk)
    roadmap_email(assessment=linked.assessment, to=email)
    messages.success(request, _("The roadmap PDF is on its way to %(email)s.") % {"email": email})
    return redirect("cohorts:firm", pk=pk)


@login_required
def activity(request: HttpRequest) -> HttpResponse:
    """What each consultant a coordinator or manager follows has done: firms, visits, hours,
    assessments submitted, returned and reviewed."""
    if not memberships_for(request.user).filter(role__in=[Role.MANAGER, Role.COORDINATOR]):
        raise Http404
    rows = consultant_activity(consultants_overseen_by(request.user))
    return render(request, "cohorts/activity.html", {"rows": rows})


# --- Programme managers -----------------------------------------------------------------------


@login_required
def cohort_list(request: HttpRequest) -> HttpResponse:
    """The organisation's cohorts, open and closed, with their codes and settings."""
    membership, organisation_form = _managing(request)
    cohorts = Cohort.objects.filter(organisation=membership.organisation).order_by(
        "closed_on", "name"
    )
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
    cohort = cohorts_managed_by(request.user).filter(pk=cohort_pk).first()
    if cohort is None:
        raise Http404
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
    in_organisation = Membership.objects.filter(organisation=membership.organisation)
    form = TeamForm(
        request.POST or None,
        consultants=in_organisation.filter(role=Role.CONSULTANT)
        .select_related("user")
        .order_by("user__first_name", "user__username"),
        coordinators=in_organisation.filter(role=Role.COORDINATOR).select_related("user"),
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
    consultants = Membership.objects.filter(
        organisation=membership.organisation_id, role=Role.CONSULTANT
    ).select_related("user")
    return cohorts, consultants


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
