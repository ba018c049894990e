from datetime import timedelta
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from diagnostic.forms import ProfileForm
from diagnostic.instrument import localized
from diagnostic.models import Firm, Sector, Settlement
from diagnostic.places import place_key, subdivision_name
from diagnostic.sizes import SizeBand
from recommendations.models import Action, Horizon, Programme

from .dashboards import Filters
from .models import (
    Cohort,
    EnrolmentStatus,
    Membership,
    Organisation,
    PlannedAction,
    Referral,
    Role,
    Visit,
)


def person_name(membership: Membership) -> str:
    return membership.user.get_full_name() or membership.user.get_username()


def offer_cohorts_and_consultants(form: forms.BaseForm, cohorts, consultants) -> None:
    """Limit a form's cohort and consultant choices to what the person may pick."""
    form.fields["cohort"].queryset = cohorts  # type: ignore[attr-defined]
    form.fields["consultant"].queryset = consultants  # type: ignore[attr-defined]
    form.fields["consultant"].label_from_instance = person_name  # type: ignore[attr-defined]


def filters_side_by_side(names, columns: str) -> FormHelper:
    """A filter form's fields in columns from a tablet's width up, one under another on a
    phone; the page writes the <form> (a GET, so no CSRF token) and its button."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    fields = (Column(name, css_class=columns) for name in names)
    # Inputs line up whether or not a label takes two lines.
    helper.layout = Layout(Row(*fields, css_class="align-items-end"))
    return helper


def region_choices(cohorts) -> list[tuple[str, str]]:
    """The states or provinces of the cohorts' firms, by name: "Sonora (MX-SON)"."""
    codes = (
        Firm.objects.filter(enrolments__cohort__in=cohorts)
        .exclude(region="")
        .values_list("region", flat=True)
        .distinct()
    )
    language = get_language() or "en"
    named = [(code, subdivision_name(code, language)) for code in codes]
    return sorted(
        ((code, f"{name} ({code})" if name != code else code) for code, name in named),
        key=lambda choice: place_key(choice[1]),
    )


class DeskFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by business name"), required=False, max_length=100)
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        required=False,
        empty_label=_("All cohorts"),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *EnrolmentStatus.choices],
        required=False,
    )

    def __init__(self, *args, cohorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cohorts  # type: ignore[attr-defined]
        self.helper = filters_side_by_side(self.fields, "col-md-4")


class EnrolForm(ProfileForm):
    """A new client firm: its profile, the cohort and who assesses it."""

    cohort = forms.ModelChoiceField(
        label=_("Cohort"), queryset=Cohort.objects.none(), empty_label=_("Choose a cohort")
    )
    consultant = forms.ModelChoiceField(
        label=_("Consultant"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("Choose a consultant"),
    )
    external_id = forms.CharField(
        label=_("Programme's own id (optional)"), max_length=100, required=False
    )

    class Meta(ProfileForm.Meta):
        fields = ["cohort", "consultant", "external_id", *ProfileForm.Meta.fields]

    def __init__(self, *args, cohorts, consultants, **kwargs):
        super().__init__(*args, **kwargs)
        offer_cohorts_and_consultants(self, cohorts, consultants)

    def profile(self) -> dict:
        return {name: self.cleaned_data[name] for name in ProfileForm.Meta.fields}


class HoursField(forms.DecimalField):
    """Hours as people type them in either language: 1.5 or 1,5."""

    def to_python(self, value):
        return super().to_python(value.replace(",", ".") if isinstance(value, str) else value)


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["day", "mode", "hours", "notes"]
        labels = {"hours": _("Hours spent")}
        field_classes = {"hours": HoursField}
        help_texts = {
            "hours": _(
                "With the firm and on its work, in hours and tenths: 1.5 is an hour and a half."
            )
        }
        widgets = {
            "day": forms.DateInput(attrs={"type": "date"}),
            "mode": forms.RadioSelect,
            "hours": forms.TextInput(attrs={"inputmode": "decimal"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mode"].choices = Visit.Mode.choices  # type: ignore[attr-defined]
        self.fields["hours"].required = True
        # An ISO date: what <input type="date"> shows whatever the page's language.
        self.initial.setdefault("day", timezone.localdate().isoformat())

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A visit can’t be in the future."))
        return day


# A planned action's target date starts at its horizon from the day of the visit.
HORIZON_DAYS: dict[str, timedelta] = {
    Horizon.DAYS_30: timedelta(days=30),
    Horizon.MONTHS_3: timedelta(days=91),
    Horizon.MONTHS_12: timedelta(days=365),
}
# Far enough for the 12-month actions of a late visit; further is surely a typing slip.
LATEST_TARGET = timedelta(days=3 * 365)


class PlanForm(forms.Form):
    """The roadmap's actions not in the plan yet: those the owner agrees to take, each by a
    target date (its horizon from today unless they choose another)."""

    def __init__(self, *args, actions: list[Action], **kwargs):
        super().__init__(*args, **kwargs)
        self.actions = actions
        today = timezone.localdate()
        language = get_language()
        for action in actions:
            self.fields[f"pick_{action.code}"] = forms.BooleanField(
                label=localized(action.title, language), required=False
            )
            self.fields[f"target_{action.code}"] = forms.DateField(
                label=_("Target date"),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}),
                initial=(today + HORIZON_DAYS.get(action.horizon, timedelta(91))).isoformat(),
            )

    def rows(self) -> list[tuple[Action, forms.BoundField, forms.BoundField]]:
        return [
            (action, self[f"pick_{action.code}"], self[f"target_{action.code}"])
            for action in self.actions
        ]

    def clean(self):
        cleaned = super().clean() or {}
        today = timezone.localdate()
        self.targets: dict[Action, Any] = {}
        for action in self.actions:
            name = f"target_{action.code}"
            if not cleaned.get(f"pick_{action.code}") or name in self.errors:
                continue
            target = cleaned.get(name)
            title = {"action": self.fields[f"pick_{action.code}"].label}
            if target is None:
                self.add_error(name, _("Give the date for “%(action)s”.") % title)
            elif target < today:
                self.add_error(name, _("The date for “%(action)s” can’t be in the past.") % title)
            elif target > today + LATEST_TARGET:
                self.add_error(
                    name, _("Choose a date within the next three years for “%(action)s”.") % title
                )
            else:
                self.targets[action] = target
        if not self.targets and not self.errors:
            raise forms.ValidationError(_("Tick at least one action the owner agrees to take."))
        return cleaned


class PlannedActionForm(forms.ModelForm):
    """How one agreed action went, at a follow-up."""

    class Meta:
        model = PlannedAction
        fields = ["status", "reason"]
        widgets = {"status": forms.RadioSelect, "reason": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"reason": _("Only when it was dropped: what stood in the way.")}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", f"planned-{kwargs['instance'].pk}")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean() or {}
        dropped = cleaned.get("status") == PlannedAction.Status.DROPPED
        if dropped and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why it was dropped: the programme learns from it."))
        return cleaned


class ReferralForm(forms.Form):
    """A programme of the firm's roadmap that it was sent to, and how far it got."""

    programme = forms.ModelChoiceField(
        label=_("Programme"),
        queryset=Programme.objects.none(),
        empty_label=_("Choose a programme"),
    )
    status = forms.ChoiceField(
        label=_("How far it got"),
        choices=Referral.Status.choices,
        initial=Referral.Status.REFERRED,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, programmes: list[Programme], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        field.queryset = Programme.objects.filter(  # type: ignore[attr-defined]
            pk__in=[programme.pk for programme in programmes]
        )
        language = get_language()
        field.label_from_instance = lambda programme: localized(  # type: ignore[attr-defined]
            programme.name, language
        )
        self.has_choices = bool(programmes)


class ReferralStatusForm(forms.ModelForm):
    class Meta:
        model = Referral
        fields = ["status"]
        labels = {"status": _("How far it got")}
        widgets = {"status": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", f"referral-{kwargs['instance'].pk}")
        super().__init__(*args, **kwargs)


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail of the person to invite"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, widget=forms.RadioSelect)
    coordinator = forms.ModelChoiceField(
        label=_("In the team of (consultants only)"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("No team"),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["coordinator"]
        field.queryset = Membership.objects.filter(  # type: ignore[attr-defined]
            organisation=organisation, role=Role.COORDINATOR
        ).select_related("user")
        field.label_from_instance = person_name  # type: ignore[attr-defined]

    def clean(self):
        cleaned = self.cleaned_data
        if cleaned.get("coordinator") and cleaned.get("role") != Role.CONSULTANT:
            self.add_error("coordinator", _("Only consultants belong to a coordinator’s team."))
        return cleaned


class OrganisationForm(forms.Form):
    """Which of the organisations they manage a person works on, for managers of several."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,  # a few organisations: all in sight, one tap each
    )

    def __init__(self, *args, memberships, **kwargs):
        super().__init__(*args, **kwargs)
        self.memberships = memberships
        field = self.fields["organisation"]
        # Chosen by the organisation's own id: a lookup by primary key, which Django answers
        # "no such row" for any number, however large.
        field.queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=memberships.values("organisation")
        )

    def membership(self) -> Membership:
        """The person's membership of the organisation chosen (after `is_valid`)."""
        return self.memberships.get(organisation=self.cleaned_data["organisation"])


class NewAccountForm(forms.Form):
    password1 = forms.CharField(label=_("Choose a password"), widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("The same password again"), widget=forms.PasswordInput)

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        # The account to be, unsaved: the validators compare the password with its username
        # and e-mail.
        self.account = get_user_model()(username=email.lower(), email=email)

    def clean(self):
        cleaned = self.cleaned_data
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        elif first:
            try:
                password_validation.validate_password(first, self.account)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of your pages and e-mails"),
        choices=lambda: list(settings.LANGUAGES),
        widget=forms.RadioSelect,
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should the consultant check or change?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def __init__(self, linked_pk: int, data=None):
        """One per assessment on a firm's page, each with its own element ids."""
        super().__init__(data, auto_id=f"id_review{linked_pk}_%s")
        self.linked_pk = linked_pk


def consent_text(cohort: Cohort) -> str:
    return gettext(
        "I agree that %(organisation)s, which runs %(cohort)s, sees my business details, "
        "answers and results, to support my business; it cannot change them. I can delete my "
        "diagnostic at any time from my link. If I delete it, the programme no longer has it "
        "either, except assessments its consultants have since made with me."
    ) % {"organisation": cohort.organisation.name, "cohort": cohort.name}


class JoinForm(ProfileForm):
    """An owner joining a cohort: their business, and their consent to share it."""

    consent = forms.BooleanField(label="", required=True)

    class Meta(ProfileForm.Meta):
        fields = [*ProfileForm.Meta.fields, "consent"]

    def __init__(self, *args, cohort: Cohort, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_text(cohort)
        self.fields["consent"].error_messages["required"] = _(
            "To join the programme, tick the box to agree to share your results with it."
        )

    def profile(self) -> dict:
        return {name: self.cleaned_data[name] for name in ProfileForm.Meta.fields}


class JoinCodeForm(forms.Form):
    code = forms.CharField(label=_("The programme’s code"), max_length=12)


class DashboardFilterForm(forms.Form):
    cohort = forms.ModelChoiceField(
        label=_("Cohort"),
        queryset=Cohort.objects.none(),
        required=False,
        empty_label=_("All cohorts"),
    )
    settlement = forms.ChoiceField(
        label=_("Type of place"), required=False,
        choices=lambda: [("", _("Any"))] + list(Settlement.choices),
    )  # fmt: skip
    women_led = forms.ChoiceField(
        label=_("Led by a woman"), required=False,
        choices=[("", _("Any")), ("yes", _("Yes")), ("no", _("No"))],
    )  # fmt: skip
    sector = forms.ChoiceField(
        label=_("Main activity"), required=False,
        choices=lambda: [("", _("Any"))] + list(Sector.choices),
    )  # fmt: skip
    size = forms.ChoiceField(
        label=_("Size"), required=False,
        choices=[("", _("Any")), *SizeBand.choices],
    )  # fmt: skip
    region = forms.ChoiceField(label=_("State or province"), required=False)
    consultant = forms.ModelChoiceField(
        label=_("Consultant"), queryset=Membership.objects.none(), required=False,
        empty_label=_("Any"),
    )  # fmt: skip
    submitted_from = forms.DateField(
        label=_("Submitted from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    submitted_to = forms.DateField(
        label=_("Submitted until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, cohorts, consultants, **kwargs):
        super().__init__(*args, **kwargs)
        offer_cohorts_and_consultants(self, cohorts, consultants)
        self.fields["region"].choices = [  # type: ignore[attr-defined]
            ("", _("Any")),
            *region_choices(cohorts),
        ]
        self.helper = filters_side_by_side(self.fields, "col-md-6 col-lg-4")

    def filters(self) -> "Filters":
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        women_led = {"yes": True, "no": False}.get(data.get("women_led") or "")
        consultant = data.get("consultant")
        return Filters(
            settlement=data.get("settlement") or "",
            women_led=women_led,
            sector=data.get("sector") or "",
            size=data.get("size") or "",
            region=(data.get("region") or "").strip(),
            consultant=consultant.pk if consultant else None,
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
        )


class CohortForm(forms.ModelForm):
    """A manager sets up a cohort, and later closes it or gives it a new join code."""

    closed = forms.BooleanField(
        label=_("Closed: no new firms join"),
        required=False,
        help_text=_("Its firms and results stay; you can open it again."),
    )
    new_join_code = forms.BooleanField(
        label=_("Make a new join code"),
        required=False,
        help_text=_("The old code and its link stop working at once."),
    )

    class Meta:
        model = Cohort
        fields = ["name", "description", "starts_on", "ends_on", "follow_up_days"]
        labels = {"follow_up_days": _("Follow-up due after (days)")}
        help_texts = {
            "follow_up_days": _(
                "A firm whose latest result is older than this shows as due a follow-up: "
                "from 30 to 730 days."
            )
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "ends_on": forms.DateInput(attrs={"type": "date"}),
            "follow_up_days": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["closed"] = self.instance.closed_on is not None
        else:
            del self.fields["closed"], self.fields["new_join_code"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        starts, ends = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The cohort can’t end before it starts."))
        return cleaned


class TeamForm(forms.Form):
    """Each consultant's coordinator: one choice per consultant of the organisation."""

    def __init__(self, *args, consultants, coordinators, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultants = list(consultants)
        for consultant in self.consultants:
            field = forms.ModelChoiceField(
                label=person_name(consultant),
                queryset=coordinators,
                required=False,
                empty_label=_("No team"),
            )
            field.label_from_instance = person_name  # type: ignore[assignment]
            self.fields[f"coordinator_{consultant.pk}"] = field
            self.initial[f"coordinator_{consultant.pk}"] = consultant.coordinator_id

    def teams(self) -> dict[Membership, Membership | None]:
        """Each consultant with the coordinator chosen (after `is_valid`)."""
        return {c: self.cleaned_data[f"coordinator_{c.pk}"] for c in self.consultants}


class ReassignForm(forms.Form):
    """The firm's team: its lead (the consultant) and, when students work in teams, the others."""

    consultant = forms.ModelChoiceField(
        label=_("Consultant (team lead)"),
        queryset=Membership.objects.none(),
        empty_label=_("Choose a consultant"),
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Other members of the team"),
        queryset=Membership.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They see the firm and fill in its assessments, as the lead does."),
    )

    def __init__(self, *args, consultants, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("consultant", "members"):
            field = self.fields[name]
            field.queryset = consultants  # type: ignore[attr-defined]
            field.label_from_instance = person_name  # type: ignore[attr-defined]
