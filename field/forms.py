from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cohorts.models import CohortAssessment

from .models import Conflict


def made_by(linked: CohortAssessment) -> str:
    user = linked.created_by
    return (user.get_full_name() or user.get_username()) if user else gettext("the owner")


def made_on(linked: CohortAssessment) -> str:
    """When the work was done: on the phone for an offline assessment, else when submitted."""
    record = getattr(linked.assessment, "offline", None)
    moment = record.finished_at if record is not None else linked.assessment.submitted_at
    return date_format(moment, "DATE_FORMAT") if moment else "—"


class SettleForm(forms.Form):
    """Which of the two assessments counts for the firm's record, one form per conflict."""

    decision = forms.ChoiceField(
        label=_("Which assessment counts for the firm’s record?"),
        help_text=_(
            "Nothing is deleted: an assessment that does not count stays in the firm’s "
            "history, set aside."
        ),
        widget=forms.RadioSelect,
        choices=Conflict.Decision.choices,
    )

    def __init__(self, data=None, *, conflict: Conflict):
        super().__init__(data, prefix=f"conflict-{conflict.pk}")
        uploaded, other = conflict.uploaded, conflict.other
        self.fields["decision"].choices = [  # type: ignore[attr-defined]
            (
                Conflict.Decision.UPLOADED,
                gettext("The one uploaded from the phone: by %(name)s, %(date)s")
                % {"name": made_by(uploaded), "date": made_on(uploaded)},
            ),
            (
                Conflict.Decision.OTHER,
                gettext("The other one: by %(name)s, %(date)s")
                % {"name": made_by(other), "date": made_on(other)},
            ),
            (Conflict.Decision.BOTH, Conflict.Decision.BOTH.label),
        ]
