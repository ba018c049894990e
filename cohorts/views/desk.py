"""The consultant's desk: firms, their visits, assessments, reviews and corrections."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from diagnostic.instrument import localized
from diagnostic.selectors import instrument_spec
from diagnostic.services import instrument_get_or_load
from recommendations.services import roadmap_email

from .. import presenters
from ..forms import (
    DeskFilterForm,
    EnrolForm,
    PlanForm,
    PlannedActionForm,
    ReassignForm,
    ReferralForm,
    ReferralStatusForm,
    ReturnForm,
    VisitForm,
)
from ..models import PlannedAction, Role
from ..selectors import (
    cohort_assessments_for,
    cohort_to_enrol_in,
    cohorts_for_importer,
    cohorts_for_user,
    cohorts_open,
    consultant_activity,
    consultant_memberships_for,
    consultants_overseen_by,
    desk_enrolments,
    enrolment_for_user_or_404,
    enrolment_get_for_user,
    enrolment_status,
    firm_record,
    linked_for_reviewer_or_404,
    linked_for_user_or_404,
    memberships_for,
    own_membership,
    plan_choices,
    planned_actions_of,
    referrals_of,
    reviewer_membership,
    roles_of,
    visits_of,
)
from ..services import (
    AssessmentInProgress,
    NotReviewable,
    OwnersOwn,
    assessment_correct,
    assessment_mark_reviewed,
    assessment_return,
    cohort_assessment_start,
    enrolment_reassign,
    firm_enrol,
    visit_log,
)
from . import signed_in


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    cohorts = cohorts_for_user(request.user)
    form = DeskFilterForm(request.GET or None, cohorts=cohorts)
    chosen = form.cleaned_data if form.is_valid() else {}
    enrolments = desk_enrolments(
        request.user, name=chosen.get("q", ""), cohort=chosen.get("cohort")
    )
    status = chosen.get("status", "")
    rows = [(enrolment, enrolment_status(enrolment)) for enrolment in enrolments]
    if status:
        rows = [row for row in rows if row[1] == status]
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    roles = roles_of(request.user)
    context = {
        "form": form,
        "page": page,
        # The filters, so that the next and previous pages keep them.
        "filters": urlencode(
            {name: request.GET[name] for name in form.fields if request.GET.get(name)}
        ),
        "memberships": memberships_for(request.user),
        "can_invite": Role.MANAGER in roles,
        "can_follow": bool(roles & {Role.MANAGER, Role.COORDINATOR}),
        "can_go_offline": Role.CONSULTANT in roles,
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
    cohort = cohort_to_enrol_in(cohorts, chosen)
    if cohort is None:
        if not roles_of(request.user):
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
        consultant = form.cleaned_data["consultant"] or own_membership(consultants, request.user)
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
    enrolment = enrolment_for_user_or_404(request.user, pk)
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
        for item in planned_actions_of(enrolment)
    ]
    referrals = [
        {
            "item": item,
            "name": localized(item.programme.name, language),
            "form": changed
            if isinstance(changed, ReferralStatusForm) and changed.instance.pk == item.pk
            else ReferralStatusForm(instance=item),
        }
        for item in referrals_of(enrolment)
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
        "visits": visits_of(enrolment),
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
    enrolment = enrolment_for_user_or_404(request.user, pk)
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
    enrolment = enrolment_for_user_or_404(request.user, pk)
    form = VisitForm(request.POST)
    if not form.is_valid():
        return render(
            request, "cohorts/firm.html", firm_context(request, enrolment, visit_form=form)
        )
    visit_log(enrolment=enrolment, user=signed_in(request), **form.cleaned_data)
    messages.success(request, _("The visit is saved."))
    return redirect("cohorts:firm", pk=pk)


@login_required
@require_POST
def review(request: HttpRequest, pk: int, linked_pk: int) -> HttpResponse:
    """A coordinator or manager returns a submitted assessment with a comment, or approves it."""
    linked = linked_for_reviewer_or_404(request.user, pk, linked_pk)
    try:
        if request.POST.get("action") == "reviewed":
            assessment_mark_reviewed(linked=linked, actor=signed_in(request))
            messages.success(request, _("The assessment is marked as reviewed."))
        else:
            form = ReturnForm(linked.pk, request.POST)
            if not form.is_valid():
                context = firm_context(request, linked.enrolment, returned=form)
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
    linked = linked_for_user_or_404(request.user, pk, linked_pk)
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
    linked = linked_for_user_or_404(request.user, pk, linked_pk, assisted_only=True)
    email = linked.enrolment.firm.contact_email
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
    if not roles_of(request.user) & {Role.MANAGER, Role.COORDINATOR}:
        raise Http404
    rows = consultant_activity(consultants_overseen_by(request.user))
    return render(request, "cohorts/activity.html", {"rows": rows})
