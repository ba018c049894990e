"""A firm's action plan and referrals, kept on its page by the people who work with it.

At a visit the consultant and the owner pick actions from the roadmap of the firm's latest
result, each with a target date, and send the firm to programmes; at the follow-up they mark
how each action went and how far each application got.
"""

from collections.abc import Callable
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..forms import PlanForm, PlannedActionForm, ReferralForm, ReferralStatusForm
from ..models import Enrolment
from ..selectors import (
    enrolment_for_user_or_404,
    plan_choices,
    planned_action_or_404,
    referral_or_404,
)
from ..services import plan_agree, planned_action_update, referral_record, referral_update
from . import signed_in
from .desk import firm_context


def _firm_page(request: HttpRequest, enrolment: Enrolment, **bound) -> HttpResponse:
    return render(request, "cohorts/firm.html", firm_context(request, enrolment, **bound))


def _item_change(
    request: HttpRequest,
    enrolment: Enrolment,
    form: PlannedActionForm | ReferralStatusForm,
    update: Callable[..., None],
    saved: str,
) -> HttpResponse:
    """How one action of the plan or one referral went: `update` takes the form's fields
    (the service's own names); the firm page shows the form again with its errors."""
    if not form.is_valid():
        return _firm_page(request, enrolment, changed=form)
    update(**form.cleaned_data)
    messages.success(request, saved)
    return redirect("cohorts:firm", pk=enrolment.pk)


@login_required
@require_POST
def plan_new(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_for_user_or_404(request.user, pk)
    actions, _programmes = plan_choices(enrolment)
    form = PlanForm(request.POST, actions=actions)
    if not form.is_valid():
        return _firm_page(request, enrolment, plan_form=form)
    plan_agree(
        enrolment=enrolment,
        user=signed_in(request),
        targets=form.targets,
        day=timezone.localdate(),
    )
    messages.success(request, _("The action plan is saved."))
    return redirect("cohorts:firm", pk=pk)


@login_required
@require_POST
def planned_action(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    enrolment = enrolment_for_user_or_404(request.user, pk)
    planned = planned_action_or_404(enrolment, item_pk)
    return _item_change(
        request,
        enrolment,
        PlannedActionForm(request.POST, instance=planned),
        partial(planned_action_update, planned=planned),
        _("The action’s progress is saved."),
    )


@login_required
@require_POST
def referral_new(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = enrolment_for_user_or_404(request.user, pk)
    _actions, programmes = plan_choices(enrolment)
    form = ReferralForm(request.POST, programmes=programmes)
    if not form.is_valid():
        return _firm_page(request, enrolment, referral_form=form)
    referral_record(
        enrolment=enrolment,
        user=signed_in(request),
        programme=form.cleaned_data["programme"],
        status=form.cleaned_data["status"],
        day=timezone.localdate(),
    )
    messages.success(request, _("The referral is saved."))
    return redirect("cohorts:firm", pk=pk)


@login_required
@require_POST
def referral(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    enrolment = enrolment_for_user_or_404(request.user, pk)
    found = referral_or_404(enrolment, item_pk)
    return _item_change(
        request,
        enrolment,
        ReferralStatusForm(request.POST, instance=found),
        partial(referral_update, referral=found),
        _("The referral is saved."),
    )
