from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .answers import clean_answers
from .contact import InvalidPhone, phone_e164, phone_example
from .currencies import currency_choices, currency_for_country
from .instrument import Dimension, Instrument, Item, localized
from .models import Firm, Sector, Settlement
from .places import find_place, places_of

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

YES_NO = [("true", _("Yes")), ("false", _("No"))]


def yes_no_field(label: "StrOrPromise", help_text: "StrOrPromise" = "") -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=YES_NO,
        coerce=lambda value: value == "true",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class PlaceField(forms.ChoiceField):
    """A state or province, listed for the chosen country; imports may give a name or a code,
    which the form turns into the code (ProfileForm._clean_region)."""

    def valid_value(self, value: str) -> bool:
        return True


class ProfileForm(forms.ModelForm):
    """The firm profile of DESIGN 2.4; the same rules for the web, `diagnose` and imports."""

    women_led = yes_no_field(_("Is the business led by a woman?"))
    has_physical_storefront = yes_no_field(
        _("Do you have a shop or premises where customers come in?")
    )
    formally_registered = yes_no_field(
        _("Is the business formally registered?"),
        _("For example with the tax authority (SAT, AFIP/ARCA, DIAN, SUNAT…)."),
    )
    exports = yes_no_field(_("Do you sell to customers in other countries?"))
    employees = forms.IntegerField(
        label=_("How many people work in the business, including you?"),
        help_text=_("Count yourself, family members who help, and staff."),
        min_value=1,
        max_value=100_000,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    currency = forms.ChoiceField(
        label=_("Currency of your sales"),
        choices=lambda: [("", _("Choose a currency")), *currency_choices()],
        required=False,
        help_text=_("If you leave it empty, we use your country's currency."),
    )
    region = PlaceField(
        label=_("State or province"),
        required=False,
        widget=forms.Select(
            attrs={
                "data-places-url": reverse_lazy("diagnostic:places"),
                "data-prompt": _("Choose your state or province"),
            }
        ),
    )

    class Meta:
        model = Firm
        fields = list(Firm.PROFILE_FIELDS)
        labels = {
            "name": _("Name of your business"),
            "owner_name": _("Your name (optional)"),
            "contact_email": _("E-mail (optional)"),
            "phone": _("WhatsApp or mobile number (optional)"),
            "country": _("Country"),
            "municipality": _("Municipality or city (optional)"),
            "settlement": _("Where is your business?"),
            "town_population": _("How many people live in your town? (optional)"),
            "sector": _("What does your business mainly do?"),
            "annual_turnover": _("Roughly, how much do you sell in a year? (optional)"),
            "years_trading": _("How many years has the business been trading? (optional)"),
        }
        help_texts = {
            "contact_email": _("Only to send you the link to continue and your results."),
            "phone": _(
                "Only so that your adviser can send you your results by WhatsApp. Start with + "
                "and the country code if the number is from another country."
            ),
            "town_population": _("An estimate is fine. Some grants are only for small towns."),
            "annual_turnover": _("An estimate is fine. Write only the number, for example 250000."),
            "years_trading": _("Write 0 if you started less than a year ago."),
        }
        widgets = {
            "settlement": forms.RadioSelect,
            "sector": forms.RadioSelect,
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "owner_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "town_population": forms.TextInput(attrs={"inputmode": "numeric"}),
            "annual_turnover": forms.TextInput(attrs={"inputmode": "decimal"}),
            "years_trading": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Radios need no empty choice: not choosing one is how they are left blank.
        cast(forms.ChoiceField, self.fields["settlement"]).choices = Settlement.choices
        cast(forms.ChoiceField, self.fields["sector"]).choices = Sector.choices
        country = self.data.get("country") if self.is_bound else self.instance.country
        places = places_of(str(country or ""), get_language() or "en")
        cast(forms.ChoiceField, self.fields["region"]).choices = [
            ("", _("Choose your state or province") if places else _("Choose your country first")),
            *places,
        ]
        if self.instance.pk:
            for name in ("women_led", "has_physical_storefront", "formally_registered", "exports"):
                value = getattr(self.instance, name)
                self.initial[name] = None if value is None else ("true" if value else "false")

    def clean(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        self._clean_region(cleaned)
        self._clean_phone(cleaned)
        turnover: Decimal | None = cleaned.get("annual_turnover")
        if turnover is not None and not cleaned.get("currency"):
            currency = currency_for_country(str(cleaned.get("country") or ""))
            if currency:
                cleaned["currency"] = currency
            else:
                self.add_error("currency", _("Choose the currency of your sales."))
        return cleaned

    def _clean_phone(self, cleaned: dict[str, Any]) -> None:
        """The number in E.164, read as a number of the firm's country unless it starts with +."""
        text = (cleaned.get("phone") or "").strip()
        if not text:
            return
        country = str(cleaned.get("country") or "")
        try:
            cleaned["phone"] = phone_e164(text, country)
        except InvalidPhone:
            example = phone_example(country)
            self.add_error(
                "phone",
                _("Write a phone number with its area code, for example %(example)s.")
                % {"example": example}
                if example
                else _("Write the number with + and the country code."),
            )

    def _clean_region(self, cleaned: dict[str, Any]) -> None:
        """The region as its ISO 3166-2 code; a name or code of another country is refused."""
        country = str(cleaned.get("country") or "")
        text = (cleaned.get("region") or "").strip()
        if not country or not places_of(country):
            cleaned["region"] = ""  # no country yet, or one without states or provinces
            return
        code = find_place(country, text)
        if code is not None:
            cleaned["region"] = code
        elif not text:
            self.add_error("region", _("Choose your state or province."))
        else:
            self.add_error(
                "region",
                _("Choose the state or province of %(country)s from the list.")
                % {"country": countries.name(country)},
            )


class StepForm(forms.Form):
    """The items of one block of the instrument, checked by the instrument's own rules."""

    NOTE_SUFFIX = "__note"

    def __init__(
        self,
        *args,
        instrument: Instrument,
        dimension: Dimension,
        language: str,
        with_notes: bool = False,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.dimension = dimension
        self.language = language
        self.with_notes = with_notes
        self.items: list[Item] = [item for area in dimension.areas for item in area.items]
        for item in self.items:
            self.fields[item.code] = self._field_for(item)
            if with_notes:
                self.fields[item.code + self.NOTE_SUFFIX] = forms.CharField(
                    label=_("Consultant’s note (optional)"),
                    required=False,
                    max_length=2000,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def note_field(self, item_code: str):
        """The bound note field of an item, when this form asks for notes."""
        return self[item_code + self.NOTE_SUFFIX] if self.with_notes else None

    @property
    def notes(self) -> dict[str, str]:
        """Item code → note, for the notes written on this page (empty ones left out)."""
        if not self.with_notes:
            return {}
        return {
            item.code: note
            for item in self.items
            if (note := self.cleaned_data.get(item.code + self.NOTE_SUFFIX, "").strip())
        }

    def _field_for(self, item: Item) -> forms.Field:
        label = localized(item.prompt, self.language)
        help_text = localized(item.help, self.language)
        choices = [(option.code, localized(option.label, self.language)) for option in item.options]
        if item.kind == "single":
            return forms.ChoiceField(
                label=label,
                help_text=help_text,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
            )
        if item.kind == "multi":
            return forms.MultipleChoiceField(
                label=label,
                help_text=help_text,
                choices=choices,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        unit = localized(item.unit, self.language)
        return forms.CharField(
            label=label,
            help_text=f"{help_text} ({unit})" if unit else help_text,
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        )

    @classmethod
    def initial_from_answers(
        cls, dimension: Dimension, answers: dict, notes: dict[str, str] | None = None
    ) -> dict:
        initial = {}
        for area in dimension.areas:
            for item in area.items:
                if item.code in answers:
                    value = answers[item.code]
                    initial[item.code] = _format_number(value) if item.kind == "number" else value
                if notes and item.code in notes:
                    initial[item.code + cls.NOTE_SUFFIX] = notes[item.code]
        return initial

    def clean(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        raw = {}
        for item in self.items:
            value = cleaned.get(item.code)
            if item.kind == "number" and isinstance(value, str) and value.strip():
                raw[item.code] = _parse_number(value)
            elif value not in (None, "", []):
                raw[item.code] = value
        answers, problems = clean_answers(self.instrument, raw, self.language)
        for problem in problems:
            self.add_error(problem.item_code, problem.message)
        self.answers = answers
        return cleaned


def _parse_number(text: str) -> object:
    """Accept "1.5", "1,5", "1,500" and "1 500"; anything else goes on to be refused."""
    compact = text.strip().replace(" ", "").replace("\u00a0", "")
    if "." not in compact and compact.count(",") == 1:
        whole, _comma, fraction = compact.partition(",")
        compact = whole + fraction if len(fraction) == 3 else f"{whole}.{fraction}"
    try:
        number = float(compact)
    except ValueError:
        return text.strip()
    return int(number) if number.is_integer() else number


def _format_number(value: object) -> str:
    return "" if value is None else str(value)
