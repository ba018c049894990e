"""Signing in, resetting a password, one's account and accepting an invitation."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.ratelimit import address_key, rate_limit_exceeded, rate_limited
from core.jobs import QueueUnavailable

from .. import presenters
from ..accounts import password_reset_request
from ..forms import (
    LanguageForm,
    NewAccountForm,
)
from ..models import Membership
from ..selectors import (
    invitation_by_token,
    memberships_for,
)
from ..services import (
    AccountExists,
    InvitationUnusable,
    invitation_accept,
    invitation_is_for,
    invitation_usable,
    profile_set_language,
)
from . import signed_in


class LogoutView(auth_views.LogoutView):
    """Log out, and have the browser erase what the site kept on the device: the field app's
    firms and assessments (IndexedDB), its files and its service worker."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


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
    found = invitation_by_token(token)
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
